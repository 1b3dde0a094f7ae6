import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { isWorkingDay, localDate } from '../platform/calendar.js';
import { PROCESS_ACTIONS, PROCESS_BACKFILL } from '../platform/config/defaults.js';
import { missingFields, visitProgress, type ActionRules } from '../modules/process/actions.js';
import { detectBackfillLags, detectRecordingClusters, inClockWindow, parseClock } from '../modules/process/backfill.js';
import { detectTemplates, noteSimilarity } from '../modules/process/templates.js';
import { distanceM } from '../modules/process/geofence.js';
import { streamCompany, type DemoCustomer, type DemoTruth, type DemoVisit, type RepSlice } from './generate.js';
import { loadDemo } from './load.js';
import { DEMO_PATTERNS } from './modules.js';
import { hamming } from '../modules/process/photos.js';
import {
  actionWindowStart,
  BEHAVIOURS,
  fabricationPattern,
  fabricators,
  flipBits,
  NOTE_TEMPLATES,
  objectionClosureRate,
  PROCESS_TRUTH,
  processRows,
  processWriter,
  stockPhoto,
} from './process.js';

const NOW = new Date('2026-11-26T08:00:00Z');
const cfg = PROCESS_BACKFILL.default;
const HOUR = 3_600_000;
/** The actions window of NOW: 2026-10-01 00:00 Beijing time. */
const WINDOW = actionWindowStart(NOW);

function company(seed: number, reps: number, customers: number) {
  const stream = streamCompany({ seed, reps, customers, now: NOW, patterns: DEMO_PATTERNS });
  const slices: RepSlice[] = [...stream.slices()];
  const truth = slices.flatMap((s) => s.truth);
  const visits = new Map<string, DemoVisit>(slices.flatMap((s) => s.visits.map((v) => [v.id, v] as const)));
  const customersById = new Map<string, DemoCustomer>(slices.flatMap((s) => s.customers.map((c) => [c.id, c] as const)));
  const ids = (pattern: string) => truth.filter((t) => t.pattern === pattern).map((t) => t.id);
  return { org: stream.org, slices, truth, visits, customers: customersById, ids };
}

// 60 reps: ~5 fabricating reps, so every behaviour is planted at least once.
const big = company(20260101, 60, 1800);

