// Admin API (X1 audit, X2 configuration, X3 outbox/channels, jobs). Shapes follow the
// contract; fields the server may add later are optional here.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';
import type { QueryValue } from '../../app/query.js';

export interface Paged<T> {
  items: T[];
  total: number;
  page?: number;
  pageSize?: number;
}

// ── audit ─────────────────────────────────────────────────────────────────────────────────
export interface AuditEntry {
  id: number | string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorKind: string;
  action: string;
  resource: string;
  recordId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip?: string | null;
}
export interface AuditFilters {
  actorId?: string;
  action?: string;
  resource?: string;
  recordId?: string;
  from?: string;
  to?: string;
  page: number;
  pageSize: number;
}

export function useAudit(f: AuditFilters) {
  return useQuery({
    queryKey: ['admin', 'audit', f],
    queryFn: ({ signal }) => api.get<Paged<AuditEntry>>('/admin/audit', f as unknown as Record<string, QueryValue>, signal),
    placeholderData: keepPreviousData,
  });
}

// ── jobs ──────────────────────────────────────────────────────────────────────────────────
export interface JobRunSummary {
  periodKey: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}
export interface JobDef {
  id: string;
  title: unknown;
  cron: string;
  nextRunAt: string | null;
  lastRun: JobRunSummary | null;
}
export interface JobRun extends JobRunSummary {
  jobId: string;
  attempts: number;
  output: unknown;
}

export function useJobs() {
  return useQuery({
    queryKey: ['admin', 'jobs'],
    queryFn: ({ signal }) => api.get<{ items: JobDef[] }>('/admin/jobs', undefined, signal),
    select: (d) => d.items,
  });
}

/** Contract: ?jobId=&status=&page= (the server picks the page size). */
export function useJobRuns(f: { jobId?: string; status?: string; page: number }) {
  return useQuery({
    queryKey: ['admin', 'jobs', 'runs', f],
    queryFn: ({ signal }) => api.get<Paged<JobRun>>('/admin/jobs/runs', f, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRunJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, periodKey, force }: { id: string; periodKey?: string; force?: boolean }) =>
      api.post<unknown>(`/admin/jobs/${encodeURIComponent(id)}/run`, { ...(periodKey ? { periodKey } : {}), ...(force ? { force } : {}) }),
    onSettled: () => qc.invalidateQueries({ queryKey: ['admin', 'jobs'] }),
  });
}

// ── configuration ─────────────────────────────────────────────────────────────────────────
export interface Approval {
  userId: string;
  userName?: string | null;
  role: string;
  at: string;
}
export interface PendingVersion {
  version: number;
  value: unknown;
  reason: string | null;
  proposedBy: string | null;
  proposedByName?: string | null;
  proposedAt?: string | null;
  approvals: Approval[];
}
export interface ConfigItem {
  key: string;
  title: unknown;
  description: unknown;
  dualSignoff: boolean;
  active: { version: number; value: unknown } | null;
  pending: PendingVersion | null;
}
/** One row of a key's history; fields beyond version/value are shown when the server sends them. */
export interface ConfigVersion {
  version: number;
  value: unknown;
  status?: string;
  reason?: string | null;
  proposedBy?: string | null;
  proposedByName?: string | null;
  createdAt?: string;
  proposedAt?: string;
  activatedAt?: string | null;
  approvals?: Approval[];
  rejectedBy?: string | null;
  rejectReason?: string | null;
}

export function useConfigList() {
  return useQuery({
    queryKey: ['admin', 'config'],
    queryFn: ({ signal }) => api.get<{ items: ConfigItem[] }>('/admin/config', undefined, signal),
    select: (d) => d.items,
  });
}

export function useConfigHistory(key: string | null) {
  return useQuery({
    queryKey: ['admin', 'config', key, 'history'],
    queryFn: ({ signal }) => api.get<{ items: ConfigVersion[] }>(`/admin/config/${encodeURIComponent(key!)}`, undefined, signal),
    enabled: !!key,
    select: (d) => d.items,
  });
}

function useConfigMutation<V>(fn: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: ['admin', 'config'] }) });
}

export const useProposeConfig = () =>
  useConfigMutation(({ key, value, reason }: { key: string; value: unknown; reason: string }) =>
    api.post(`/admin/config/${encodeURIComponent(key)}/proposals`, { value, reason }),
  );
export const useApproveConfig = () =>
  useConfigMutation(({ key, version }: { key: string; version: number }) => api.post(`/admin/config/${encodeURIComponent(key)}/versions/${version}/approve`));
export const useRejectConfig = () =>
  useConfigMutation(({ key, version, reason }: { key: string; version: number; reason: string }) =>
    api.post(`/admin/config/${encodeURIComponent(key)}/versions/${version}/reject`, { reason }),
  );

// ── outbox ────────────────────────────────────────────────────────────────────────────────
export interface OutboxMessage {
  id: string;
  channel: string;
  target: string;
  subject: string | null;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

/** Contract: ?status= only. */
export function useOutbox(f: { status?: string }) {
  return useQuery({
    queryKey: ['admin', 'outbox', f],
    queryFn: ({ signal }) => api.get<Paged<OutboxMessage>>('/admin/outbox', f, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRetryOutbox() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post(`/admin/outbox/${encodeURIComponent(id)}/retry`),
    onSettled: () => qc.invalidateQueries({ queryKey: ['admin', 'outbox'] }),
  });
}

// ── notification channels ─────────────────────────────────────────────────────────────────
export const CHANNEL_KINDS = ['wecom', 'dingtalk', 'feishu'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export interface Channel {
  id: string;
  kind: ChannelKind;
  name: string;
  webhookUrl: string;
  hasSecret?: boolean;
  enabled: boolean;
  version: number;
  updatedAt?: string;
  _abilities?: { masked?: string[] };
}
export interface ChannelInput {
  kind: ChannelKind;
  name: string;
  webhookUrl: string;
  secret?: string;
  enabled: boolean;
}

export function useChannels() {
  return useQuery({
    queryKey: ['admin', 'channels'],
    queryFn: ({ signal }) => api.get<{ items: Channel[] }>('/admin/channels', undefined, signal),
    select: (d) => d.items,
  });
}

function useChannelMutation<V>(fn: (v: V) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSettled: () => qc.invalidateQueries({ queryKey: ['admin', 'channels'] }) });
}
export const useCreateChannel = () => useChannelMutation((v: ChannelInput) => api.post<Channel>('/admin/channels', v));
export const useUpdateChannel = () =>
  useChannelMutation(({ id, ...v }: Partial<ChannelInput> & { id: string; version: number }) => api.patch<Channel>(`/admin/channels/${encodeURIComponent(id)}`, v));
export const useDeleteChannel = () => useChannelMutation((id: string) => api.del(`/admin/channels/${encodeURIComponent(id)}`));
