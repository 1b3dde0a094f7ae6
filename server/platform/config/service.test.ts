import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import type { Ctx } from '../context.js';
import { makeTenant, testDb, type TestTenant } from '../../test/harness.js';
import { Problem } from '../http/problem.js';
import { createConfigService, type ConfigActivated, type ConfigService } from './service.js';
import { CHURN_RULES, METRIC_EFFECTIVE_VISITS, PROCESS_GEOFENCE, PROCESS_LIGHTS } from './defaults.js';

let db: Db;
let config: ConfigService;
const clock = new Date('2026-11-26T08:00:00Z');

beforeAll(async () => {
  db = await testDb();
  config = createConfigService({ db, now: () => clock });
}, 60_000);

function ctxOf(t: TestTenant, username: string): Ctx {
  const u = t.users[username];
  return {
    actor: { tenantId: t.id, userId: u.id, kind: 'user', role: u.role, teamId: u.teamId, regionId: u.regionId, displayName: `${username} 测试`, isMentor: false },
    requestId: `test-${username}`,
    locale: 'zh-CN',
  };
}

const configRows = async (t: TestTenant) =>
  (await db.query('select key, version, status from config_versions where tenant_id = $1 order by key, version', [t.id])).rows;
const auditRows = async (t: TestTenant) =>
  (await db.query(`select action, record_id, actor_id, before, after from audit_log where tenant_id = $1 and resource = 'Config' order by id`, [t.id])).rows;

async function refused(p: Promise<unknown>): Promise<Problem> {
  const e = await p.then(
    () => null,
    (err) => err,
  );
  expect(e).toBeInstanceOf(Problem);
  return e as Problem;
}

