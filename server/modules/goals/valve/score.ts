// G6 lead-quality score (pure, no I/O). Rule lead-quality/1.
//
// A rep's weekly lead-quality score says how much real demand the rep's leads showed that week,
// computed from the process facts of the week (process/facts.ts actionFacts; current actions only,
// by occurred_at in the tenant's time zone, Monday 00:00 to the next Monday 00:00):
//
//   V      = the rep's visits of the week that have a check-in (the visits that happened);
//   needs  = of V, the visits with a need capture whose `needs` field holds ≥ 1 need (keyword, item);
//   demos  = of V, the visits that reached a solution demo;
//   O      = the objections recorded that week; closed = those with status 'closed'.
//
//   needShare    = needs ÷ V
//   demoShare    = demos ÷ V
//   closureShare = closed ÷ O                       (left out when O = 0, weights renormalised)
//   score        = 100 × (0.4·needShare + 0.4·demoShare + 0.2·closureShare)   → 0…100, one decimal
//
// A week without any visit has no score (an idle week is the lights' business, not lead quality).
// Baseline of a week = the mean score of the previous 8 ISO weeks that have a score (none → no
// baseline). Drop % = (baseline − score) ÷ baseline × 100 (no baseline or baseline 0 → none).
// Eligibility (detectDrop): the latest `consecutiveWeeks` scored weeks are consecutive ISO weeks,
// the last of them is the previous or the current week, and each drops MORE than `dropPct`
// (config goals.valve, default 20 % and 2 weeks).
import { addWeeks } from '../canvas/week.js';

export const LEAD_QUALITY_RULE = 'lead-quality/1';
export const BASELINE_WEEKS = 8;
export const WEIGHTS = { need: 0.4, demo: 0.4, closure: 0.2 } as const;

export interface ScoreFact {
  visitId: string;
  type: string;
  fields: Record<string, unknown>;
}

export interface ScoreInputs {
  visits: number;
  visitsWithNeeds: number;
  visitsWithDemo: number;
  objections: number;
  objectionsClosed: number;
  needShare: number | null;
  demoShare: number | null;
  closureShare: number | null;
  weights: { need: number; demo: number; closure: number };
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function hasNeeds(fields: Record<string, unknown>): boolean {
  const v = fields.needs;
  if (Array.isArray(v)) return v.some((x) => (typeof x === 'string' ? x.trim() !== '' : x !== null && x !== undefined));
  if (typeof v === 'string') return v.split(/[,，、;；\s]+/).some((x) => x.trim() !== '');
  return false;
}

/** The week's score from the rep's facts of that week; null when the rep made no visit. */
export function leadQualityScore(facts: readonly ScoreFact[]): { score: number | null; inputs: ScoreInputs } {
  const visits = new Set<string>();
  const needs = new Set<string>();
  const demos = new Set<string>();
  let objections = 0;
  let closed = 0;
  for (const f of facts) {
    if (f.type === 'check_in') visits.add(f.visitId);
    else if (f.type === 'need_capture' && hasNeeds(f.fields)) needs.add(f.visitId);
    else if (f.type === 'demo') demos.add(f.visitId);
    else if (f.type === 'objection') {
      objections++;
      if (f.fields.status === 'closed') closed++;
    }
  }
  const V = visits.size;
  const withNeeds = [...needs].filter((v) => visits.has(v)).length;
  const withDemo = [...demos].filter((v) => visits.has(v)).length;
  const needShare = V ? withNeeds / V : null;
  const demoShare = V ? withDemo / V : null;
  const closureShare = objections ? closed / objections : null;
  const inputs: ScoreInputs = {
    visits: V,
    visitsWithNeeds: withNeeds,
    visitsWithDemo: withDemo,
    objections,
    objectionsClosed: closed,
    needShare: needShare === null ? null : round(needShare, 4),
    demoShare: demoShare === null ? null : round(demoShare, 4),
    closureShare: closureShare === null ? null : round(closureShare, 4),
    weights: { ...WEIGHTS },
  };
  if (!V) return { score: null, inputs };
  const wSum = WEIGHTS.need + WEIGHTS.demo + (closureShare === null ? 0 : WEIGHTS.closure);
  const raw = WEIGHTS.need * needShare! + WEIGHTS.demo * demoShare! + (closureShare === null ? 0 : WEIGHTS.closure * closureShare);
  return { score: round((100 * raw) / wSum), inputs };
}

/** Mean of the scores of the BASELINE_WEEKS weeks before `week` (weeks without a score are skipped). */
export function baselineFor(week: string, history: ReadonlyMap<string, number>): { baseline: number | null; weeks: string[] } {
  const weeks: string[] = [];
  let sum = 0;
  for (let i = 1; i <= BASELINE_WEEKS; i++) {
    const w = addWeeks(week, -i);
    const s = history.get(w);
    if (s === undefined) continue;
    weeks.push(w);
    sum += s;
  }
  return { baseline: weeks.length ? round(sum / weeks.length, 2) : null, weeks: weeks.reverse() };
}

export function dropPctOf(score: number, baseline: number | null): number | null {
  if (baseline === null || baseline <= 0) return null;
  return round(((baseline - score) / baseline) * 100, 1);
}

export interface WeekScore {
  week: string;
  score: number;
  baseline: number | null;
  dropPct: number | null;
}

export interface ValveRules {
  dropPct: number;
  consecutiveWeeks: number;
}

export interface DropAssessment {
  eligible: boolean;
  rule: string;
  config: ValveRules;
  /** The weeks examined (latest consecutiveWeeks scored weeks), oldest first. */
  weeks: WeekScore[];
  reason: 'eligible' | 'not_enough_weeks' | 'not_consecutive' | 'stale' | 'drop_too_small';
}

/**
 * Whether the lead-quality score fell more than `dropPct` below its baseline for `consecutiveWeeks`
 * weeks running, ending at the latest scored week. With `currentWeek`, the run must end in the
 * previous or the current week.
 */
export function detectDrop(scores: readonly WeekScore[], rules: ValveRules, currentWeek?: string): DropAssessment {
  const sorted = [...scores].sort((a, b) => (a.week < b.week ? -1 : a.week > b.week ? 1 : 0));
  const last = sorted.slice(-rules.consecutiveWeeks);
  const base = { rule: LEAD_QUALITY_RULE, config: { ...rules }, weeks: last };
  if (last.length < rules.consecutiveWeeks) return { ...base, eligible: false, reason: 'not_enough_weeks' };
  for (let i = 1; i < last.length; i++) if (addWeeks(last[i - 1].week, 1) !== last[i].week) return { ...base, eligible: false, reason: 'not_consecutive' };
  if (currentWeek && last[last.length - 1].week < addWeeks(currentWeek, -1)) return { ...base, eligible: false, reason: 'stale' };
  if (!last.every((s) => s.dropPct !== null && s.dropPct > rules.dropPct)) return { ...base, eligible: false, reason: 'drop_too_small' };
  return { ...base, eligible: true, reason: 'eligible' };
}
