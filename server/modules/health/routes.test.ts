import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeTenant, type TestTenant, signedIn, creditCode } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';

import { hashPassword } from '../../platform/auth/passwords.js';
import { loadDemo } from '../../demo/load.js';
import { generateCompany } from '../../demo/generate.js';
import { AT_RISK_PATTERN, atRiskPattern, engagementWriter } from '../../demo/engagement.js';

let app: App;
let db: Db;
let seq = 0;


beforeAll(async () => {
  ({ app, db } = await createTestApp());
});
afterAll(async () => {
  await app.close();
});

const as = (t: TestTenant, user: string) => signedIn(app, t, user);

async function seedCustomer(t: TestTenant, ownerName: string, over: Record<string, unknown> = {}) {
  const admin = await as(t, 'admin');
  const res = await admin.call('POST', '/api/v1/customers', {
    kind: 'org',
    name: `健康客户${++seq}有限公司`,
    creditCode: creditCode(),
    industry: '制造业',
    tier: 'A',
    stage: 'delivery',
    ownerId: t.users[ownerName].id,
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string };
}

const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();

/** n complaints among `total` tickets, all closed late (SLA missed) when `late`. */
async function tickets(t: TestTenant, customerId: string, total: number, complaints: number, late: boolean) {
  const service = await as(t, 'service');
  for (let i = 0; i < total; i++) {
    const res = await service.call('POST', `/api/v1/customers/${customerId}/tickets`, {
      title: `工单 ${i}`,
      category: i < complaints ? 'complaint' : 'fault',
      severity: 'medium',
      openedAt: daysAgo(10 + i),
      slaDueAt: daysAgo(9 + i),
      closedAt: late ? daysAgo(8 + i) : daysAgo(9.5 + i),
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}

describe('health API', () => {
  it('[C3] the health board numbers match the hand-computed inputs, with formulas, inputs and the rule version', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep', { tier: 'A', stage: 'renewal' });
    const service = await as(t, 'service');
    const post = (body: Record<string, unknown>) => service.call('POST', `/api/v1/customers/${c.id}/tickets`, { severity: 'medium', ...body });
    // 5 tickets in the window: 1 complaint; SLA: 2 met, 1 closed late, 1 open past due, 1 open not yet due.
    await post({ title: 'a', category: 'complaint', openedAt: daysAgo(20), slaDueAt: daysAgo(19), closedAt: daysAgo(19.5) });
    await post({ title: 'b', category: 'fault', openedAt: daysAgo(15), slaDueAt: daysAgo(14), closedAt: daysAgo(14.5) });
    await post({ title: 'c', category: 'fault', openedAt: daysAgo(12), slaDueAt: daysAgo(11), closedAt: daysAgo(10) });
    await post({ title: 'd', category: 'request', openedAt: daysAgo(6), slaDueAt: daysAgo(5) });
    await post({ title: 'e', category: 'consultation', openedAt: daysAgo(1), slaDueAt: new Date(Date.now() + 86_400_000).toISOString() });
    // Outside the 180-day window: ignored.
    await post({ title: 'old', category: 'complaint', openedAt: daysAgo(400), slaDueAt: daysAgo(399), closedAt: daysAgo(300) });
    const rep = await as(t, 'rep');
    const act = (kind: string, d: number) => rep.call('POST', `/api/v1/customers/${c.id}/contact-activities`, { kind, contactName: '王芳', occurredAt: daysAgo(d) });
    // 30 days: 3 e-mails, 1 call; 90 days adds 6 e-mails, 6 meetings (capped), 2 calls.
    for (const d of [2, 5, 9]) await act('email', d);
    await act('call', 4);
    for (let i = 0; i < 6; i++) await act('email', 40 + i);
    for (let i = 0; i < 6; i++) await act('meeting', 35 + i);
    for (const d of [50, 60]) await act('call', d);
    await act('call', 120); // older than 90 days

    const res = await rep.get(`/api/v1/customers/${c.id}/health`);
    expect(res.statusCode, res.body).toBe(200);
    const h = res.json();
    expect(h.ruleVersion).toBe(0);
    expect(h.stage.value).toBe('renewal');
    expect(h.serviceRisk.inputs).toMatchObject({ total: 5, complaints: 1, slaMet: 2, slaMissed: 2, slaPending: 1, windowDays: 180, contractDeviation: null });
    const complaintRisk = 0.2 / 0.25; // rate 1/5, ceiling 25%
    const slaRisk = (0.95 - 0.5) / 0.95; // attainment 2/4
    const service100 = Math.round(((100 * (0.4 * complaintRisk + 0.35 * slaRisk)) / 0.75) * 10) / 10;
    expect(h.serviceRisk.value).toBe(service100);
    const contract = h.serviceRisk.components.find((x: { key: string }) => x.key === 'contractDeviation');
    expect(contract).toMatchObject({ available: false, value: null, reason: 'no_contract_data' });
    // Tier A expects 6 e-mails, 1 meeting, 4 calls per 30 days (×3 for 90 days).
    expect(h.activity.inputs).toMatchObject({ tier: 'A', last30: { email: 3, meeting: 0, call: 1 }, last90: { email: 9, meeting: 6, call: 3 } });
    const activity = Math.round(((100 * (6 * (9 / 18) + 1 * 1 + 4 * (3 / 12))) / 11) * 10) / 10;
    expect(h.activity.value).toBe(activity);
    expect(h.overall.riskScore).toBe(Math.round((0.7 * service100 + 0.3 * (100 - activity)) * 10) / 10);
    expect(h.overall.formula['zh-CN']).toContain('总风险');
    expect(h.serviceRisk.formula['en-US']).toContain('Service-risk index');

    // A new rule version changes the numbers and is named in the answer.
    const admin = await as(t, 'admin');
    const rules = (await admin.get('/api/v1/admin/config/health.rules')).json();
    const value = { ...(rules.active?.value ?? rules.default), complaintRateCeiling: 0.5 };
    const proposed = await admin.call('POST', '/api/v1/admin/config/health.rules/proposals', { value, reason: '测试新上限' });
    expect([200, 201], proposed.body).toContain(proposed.statusCode);
    const h2 = (await rep.get(`/api/v1/customers/${c.id}/health`)).json();
    expect(h2.ruleVersion).toBe(1);
    expect(h2.serviceRisk.components[0].risk).toBe(0.4);
  });

  it('[C3] the portfolio ranks customers by risk within each role’s scope (rep own, manager team, director region)', async () => {
    const t = await makeTenant(db);
    const calm = await seedCustomer(t, 'rep');
    const risky = await seedCustomer(t, 'rep');
    const teammate = await seedCustomer(t, 'rep2');
    const otherTeam = await seedCustomer(t, 'rep3');
    const otherRegion = await seedCustomer(t, 'rep4');
    await tickets(t, risky.id, 4, 3, true);
    await tickets(t, teammate.id, 4, 1, false);
    await tickets(t, otherTeam.id, 4, 0, true);
    await tickets(t, calm.id, 3, 0, false);
    const rep = await as(t, 'rep');
    for (let i = 0; i < 12; i++) await rep.call('POST', `/api/v1/customers/${calm.id}/contact-activities`, { kind: 'email', contactName: '王芳', occurredAt: daysAgo(i + 1) });

    const ids = async (user: string, qs = '') => {
      const res = await (await as(t, user)).get(`/api/v1/health/portfolio${qs}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const mine = await ids('rep');
    expect(mine.scope).toBe('own');
    expect(mine.items.map((i: { customerId: string }) => i.customerId)).toEqual([risky.id, calm.id]);
    expect(mine.items[0]).toMatchObject({ tickets: 4, complaints: 3, complaintRate: 0.75, slaAttainment: 0, level: 'at_risk', contractDeviation: null });
    // A rep cannot widen the scope by asking.
    expect((await ids('rep', '?scope=region')).items.map((i: { customerId: string }) => i.customerId).sort()).toEqual([risky.id, calm.id].sort());
    const team = await ids('manager');
    expect(team.scope).toBe('team');
    expect(team.items.map((i: { customerId: string }) => i.customerId)).toEqual([risky.id, teammate.id, calm.id]);
    const region = await ids('director');
    expect(region.items.map((i: { customerId: string }) => i.customerId)).toEqual([risky.id, teammate.id, otherTeam.id, calm.id]);
    expect(region.counts.at_risk).toBeGreaterThanOrEqual(2);
    const atRisk = await ids('director', '?level=at_risk&pageSize=1');
    expect(atRisk.items).toHaveLength(1);
    expect(atRisk.total).toBe(region.counts.at_risk);
    const byTeam = await ids('director', `?teamId=${t.teams[1].id}`);
    expect(byTeam.items.map((i: { customerId: string }) => i.customerId)).toEqual([otherTeam.id]);
    const admin = await ids('admin', `?scope=all&pageSize=2&page=2`);
    expect(admin.total).toBe(5);
    expect(admin.items).toHaveLength(2);
    expect((await ids('director2')).items.map((i: { customerId: string }) => i.customerId)).toEqual([otherRegion.id]);
  });

  it('[C3] [C4] refused role and foreign tenant: marketing gets 403, another tenant’s customer is 404', async () => {
    const t = await makeTenant(db);
    const other = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const foreign = await seedCustomer(other, 'rep');
    const marketing = await as(t, 'marketing');
    expect((await marketing.get('/api/v1/health/portfolio')).statusCode).toBe(403);
    expect((await marketing.get(`/api/v1/customers/${c.id}/health`)).statusCode).toBe(403);
    const admin = await as(t, 'admin');
    expect((await admin.get(`/api/v1/customers/${foreign.id}/health`)).statusCode).toBe(404);
    const rep2 = await as(t, 'rep2');
    expect((await rep2.get(`/api/v1/customers/${c.id}/health`)).statusCode).toBe(404);
    expect((await admin.get('/api/v1/health/portfolio?scope=everyone')).statusCode).toBe(400);
  });

  it('[C3] a customer with no tickets, no contract and no activity: service risk 0, activity 0, inputs say why', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep', { tier: 'KA', stage: 'opportunity' });
    const h = (await (await as(t, 'manager')).get(`/api/v1/customers/${c.id}/health`)).json();
    expect(h.serviceRisk.value).toBe(0);
    expect(h.serviceRisk.components.map((x: { reason: string | null }) => x.reason)).toEqual(['no_tickets', 'no_sla_tickets', 'no_contract_data']);
    expect(h.activity.value).toBe(0);
    expect(h.overall.riskScore).toBe(30);
    expect(h.stage.value).toBe('opportunity');
  });

  it('[C3] on the demo company every planted at-risk customer (ground truth) ranks as at risk', async () => {
    const opts = { seed: 4242, reps: 6, customers: 180, now: new Date(Date.now() - 60_000) };
    // Only this module's pattern and writer: the check does not depend on other modules' demo data.
    const truth = generateCompany({ ...opts, patterns: [atRiskPattern] }).truth.filter((x) => x.pattern === AT_RISK_PATTERN).map((x) => x.id);
    expect(truth.length).toBeGreaterThanOrEqual(6); // at least one per rep
    const demo = await loadDemo(db, {
      ...opts,
      passwordHash: await hashPassword('Demo#Pass-1'),
      patterns: [atRiskPattern],
      onSlice: (tx, tenantId, slice) => engagementWriter.writeSlice(tx, tenantId, slice),
    });
    const admin = await login(app, { slug: 'demo' } as TestTenant, 'admin', 'Demo#Pass-1');
    const res = await app.inject({ method: 'GET', url: '/api/v1/health/portfolio?scope=all&pageSize=200', headers: admin.headers });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p.total).toBe(demo.counts.customers);
    const level = new Map(p.items.map((i: { customerId: string; level: string }) => [i.customerId, i.level]));
    for (const id of truth) expect(level.get(id)).toBe('at_risk');
    // The planted ones sit at the top of the ranking: all of them within the first at-risk block.
    const top = new Set(p.items.slice(0, p.counts.at_risk).map((i: { customerId: string }) => i.customerId));
    expect(truth.every((id) => top.has(id))).toBe(true);
  });
});
