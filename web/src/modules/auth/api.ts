// Personal API tokens (X5): list, create (the secret is shown once), revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export interface ApiToken {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}
export interface CreatedToken extends ApiToken {
  token: string;
}
export interface CreateTokenInput {
  name: string;
  role?: string;
  expiresInDays?: number;
}

const KEY = ['me', 'tokens'] as const;

export function useTokens() {
  return useQuery({ queryKey: KEY, queryFn: ({ signal }) => api.get<{ items: ApiToken[] }>('/me/tokens', undefined, signal), select: (d) => d.items });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (v: CreateTokenInput) => api.post<CreatedToken>('/me/tokens', v), onSettled: () => qc.invalidateQueries({ queryKey: KEY }) });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: (id: string) => api.del(`/me/tokens/${encodeURIComponent(id)}`), onSettled: () => qc.invalidateQueries({ queryKey: KEY }) });
}
