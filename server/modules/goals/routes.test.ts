import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, creditCode, makeTenant, signedIn, type TestTenant } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import type { Deps } from '../../platform/deps.js';
import { METRIC_EFFECTIVE_VISITS } from '../../platform/config/defaults.js';
import { checkInVisit, insertVisit } from '../process/test-support.js';
import { rebuildPeriod } from './attainment.js';
import { changeConfig, makePlan, putTarget, setTarget, treeUrl } from './test-support.js';

let app: App;
let db: Db;
let deps: Deps;
let clock = new Date('2026-11-10T02:00:00Z');

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => clock }));
});
afterAll(async () => {
  await app.close();
});

const as = (t: TestTenant, user: string) => signedIn(app, t, user);
const SITE = { lat: 31.2304, lng: 121.4737 };

async function seedCustomer(t: TestTenant, owner = 'rep') {
  const admin = await as(t, 'admin');
  const res = await admin.call('POST', '/api/v1/customers', {
    kind: 'org', name: `目标客户${crypto.randomInt(1e6)}有限公司`, creditCode: creditCode(), tier: 'B', stage: 'opportunity', ownerId: t.users[owner].id, ...SITE,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function historyRows(t: TestTenant, targetId: string) {
  return (await db.query<{ version: number; value: string; reason: string }>('select version, value::text as value, reason from goal_target_history where tenant_id = $1 and target_id = $2 order by version', [t.id, targetId])).rows;
}

describe('goal tree (G1, G2)', () => {
  it('[G1] [G2] the year’s amount set for the company and its regions; children that do not sum show the gap; every change keeps its history', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const director = await as(t, 'director');
    const director2 = await as(t, 'director2');
    expect((await admin.post('/api/v1/goals/plans', { year: 2026 })).statusCode).toBe(201);
    expect((await director.post('/api/v1/goals/plans', { year: 2026 })).statusCode).toBe(200); // a resend
    // the company node has no region: only an actor with 'all' scope (admin) sets or sees it
    const company = await setTarget(admin, { metric: 'amount', period: '2026', nodeKind: 'company', value: 10_000_000 });
    expect((await putTarget(director, { metric: 'amount', period: '2026', nodeKind: 'company', value: 1 })).statusCode).toBe(404);
    const east = await setTarget(director, { metric: 'amount', period: '2026', nodeKind: 'region', nodeId: t.regions[0].id, value: 5_000_000, reason: '首次分解' });
    expect(east).toMatchObject({ value: 5_000_000, version: 1, tier: 'result', parentId: company.id });
    // the director of the east may not set the north
    expect((await putTarget(director, { metric: 'amount', period: '2026', nodeKind: 'region', nodeId: t.regions[1].id, value: 1 })).statusCode).toBe(404);
    await setTarget(director2, { metric: 'amount', period: '2026', nodeKind: 'region', nodeId: t.regions[1].id, value: 3_000_000 });
    const again = await setTarget(director, { metric: 'amount', period: '2026', nodeKind: 'region', nodeId: t.regions[0].id, value: 6_000_000, reason: '上调' });
    expect(again).toMatchObject({ id: east.id, version: 2, value: 6_000_000 });
    expect(await historyRows(t, east.id)).toEqual([
      { version: 1, value: '5000000', reason: '首次分解' },
      { version: 2, value: '6000000', reason: '上调' },
    ]);
    const hist = (await director.get(`/api/v1/goals/targets/${east.id}/history`)).json();
    expect(hist.history.map((h: any) => [h.version, h.value, h.changedByName])).toEqual([
      [1, 5_000_000, 'director 测试'],
      [2, 6_000_000, 'director 测试'],
    ]);
    expect((await director2.get(`/api/v1/goals/targets/${east.id}/history`)).statusCode).toBe(404);

    const tree = (await admin.get(treeUrl(2026, { metric: 'amount', period: '2026' }))).json();
    expect(tree.node).toMatchObject({ kind: 'company', target: { value: 10_000_000 } });
    expect(tree.children.map((c: any) => [c.name, c.target?.value])).toEqual([
      ['华东区', 6_000_000],
      ['华北区', 3_000_000],
    ]);
    expect(tree.gap).toMatchObject({ parent: 10_000_000, childrenSum: 9_000_000, gap: 1_000_000, balanced: false });

    // the region's teams: one planned, one missing — the gap and the missing child are shown
    await setTarget(director, { metric: 'amount', period: '2026', nodeKind: 'team', nodeId: t.teams[0].id, value: 4_000_000 });
    const region = (await director.get(treeUrl(2026, { metric: 'amount', period: '2026', nodeKind: 'region', nodeId: t.regions[0].id }))).json();
    expect(region.children).toHaveLength(2);
    expect(region.gap).toMatchObject({ gap: 2_000_000, missing: [`team:${t.teams[1].id}`] });
    // the director of the east does not see the company node
    expect((await director.get(treeUrl(2026, { metric: 'amount', period: '2026' }))).statusCode).toBe(404);

    // amount may also be planned by quarter: the year vs its quarters is checked
    for (const [q, v] of [['2026-Q1', 2_000_000], ['2026-Q2', 2_000_000], ['2026-Q3', 3_000_000], ['2026-Q4', 2_000_000]] as const) {
      await setTarget(admin, { metric: 'amount', period: q, nodeKind: 'company', value: v });
    }
    const withQuarters = (await admin.get(treeUrl(2026, { metric: 'amount', period: '2026' }))).json();
    expect(withQuarters.rollups).toEqual([expect.objectContaining({ level: 'quarters', gap: expect.objectContaining({ childrenSum: 9_000_000, gap: 1_000_000 }) })]);
  });

  it('[G2] health targets are quarterly and process targets monthly; attainment of a node is the sum of its reps (signed contracts for amount)', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await makePlan(admin, 2026);
    const hp = await setTarget(admin, { metric: 'newHighPotential', period: '2026-Q4', nodeKind: 'rep', nodeId: t.users.rep.id, value: 3 });
    expect(hp).toMatchObject({ tier: 'health' });
    const visits = await setTarget(admin, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id, value: 20 });
    expect(visits).toMatchObject({ tier: 'process' });
    await setTarget(admin, { metric: 'amount', period: '2026', nodeKind: 'rep', nodeId: t.users.rep.id, value: 1_000_000 });
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const contract = await rep.call('POST', '/api/v1/contracts', { customerId: c, number: `HT-${crypto.randomInt(1e9)}`, amount: 400_000, signedOn: '2026-11-05', status: 'signed' });
    expect(contract.statusCode, contract.body).toBe(201);
    await rebuildPeriod(deps, t.id, '2026-11');
    const tree = (await admin.get(treeUrl(2026, { metric: 'amount', period: '2026', nodeKind: 'rep', nodeId: t.users.rep.id }))).json();
    expect(tree.node).toMatchObject({ target: { value: 1_000_000 }, attainment: { numerator: 400_000 }, progress: 0.4 });
    const company = (await admin.get(treeUrl(2026, { metric: 'amount', period: '2026' }))).json();
    expect(company.node.attainment.numerator).toBe(400_000);
    expect(company.children.find((r: any) => r.id === t.regions[0].id).attainment.numerator).toBe(400_000);
    expect(company.children.find((r: any) => r.id === t.regions[1].id).attainment.numerator).toBe(0);
  });
});

