// Helpers shared by the pipeline API tests: sessions per user, customers, delivery teams.
import crypto from 'node:crypto';
import { expect } from 'vitest';
import type { App } from '../../app.js';
import { creditCode, login, type TestTenant } from '../../test/harness.js';

/** Thursday 26 November 2026, noon in Shanghai: today is 2026-11-26, ISO week 2026-W48. */
export const NOW = new Date('2026-11-26T04:00:00Z');

export { creditCode } from '../../test/harness.js';

export type Caller = Awaited<ReturnType<typeof as>>;

export async function as(app: App, t: TestTenant, user: string) {
  const s = await login(app, t, user);
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url: `/api/v1${url}`, payload: payload as any, headers: s.headers });
  return { call, get: (url: string) => call('GET', url) };
}

let seq = 0;
export async function seedCustomer(app: App, t: TestTenant, owner: string) {
  const admin = await as(app, t, 'admin');
  const res = await admin.call('POST', '/customers', { kind: 'org', name: `管线客户${++seq}有限公司`, creditCode: creditCode(), ownerId: t.users[owner].id });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

export async function seedTeam(app: App, t: TestTenant, weeklyCapacity: number, externalId?: string) {
  const admin = await as(app, t, 'admin');
  const res = await admin.call('POST', '/delivery/teams', { name: `交付${++seq}组`, regionId: t.regions[0].id, weeklyCapacity, externalId });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string };
}

export const contractNo = () => `HT-${crypto.randomUUID().slice(0, 8)}`;
