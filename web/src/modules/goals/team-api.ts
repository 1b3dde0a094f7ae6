// G5 weekly canvas and G6 elastic valve API hooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export interface TargetRef {
  id: string;
  tier: string;
  metric: string;
  period: string;
  value: number;
  originalValue: number | null;
  effectiveFrom: string | null;
  version: number;
}

export interface ReviewMark {
  index: number;
  resources: string[];
  note: string;
}

export interface Canvas {
  id: string;
  repId: string;
  week: string;
  items: { index: number; action: string; targetId: string; target: TargetRef | null }[];
  review: ReviewMark[];
  submittedAt: string;
  updatedAt: string;
  version: number;
}

export interface MyCanvas {
  week: string;
  currentWeek: string;
  canvas: Canvas | null;
  targets: TargetRef[];
  resourceTypes: string[];
}

export interface TeamCanvas {
  week: string;
  lastWeek: string;
  team: { id: string; name: string; regionId: string | null };
  submitted: number;
  resourceTally: Record<string, number>;
  resourceTypes: string[];
  members: {
    repId: string;
    repName: string | null;
    canvas: Canvas | null;
    lastWeek: { week: string; canvas: Canvas | null; actual: { actions: number; visits: number; byType: Record<string, number> } };
  }[];
}

export function useMyCanvas(week: string, enabled = true) {
  return useQuery({ queryKey: ['goals', 'canvas', 'me', week], queryFn: ({ signal }) => api.get<MyCanvas>(`/goals/canvas/${week}`, undefined, signal), enabled });
}

export function useTeamCanvas(week: string, teamId: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['goals', 'canvas', 'team', week, teamId ?? ''],
    queryFn: ({ signal }) => api.get<TeamCanvas>(`/goals/canvas/team/${week}`, teamId ? { teamId } : undefined, signal),
    enabled,
  });
}

export function useSaveCanvas(week: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { items: { action: string; targetId: string }[]; version?: number }) => api.put<Canvas>(`/goals/canvas/${week}`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['goals', 'canvas'] }),
  });
}

export function useReviewCanvas() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { repId: string; week: string; review: ReviewMark[]; version: number }) =>
      api.put<Canvas>(`/goals/canvas/${v.repId}/${v.week}/review`, { review: v.review, version: v.version }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['goals', 'canvas'] }),
  });
}

// ---- G6 valve -------------------------------------------------------------------------------

export interface WeekScore {
  week: string;
  score: number;
  baseline: number | null;
  dropPct: number | null;
  inputs?: Record<string, unknown>;
}

export interface Eligibility {
  eligible: boolean;
  rule: string;
  config: { dropPct: number; consecutiveWeeks: number };
  configVersion: number;
  weeks: WeekScore[];
  reason: 'eligible' | 'not_enough_weeks' | 'not_consecutive' | 'stale' | 'drop_too_small';
}

export interface ValveRequest {
  id: string;
  repId: string;
  repName: string | null;
  month: string;
  brief: { summary: string; marketSignals: string[]; affectedCustomers?: string[]; proposedTargets: { targetId: string; value: number }[] };
  evidence: Eligibility & { scores?: WeekScore[] };
  proposed: { targetId: string; metric?: string; from?: number; value: number }[];
  status: 'pending' | 'approved' | 'rejected';
  decidedByName: string | null;
  decidedAt: string | null;
  decisionNote: string | null;
  createdAt: string;
  version: number;
}

export interface ValveOverview {
  rule: string;
  formula: Bilingual;
  rep: null | { repId: string; currentWeek: string; month: string; scores: WeekScore[]; eligibility: Eligibility; targets: TargetRef[] };
  requests: ValveRequest[];
}

export function useValve(q: { repId?: string; status?: string } = {}) {
  return useQuery({ queryKey: ['goals', 'valve', q], queryFn: ({ signal }) => api.get<ValveOverview>('/goals/valve', { ...q }, signal) });
}

export interface RequestInput {
  month: string;
  brief: { summary: string; marketSignals: string[]; affectedCustomers?: string[]; proposedTargets: { targetId: string; value: number }[] };
}

export function useRequestReset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestInput) => api.post<ValveRequest>('/goals/valve/requests', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['goals', 'valve'] }),
  });
}

export function useDecideReset() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: string; decision: 'approve' | 'reject'; note: string; version: number }) =>
      api.post<ValveRequest>(`/goals/valve/requests/${v.id}/decision`, { decision: v.decision, note: v.note, version: v.version }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['goals'] }),
  });
}
