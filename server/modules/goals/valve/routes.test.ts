// G6 elastic valve over HTTP and through the weekly job, on a fresh tenant per test. Earlier weeks'
// scores are written straight into lead_quality_scores (as earlier runs of the job would have);
// the two weeks under test are scored by the job from visits in the process tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { createTestApp, makeTenant, signedIn, type TestTenant, type TestUser } from '../../../test/harness.js';
import { checkInVisit, insertVisit, makeCustomer } from '../../process/test-support.js';
import { repTarget } from '../canvas/test-support.js';
import { addWeeks, weekMonday } from '../canvas/week.js';
import { VALVE_JOB } from './service.js';

let app: App;
let db: Db;
let deps: Deps;
const now = new Date('2026-11-24T02:00:00Z'); // Tuesday 10:00 of 2026-W48 in Shanghai

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => now }));
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

async function baseline(t: TestTenant, rep: TestUser, score = 80) {
  for (let i = 3; i <= 10; i++) {
    await db.query(
      `insert into lead_quality_scores (tenant_id, rep_id, week, team_id, region_id, score, inputs, rule_version, computed_at) values ($1, $2, $3, $4, $5, $6, '{}'::jsonb, 'lead-quality/1', now())`,
      [t.id, rep.id, addWeeks('2026-W48', -i), rep.teamId, rep.regionId, score],
    );
  }
}

/** Two visits on the Tuesday and Wednesday of `week`: good = both with needs and a demo; poor = one with needs, none with a demo. */
async function week(t: TestTenant, customerId: string, rep: TestUser, w: string, quality: 'good' | 'poor') {
  const monday = weekMonday(w)!;
  const day = (n: number) => new Date(Date.parse(`${monday}T10:00:00+08:00`) + n * 86_400_000);
  const need = { type: 'need_capture' as const, fields: { needs: ['扩产', '自动化改造'] } };
  const demo = { type: 'demo' as const, fields: { solution: '自动化产线' } };
  await insertVisit(db, t.id, checkInVisit(customerId, rep, day(1), quality === 'good' ? [need, demo] : [need]));
  await insertVisit(db, t.id, checkInVisit(customerId, rep, day(2), quality === 'good' ? [need, demo] : [{ type: 'need_capture', fields: { needs: [] } }]));
}

async function score(t: TestTenant, w: string) {
  const r = await deps.jobs.runNow(t.id, VALVE_JOB, { periodKey: addWeeks(w, 1), force: true });
  expect(r.status, String(r.error)).toBe('succeeded');
  return r.output as Record<string, any>;
}

async function setup() {
  const t = await makeTenant(db);
  const admin = await as(t, 'admin');
  const c = await makeCustomer(admin, t.users.rep);
  const c2 = await makeCustomer(admin, t.users.rep2);
  await baseline(t, t.users.rep);
  await baseline(t, t.users.rep2);
  // rep: W46 and W47 poor (two weeks running); rep2: W46 good, W47 poor (one week).
  await week(t, c, t.users.rep, '2026-W46', 'poor');
  await week(t, c, t.users.rep, '2026-W47', 'poor');
  await week(t, c2, t.users.rep2, '2026-W46', 'good');
  await week(t, c2, t.users.rep2, '2026-W47', 'poor');
  await score(t, '2026-W46');
  const out = await score(t, '2026-W47');
  const visits = await repTarget(db, t.id, t.users.rep, { metric: 'effectiveVisits', period: '2026-11', value: 40 });
  const demos = await repTarget(db, t.id, t.users.rep, { metric: 'solutionDemos', period: '2026-11', value: 8 });
  const rep2Visits = await repTarget(db, t.id, t.users.rep2, { metric: 'effectiveVisits', period: '2026-11', value: 40 });
  return { t, out, visits, demos, rep2Visits };
}

const brief = (targets: { targetId: string; value: number }[]) => ({
  summary: '华东区制造业客户集中推迟扩产，线索中有真实需求的比例明显下降。',
  marketSignals: ['10 月 PMI 回落至 49.2', '两家头部客户冻结 Q4 采购预算'],
  affectedCustomers: ['上海明远机械有限公司'],
  proposedTargets: targets,
});

