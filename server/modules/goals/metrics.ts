// G7: a process metric is data (MetricDefinition, config family goals.metrics.*). Pure evaluation
// over the process module's action facts. Inputs: a definition and the facts of one month (any
// reps); output: per rep a numerator (and a denominator for ratios).
//
// Matching rules (documented in ADR 0008's spirit, decided here):
// - an action counts when its type is in `actionTypes` and every `where` key matches;
// - a `where` key is looked up in the action's fields (`fact.fields[key]`), except the pseudo-field
//   `visitType`, which is the visit's purpose (`fact.purpose`) — the visit type the seed's case
//   is about; a field holding an array matches when any element is allowed;
// - values compare as text ('3' matches 3), so a number typed into a form still counts;
// - `compliantOnly` leaves out actions of visits that failed their checklist (compliant === false;
//   null = no checklist applies, counted), for the numerator and the denominator alike.
import { VISIT_TYPE_FIELD, type MetricDefinition } from '../../platform/config/defaults.js';
import type { ActionFact } from '../process/facts.js';
import { TZ_OFFSET_MS } from '../../platform/calendar.js';

export type Filter = MetricDefinition['counts'];

export interface RepValue {
  numerator: number;
  /** Ratios only; null for counts. */
  denominator: number | null;
}

export { VISIT_TYPE_FIELD };

function fieldOf(fact: ActionFact, key: string): unknown {
  return key === VISIT_TYPE_FIELD ? fact.purpose : fact.fields?.[key];
}

export function matchesFilter(filter: Filter, fact: ActionFact): boolean {
  if (!filter.actionTypes.includes(fact.type)) return false;
  for (const [key, allowed] of Object.entries(filter.where ?? {})) {
    const v = fieldOf(fact, key);
    const values = Array.isArray(v) ? v : [v];
    const ok = values.some((x) => x !== undefined && x !== null && allowed.some((a) => String(a) === String(x)));
    if (!ok) return false;
  }
  return true;
}

/** Per rep: numerator (and denominator) of the metric over these facts. Reps without facts are absent. */
export function evaluateMetric(def: MetricDefinition, facts: readonly ActionFact[]): Map<string, RepValue> {
  const out = new Map<string, RepValue>();
  const ratio = def.kind === 'ratio';
  for (const f of facts) {
    if (!out.has(f.repId)) out.set(f.repId, { numerator: 0, denominator: ratio ? 0 : null });
    if (def.compliantOnly && f.compliant === false) continue;
    const v = out.get(f.repId)!;
    if (matchesFilter(def.counts, f)) v.numerator += 1;
    if (ratio && def.of && matchesFilter(def.of, f)) v.denominator = (v.denominator ?? 0) + 1;
  }
  return out;
}

/** Whether a definition filters on field values (then only evaluateMetric over facts applies). */
export function hasFieldFilters(def: MetricDefinition): boolean {
  return Object.keys(def.counts.where ?? {}).length > 0 || Object.keys(def.of?.where ?? {}).length > 0;
}

/**
 * evaluateMetric over counted actions (rep, type, compliance, n) instead of single facts: the same
 * result for a definition without field filters (hasFieldFilters false).
 */
export function evaluateCounts(def: MetricDefinition, counts: readonly { repId: string; type: string; compliant: boolean | null; n: number }[]): Map<string, RepValue> {
  const out = new Map<string, RepValue>();
  const ratio = def.kind === 'ratio';
  for (const c of counts) {
    if (!out.has(c.repId)) out.set(c.repId, { numerator: 0, denominator: ratio ? 0 : null });
    if (def.compliantOnly && c.compliant === false) continue;
    const v = out.get(c.repId)!;
    if (def.counts.actionTypes.includes(c.type as never)) v.numerator += c.n;
    if (ratio && def.of && def.of.actionTypes.includes(c.type as never)) v.denominator = (v.denominator ?? 0) + c.n;
  }
  return out;
}

/** The value shown: a count, or numerator ÷ denominator (null when nothing to divide by). */
export function metricValue(kind: 'count' | 'ratio', v: RepValue): number | null {
  if (kind === 'count') return v.numerator;
  return v.denominator ? v.numerator / v.denominator : null;
}

/** The business month ('2026-03') of an instant, in the tenant's business time (UTC+8). */
export function monthOf(at: Date): string {
  const d = new Date(at.getTime() + TZ_OFFSET_MS);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** [from, to) of a business month. */
export function monthRange(month: string): { from: Date; to: Date } {
  const [y, m] = month.split('-').map(Number);
  return { from: new Date(Date.UTC(y, m - 1, 1) - TZ_OFFSET_MS), to: new Date(Date.UTC(y, m, 1) - TZ_OFFSET_MS) };
}
