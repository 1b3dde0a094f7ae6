import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../context.js';
import type { App } from '../../app.js';
import type { Db } from '../db/db.js';
import { createTestApp, makeTenant, type TestTenant, signedIn } from '../../test/harness.js';
import { makeCreditCode } from '../../modules/customers/identity.js';
import { defineAbilityFor, presentFor, subject } from './abilities.js';
import { applyOverride, RoleOverrides } from './overrides.js';

const ME = '11111111-1111-4111-8111-111111111111';
const TEAM = '22222222-2222-4222-8222-222222222222';
const manager = (overrides?: Actor['overrides']): Actor => ({
  tenantId: 't', userId: ME, kind: 'user', role: 'manager', teamId: TEAM, regionId: null, displayName: 'x', isMentor: false, overrides,
});
const record = { id: 'c1', ownerId: 'someone', teamId: TEAM, regionId: null, name: '上海星辰有限公司', mobile: '13912345678', contactName: '王芳' };

describe('per-role access overrides (pure)', () => {
  it('[C4] an override narrows a scope, takes an action away, masks and hides fields', () => {
    const g = applyOverride({ read: 'team', update: 'team', export: 'team' }, { actions: { export: 'none', update: 'own' }, masked: ['mobile'], hidden: ['contactName'] });
    expect(g).toEqual({ read: { scope: 'team', masked: ['mobile'], hidden: ['contactName'] }, update: { scope: 'own' } });
  });

  it('[C4] the ability built from an override masks, hides and refuses exactly what it says', () => {
    const plain = defineAbilityFor(manager());
    expect(plain.can('export', 'Customer')).toBe(true);
    expect(presentFor(plain, 'Customer', record).value.mobile).toBe('13912345678');

    const a = defineAbilityFor(manager({ Customer: { actions: { export: 'none' }, masked: ['mobile'], hidden: ['contactName'] } }));
    expect(a.can('export', 'Customer')).toBe(false);
    const shown = presentFor(a, 'Customer', record).value;
    expect(shown.mobile).toBe('139****5678');
    expect(shown).not.toHaveProperty('contactName');
    expect(shown._abilities.masked).toEqual(['mobile']);
    // A hidden field cannot be written either.
    expect(a.can('update', subject('Customer', record), 'contactName')).toBe(false);
    expect(a.can('update', subject('Customer', record), 'name')).toBe(true);
  });

  it('[C4] the schema refuses the admin role, unknown resources and scopes a resource does not have', () => {
    expect(RoleOverrides.safeParse({ admin: { Customer: { actions: { read: 'none' } } } }).success).toBe(false);
    expect(RoleOverrides.safeParse({ rep: { Nope: {} } }).success).toBe(false);
    expect(RoleOverrides.safeParse({ rep: { AuditLog: { actions: { read: 'team' } } } }).success).toBe(false);
    expect(RoleOverrides.safeParse({ rep: { Customer: { actions: { read: 'team' } } } }).success).toBe(true);
  });
});

let app: App;
let db: Db;
beforeAll(async () => {
  ({ app, db } = await createTestApp());
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

describe('per-role access overrides over HTTP', () => {
  it('[C4] an admin masks phones and takes export away from managers; after both sign-offs the API enforces it, other tenants unaffected', async () => {
    const t = await makeTenant(db);
    const other = await makeTenant(db);
    const admin = await as(t, 'admin');
    const body = (tenant: TestTenant) => ({
      kind: 'org',
      name: `覆盖测试${crypto.randomInt(1e6)}有限公司`,
      creditCode: makeCreditCode(`913100${String(crypto.randomInt(1e10)).padStart(11, '0')}`),
      mobile: '13912345678',
      contactName: '王芳',
      ownerId: tenant.users.rep.id,
    });
    const created = await admin.post('/api/v1/customers', body(t));
    expect(created.statusCode, created.body).toBe(201);
    expect((await (await as(other, 'admin')).post('/api/v1/customers', body(other))).statusCode).toBe(201);

    const mgr = await as(t, 'manager');
    const before = (await mgr.get(`/api/v1/customers/${created.json().id}`)).json();
    expect(before.mobile).toBe('13912345678');
    expect((await mgr.get('/api/v1/customers/export?format=csv')).statusCode).toBe(200);

    const value = { manager: { Customer: { actions: { export: 'none' }, masked: ['mobile'] } } };
    const proposed = await admin.post('/api/v1/admin/config/access.roleOverrides/proposals', { value, reason: '主管不再导出客户，手机号脱敏' });
    expect(proposed.statusCode, proposed.body).toBe(201);
    // Pending: nothing changes yet.
    expect((await mgr.get(`/api/v1/customers/${created.json().id}`)).json().mobile).toBe('13912345678');
    expect((await admin.post('/api/v1/admin/config/access.roleOverrides/versions/1/approve')).statusCode).toBe(200);
    const director = await as(t, 'director');
    expect((await director.post('/api/v1/admin/config/access.roleOverrides/versions/1/approve')).json().status).toBe('active');

    const after = (await mgr.get(`/api/v1/customers/${created.json().id}`)).json();
    expect(after.mobile).toBe('139****5678');
    expect(after._abilities.masked).toContain('mobile');
    const exp = await mgr.get('/api/v1/customers/export?format=csv');
    expect(exp.statusCode).toBe(403);
    const me = (await mgr.get('/api/v1/auth/me')).json();
    expect(me.abilities.Customer).not.toContain('export');

    // Another tenant's managers keep the defaults.
    const otherMgr = await as(other, 'manager');
    expect((await otherMgr.get('/api/v1/customers/export?format=csv')).statusCode).toBe(200);
  });

  it('[C4] an override for the admin role is refused with a clear message and nothing is stored', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const bad = await admin.post('/api/v1/admin/config/access.roleOverrides/proposals', { value: { admin: { AuditLog: { actions: { read: 'none' } } } }, reason: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('config_invalid_value');
    const rows = await db.query('select 1 from config_versions where tenant_id = $1', [t.id]);
    expect(rows.rows).toHaveLength(0);
  });
});

describe('access matrix API /api/v1/admin/access', () => {
  it('[C4] admins see defaults, the adjustments in force and the result; a rep is refused', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const m = (await admin.get('/api/v1/admin/access')).json();
    expect(m.overridesVersion).toBe(0);
    expect(m.defaults.marketing.Customer.read.masked).toEqual(expect.arrayContaining(['name', 'mobile']));
    expect(m.defaults.manager.Customer.export).toEqual({ scope: 'team' });
    expect(m.effective).toEqual(m.defaults);
    expect(m.resources.find((r: any) => r.name === 'Customer').scopes).toEqual(['all', 'own', 'team', 'region']);

    const value = { bp: { Customer: { actions: { read: 'none' } } } };
    await admin.post('/api/v1/admin/config/access.roleOverrides/proposals', { value, reason: 'BP 不看客户' });
    await admin.post('/api/v1/admin/config/access.roleOverrides/versions/1/approve');
    await (await as(t, 'director')).post('/api/v1/admin/config/access.roleOverrides/versions/1/approve');
    const after = (await admin.get('/api/v1/admin/access')).json();
    expect(after.overridesVersion).toBe(1);
    expect(after.overrides).toEqual(value);
    expect(after.effective.bp.Customer).toEqual({});
    expect(after.defaults.bp.Customer.read.scope).toBe('region');
    const bp = await as(t, 'bp');
    expect((await bp.get('/api/v1/customers')).statusCode).toBe(403);

    const rep = await as(t, 'rep');
    const refused = await rep.get('/api/v1/admin/access');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });
});
