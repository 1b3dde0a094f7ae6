// G4 filters: Σ of attainment rows computed in memory (a customer segment's rows, attainment.ts
// segmentRows), with the same rules as the SQL sums over goal_attainment in store.ts: rows of the
// months and the node's scope, grouped by a unit column; a ratio's denominator is null when no row
// of the group carries one.
import type { AttainmentRow } from '../store.js';
import type { GroupBy, NodeFilter, Sum } from './store.js';

export type UnitRow = Omit<AttainmentRow, 'metric' | 'definitionVersion'>;

const KEY: Record<GroupBy, (r: UnitRow) => string | null> = { region_id: (r) => r.regionId, team_id: (r) => r.teamId, rep_id: (r) => r.repId };

function inScope(r: UnitRow, f: NodeFilter): boolean {
  return (!f.regionId || r.regionId === f.regionId) && (!f.teamId || r.teamId === f.teamId) && (!f.repId || r.repId === f.repId);
}

function sumBy(rows: readonly UnitRow[], key: (r: UnitRow) => string | null): Sum[] {
  const out = new Map<string | null, Sum>();
  for (const r of rows) {
    const k = key(r);
    const s = out.get(k) ?? { key: k, num: 0, den: null };
    s.num += r.numerator;
    if (r.denominator !== null) s.den = (s.den ?? 0) + r.denominator;
    out.set(k, s);
  }
  return [...out.values()];
}

/** Σ over the months in scope, one sum per group (or one in all when not grouped). */
export function sumRows(rows: readonly UnitRow[], months: readonly string[], f: NodeFilter, groupBy?: GroupBy): Sum[] {
  const wanted = new Set(months);
  const picked = rows.filter((r) => wanted.has(r.period) && inScope(r, f));
  return sumBy(picked, groupBy ? KEY[groupBy] : () => null);
}

/** Σ per month in scope (the trend line). */
export function sumByMonth(rows: readonly UnitRow[], months: readonly string[], f: NodeFilter): Map<string, Sum> {
  const wanted = new Set(months);
  return new Map(sumBy(rows.filter((r) => wanted.has(r.period) && inScope(r, f)), (r) => r.period).map((s) => [s.key!, s]));
}
