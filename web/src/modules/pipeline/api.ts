// Pipeline API (C8) and delivery calendar / promise check (C7): TanStack Query keys and hooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export const STAGES = ['discovery', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type Stage = (typeof STAGES)[number];
export const CONTRACT_STATUSES = ['draft', 'signed', 'delivering', 'completed', 'terminated'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

interface Abilities {
  update: boolean;
  delete: boolean;
  writable: string[];
  masked: string[];
}

/** Fields the role may not read are absent (a draft quote never reaches customer service). */
export interface Opportunity {
  id: string;
  customerId?: string;
  name?: string;
  stage?: Stage;
  amount?: number;
  weightedAmount?: number;
  expectedClose?: string;
  products?: string[];
  ownerId?: string;
  ownerName?: string | null;
  closeReason?: string | null;
  quote?: { amount: number; status: 'published'; publishedAt: string | null } | null;
  draftQuote?: { amount: number; status: 'draft' } | null;
  version?: number;
  nextStages: Stage[];
  _abilities: Abilities;
}

export interface BoardColumn {
  stage: Stage;
  count: number;
  amount: number;
  weighted: number;
  items: Opportunity[];
}

export interface Board {
  columns: BoardColumn[];
  totals: { count: number; openAmount: number; weighted: number };
  cardsPerStage: number;
  /** The stage weights behind the weighted amounts, with the rule version (evidence). */
  rule: { key: string; version: number; weights: Record<Stage, number> };
}

export interface Alternative {
  date: string;
  week: string;
  free: number;
  direction: 'before' | 'after';
}

export interface PromiseVerdict {
  ok: boolean;
  source: 'internal' | 'http';
  week: string;
  capacity: number;
  booked: number;
  free: number;
  load: number;
  alternatives: Alternative[];
}

export interface Milestone {
  id?: string;
  promisedDate: string;
  week?: string;
  scope: string;
  deliveryTeamId: string;
  deliveryTeamName?: string | null;
  load: number;
  /** When it was actually delivered (C3); null while open. */
  deliveredOn?: string | null;
}

export interface Contract {
  id: string;
  customerId?: string;
  opportunityId?: string | null;
  number?: string;
  title?: string;
  signedOn?: string | null;
  amount?: number;
  paymentTerms?: string;
  prepaymentRatio?: number | null;
  prepaymentAmount?: number | null;
  prepaidReceived?: number;
  prepaymentStatus?: 'none' | 'pending' | 'partial' | 'received';
  status?: ContractStatus;
  ownerName?: string | null;
  source?: string;
  milestones?: Milestone[];
  version?: number;
  _abilities: Abilities;
}

export interface DeliveryTeam {
  id: string;
  name: string;
  regionId: string | null;
  regionName: string | null;
  unit: 'units' | 'person_days';
  weeklyCapacity: number;
}

export interface Calendar {
  source: 'internal' | 'http';
  from: string;
  to: string;
  today: string;
  weeks: string[];
  teams: (DeliveryTeam & { weeks: { week: string; capacity: number; booked: number; free: number }[] })[];
}

export const pipelineKeys = {
  board: (f: Record<string, string | undefined>) => ['pipeline', 'board', f] as const,
  customerOpps: (id: string) => ['pipeline', 'customer', id, 'opportunities'] as const,
  customerContracts: (id: string) => ['pipeline', 'customer', id, 'contracts'] as const,
  teams: ['delivery', 'teams'] as const,
  calendar: (from: string | undefined, weeks: number) => ['delivery', 'calendar', from ?? 'now', weeks] as const,
};

export function useBoard(f: Record<string, string | undefined>) {
  return useQuery({ queryKey: pipelineKeys.board(f), queryFn: ({ signal }) => api.get<Board>('/opportunities/board', f, signal) });
}

export function useCustomerOpportunities(customerId: string) {
  return useQuery({
    queryKey: pipelineKeys.customerOpps(customerId),
    queryFn: ({ signal }) => api.get<{ items: Opportunity[] }>('/opportunities', { customerId, pageSize: 200 }, signal),
    select: (d) => d.items,
  });
}

export function useCustomerContracts(customerId: string, enabled = true) {
  return useQuery({
    queryKey: pipelineKeys.customerContracts(customerId),
    queryFn: ({ signal }) => api.get<{ items: Contract[] }>(`/customers/${encodeURIComponent(customerId)}/contracts`, undefined, signal),
    select: (d) => d.items,
    enabled,
  });
}

export function useMoveStage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; version: number; stage: Stage; closeReason?: string }) =>
      api.patch<Opportunity>(`/opportunities/${encodeURIComponent(v.id)}`, { version: v.version, stage: v.stage, ...(v.closeReason ? { closeReason: v.closeReason } : {}) }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['pipeline'] }),
  });
}

export function useDeliveryTeams(enabled = true) {
  return useQuery({ queryKey: pipelineKeys.teams, queryFn: ({ signal }) => api.get<{ items: DeliveryTeam[] }>('/delivery/teams', undefined, signal), select: (d) => d.items, enabled });
}

export function useCalendar(from: string | undefined, weeks: number) {
  return useQuery({ queryKey: pipelineKeys.calendar(from, weeks), queryFn: ({ signal }) => api.get<Calendar>('/delivery/calendar', { from, weeks }, signal) });
}

export function useSetCapacity() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { teamId: string; week: string; capacity: number }) => api.put(`/delivery/teams/${encodeURIComponent(v.teamId)}/weeks/${v.week}`, { capacity: v.capacity }),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['delivery'] }),
  });
}

export const promiseCheck = (body: { deliveryTeamId: string; promisedDate: string; load: number; contractId?: string }) => api.post<PromiseVerdict>('/delivery/promise-check', body);

export function useSaveContract(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id?: string; version?: number; body: Record<string, unknown> }) =>
      v.id ? api.patch<Contract>(`/contracts/${encodeURIComponent(v.id)}`, { ...v.body, version: v.version }) : api.post<Contract>('/contracts', { ...v.body, customerId }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: pipelineKeys.customerContracts(customerId) });
      void qc.invalidateQueries({ queryKey: ['delivery'] });
    },
  });
}

export function useRecordDelivery(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { contractId: string; seq: number; deliveredOn: string | null }) =>
      api.post<Contract>(`/contracts/${encodeURIComponent(v.contractId)}/milestones/${v.seq}/delivery`, { deliveredOn: v.deliveredOn }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: pipelineKeys.customerContracts(customerId) });
      void qc.invalidateQueries({ queryKey: ['health'] });
    },
  });
}
