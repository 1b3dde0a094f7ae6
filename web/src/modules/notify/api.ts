// Inbox API (X3): GET /notifications, unread count, mark read.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';
import { isApiError } from '../../app/problem.js';

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export const notifyKeys = {
  all: ['notifications'] as const,
  unread: ['notifications', 'unread-count'] as const,
  list: (page: number, unreadOnly: boolean) => ['notifications', 'list', page, unreadOnly] as const,
};

export function useUnreadCount() {
  return useQuery({
    queryKey: notifyKeys.unread,
    queryFn: ({ signal }) => api.get<{ count: number }>('/notifications/unread-count', undefined, signal),
    refetchInterval: (q) => (isApiError(q.state.error) && q.state.error.isMissingEndpoint ? false : 60_000),
    retry: false,
  });
}

/** The contract names only `page` and `unread`; the page size is the server's (echoed when it sends one). */
export function useNotifications(page: number, unreadOnly: boolean) {
  return useQuery({
    queryKey: notifyKeys.list(page, unreadOnly),
    queryFn: ({ signal }) =>
      api.get<{ items: Notification[]; total: number; pageSize?: number }>('/notifications', { page, unread: unreadOnly ? 'true' : undefined }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<unknown>(`/notifications/${encodeURIComponent(id)}/read`),
    onSettled: () => qc.invalidateQueries({ queryKey: notifyKeys.all }),
  });
}

export function useMarkAllRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<unknown>('/notifications/read-all'),
    onSettled: () => qc.invalidateQueries({ queryKey: notifyKeys.all }),
  });
}
