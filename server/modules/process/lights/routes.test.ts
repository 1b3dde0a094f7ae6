// P6 red/yellow lights over HTTP and through the daily job, on a fresh tenant per test. Visits and
// actions are written straight into the process tables (test-support), customers through the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { createTestApp, makeTenant, signedIn, type TestTenant } from '../../../test/harness.js';
import { checkInVisit, insertVisit, makeCustomer } from '../test-support.js';
import { LIGHTS_JOB } from './job.js';

let app: App;
let db: Db;
let deps: Deps;
let now = new Date('2026-11-06T00:30:00Z'); // Friday 08:30 in Shanghai

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => now }));
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);
/** Local Shanghai wall time → instant. */
const sh = (local: string) => new Date(`${local}+08:00`);

async function run(t: TestTenant, day: string, at: Date) {
  now = at;
  const r = await deps.jobs.runNow(t.id, LIGHTS_JOB, { periodKey: day, force: true });
  expect(r.status, String(r.error)).toBe('succeeded');
  return r.output as Record<string, any>;
}

async function lightOf(t: TestTenant, repId: string, day: string) {
  const r = await db.query(`select light, idle_days, last_action_at, evidence, notified_at from process_lights where tenant_id = $1 and rep_id = $2 and day = $3`, [t.id, repId, day]);
  return r.rows[0];
}

async function redNotices(t: TestTenant, repId: string) {
  const r = await db.query(
    `select user_id, title, body, data from notifications where tenant_id = $1 and kind = 'process.light.red' and data->>'repId' = $2 order by user_id`,
    [t.id, repId],
  );
  return r.rows as { user_id: string; title: string; body: string; data: any }[];
}

