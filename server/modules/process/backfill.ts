// P8: back-fill detectors over a period's visit records. Pure, no I/O: the process service loads
// `{ visitId, repId, teamId, occurredAt, recordedAt }` for a period, calls these, and writes one
// process_flags row per flagged rep (rule version, numbers, evidence, visit ids).
//
//  - recording clusters: a rep's records *created* in a short window of the clock (the seed's
//    23:58–00:03, config `process.backfill.clusterWindow`) or in tight bursts that claim to
//    describe visits hours or days apart — the signature of a diary typed up in one sitting;
//  - back-fill lags: records created long after the visit they describe (weekend work entered on
//    Monday), config `process.backfill.maxLagHours`.
//
// Honest behaviour that must never flag: entering the day's visits in the evening (19:00–22:30),
// or a few hours after the visit.

export interface VisitRecord {
  visitId: string;
  repId: string;
  teamId: string | null;
  /** When the visit happened, as claimed. */
  occurredAt: Date;
  /** When the server received the record. */
  recordedAt: Date;
}

export interface RecordEvidence {
  visitId: string;
  occurredAt: string;
  recordedAt: string;
  /** recording_cluster: 'window' (inside the configured clock window) or 'batch' (a burst). */
  why?: 'window' | 'batch';
  lagHours?: number;
}

/** One process_flags row: a rep's finding for the period, with the visits behind it. */
export interface RepFlag {
  repId: string;
  teamId: string | null;
  detector: 'recording_cluster' | 'backfill_lag' | 'template';
  rule: string;
  visitIds: string[];
  numbers: Record<string, number | string>;
  evidence: RecordEvidence[];
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Asia/Shanghai has no daylight saving: local time is UTC+8 all year. */
export const SHANGHAI_OFFSET_MINUTES = 480;

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r1 = (x: number) => Math.round(x * 10) / 10;

function groupByRep<T extends { repId: string }>(records: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of records) {
    let list = out.get(r.repId);
    if (!list) out.set(r.repId, (list = []));
    list.push(r);
  }
  return out;
}

/** The team a rep's records mostly name (a rep who moved team mid-period is shown in the later one on ties). */
function teamOf(records: readonly VisitRecord[]): string | null {
  const n = new Map<string | null, number>();
  let best: string | null = null;
  let bestN = 0;
  for (const r of records) {
    const c = (n.get(r.teamId) ?? 0) + 1;
    n.set(r.teamId, c);
    if (c >= bestN) [best, bestN] = [r.teamId, c];
  }
  return best;
}

// ── Recording-time clusters ──────────────────────────────────────────────────────────────

export const RECORDING_CLUSTER_RULE = 'recording_cluster/1';

export interface ClusterOptions {
  /** Local clock window, both minutes inclusive; may cross midnight ('23:58'–'00:03'). Config clusterWindow. */
  window: { from: string; to: string };
  /** A rep is flagged when this share of their records is clustered (config clusterShare, 0.42)… */
  share: number;
  /** …or when at least this many are, whatever the share (a busy rep hides 20 fakes among 200). Default 10. */
  minCount?: number;
  /** The share rule needs at least this many clustered records (2 of 3 records is not a pattern). Default 4. */
  minShareCount?: number;
  /** A burst: consecutive records (by recorded-at) no more than this many minutes apart… Default 3. */
  batchGapMinutes?: number;
  /** …at least this many of them… Default 4. */
  batchMinSize?: number;
  /** …claiming visits at least this many hours apart (first to last occurred-at). Default 12. */
  batchMinSpanHours?: number;
  /** Local time offset from UTC. Default Asia/Shanghai (+480). */
  tzOffsetMinutes?: number;
}

export const CLUSTER_DEFAULTS = { minCount: 10, minShareCount: 4, batchGapMinutes: 3, batchMinSize: 4, batchMinSpanHours: 12 } as const;