describe('configuration service', () => {
  it('[X2] with nothing saved, a key answers its registered default (the seed’s numbers) as version 0', async () => {
    const t = await makeTenant(db);
    expect(await config.get(t.id, 'process.geofence')).toEqual({ version: 0, value: { radiusM: 300, maxSpeedKmh: 120 } });
    expect(await config.value(t.id, PROCESS_LIGHTS)).toEqual({ yellowDays: 2, redDays: 3, workingDaysOnly: true });
    // a caller mutating its copy does not change the default
    const v = await config.value(t.id, PROCESS_GEOFENCE);
    v.radiusM = 1;
    expect((await config.value(t.id, PROCESS_GEOFENCE)).radiusM).toBe(300);
    expect((await refused(config.get(t.id, 'process.nonsense'))).status).toBe(404);
  });

  it('[X2] a single-sign-off key takes effect at once, supersedes the previous version and is audited', async () => {
    const t = await makeTenant(db);
    const events: ConfigActivated[] = [];
    const off = config.onActivated('process.*', (e) => void events.push(e));
    const admin = ctxOf(t, 'admin');
    const v1 = await config.propose(admin, 'process.geofence', { radiusM: 500, maxSpeedKmh: 120 }, '山区客户 GPS 漂移大');
    expect(v1).toMatchObject({ version: 1, status: 'active', proposedById: t.users.admin.id, proposedByName: 'admin 测试' });
    const v2 = await config.propose(ctxOf(t, 'director'), 'process.geofence', { radiusM: 400, maxSpeedKmh: 100 }, '收紧');
    expect(v2).toMatchObject({ version: 2, status: 'active' });
    off();
    expect(await config.get(t.id, PROCESS_GEOFENCE)).toEqual({ version: 2, value: { radiusM: 400, maxSpeedKmh: 100 } });
    expect(await configRows(t)).toEqual([
      { key: 'process.geofence', version: 1, status: 'superseded' },
      { key: 'process.geofence', version: 2, status: 'active' },
    ]);
    expect(events.filter((e) => e.tenantId === t.id).map((e) => [e.version, e.previous?.version])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    const audit = await auditRows(t);
    expect(audit.map((a: any) => a.action)).toEqual(['config.propose', 'config.activate', 'config.propose', 'config.activate']);
    expect(audit[1]).toMatchObject({ record_id: 'process.geofence', before: { version: 0, value: { radiusM: 300 } }, after: { version: 1, value: { radiusM: 500 } } });
    const history = await config.history(admin, 'process.geofence');
    expect(history.versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
  });

  it('[X2] a dual-sign-off key stays pending until an admin and a director approve', async () => {
    const t = await makeTenant(db);
    const events: ConfigActivated[] = [];
    config.onActivated('churn.rules', (e) => void (e.tenantId === t.id && events.push(e)));
    const current = await config.value(t.id, CHURN_RULES);
    const changed = { rules: [{ ...current.rules[0], conditions: [{ ...current.rules[0].conditions[0], value: 10 }, current.rules[0].conditions[1]] }] };
    const p = await config.propose(ctxOf(t, 'director'), 'churn.rules', changed, '15% 误报太多');
    expect(p).toMatchObject({ version: 1, status: 'pending', approvals: [] });
    expect((await config.get(t.id, CHURN_RULES)).version).toBe(0);

    const afterDirector = await config.approve(ctxOf(t, 'director2'), 'churn.rules', 1);
    expect(afterDirector.status).toBe('pending');
    expect(afterDirector.approvals).toMatchObject([{ userId: t.users.director2.id, role: 'director' }]);
    expect((await config.get(t.id, CHURN_RULES)).version).toBe(0);
    expect(events).toHaveLength(0);

    const afterAdmin = await config.approve(ctxOf(t, 'admin'), 'churn.rules', 1);
    expect(afterAdmin).toMatchObject({ status: 'active', decidedById: t.users.admin.id });
    expect(afterAdmin.approvals.map((a) => a.role)).toEqual(['director', 'admin']);
    const active = await config.get(t.id, CHURN_RULES);
    expect(active.version).toBe(1);
    expect(active.value.rules[0].conditions[0].value).toBe(10);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ key: 'churn.rules', version: 1, previous: { version: 0 } });
    expect((await auditRows(t)).map((a: any) => a.action)).toEqual(['config.propose', 'config.approve', 'config.approve', 'config.activate']);
  });

  it('[X2] the proposer may sign as one of the two; the same person signing twice is refused clearly', async () => {
    const t = await makeTenant(db);
    const admin = ctxOf(t, 'admin');
    await config.propose(admin, 'process.checklists', { KA: { painPoints: 3, proposalScreenshots: 1, legalReviewNotes: 1 } }, 'KA 要求提高');
    await config.approve(admin, 'process.checklists', 1);
    const twice = await refused(config.approve(admin, 'process.checklists', 1));
    expect(twice).toMatchObject({ status: 409, code: 'config_same_signer' });
    expect(twice.toBody('zh-CN').detail).toContain('两个不同的人');
    expect(twice.toBody('en-US').detail).toContain('two different people');
    // another administrator cannot stand in for the business owner
    const secondAdmin = { ...ctxOf(t, 'admin'), actor: { ...admin.actor, userId: t.users.service.id } };
    expect(await refused(config.approve(secondAdmin, 'process.checklists', 1))).toMatchObject({ status: 409, code: 'config_admin_signed' });
    // neither may a manager sign at all
    expect(await refused(config.approve(ctxOf(t, 'manager'), 'process.checklists', 1))).toMatchObject({ status: 403 });
    expect((await config.get(t.id, 'process.checklists')).version).toBe(0);
    const done = await config.approve(ctxOf(t, 'director'), 'process.checklists', 1);
    expect(done.status).toBe('active');
    expect((await config.get(t.id, 'process.checklists')).value).toEqual({ KA: { painPoints: 3, proposalScreenshots: 1, legalReviewNotes: 1 } });
    expect(await refused(config.approve(ctxOf(t, 'director2'), 'process.checklists', 1))).toMatchObject({ status: 409, code: 'config_not_pending' });
  });

  it('[X2] an invalid value is refused with the Zod issues and writes nothing', async () => {
    const t = await makeTenant(db);
    const e = await refused(config.propose(ctxOf(t, 'admin'), 'process.lights', { yellowDays: 'two', redDays: 3, workingDaysOnly: true }, 'x'));
    expect(e).toMatchObject({ status: 400, code: 'config_invalid_value' });
    expect((e.extra.errors as { path: string }[]).map((x) => x.path)).toEqual(['value.yellowDays']);
    const cross = await refused(config.propose(ctxOf(t, 'admin'), 'process.lights', { yellowDays: 4, redDays: 3, workingDaysOnly: true }, 'x'));
    expect((cross.extra.errors as { path: string }[])[0].path).toBe('value.yellowDays');
    const extra = await refused(config.propose(ctxOf(t, 'admin'), 'process.geofence', { radiusM: 300, maxSpeedKmh: 120, hack: 1 }, 'x'));
    expect(extra.status).toBe(400);
    const same = await refused(config.propose(ctxOf(t, 'admin'), 'process.geofence', { maxSpeedKmh: 120, radiusM: 300 }, 'x'));
    expect(same).toMatchObject({ status: 400, code: 'config_unchanged' });
    expect(await configRows(t)).toEqual([]);
    expect(await auditRows(t)).toEqual([]);
    expect((await config.get(t.id, 'process.lights')).version).toBe(0);
  });

  it('[X2] only one pending proposal per key: a second one while it is pending is a 409', async () => {
    const t = await makeTenant(db);
    const value = { KA: { painPoints: 1, proposalScreenshots: 0, legalReviewNotes: 0 } };
    await config.propose(ctxOf(t, 'director'), 'process.checklists', value, 'a');
    const second = await refused(config.propose(ctxOf(t, 'admin'), 'process.checklists', { ...value, A: value.KA }, 'b'));
    expect(second).toMatchObject({ status: 409, code: 'config_pending_exists' });
    // two proposals racing: exactly one becomes pending
    const t2 = await makeTenant(db);
    const race = await Promise.allSettled([
      config.propose(ctxOf(t2, 'admin'), 'process.checklists', value, 'a'),
      config.propose(ctxOf(t2, 'director'), 'process.checklists', { ...value, B: value.KA }, 'b'),
    ]);
    expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await configRows(t2)).toEqual([{ key: 'process.checklists', version: 1, status: 'pending' }]);
  });

  it('[X2] a pending proposal can be rejected with a reason or withdrawn, after which a new one may be made', async () => {
    const t = await makeTenant(db);
    const value = { KA: { painPoints: 4, proposalScreenshots: 1, legalReviewNotes: 1 } };
    await config.propose(ctxOf(t, 'director'), 'process.checklists', value, '提高标准');
    const rejected = await config.reject(ctxOf(t, 'admin'), 'process.checklists', 1, '与法务未对齐');
    expect(rejected).toMatchObject({ status: 'rejected', decisionNote: '与法务未对齐', decidedById: t.users.admin.id });
    expect(await refused(config.approve(ctxOf(t, 'director'), 'process.checklists', 1))).toMatchObject({ status: 409, code: 'config_not_pending' });
    await config.propose(ctxOf(t, 'director'), 'process.checklists', value, '再提一次');
    expect(await refused(config.withdraw(ctxOf(t, 'director2'), 'process.checklists', 2))).toMatchObject({ status: 403 });
    expect(await config.withdraw(ctxOf(t, 'director'), 'process.checklists', 2)).toMatchObject({ status: 'withdrawn' });
    expect(await refused(config.propose(ctxOf(t, 'manager'), 'process.checklists', value, 'x'))).toMatchObject({ status: 403 });
    expect(await configRows(t)).toEqual([
      { key: 'process.checklists', version: 1, status: 'rejected' },
      { key: 'process.checklists', version: 2, status: 'withdrawn' },
    ]);
    expect((await auditRows(t)).map((a: any) => a.action)).toEqual(['config.propose', 'config.reject', 'config.propose', 'config.withdraw']);
    expect((await config.get(t.id, 'process.checklists')).version).toBe(0);
  });

  it('[G7] a metric definition (with its counts-toward-assessment flag) needs two sign-offs, and subscribers hear when it changes', async () => {
    const t = await makeTenant(db);
    const heard: ConfigActivated[] = [];
    config.onActivated('goals.metrics.*', (e) => void (e.tenantId === t.id && heard.push(e)));
    // the seed's case: a visit type wrongly marked non-counting, then fixed
    const wrong = { ...(await config.value(t.id, METRIC_EFFECTIVE_VISITS)), counts: { actionTypes: ['check_in'], where: { visitType: ['routine'] } } };
    const p = await config.propose(ctxOf(t, 'director'), 'goals.metrics.effectiveVisits', wrong, '只计例行拜访');
    expect(p.status).toBe('pending');
    await config.approve(ctxOf(t, 'director'), 'goals.metrics.effectiveVisits', 1);
    await config.approve(ctxOf(t, 'admin'), 'goals.metrics.effectiveVisits', 1);
    const fixed = { ...wrong, counts: { actionTypes: ['check_in'], where: { visitType: ['routine', 'clinical_research'] } } };
    await config.propose(ctxOf(t, 'admin'), 'goals.metrics.effectiveVisits', fixed, '临床需求调研应计入');
    await config.approve(ctxOf(t, 'admin'), 'goals.metrics.effectiveVisits', 2);
    await config.approve(ctxOf(t, 'director'), 'goals.metrics.effectiveVisits', 2);
    expect(heard.map((e) => [e.key, e.version, e.previous?.version])).toEqual([
      ['goals.metrics.effectiveVisits', 1, 0],
      ['goals.metrics.effectiveVisits', 2, 1],
    ]);
    // a tenant's own metric under the family is a dual-sign-off key too; it has no default
    expect((await refused(config.get(t.id, 'goals.metrics.callbacks'))).code).toBe('config_not_set');
    const own = await config.propose(
      ctxOf(t, 'director'),
      'goals.metrics.callbacks',
      { title: { 'zh-CN': '回访次数', 'en-US': 'Call-backs' }, kind: 'count', counts: { actionTypes: ['follow_up'] }, countsTowardAssessment: false },
      '新增指标',
    );
    expect(own.status).toBe('pending');
    const listed = await config.list(ctxOf(t, 'admin'));
    const callbacks = listed.find((k) => k.key === 'goals.metrics.callbacks')!;
    expect(callbacks).toMatchObject({ dualSignoff: true, family: 'goals.metrics.', active: null, pending: { version: 1 } });
    // a field none of the chosen action types has is refused, naming the fields that exist
    const typo = await config
      .propose({ ...ctxOf(t, 'director'), locale: 'zh-CN' }, 'goals.metrics.effectiveVisits', { ...fixed, counts: { actionTypes: ['check_in'], where: { visitTyp: ['routine'] } } }, '笔误')
      .then(
        () => null,
        (e: Problem) => e,
      );
    expect(typo?.status).toBe(400);
    expect(JSON.stringify(typo?.params)).toContain('字段“visitTyp”不属于所选动作类型（check_in），可用字段：visitType, lat, lng, accuracyM, via, position');
    expect((await config.list(ctxOf(t, 'admin'))).find((k) => k.key === 'goals.metrics.effectiveVisits')?.pending).toBeNull();
    // a ratio without its denominator is not a valid definition
    const bad = await refused(
      config.propose(ctxOf(t, 'director'), 'goals.metrics.broken', { title: { 'zh-CN': '坏', 'en-US': 'Bad' }, kind: 'ratio', counts: { actionTypes: ['demo'] }, countsTowardAssessment: true }, 'x'),
    );
    expect(bad.status).toBe(400);
  });

  it('[X2] a listener that throws does not undo an approved change', async () => {
    const t = await makeTenant(db);
    const errors: unknown[] = [];
    const svc = createConfigService({ db, now: () => clock, log: { error: (o: unknown) => void errors.push(o) } as any });
    svc.onActivated('*', () => {
      throw new Error('recompute failed');
    });
    const v = await svc.propose(ctxOf(t, 'admin'), 'forecast.review', { deviationPct: 10 }, '更严格');
    expect(v.status).toBe('active');
    expect(errors).toHaveLength(1);
    expect((await svc.get(t.id, 'forecast.review')).value).toEqual({ deviationPct: 10 });
  });

  it('[X2] versions are per tenant', async () => {
    const a = await makeTenant(db);
    const b = await makeTenant(db);
    await config.propose(ctxOf(a, 'admin'), 'goals.valve', { dropPct: 30, consecutiveWeeks: 2 }, 'a');
    expect((await config.get(a.id, 'goals.valve')).value).toEqual({ dropPct: 30, consecutiveWeeks: 2 });
    expect(await config.get(b.id, 'goals.valve')).toEqual({ version: 0, value: { dropPct: 20, consecutiveWeeks: 2 } });
  });

  it('[X2] the list shows every key with its active version, pending proposal and sign-off rule', async () => {
    const t = await makeTenant(db);
    await config.propose(ctxOf(t, 'admin'), 'forecast.colours', { red: 90, yellow: 60 }, 'x');
    await config.propose(ctxOf(t, 'admin'), 'churn.rules', { rules: [] }, '暂停所有规则');
    const items = await config.list(ctxOf(t, 'manager'));
    const by = Object.fromEntries(items.map((i) => [i.key, i]));
    expect(by['forecast.colours']).toMatchObject({ dualSignoff: false, active: { version: 1, value: { red: 90, yellow: 60 } }, pending: null });
    expect(by['churn.rules']).toMatchObject({ dualSignoff: true, active: { version: 0 }, pending: { version: 1, status: 'pending' } });
    expect(by['process.geofence'].jsonSchema).toMatchObject({ type: 'object' });
    expect(await refused(config.list(ctxOf(t, 'rep')))).toMatchObject({ status: 403 });
  });
});
