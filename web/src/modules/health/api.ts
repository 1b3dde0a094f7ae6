// Health board (C3), portfolio ranking and the customer timeline (tickets, touchpoints, key-contact
// activities, visits) — API hooks.
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };
export type Level = 'healthy' | 'watch' | 'at_risk';
export type Counts = { email: number; meeting: number; call: number };

export interface ServiceComponent {
  key: 'complaintRate' | 'slaAttainment' | 'contractDeviation';
  value: number | null;
  available: boolean;
  reason: string | null;
  risk: number | null;
  weight: number;
  effectiveWeight: number;
  formula: Bilingual;
}

export interface HealthBoard {
  customerId: string;
  asOf: string;
  ruleVersion: number;
  stage: { value: string; formula: Bilingual; inputs: { stage: string } };
  activity: {
    value: number;
    formula: Bilingual;
    inputs: { tier: string; last30: Counts; last90: Counts; expected30: Counts };
    perKind: { kind: keyof Counts; last30: number; last90: number; expected30: number; expected90: number; coverage: number | null }[];
  };
  serviceRisk: {
    value: number;
    formula: Bilingual;
    inputs: { total: number; complaints: number; slaMet: number; slaMissed: number; slaPending: number; windowDays: number; contractDeviation: number | null };
    components: ServiceComponent[];
  };
  overall: {
    riskScore: number;
    level: Level;
    formula: Bilingual;
    inputs: { serviceRisk: number; activity: number; activityWeight: number; thresholds: { watch: number; atRisk: number } };
  };
}

export interface PortfolioItem {
  customerId: string;
  name: string | null;
  nameMasked: boolean;
  tier: 'KA' | 'A' | 'B' | 'C';
  stage: 'lead' | 'opportunity' | 'delivery' | 'renewal' | 'churned';
  industry: string | null;
  ownerName: string | null;
  teamName: string | null;
  regionName: string | null;
  riskScore: number;
  level: Level;
  serviceRisk: number;
  activity: number;
  tickets: number;
  complaints: number;
  complaintRate: number | null;
  slaAttainment: number | null;
  contractDeviation: number | null;
}

export interface Portfolio {
  items: PortfolioItem[];
  total: number;
  page: number;
  pageSize: number;
  scope: 'own' | 'team' | 'region' | 'all';
  counts: Record<Level, number>;
  ruleVersion: number;
  thresholds: { watch: number; atRisk: number };
  asOf: string;
  truncated: boolean;
}

export interface PortfolioParams {
  scope?: 'own' | 'team' | 'region' | 'all';
  teamId?: string;
  regionId?: string;
  level?: Level;
  page: number;
  pageSize: number;
}

export interface RecordAbilities {
  update: boolean;
  delete: boolean;
  writable: string[];
  masked: string[];
}

export interface Ticket {
  id: string;
  ticketNo?: string;
  title?: string;
  category?: 'complaint' | 'fault' | 'consultation' | 'request' | 'other';
  severity?: 'low' | 'medium' | 'high' | 'critical';
  status?: 'open' | 'in_progress' | 'resolved' | 'closed';
  contactName?: string | null;
  openedAt?: string;
  closedAt?: string | null;
  slaDueAt?: string | null;
  slaState?: 'met' | 'missed' | 'pending' | 'none';
  source?: string;
  version?: number;
  _abilities: RecordAbilities;
}

export interface Touchpoint {
  id: string;
  channel?: string;
  campaign?: string | null;
  action?: string;
  contactName?: string | null;
  occurredAt?: string;
  _abilities: RecordAbilities;
}

export interface Activity {
  id: string;
  kind?: 'email' | 'meeting' | 'call';
  contactName?: string | null;
  contactRole?: string | null;
  subject?: string;
  occurredAt?: string;
  repName?: string | null;
  _abilities: RecordAbilities;
}

export interface VisitItem {
  id: string;
  purpose: string;
  note: string;
  repName: string | null;
}

export type TimelineItem =
  | { kind: 'ticket'; id: string; at: string; data: Ticket }
  | { kind: 'touchpoint'; id: string; at: string; data: Touchpoint }
  | { kind: 'activity'; id: string; at: string; data: Activity }
  | { kind: 'visit'; id: string; at: string; data: VisitItem };

export const healthKeys = {
  board: (id: string) => ['health', 'board', id] as const,
  portfolio: (p: PortfolioParams) => ['health', 'portfolio', p] as const,
  timeline: (id: string) => ['customers', 'detail', id, 'timeline'] as const,
};

export function useHealth(id: string, enabled: boolean) {
  return useQuery({
    queryKey: healthKeys.board(id),
    queryFn: ({ signal }) => api.get<HealthBoard>(`/customers/${encodeURIComponent(id)}/health`, undefined, signal),
    enabled,
  });
}

export function usePortfolio(p: PortfolioParams) {
  return useQuery({
    queryKey: healthKeys.portfolio(p),
    queryFn: ({ signal }) => api.get<Portfolio>('/health/portfolio', { ...p }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useTimeline(id: string, enabled: boolean, pageSize = 20) {
  return useInfiniteQuery({
    queryKey: healthKeys.timeline(id),
    queryFn: ({ signal, pageParam }) =>
      api.get<{ items: TimelineItem[]; nextCursor: string | null }>(`/customers/${encodeURIComponent(id)}/timeline`, { pageSize, cursor: pageParam ?? undefined }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled,
  });
}

export interface TicketPatch {
  version: number;
  status?: Ticket['status'];
  severity?: Ticket['severity'];
  category?: Ticket['category'];
  title?: string;
}

export function useUpdateTicket(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...patch }: TicketPatch & { id: string }) => api.patch<Ticket>(`/tickets/${encodeURIComponent(id)}`, patch),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: healthKeys.timeline(customerId) });
      void qc.invalidateQueries({ queryKey: healthKeys.board(customerId) });
    },
  });
}

export interface ActivityInput {
  kind: 'email' | 'meeting' | 'call';
  contactName: string;
  contactRole?: string | null;
  subject?: string;
  occurredAt: string;
}

export function useCreateActivity(customerId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ActivityInput) => api.post<Activity>(`/customers/${encodeURIComponent(customerId)}/contact-activities`, input),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: healthKeys.timeline(customerId) });
      void qc.invalidateQueries({ queryKey: healthKeys.board(customerId) });
    },
  });
}
