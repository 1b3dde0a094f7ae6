import { describe, expect, it } from 'vitest';
import { cardDone, selectItems, type Tagged } from './select.js';

const item = (ref: string, kind: Tagged['kind'], urgency: number): Tagged => ({
  ref,
  kind,
  urgency,
  provider: 'p',
  label: { 'zh-CN': ref, 'en-US': ref },
  current: null,
  evidence: {},
});

describe('calibration card items', () => {
  it('[C6] at most three items: conflicts first, then stale fields, then commitments, most urgent first', () => {
    const chosen = selectItems([
      item('commitment:1', 'commitment', 99),
      item('field:budgetCycle', 'stale', 120),
      item('field:address', 'conflict', 2),
      item('field:decisionChain', 'stale', 200),
      item('field:name', 'conflict', 3),
    ]);
    expect(chosen.map((c) => c.ref)).toEqual(['field:name', 'field:address', 'field:decisionChain']);
  });

  it('[C6] the same item from two providers appears once, and a limit of 0 gives an empty card', () => {
    expect(selectItems([item('field:x', 'conflict', 1), item('field:x', 'stale', 5)]).map((c) => c.kind)).toEqual(['conflict']);
    expect(selectItems([item('a', 'stale', 1)], 0)).toEqual([]);
  });

  it('[C6] a card is done only when every party answered every item', () => {
    const parties = ['sales', 'service', 'delivery'];
    const answered = new Set(['a|sales', 'a|service', 'a|delivery', 'b|sales', 'b|service']);
    expect(cardDone(['a', 'b'], parties, answered)).toBe(false);
    answered.add('b|delivery');
    expect(cardDone(['a', 'b'], parties, answered)).toBe(true);
  });
});
