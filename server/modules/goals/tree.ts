// G1: gaps of a goal tree, pure. Inputs: a parent target's value and its children's values (one
// metric, one period; a child without a target counts as 0 and is reported as missing), or a
// node's year / quarter / month values of one metric. Output: the gap = parent − Σ children, never
// hidden (ADR 0008). Money is CNY with two decimals; sums are rounded to 1e-6 to keep float noise
// from showing as a gap.

export interface ChildValue {
  key: string;
  value: number | null;
}

export interface Gap {
  parent: number | null;
  childrenSum: number;
  /** parent − Σ children; null when the parent has no target. Positive: not yet allocated. */
  gap: number | null;
  /** Children that have no target yet. */
  missing: string[];
  balanced: boolean;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function gapOf(parent: number | null, children: readonly ChildValue[]): Gap {
  const childrenSum = round(children.reduce((s, c) => s + (c.value ?? 0), 0));
  const gap = parent === null ? null : round(parent - childrenSum);
  return { parent, childrenSum, gap, missing: children.filter((c) => c.value === null).map((c) => c.key), balanced: gap === 0 };
}

// ── periods ──────────────────────────────────────────────────────────────────────────────────

export type PeriodKind = 'year' | 'quarter' | 'month';
export interface Period {
  kind: PeriodKind;
  year: number;
  text: string;
}

/** '2026', '2026-Q1' or '2026-03'; undefined for anything else (a period that does not exist). */
export function parsePeriod(text: string): Period | undefined {
  let m = /^(\d{4})$/.exec(text);
  if (m) return { kind: 'year', year: Number(m[1]), text };
  m = /^(\d{4})-Q([1-4])$/.exec(text);
  if (m) return { kind: 'quarter', year: Number(m[1]), text };
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (m) return { kind: 'month', year: Number(m[1]), text };
  return undefined;
}

export const quartersOf = (year: number) => [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
export const monthsOf = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

/** The months a period covers, in order. */
export function monthsIn(p: Period): string[] {
  if (p.kind === 'month') return [p.text];
  if (p.kind === 'year') return monthsOf(p.year);
  const q = Number(p.text.slice(-1));
  return monthsOf(p.year).slice((q - 1) * 3, q * 3);
}

/** The direct sub-periods: a year's quarters, a quarter's months, none for a month. */
export function subPeriods(p: Period): string[] {
  if (p.kind === 'year') return quartersOf(p.year);
  if (p.kind === 'quarter') return monthsIn(p);
  return [];
}

export interface Rollup {
  level: 'quarters' | 'months';
  /** Sub-periods with their values (null = no target). */
  parts: ChildValue[];
  gap: Gap;
}

/**
 * Year vs quarters vs months of one node and metric: `values` maps period → value. For a year the
 * year is checked against its quarters and against its months; for a quarter against its months.
 * A level with no target at all is left out (a node may be planned by year only).
 */
export function periodRollups(p: Period, values: ReadonlyMap<string, number>): Rollup[] {
  const own = values.get(p.text) ?? null;
  const out: Rollup[] = [];
  const levels: [Rollup['level'], string[]][] = p.kind === 'year' ? [['quarters', quartersOf(p.year)], ['months', monthsOf(p.year)]] : p.kind === 'quarter' ? [['months', monthsIn(p)]] : [];
  for (const [level, periods] of levels) {
    const parts = periods.map((k) => ({ key: k, value: values.get(k) ?? null }));
    if (parts.every((x) => x.value === null)) continue;
    out.push({ level, parts, gap: gapOf(own, parts) });
  }
  return out;
}
