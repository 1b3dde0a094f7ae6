// G4 board API hook: GET /goals/board with the drill-down node and filters.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../app/api.js';
import type { TrendPoint, WaterfallStep } from './charts.js';

export type NodeKind = 'company' | 'region' | 'team' | 'rep' | 'customer';

export interface BoardNode {
  kind: NodeKind;
  id: string | null;
  name: string;
  target: number | null;
  attainment: number;
  numerator: number;
  denominator: number | null;
  pct: number | null;
  gap: number | null;
}

export interface Attributed {
  id: string;
  name: string;
  attainment: number;
  expected: number;
  delta: number;
  share: number;
  basis: 'own_target' | 'pro_rata';
}

export interface Attribution {
  target: number | null;
  attainment: number;
  gap: number | null;
  items: Attributed[];
  topContributors: Attributed[];
  topShortfalls: Attributed[];
  waterfall: WaterfallStep[];
}

export interface FilterNote {
  value: string;
  honoured: string;
  /** How many customers the filter leaves. */
  customers: number;
  note: string;
}

export interface Board {
  year: number;
  period: string;
  metric: string;
  months: string[];
  ratio: boolean;
  node: BoardNode;
  path: { kind: NodeKind; id: string | null; name: string }[];
  children: BoardNode[];
  allocation: { childrenTarget: number | null; childrenAttainment: number } | null;
  customers:
    | { id: string; name: string; tier: string; tags: string[]; owned: boolean; contribution: number; metric: { numerator: number; denominator: number | null } | null; activities: Record<string, number> }[]
    | null;
  definition: { kind: 'count' | 'ratio'; countedTypes: string[] } | null;
  customersTruncated: boolean;
  activities: { byType: { type: string; count: number; counted: boolean | null }[]; recent: { actionId: string; visitId: string; type: string; occurredAt: string; purpose: string }[] } | null;
  attribution: { children?: Attribution; customers?: Attribution; actionTypes?: Attribution };
  trend: TrendPoint[];
  filters: { productLine: FilterNote | null; tag: FilterNote | null };
}

export interface BoardQuery {
  year: number;
  period?: string;
  metric: string;
  nodeKind?: NodeKind;
  nodeId?: string;
  productLine?: string;
  tag?: string;
}

export function useBoard(q: BoardQuery) {
  return useQuery({
    queryKey: ['goals', 'board', q],
    queryFn: ({ signal }) => api.get<Board>('/goals/board', { ...q }, signal),
    placeholderData: keepPreviousData,
  });
}