/** 'HH:MM' → minutes after midnight. */
export function parseClock(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`not a HH:MM clock time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Whether an instant's local minute of the day is inside [from, to] (both inclusive; wraps past midnight when from > to). */
export function inClockWindow(at: Date, from: number, to: number, tzOffsetMinutes = SHANGHAI_OFFSET_MINUTES): boolean {
  const local = at.getTime() + tzOffsetMinutes * MINUTE;
  const minute = Math.floor((((local % DAY) + DAY) % DAY) / MINUTE);
  return from <= to ? minute >= from && minute <= to : minute >= from || minute <= to;
}

/**
 * recording_cluster/1. Per rep, a record is *clustered* when
 *  (a) its recorded-at falls in the configured local clock window (default 23:58–00:03), or
 *  (b) it belongs to a burst: a run of ≥ 4 records, each recorded ≤ 3 min after the previous,
 *      whose occurred-at times span ≥ 12 h. Entering one day's visits together in the evening
 *      spans < 10 h (visits run 09:00–18:00), so that honest habit never forms a burst; a burst
 *      that spans days is a diary typed up in one sitting.
 * The rep is flagged when clustered ≥ minCount (10), or clustered ≥ minShareCount (4) and
 * clustered / total ≥ share (0.42, the seed's figure). Flags list every clustered visit with its
 * two time stamps and why it counted. Run it per period (the caller's month or week).
 */
export function detectRecordingClusters(records: readonly VisitRecord[], opts: ClusterOptions): RepFlag[] {
  const o = { ...CLUSTER_DEFAULTS, ...opts };
  const from = parseClock(o.window.from);
  const to = parseClock(o.window.to);
  const tz = o.tzOffsetMinutes ?? SHANGHAI_OFFSET_MINUTES;
  const out: RepFlag[] = [];
  for (const [repId, list] of groupByRep(records)) {
    const sorted = [...list].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
    const why = new Map<VisitRecord, 'window' | 'batch'>();
    for (const r of sorted) if (inClockWindow(r.recordedAt, from, to, tz)) why.set(r, 'window');
    let batches = 0;
    let largestBatch = 0;
    for (let i = 0; i < sorted.length; ) {
      let j = i + 1;
      while (j < sorted.length && sorted[j].recordedAt.getTime() - sorted[j - 1].recordedAt.getTime() <= o.batchGapMinutes * MINUTE) j++;
      if (j - i >= o.batchMinSize) {
        let lo = Infinity;
        let hi = -Infinity;
        for (let k = i; k < j; k++) {
          lo = Math.min(lo, sorted[k].occurredAt.getTime());
          hi = Math.max(hi, sorted[k].occurredAt.getTime());
        }
        if (hi - lo >= o.batchMinSpanHours * HOUR) {
          batches++;
          largestBatch = Math.max(largestBatch, j - i);
          for (let k = i; k < j; k++) if (!why.has(sorted[k])) why.set(sorted[k], 'batch');
        }
      }
      i = j;
    }
    const count = why.size;
    const share = count / sorted.length;
    if (!(count >= o.minCount || (count >= o.minShareCount && share >= o.share))) continue;
    const hits = sorted.filter((r) => why.has(r));
    out.push({
      repId,
      teamId: teamOf(list),
      detector: 'recording_cluster',
      rule: RECORDING_CLUSTER_RULE,
      visitIds: hits.map((r) => r.visitId),
      numbers: {
        share: r3(share),
        count,
        total: sorted.length,
        inWindow: hits.filter((r) => why.get(r) === 'window').length,
        inBatches: hits.filter((r) => why.get(r) === 'batch').length,
        batches,
        largestBatch,
        windowFrom: o.window.from,
        windowTo: o.window.to,
        shareThreshold: o.share,
        minCount: o.minCount,
      },
      evidence: hits.map((r) => ({ visitId: r.visitId, occurredAt: r.occurredAt.toISOString(), recordedAt: r.recordedAt.toISOString(), why: why.get(r)! })),
    });
  }
  return out;
}

// ── Back-fill lags ───────────────────────────────────────────────────────────────────────

export const BACKFILL_LAG_RULE = 'backfill_lag/1';

export interface LagOptions {
  /** Config maxLagHours (48): a record created more than this long after its visit is a back-fill. */
  maxLagHours: number;
  /** Lagged records a rep needs before the rep is flagged. Default 1: every back-fill is listed. */
  minCount?: number;
  tzOffsetMinutes?: number;
}

/**
 * backfill_lag/1. A record is a back-fill when recorded-at − occurred-at > maxLagHours (48 h by
 * default: a Friday visit entered on Monday morning lags ~64 h; an honest evening entry ≤ 14 h).
 * Records recorded *before* they occurred are not back-fills (the future-time check owns them).
 * One flag per rep with at least minCount back-fills, listing each with its lag; `weekendShare`
 * is the share of them that describe a Friday–Sunday visit recorded on a Monday (local time).
 */
export function detectBackfillLags(records: readonly VisitRecord[], opts: LagOptions): RepFlag[] {
  const minCount = opts.minCount ?? 1;
  const tz = (opts.tzOffsetMinutes ?? SHANGHAI_OFFSET_MINUTES) * MINUTE;
  const limit = opts.maxLagHours * HOUR;
  const dow = (d: Date) => new Date(d.getTime() + tz).getUTCDay();
  const out: RepFlag[] = [];
  for (const [repId, list] of groupByRep(records)) {
    const lagged = list
      .filter((r) => r.recordedAt.getTime() - r.occurredAt.getTime() > limit)
      .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    if (lagged.length < minCount || !lagged.length) continue;
    const lags = lagged.map((r) => (r.recordedAt.getTime() - r.occurredAt.getTime()) / HOUR).sort((a, b) => a - b);
    const weekend = lagged.filter((r) => [5, 6, 0].includes(dow(r.occurredAt)) && dow(r.recordedAt) === 1).length;
    out.push({
      repId,
      teamId: teamOf(list),
      detector: 'backfill_lag',
      rule: BACKFILL_LAG_RULE,
      visitIds: lagged.map((r) => r.visitId),
      numbers: {
        count: lagged.length,
        total: list.length,
        share: r3(lagged.length / list.length),
        maxLagHours: opts.maxLagHours,
        medianLagHours: r1(lags[Math.floor(lags.length / 2)]),
        longestLagHours: r1(lags[lags.length - 1]),
        weekendShare: r3(weekend / lagged.length),
      },
      evidence: lagged.map((r) => ({
        visitId: r.visitId,
        occurredAt: r.occurredAt.toISOString(),
        recordedAt: r.recordedAt.toISOString(),
        lagHours: r1((r.recordedAt.getTime() - r.occurredAt.getTime()) / HOUR),
      })),
    });
  }
  return out;
}

// ── Per-team view ────────────────────────────────────────────────────────────────────────

export interface TeamSummary {
  teamId: string | null;
  reps: number;
  flaggedReps: number;
  /** flaggedReps / reps */
  repShare: number;
  records: number;
  /** Distinct records named by at least one flag. */
  flaggedRecords: number;
  recordShare: number;
  /** Flagged reps per detector. */
  byDetector: Record<string, number>;
}

/**
 * The per-team view of P8: for each team in `records`, how many of its reps and records the
 * given flags (from any of the detectors) name. Reps and records are counted once however many
 * detectors flag them. Sorted by record share, worst first.
 */
export function summariseByTeam(records: readonly VisitRecord[], flags: readonly Pick<RepFlag, 'repId' | 'teamId' | 'detector' | 'visitIds'>[]): TeamSummary[] {
  const teamOfRep = new Map<string, string | null>();
  for (const [repId, list] of groupByRep(records)) teamOfRep.set(repId, teamOf(list));
  const flaggedVisits = new Set<string>();
  const flaggedReps = new Set<string>();
  const repDetectors = new Map<string, Set<string>>();
  for (const f of flags) {
    flaggedReps.add(f.repId);
    for (const v of f.visitIds) flaggedVisits.add(v);
    let s = repDetectors.get(f.repId);
    if (!s) repDetectors.set(f.repId, (s = new Set()));
    s.add(f.detector);
  }
  const teams = new Map<string | null, TeamSummary>();
  const team = (id: string | null) => {
    let t = teams.get(id);
    if (!t) teams.set(id, (t = { teamId: id, reps: 0, flaggedReps: 0, repShare: 0, records: 0, flaggedRecords: 0, recordShare: 0, byDetector: {} }));
    return t;
  };
  for (const [repId, teamId] of teamOfRep) {
    const t = team(teamId);
    t.reps++;
    if (flaggedReps.has(repId)) t.flaggedReps++;
    for (const d of repDetectors.get(repId) ?? []) t.byDetector[d] = (t.byDetector[d] ?? 0) + 1;
  }
  for (const r of records) {
    const t = team(teamOfRep.get(r.repId) ?? null);
    t.records++;
    if (flaggedVisits.has(r.visitId)) t.flaggedRecords++;
  }
  const out = [...teams.values()];
  for (const t of out) {
    t.repShare = t.reps ? r3(t.flaggedReps / t.reps) : 0;
    t.recordShare = t.records ? r3(t.flaggedRecords / t.records) : 0;
  }
  return out.sort((a, b) => b.recordShare - a.recordShare || String(a.teamId).localeCompare(String(b.teamId)));
}
