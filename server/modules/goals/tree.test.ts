import { describe, expect, it } from 'vitest';
import { gapOf, monthsIn, parsePeriod, periodRollups, subPeriods } from './tree.js';

describe('goal tree gaps', () => {
  it('[G1] the gap is parent − Σ children; a child without a target counts 0 and is named', () => {
    expect(gapOf(10_000_000, [{ key: 'east', value: 6_000_000 }, { key: 'north', value: 3_000_000 }])).toEqual({
      parent: 10_000_000, childrenSum: 9_000_000, gap: 1_000_000, missing: [], balanced: false,
    });
    expect(gapOf(100, [{ key: 'a', value: 100 }, { key: 'b', value: null }])).toMatchObject({ gap: 0, missing: ['b'], balanced: true });
    // over-allocation shows as a negative gap
    expect(gapOf(100, [{ key: 'a', value: 70 }, { key: 'b', value: 50 }]).gap).toBe(-20);
    expect(gapOf(null, [{ key: 'a', value: 5 }])).toMatchObject({ gap: null, childrenSum: 5, balanced: false });
  });

  it('[G1] float noise of money does not show as a gap', () => {
    expect(gapOf(0.3, [{ key: 'a', value: 0.1 }, { key: 'b', value: 0.2 }]).balanced).toBe(true);
  });

  it('[G1] periods: year, quarter and month exist; anything else does not', () => {
    expect(parsePeriod('2026')).toEqual({ kind: 'year', year: 2026, text: '2026' });
    expect(parsePeriod('2026-Q3')?.kind).toBe('quarter');
    expect(parsePeriod('2026-03')?.kind).toBe('month');
    for (const bad of ['2026-13', '2026-00', '2026-Q5', '26', '2026-3', 'x']) expect(parsePeriod(bad)).toBeUndefined();
    expect(monthsIn(parsePeriod('2026-Q2')!)).toEqual(['2026-04', '2026-05', '2026-06']);
    expect(subPeriods(parsePeriod('2026')!)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(monthsIn(parsePeriod('2026')!)).toHaveLength(12);
  });

  it('[G1] year vs quarters vs months: each planned level shows its gap', () => {
    const v = new Map<string, number>([
      ['2026', 1200],
      ['2026-Q1', 300], ['2026-Q2', 300], ['2026-Q3', 300], ['2026-Q4', 200],
      ['2026-01', 100], ['2026-02', 100], ['2026-03', 100],
    ]);
    const [q, m] = periodRollups(parsePeriod('2026')!, v);
    expect(q.level).toBe('quarters');
    expect(q.gap).toMatchObject({ childrenSum: 1100, gap: 100 });
    expect(m.level).toBe('months');
    expect(m.gap.gap).toBe(900);
    expect(m.gap.missing).toHaveLength(9);
    const [qm] = periodRollups(parsePeriod('2026-Q1')!, v);
    expect(qm.gap.balanced).toBe(true);
    // a node planned by year only has no sub-period check
    expect(periodRollups(parsePeriod('2026')!, new Map([['2026', 5]]))).toEqual([]);
  });
});
