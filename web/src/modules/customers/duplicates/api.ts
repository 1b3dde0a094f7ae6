// Duplicate review API (C1): candidate pairs with evidence, scan, dismiss, merge, undo.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../app/api.js';
import type { Customer } from '../api.js';

export type Rule = 'name_same' | 'name_same_person' | 'name_similar' | 'phone_same' | 'address_same' | 'contact_city';
export type CandidateStatus = 'open' | 'dismissed' | 'merged' | 'superseded';

export interface Reason {
  rule: Rule;
  a: string;
  b: string;
  weight: number;
  similarity?: number;
}

export interface Candidate {
  id: string;
  score: number;
  reasons: Reason[];
  ruleVersion: string;
  status: CandidateStatus;
  foundAt: string;
  decidedAt: string | null;
  note: string | null;
  version: number;
  a: Customer;
  b: Customer;
  _abilities: { merge: boolean; dismiss: boolean };
}

export interface CandidatePage {
  items: Candidate[];
  total: number;
  page: number;
  pageSize: number;
  ruleVersion: string;
  threshold: number;
}

export interface ScanResult {
  ruleVersion: string;
  records: number;
  pairsScored: number;
  candidates: number;
  ms: number;
}

export interface Merge {
  id: string;
  survivorId: string;
  mergedId: string;
  fieldsTaken: string[];
  moved: Record<string, number>;
  status: 'done' | 'undone';
}

/** Fields a merge may take from the merged-away record (server: MERGEABLE_FIELDS). */
export const MERGEABLE = ['name', 'kind', 'creditCode', 'mobile', 'contactName', 'industry', 'tier', 'stage', 'province', 'city', 'address', 'tags', 'ownerId'] as const;
export type MergeableField = (typeof MERGEABLE)[number];

export const duplicateKeys = {
  all: ['customers', 'duplicates'] as const,
  list: (status: CandidateStatus, page: number) => ['customers', 'duplicates', status, page] as const,
};

export function useCandidates(status: CandidateStatus, page: number) {
  return useQuery({
    queryKey: duplicateKeys.list(status, page),
    queryFn: ({ signal }) => api.get<CandidatePage>('/customers/duplicates', { status, page, pageSize: 20 }, signal),
    placeholderData: keepPreviousData,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['customers'] });
  };
}

export function useScan() {
  const done = useInvalidate();
  return useMutation({ mutationFn: () => api.post<ScanResult>('/customers/duplicates/scan'), onSuccess: done });
}

export function useDismiss() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (v: { id: string; version: number; note?: string }) => api.post<Candidate>(`/customers/duplicates/${v.id}/dismiss`, { version: v.version, note: v.note ?? null }),
    onSuccess: done,
  });
}

export function useMerge() {
  const done = useInvalidate();
  return useMutation({
    mutationFn: (v: { survivorId: string; mergedId: string; survivorVersion: number; mergedVersion: number; take: MergeableField[]; candidateId?: string }) =>
      api.post<Merge>('/customers/merges', v),
    onSuccess: done,
  });
}

export function useUndoMerge() {
  const done = useInvalidate();
  return useMutation({ mutationFn: (mergeId: string) => api.post<Merge>(`/customers/merges/${mergeId}/undo`), onSuccess: done });
}