describe('who sees which targets', () => {
  it('[G1] a rep sees only their own targets; a manager of another team and a foreign tenant see nothing of this team', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await makePlan(admin, 2026);
    const own = await setTarget(admin, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id, value: 20 });
    const other = await setTarget(admin, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep3.id, value: 18 });
    const team = await setTarget(admin, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'team', nodeId: t.teams[0].id, value: 40 });
    await setTarget(admin, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'company', value: 100 });

    const rep = await as(t, 'rep');
    expect((await rep.get('/api/v1/goals/targets?year=2026')).json().items.map((x: any) => x.id)).toEqual([own.id]);
    expect((await rep.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id }))).json().node.target.value).toBe(20);
    expect((await rep.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep3.id }))).statusCode).toBe(404);
    expect((await rep.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'team', nodeId: t.teams[0].id }))).statusCode).toBe(404);
    expect((await putTarget(rep, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id, value: 1 })).statusCode).toBe(403);

    const manager = await as(t, 'manager');
    const mine = (await manager.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'team', nodeId: t.teams[0].id }))).json();
    expect(mine.children.map((c: any) => c.id).sort()).toEqual([t.users.rep.id, t.users.rep2.id].sort());
    expect(mine.gap).toMatchObject({ parent: 40, childrenSum: 20, gap: 20, missing: [`rep:${t.users.rep2.id}`] });

    const manager2 = await as(t, 'manager2');
    const seen = (await manager2.get('/api/v1/goals/targets?year=2026')).json().items.map((x: any) => x.id);
    expect(seen).toEqual([other.id]);
    expect(seen).not.toContain(team.id);
    expect((await manager2.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'team', nodeId: t.teams[0].id }))).statusCode).toBe(404);
    expect((await putTarget(manager2, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id, value: 1 })).statusCode).toBe(404);

    const foreign = await makeTenant(db);
    const fAdmin = await as(foreign, 'admin');
    expect((await fAdmin.get('/api/v1/goals/targets?year=2026')).json().items).toEqual([]);
    expect((await fAdmin.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'team', nodeId: t.teams[0].id }))).statusCode).toBe(404);
    await makePlan(fAdmin, 2026);
    expect((await fAdmin.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'team', nodeId: t.teams[0].id }))).statusCode).toBe(404);
    expect((await putTarget(fAdmin, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id, value: 1 })).statusCode).toBe(400);
    expect((await fAdmin.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11' }))).json().node.target).toBeNull();
  });
});

