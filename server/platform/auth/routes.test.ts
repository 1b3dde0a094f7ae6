import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeTenant, PASSWORD } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../db/db.js';

let app: App;
let db: Db;

beforeAll(async () => {
  ({ app, db } = await createTestApp({ settings: { loginMaxFailures: 3, loginLockMinutes: 10 } }));
});
afterAll(async () => {
  await app.close();
});

describe('sign-in, sessions and tokens', () => {
  it('[X1] signs in with an httpOnly SameSite session cookie, stores an argon2id hash, and signs out', async () => {
    const t = await makeTenant(db);
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: t.slug, username: 'rep', password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const session = res.cookies.find((c) => c.name === 'tl_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Strict');
    expect(res.json().user.role).toBe('rep');
    expect(res.json().abilities.Customer).toEqual(['read', 'create', 'update', 'export']);
    const stored = await db.query('select password_hash from users where tenant_id = $1 and username = $2', [t.id, 'rep']);
    expect(stored.rows[0].password_hash).toMatch(/^\$argon2id\$/);
    const s = await login(app, t, 'rep');
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: s.headers })).statusCode).toBe(401);
  });

  it('[X1] wrong password → 401 in the caller language; repeated failures lock the account (423) even for the right password', async () => {
    const t = await makeTenant(db);
    const attempt = (password: string, lang = 'zh-CN') =>
      app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: t.slug, username: 'manager', password }, headers: { 'accept-language': lang } });
    const first = await attempt('wrong', 'en-US');
    expect(first.statusCode).toBe(401);
    expect(first.json().detail).toBe('Company code, username or password is incorrect');
    await attempt('wrong');
    const third = await attempt('wrong');
    expect(third.statusCode).toBe(423);
    expect(third.json().detail).toContain('已锁定');
    expect((await attempt(PASSWORD)).statusCode).toBe(423);
    // Other users of the tenant are not affected.
    expect((await login(app, t, 'rep')).cookie).toContain('tl_session');
  });

  it('[X1] an unknown tenant or user gets the same answer as a wrong password', async () => {
    const t = await makeTenant(db);
    const a = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: 'no-such-company', username: 'rep', password: PASSWORD } });
    const b = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: t.slug, username: 'nobody', password: PASSWORD } });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().detail).toBe(b.json().detail);
  });

  it('[X1] a cookie-authenticated write without the CSRF token is refused and changes nothing', async () => {
    const t = await makeTenant(db);
    const s = await login(app, t, 'admin');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'x' },
      headers: { cookie: s.cookie },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('csrf_failed');
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/me/tokens', payload: { name: 'x' }, headers: { cookie: s.cookie, 'x-csrf-token': 'forged' } });
    expect(wrong.statusCode).toBe(403);
    const n = await db.query('select count(*)::int as n from api_tokens where tenant_id = $1', [t.id]);
    expect(n.rows[0].n).toBe(0);
  });

  it('[X1] a personal API token works without cookies or CSRF, carries its bound role, and stops working when revoked', async () => {
    const t = await makeTenant(db);
    const admin = await login(app, t, 'admin');
    const created = await app.inject({ method: 'POST', url: '/api/v1/me/tokens', payload: { name: '工单系统', role: 'service' }, headers: admin.headers });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    const auth = { authorization: `Bearer ${token}` };
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth });
    expect(me.json().user.role).toBe('service');
    expect(me.json().via).toBe('token');
    // Bound to 'service': may read customers, may not create them or read the audit log.
    expect((await app.inject({ method: 'GET', url: '/api/v1/customers', headers: auth })).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/v1/customers', headers: auth, payload: { kind: 'org', name: 'x', creditCode: '91350100M000100Y43' } })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/audit', headers: auth })).statusCode).toBe(403);
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: admin.headers })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth })).statusCode).toBe(401);
  });

  it('[X1] a rep cannot mint a token for a more powerful role, nor revoke a colleague token', async () => {
    const t = await makeTenant(db);
    const rep = await login(app, t, 'rep');
    const res = await app.inject({ method: 'POST', url: '/api/v1/me/tokens', payload: { name: 'x', role: 'admin' }, headers: rep.headers });
    expect(res.statusCode).toBe(403);
    const rep2 = await login(app, t, 'rep2');
    const theirs = (await app.inject({ method: 'POST', url: '/api/v1/me/tokens', payload: { name: 'mine' }, headers: rep2.headers })).json();
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${theirs.id}`, headers: rep.headers })).statusCode).toBe(404);
  });

  it('[X1] a token of one tenant cannot be replayed against another tenant', async () => {
    const a = await makeTenant(db);
    const b = await makeTenant(db);
    const admin = await login(app, a, 'admin');
    const { token } = (await app.inject({ method: 'POST', url: '/api/v1/me/tokens', payload: { name: 'x' }, headers: admin.headers })).json();
    const forged = token.replace(a.id, b.id);
    expect((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${forged}` } })).statusCode).toBe(401);
  });

  it('[X5] requests without credentials get a 401 problem, unknown routes a 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/customers', headers: { 'accept-language': 'en-US' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual(expect.objectContaining({ status: 401, code: 'unauthenticated', detail: 'Please sign in first' }));
    const nf = await app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(nf.statusCode).toBe(404);
  });

  it('[X5] the OpenAPI 3.1 document lists the REST API and the docs page is served', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/customers', '/api/v1/customers/{id}', '/api/v1/auth/login']));
    expect((await app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json().status).toBe('ready');
  });
});

describe('login rate limit', () => {
  it('[X1] more than LOGIN_IP_LIMIT_PER_MINUTE sign-in attempts from one address get 429 with a retry time', async () => {
    const { app: limited } = await createTestApp({ settings: { loginIpLimitPerMinute: 3 } });
    const t = await makeTenant(db);
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await limited.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: t.slug, username: 'rep', password: PASSWORD } });
      codes.push(res.statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 429]);
    await limited.close();
  });
});
