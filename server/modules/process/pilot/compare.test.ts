import { describe, expect, it } from 'vitest';
import { compareGroups, normalCdf, twoProportionZTest, type GroupStats } from './compare.js';

const empty: GroupStats = {
  visits: 0,
  reps: 0,
  flaggedVisits: 0,
  p8Visits: 0,
  p8Flags: 0,
  p8ByDetector: {},
  blindChecked: 0,
  blindConfirmed: 0,
  blindUnreachable: 0,
  actions: 0,
  within24h: 0,
  lagMedian: null,
  lagP90: null,
  complete: 0,
  evaluated: 0,
  noMissing: 0,
  complianceAssessed: 0,
  compliant: 0,
};

describe('pilot comparison (pure)', () => {
  it('[P11] the normal CDF matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
  });

  it('[P11] two-proportion z-test: a textbook case, no difference, and too little data', () => {
    // 120/200 vs 90/200: p̂ = 0.525, se = 0.04993, z = 3.004, p ≈ 0.0027.
    const t = twoProportionZTest(120, 200, 90, 200)!;
    expect(t.z).toBeCloseTo(3.004, 2);
    expect(t.pValue).toBeCloseTo(0.0027, 3);
    expect(t.significant).toBe(true);
    const same = twoProportionZTest(50, 100, 50, 100)!;
    expect(same).toMatchObject({ z: 0, pValue: 1, significant: false });
    expect(twoProportionZTest(1, 3, 2, 4)).toBeNull();
    expect(twoProportionZTest(0, 0, 5, 10)).toBeNull();
  });

  it('[P11] pilot minus control per metric, with the direction that counts as better', () => {
    const pilot: GroupStats = { ...empty, visits: 200, reps: 10, flaggedVisits: 10, complete: 180, evaluated: 200, noMissing: 170, actions: 1000, within24h: 980, lagMedian: 600, lagP90: 7200, complianceAssessed: 50, compliant: 45, blindChecked: 10, blindConfirmed: 9, blindUnreachable: 0, p8Flags: 1, p8Visits: 4 };
    const control: GroupStats = { ...empty, visits: 200, reps: 10, flaggedVisits: 60, complete: 100, evaluated: 180, noMissing: 90, actions: 1000, within24h: 600, lagMedian: 36_000, lagP90: 259_200, complianceAssessed: 50, compliant: 30, blindChecked: 10, blindConfirmed: 6, blindUnreachable: 1, p8Flags: 6, p8Visits: 50 };
    const m = Object.fromEntries(compareGroups(pilot, control).map((x) => [x.key, x]));
    expect(m.flaggedShare).toMatchObject({ pilot: { value: 0.05 }, control: { value: 0.3 }, diff: -0.25, verdict: 'better' });
    expect(m.completeShare).toMatchObject({ pilot: { value: 0.9 }, control: { value: 0.5 }, diff: 0.4, verdict: 'better' });
    expect(m.within24hShare.verdict).toBe('better');
    expect(m.lagMedianHours).toMatchObject({ pilot: { value: 0.2 }, control: { value: 10 }, diff: -9.8, test: null, verdict: null });
    expect(m.lagP90Hours.control.value).toBe(72);
    expect(m.p8Flags).toMatchObject({ diff: -5, verdict: null });
    // 9/10 vs 6/9: too few checks for the normal approximation.
    expect(m.blindRate).toMatchObject({ pilot: { value: 0.9, num: 9, den: 10 }, control: { value: 0.6667, num: 6, den: 9 }, verdict: 'insufficient' });
    expect(m.compliantShare.verdict).toBe('better');
    // Nothing missing is a share of the evaluated visits only.
    expect(m.noMissingShare).toMatchObject({ pilot: { value: 0.85, den: 200 }, control: { value: 0.5, num: 90, den: 180 } });
  });

  it('[P11] a group with no visits gives no value and no test', () => {
    const m = compareGroups(empty, { ...empty, visits: 10, complete: 5 });
    const c = m.find((x) => x.key === 'completeShare')!;
    expect(c).toMatchObject({ pilot: { value: null }, control: { value: 0.5 }, diff: null, test: null, verdict: 'insufficient' });
  });
});
