import { describe, expect, it } from 'vitest';
import { ageDays, fieldAges, staleBefore } from './freshness.js';

const NOW = new Date('2026-11-26T02:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe('key-field freshness', () => {
  it('[C5] age is whole days since the latest value; never negative', () => {
    expect(ageDays(daysAgo(0.5), NOW)).toBe(0);
    expect(ageDays(daysAgo(90), NOW)).toBe(90);
    expect(ageDays(new Date(NOW.getTime() + 3_600_000), NOW)).toBe(0);
    expect(ageDays(null, NOW)).toBeNull();
  });

  it('[C5] stale at the threshold, missing fields have no age and are not stale', () => {
    const ages = fieldAges(['decisionChain', 'budgetCycle', 'techArchitecture'], new Map([['decisionChain', daysAgo(91)], ['budgetCycle', daysAgo(89)]]), NOW, 90);
    expect(ages).toEqual([
      { field: 'decisionChain', lastObservedAt: daysAgo(91), ageDays: 91, stale: true },
      { field: 'budgetCycle', lastObservedAt: daysAgo(89), ageDays: 89, stale: false },
      { field: 'techArchitecture', lastObservedAt: null, ageDays: null, stale: false },
    ]);
    expect(staleBefore(NOW, 90)).toEqual(daysAgo(90));
  });
});
