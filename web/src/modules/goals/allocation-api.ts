// G3 allocation assistant and acceptance (承接) API hooks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';

export type Component = 'history' | 'sellThrough' | 'portfolio' | 'coverage' | 'equal';
export type Acceptance = 'pending' | 'accepted' | 'contested';

export interface BasisItem {
  component: Component;
  weight: number;
  input: Record<string, unknown>;
  score: number;
  share: number;
  fellBack: boolean;
  contribution: number;
}

export interface Basis {
  rule: string;
  parentValue: number;
  children: number;
  items: BasisItem[];
  rounding: number;
  proposedValue?: number;
  adjustment?: number;
}

export interface GoalTarget {
  id: string;
  year: number;
  tier: string;
  metric: string;
  period: string;
  nodeKind: 'company' | 'region' | 'team' | 'rep';
  nodeId: string | null;
  nodeName: string | null;
  productLine: string | null;
  value: number;
  parentId: string | null;
  proposedValue: number | null;
  basis: Basis | null;
  acceptance: Acceptance | null;
  acceptanceReason: string | null;
  acceptedBy: string | null;
  acceptedAt: string | null;
  version: number;
}

export interface ProposalChild {
  nodeKind: 'region' | 'team' | 'rep';
  nodeId: string;
  nodeName: string;
  proposedValue: number;
  weight: number;
  basis: Basis;
  current: { id: string; value: number; acceptance: Acceptance | null; version: number } | null;
}

export interface Proposal {
  rule: string;
  weights: Record<Component, number>;
  parent: GoalTarget;
  children: ProposalChild[];
  sum: number;
}

export interface ApplyResult {
  parent: GoalTarget;
  children: GoalTarget[];
  sum: number;
  gap: number;
}

export interface AcceptanceRate {
  id: string | null;
  name: string | null;
  total: number;
  accepted: number;
  contested: number;
  pending: number;
  rate: number | null;
}

export const allocationKeys = {
  parents: (year: number) => ['goals', 'allocation', 'parents', year] as const,
  mine: ['goals', 'allocation', 'mine'] as const,
  acceptance: (period: string) => ['goals', 'acceptance', period] as const,
};

export function useParentTargets(year: number, enabled = true) {
  return useQuery({
    queryKey: allocationKeys.parents(year),
    queryFn: ({ signal }) => api.get<{ items: GoalTarget[] }>('/goals/allocation/parents', { year }, signal),
    enabled,
  });
}

export function useMyTargets(enabled = true) {
  return useQuery({
    queryKey: allocationKeys.mine,
    queryFn: ({ signal }) => api.get<{ items: GoalTarget[] }>('/goals/allocation/mine', {}, signal),
    enabled,
  });
}

export function useAcceptanceRates(period: string, enabled = true) {
  return useQuery({
    queryKey: allocationKeys.acceptance(period),
    queryFn: ({ signal }) =>
      api.get<{ period: string; company: AcceptanceRate | null; regions: AcceptanceRate[]; teams: AcceptanceRate[] }>('/goals/acceptance', { period }, signal),
    enabled: enabled && !!period,
  });
}

export function usePropose() {
  return useMutation({
    mutationFn: (b: { year: number; metric: string; period: string; parentTargetId: string }) => api.post<Proposal>('/goals/allocation/propose', b),
  });
}

export function useApplyAllocation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { parentTargetId: string; children: { nodeId: string; value: number }[] }) => api.post<ApplyResult>('/goals/allocation/apply', b),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['goals'] }),
  });
}

export function useDecideAcceptance() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (b: { id: string; decision: 'accept' | 'contest'; reason?: string; version: number }) =>
      api.post<GoalTarget>(`/goals/targets/${b.id}/acceptance`, { decision: b.decision, version: b.version, ...(b.reason ? { reason: b.reason } : {}) }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['goals'] }),
  });
}