describe('bad input', () => {
  it('[G1] [G2] [G7] negative, non-numeric, a period that does not exist, the wrong period for the tier, an unknown metric or node → 400 problem+json, nothing written', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await makePlan(admin, 2026);
    const rep = t.users.rep.id;
    const cases: [Record<string, unknown>, string][] = [
      [{ metric: 'amount', period: '2026', nodeKind: 'company', value: -1 }, 'validation_failed'],
      [{ metric: 'amount', period: '2026', nodeKind: 'company', value: 'abc' }, 'validation_failed'],
      [{ metric: 'amount', period: '2026-13', nodeKind: 'company', value: 1 }, 'goal_target_period_invalid'],
      [{ metric: 'amount', period: '2026-Q5', nodeKind: 'company', value: 1 }, 'goal_target_period_invalid'],
      [{ metric: 'amount', period: '2031', nodeKind: 'company', value: 1 }, 'goal_plan_missing'],
      [{ metric: 'effectiveVisits', period: '2026-Q1', nodeKind: 'rep', nodeId: rep, value: 1 }, 'goal_period_tier'],
      [{ metric: 'repurchaseRate', period: '2026-03', nodeKind: 'rep', nodeId: rep, value: 1 }, 'goal_period_tier'],
      [{ metric: 'visitsOfMars', period: '2026-03', nodeKind: 'rep', nodeId: rep, value: 1 }, 'goal_metric_unknown'],
      [{ metric: 'effectiveVisits', period: '2026-03', nodeKind: 'rep', nodeId: crypto.randomUUID(), value: 1 }, 'goal_node_unknown'],
      [{ metric: 'effectiveVisits', period: '2026-03', nodeKind: 'rep', nodeId: t.users.manager.id, value: 1 }, 'goal_node_unknown'],
      [{ metric: 'effectiveVisits', period: '2026-03', nodeKind: 'team', value: 1 }, 'goal_node_unknown'],
    ];
    for (const [body, code] of cases) {
      const r = await putTarget(admin, body as any);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code, JSON.stringify(body)).toBe(code);
    }
    const zh = (await putTarget(admin, { metric: 'amount', period: '2026-13', nodeKind: 'company', value: 1 })).json();
    expect(zh.detail ?? zh.title).toContain('2026-13');
    const en = (await putTarget(admin, { metric: 'visitsOfMars', period: '2026-03', nodeKind: 'company', value: 1 }, 'en-US')).json();
    expect(en.detail ?? en.title).toContain('Unknown metric');
    const written = await db.query<{ n: string }>('select count(*)::text as n from goal_targets where tenant_id = $1', [t.id]);
    expect(written.rows[0].n).toBe('0');
    const hist = await db.query<{ n: string }>('select count(*)::text as n from goal_target_history where tenant_id = $1', [t.id]);
    expect(hist.rows[0].n).toBe('0');
  });
});

