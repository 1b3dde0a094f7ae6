import { describe, expect, it } from 'vitest';
import { PROCESS_BACKFILL } from '../../platform/config/defaults.js';
import { generateCompany } from '../../demo/generate.js';
import {
  BACKFILL_LAG_RULE,
  detectBackfillLags,
  detectRecordingClusters,
  inClockWindow,
  parseClock,
  RECORDING_CLUSTER_RULE,
  summariseByTeam,
  type VisitRecord,
} from './backfill.js';

const cfg = PROCESS_BACKFILL.default;
const clusterOpts = { window: cfg.clusterWindow, share: cfg.clusterShare };
/** A Shanghai local time on a day of November 2026 (2 Nov is a Monday) as a UTC instant. */
const sh = (day: number, hh: number, mm = 0, ss = 0) => new Date(Date.UTC(2026, 10, day, hh - 8, mm, ss));
let seq = 0;
const rec = (repId: string, occurredAt: Date, recordedAt: Date, teamId = 't1'): VisitRecord => ({ visitId: `v${++seq}`, repId, teamId, occurredAt, recordedAt });

/** An honest rep's fortnight: 3 visits a working day, each entered 20–90 min later or in the evening. */
function honestRep(repId: string, teamId = 't1'): VisitRecord[] {
  const out: VisitRecord[] = [];
  for (const day of [2, 3, 4, 5, 6, 9, 10, 11, 12, 13]) {
    for (const [k, hh] of [9, 13, 16].entries()) {
      const occurred = sh(day, hh, 10 * k);
      const recorded = (day + k) % 4 === 0 ? sh(day, 19 + k, 15 + 7 * k) : new Date(occurred.getTime() + (20 + 30 * k) * 60_000);
      out.push(rec(repId, occurred, recorded, teamId));
    }
  }
  return out;
}

describe('recording-time clusters (P8)', () => {
  it('[P8] reads the clock window, inclusive at both ends, across midnight', () => {
    const [from, to] = [parseClock('23:58'), parseClock('00:03')];
    expect(inClockWindow(sh(2, 23, 58, 0), from, to)).toBe(true);
    expect(inClockWindow(sh(3, 0, 3, 59), from, to)).toBe(true);
    expect(inClockWindow(sh(3, 0, 0, 0), from, to)).toBe(true);
    expect(inClockWindow(sh(2, 23, 57, 59), from, to)).toBe(false);
    expect(inClockWindow(sh(3, 0, 4, 0), from, to)).toBe(false);
    expect(inClockWindow(sh(3, 12, 0), from, to)).toBe(false);
    // A window that does not cross midnight.
    expect(inClockWindow(sh(3, 12, 30), parseClock('12:00'), parseClock('13:00'))).toBe(true);
    expect(inClockWindow(sh(3, 23, 59), parseClock('12:00'), parseClock('13:00'))).toBe(false);
    expect(() => parseClock('24:00')).toThrow();
  });

  it('[P8] flags a rep whose records are stamped 23:58–00:03 and lists every one', () => {
    const records = honestRep('honest');
    const fake: VisitRecord[] = [];
    for (const day of [2, 3, 4, 5, 6, 9, 10, 11]) {
      // The day's three visits typed in at midnight, 40 s apart.
      for (let k = 0; k < 3; k++) fake.push(rec('faker', sh(day, 9 + 3 * k), new Date(sh(day, 23, 58, 30).getTime() + k * 40_000)));
    }
    const honestOfFaker = honestRep('faker').slice(0, 20);
    const flags = detectRecordingClusters([...records, ...fake, ...honestOfFaker], clusterOpts);
    expect(flags.map((f) => f.repId)).toEqual(['faker']);
    const f = flags[0];
    expect(f.rule).toBe(RECORDING_CLUSTER_RULE);
    expect(f.detector).toBe('recording_cluster');
    expect(new Set(f.visitIds)).toEqual(new Set(fake.map((r) => r.visitId)));
    expect(f.numbers).toMatchObject({ count: 24, total: 44, share: 0.545, inWindow: 24, windowFrom: '23:58', windowTo: '00:03' });
    expect(f.evidence[0]).toMatchObject({ why: 'window', occurredAt: expect.any(String), recordedAt: expect.any(String) });
  });

  it('[P8] honest evening entries (19:00–22:30) and same-day catch-ups are never flagged', () => {
    const records = honestRep('a').concat(honestRep('b'));
    // Rep c enters all of a day's visits together at 21:00, a minute apart: honest.
    for (const day of [2, 3, 4, 5, 6]) for (let k = 0; k < 4; k++) records.push(rec('c', sh(day, 9 + 2 * k), sh(day, 21, k)));
    expect(detectRecordingClusters(records, clusterOpts)).toEqual([]);
  });

  it('[P8] the share threshold is configuration, and a busy rep is caught by the count rule', () => {
    const some = honestRep('r').slice(0, 10);
    const mid = [2, 3, 4, 5].map((d) => rec('r', sh(d, 10), sh(d, 23, 59)));
    // 4 of 14 = 29%: below the seed's 42% …
    expect(detectRecordingClusters([...some, ...mid], clusterOpts)).toEqual([]);
    // … but above a stricter tenant's 25%.
    expect(detectRecordingClusters([...some, ...mid], { ...clusterOpts, share: 0.25 })).toHaveLength(1);
    // 12 midnight records hidden among 150 honest ones (7%) still flag: ≥ minCount (10).
    const busy = [...honestRep('r'), ...honestRep('r'), ...honestRep('r'), ...honestRep('r'), ...honestRep('r')];
    const many = Array.from({ length: 12 }, (_, i) => rec('r', sh(2 + (i % 10), 11), sh(2 + (i % 10), 0, 1)));
    const flags = detectRecordingClusters([...busy, ...many], clusterOpts);
    expect(flags).toHaveLength(1);
    expect(flags[0].numbers).toMatchObject({ count: 12, total: 162 });
  });

  it('[P8] three stray midnight records are not a pattern even when they are most of a short period', () => {
    const records = [rec('r', sh(2, 10), sh(2, 23, 59)), rec('r', sh(3, 10), sh(3, 23, 59)), rec('r', sh(5, 10), sh(6, 0, 1)), rec('r', sh(4, 10), sh(4, 11))];
    expect(detectRecordingClusters(records, clusterOpts)).toEqual([]);
  });

  it('[P8] flags a burst of records entered minutes apart that claim visits days apart, outside the window too', () => {
    const honest = honestRep('r').slice(0, 6);
    // On Thursday 12 Nov at 15:00 the rep types in six visits "from" Monday to Wednesday.
    const burst = [9, 9, 10, 10, 11, 11].map((d, i) => rec('r', sh(d, i % 2 ? 15 : 10), sh(12, 15, 0, 50 * i)));
    const flags = detectRecordingClusters([...honest, ...burst], clusterOpts);
    expect(flags).toHaveLength(1);
    expect(new Set(flags[0].visitIds)).toEqual(new Set(burst.map((r) => r.visitId)));
    expect(flags[0].numbers).toMatchObject({ inBatches: 6, inWindow: 0, batches: 1, largestBatch: 6 });
    expect(flags[0].evidence.every((e) => e.why === 'batch')).toBe(true);
    // Three records are not a burst.
    expect(detectRecordingClusters([...honest, ...burst.slice(0, 3)], clusterOpts)).toEqual([]);
    // Nor is the same evening entry of one day's visits (they span < 12 h).
    const sameDay = [9, 11, 14, 16].map((h, i) => rec('r', sh(12, h), sh(12, 20, 0, 50 * i)));
    expect(detectRecordingClusters([...honest, ...sameDay], clusterOpts)).toEqual([]);
  });

  it('[P8] honest demo reps are never flagged', () => {
    const company = generateCompany({ seed: 11, reps: 20, customers: 600, now: new Date('2026-11-26T08:00:00Z') });
    const records = company.visits.map((v) => ({ visitId: v.id, repId: v.repId, teamId: v.teamId, occurredAt: v.occurredAt, recordedAt: v.recordedAt }));
    expect(records.length).toBeGreaterThan(3000);
    expect(detectRecordingClusters(records, clusterOpts)).toEqual([]);
    expect(detectBackfillLags(records, { maxLagHours: cfg.maxLagHours })).toEqual([]);
  });
});

