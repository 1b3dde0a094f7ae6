import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import { createTestApp, makeTenant, type TestTenant, signedIn } from '../../test/harness.js';

let app: App;
let db: Db;
beforeAll(async () => {
  ({ app, db } = await createTestApp());
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

describe('organisation API', () => {
  it('[X1] users are listed by scope: admin all, manager the team, rep only themself; hire dates are calendar dates', async () => {
    const t = await makeTenant(db);
    await db.query(`update users set hired_on = '2025-03-01' where tenant_id = $1 and id = $2`, [t.id, t.users.rep.id]);
    const all = (await (await as(t, 'admin')).get('/api/v1/org/users?pageSize=200')).json();
    expect(all.total).toBe(Object.keys(t.users).length);
    expect(all.items.find((u: any) => u.id === t.users.rep.id).hiredOn).toBe('2025-03-01');

    const team = (await (await as(t, 'manager')).get('/api/v1/org/users?pageSize=200')).json();
    expect(team.items.every((u: any) => u.teamId === t.teams[0].id)).toBe(true);
    expect(team.items.map((u: any) => u.username)).toEqual(expect.arrayContaining(['rep', 'rep2']));

    const self = (await (await as(t, 'rep')).get('/api/v1/org/users')).json();
    expect(self.items.map((u: any) => u.id)).toEqual([t.users.rep.id]);
  });

  it('[X1] a rep may not create or change users; another tenant’s user is not found; bad input is refused', async () => {
    const t = await makeTenant(db);
    const other = await makeTenant(db);
    const rep = await as(t, 'rep');
    const created = await rep.call('POST', '/api/v1/org/users', { username: 'newbie', displayName: '新人', role: 'rep', password: 'Long-enough-1' });
    expect(created.statusCode).toBe(403);
    expect(created.headers['content-type']).toContain('application/problem+json');
    const admin = await as(t, 'admin');
    const foreign = await admin.call('PATCH', `/api/v1/org/users/${other.users.rep.id}`, { version: 1, displayName: '改名' });
    expect(foreign.statusCode).toBe(404);
    const bad = await admin.call('POST', '/api/v1/org/users', { username: 'x', displayName: '', role: 'king', password: 'short' });
    expect(bad.statusCode).toBe(400);
    const rows = await db.query(`select 1 from users where tenant_id = $1 and username in ('newbie', 'x')`, [t.id]);
    expect(rows.rows).toHaveLength(0);
  });
});
