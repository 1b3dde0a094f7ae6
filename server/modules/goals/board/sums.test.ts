import { describe, expect, it } from 'vitest';
import { sumByMonth, sumRows, type UnitRow } from './sums.js';

const row = (o: Partial<UnitRow>): UnitRow => ({ period: '2026-03', repId: 'r1', teamId: 't1', regionId: 'g1', numerator: 1, denominator: null, ...o });

describe('[G4] in-memory sums of a filtered segment', () => {
  const rows = [
    row({ numerator: 4 }),
    row({ repId: 'r2', numerator: 3 }),
    row({ repId: 'r3', teamId: 't2', numerator: 5 }),
    row({ repId: 'r4', teamId: 't3', regionId: 'g2', numerator: 7 }),
    row({ period: '2026-04', numerator: 2 }),
  ];

  it('[G4] sums only the months and the scope asked for, grouped by the child unit', () => {
    expect(sumRows(rows, ['2026-03'], {})).toEqual([{ key: null, num: 19, den: null }]);
    expect(sumRows(rows, ['2026-03', '2026-04'], { regionId: 'g1' })).toEqual([{ key: null, num: 14, den: null }]);
    expect(sumRows(rows, ['2026-03'], { regionId: 'g1' }, 'team_id')).toEqual([
      { key: 't1', num: 7, den: null },
      { key: 't2', num: 5, den: null },
    ]);
    expect(sumRows(rows, ['2026-03'], { teamId: 't1' }, 'rep_id').map((s) => s.key)).toEqual(['r1', 'r2']);
    expect(sumRows(rows, ['2026-05'], {})).toEqual([]);
  });

  it('[G4] a ratio keeps Σ numerators and Σ denominators, so a quarter is not an average of months', () => {
    const ratio = [row({ numerator: 1, denominator: 4 }), row({ period: '2026-04', numerator: 3, denominator: 4 })];
    expect(sumRows(ratio, ['2026-03', '2026-04'], {})).toEqual([{ key: null, num: 4, den: 8 }]);
    expect([...sumByMonth(ratio, ['2026-03', '2026-04', '2026-05'], {}).entries()]).toEqual([
      ['2026-03', { key: '2026-03', num: 1, den: 4 }],
      ['2026-04', { key: '2026-04', num: 3, den: 4 }],
    ]);
  });
});
