import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app.js';
import type { Db } from '../db/db.js';
import type { Deps } from '../deps.js';
import { createTestApp, makeTenant, type TestTenant, signedIn } from '../../test/harness.js';

let app: App;
let db: Db;
let deps: Deps;

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp());
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

describe('config API /api/v1/admin/config', () => {
  it('[X2] dual sign-off over HTTP: a director proposes, the director and an admin sign, then it is active', async () => {
    const t = await makeTenant(db);
    const director = await as(t, 'director');
    const admin = await as(t, 'admin');
    const value = { KA: { painPoints: 3, proposalScreenshots: 1, legalReviewNotes: 1 }, A: { painPoints: 1, proposalScreenshots: 0, legalReviewNotes: 0 } };
    const proposed = await director.post('/api/v1/admin/config/process.checklists/proposals', { value, reason: 'A 类客户也要清单' });
    expect(proposed.statusCode).toBe(201);
    expect(proposed.json()).toMatchObject({ version: 1, status: 'pending', proposedById: t.users.director.id });

    const list = (await admin.get('/api/v1/admin/config')).json();
    const item = list.items.find((i: any) => i.key === 'process.checklists');
    expect(item).toMatchObject({ dualSignoff: true, active: { version: 0 }, pending: { version: 1 }, title: { 'zh-CN': '过程合规检查清单' } });

    expect((await director.post('/api/v1/admin/config/process.checklists/versions/1/approve')).json().status).toBe('pending');
    const again = await director.post('/api/v1/admin/config/process.checklists/versions/1/approve');
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json()).toMatchObject({ code: 'config_same_signer' });
    expect(again.json().detail).toContain('两个不同的人');
    const signed = await admin.post('/api/v1/admin/config/process.checklists/versions/1/approve');
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toMatchObject({ status: 'active', approvals: [{ role: 'director' }, { role: 'admin' }] });
    expect(await deps.config.get(t.id, 'process.checklists')).toEqual({ version: 1, value });

    const history = (await admin.get('/api/v1/admin/config/process.checklists')).json();
    expect(history.versions.map((v: any) => [v.version, v.status])).toEqual([[1, 'active']]);
    const audit = await db.query(`select action, actor_id from audit_log where tenant_id = $1 and resource = 'Config' order by id`, [t.id]);
    expect(audit.rows.map((r: any) => [r.action, r.actor_id])).toEqual([
      ['config.propose', t.users.director.id],
      ['config.approve', t.users.director.id],
      ['config.approve', t.users.admin.id],
      ['config.activate', t.users.admin.id],
    ]);
  });

  it('[X2] an invalid value answers 400 problem+json with the issues in the caller’s language and changes nothing', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const bad = await admin.post('/api/v1/admin/config/process.geofence/proposals', { value: { radiusM: -5, maxSpeedKmh: 120 }, reason: '试试' }, 'en-US');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'config_invalid_value', errors: [{ path: 'value.radiusM' }] });
    expect(bad.json().detail).toContain('process.geofence');
    const extraField = await admin.post('/api/v1/admin/config/process.geofence/proposals', { value: { radiusM: 200, maxSpeedKmh: 120 }, reason: 'x', sneaky: true });
    expect(extraField.statusCode).toBe(400);
    const noReason = await admin.post('/api/v1/admin/config/process.geofence/proposals', { value: { radiusM: 200, maxSpeedKmh: 120 }, reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    const unknown = await admin.post('/api/v1/admin/config/process.nope/proposals', { value: 1, reason: 'x' });
    expect(unknown.statusCode).toBe(404);
    const badVersion = await admin.post('/api/v1/admin/config/process.geofence/versions/zero/approve');
    expect(badVersion.statusCode).toBe(400);
    const rows = await db.query('select 1 from config_versions where tenant_id = $1', [t.id]);
    expect(rows.rows).toHaveLength(0);
  });

  it('[X2] roles: a rep may not read, a manager may read but not propose, a manager may not sign', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    const manager = await as(t, 'manager');
    expect((await rep.get('/api/v1/admin/config')).statusCode).toBe(403);
    expect((await rep.get('/api/v1/admin/config/process.geofence')).statusCode).toBe(403);
    expect((await manager.get('/api/v1/admin/config')).statusCode).toBe(200);
    expect((await manager.post('/api/v1/admin/config/goals.valve/proposals', { value: { dropPct: 10, consecutiveWeeks: 2 }, reason: 'x' })).statusCode).toBe(403);
    const director = await as(t, 'director');
    await director.post('/api/v1/admin/config/churn.rules/proposals', { value: { rules: [] }, reason: '停用' });
    expect((await manager.post('/api/v1/admin/config/churn.rules/versions/1/approve')).statusCode).toBe(403);
    expect((await manager.post('/api/v1/admin/config/churn.rules/versions/1/reject', { reason: 'no' })).statusCode).toBe(403);
    const second = await director.post('/api/v1/admin/config/churn.rules/proposals', { value: { rules: [] }, reason: '再来' });
    expect(second.statusCode).toBe(409);
    const rejected = await (await as(t, 'admin')).post('/api/v1/admin/config/churn.rules/versions/1/reject', { reason: '规则不能全部停用' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: '规则不能全部停用' });
    expect((await (await as(t, 'admin')).get('/api/v1/admin/config')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/config' })).statusCode).toBe(401);
  });

  it('[X2] one tenant’s configuration is invisible to and unchanged by another', async () => {
    const a = await makeTenant(db);
    const b = await makeTenant(db);
    const adminA = await as(a, 'admin');
    await adminA.post('/api/v1/admin/config/forecast.review/proposals', { value: { deviationPct: 20 }, reason: 'A' });
    const adminB = await as(b, 'admin');
    const hist = (await adminB.get('/api/v1/admin/config/forecast.review')).json();
    expect(hist.versions).toEqual([]);
    expect(hist.active).toMatchObject({ version: 0, value: { deviationPct: 15 } });
    expect((await adminB.post('/api/v1/admin/config/forecast.review/versions/1/approve')).statusCode).toBe(404);
  });
});
