// G4 drill-down board over HTTP on a fresh tenant per test. Targets and attainment are written with
// this file's own SQL helpers (the goals core is built concurrently); visits through process test-support.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { recomputeRepMonth } from '../attainment.js';
import { createTestApp, makeTenant, signedIn, type TestTenant, type TestUser } from '../../../test/harness.js';
import { insertVisit, makeCustomer } from '../../process/test-support.js';

let app: App;
let db: Db;
let deps: Deps;

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => new Date('2026-03-20T04:00:00Z') }));
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const METRIC = 'effectiveVisits';
const sh = (local: string) => new Date(`${local}+08:00`);

async function plan(t: TestTenant, year = 2026): Promise<string> {
  const id = crypto.randomUUID();
  await db.query(`insert into goal_plans (tenant_id, id, year, name, created_at) values ($1, $2, $3, $4, now())`, [t.id, id, year, `${year} 目标`]);
  return id;
}
async function target(t: TestTenant, planId: string, nodeKind: string, nodeId: string | null, value: number, period = '2026-03', productLine: string | null = null) {
  await db.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, product_line, value, updated_at)
     values ($1, $2, $3, 'process', $4, $5, $6, $7, $8, $9, now())`,
    [t.id, crypto.randomUUID(), planId, METRIC, period, nodeKind, nodeId, productLine, value],
  );
}
async function attained(t: TestTenant, rep: TestUser, value: number, period = '2026-03') {
  await db.query(
    `insert into goal_attainment (tenant_id, metric, period, rep_id, team_id, region_id, numerator, definition_version, computed_at)
     values ($1, $2, $3, $4, $5, $6, $7, 1, now())`,
    [t.id, METRIC, period, rep.id, rep.teamId, rep.regionId, value],
  );
}

/** company 100 → region0 70 / region1 30 → team0 40 / team1 30 → rep 25 / rep2 15; March attainment 20/10/12/8. */
async function seed(t: TestTenant) {
  const p = await plan(t);
  const [r0, r1] = t.regions;
  const [t0, t1] = t.teams;
  await target(t, p, 'company', null, 100);
  await target(t, p, 'region', r0.id, 70);
  await target(t, p, 'region', r1.id, 30);
  await target(t, p, 'team', t0.id, 40);
  await target(t, p, 'team', t1.id, 30);
  await target(t, p, 'rep', t.users.rep.id, 25);
  await target(t, p, 'rep', t.users.rep2.id, 15);
  await target(t, p, 'rep', t.users.rep.id, 22, '2026-02');
  await attained(t, t.users.rep, 20);
  await attained(t, t.users.rep2, 10);
  await attained(t, t.users.rep3, 12);
  await attained(t, t.users.rep4, 8);
  await attained(t, t.users.rep, 5, '2026-02');
}

const url = (q: Record<string, string>) => `/api/v1/goals/board?${new URLSearchParams({ year: '2026', period: '2026-03', metric: METRIC, ...q })}`;

describe('goals board (G4)', () => {
  it('[G4] a director drills company→region→team→rep→customer and the numbers add up', async () => {
    const t = await makeTenant(db);
    await seed(t);
    const admin = await signedIn(app, t, 'admin');
    const c1 = await makeCustomer(admin, t.users.rep, '上海穿透测试甲有限公司');
    const c2 = await makeCustomer(admin, t.users.rep, '上海穿透测试乙有限公司');
    await db.query(`update customers set tags = '{重点}' where tenant_id = $1 and id = $2`, [t.id, c1]);
    await insertVisit(db, t.id, {
      customerId: c1,
      rep: t.users.rep,
      occurredAt: sh('2026-03-03T10:00:00'),
      actions: [
        { type: 'check_in', occurredAt: sh('2026-03-03T10:00:00') },
        { type: 'demo', occurredAt: sh('2026-03-03T10:30:00') },
      ],
    });
    await insertVisit(db, t.id, { customerId: c1, rep: t.users.rep, occurredAt: sh('2026-03-10T10:00:00'), actions: [{ type: 'check_in', occurredAt: sh('2026-03-10T10:00:00') }] });
    await insertVisit(db, t.id, { customerId: c2, rep: t.users.rep, occurredAt: sh('2026-03-31T23:30:00'), actions: [{ type: 'check_in', occurredAt: sh('2026-03-31T23:30:00') }] });
    // Outside March in Shanghai (1 April 00:30 local = 31 March UTC): not counted.
    await insertVisit(db, t.id, { customerId: c2, rep: t.users.rep, occurredAt: sh('2026-04-01T00:30:00'), actions: [{ type: 'check_in', occurredAt: sh('2026-04-01T00:30:00') }] });

    // The admin sees the company: Σ regions = company attainment.
    const co = (await admin.get(url({}))).json();
    expect(co.node).toMatchObject({ kind: 'company', target: 100, attainment: 50, pct: 50, gap: 50 });
    expect(co.children.map((c: any) => [c.name, c.attainment, c.target])).toEqual([
      [t.regions[0].name, 42, 70],
      [t.regions[1].name, 8, 30],
    ]);

    const dir = await signedIn(app, t, 'director');
    expect((await dir.get(url({ nodeKind: 'company' }))).statusCode).toBe(403);
    const home = await dir.get(url({}));
    expect(home.statusCode, home.body).toBe(200);
    const region = home.json();
    expect(region.node).toMatchObject({ kind: 'region', id: t.regions[0].id, target: 70, attainment: 42, gap: 28 });
    expect(region.path.map((p: any) => p.kind)).toEqual(['region']);
    expect(region.children.map((c: any) => [c.id, c.attainment, c.target])).toEqual([
      [t.teams[0].id, 30, 40],
      [t.teams[1].id, 12, 30],
    ]);
    expect(region.allocation).toEqual({ childrenTarget: 70, childrenAttainment: 42 });
    expect(region.attribution.children.topShortfalls.map((x: any) => [x.id, x.delta])).toEqual([
      [t.teams[1].id, -18],
      [t.teams[0].id, -10],
    ]);
    expect(region.trend.find((x: any) => x.period === '2026-02').attainment).toBe(5);

    const team = (await dir.get(url({ nodeKind: 'team', nodeId: t.teams[0].id }))).json();
    expect(team.node).toMatchObject({ attainment: 30, target: 40 });
    expect(team.path.map((p: any) => p.kind)).toEqual(['region', 'team']);
    const repRows = team.children.map((c: any) => [c.id, c.attainment]);
    expect(repRows).toContainEqual([t.users.rep.id, 20]);
    expect(repRows).toContainEqual([t.users.rep2.id, 10]);
    expect(team.children.reduce((s: number, c: any) => s + c.attainment, 0)).toBe(team.node.attainment);

    const rep = (await dir.get(url({ nodeKind: 'rep', nodeId: t.users.rep.id }))).json();
    expect(rep.node).toMatchObject({ kind: 'rep', target: 25, attainment: 20, gap: 5, pct: 80 });
    expect(rep.customers.map((c: any) => [c.id, c.contribution, c.activities])).toEqual([
      [c1, 3, { check_in: 2, demo: 1 }],
      [c2, 1, { check_in: 1 }],
    ]);
    expect(rep.attribution.actionTypes.topContributors.map((x: any) => [x.id, x.attainment])).toEqual([
      ['check_in', 3],
      ['demo', 1],
    ]);
    expect(rep.attribution.customers.topContributors[0].id).toBe(c1);
    // The metric's definition in force (effective visits count check-ins) splits the rep's numerator by customer.
    expect(rep.definition).toEqual({ kind: 'count', countedTypes: ['check_in'] });
    expect(rep.customers.map((c: any) => [c.id, c.metric, c.owned])).toEqual([
      [c1, { numerator: 2, denominator: null }, true],
      [c2, { numerator: 1, denominator: null }, true],
    ]);
    expect(rep.attribution.customers.items.map((x: any) => [x.id, x.expected, x.delta])).toEqual([
      [c1, 12.5, -10.5],
      [c2, 12.5, -11.5],
    ]);
    const tagged = (await dir.get(url({ nodeKind: 'rep', nodeId: t.users.rep.id, tag: '重点' }))).json();
    expect(tagged.customers.map((c: any) => c.id)).toEqual([c1]);
    // The tag's own attainment (c1's two check-ins), with no target: targets are not set per tag.
    expect(tagged.node).toMatchObject({ attainment: 2, target: null });
    expect(tagged.filters.tag).toMatchObject({ value: '重点', honoured: 'yes', customers: 1 });

    const cust = (await dir.get(url({ nodeKind: 'customer', nodeId: c1 }))).json();
    expect(cust.path.map((p: any) => p.kind)).toEqual(['region', 'team', 'rep', 'customer']);
    expect(cust.activities.byType).toEqual([
      { type: 'check_in', count: 2, counted: true },
      { type: 'demo', count: 1, counted: false },
    ]);
    expect(cust.activities.recent).toHaveLength(3);

    // A quarter sums the months; a product nobody sells has no customers, no target and nothing attained.
    const q1 = (await dir.get(url({ nodeKind: 'rep', nodeId: t.users.rep.id, period: '2026-Q1' }))).json();
    expect(q1.node.attainment).toBe(25);
    const pl = (await dir.get(url({ productLine: 'SKU-A' }))).json();
    expect(pl.node).toMatchObject({ target: null, attainment: 0 });
    expect(pl.filters.productLine).toMatchObject({ honoured: 'yes', customers: 0 });
    expect((await dir.get(url({ period: '2025-03' }))).statusCode).toBe(400);

    // Live attainment recomputed from the facts by the goals core: the customers add up to the rep.
    await recomputeRepMonth(undefined, deps, t.id, t.users.rep.id, '2026-03');
    const live = (await dir.get(url({ nodeKind: 'rep', nodeId: t.users.rep.id }))).json();
    expect(live.node.attainment).toBe(3);
    expect(live.customers.reduce((s: number, c: any) => s + c.metric.numerator, 0)).toBe(live.node.attainment);
    const liveTeam = (await dir.get(url({ nodeKind: 'team', nodeId: t.teams[0].id }))).json();
    expect(liveTeam.node.attainment).toBe(13);
    expect(liveTeam.children.reduce((s: number, c: any) => s + c.attainment, 0)).toBe(13);
  });

  it('[G4] a product or tag filter narrows attainment to those customers at every level, against the product’s own targets', async () => {
    const t = await makeTenant(db);
    const p = await plan(t);
    const admin = await signedIn(app, t, 'admin');
    const { rep, rep3 } = t.users;
    const a = await makeCustomer(admin, rep, '上海产品筛选甲有限公司');
    const b = await makeCustomer(admin, rep, '上海产品筛选乙有限公司');
    const c = await makeCustomer(admin, rep3, '上海产品筛选丙有限公司');
    await db.query(`update customers set tags = '{重点}' where tenant_id = $1 and id = any($2::uuid[])`, [t.id, [b, c]]);
    const opportunity = async (customerId: string, owner: TestUser, products: string[]) => {
      const id = crypto.randomUUID();
      await db.query(
        `insert into opportunities (tenant_id, id, customer_id, owner_id, team_id, region_id, name, stage, amount, expected_close, products)
         values ($1, $2, $3, $4, $5, $6, '筛选测试商机', 'won', 50000, '2026-03-31', $7)`,
        [t.id, id, customerId, owner.id, owner.teamId, owner.regionId, products],
      );
      return id;
    };
    const contract = async (customerId: string, owner: TestUser, amount: number, opportunityId: string | null) =>
      db.query(
        `insert into contracts (tenant_id, id, customer_id, opportunity_id, number, signed_on, amount, status, owner_id, team_id, region_id)
         values ($1, $2, $3, $4, $5, '2026-03-12', $6, 'signed', $7, $8, $9)`,
        [t.id, crypto.randomUUID(), customerId, opportunityId, `HT-${crypto.randomUUID().slice(0, 8)}`, amount, owner.id, owner.teamId, owner.regionId],
      );
    const oppA = await opportunity(a, rep, ['TL-BI', 'TL-OA']);
    await opportunity(c, rep3, ['TL-BI']);
    await contract(a, rep, 50_000, oppA);
    await contract(b, rep, 30_000, null);
    const visit = (customerId: string, who: TestUser, local: string) =>
      insertVisit(db, t.id, { customerId, rep: who, occurredAt: sh(local), actions: [{ type: 'check_in', occurredAt: sh(local) }] });
    await visit(a, rep, '2026-03-02T10:00:00');
    await visit(a, rep, '2026-03-09T10:00:00');
    await visit(b, rep, '2026-03-04T10:00:00');
    await visit(c, rep3, '2026-03-05T10:00:00');
    await visit(c, rep3, '2026-02-05T10:00:00');
    await target(t, p, 'region', t.regions[0].id, 10, '2026-03', 'TL-BI');
    await target(t, p, 'region', t.regions[0].id, 99); // the all-products target is not the product's

    const dir = await signedIn(app, t, 'director');
    const bi = (await dir.get(url({ productLine: 'TL-BI' }))).json();
    expect(bi.node).toMatchObject({ kind: 'region', attainment: 3, target: 10, gap: 7 });
    expect(bi.children.map((x: any) => [x.id, x.attainment])).toEqual([
      [t.teams[0].id, 2],
      [t.teams[1].id, 1],
    ]);
    expect(bi.filters.productLine).toMatchObject({ value: 'TL-BI', honoured: 'yes', customers: 2 });
    expect(bi.trend.filter((x: any) => x.attainment > 0).map((x: any) => [x.period, x.attainment])).toEqual([
      ['2026-02', 1],
      ['2026-03', 3],
    ]);

    const tagged = (await dir.get(url({ tag: '重点' }))).json();
    expect(tagged.node).toMatchObject({ attainment: 2, target: null });
    expect(tagged.children.map((x: any) => x.attainment)).toEqual([1, 1]);
    expect((await dir.get(url({ tag: '重点', productLine: 'TL-BI' }))).json().node.attainment).toBe(1);

    const repBi = (await dir.get(url({ nodeKind: 'rep', nodeId: rep.id, productLine: 'TL-BI' }))).json();
    expect(repBi.node.attainment).toBe(2);
    expect(repBi.customers.map((x: any) => x.id)).toEqual([a]);

    // Amount: only contracts of opportunities listing the product; with a tag, the tagged customers' contracts.
    const amount = (q: Record<string, string>) => dir.get(url({ metric: 'amount', ...q }));
    expect((await (await amount({ productLine: 'TL-BI' })).json()).node.attainment).toBe(50_000);
    expect((await (await amount({ productLine: 'TL-OA' })).json()).node.attainment).toBe(50_000);
    expect((await (await amount({ tag: '重点' })).json()).node.attainment).toBe(30_000);
  });

  it('[G4] a manager cannot open another team, a rep sees only themselves, a foreign tenant sees nothing', async () => {
    const t = await makeTenant(db);
    await seed(t);
    const admin = await signedIn(app, t, 'admin');
    const c2 = await makeCustomer(admin, t.users.rep2);

    const mgr = await signedIn(app, t, 'manager');
    const home = (await mgr.get(url({}))).json();
    expect(home.node).toMatchObject({ kind: 'team', id: t.teams[0].id, attainment: 30 });
    expect((await mgr.get(url({ nodeKind: 'team', nodeId: t.teams[1].id }))).statusCode).toBe(404);
    expect((await mgr.get(url({ nodeKind: 'region', nodeId: t.regions[0].id }))).statusCode).toBe(404);
    expect((await mgr.get(url({ nodeKind: 'rep', nodeId: t.users.rep3.id }))).statusCode).toBe(404);
    expect((await mgr.get(url({ nodeKind: 'company' }))).statusCode).toBe(403);

    const rep = await signedIn(app, t, 'rep');
    const mine = (await rep.get(url({}))).json();
    expect(mine.node).toMatchObject({ kind: 'rep', id: t.users.rep.id, attainment: 20, target: 25 });
    expect(mine.path.map((p: any) => p.kind)).toEqual(['rep']);
    expect((await rep.get(url({ nodeKind: 'company' }))).statusCode).toBe(403);
    expect((await rep.get(url({ nodeKind: 'team', nodeId: t.teams[0].id }))).statusCode).toBe(404);
    expect((await rep.get(url({ nodeKind: 'rep', nodeId: t.users.rep2.id }))).statusCode).toBe(404);
    expect((await rep.get(url({ nodeKind: 'customer', nodeId: c2 }))).statusCode).toBe(404);

    const dir2 = await signedIn(app, t, 'director2');
    expect((await dir2.get(url({ nodeKind: 'region', nodeId: t.regions[0].id }))).statusCode).toBe(404);
    expect((await (await signedIn(app, t, 'service')).get(url({}))).statusCode).toBe(403);

    const other = await makeTenant(db);
    const foreign = await signedIn(app, other, 'admin');
    expect((await foreign.get(url({ nodeKind: 'region', nodeId: t.regions[0].id }))).statusCode).toBe(404);
    expect((await foreign.get(url({ nodeKind: 'rep', nodeId: t.users.rep.id }))).statusCode).toBe(404);
    expect((await foreign.get(url({ nodeKind: 'customer', nodeId: c2 }))).statusCode).toBe(404);
    const theirs = (await foreign.get(url({}))).json();
    expect(theirs.node).toMatchObject({ kind: 'company', target: null, attainment: 0 });
    expect(theirs.children.every((c: any) => c.attainment === 0)).toBe(true);
  });
});