describe('process lights (P6)', () => {
  it('[P6] a rep with no action for 3 working days turns red and the manager and BP are notified once with 3 customers and their risk scores', async () => {
    now = sh('2026-11-06T08:30:00');
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const rep = t.users.rep;
    const names = ['上海明远机械有限公司', '杭州云帆科技有限公司', '苏州恒达物流有限公司', '无锡远景材料有限公司'];
    const ids: string[] = [];
    for (const n of names) ids.push(await makeCustomer(admin, rep, n));
    // Most recent first: Monday 2 Nov (the last action), then the week before.
    await insertVisit(db, t.id, checkInVisit(ids[0], rep, sh('2026-11-02T10:00:00')));
    await insertVisit(db, t.id, checkInVisit(ids[1], rep, sh('2026-10-30T15:00:00')));
    await insertVisit(db, t.id, checkInVisit(ids[2], rep, sh('2026-10-29T11:00:00')));
    await insertVisit(db, t.id, checkInVisit(ids[3], rep, sh('2026-10-20T09:00:00')));
    await insertVisit(db, t.id, checkInVisit(ids[0], t.users.rep2, sh('2026-11-05T16:00:00')));

    const out = await run(t, '2026-11-06', sh('2026-11-06T08:30:00'));
    expect(out).toMatchObject({ day: '2026-11-06', ruleVersion: 'lights/1', configVersion: 0 });
    const light = await lightOf(t, rep.id, '2026-11-06');
    expect(light).toMatchObject({ light: 'red', idle_days: 3 });
    expect(light.last_action_at.toISOString()).toBe('2026-11-02T02:00:00.000Z');
    expect(light.evidence).toMatchObject({
      rule: 'lights/1',
      config: { yellowDays: 2, redDays: 3, workingDaysOnly: true },
      configVersion: 0,
      since: '2026-11-02',
      countedDays: ['2026-11-03', '2026-11-04', '2026-11-05'],
      lastAction: { type: 'check_in', customerId: ids[0], customerName: names[0] },
    });
    expect(light.notified_at).not.toBeNull();
    expect(await lightOf(t, t.users.rep2.id, '2026-11-06')).toMatchObject({ light: 'green', idle_days: 0 });

    const notices = await redNotices(t, rep.id);
    expect(notices.map((n) => n.user_id).sort()).toEqual([t.users.manager.id, t.users.bp.id].sort());
    for (const n of notices) {
      expect(n.title).toContain('rep 测试');
      expect(n.title).toContain('3 个工作日');
      expect(n.data.customers.map((c: any) => c.name)).toEqual(names.slice(0, 3));
      for (const c of n.data.customers) {
        expect(typeof c.riskScore).toBe('number');
        expect(c.riskScore).toBeGreaterThanOrEqual(0);
        expect(c.riskScore).toBeLessThanOrEqual(100);
        expect(c.formula['zh-CN']).toContain('总风险');
        expect(c.inputs).toHaveProperty('serviceRisk');
      }
      for (const name of names.slice(0, 3)) expect(n.body).toContain(name);
      expect(n.body).not.toContain(names[3]);
      expect(n.body).toContain('风险分');
    }
    const mails = await db.query(`select count(*)::int as n from outbound_messages where tenant_id = $1 and channel = 'email' and subject like '过程红灯：rep 测试%'`, [t.id]);
    expect(mails.rows[0].n).toBe(2);
    const audit = await db.query(`select actor_kind, after from audit_log where tenant_id = $1 and action = 'process.light.notify' and record_id = $2`, [t.id, `${rep.id}/2026-11-06`]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0]).toMatchObject({ actor_kind: 'system', after: { idleDays: 3, recipients: { managerId: t.users.manager.id, bpIds: [t.users.bp.id] } } });

    // Re-running the day, and the next day of the same red spell, notify nobody again.
    await run(t, '2026-11-06', sh('2026-11-06T17:00:00'));
    const next = await run(t, '2026-11-07', sh('2026-11-07T08:30:00'));
    expect(await lightOf(t, rep.id, '2026-11-07')).toMatchObject({ light: 'red', idle_days: 4 });
    expect((await lightOf(t, rep.id, '2026-11-07')).notified_at).toBeNull();
    expect(await redNotices(t, rep.id)).toHaveLength(2);
    expect(next.notified).toBe(0);

    // A new action ends the spell; going red again later is a new spell and notifies again.
    await insertVisit(db, t.id, checkInVisit(ids[1], rep, sh('2026-11-09T10:00:00')));
    expect((await run(t, '2026-11-10', sh('2026-11-10T08:30:00'))).notified).toBe(0);
    expect(await lightOf(t, rep.id, '2026-11-10')).toMatchObject({ light: 'green', idle_days: 0 });
    await run(t, '2026-11-13', sh('2026-11-13T08:30:00'));
    expect(await lightOf(t, rep.id, '2026-11-13')).toMatchObject({ light: 'red', idle_days: 3 });
    expect(await redNotices(t, rep.id)).toHaveLength(4);
  });

  it('[P6] weekends and public holidays are not counted; two idle working days is yellow; an action recorded today about yesterday counts for yesterday', async () => {
    now = sh('2026-11-10T08:30:00');
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const c = await makeCustomer(admin, t.users.rep);
    // Thursday 5 Nov → Tuesday 10 Nov: Friday and Monday are idle; the weekend is not.
    await insertVisit(db, t.id, checkInVisit(c, t.users.rep, sh('2026-11-05T10:00:00')));
    // rep2 recorded this morning (Tuesday 08:00) a check-in that happened on Monday evening.
    const late = checkInVisit(c, t.users.rep2, sh('2026-11-09T18:00:00'));
    late.actions![0].recordedAt = sh('2026-11-10T08:00:00');
    await insertVisit(db, t.id, late);
    await run(t, '2026-11-10', sh('2026-11-10T08:30:00'));
    const yellow = await lightOf(t, t.users.rep.id, '2026-11-10');
    expect(yellow).toMatchObject({ light: 'yellow', idle_days: 2 });
    expect(yellow.evidence.countedDays).toEqual(['2026-11-06', '2026-11-09']);
    expect(yellow.notified_at).toBeNull();
    expect(await redNotices(t, t.users.rep.id)).toHaveLength(0);
    const backfilled = await lightOf(t, t.users.rep2.id, '2026-11-10');
    expect(backfilled).toMatchObject({ light: 'green', idle_days: 0 });
    expect(backfilled.evidence.since).toBe('2026-11-09');
    expect(backfilled.evidence.lastAction.recordedAt).toBe('2026-11-10T00:00:00.000Z');

    // National Day: 30 Sep → 9 Oct has one working day (8 Oct) in between.
    const t2 = await makeTenant(db);
    const c2 = await makeCustomer(await as(t2, 'admin'), t2.users.rep);
    await insertVisit(db, t2.id, checkInVisit(c2, t2.users.rep, sh('2026-09-30T10:00:00')));
    await run(t2, '2026-10-09', sh('2026-10-09T08:30:00'));
    expect(await lightOf(t2, t2.users.rep.id, '2026-10-09')).toMatchObject({ light: 'green', idle_days: 1 });
    await run(t2, '2026-10-12', sh('2026-10-12T08:30:00'));
    // 8 Oct, 9 Oct and the make-up working Saturday 10 Oct.
    expect(await lightOf(t2, t2.users.rep.id, '2026-10-12')).toMatchObject({ light: 'red', idle_days: 3 });
  });

  it('[P6] the board shows each viewer the reps in their scope; marketing is refused and another tenant sees nothing', async () => {
    now = sh('2026-11-06T09:00:00'); // sessions live 12 h from sign-in, in the app's time
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const c = await makeCustomer(admin, t.users.rep);
    await insertVisit(db, t.id, checkInVisit(c, t.users.rep, sh('2026-11-04T10:00:00')));
    const ran = await admin.post('/api/v1/process/lights/run');
    expect(ran.statusCode, ran.body).toBe(200);
    expect(ran.json()).toMatchObject({ day: '2026-11-06', status: 'succeeded' });
    expect((await (await as(t, 'manager')).post('/api/v1/process/lights/run')).statusCode).toBe(403);

    const board = await admin.get('/api/v1/process/lights?day=2026-11-06');
    expect(board.statusCode, board.body).toBe(200);
    const all = board.json();
    expect(all.day).toBe('2026-11-06');
    expect(all.items.map((i: any) => i.repId).sort()).toEqual([t.users.rep.id, t.users.rep2.id, t.users.rep3.id, t.users.rep4.id].sort());
    const mine = all.items.find((i: any) => i.repId === t.users.rep.id);
    expect(mine).toMatchObject({ light: 'green', idleDays: 1, teamName: '上海一组', lastActionAt: '2026-11-04T02:00:00.000Z' });
    expect(mine.evidence).toMatchObject({ rule: 'lights/1', since: '2026-11-04' });
    // rep2 has never recorded anything: red, counted from the look-back window.
    expect(all.items.find((i: any) => i.repId === t.users.rep2.id)).toMatchObject({ light: 'red', lastActionAt: null });
    expect(all.counts.red).toBe(3);
    expect(all.items[0].light).toBe('red');

    const ids = async (username: string, q = '') => ((await (await as(t, username)).get(`/api/v1/process/lights${q}`)).json().items as any[]).map((i) => i.repId).sort();
    expect(await ids('manager')).toEqual([t.users.rep.id, t.users.rep2.id].sort());
    expect(await ids('director')).toEqual([t.users.rep.id, t.users.rep2.id, t.users.rep3.id].sort());
    expect(await ids('bp')).toEqual([t.users.rep.id, t.users.rep2.id, t.users.rep3.id].sort());
    expect(await ids('rep')).toEqual([t.users.rep.id]);
    expect(await ids('admin', `?teamId=${t.teams[2].id}`)).toEqual([t.users.rep4.id]);
    expect(await ids('admin', `?regionId=${t.regions[0].id}`)).toEqual([t.users.rep.id, t.users.rep2.id, t.users.rep3.id].sort());
    // Without a day: the latest assessed day.
    now = sh('2026-11-08T12:00:00');
    expect((await (await as(t, 'admin')).get('/api/v1/process/lights')).json()).toMatchObject({ day: '2026-11-06', requestedDay: '2026-11-08' });

    const marketing = await (await as(t, 'marketing')).get('/api/v1/process/lights', { 'accept-language': 'en-US' });
    expect(marketing.statusCode).toBe(403);
    expect(marketing.headers['content-type']).toContain('application/problem+json');
    expect((await (await as(t, 'qa')).get('/api/v1/process/lights')).statusCode).toBe(403);
    const other = await makeTenant(db);
    const foreign = await (await as(other, 'admin')).get('/api/v1/process/lights?day=2026-11-06');
    expect(foreign.statusCode).toBe(200);
    expect(foreign.json()).toMatchObject({ day: null, items: [] });
    expect((await (await as(other, 'admin')).get(`/api/v1/process/lights?teamId=${t.teams[0].id}&day=2026-11-06`)).json().items).toEqual([]);
    const admin2 = await as(t, 'admin');
    expect((await admin2.get('/api/v1/process/lights?day=2026-13-01')).statusCode).toBe(400);
    expect((await admin2.get('/api/v1/process/lights?day=2026-02-30')).statusCode).toBe(400);
    expect((await admin2.get('/api/v1/process/lights?foo=1')).statusCode).toBe(400);
  });
});
