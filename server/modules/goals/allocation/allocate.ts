// G3 allocation assistant: the pure arithmetic. Given a parent target value and its children
// (regions, teams or reps) with their inputs, proposes each child's share and explains it.
//
// Formula (weights in ALLOCATION_WEIGHTS, summing to 1):
//   for every component c, each child's score s_i^c is normalised to a share s_i^c ÷ Σ_j s_j^c
//   (when no child has any score for c — Σ = 0 — the component falls back to the equal share 1/n);
//   child weight w_i = Σ_c W_c × share_i^c;   raw value v_i = parent × w_i;
//   values are rounded to whole units (or cents when the parent has decimals) by the largest
//   remainder method, so Σ v_i = parent exactly (ties go to the earlier child).
// Components:
//   history      (25%) last year's attainment ratio (actual ÷ target, clipped to 0–2); none → 1 (neutral)
//   sellThrough  (15%) last year's signed contract amount (product sell-through)
//   portfolio    (30%) owned customers' potential: Σ tierWeight(tier) × stageWeight(stage)
//   coverage     (20%) channel coverage: active (not churned) customers; the basis also shows the
//                      density (active customers per rep)
//   equal        (10%) 1/n — the floor: a child with no customers and no history still gets it.
export const ALLOCATION_RULE = 'allocation/1';

export const ALLOCATION_WEIGHTS = {
  history: 0.25,
  sellThrough: 0.15,
  portfolio: 0.3,
  coverage: 0.2,
  equal: 0.1,
} as const;
export type Component = keyof typeof ALLOCATION_WEIGHTS;
export const COMPONENTS = Object.keys(ALLOCATION_WEIGHTS) as Component[];

/** Potential by customer tier (KA highest). */
export const TIER_WEIGHTS: Record<string, number> = { KA: 4, A: 3, B: 2, C: 1 };
/** Potential by lifecycle stage (a churned customer has none). */
export const STAGE_WEIGHTS: Record<string, number> = { lead: 0.5, opportunity: 1, delivery: 1.2, renewal: 1, churned: 0 };

export const HISTORY_CAP = 2;

export interface ChildInput {
  nodeId: string;
  /** Owned customers counted by tier and lifecycle stage: counts[tier][stage] = n. */
  customers: Record<string, Record<string, number>>;
  /** Last year's signed contract amount (CNY). */
  lastYearSigned: number;
  /** Last year's attainment ratio (actual ÷ target), null when there was no target. */
  lastYearAttainment: number | null;
  /** Active reps under the node (1 for a rep). */
  reps: number;
}

export interface BasisItem {
  component: Component;
  weight: number;
  /** The raw input behind the score (numbers the manager can check). */
  input: Record<string, unknown>;
  score: number;
  /** score ÷ Σ scores (or 1/n when the component fell back to equal). */
  share: number;
  fellBack: boolean;
  /** weight × share × parent: the part of the raw value this component contributes. */
  contribution: number;
}

export interface Allocation {
  nodeId: string;
  value: number;
  /** Σ weight × share (the child's fraction of the parent before rounding). */
  weight: number;
  raw: number;
  basis: { rule: string; parentValue: number; children: number; items: BasisItem[]; rounding: number };
}

export function portfolioScore(customers: ChildInput['customers']): number {
  let s = 0;
  for (const [tier, stages] of Object.entries(customers)) {
    for (const [stage, n] of Object.entries(stages)) s += (TIER_WEIGHTS[tier] ?? 0) * (STAGE_WEIGHTS[stage] ?? 0) * n;
  }
  return s;
}

export function activeCustomers(customers: ChildInput['customers']): number {
  let n = 0;
  for (const stages of Object.values(customers)) for (const [stage, k] of Object.entries(stages)) if (stage !== 'churned') n += k;
  return n;
}

function componentInput(c: Component, x: ChildInput, n: number): { input: Record<string, unknown>; score: number } {
  switch (c) {
    case 'history': {
      const ratio = x.lastYearAttainment;
      const score = ratio === null || !Number.isFinite(ratio) ? 1 : Math.min(HISTORY_CAP, Math.max(0, ratio));
      return { input: { lastYearAttainment: ratio, cappedAt: HISTORY_CAP, neutralWhenMissing: ratio === null }, score };
    }
    case 'sellThrough':
      return { input: { lastYearSigned: x.lastYearSigned }, score: Math.max(0, x.lastYearSigned) };
    case 'portfolio':
      return { input: { customers: x.customers, tierWeights: TIER_WEIGHTS, stageWeights: STAGE_WEIGHTS }, score: portfolioScore(x.customers) };
    case 'coverage': {
      const active = activeCustomers(x.customers);
      return { input: { activeCustomers: active, reps: x.reps, density: x.reps > 0 ? round6(active / x.reps) : null }, score: active };
    }
    case 'equal':
      return { input: { children: n }, score: 1 };
  }
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Decimal places of the parent value (0 or 2): allocations are in whole units or in cents. */
export function decimalsOf(v: number): number {
  return Number.isInteger(v) ? 0 : 2;
}

/** Proposes each child's share of `parentValue`; Σ values = parentValue exactly. */
export function allocate(parentValue: number, children: readonly ChildInput[]): Allocation[] {
  if (!Number.isFinite(parentValue) || parentValue < 0) throw new RangeError('parent value must be a non-negative number');
  const n = children.length;
  if (!n) return [];
  const decimals = decimalsOf(parentValue);
  const scale = 10 ** decimals;
  const units = Math.round(parentValue * scale);

  const perComponent = COMPONENTS.map((c) => {
    const inputs = children.map((x) => componentInput(c, x, n));
    const total = inputs.reduce((a, b) => a + b.score, 0);
    return { c, inputs, total };
  });

  const rows = children.map((x, i) => {
    const items: BasisItem[] = perComponent.map(({ c, inputs, total }) => {
      const fellBack = !(total > 0);
      const share = fellBack ? 1 / n : inputs[i].score / total;
      const weight = ALLOCATION_WEIGHTS[c];
      return { component: c, weight, input: inputs[i].input, score: round6(inputs[i].score), share: round6(share), fellBack, contribution: 0, _exact: weight * share } as BasisItem & { _exact: number };
    });
    const weight = items.reduce((a, b) => a + (b as BasisItem & { _exact: number })._exact, 0);
    return { x, items, weight };
  });
  const wsum = rows.reduce((a, r) => a + r.weight, 0) || 1;

  // Largest remainder on integer units.
  const exact = rows.map((r) => (units * r.weight) / wsum);
  const floors = exact.map((e) => Math.floor(e + 1e-9));
  let left = units - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, rem: e - floors[i] })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; left > 0 && k < order.length; k++, left--) floors[order[k].i]++;

  return rows.map((r, i) => {
    const raw = exact[i] / scale;
    const value = floors[i] / scale;
    const items = r.items.map((it) => {
      const e = (it as BasisItem & { _exact: number })._exact;
      const { _exact: _drop, ...rest } = it as BasisItem & { _exact: number };
      void _drop;
      return { ...rest, contribution: roundTo((parentValue * e) / wsum, 2) };
    });
    return {
      nodeId: r.x.nodeId,
      value,
      weight: round6(r.weight / wsum),
      raw: roundTo(raw, 4),
      basis: { rule: ALLOCATION_RULE, parentValue, children: n, items, rounding: roundTo(value - raw, 4) },
    };
  });
}

function roundTo(x: number, d: number): number {
  const s = 10 ** d;
  return Math.round(x * s) / s;
}
