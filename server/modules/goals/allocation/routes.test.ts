// G3 allocation assistant and acceptance over HTTP, on a fresh tenant per test. Parent targets and
// last year's facts are written straight into the goal tables (the core goals API may not exist).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import { createTestApp, creditCode, makeTenant, signedIn, type TestTenant, type TestUser } from '../../../test/harness.js';
import { acceptanceRates, periodInfo } from './service.js';

let app: App;
let db: Db;
const now = new Date('2026-11-20T02:00:00Z');

beforeAll(async () => {
  ({ app, db } = await createTestApp({ now: () => now }));
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

/** Inserts the year's plan (once) and a target; returns the target id. */
async function insertTarget(
  t: TestTenant,
  o: { year?: number; metric?: string; period?: string; nodeKind: 'company' | 'region' | 'team' | 'rep'; nodeId: string | null; value: number; tier?: string },
): Promise<string> {
  const year = o.year ?? 2026;
  await db.query(
    `insert into goal_plans (tenant_id, id, year, name, created_at) values ($1, $2, $3, $4, now()) on conflict (tenant_id, year) do nothing`,
    [t.id, crypto.randomUUID(), year, `${year} 年度目标`],
  );
  const plan = await db.query<{ id: string }>(`select id from goal_plans where tenant_id = $1 and year = $2`, [t.id, year]);
  const id = crypto.randomUUID();
  await db.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, value, updated_at) values ($1,$2,$3,$4,$5,$6,$7,$8,$9, now())`,
    [t.id, id, plan.rows[0].id, o.tier ?? 'result', o.metric ?? 'amount', o.period ?? String(year), o.nodeKind, o.nodeId, o.value],
  );
  return id;
}

async function customer(admin: Awaited<ReturnType<typeof as>>, owner: TestUser, tier: string, stage: string): Promise<string> {
  const r = await admin.post('/api/v1/customers', { kind: 'org', name: `分解测试客户${crypto.randomInt(1e9)}有限公司`, creditCode: creditCode(), ownerId: owner.id, tier, stage });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

async function targetRow(t: TestTenant, id: string) {
  return (await db.query(`select *, value::float8 as v, proposed_value::float8 as pv from goal_targets where tenant_id = $1 and id = $2`, [t.id, id])).rows[0] as any;
}

describe('goal allocation (G3)', () => {
  it('[G3] periods: a year, quarter or month and the same period last year (end exclusive); nonsense is refused', () => {
    expect(periodInfo('2026').lastYear).toMatchObject({ year: 2025, period: '2025', from: '2025-01-01', to: '2026-01-01' });
    expect(periodInfo('2026').months).toHaveLength(12);
    expect(periodInfo('2026-Q4')).toMatchObject({ months: ['2026-10', '2026-11', '2026-12'], lastYear: { period: '2025-Q4', from: '2025-10-01', to: '2026-01-01' } });
    expect(periodInfo('2026-02').lastYear).toMatchObject({ period: '2025-02', months: ['2025-02'], from: '2025-02-01', to: '2025-03-01' });
    for (const bad of ['2026-13', '2026-Q5', '26', 'March']) expect(() => periodInfo(bad)).toThrow();
  });

  it('[G3] a manager gets a proposal for the team’s reps with the basis of each share; proposing writes nothing', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const { rep, rep2 } = t.users;
    // rep: two KA renewal customers and last year's signed contract and attainment; rep2: nothing.
    const c1 = await customer(admin, rep, 'KA', 'renewal');
    await customer(admin, rep, 'KA', 'renewal');
    await db.query(
      `insert into contracts (tenant_id, id, customer_id, number, signed_on, amount, status, owner_id, team_id, region_id) values ($1,$2,$3,$4,'2025-06-01',500000,'signed',$5,$6,$7)`,
      [t.id, crypto.randomUUID(), c1, `HT-${crypto.randomInt(1e9)}`, rep.id, rep.teamId, rep.regionId],
    );
    await insertTarget(t, { year: 2025, nodeKind: 'rep', nodeId: rep.id, value: 400_000 });
    await db.query(
      `insert into goal_attainment (tenant_id, metric, period, rep_id, team_id, region_id, numerator, definition_version, computed_at) values ($1,'amount','2025-06',$2,$3,$4,500000,1,now())`,
      [t.id, rep.id, rep.teamId, rep.regionId],
    );
    const parent = await insertTarget(t, { nodeKind: 'team', nodeId: t.teams[0].id, value: 1_000_000 });

    const manager = await as(t, 'manager');
    const r = await manager.post('/api/v1/goals/allocation/propose', { year: 2026, metric: 'amount', period: '2026', parentTargetId: parent });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.rule).toBe('allocation/1');
    expect(body.parent).toMatchObject({ id: parent, nodeKind: 'team', value: 1_000_000 });
    const ids = body.children.map((c: any) => c.nodeId).sort();
    expect(ids).toEqual([rep.id, rep2.id].sort());
    expect(body.sum).toBe(1_000_000);
    const mine = body.children.find((c: any) => c.nodeId === rep.id);
    const other = body.children.find((c: any) => c.nodeId === rep2.id);
    expect(mine.proposedValue + other.proposedValue).toBe(1_000_000);
    expect(mine.proposedValue).toBeGreaterThan(other.proposedValue);
    const item = (c: any, k: string) => c.basis.items.find((i: any) => i.component === k);
    expect(item(mine, 'sellThrough').input).toEqual({ lastYearSigned: 500_000 });
    expect(item(mine, 'history').input.lastYearAttainment).toBe(1.25);
    expect(item(mine, 'portfolio').input.customers).toEqual({ KA: { renewal: 2 } });
    expect(item(mine, 'coverage').input).toMatchObject({ activeCustomers: 2, reps: 1 });
    // rep2 has nothing but the equal-share floor (10% × ½) and the neutral history.
    expect(item(other, 'equal').contribution).toBe(50_000);
    expect(item(other, 'portfolio').contribution).toBe(0);
    expect(other.proposedValue).toBeGreaterThanOrEqual(50_000);
    expect(other.current).toBeNull();
    const written = await db.query(`select count(*)::int as n from goal_targets where tenant_id = $1 and parent_id = $2`, [t.id, parent]);
    expect(written.rows[0].n).toBe(0);

    // Mismatched parent, bad period, unknown fields.
    expect((await manager.post('/api/v1/goals/allocation/propose', { year: 2026, metric: 'amount', period: '2026-Q1', parentTargetId: parent })).json().code).toBe('allocation_parent_mismatch');
    expect((await manager.post('/api/v1/goals/allocation/propose', { year: 2026, metric: 'amount', period: '2026-13', parentTargetId: parent })).statusCode).toBe(400);
    expect((await manager.post('/api/v1/goals/allocation/propose', { year: 2026, metric: 'amount', period: '2026', parentTargetId: parent, x: 1 })).statusCode).toBe(400);
  });

  it('[G3] applying writes the adjusted values with the proposal and basis kept, pending acceptance, history and audit; re-applying versions them', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const { rep, rep2 } = t.users;
    await customer(admin, rep, 'A', 'opportunity');
    const parent = await insertTarget(t, { nodeKind: 'team', nodeId: t.teams[0].id, value: 600_000 });
    const manager = await as(t, 'manager');
    const p = (await manager.post('/api/v1/goals/allocation/propose', { year: 2026, metric: 'amount', period: '2026', parentTargetId: parent })).json();
    const proposed = new Map<string, number>(p.children.map((c: any) => [c.nodeId, c.proposedValue]));

    const r = await manager.post('/api/v1/goals/allocation/apply', {
      parentTargetId: parent,
      children: [
        { nodeId: rep.id, value: 350_000 },
        { nodeId: rep2.id, value: 200_000 },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    const out = r.json();
    expect(out.sum).toBe(550_000);
    expect(out.gap).toBe(50_000); // shown, not hidden
    const a = out.children.find((c: any) => c.nodeId === rep.id);
    expect(a).toMatchObject({ nodeKind: 'rep', value: 350_000, proposedValue: proposed.get(rep.id), acceptance: 'pending', parentId: parent, version: 1 });
    expect(a.basis.items).toHaveLength(5);
    expect(a.basis.adjustment).toBe(350_000 - proposed.get(rep.id)!);
    const row = await targetRow(t, a.id);
    expect(row).toMatchObject({ tier: 'result', metric: 'amount', period: '2026', node_kind: 'rep', node_id: rep.id, acceptance: 'pending', v: 350_000, pv: proposed.get(rep.id) });
    const hist = await db.query(`select version, value::float8 as value, reason from goal_target_history where tenant_id = $1 and target_id = $2 order by version`, [t.id, a.id]);
    expect(hist.rows).toHaveLength(1);
    expect(hist.rows[0]).toMatchObject({ version: 1, value: 350_000 });
    expect(hist.rows[0].reason).toContain('调整为 350000');
    const audit = await db.query(`select action from audit_log where tenant_id = $1 and resource = 'GoalTarget' order by action`, [t.id]);
    expect(audit.rows.map((x: any) => x.action)).toEqual(['goal.allocation.apply', 'goal.target.allocate.create', 'goal.target.allocate.create']);

    // The rep accepts, then the manager re-applies with a new value: version 2, acceptance restarts.
    const repC = await as(t, 'rep');
    expect((await repC.post(`/api/v1/goals/targets/${a.id}/acceptance`, { decision: 'accept', version: 1 })).statusCode).toBe(200);
    const again = await manager.post('/api/v1/goals/allocation/apply', { parentTargetId: parent, children: [{ nodeId: rep.id, value: 400_000 }] });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().gap).toBe(0);
    const row2 = await targetRow(t, a.id);
    expect(row2).toMatchObject({ version: 3, v: 400_000, acceptance: 'pending', accepted_by: null });
    const hist2 = await db.query(`select version from goal_target_history where tenant_id = $1 and target_id = $2 order by version`, [t.id, a.id]);
    expect(hist2.rows.map((x: any) => x.version)).toEqual([1, 3]);

    // Bad input: a node that is not a child, a negative value, a duplicate, an empty list.
    const bad = async (children: unknown) => (await manager.post('/api/v1/goals/allocation/apply', { parentTargetId: parent, children })).json();
    expect((await bad([{ nodeId: t.users.rep3.id, value: 1 }])).code).toBe('allocation_unknown_child');
    expect((await bad([{ nodeId: rep.id, value: -1 }])).status).toBe(400);
    expect((await bad([{ nodeId: rep.id, value: 'many' }])).status).toBe(400);
    expect((await bad([{ nodeId: rep.id, value: 1 }, { nodeId: rep.id, value: 2 }])).code).toBe('allocation_duplicate_child');
    expect((await bad([])).status).toBe(400);
  });

  it('[G3] only the rep whose target it is accepts or contests; contesting needs a reason; accepted_by/at are recorded; stale versions conflict', async () => {
    const t = await makeTenant(db);
    const { rep, rep2 } = t.users;
    const parent = await insertTarget(t, { nodeKind: 'team', nodeId: t.teams[0].id, value: 100 });
    const manager = await as(t, 'manager');
    const out = (await manager.post('/api/v1/goals/allocation/apply', { parentTargetId: parent, children: [{ nodeId: rep.id, value: 60 }, { nodeId: rep2.id, value: 40 }] })).json();
    const mine = out.children.find((c: any) => c.nodeId === rep.id);
    const theirs = out.children.find((c: any) => c.nodeId === rep2.id);
    const repC = await as(t, 'rep');
    const rep2C = await as(t, 'rep2');

    // The rep sees their own target in "mine".
    const list = await repC.get('/api/v1/goals/allocation/mine?period=2026');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((x: any) => x.id)).toEqual([mine.id]);

    // Not someone else's, not the manager.
    expect((await rep2C.post(`/api/v1/goals/targets/${mine.id}/acceptance`, { decision: 'accept', version: 1 })).statusCode).toBe(404);
    const m = await manager.post(`/api/v1/goals/targets/${mine.id}/acceptance`, { decision: 'accept', version: 1 });
    expect(m.statusCode).toBe(403);
    expect(m.json().code).toBe('acceptance_not_owner');
    // A team target is not accepted.
    expect((await manager.post(`/api/v1/goals/targets/${parent}/acceptance`, { decision: 'accept', version: 1 })).json().code).toBe('acceptance_not_rep_target');

    const noReason = await rep2C.post(`/api/v1/goals/targets/${theirs.id}/acceptance`, { decision: 'contest', version: 1 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ code: 'acceptance_reason_required', detail: '提出异议时必须填写理由' });
    const en = await rep2C.post(`/api/v1/goals/targets/${theirs.id}/acceptance`, { decision: 'contest', reason: '  ', version: 1 }, 'en-US');
    expect(en.json().detail).toBe('A reason is required to contest a target');
    const contested = await rep2C.post(`/api/v1/goals/targets/${theirs.id}/acceptance`, { decision: 'contest', reason: '区域内两家 KA 客户已流失', version: 1 });
    expect(contested.statusCode, contested.body).toBe(200);
    expect(contested.json()).toMatchObject({ acceptance: 'contested', acceptanceReason: '区域内两家 KA 客户已流失', acceptedBy: rep2.id, version: 2 });

    const ok = await repC.post(`/api/v1/goals/targets/${mine.id}/acceptance`, { decision: 'accept', version: 1 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ acceptance: 'accepted', acceptedBy: rep.id, acceptedAt: now.toISOString(), version: 2 });
    const stale = await repC.post(`/api/v1/goals/targets/${mine.id}/acceptance`, { decision: 'contest', reason: '再想想', version: 1 });
    expect(stale.statusCode).toBe(409);
    expect((await repC.post(`/api/v1/goals/targets/${mine.id}/acceptance`, { decision: 'maybe', version: 2 })).statusCode).toBe(400);
    const audit = await db.query(`select action, actor_id from audit_log where tenant_id = $1 and action in ('goal.target.accept', 'goal.target.contest') order by action`, [t.id]);
    expect(audit.rows).toEqual([
      { action: 'goal.target.accept', actor_id: rep.id },
      { action: 'goal.target.contest', actor_id: rep2.id },
    ]);
  });

  it('[G3] the acceptance rate is accepted ÷ rep targets per team and region, narrowed to the viewer’s scope', async () => {
    const t = await makeTenant(db);
    const { rep, rep2, rep3, rep4 } = t.users;
    const team0 = await insertTarget(t, { nodeKind: 'team', nodeId: t.teams[0].id, value: 100, period: '2026-03', tier: 'process', metric: 'effectiveVisits' });
    const team1 = await insertTarget(t, { nodeKind: 'team', nodeId: t.teams[1].id, value: 50, period: '2026-03', tier: 'process', metric: 'effectiveVisits' });
    const team2 = await insertTarget(t, { nodeKind: 'team', nodeId: t.teams[2].id, value: 30, period: '2026-03', tier: 'process', metric: 'effectiveVisits' });
    const apply = async (who: string, parent: string, children: { nodeId: string; value: number }[]) => {
      const r = await (await as(t, who)).post('/api/v1/goals/allocation/apply', { parentTargetId: parent, children });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().children as any[];
    };
    const [a] = await apply('manager', team0, [{ nodeId: rep.id, value: 50 }, { nodeId: rep2.id, value: 50 }]).then((c) => c.filter((x) => x.nodeId === rep.id));
    await apply('manager2', team1, [{ nodeId: rep3.id, value: 50 }]);
    const [d] = await apply('manager3', team2, [{ nodeId: rep4.id, value: 30 }]);
    expect((await (await as(t, 'rep')).post(`/api/v1/goals/targets/${a.id}/acceptance`, { decision: 'accept', version: 1 })).statusCode).toBe(200);
    expect((await (await as(t, 'rep4')).post(`/api/v1/goals/targets/${d.id}/acceptance`, { decision: 'accept', version: 1 })).statusCode).toBe(200);

    const rates = await acceptanceRates(db, t.id, '2026-03');
    expect(rates.company).toMatchObject({ total: 4, accepted: 2, pending: 2, rate: 0.5 });
    expect(rates.regions.find((r) => r.id === t.regions[0].id)).toMatchObject({ total: 3, accepted: 1, rate: 0.3333 });
    expect(rates.regions.find((r) => r.id === t.regions[1].id)).toMatchObject({ total: 1, accepted: 1, rate: 1 });
    expect(rates.teams.find((r) => r.id === t.teams[0].id)).toMatchObject({ total: 2, accepted: 1, rate: 0.5 });
    expect((await acceptanceRates(db, t.id, '2026-04')).company).toMatchObject({ total: 0, rate: null });

    const director = (await (await as(t, 'director')).get('/api/v1/goals/acceptance?period=2026-03')).json();
    expect(director.company).toBeNull();
    expect(director.regions.map((r: any) => r.id)).toEqual([t.regions[0].id]);
    expect(director.teams.map((r: any) => r.id).sort()).toEqual([t.teams[0].id, t.teams[1].id].sort());
    const manager = (await (await as(t, 'manager')).get('/api/v1/goals/acceptance?period=2026-03')).json();
    expect(manager.regions).toEqual([]);
    expect(manager.teams.map((r: any) => r.id)).toEqual([t.teams[0].id]);
    const admin = (await (await as(t, 'admin')).get('/api/v1/goals/acceptance?period=2026-03')).json();
    expect(admin.company.rate).toBe(0.5);
    expect((await (await as(t, 'service')).get('/api/v1/goals/acceptance?period=2026-03')).statusCode).toBe(403);
    expect((await (await as(t, 'admin')).get('/api/v1/goals/acceptance?period=March')).statusCode).toBe(400);
  });

  it('[G3] access: director region, manager team; a rep, a refused role and another tenant cannot allocate', async () => {
    const t = await makeTenant(db);
    const region0 = await insertTarget(t, { nodeKind: 'region', nodeId: t.regions[0].id, value: 9_000_000 });
    const team0 = await insertTarget(t, { nodeKind: 'team', nodeId: t.teams[0].id, value: 1_000_000 });
    const company = await insertTarget(t, { nodeKind: 'company', nodeId: null, value: 20_000_000 });
    const body = (id: string) => ({ year: 2026, metric: 'amount', period: '2026', parentTargetId: id });

    const director = await as(t, 'director');
    const d = await director.post('/api/v1/goals/allocation/propose', body(region0));
    expect(d.statusCode, d.body).toBe(200);
    expect(d.json().children.map((c: any) => c.nodeId).sort()).toEqual([t.teams[0].id, t.teams[1].id].sort());
    expect(d.json().children.reduce((s: number, c: any) => s + c.proposedValue, 0)).toBe(9_000_000);
    expect((await director.post('/api/v1/goals/allocation/propose', body(company))).statusCode).toBe(404);
    expect((await (await as(t, 'director2')).post('/api/v1/goals/allocation/propose', body(region0))).statusCode).toBe(404);
    // A manager reads their team's target and splits it; not the region's, not another team's.
    const manager = await as(t, 'manager');
    expect((await manager.post('/api/v1/goals/allocation/propose', body(team0))).statusCode).toBe(200);
    expect((await manager.post('/api/v1/goals/allocation/propose', body(region0))).statusCode).toBe(404);
    expect((await (await as(t, 'manager2')).post('/api/v1/goals/allocation/apply', { parentTargetId: team0, children: [{ nodeId: t.users.rep.id, value: 1 }] })).statusCode).toBe(404);
    // The rep cannot read the team target; a role without goals access is refused.
    expect((await (await as(t, 'rep')).post('/api/v1/goals/allocation/propose', body(team0))).statusCode).toBe(404);
    expect((await (await as(t, 'service')).post('/api/v1/goals/allocation/propose', body(team0))).statusCode).toBe(403);
    expect((await (await as(t, 'marketing')).post('/api/v1/goals/allocation/apply', { parentTargetId: team0, children: [{ nodeId: t.users.rep.id, value: 1 }] })).statusCode).toBe(403);
    // The admin splits the company over the regions.
    const admin = await as(t, 'admin');
    const c = await admin.post('/api/v1/goals/allocation/propose', body(company));
    expect(c.json().children.map((x: any) => x.nodeKind)).toEqual(['region', 'region']);
    // A rep target has nothing below it.
    const repTarget = await insertTarget(t, { nodeKind: 'rep', nodeId: t.users.rep.id, value: 10 });
    expect((await admin.post('/api/v1/goals/allocation/propose', body(repTarget))).json().code).toBe('allocation_no_children');
    // Another tenant sees nothing.
    const other = await makeTenant(db);
    const foreign = await as(other, 'admin');
    expect((await foreign.post('/api/v1/goals/allocation/propose', body(team0))).statusCode).toBe(404);
    expect((await foreign.post('/api/v1/goals/allocation/apply', { parentTargetId: team0, children: [{ nodeId: t.users.rep.id, value: 1 }] })).statusCode).toBe(404);
    const ownTarget = (await db.query(`select id from goal_targets where tenant_id = $1 and node_kind = 'rep'`, [t.id])).rows[0].id;
    expect((await (await as(other, 'rep')).post(`/api/v1/goals/targets/${ownTarget}/acceptance`, { decision: 'accept', version: 1 })).statusCode).toBe(404);
    // Parents the director may split.
    const parents = (await director.get('/api/v1/goals/allocation/parents?year=2026')).json();
    expect(parents.items.map((x: any) => x.id).sort()).toEqual([region0, team0].sort());
  });
});
