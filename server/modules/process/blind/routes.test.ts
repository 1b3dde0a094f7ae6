// P7 blind verification over HTTP and through the monthly job, on a fresh tenant per test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { createTestApp, makeTenant, PASSWORD, signedIn, type TestTenant, type TestUser } from '../../../test/harness.js';
import { checkInVisit, insertVisit, makeCustomer } from '../test-support.js';
import { BLIND_JOB } from './job.js';
import { drawSample, seedFor } from './sample.js';
import { authenticityRates } from './service.js';

let app: App;
let db: Db;
let deps: Deps;
const NOW = new Date('2026-11-02T01:00:00Z'); // Monday 2 November, 09:00 in Shanghai

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => NOW }));
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);
const sh = (local: string) => new Date(`${local}+08:00`);
const octoberDay = (i: number) => sh(`2026-10-${String(1 + (i % 30)).padStart(2, '0')}T${String(9 + (i % 8)).padStart(2, '0')}:15:00`);

async function addQa(t: TestTenant, username: string): Promise<string> {
  const r = await (await as(t, 'admin')).post('/api/v1/org/users', { username, displayName: `${username} 质检`, role: 'qa', password: PASSWORD });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

async function setRate(t: TestTenant, rate: number) {
  const r = await (await as(t, 'admin')).post('/api/v1/admin/config/process.blindSample/proposals', { value: { rate }, reason: '测试：全部回访' });
  expect(r.statusCode, r.body).toBe(201);
}

/** A visit with attendees, needs and an agreed follow-up, as the call script reads them. */
async function fullVisit(t: TestTenant, customerId: string, rep: TestUser, at: Date) {
  return insertVisit(
    db,
    t.id,
    checkInVisit(customerId, rep, at, [
      { type: 'need_capture', fields: { needs: ['库存周转慢', '多仓调拨'], attendees: [{ name: '李经理', title: '采购部' }] } },
      { type: 'follow_up', fields: { commitment: '下周三前提交报价', dueAt: '2026-10-21T10:00:00+08:00' } },
    ]),
  );
}

async function checksOf(t: TestTenant) {
  return (
    await db.query(`select c.id, c.visit_id, c.rep_id, c.inspector_id, s.period from blind_checks c join blind_samples s on s.tenant_id = c.tenant_id and s.id = c.sample_id where c.tenant_id = $1`, [t.id])
  ).rows as { id: string; visit_id: string; rep_id: string; inspector_id: string | null; period: string }[];
}

describe('blind verification (P7)', () => {
  it('[P7] the monthly job draws a reproducible 5% sample of last month’s visits once, stores the seed and assigns round-robin to QA', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const qa2 = await addQa(t, 'qa2');
    const customer = await makeCustomer(admin, t.users.rep);
    const reps = [t.users.rep, t.users.rep2, t.users.rep3, t.users.rep4];
    const population: { id: string; repId: string }[] = [];
    for (let i = 0; i < 60; i++) {
      const rep = reps[i % 4];
      population.push({ id: await insertVisit(db, t.id, checkInVisit(customer, rep, octoberDay(i))), repId: rep.id });
    }
    // Not in October's population: an appointment only, a September visit, one on 1 November (Shanghai).
    await insertVisit(db, t.id, { customerId: customer, rep: t.users.rep, occurredAt: sh('2026-10-15T10:00:00'), actions: [{ type: 'appointment', occurredAt: sh('2026-10-10T10:00:00') }] });
    const september = await insertVisit(db, t.id, checkInVisit(customer, t.users.rep, sh('2026-09-30T23:30:00')));
    await insertVisit(db, t.id, checkInVisit(customer, t.users.rep, sh('2026-11-01T00:30:00')));

    const run = await deps.jobs.runNow(t.id, BLIND_JOB, { periodKey: '2026-10' });
    expect(run.status, String(run.error)).toBe('succeeded');
    const seed = seedFor(t.id, '2026-10');
    expect(run.output).toMatchObject({ period: '2026-10', population: 60, drawn: 3, rate: 0.05, seed, alreadyDrawn: false, inspectors: 2, unassigned: 0, ruleVersion: 'blind/1' });
    const stored = await db.query(`select seed, rate, population, drawn from blind_samples where tenant_id = $1 and period = '2026-10'`, [t.id]);
    expect(stored.rows).toEqual([{ seed, rate: 0.05, population: 60, drawn: 3 }]);

    // The same seed over the same population gives the same visits, in the same (rank) order.
    const expected = drawSample(population, 0.05, seed).map((v) => v.id);
    const checks = await checksOf(t);
    expect(checks.map((c) => c.visit_id).sort()).toEqual([...expected].sort());
    const byVisit = new Map(checks.map((c) => [c.visit_id, c.inspector_id]));
    expect(expected.map((id) => byVisit.get(id))).toEqual([t.users.qa.id, qa2, t.users.qa.id]);
    const inbox = await db.query(`select user_id, title from notifications where tenant_id = $1 and kind = 'process.blind.assigned' order by title`, [t.id]);
    expect(inbox.rows.map((r: any) => r.user_id).sort()).toEqual([t.users.qa.id, qa2].sort());

    // A re-run of the month draws nothing new.
    const again = await deps.jobs.runNow(t.id, BLIND_JOB, { periodKey: '2026-10', force: true });
    expect(again.output).toMatchObject({ alreadyDrawn: true, seed, drawn: 3 });
    expect(await checksOf(t)).toHaveLength(3);
    expect((await db.query(`select count(*)::int as n from blind_samples where tenant_id = $1`, [t.id])).rows[0].n).toBe(1);

    // Another month: another seed, its own visits.
    const sep = await admin.post('/api/v1/process/blind-samples/run', { period: '2026-09' });
    expect(sep.statusCode, sep.body).toBe(200);
    expect(sep.json().output).toMatchObject({ period: '2026-09', population: 1, drawn: 1, seed: seedFor(t.id, '2026-09') });
    expect(seedFor(t.id, '2026-09')).not.toBe(seed);
    expect((await checksOf(t)).filter((c) => c.period === '2026-09').map((c) => c.visit_id)).toEqual([september]);

    const open = await admin.post('/api/v1/process/blind-samples/run', { period: '2026-11' }, 'en-US');
    expect(open.statusCode).toBe(409);
    expect(open.json().detail).toContain('has not ended');
    expect((await (await as(t, 'qa')).post('/api/v1/process/blind-samples/run', { period: '2026-08' })).statusCode).toBe(403);
  });

  it('[P7] an inspector records outcomes with the current version, the per-rep authenticity rate follows, and the script stays as drawn', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await setRate(t, 1);
    const customer = await makeCustomer(admin, t.users.rep, '上海明远机械有限公司');
    const repVisits = [
      await fullVisit(t, customer, t.users.rep, sh('2026-10-12T10:00:00')),
      await fullVisit(t, customer, t.users.rep, sh('2026-10-13T10:00:00')),
      await fullVisit(t, customer, t.users.rep, sh('2026-10-14T10:00:00')),
    ];
    await fullVisit(t, customer, t.users.rep3, sh('2026-10-15T10:00:00'));
    expect((await deps.jobs.runNow(t.id, BLIND_JOB, { periodKey: '2026-10' })).output).toMatchObject({ drawn: 4, rate: 1 });

    const qa = await as(t, 'qa');
    const list = await qa.get('/api/v1/process/blind-checks?mine=1&pending=1');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().total).toBe(4);
    const items = list.json().items as any[];
    const first = items.find((c) => c.visitId === repVisits[0]);
    expect(first).toMatchObject({ period: '2026-10', repId: t.users.rep.id, repName: 'rep 测试', inspectorId: t.users.qa.id, outcome: null, version: 1, canRecord: true });
    expect(first.script).toMatchObject({
      rule: 'script/1',
      date: '2026-10-12',
      time: '10:00',
      customerId: customer,
      customerName: '上海明远机械有限公司',
      attendees: ['李经理（采购部）'],
      needs: ['库存周转慢', '多仓调拨'],
      agreedItems: [{ text: '下周三前提交报价', dueAt: '2026-10-21' }],
    });
    expect(first.script.questions.map((q: any) => q.key)).toEqual(['happened', 'attendees', 'needs', 'items', 'other']);

    const record = (id: string, body: Record<string, unknown>, lang?: string) => qa.post(`/api/v1/process/blind-checks/${id}`, body, lang);
    const ok = await record(first.id, { outcome: 'confirmed', note: '客户李经理确认当天来访，报价已收到', version: 1 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ outcome: 'confirmed', version: 2, inspectorId: t.users.qa.id });
    expect(ok.json().checkedAt).toBe(NOW.toISOString());
    const stale = await record(first.id, { outcome: 'not_happened', version: 1 }, 'en-US');
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'version_conflict', currentVersion: 2 });
    const id2 = items.find((c) => c.visitId === repVisits[1]).id;
    const id3 = items.find((c) => c.visitId === repVisits[2]).id;
    expect((await record(id2, { outcome: 'not_happened', version: 1 })).statusCode).toBe(200);
    expect((await record(id3, { outcome: 'unreachable', note: '三次未接通', version: 1 })).statusCode).toBe(200);

    const rate = async () => {
      const r = await qa.get('/api/v1/process/authenticity?period=2026-10');
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    let a = await rate();
    expect(a.sample).toMatchObject({ rate: 1, population: 4, drawn: 4, seed: seedFor(t.id, '2026-10') });
    expect(a.items.find((i: any) => i.repId === t.users.rep.id)).toMatchObject({ drawn: 3, checked: 3, confirmed: 1, notHappened: 1, unreachable: 1, pending: 0, rate: 0.5 });
    expect(a.items.find((i: any) => i.repId === t.users.rep3.id)).toMatchObject({ drawn: 1, checked: 0, pending: 1, rate: null });
    expect(a.totals).toMatchObject({ drawn: 4, checked: 3, confirmed: 1, unreachable: 1, rate: 0.5 });

    // Re-recording needs the current version; the outcome moves the rate, the script does not move.
    const again = await record(first.id, { outcome: 'items_not_mentioned', note: '客户说没有谈到报价', version: 2 });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ outcome: 'items_not_mentioned', version: 3 });
    expect(again.json().script).toEqual(first.script);
    a = await rate();
    expect(a.items.find((i: any) => i.repId === t.users.rep.id)).toMatchObject({ confirmed: 0, itemsNotMentioned: 1, rate: 0 });
    const kpi = await authenticityRates(db, t.id, '2026-10');
    expect(kpi.find((r) => r.repId === t.users.rep.id)).toMatchObject({ checked: 3, confirmed: 0, rate: 0 });
    expect((await qa.get('/api/v1/process/blind-checks?mine=1&pending=1')).json().total).toBe(1);
    const audit = await db.query(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'blind.record'`, [t.id]);
    expect(audit.rows[0].n).toBe(4);
    expect((await record(first.id, { outcome: 'maybe', version: 3 })).statusCode).toBe(400);
    expect((await record(first.id, { outcome: 'confirmed', version: 3, script: {} })).statusCode).toBe(400);
  });

  it('[P7] only QA and admins record; QA only their own or unassigned checks; managers read their team’s; reps and another tenant see nothing', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await setRate(t, 1);
    const customer = await makeCustomer(admin, t.users.rep);
    await fullVisit(t, customer, t.users.rep, sh('2026-10-12T10:00:00'));
    await fullVisit(t, customer, t.users.rep3, sh('2026-10-13T10:00:00'));
    await fullVisit(t, customer, t.users.rep4, sh('2026-10-14T10:00:00'));
    await deps.jobs.runNow(t.id, BLIND_JOB, { periodKey: '2026-10' });
    await addQa(t, 'qa2'); // joins after the draw: nothing is assigned to them
    const checks = await checksOf(t);
    const repCheck = checks.find((c) => c.rep_id === t.users.rep.id)!;

    const manager = await as(t, 'manager');
    const seen = await manager.get('/api/v1/process/blind-checks?period=2026-10');
    expect(seen.statusCode).toBe(200);
    expect(seen.json().items.map((c: any) => c.repId)).toEqual([t.users.rep.id]);
    expect(seen.json().items[0].canRecord).toBe(false);
    expect((await manager.post(`/api/v1/process/blind-checks/${repCheck.id}`, { outcome: 'confirmed', version: 1 })).statusCode).toBe(403);
    expect((await manager.get('/api/v1/process/authenticity?period=2026-10')).json().items.map((i: any) => i.repId)).toEqual([t.users.rep.id]);
    const director2 = await as(t, 'director2');
    expect((await director2.get('/api/v1/process/blind-checks')).json().items.map((c: any) => c.repId)).toEqual([t.users.rep4.id]);
    expect((await director2.get(`/api/v1/process/blind-checks/${repCheck.id}`)).statusCode).toBe(404);

    for (const who of ['rep', 'marketing', 'service']) {
      const c = await as(t, who);
      expect((await c.get('/api/v1/process/blind-checks')).statusCode, who).toBe(403);
      expect((await c.post(`/api/v1/process/blind-checks/${repCheck.id}`, { outcome: 'confirmed', version: 1 })).statusCode, who).toBe(403);
      expect((await c.get('/api/v1/process/authenticity?period=2026-10')).statusCode, who).toBe(403);
    }
    const qa2 = await as(t, 'qa2');
    const notMine = await qa2.post(`/api/v1/process/blind-checks/${repCheck.id}`, { outcome: 'confirmed', version: 1 });
    expect(notMine.statusCode).toBe(403);
    expect(notMine.json().code).toBe('blind_not_assigned');
    expect((await qa2.get('/api/v1/process/blind-checks?mine=1')).json().total).toBe(0);
    expect((await admin.post(`/api/v1/process/blind-checks/${repCheck.id}`, { outcome: 'unreachable', version: 1 })).statusCode).toBe(200);

    const other = await makeTenant(db);
    const foreign = await as(other, 'admin');
    expect((await foreign.get(`/api/v1/process/blind-checks/${repCheck.id}`)).statusCode).toBe(404);
    expect((await foreign.post(`/api/v1/process/blind-checks/${repCheck.id}`, { outcome: 'confirmed', version: 2 })).statusCode).toBe(404);
    expect((await foreign.get('/api/v1/process/blind-checks?period=2026-10')).json()).toMatchObject({ total: 0, items: [] });
    expect((await foreign.get('/api/v1/process/authenticity?period=2026-10')).json()).toMatchObject({ sample: null, items: [] });
    const foreignQa = await as(other, 'qa');
    expect((await foreignQa.post(`/api/v1/process/blind-checks/${repCheck.id}`, { outcome: 'confirmed', version: 2 })).statusCode).toBe(404);
  });
});
