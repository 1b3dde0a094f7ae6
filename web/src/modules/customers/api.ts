// Customers API (C1, C4, C8, X4): list/search, detail, create, edit, export, sub-lists.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';
import { toApiQuery, type ListParams } from './query.js';

export const TIERS = ['KA', 'A', 'B', 'C'] as const;
export const STAGES = ['lead', 'opportunity', 'delivery', 'renewal', 'churned'] as const;
export type Tier = (typeof TIERS)[number];
export type Stage = (typeof STAGES)[number];
export type Kind = 'org' | 'person';

export interface CustomerAbilities {
  update: boolean;
  delete: boolean;
  writable: string[];
  masked: string[];
}

/** Fields the caller's role may not read are absent. */
export interface Customer {
  id: string;
  kind?: Kind;
  name?: string;
  creditCode?: string | null;
  mobile?: string | null;
  contactName?: string | null;
  industry?: string | null;
  tier?: Tier;
  stage?: Stage;
  regionId?: string | null;
  regionName?: string | null;
  teamId?: string | null;
  teamName?: string | null;
  ownerId?: string | null;
  ownerName?: string | null;
  province?: string | null;
  city?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  tags?: string[];
  createdAt?: string;
  updatedAt?: string;
  version?: number;
  /** C1: a merged-away record says where it went. */
  status?: 'active' | 'merged';
  mergedInto?: string | null;
  merge?: { mergeId: string | null; mergedInto: string; mergedIntoName: string | null; mergedAt: string | null; canUndo: boolean };
  _abilities: CustomerAbilities;
}

export type CustomerInput = Partial<Omit<Customer, 'id' | '_abilities' | 'regionName' | 'teamName' | 'ownerName' | 'createdAt' | 'updatedAt' | 'version' | 'regionId' | 'teamId' | 'status' | 'mergedInto' | 'merge'>> & {
  /** C1: create even though the server found likely duplicates (the user checked them). */
  confirmNotDuplicate?: boolean;
};


export interface Visit {
  id: string;
  purpose: string;
  note: string;
  occurredAt: string;
  recordedAt: string;
  repId?: string;
  repName: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const customerKeys = {
  all: ['customers'] as const,
  list: (p: ListParams) => ['customers', 'list', toApiQuery(p)] as const,
  detail: (id: string) => ['customers', 'detail', id] as const,
  visits: (id: string) => ['customers', 'detail', id, 'visits'] as const,
};

export function useCustomers(p: ListParams) {
  return useQuery({
    queryKey: customerKeys.list(p),
    queryFn: ({ signal }) => api.get<Page<Customer>>('/customers', toApiQuery(p), signal),
    placeholderData: keepPreviousData,
  });
}

export function useCustomer(id: string) {
  return useQuery({
    queryKey: customerKeys.detail(id),
    queryFn: ({ signal }) => api.get<Customer>(`/customers/${encodeURIComponent(id)}`, undefined, signal),
  });
}

export function useVisits(id: string, enabled: boolean) {
  return useQuery({
    queryKey: customerKeys.visits(id),
    queryFn: ({ signal }) => api.get<{ items: Visit[] }>(`/customers/${encodeURIComponent(id)}/visits`, undefined, signal),
    enabled,
    select: (d) => d.items,
  });
}

export function useCreateCustomer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: CustomerInput) => api.post<Customer>('/customers', input),
    onSuccess: (c) => {
      qc.setQueryData(customerKeys.detail(c.id), c);
      void qc.invalidateQueries({ queryKey: ['customers', 'list'] });
    },
  });
}

export function useUpdateCustomer(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: CustomerInput & { version: number }) => api.patch<Customer>(`/customers/${encodeURIComponent(id)}`, patch),
    onSuccess: (c) => {
      qc.setQueryData(customerKeys.detail(id), c);
      void qc.invalidateQueries({ queryKey: ['customers', 'list'] });
    },
  });
}