describe('metric definitions and live attainment (G7)', () => {
  it('[G7] the seed’s case: a visit type mapped wrongly shows 0 for two months; the fixed definition, signed off by admin and director, restores both months with a recompute record and an audit before/after', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await makePlan(admin, 2026);
    const base = METRIC_EFFECTIVE_VISITS.default;
    const wrong = { ...base, counts: { actionTypes: ['check_in'], where: { visitType: ['新客户开发'] } } };
    expect(await changeConfig(app, t, 'goals.metrics.effectiveVisits', wrong)).toBe(1);
    const c = await seedCustomer(t);
    const rep = t.users.rep;
    const at = (d: string) => new Date(d);
    for (const d of ['2026-09-08T02:00:00Z', '2026-09-15T02:00:00Z']) await insertVisit(db, t.id, { ...checkInVisit(c, rep, at(d)), purpose: '例行拜访' });
    for (const d of ['2026-10-08T02:00:00Z', '2026-10-12T02:00:00Z', '2026-10-20T02:00:00Z']) await insertVisit(db, t.id, { ...checkInVisit(c, rep, at(d)), purpose: '例行拜访' });
    await rebuildPeriod(deps, t.id, '2026-09');
    await rebuildPeriod(deps, t.id, '2026-10');
    await setTarget(admin, { metric: 'effectiveVisits', period: '2026-09', nodeKind: 'rep', nodeId: rep.id, value: 10 });
    const visitsIn = async (month: string) =>
      (await admin.get(treeUrl(2026, { metric: 'effectiveVisits', period: month, nodeKind: 'rep', nodeId: rep.id }))).json().node.attainment.numerator;
    expect([await visitsIn('2026-09'), await visitsIn('2026-10')]).toEqual([0, 0]);

    // the fix goes through dual sign-off: proposed by the admin, signed by admin and director
    const fixed = { ...base, counts: { actionTypes: ['check_in'], where: { visitType: ['新客户开发', '例行拜访'] } } };
    const v = await changeConfig(app, t, 'goals.metrics.effectiveVisits', fixed);
    expect(v).toBe(2);
    expect([await visitsIn('2026-09'), await visitsIn('2026-10')]).toEqual([2, 3]);
    const tree = (await admin.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-09', nodeKind: 'rep', nodeId: rep.id }))).json();
    expect(tree.node.progress).toBeCloseTo(0.2);
    const company = (await admin.get(treeUrl(2026, { metric: 'effectiveVisits', period: '2026-10' }))).json();
    expect(company.node.attainment.numerator).toBe(3);

    const rc = await db.query<any>('select metric, from_version, to_version, periods, before, after from goal_recomputes where tenant_id = $1', [t.id]);
    expect(rc.rows).toHaveLength(1);
    expect(rc.rows[0]).toMatchObject({ metric: 'effectiveVisits', from_version: 1, to_version: 2, periods: ['2026-09', '2026-10'] });
    expect(rc.rows[0].before).toMatchObject({ '2026-09': { numerator: 0 }, '2026-10': { numerator: 0 } });
    expect(rc.rows[0].after).toMatchObject({ '2026-09': { numerator: 2 }, '2026-10': { numerator: 3 } });
    const audit = await db.query<any>(`select before, after from audit_log where tenant_id = $1 and action = 'goals.recompute'`, [t.id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].before).toMatchObject({ version: 1, totals: { '2026-09': { numerator: 0 } } });
    expect(audit.rows[0].after).toMatchObject({ version: 2, totals: { '2026-10': { numerator: 3 } } });
    const versions = await db.query<{ definition_version: number }>(`select distinct definition_version from goal_attainment where tenant_id = $1 and metric = 'effectiveVisits'`, [t.id]);
    expect(versions.rows).toEqual([{ definition_version: 2 }]);
  });

  it('[G7] live: an action recorded through the process API raises the rep’s attainment for the month at once, without any job', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await makePlan(admin, 2026);
    await setTarget(admin, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id, value: 20 });
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const url = treeUrl(2026, { metric: 'effectiveVisits', period: '2026-11', nodeKind: 'rep', nodeId: t.users.rep.id });
    expect((await rep.get(url)).json().node.attainment.numerator).toBe(0);
    const visitId = crypto.randomUUID();
    expect((await rep.post('/api/v1/process/visits', { id: visitId, customerId: c, purpose: '需求沟通' })).statusCode).toBe(201);
    const checkIn = await rep.post(`/api/v1/process/visits/${visitId}/actions`, {
      id: crypto.randomUUID(), type: 'check_in', occurredAt: clock.toISOString(), fields: {}, position: { ...SITE, accuracyM: 15, datum: 'wgs84' },
    });
    expect(checkIn.statusCode, checkIn.body).toBe(201);
    const after = (await rep.get(url)).json();
    expect(after.node.attainment.numerator).toBe(1);
    expect(after.node.progress).toBeCloseTo(0.05);
    clock = new Date(clock.getTime() + 30 * 60_000);
    const demo = await rep.post(`/api/v1/process/visits/${visitId}/actions`, { id: crypto.randomUUID(), type: 'demo', occurredAt: clock.toISOString(), fields: { solution: '方案A' } });
    expect(demo.statusCode, demo.body).toBe(201);
    const demos = (await admin.get(treeUrl(2026, { metric: 'solutionDemos', period: '2026-11', nodeKind: 'team', nodeId: t.teams[0].id }))).json();
    expect(demos.node.attainment.numerator).toBe(1);
  });
});