describe('demo fabricating reps (P8 ground truth)', () => {
  it('[P8] the pattern is deterministic for a seed and differs between seeds', () => {
    const again = company(20260101, 60, 1800);
    expect(JSON.stringify(again.truth)).toBe(JSON.stringify(big.truth));
    expect(JSON.stringify([...again.visits.values()])).toBe(JSON.stringify([...big.visits.values()]));
    const other = streamCompany({ seed: 99, reps: 60, customers: 0, now: NOW, patterns: [fabricationPattern] });
    expect([...fabricators(other.org).keys()]).not.toEqual([...fabricators(big.org).keys()]);
  });

  it('[P8] chooses about 8% of reps (at least one from ten reps), each with one or two behaviours', () => {
    const f = fabricators(big.org);
    expect(f.size).toBe(5);
    for (const b of f.values()) {
      expect(b.length).toBeGreaterThanOrEqual(1);
      expect(b.length).toBeLessThanOrEqual(2);
    }
    expect(new Set([...f.values()].flat())).toEqual(new Set(BEHAVIOURS));
    expect(new Set(big.ids(PROCESS_TRUTH.rep))).toEqual(new Set(f.keys()));
    const ten = streamCompany({ seed: 3, reps: 10, customers: 0, now: NOW, patterns: [fabricationPattern] });
    expect(fabricators(ten.org).size).toBe(1);
    const nine = streamCompany({ seed: 3, reps: 9, customers: 0, now: NOW, patterns: [fabricationPattern] });
    expect(fabricators(nine.org).size).toBe(0);
    const many = streamCompany({ seed: 3, reps: 500, customers: 0, now: NOW, patterns: [fabricationPattern] });
    expect(fabricators(many.org).size).toBe(40);
  });

  it('[G8] [X7] the actions window starts at 00:00 Beijing time on the first of the previous month; every rep employed then has last month’s facts', () => {
    expect(WINDOW.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(actionWindowStart(new Date('2026-01-15T02:00:00Z')).toISOString()).toBe('2025-11-30T16:00:00.000Z');
    // Half past midnight on 1 December in Beijing: November is already "last month".
    expect(actionWindowStart(new Date('2026-11-30T16:30:00Z')).toISOString()).toBe('2026-10-31T16:00:00.000Z');
    const monthEnd = Date.parse('2026-10-31T16:00:00Z');
    // The first working day of October (after the National Day holiday), 00:00 Beijing time.
    let firstWorkingDay = '2026-10-01';
    while (!isWorkingDay(firstWorkingDay)) firstWorkingDay = new Date(Date.parse(`${firstWorkingDay}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);
    const workStart = Date.parse(`${firstWorkingDay}T00:00:00+08:00`);
    let reps = 0;
    const all: number[] = [];
    for (const s of big.slices) {
      if (s.rep.hiredOn >= '2026-10-01') continue;
      reps++;
      const rows = processRows(s);
      const checkIns = rows.actions.filter((a) => a.type === 'check_in' && a.occurredAt.getTime() >= WINDOW.getTime() && a.occurredAt.getTime() < monthEnd);
      expect(checkIns.length, s.rep.username).toBeGreaterThan(0);
      all.push(...checkIns.map((a) => a.occurredAt.getTime()));
      // Appointments are made up to three days ahead; nothing else is older than the window.
      expect(rows.actions.every((a) => a.occurredAt.getTime() >= WINDOW.getTime() - 72 * HOUR)).toBe(true);
      expect(rows.actions.filter((a) => a.type !== 'appointment').every((a) => a.occurredAt.getTime() >= WINDOW.getTime())).toBe(true);
    }
    // The whole month: from its first working day to its last days.
    expect(Math.min(...all)).toBeLessThan(workStart + 24 * HOUR);
    expect(Math.max(...all)).toBeGreaterThan(monthEnd - 3 * 24 * HOUR);
    expect(reps).toBeGreaterThan(50);
  });

  it('[P8] plants midnight batches: recorded at 23:58–00:03, seconds apart, the same night', () => {
    const mid = big.ids(PROCESS_TRUTH.midnight).map((id) => big.visits.get(id)!);
    expect(mid.length).toBeGreaterThan(100);
    const [from, to] = [parseClock('23:58'), parseClock('00:03')];
    for (const v of mid) {
      expect(inClockWindow(v.recordedAt, from, to)).toBe(true);
      const lag = v.recordedAt.getTime() - v.occurredAt.getTime();
      expect(lag).toBeGreaterThan(0);
      expect(lag).toBeLessThan(cfg.maxLagHours * HOUR);
    }
  });

  it('[P8] plants Monday back-fills: the last working day before a break, entered on the next working day', () => {
    const back = big.ids(PROCESS_TRUTH.backfill).map((id) => big.visits.get(id)!);
    expect(back.length).toBeGreaterThan(10);
    for (const v of back) {
      expect(v.recordedAt.getTime() - v.occurredAt.getTime()).toBeGreaterThan(cfg.maxLagHours * HOUR);
      const rec = localDate(v.recordedAt);
      expect(isWorkingDay(rec)).toBe(true);
      for (let d = Date.parse(localDate(v.occurredAt)) + 86_400_000; d < Date.parse(rec); d += 86_400_000) expect(isWorkingDay(new Date(d).toISOString().slice(0, 10))).toBe(false);
    }
    expect(back.filter((v) => new Date(v.recordedAt.getTime() + 8 * HOUR).getUTCDay() === 1).length / back.length).toBeGreaterThan(0.6);
  });

  it('[P8] plants templated notes: one boilerplate per rep, tiny variations', () => {
    const tpl = big.ids(PROCESS_TRUTH.template).map((id) => big.visits.get(id)!);
    expect(tpl.length).toBeGreaterThan(100);
    for (const v of tpl) expect(Math.max(...NOTE_TEMPLATES.map((t) => noteSimilarity(t, v.note)))).toBeGreaterThan(0.85);
    const byRep = new Map<string, Set<string>>();
    for (const v of tpl) {
      const best = NOTE_TEMPLATES.reduce((a, t) => (noteSimilarity(t, v.note) > noteSimilarity(a, v.note) ? t : a));
      byRep.set(v.repId, (byRep.get(v.repId) ?? new Set()).add(best));
    }
    for (const set of byRep.values()) expect(set.size).toBe(1);
  });

  it('[P8] plants check-ins 2–30 km from the customer', () => {
    const far = big.ids(PROCESS_TRUTH.far_checkin).map((id) => big.visits.get(id)!);
    expect(far.length).toBeGreaterThan(30);
    for (const v of far) {
      const km = distanceM(v, big.customers.get(v.customerId)!) / 1000;
      expect(km).toBeGreaterThan(1.9);
      expect(km).toBeLessThan(30.5);
    }
  });

  it('[P4] plants reused photos: recent visits share a stock photo, identical or 1–2 dHash bits apart', () => {
    const reuse = big.truth.filter((t) => t.pattern === PROCESS_TRUTH.photo_reuse);
    expect(reuse.length).toBeGreaterThan(20);
    const media = new Map(big.slices.flatMap((s) => processRows(s).media.map((m) => [m.visitId + m.dhash, m] as const)));
    for (const t of reuse) {
      const v = big.visits.get(t.id)!;
      const { stock, flips } = t.detail as { stock: number; flips: number[] };
      const d = flipBits(stockPhoto(v.repId, stock).dhash, flips);
      expect(hamming(d, stockPhoto(v.repId, stock).dhash)).toBe(flips.length);
      expect(flips.length).toBeLessThanOrEqual(2);
      expect(media.has(v.id + d)).toBe(true);
      expect(v.occurredAt.getTime()).toBeGreaterThanOrEqual(WINDOW.getTime());
    }
  });

  it('[P8] honest reps stay honest: entered within hours, at the customer, and no detector flags them', () => {
    const fab = new Set(fabricators(big.org).keys());
    const honest = big.slices.filter((s) => !fab.has(s.rep.id));
    const lookalike = new Map(big.truth.filter((t) => t.pattern === PROCESS_TRUTH.lookalike).map((t) => [t.id, t.detail!.kind]));
    expect(new Set(lookalike.values())).toEqual(new Set(['late_entry', 'next_morning', 'evening_batch', 'poor_fix']));
    const records = [];
    const notes = [];
    for (const s of honest) {
      expect(s.truth.filter((t: DemoTruth) => t.pattern.startsWith('process.') && t.pattern !== PROCESS_TRUTH.lookalike)).toEqual([]);
      for (const v of s.visits) {
        const lag = v.recordedAt.getTime() - v.occurredAt.getTime();
        expect(lag).toBeGreaterThan(0);
        expect(lag).toBeLessThan(26 * HOUR);
        const m = distanceM(v, s.customers.find((c) => c.id === v.customerId)!);
        expect(m).toBeLessThan(lookalike.get(v.id) === 'poor_fix' ? 650 : 400);
        records.push({ visitId: v.id, repId: v.repId, teamId: v.teamId, occurredAt: v.occurredAt, recordedAt: v.recordedAt });
        notes.push({ visitId: v.id, repId: v.repId, teamId: v.teamId, text: v.note });
      }
    }
    expect(detectRecordingClusters(records, { window: cfg.clusterWindow, share: cfg.clusterShare })).toEqual([]);
    expect(detectBackfillLags(records, { maxLagHours: cfg.maxLagHours })).toEqual([]);
    expect(detectTemplates(notes, { similarity: cfg.templateSimilarity })).toEqual([]);
  });
});

describe('demo process writer (P1, P4)', () => {
  const OPTS = { seed: 11, reps: 12, customers: 300, now: NOW, passwordHash: 'x' };
  let db: Db;
  let tenantId: string;
  let expected: ReturnType<typeof processRows>[];

  beforeAll(async () => {
    db = await openDb({});
    await migrate(db);
    expected = [];
    const r = await loadDemo(db, {
      ...OPTS,
      patterns: DEMO_PATTERNS,
      onSlice: async (tx, t, slice) => {
        expected.push(processRows(slice));
        await processWriter.writeSlice(tx, t, slice);
      },
    });
    tenantId = r.tenantId;
  });
  afterAll(async () => {
    await db.close();
  });

  const count = async (sql: string) => Number((await db.query<{ n: number }>(sql, [tenantId])).rows[0].n);

  it('[P1] writes each recent visit’s actions and media, nothing older, no verdicts or flags', async () => {
    const actions = expected.reduce((n, r) => n + r.actions.length, 0);
    const media = expected.reduce((n, r) => n + r.media.length, 0);
    const visits = expected.reduce((n, r) => n + r.visits.length, 0);
    expect(visits).toBeGreaterThan(300);
    expect(await count('select count(*)::int as n from visit_actions where tenant_id = $1')).toBe(actions);
    expect(await count('select count(*)::int as n from visit_media where tenant_id = $1')).toBe(media);
    expect(await count('select count(*)::int as n from visits where tenant_id = $1 and checkin_source is not null')).toBe(visits);
    expect(await count(`select count(*)::int as n from visits where tenant_id = $1 and checkin_source = 'qr'`)).toBeGreaterThan(visits * 0.6);
    expect(await count('select count(*)::int as n from visit_verdicts where tenant_id = $1')).toBe(0);
    expect(await count('select count(*)::int as n from process_flags where tenant_id = $1')).toBe(0);
    // Only visits since the start of the previous month (00:00 Beijing time) have actions, and the
    // whole previous month has them.
    const oldest = await db.query<{ d: Date }>('select min(v.occurred_at) as d from visit_actions a join visits v on v.tenant_id = a.tenant_id and v.id = a.visit_id where a.tenant_id = $1', [tenantId]);
    expect(new Date(oldest.rows[0].d).getTime()).toBeGreaterThanOrEqual(WINDOW.getTime());
    expect(new Date(oldest.rows[0].d).getTime()).toBeLessThan(WINDOW.getTime() + 10 * 24 * HOUR); // after the National Day holiday
    expect(await count(`select count(*)::int as n from visits v where v.tenant_id = $1 and v.occurred_at >= '${WINDOW.toISOString()}' and v.checkin_source is null`)).toBe(0);
  });

  it('[P1] every action has its configured required fields and happened before it was recorded', async () => {
    const rules = PROCESS_ACTIONS.default as ActionRules;
    const rows = await db.query<{ type: keyof ActionRules; fields: Record<string, unknown>; occurred_at: Date; recorded_at: Date; lat: number | null; accuracy_m: number | null }>(
      'select type, fields, occurred_at, recorded_at, lat, accuracy_m from visit_actions where tenant_id = $1',
      [tenantId],
    );
    const types = new Set(rows.rows.map((r) => r.type));
    expect([...types].sort()).toEqual(['appointment', 'check_in', 'demo', 'follow_up', 'need_capture', 'objection']);
    for (const r of rows.rows) {
      expect(missingFields(rules[r.type], r.fields)).toEqual([]);
      expect(new Date(r.occurred_at).getTime()).toBeLessThanOrEqual(new Date(r.recorded_at).getTime());
      if (r.type === 'check_in') {
        expect(r.lat).not.toBeNull();
        expect(r.accuracy_m).toBeGreaterThan(0);
        expect(['wgs84', 'gcj02']).toContain((r.fields.position as { datum: string }).datum);
      }
    }
  });

  it('[P1] the visits’ actions come in order and the note sits on the need capture', async () => {
    const rows = await db.query<{ visit_id: string; id: string; type: keyof ActionRules; occurred_at: Date; recorded_at: Date; note: string; vnote: string; vrec: Date }>(
      `select a.visit_id, a.id, a.type, a.occurred_at, a.recorded_at, a.note, v.note as vnote, v.recorded_at as vrec
         from visit_actions a join visits v on v.tenant_id = a.tenant_id and v.id = a.visit_id where a.tenant_id = $1`,
      [tenantId],
    );
    const byVisit = new Map<string, typeof rows.rows>();
    for (const r of rows.rows) byVisit.set(r.visit_id, [...(byVisit.get(r.visit_id) ?? []), r]);
    for (const list of byVisit.values()) {
      const facts = list.map((r) => ({ id: r.id, type: r.type, occurredAt: new Date(r.occurred_at), recordedAt: new Date(r.recorded_at) }));
      expect(visitProgress(PROCESS_ACTIONS.default as ActionRules, facts, NOW).outOfOrder).toEqual([]);
      const need = list.find((r) => r.type === 'need_capture')!;
      expect(need.note).toBe(need.vnote);
      // Every action was entered within a minute of the visit's recorded-at, or live (check-in, appointment).
      for (const r of list) if (!['check_in', 'appointment'].includes(r.type)) expect(Math.abs(new Date(r.recorded_at).getTime() - new Date(r.vrec).getTime())).toBeLessThan(60_000);
    }
  });

  it('[G2] every objection is open or closed: about 55–75% closed, varying per rep, fabricating reps at the low end', async () => {
    const rows = await db.query<{ rep_id: string; status: unknown }>(`select rep_id, fields->'status' as status from visit_actions where tenant_id = $1 and type = 'objection'`, [tenantId]);
    expect(rows.rows.length).toBeGreaterThan(100);
    expect(new Set(rows.rows.map((r) => r.status))).toEqual(new Set(['open', 'closed']));
    const closed = rows.rows.filter((r) => r.status === 'closed').length / rows.rows.length;
    expect(closed).toBeGreaterThan(0.55);
    expect(closed).toBeLessThan(0.75);
    // the rate behind it: one per rep, 0.55–0.75, honest reps above every fabricating rep
    const rates = big.slices.map((s) => ({ rate: objectionClosureRate(s), fabricating: s.truth.some((t) => t.pattern === PROCESS_TRUTH.rep) }));
    for (const r of rates) {
      expect(r.rate).toBeGreaterThanOrEqual(0.55);
      expect(r.rate).toBeLessThanOrEqual(0.75);
    }
    expect(new Set(rates.map((r) => r.rate.toFixed(3))).size).toBeGreaterThan(40);
    const fabricating = rates.filter((r) => r.fabricating).map((r) => r.rate);
    expect(fabricating.length).toBe(5);
    expect(Math.max(...fabricating)).toBeLessThanOrEqual(Math.min(...rates.filter((r) => !r.fabricating).map((r) => r.rate)));
  });

  it('[P4] stores photos with a fake sha256 and a dHash split into four bands', async () => {
    const rows = await db.query<{ kind: string; sha256: string; mime: string; dhash: string; dhash_bands: string[]; analysed_at: Date | null }>(
      'select kind, sha256, mime, dhash, dhash_bands, analysed_at from visit_media where tenant_id = $1',
      [tenantId],
    );
    expect(rows.rows.length).toBeGreaterThan(100);
    for (const m of rows.rows) {
      expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(m.dhash).toMatch(/^[0-9a-f]{16}$/);
      expect(m.dhash_bands).toEqual([0, 1, 2, 3].map((i) => `${i}:${m.dhash.slice(i * 4, i * 4 + 4)}`));
      expect(m.mime).toBe(m.kind === 'photo' ? 'image/jpeg' : 'image/png');
      expect(m.analysed_at).not.toBeNull();
    }
    expect(new Set(rows.rows.map((m) => m.kind))).toEqual(new Set(['photo', 'screenshot']));
    // The GIN band index answers "photos sharing a band with this one".
    const probe = rows.rows[0];
    const hits = await db.query('select count(*)::int as n from visit_media where tenant_id = $1 and dhash_bands && $2::text[]', [tenantId, probe.dhash_bands]);
    expect(Number(hits.rows[0].n)).toBeGreaterThanOrEqual(1);
  });
});
