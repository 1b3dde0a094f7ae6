// Test helpers: one migrated database per test file (PGlite in memory, or DATABASE_URL),
// a fresh tenant per test (nothing is truncated), and login helpers.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { openDb, type Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { loadSettings, type Settings } from '../platform/settings.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { buildApp, type App } from '../app.js';
import type { Deps } from '../platform/deps.js';
import * as org from '../modules/org/store.js';
import type { Role } from '../platform/context.js';
import { makeCreditCode } from '../modules/customers/identity.js';

export const PASSWORD = 'Test#Password-1';
let sharedDb: Promise<Db> | undefined;
let passwordHash: Promise<string> | undefined;

/** The file's database, migrated once. */
export function testDb(): Promise<Db> {
  sharedDb ??= (async () => {
    const db = await openDb({ databaseUrl: process.env.DATABASE_URL, poolSize: 4 });
    await migrate(db);
    return db;
  })();
  return sharedDb;
}

export function testSettings(over: Partial<Settings> = {}): Settings {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-test-'));
  // Every test logs in from 127.0.0.1: the per-IP limit is tested on its own app.
  return { ...loadSettings({ DATA_DIR: dataDir, DEMO: 'false', SCHEDULER: 'false', LOGIN_IP_LIMIT_PER_MINUTE: '100000' }), ...over };
}

export async function createTestApp(opts: { settings?: Partial<Settings>; now?: () => Date } = {}): Promise<{ app: App; deps: Deps; db: Db }> {
  const db = await testDb();
  const { app, deps } = await buildApp({ db, settings: testSettings(opts.settings), logger: false, now: opts.now });
  await app.ready();
  return { app, deps, db };
}

export interface TestUser {
  id: string;
  username: string;
  role: Role;
  teamId: string | null;
  regionId: string | null;
}

export interface TestTenant {
  id: string;
  slug: string;
  regions: { id: string; name: string }[];
  teams: { id: string; regionId: string; name: string }[];
  /** admin, director (region 0), director2 (region 1), manager (team 0), manager2 (team 1 of region 0),
   *  manager3 (team 2, region 1), rep (team 0), rep2 (team 0), rep3 (team 1), rep4 (team 2), bp, service, marketing, delivery, qa */
  users: Record<string, TestUser>;
}

/** A fresh tenant: 2 regions, 3 teams, one user of every role (and a few extra reps). */
export async function makeTenant(db: Db, slug?: string): Promise<TestTenant> {
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const id = crypto.randomUUID();
  const t: TestTenant = { id, slug: slug ?? `t-${id.slice(0, 8)}`, regions: [], teams: [], users: {} };
  await db.transaction(async (tx) => {
    await org.insertTenant(tx, { id, slug: t.slug, name: `测试公司 ${t.slug}` });
    for (const [i, name] of ['华东区', '华北区'].entries()) {
      const r = { id: crypto.randomUUID(), name };
      await org.insertRegion(tx, id, { ...r, code: `R${i + 1}` });
      t.regions.push(r);
    }
    const teamSpecs = [
      { name: '上海一组', region: 0 },
      { name: '杭州一组', region: 0 },
      { name: '北京一组', region: 1 },
    ];
    for (const s of teamSpecs) {
      const team = { id: crypto.randomUUID(), regionId: t.regions[s.region].id, name: s.name };
      await org.insertTeam(tx, id, team);
      t.teams.push(team);
    }
    const specs: [string, Role, number | null, number | null][] = [
      ['admin', 'admin', null, null],
      ['director', 'director', 0, null],
      ['director2', 'director', 1, null],
      ['manager', 'manager', 0, 0],
      ['manager2', 'manager', 0, 1],
      ['manager3', 'manager', 1, 2],
      ['rep', 'rep', 0, 0],
      ['rep2', 'rep', 0, 0],
      ['rep3', 'rep', 0, 1],
      ['rep4', 'rep', 1, 2],
      ['bp', 'bp', 0, null],
      ['service', 'service', null, null],
      ['marketing', 'marketing', null, null],
      ['delivery', 'delivery', null, null],
      ['qa', 'qa', null, null],
    ];
    for (const [username, role, region, team] of specs) {
      const u: TestUser = {
        id: crypto.randomUUID(),
        username,
        role,
        regionId: region === null ? null : t.regions[region].id,
        teamId: team === null ? null : t.teams[team].id,
      };
      await org.insertUser(tx, id, {
        id: u.id,
        username,
        displayName: `${username} 测试`,
        role,
        email: `${username}@${t.slug}.test`,
        regionId: u.regionId,
        teamId: u.teamId,
        passwordHash: hash,
      });
      t.users[username] = u;
    }
  });
  return t;
}

export interface Session {
  cookie: string;
  csrf: string;
  /** Headers for a cookie-authenticated request (cookie + CSRF token). */
  headers: Record<string, string>;
}

export async function login(app: App, tenant: TestTenant, username: string, password = PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: tenant.slug, username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookies = res.cookies as { name: string; value: string }[];
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = cookies.find((c) => c.name === 'tl_csrf')!.value;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A signed-in user's HTTP client for app.inject: call(method, url, body?, headers?), get, post (with a language). */
export async function signedIn(app: App, tenant: TestTenant, username: string) {
  const s = await login(app, tenant, username);
  const call = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { ...s.headers, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    ...s,
    call,
    get: (url: string, headers?: Record<string, string>) => call('GET', url, undefined, headers),
    post: (url: string, payload?: unknown, lang = 'zh-CN') => call('POST', url, payload, { 'accept-language': lang }),
  };
}

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A valid, random unified social credit code (GB 32100-2015) of a Shanghai company. */
export function creditCode(): string {
  const body = '913100' + Array.from({ length: 11 }, () => CREDIT_CHARS[crypto.randomInt(0, CREDIT_CHARS.length)]).join('');
  return makeCreditCode(body);
}

/** A random mainland mobile number. */
export const mobile = () => `139${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
