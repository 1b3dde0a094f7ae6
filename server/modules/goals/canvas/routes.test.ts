// G5 weekly canvas over HTTP on a fresh tenant per test; targets are written straight into the goal
// tables, visits and actions into the process tables (process/test-support).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import { createTestApp, makeTenant, signedIn, type TestTenant } from '../../../test/harness.js';
import { checkInVisit, insertVisit, makeCustomer } from '../../process/test-support.js';
import { repTarget } from './test-support.js';

let app: App;
let db: Db;
const now = new Date('2026-11-24T02:00:00Z'); // Tuesday of 2026-W48, Shanghai

beforeAll(async () => {
  ({ app, db } = await createTestApp({ now: () => now }));
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);
const sh = (local: string) => new Date(`${local}+08:00`);
const put = (c: Awaited<ReturnType<typeof as>>, url: string, body: unknown, lang = 'zh-CN') => c.call('PUT', url, body, { 'accept-language': lang });

async function rowsOf(t: TestTenant) {
  return (await db.query(`select rep_id, week, items, review, version from weekly_canvases where tenant_id = $1 order by week`, [t.id])).rows;
}

async function setup() {
  const t = await makeTenant(db);
  const visits = await repTarget(db, t.id, t.users.rep, { metric: 'effectiveVisits', period: '2026-11', value: 40 });
  const demos = await repTarget(db, t.id, t.users.rep, { metric: 'solutionDemos', period: '2026-11', value: 8 });
  const amount = await repTarget(db, t.id, t.users.rep, { metric: 'amount', period: '2026', value: 1_200_000, tier: 'result' });
  const foreignRep = await repTarget(db, t.id, t.users.rep2, { metric: 'effectiveVisits', period: '2026-11', value: 30 });
  return { t, visits, demos, amount, foreignRep };
}

describe('weekly canvas (G5)', () => {
  it('[G5] a rep writes the week’s 3 actions, each supporting one of their targets; the manager marks resources; past weeks are kept', async () => {
    const { t, visits, demos, amount } = await setup();
    const rep = await as(t, 'rep');
    const empty = await rep.get('/api/v1/goals/canvas/2026-W48');
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ week: '2026-W48', currentWeek: '2026-W48', canvas: null });
    expect(empty.json().targets.map((x: any) => x.id).sort()).toEqual([visits, demos, amount].sort());

    const items = [
      { action: '拜访明远机械，确认二期扩产需求', targetId: visits },
      { action: '给云帆科技做自动化产线方案演示', targetId: demos },
      { action: '推动恒达物流合同审批', targetId: amount },
    ];
    const saved = await put(rep, '/api/v1/goals/canvas/2026-W48', { items });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ week: '2026-W48', version: 1, items: [{ index: 0, targetId: visits, target: { metric: 'effectiveVisits', value: 40 } }, {}, {}] });
    // A past week is its own row.
    expect((await put(rep, '/api/v1/goals/canvas/2026-W47', { items })).statusCode).toBe(200);
    const again = await put(rep, '/api/v1/goals/canvas/2026-W48', { items: [items[1], items[0], items[2]], version: 1 });
    expect(again.json()).toMatchObject({ version: 2, items: [{ targetId: demos }, { targetId: visits }, {}] });
    expect((await put(rep, '/api/v1/goals/canvas/2026-W48', { items, version: 1 })).statusCode).toBe(409);

    const manager = await as(t, 'manager');
    const review = [{ index: 1, resources: ['方案支持', '技术专家'], note: '周三安排售前' }];
    const r = await put(manager, `/api/v1/goals/canvas/${t.users.rep.id}/2026-W48/review`, { review, version: 2 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ version: 3, review });
    // The rep may not mark resources; a manager of another team may not either.
    expect((await put(rep, `/api/v1/goals/canvas/${t.users.rep.id}/2026-W48/review`, { review, version: 3 })).statusCode).toBe(403);
    const other = await as(t, 'manager2');
    expect((await put(other, `/api/v1/goals/canvas/${t.users.rep.id}/2026-W48/review`, { review, version: 3 })).statusCode).toBe(404);

    const rows = await rowsOf(t);
    expect(rows.map((x) => x.week)).toEqual(['2026-W47', '2026-W48']);
    expect(rows[1].review).toEqual(review);
    const audit = await db.query(`select action from audit_log where tenant_id = $1 and resource = 'WeeklyCanvas' order by id`, [t.id]);
    expect(audit.rows.map((a) => a.action)).toEqual(['goals.canvas.create', 'goals.canvas.create', 'goals.canvas.update', 'goals.canvas.review']);
  });

  it('[G5] the team meeting view shows every rep with this week’s actions and marks, and last week’s plan against what actually happened', async () => {
    const { t, visits, demos, amount } = await setup();
    const admin = await as(t, 'admin');
    const rep = await as(t, 'rep');
    const items = [
      { action: '拜访 A', targetId: visits },
      { action: '演示 B', targetId: demos },
      { action: '合同 C', targetId: amount },
    ];
    expect((await put(rep, '/api/v1/goals/canvas/2026-W47', { items })).statusCode).toBe(200);
    expect((await put(rep, '/api/v1/goals/canvas/2026-W48', { items })).statusCode).toBe(200);
    const c1 = await makeCustomer(admin, t.users.rep);
    // Last week (W47: 16–22 Nov): two visits, one with a demo. This week's visit is not counted as last week's.
    await insertVisit(db, t.id, checkInVisit(c1, t.users.rep, sh('2026-11-17T10:00:00'), [{ type: 'demo', fields: { solution: '产线' } }]));
    await insertVisit(db, t.id, checkInVisit(c1, t.users.rep, sh('2026-11-20T10:00:00')));
    await insertVisit(db, t.id, checkInVisit(c1, t.users.rep, sh('2026-11-23T10:00:00')));
    const manager = await as(t, 'manager');
    await put(manager, `/api/v1/goals/canvas/${t.users.rep.id}/2026-W48/review`, { review: [{ index: 0, resources: ['价格审批'], note: '' }], version: 1 });

    const r = await manager.get('/api/v1/goals/canvas/team/2026-W48');
    expect(r.statusCode, r.body).toBe(200);
    const v = r.json();
    expect(v).toMatchObject({ week: '2026-W48', lastWeek: '2026-W47', team: { id: t.teams[0].id }, submitted: 1, resourceTally: { 价格审批: 1 } });
    expect(v.members.map((m: any) => m.repId).sort()).toEqual([t.users.rep.id, t.users.rep2.id].sort());
    const mine = v.members.find((m: any) => m.repId === t.users.rep.id);
    expect(mine.canvas.items.map((i: any) => i.action)).toEqual(['拜访 A', '演示 B', '合同 C']);
    expect(mine.canvas.review).toEqual([{ index: 0, resources: ['价格审批'], note: '' }]);
    expect(mine.lastWeek).toMatchObject({ week: '2026-W47', canvas: { week: '2026-W47' }, actual: { actions: 3, visits: 2, byType: { check_in: 2, demo: 1 } } });
    expect(v.members.find((m: any) => m.repId === t.users.rep2.id)).toMatchObject({ canvas: null, lastWeek: { canvas: null, actual: { actions: 0 } } });

    // A director reads a team of their region with ?teamId; another team's manager cannot; a rep cannot see the team.
    const director = await as(t, 'director');
    expect((await director.get(`/api/v1/goals/canvas/team/2026-W48?teamId=${t.teams[0].id}`)).statusCode).toBe(200);
    expect((await (await as(t, 'director2')).get(`/api/v1/goals/canvas/team/2026-W48?teamId=${t.teams[0].id}`)).statusCode).toBe(403);
    expect((await (await as(t, 'manager2')).get(`/api/v1/goals/canvas/team/2026-W48?teamId=${t.teams[0].id}`)).statusCode).toBe(403);
    expect((await rep.get('/api/v1/goals/canvas/team/2026-W48')).statusCode).toBe(403);
  });

  it('[G5] bad input (2 items, unknown target, another rep’s target, malformed week) → 400 problem+json in zh and en, nothing written', async () => {
    const { t, visits, demos, amount, foreignRep } = await setup();
    const rep = await as(t, 'rep');
    const ok = [
      { action: 'A', targetId: visits },
      { action: 'B', targetId: demos },
      { action: 'C', targetId: amount },
    ];
    const two = await put(rep, '/api/v1/goals/canvas/2026-W48', { items: ok.slice(0, 2) });
    expect(two.statusCode).toBe(400);
    expect(two.headers['content-type']).toContain('application/problem+json');
    expect(two.json().code).toBe('validation_failed');

    const unknown = await put(rep, '/api/v1/goals/canvas/2026-W48', { items: [ok[0], ok[1], { action: 'C', targetId: '5b7f9a52-3d6c-4c2f-9e0e-1a2b3c4d5e6f' }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'canvas_target_invalid' });
    expect(unknown.json().detail).toContain('第 3 项');

    const foreign = await put(rep, '/api/v1/goals/canvas/2026-W48', { items: [{ action: 'A', targetId: foreignRep }, ok[1], ok[2]] }, 'en-US');
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json()).toMatchObject({ code: 'canvas_target_invalid' });
    expect(foreign.json().detail).toContain('Item 1 supports a target');

    for (const week of ['2026-48', '2026-W54', '2025-W53', 'x']) {
      const bad = await put(rep, `/api/v1/goals/canvas/${week}`, { items: ok }, 'en-US');
      expect(bad.statusCode, week).toBe(400);
      expect(bad.json().code).toBe('canvas_week_invalid');
    }
    expect((await rep.get('/api/v1/goals/canvas/2026W48')).json().code).toBe('canvas_week_invalid');
    const blank = await put(rep, '/api/v1/goals/canvas/2026-W48', { items: [{ action: ' ', targetId: visits }, ok[1], ok[2]] });
    expect(blank.statusCode).toBe(400);
    expect(await rowsOf(t)).toEqual([]);
  });

  it('[G5] refused roles and a foreign tenant: marketing cannot read or write canvases; another tenant’s users see nothing', async () => {
    const { t, visits, demos, amount } = await setup();
    const items = [
      { action: 'A', targetId: visits },
      { action: 'B', targetId: demos },
      { action: 'C', targetId: amount },
    ];
    const rep = await as(t, 'rep');
    expect((await put(rep, '/api/v1/goals/canvas/2026-W48', { items })).statusCode).toBe(200);
    const marketing = await as(t, 'marketing');
    expect((await marketing.get('/api/v1/goals/canvas/2026-W48')).statusCode).toBe(403);
    expect((await marketing.get(`/api/v1/goals/canvas/team/2026-W48?teamId=${t.teams[0].id}`)).statusCode).toBe(403);
    expect((await put(marketing, '/api/v1/goals/canvas/2026-W48', { items })).statusCode).toBe(403);
    // A manager writes no items of their own.
    expect((await put(await as(t, 'manager'), '/api/v1/goals/canvas/2026-W48', { items })).statusCode).toBe(403);

    const other = await makeTenant(db);
    const oRep = await as(other, 'rep');
    // Targets of the first tenant are unknown in the other tenant.
    const r = await put(oRep, '/api/v1/goals/canvas/2026-W48', { items });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('canvas_target_invalid');
    const oManager = await as(other, 'manager');
    expect((await put(oManager, `/api/v1/goals/canvas/${t.users.rep.id}/2026-W48/review`, { review: [], version: 1 })).statusCode).toBe(404);
    expect((await oManager.get(`/api/v1/goals/canvas/team/2026-W48?teamId=${t.teams[0].id}`)).statusCode).toBe(404);
    expect((await oManager.get('/api/v1/goals/canvas/team/2026-W48')).json().members.every((m: any) => m.canvas === null)).toBe(true);
    expect(await rowsOf(other)).toEqual([]);
  });
});
