import { describe, expect, it } from 'vitest';
import { attribute } from './attribution.js';

describe('reverse attribution (G4)', () => {
  it('[G4] uses the children’s own targets and names who made the attainment and who made the gap', () => {
    const a = attribute(100, 80, [
      { id: 'a', name: '华东', attainment: 50, target: 40 },
      { id: 'b', name: '华北', attainment: 20, target: 40 },
      { id: 'c', name: '华南', attainment: 10, target: 20 },
    ]);
    expect(a.gap).toBe(20);
    expect(a.items.every((x) => x.basis === 'own_target')).toBe(true);
    expect(a.topContributors.map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(a.topContributors[0].share).toBe(0.625);
    expect(a.topShortfalls.map((x) => [x.id, x.delta])).toEqual([['b', -20], ['c', -10]]);
    expect(a.waterfall.at(-1)).toEqual({ name: 'gap', start: 80, value: 20, kind: 'gap' });
    const stacked = a.waterfall.filter((w) => w.kind === 'item');
    expect(stacked.map((w) => w.start)).toEqual([0, 50, 70]);
  });

  it('[G4] without children’s targets splits the node’s target pro rata', () => {
    const a = attribute(90, 60, [
      { id: 'x', name: 'x', attainment: 45 },
      { id: 'y', name: 'y', attainment: 15 },
      { id: 'z', name: 'z', attainment: 0, target: 10 },
    ]);
    expect(a.items.map((x) => [x.expected, x.delta, x.basis])).toEqual([[30, 15, 'pro_rata'], [30, -15, 'pro_rata'], [30, -30, 'pro_rata']]);
    expect(a.topShortfalls.map((x) => x.id)).toEqual(['z', 'y']);
    expect(a.topContributors.map((x) => x.id)).toEqual(['x', 'y']);
  });

  it('[G4] no target: no gap, expected 0, exceeded target gives a positive-size gap bar', () => {
    const a = attribute(null, 5, [{ id: 'demo', name: 'demo', attainment: 5 }]);
    expect(a.gap).toBeNull();
    expect(a.topShortfalls).toEqual([]);
    expect(a.waterfall.map((w) => w.kind)).toEqual(['item', 'total']);
    const over = attribute(10, 12, []);
    expect(over.gap).toBe(-2);
    expect(over.waterfall.at(-1)).toEqual({ name: 'gap', start: 10, value: 2, kind: 'gap' });
    expect(over.items).toEqual([]);
  });
});
