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

/**
 * The one counting rule for facts and counted facts: every rep with an item gets a value; items of
 * non-compliant visits are left out when the definition says so; `matches` decides numerator and
 * denominator, `weight` how many actions an item stands for.
 */
function tally<T extends { repId: string; compliant: boolean | null }>(
  def: MetricDefinition,
  items: readonly T[],
  matches: (filter: Filter, item: T) => boolean,
  weight: (item: T) => number,
): Map<string, RepValue> {
  const out = new Map<string, RepValue>();
  const ratio = def.kind === 'ratio';
  for (const x of items) {
    if (!out.has(x.repId)) out.set(x.repId, { numerator: 0, denominator: ratio ? 0 : null });
    if (def.compliantOnly && x.compliant === false) continue;
    const v = out.get(x.repId)!;
    if (matches(def.counts, x)) v.numerator += weight(x);
    if (ratio && def.of && matches(def.of, x)) v.denominator = (v.denominator ?? 0) + weight(x);
  }
  return out;
}

/** Per rep: numerator (and denominator) of the metric over these facts. Reps without facts are absent. */
export function evaluateMetric(def: MetricDefinition, facts: readonly ActionFact[]): Map<string, RepValue> {
  return tally(def, facts, matchesFilter, () => 1);
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
  return tally(def, counts, (filter, c) => (filter.actionTypes as readonly string[]).includes(c.type), (c) => c.n);
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
