// Calibration cards over HTTP. The items come from a provider registered here that stands in for
// the modules that own conflicts, stale fields and commitments (it records what it is asked to
// write back); the cards, answers, scope, audit and job are the real ones.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import type { Deps } from '../../platform/deps.js';
import { createTestApp, makeTenant, type TestTenant, signedIn } from '../../test/harness.js';
import { makeCreditCode } from '../customers/identity.js';
import { registerItemProvider, type ItemCandidate, type Response } from './providers.js';
import { CALIBRATION_JOB } from './service.js';

let app: App;
let db: Db;
let deps: Deps;
const NOW = new Date('2026-11-03T02:00:00Z');
/** tenant → customer → candidates */
const planted = new Map<string, Map<string, ItemCandidate[]>>();
const applied: { customerId: string; ref: string; response: Response }[] = [];

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => NOW }));
  registerItemProvider({
    name: 'test-items',
    candidates: async (_db, tenantId) => planted.get(tenantId) ?? new Map(),
    apply: async (_tx, _ctx, customerId, item, response) => {
      applied.push({ customerId, ref: item.ref, response });
    },
  });
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

const candidate = (ref: string, kind: ItemCandidate['kind'], urgency: number): ItemCandidate => ({
  ref,
  kind,
  urgency,
  label: { 'zh-CN': `条目 ${ref}`, 'en-US': `Item ${ref}` },
  current: `现值 ${ref}`,
  options: kind === 'conflict' ? [{ value: 'A', source: '工商登记' }, { value: 'B', source: 'CRM' }] : undefined,
  evidence: { urgency },
});

