// Opportunity stages: which moves are allowed and what each stage weighs in the pipeline.
// Inputs: current stage, requested stage; output: allowed or the reason it is not.
// Rule (documented in the board's help text): open stages move forward any number of steps or
// back one step; 'won' only from proposal or negotiation; 'lost' from any open stage; a lost
// opportunity may be reopened at discovery or qualified; 'won' is final (contracts hang on it).
// Weights are the usual funnel probabilities (defaults of the pipeline.stageWeights rule, X2).

export const STAGES = ['discovery', 'qualified', 'proposal', 'negotiation', 'won', 'lost'] as const;
export type Stage = (typeof STAGES)[number];
export const OPEN_STAGES: readonly Stage[] = ['discovery', 'qualified', 'proposal', 'negotiation'];

export const STAGE_WEIGHT: Record<Stage, number> = {
  discovery: 0.1,
  qualified: 0.25,
  proposal: 0.5,
  negotiation: 0.75,
  won: 1,
  lost: 0,
};

export type TransitionVerdict = { ok: true; closes: boolean } | { ok: false; why: 'same' | 'closed_won' | 'won_too_early' | 'back_too_far' | 'reopen_too_far' };

export function checkTransition(from: Stage, to: Stage): TransitionVerdict {
  if (from === to) return { ok: false, why: 'same' };
  if (from === 'won') return { ok: false, why: 'closed_won' };
  if (from === 'lost') return to === 'discovery' || to === 'qualified' ? { ok: true, closes: false } : { ok: false, why: 'reopen_too_far' };
  if (to === 'lost') return { ok: true, closes: true };
  if (to === 'won') return from === 'proposal' || from === 'negotiation' ? { ok: true, closes: true } : { ok: false, why: 'won_too_early' };
  const d = OPEN_STAGES.indexOf(to) - OPEN_STAGES.indexOf(from);
  return d >= -1 ? { ok: true, closes: false } : { ok: false, why: 'back_too_far' };
}

/** The stages an opportunity may move to next (for the board's buttons). */
export function nextStages(from: Stage): Stage[] {
  return STAGES.filter((s) => checkTransition(from, s).ok);
}

/** Amount × stage probability, rounded to the fen. */
export function weightedAmount(stage: Stage, amount: number, weights: Record<Stage, number> = STAGE_WEIGHT): number {
  return Math.round(amount * weights[stage] * 100) / 100;
}

export interface BoardColumn {
  stage: Stage;
  count: number;
  amount: number;
  weighted: number;
}

/** Per-stage totals from (stage, count, amount) aggregates; every stage appears once, in order. */
export function boardTotals(rows: { stage: Stage; count: number; amount: number }[], weights: Record<Stage, number> = STAGE_WEIGHT): BoardColumn[] {
  return STAGES.map((stage) => {
    const r = rows.filter((x) => x.stage === stage);
    const count = r.reduce((s, x) => s + Number(x.count), 0);
    const amount = Math.round(r.reduce((s, x) => s + Number(x.amount), 0) * 100) / 100;
    return { stage, count, amount, weighted: weightedAmount(stage, amount, weights) };
  });
}