describe('back-fill lags (P8)', () => {
  it('[P8] flags Friday visits entered on Monday with the lag of each', () => {
    const honest = honestRep('r');
    const fri = rec('r', sh(6, 15), sh(9, 9, 30));
    const sat = rec('r', sh(7, 10), sh(9, 10, 5));
    const flags = detectBackfillLags([...honest, fri, sat], { maxLagHours: cfg.maxLagHours });
    expect(flags).toHaveLength(1);
    const f = flags[0];
    expect(f).toMatchObject({ repId: 'r', teamId: 't1', detector: 'backfill_lag', rule: BACKFILL_LAG_RULE, visitIds: [fri.visitId, sat.visitId] });
    expect(f.evidence.map((e) => e.lagHours)).toEqual([66.5, 48.1]);
    expect(f.numbers).toMatchObject({ count: 2, total: 32, maxLagHours: 48, longestLagHours: 66.5, weekendShare: 1 });
  });

  it('[P8] honest lags (hours, evening entries) and future-dated records are not back-fills', () => {
    const records = [...honestRep('r'), rec('r', sh(2, 9), sh(2, 22, 30)), rec('r', sh(3, 9), sh(4, 8, 59)), rec('r', sh(9, 10), sh(2, 10))];
    expect(detectBackfillLags(records, { maxLagHours: 48 })).toEqual([]);
    // The limit is configuration: at 12 h the 13.5 h evening entry and the next-morning one count.
    expect(detectBackfillLags(records, { maxLagHours: 12 })[0].numbers.count).toBe(2);
  });

  it('[P8] minCount lets a tenant ignore a single late entry', () => {
    const records = [...honestRep('r'), rec('r', sh(6, 15), sh(9, 9, 30))];
    expect(detectBackfillLags(records, { maxLagHours: 48, minCount: 2 })).toEqual([]);
    expect(detectBackfillLags(records, { maxLagHours: 48 })).toHaveLength(1);
  });
});

describe('per-team view (P8)', () => {
  it('[P8] summarises flagged reps and records per team, worst first', () => {
    const records = [...honestRep('a', 't1'), ...honestRep('b', 't1'), ...honestRep('c', 't2')];
    const lagged = rec('b', sh(6, 15), sh(9, 9, 30), 't1');
    const mids = [2, 3, 4, 5].map((d) => rec('c', sh(d, 10), sh(d, 23, 59), 't2'));
    const all = [...records, lagged, ...mids];
    const flags = [...detectRecordingClusters(all, { ...clusterOpts, share: 0.05 }), ...detectBackfillLags(all, { maxLagHours: 48 })];
    const teams = summariseByTeam(all, flags);
    expect(teams).toEqual([
      { teamId: 't2', reps: 1, flaggedReps: 1, repShare: 1, records: 34, flaggedRecords: 4, recordShare: 0.118, byDetector: { recording_cluster: 1 } },
      { teamId: 't1', reps: 2, flaggedReps: 1, repShare: 0.5, records: 61, flaggedRecords: 1, recordShare: 0.016, byDetector: { backfill_lag: 1 } },
    ]);
  });
});