async function tenantWithCards() {
  const t = await makeTenant(db);
  const admin = await as(t, 'admin');
  const customer = async (owner: string) => {
    const r = await admin.post('/api/v1/customers', {
      kind: 'org',
      name: `校准客户${crypto.randomInt(1e6)}有限公司`,
      creditCode: makeCreditCode(`913100${String(crypto.randomInt(1e10)).padStart(11, '0')}`),
      ownerId: t.users[owner].id,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };
  const a = await customer('rep');
  const b = await customer('rep3');
  planted.set(
    t.id,
    new Map([
      [a, [candidate('commitment:1', 'commitment', 10), candidate('field:decisionChain', 'stale', 120), candidate('field:address', 'conflict', 2), candidate('field:name', 'conflict', 3)]],
      [b, [candidate('field:budgetCycle', 'stale', 95)]],
    ]),
  );
  return { t, admin, a, b };
}

describe('calibration cards API', () => {
  it('[C6] an admin builds the month’s cards once: up to 3 items each, conflicts first; building again adds nothing', async () => {
    const { admin, a } = await tenantWithCards();
    const first = await admin.post('/api/v1/calibration/generate', { period: '2026-11' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ customersWithItems: 2, cardsCreated: 2, items: 4 });
    expect((await admin.post('/api/v1/calibration/generate', { period: '2026-11' })).json().cardsCreated).toBe(0);

    const list = (await admin.get('/api/v1/calibration/cards?period=2026-11')).json();
    expect(list.total).toBe(2);
    const cardA = list.items.find((c: any) => c.customerId === a);
    expect(cardA).toMatchObject({ itemCount: 3, answers: 0, answersNeeded: 9, status: 'open' });
    const card = (await admin.get(`/api/v1/calibration/cards/${cardA.id}`)).json();
    expect(card.items.map((i: any) => i.ref)).toEqual(['field:name', 'field:address', 'field:decisionChain']);
    expect(card.items[0].options).toHaveLength(2);
    expect(card.ruleVersion).toBe(1);
    expect(card.myParty).toBeNull(); // admins run the meeting but are not a party
  });

  it('[C6] sales, service and delivery each confirm or correct; corrections go back to the owning module; the card completes', async () => {
    const { t, admin, a } = await tenantWithCards();
    await admin.post('/api/v1/calibration/generate', { period: '2026-11' });
    const rep = await as(t, 'rep');
    const mine = (await rep.get('/api/v1/calibration/cards?period=2026-11')).json();
    expect(mine.items.map((c: any) => c.customerId)).toEqual([a]); // own scope: rep3's customer is not here
    const id = mine.items[0].id;
    const service = await as(t, 'service');
    const delivery = await as(t, 'delivery');

    const confirmed = await rep.post(`/api/v1/calibration/cards/${id}/items/field:name/answers`, { action: 'confirm' });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().items[0].answers).toMatchObject([{ party: 'sales', action: 'confirm' }]);
    const twice = await rep.post(`/api/v1/calibration/cards/${id}/items/field:name/answers`, { action: 'confirm' }, 'en-US');
    expect(twice.statusCode).toBe(409);
    expect(twice.json().detail).toContain('Sales has already answered');

    const noValue = await service.post(`/api/v1/calibration/cards/${id}/items/field:address/answers`, { action: 'correct' });
    expect(noValue.statusCode).toBe(400);
    expect(noValue.json().code).toBe('calibration_value_required');
    const corrected = await service.post(`/api/v1/calibration/cards/${id}/items/field:address/answers`, { action: 'correct', value: '上海市徐汇区漕溪北路88号', note: '客服回访核实' });
    expect(corrected.statusCode).toBe(200);
    expect(applied.filter((x) => x.customerId === a && x.ref === 'field:address')).toEqual([
      { customerId: a, ref: 'field:address', response: { action: 'correct', value: '上海市徐汇区漕溪北路88号', note: '客服回访核实', party: 'service' } },
    ]);
    const audit = await db.query(`select action, after from audit_log where tenant_id = $1 and resource = 'CalibrationCard' and action = 'calibration.correct'`, [t.id]);
    expect(audit.rows[0].after).toMatchObject({ party: 'service', value: '上海市徐汇区漕溪北路88号' });

    for (const ref of ['field:name', 'field:address', 'field:decisionChain']) {
      for (const who of [rep, service, delivery]) {
        const card = (await who.get(`/api/v1/calibration/cards/${id}`)).json();
        if (card.items.find((i: any) => i.ref === ref).answers.some((x: any) => x.party === card.myParty)) continue;
        expect((await who.post(`/api/v1/calibration/cards/${id}/items/${ref}/answers`, { action: 'confirm' })).statusCode).toBe(200);
      }
    }
    const done = (await rep.get(`/api/v1/calibration/cards/${id}`)).json();
    expect(done.status).toBe('done');
    expect(done.completedAt).not.toBeNull();
    expect((await delivery.post(`/api/v1/calibration/cards/${id}/items/field:name/answers`, { action: 'confirm' })).statusCode).toBe(409);
  });

  it('[C6] refused roles and foreign tenants: marketing and BP see no cards, a rep cannot answer another rep’s card, another tenant gets 404', async () => {
    const { t, admin, b } = await tenantWithCards();
    await admin.post('/api/v1/calibration/generate', { period: '2026-11' });
    const cardB = (await admin.get('/api/v1/calibration/cards?period=2026-11')).json().items.find((c: any) => c.customerId === b);
    expect((await (await as(t, 'marketing')).get('/api/v1/calibration/cards')).statusCode).toBe(403);
    expect((await (await as(t, 'bp')).get(`/api/v1/calibration/cards/${cardB.id}`)).statusCode).toBe(403);
    const rep = await as(t, 'rep');
    expect((await rep.get(`/api/v1/calibration/cards/${cardB.id}`)).statusCode).toBe(404);
    expect((await rep.post(`/api/v1/calibration/cards/${cardB.id}/items/field:budgetCycle/answers`, { action: 'confirm' })).statusCode).toBe(404);
    expect((await (await as(t, 'manager2')).get(`/api/v1/calibration/cards/${cardB.id}`)).statusCode).toBe(200); // rep3's manager
    expect((await (await as(t, 'manager3')).get(`/api/v1/calibration/cards/${cardB.id}`)).statusCode).toBe(404);
    expect((await rep.post('/api/v1/calibration/generate', { period: '2026-11' })).statusCode).toBe(403);
    const other = await makeTenant(db);
    const foreign = await (await as(other, 'admin')).get(`/api/v1/calibration/cards/${cardB.id}`);
    expect(foreign.statusCode).toBe(404);
    const badPeriod = await admin.post('/api/v1/calibration/generate', { period: '2026-13' });
    expect(badPeriod.statusCode).toBe(400);
  });

  it('[C6] the monthly job builds the cards for its period and tells owners, service and delivery once', async () => {
    const { t, a } = await tenantWithCards();
    const run = await deps.jobs.runNow(t.id, CALIBRATION_JOB, { periodKey: '2026-11' });
    expect(run.status).toBe('succeeded');
    expect(run.output).toMatchObject({ period: '2026-11', cardsCreated: 2 });
    const inbox = await db.query(`select user_id, title from notifications where tenant_id = $1 and kind = 'calibration.cards' order by title`, [t.id]);
    const who = inbox.rows.map((r: any) => r.user_id);
    expect(who).toEqual(expect.arrayContaining([t.users.rep.id, t.users.rep3.id, t.users.service.id, t.users.delivery.id]));
    const again = await deps.jobs.runNow(t.id, CALIBRATION_JOB, { periodKey: '2026-11', force: true });
    expect(again.output).toMatchObject({ cardsCreated: 0 });
    const after = await db.query(`select count(*)::int as n from notifications where tenant_id = $1 and kind = 'calibration.cards'`, [t.id]);
    expect(after.rows[0].n).toBe(inbox.rows.length);
    expect(a).toBeTruthy();
  });

  it('[C6] [C1] merging two customers moves the merged-away card to the survivor, and undo moves it back', async () => {
    const { t, admin, a, b } = await tenantWithCards();
    await admin.post('/api/v1/calibration/generate', { period: '2026-10' });
    const cards = (await admin.get('/api/v1/calibration/cards?period=2026-10')).json().items;
    const cardB = cards.find((c: any) => c.customerId === b);
    const va = (await admin.get(`/api/v1/customers/${a}`)).json().version;
    const vb = (await admin.get(`/api/v1/customers/${b}`)).json().version;
    const merged = await admin.post('/api/v1/customers/merges', { survivorId: a, mergedId: b, survivorVersion: va, mergedVersion: vb });
    expect(merged.statusCode, merged.body).toBeLessThan(300);
    // a already has its own October card: b's stays with b (one card per customer and month).
    expect((await admin.get(`/api/v1/calibration/cards/${cardB.id}`)).json().customerId).toBe(b);

    const t2 = await tenantWithCards();
    await t2.admin.post('/api/v1/calibration/generate', { period: '2026-10' });
    const only = (await t2.admin.get('/api/v1/calibration/cards?period=2026-10')).json().items.find((c: any) => c.customerId === t2.b);
    // A third customer without a card survives this time.
    const c3 = await t2.admin.post('/api/v1/customers', {
      kind: 'org',
      name: `并入客户${crypto.randomInt(1e6)}有限公司`,
      creditCode: makeCreditCode(`913100${String(crypto.randomInt(1e10)).padStart(11, '0')}`),
      ownerId: t2.t.users.rep3.id,
    });
    const v3 = c3.json().version;
    const vB = (await t2.admin.get(`/api/v1/customers/${t2.b}`)).json().version;
    const m2 = await t2.admin.post('/api/v1/customers/merges', { survivorId: c3.json().id, mergedId: t2.b, survivorVersion: v3, mergedVersion: vB });
    expect(m2.statusCode, m2.body).toBeLessThan(300);
    expect((await t2.admin.get(`/api/v1/calibration/cards/${only.id}`)).json().customerId).toBe(c3.json().id);
    const undo = await t2.admin.post(`/api/v1/customers/merges/${m2.json().id}/undo`);
    expect(undo.statusCode, undo.body).toBeLessThan(300);
    expect((await t2.admin.get(`/api/v1/calibration/cards/${only.id}`)).json().customerId).toBe(t2.b);
    expect(t.id).not.toBe(t2.t.id);
  });
});
