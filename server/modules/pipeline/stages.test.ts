import { describe, expect, it } from 'vitest';
import { boardTotals, checkTransition, nextStages, weightedAmount } from './stages.js';

describe('opportunity stages', () => {
  it('[C8] open stages move forward any number of steps and back only one', () => {
    expect(checkTransition('discovery', 'negotiation')).toEqual({ ok: true, closes: false });
    expect(checkTransition('proposal', 'qualified')).toEqual({ ok: true, closes: false });
    expect(checkTransition('negotiation', 'discovery')).toEqual({ ok: false, why: 'back_too_far' });
    expect(checkTransition('qualified', 'qualified')).toEqual({ ok: false, why: 'same' });
  });

  it('[C8] won only from proposal or negotiation, lost from any open stage, won is final, lost reopens early', () => {
    expect(checkTransition('negotiation', 'won')).toEqual({ ok: true, closes: true });
    expect(checkTransition('qualified', 'won')).toEqual({ ok: false, why: 'won_too_early' });
    expect(checkTransition('discovery', 'lost')).toEqual({ ok: true, closes: true });
    expect(checkTransition('won', 'negotiation')).toEqual({ ok: false, why: 'closed_won' });
    expect(checkTransition('lost', 'qualified')).toEqual({ ok: true, closes: false });
    expect(checkTransition('lost', 'proposal')).toEqual({ ok: false, why: 'reopen_too_far' });
    expect(nextStages('proposal')).toEqual(['qualified', 'negotiation', 'won', 'lost']);
    expect(nextStages('won')).toEqual([]);
  });

  it('[C8] weighted amounts and board totals cover every stage in order', () => {
    expect(weightedAmount('proposal', 100_000)).toBe(50_000);
    expect(weightedAmount('lost', 100_000)).toBe(0);
    const cols = boardTotals([
      { stage: 'negotiation', count: 2, amount: 300_000 },
      { stage: 'discovery', count: 1, amount: 10_000.5 },
    ]);
    expect(cols.map((c) => c.stage)).toEqual(['discovery', 'qualified', 'proposal', 'negotiation', 'won', 'lost']);
    expect(cols[0]).toEqual({ stage: 'discovery', count: 1, amount: 10_000.5, weighted: 1000.05 });
    expect(cols[3]).toEqual({ stage: 'negotiation', count: 2, amount: 300_000, weighted: 225_000 });
    expect(cols[1].count).toBe(0);
  });
});