describe('elastic valve (G6)', () => {
  it('[G6] the weekly job scores each rep from the week’s facts with its inputs; eligible after two weeks of >20 % drop, not after one', async () => {
    const { t, out } = await setup();
    expect(out).toMatchObject({ week: '2026-W47', ruleVersion: 'lead-quality/1', scored: 2 });
    const rows = (await db.query(`select rep_id, week, score, baseline, drop_pct, inputs, rule_version from lead_quality_scores where tenant_id = $1 and week >= '2026-W46' order by rep_id, week`, [t.id])).rows;
    const mine = rows.filter((r) => r.rep_id === t.users.rep.id);
    // poor: needs 1/2, demo 0/2, no objection → 100 × 0.4·0.5 / 0.8 = 25; baseline 80 → drop 68.8 %.
    expect(mine.map((r) => [r.week, r.score, r.drop_pct])).toEqual([
      ['2026-W46', 25, 68.8],
      ['2026-W47', 25, expect.any(Number)],
    ]);
    expect(mine[0]).toMatchObject({ baseline: 80, rule_version: 'lead-quality/1', inputs: { visits: 2, visitsWithNeeds: 1, visitsWithDemo: 0, objections: 0 } });
    expect(mine[1].baseline).toBeCloseTo((7 * 80 + 25) / 8, 1);

    const rep = await as(t, 'rep');
    const v = (await rep.get('/api/v1/goals/valve')).json();
    expect(v.rep.eligibility).toMatchObject({ eligible: true, reason: 'eligible', config: { dropPct: 20, consecutiveWeeks: 2 }, weeks: [{ week: '2026-W46' }, { week: '2026-W47' }] });
    expect(v.rep.scores.length).toBe(10);
    expect(v.formula['zh-CN']).toContain('线索质量分');

    const rep2 = await as(t, 'rep2');
    const v2 = (await rep2.get('/api/v1/goals/valve')).json();
    expect(v2.rep.eligibility).toMatchObject({ eligible: false, reason: 'drop_too_small' });
    expect(v2.rep.eligibility.weeks.map((w: any) => w.score)).toEqual([100, 25]);
  });

  it('[G6] a request without a brief, or not eligible → clear refusals; the manager approves and the original target is kept beside the new one', async () => {
    const { t, visits, demos, rep2Visits } = await setup();
    const rep = await as(t, 'rep');
    const noBrief = await rep.post('/api/v1/goals/valve/requests', { month: '2026-11' });
    expect(noBrief.statusCode).toBe(400);
    expect(noBrief.headers['content-type']).toContain('application/problem+json');
    const noSignals = await rep.post('/api/v1/goals/valve/requests', { month: '2026-11', brief: { ...brief([{ targetId: visits, value: 30 }]), marketSignals: [] } });
    expect(noSignals.statusCode).toBe(400);
    const foreign = await rep.post('/api/v1/goals/valve/requests', { month: '2026-11', brief: brief([{ targetId: rep2Visits, value: 30 }]) });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().code).toBe('valve_target_invalid');
    const rep2 = await as(t, 'rep2');
    const refused = await rep2.post('/api/v1/goals/valve/requests', { month: '2026-11', brief: brief([{ targetId: rep2Visits, value: 30 }]) }, 'en-US');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('valve_not_eligible');
    expect(refused.json().detail).toContain('lead-quality/1');
    expect(refused.json().detail).toContain('more than 20%');
    expect(refused.json().detail).toContain('2026-W47');
    expect((await db.query(`select count(*)::int as n from valve_requests where tenant_id = $1`, [t.id])).rows[0].n).toBe(0);

    const created = await rep.post('/api/v1/goals/valve/requests', { month: '2026-11', brief: brief([{ targetId: visits, value: 30 }, { targetId: demos, value: 5 }]) });
    expect(created.statusCode, created.body).toBe(201);
    const req = created.json();
    expect(req).toMatchObject({ status: 'pending', month: '2026-11', version: 1, evidence: { eligible: true, rule: 'lead-quality/1' } });
    expect((await rep.post('/api/v1/goals/valve/requests', { month: '2026-11', brief: brief([{ targetId: visits, value: 30 }]) })).statusCode).toBe(409);

    // A manager of another team cannot decide; the rep cannot either.
    const other = await as(t, 'manager2');
    expect((await other.post(`/api/v1/goals/valve/requests/${req.id}/decision`, { decision: 'approve', note: '', version: 1 })).statusCode).toBe(404);
    expect((await rep.post(`/api/v1/goals/valve/requests/${req.id}/decision`, { decision: 'approve', note: '', version: 1 })).statusCode).toBe(403);
    const manager = await as(t, 'manager');
    expect((await manager.get('/api/v1/goals/valve?status=pending')).json().requests.map((r: any) => r.id)).toEqual([req.id]);
    const ok = await manager.post(`/api/v1/goals/valve/requests/${req.id}/decision`, { decision: 'approve', note: '同意，按市场情况调整', version: 1 });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'approved', decidedBy: t.users.manager.id, version: 2 });
    expect((await manager.post(`/api/v1/goals/valve/requests/${req.id}/decision`, { decision: 'reject', note: '', version: 2 })).statusCode).toBe(409);

    const target = async (id: string) =>
      (await db.query(`select value::float as value, original_value::float as original_value, effective_from::text as effective_from, version from goal_targets where tenant_id = $1 and id = $2`, [t.id, id])).rows[0];
    expect(await target(visits)).toEqual({ value: 30, original_value: 40, effective_from: '2026-11-24', version: 2 });
    expect(await target(demos)).toEqual({ value: 5, original_value: 8, effective_from: '2026-11-24', version: 2 });
    const hist = (await db.query(`select version, value::float as value, reason from goal_target_history where tenant_id = $1 and target_id = $2 order by version`, [t.id, visits])).rows;
    expect(hist.map((h) => [h.version, h.value])).toEqual([[1, 40], [2, 30]]);
    expect(hist[1].reason).toContain(req.id);
    const audit = (await db.query(`select action from audit_log where tenant_id = $1 and action like 'goals.%' order by id`, [t.id])).rows.map((a) => a.action);
    expect(audit).toEqual(['goals.valve.request', 'goals.target.reset', 'goals.target.reset', 'goals.valve.approve']);

    // A second reset keeps the first original value.
    const again = (await rep.post('/api/v1/goals/valve/requests', { month: '2026-11', brief: brief([{ targetId: visits, value: 25 }]) })).json();
    expect((await manager.post(`/api/v1/goals/valve/requests/${again.id}/decision`, { decision: 'approve', note: '', version: 1 })).statusCode).toBe(200);
    expect(await target(visits)).toEqual({ value: 25, original_value: 40, effective_from: '2026-11-24', version: 3 });
  });

  it('[G6] a rejection changes no target but is recorded; a foreign tenant sees and decides nothing; marketing is refused', async () => {
    const { t, visits } = await setup();
    const rep = await as(t, 'rep');
    const req = (await rep.post('/api/v1/goals/valve/requests', { month: '2026-11', brief: brief([{ targetId: visits, value: 30 }]) })).json();
    const other = await makeTenant(db);
    const oManager = await as(other, 'manager');
    expect((await oManager.post(`/api/v1/goals/valve/requests/${req.id}/decision`, { decision: 'approve', note: '', version: 1 })).statusCode).toBe(404);
    expect((await oManager.get('/api/v1/goals/valve')).json().requests).toEqual([]);
    expect((await (await as(other, 'rep')).get(`/api/v1/goals/valve?repId=${t.users.rep.id}`)).statusCode).toBe(404);
    expect((await (await as(t, 'marketing')).get('/api/v1/goals/valve')).statusCode).toBe(403);

    const manager = await as(t, 'manager');
    const r = await manager.post(`/api/v1/goals/valve/requests/${req.id}/decision`, { decision: 'reject', note: '下滑主要来自个人跟进不足', version: 1 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ status: 'rejected', decisionNote: '下滑主要来自个人跟进不足' });
    const target = (await db.query(`select value::float as value, original_value, effective_from, version from goal_targets where tenant_id = $1 and id = $2`, [t.id, visits])).rows[0];
    expect(target).toEqual({ value: 40, original_value: null, effective_from: null, version: 1 });
    const audit = (await db.query(`select action, after from audit_log where tenant_id = $1 and action like 'goals.%' order by id`, [t.id])).rows;
    expect(audit.map((a) => a.action)).toEqual(['goals.valve.request', 'goals.valve.reject']);
  });
});
