// Customer sources API (C2, C5): import wizard, conflicts worklist, per-customer provenance.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { API_BASE, request } from '../../../app/api.js';
import { pickCsrfToken } from '../../../app/csrf.js';
import { problemFromResponse } from '../../../app/problem.js';
import type { Lang } from '../../../app/i18n.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export interface ImportTargetInfo {
  kind: string;
  label: Bilingual;
  allowed: boolean;
  resolvesCustomer: boolean;
  columns: { key: string; label: Bilingual; required: boolean }[];
}

export interface Preview {
  sha256: string;
  fileName: string | null;
  format: 'csv' | 'xlsx';
  encoding: string;
  headers: string[];
  totalRows: number;
  rows: { rowNo: number; cells: string[] }[];
  suggestions: { target: string; mapping: Record<string, string>; score: number }[];
}

export interface RowError {
  rowNo: number;
  column: string | null;
  code: string;
  message: Bilingual;
}

export interface DryRun {
  target: string;
  mapping: Record<string, string>;
  totalRows: number;
  validRows: number;
  errorRows: number;
  newCustomers?: number;
  errors: RowError[];
  errorsTruncated: boolean;
  alreadyImported: Batch | null;
}

export interface Batch {
  id: string;
  target: string;
  sourceSystem: string;
  fileName: string | null;
  totalRows: number;
  appliedRows: number;
  errorRows: number;
  created: number;
  updated: number;
  unchanged: number;
  createdAt: string;
}

export type CommitResult =
  | { alreadyImported: true; batch: Batch | null }
  | { alreadyImported: false; batchId: string; created: number; updated: number; unchanged: number; appliedRows: number; errorRows: number };

export interface ImportBody {
  sha256: string;
  target: string;
  mapping: Record<string, string>;
  sourceSystem: string;
  defaultOwnerId?: string;
  allowPartial?: boolean;
}

export interface Candidate {
  valueId: string;
  value: unknown;
  sourceSystem: string;
  channel: string;
  observedAt: string;
}

export interface ConflictItem {
  customerId: string;
  customerName: string | null;
  field: string;
  label: Bilingual;
  status: 'open' | 'resolved';
  version: number;
  detectedAt: string;
  resolvedAt: string | null;
  resolvedByName: string | null;
  note: string | null;
  candidates: Candidate[];
  canResolve: boolean;
}

export interface SourceValue {
  id: string;
  value: unknown;
  sourceSystem: string;
  channel: string;
  batchId: string | null;
  importerName: string | null;
  note: string | null;
  observedAt: string;
  recordedAt: string;
}

export interface SourceField {
  field: string;
  label: Bilingual;
  keyField: boolean;
  masterValue?: unknown;
  golden: { value: unknown; sourceSystem: string; channel: string; observedAt: string; reason: string } | null;
  ranking: string[];
  values: SourceValue[];
  conflict: { status: 'open' | 'resolved'; version: number; detectedAt: string; resolvedAt: string | null; resolvedByName: string | null; note: string | null; candidates: Candidate[] } | null;
  age: { ageDays: number | null; stale: boolean; lastObservedAt: string | null } | null;
  canEdit: boolean;
}

export interface CustomerSources {
  customerId: string;
  customerName: string | null;
  fields: SourceField[];
  rule: { key: string; version: number; description: Bilingual };
  freshness: { key: string; version: number; staleAfterDays: number; fields: string[] };
  canResolve: boolean;
}

export const sourceKeys = {
  all: ['customer-sources'] as const,
  targets: ['customer-sources', 'targets'] as const,
  conflicts: (f: Record<string, unknown>) => ['customer-sources', 'conflicts', f] as const,
  customer: (id: string) => ['customer-sources', 'customer', id] as const,
};

/** Uploads through the files platform (multipart), returns the content hash. */
export async function uploadFile(file: File, lang: Lang): Promise<string> {
  const fd = new FormData();
  fd.append('file', file, file.name);
  const headers: Record<string, string> = { 'Accept-Language': lang };
  const csrf = pickCsrfToken(document.cookie, null);
  if (csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`${API_BASE}/files`, { method: 'POST', body: fd, headers, credentials: 'include' });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw problemFromResponse(res.status, body, lang);
  return (body as { sha256: string }).sha256;
}

export const useImportTargets = () => useQuery({ queryKey: sourceKeys.targets, queryFn: () => request<{ items: ImportTargetInfo[] }>('GET', '/customers/import-targets') });

export const previewImport = (sha256: string) => request<Preview>('POST', '/customers/imports/preview', { body: { sha256 } });
export const dryRunImport = (b: ImportBody) => request<DryRun>('POST', '/customers/imports/dry-run', { body: b });
export const commitImport = (b: ImportBody) => request<CommitResult>('POST', '/customers/imports', { body: b });

export function useConflicts(f: { status?: string; field?: string; page: number; pageSize: number }) {
  return useQuery({
    queryKey: sourceKeys.conflicts(f),
    queryFn: () => request<{ items: ConflictItem[]; total: number; page: number; pageSize: number }>('GET', '/customers/conflicts', { query: f }),
  });
}

export function useCustomerSources(id: string, enabled: boolean) {
  return useQuery({ queryKey: sourceKeys.customer(id), queryFn: () => request<CustomerSources>('GET', `/customers/${id}/sources`), enabled });
}

export function useResolveConflict() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { customerId: string; field: string; value: string | null; note: string; version?: number }) =>
      request<{ field: string; value: unknown; masterChanged: string[] }>('POST', `/customers/${v.customerId}/conflicts/${v.field}/resolve`, {
        body: { value: v.value, note: v.note, version: v.version },
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: sourceKeys.all });
      await qc.invalidateQueries({ queryKey: ['customers'] });
    },
  });
}

export function useUpdateProfileField() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { customerId: string; field: string; value: string | null; note?: string }) =>
      request('PUT', `/customers/${v.customerId}/profile/${v.field}`, { body: { value: v.value, note: v.note } }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: sourceKeys.all });
    },
  });
}

export const displayValue = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
