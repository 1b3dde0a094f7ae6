import { describe, expect, it } from 'vitest';
import { allocate, ALLOCATION_WEIGHTS, COMPONENTS, type ChildInput } from './allocate.js';

const child = (nodeId: string, over: Partial<ChildInput> = {}): ChildInput => ({
  nodeId,
  customers: {},
  lastYearSigned: 0,
  lastYearAttainment: null,
  reps: 1,
  ...over,
});

describe('allocate (G3)', () => {
  it('[G3] weights sum to 1 and shares sum exactly to the parent, whole units and cents', () => {
    expect(COMPONENTS.reduce((a, c) => a + ALLOCATION_WEIGHTS[c], 0)).toBeCloseTo(1, 12);
    const kids = [
      child('a', { customers: { KA: { renewal: 2 }, B: { lead: 3 } }, lastYearSigned: 1_200_000, lastYearAttainment: 1.1 }),
      child('b', { customers: { A: { opportunity: 5 } }, lastYearSigned: 300_000, lastYearAttainment: 0.7 }),
      child('c', { customers: { C: { delivery: 7, churned: 2 } }, lastYearSigned: 77_777, lastYearAttainment: null }),
    ];
    for (const parent of [1_000_000, 1_000_001, 7, 3_333_333.33, 0.01, 10]) {
      const out = allocate(parent, kids);
      const sum = out.reduce((a, r) => a + Math.round(r.value * 100), 0) / 100;
      expect(sum).toBe(parent);
      for (const r of out) expect(r.value).toBeGreaterThanOrEqual(0);
    }
  });

  it('[G3] the basis explains the numbers: contributions add up to the raw value, and each input is shown', () => {
    const kids = [
      child('a', { customers: { KA: { renewal: 1 } }, lastYearSigned: 600_000, lastYearAttainment: 1 }),
      child('b', { customers: { B: { lead: 2 } }, lastYearSigned: 200_000, lastYearAttainment: 0.5 }),
    ];
    const out = allocate(1_000_000, kids);
    for (const r of out) {
      expect(r.basis.items.map((i) => i.component)).toEqual(COMPONENTS);
      const contrib = r.basis.items.reduce((a, i) => a + i.contribution, 0);
      expect(contrib).toBeCloseTo(r.raw, 0);
      expect(Math.abs(r.value - r.raw)).toBeLessThan(1);
      for (const it of r.basis.items) expect(it.weight).toBe(ALLOCATION_WEIGHTS[it.component]);
    }
    const a = out[0].basis.items;
    const sell = a.find((i) => i.component === 'sellThrough')!;
    expect(sell.input).toEqual({ lastYearSigned: 600_000 });
    expect(sell.share).toBe(0.75);
    expect(sell.contribution).toBe(112_500); // 0.15 × 0.75 × 1,000,000
    const portfolio = a.find((i) => i.component === 'portfolio')!;
    expect(portfolio.score).toBe(4); // KA renewal: 4 × 1
    expect(out[1].basis.items.find((i) => i.component === 'portfolio')!.score).toBe(2); // 2 × B lead: 2 × 2 × 0.5
    expect(portfolio.share).toBeCloseTo(4 / 6, 6);
    const history = a.find((i) => i.component === 'history')!;
    expect(history.share).toBeCloseTo(1 / 1.5, 6);
    const coverage = out[1].basis.items.find((i) => i.component === 'coverage')!;
    expect(coverage.input).toMatchObject({ activeCustomers: 2, reps: 1, density: 2 });
    expect(out[0].value).toBeGreaterThan(out[1].value);
  });

  it('[G3] a child with no customers and no history still gets the equal-share floor', () => {
    const kids = [
      child('rich', { customers: { KA: { renewal: 10 } }, lastYearSigned: 5_000_000, lastYearAttainment: 2 }),
      child('new'),
    ];
    const out = allocate(1_000_000, kids);
    const fresh = out.find((r) => r.nodeId === 'new')!;
    // equal 10% × ½ = 50,000; history is neutral (1 vs 2) → 25% × ⅓ ≈ 83,333
    expect(fresh.value).toBeGreaterThanOrEqual(50_000);
    expect(fresh.basis.items.find((i) => i.component === 'equal')!.contribution).toBe(50_000);
    expect(fresh.basis.items.find((i) => i.component === 'portfolio')!.contribution).toBe(0);
    expect(fresh.basis.items.find((i) => i.component === 'history')!.input).toMatchObject({ neutralWhenMissing: true });
  });

  it('[G3] with no inputs at all every component falls back to the equal share', () => {
    const out = allocate(100, [child('a'), child('b'), child('c')]);
    expect(out.map((r) => r.value)).toEqual([34, 33, 33]);
    expect(out[0].basis.items.filter((i) => i.component !== 'history' && i.component !== 'equal').every((i) => i.fellBack)).toBe(true);
  });

  it('[G3] a zero parent gives zero to every child; no children gives nothing; a negative parent is refused', () => {
    const out = allocate(0, [child('a', { lastYearSigned: 10 }), child('b')]);
    expect(out.map((r) => r.value)).toEqual([0, 0]);
    expect(out.every((r) => r.basis.items.every((i) => i.contribution === 0))).toBe(true);
    expect(allocate(500, [])).toEqual([]);
    expect(() => allocate(-1, [child('a')])).toThrow(RangeError);
  });
});
