import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeTenant, type TestTenant, signedIn, creditCode, mobile } from '../../../test/harness.js';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { generateCompany } from '../../../demo/generate.js';
import { duplicatePairs, duplicatesPattern, LOOKALIKE_PATTERN } from '../../../demo/duplicates.js';

import { findCandidates, precisionRecall } from './match.js';

let app: App;
let db: Db;
let deps: Deps;
let seq = 0;


beforeAll(async () => {
  ({ app, db, deps } = await createTestApp());
});
afterAll(async () => {
  await app.close();
});

const as = (t: TestTenant, user: string) => signedIn(app, t, user);

/** A customer with a unique trade name (so unrelated test customers never look alike). */
async function seed(t: TestTenant, owner: string, over: Record<string, unknown> = {}) {
  const admin = await as(t, 'admin');
  const n = ++seq;
  const res = await admin.call('POST', '/api/v1/customers', {
    kind: 'org',
    name: `上海${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${'子丑寅卯辰巳午未申酉戌亥'[Math.floor(n / 10) % 12]}第${n}精密机械有限公司`,
    creditCode: creditCode(),
    mobile: mobile(),
    contactName: `联系人${n}`,
    city: '上海',
    address: `上海市浦东新区测试路${n}号`,
    ownerId: t.users[owner].id,
    confirmNotDuplicate: true,
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** The original, and its duplicate entered with another legal form and the same phone. */
async function plantPair(t: TestTenant, ownerA = 'rep', ownerB = 'rep') {
  const a = await seed(t, ownerA, { name: '上海恒瑞精密机械有限公司', mobile: '13812345678', address: '上海市浦东新区世纪大道100号' });
  const b = await seed(t, ownerB, { name: '恒瑞精密机械（上海）股份有限公司', mobile: '138 1234 5678', address: '上海市闵行区人民路1号' });
  return { a, b };
}

async function scanAndFind(t: TestTenant, user = 'manager') {
  const m = await as(t, user);
  const scan = await m.call('POST', '/api/v1/customers/duplicates/scan');
  expect(scan.statusCode, scan.body).toBe(200);
  const list = await m.get('/api/v1/customers/duplicates');
  expect(list.statusCode, list.body).toBe(200);
  return { scan: scan.json(), list: list.json() };
}

async function addVisit(t: TestTenant, customerId: string) {
  const id = crypto.randomUUID();
  await db.query(`insert into visits (tenant_id, id, customer_id, rep_id, team_id, region_id, purpose, occurred_at) values ($1,$2,$3,$4,$5,$6,'拜访',now())`, [
    t.id,
    id,
    customerId,
    t.users.rep.id,
    t.users.rep.teamId,
    t.users.rep.regionId,
  ]);
  return id;
}

describe('duplicate review API', () => {
  it('[C1] the scan finds a planted pair with score, reasons (rule, both values, weight) and rule version', async () => {
    const t = await makeTenant(db);
    const { a, b } = await plantPair(t);
    await seed(t, 'rep');
    const { scan, list } = await scanAndFind(t);
    expect(scan).toMatchObject({ records: 3, candidates: 1, written: 1, ruleVersion: 'c1-dup-1' });
    expect(list.total).toBe(1);
    const pair = list.items[0];
    expect([pair.a.id, pair.b.id].sort()).toEqual([a.id, b.id].sort());
    expect(pair.score).toBe(1);
    expect(pair.ruleVersion).toBe('c1-dup-1');
    expect(pair.reasons.map((r: any) => r.rule)).toEqual(['name_same', 'phone_same']);
    expect(pair.reasons[1]).toMatchObject({ weight: 0.5 });
    expect([pair.reasons[0].a, pair.reasons[0].b].sort()).toEqual([a.name, b.name].sort());
    expect(pair._abilities).toEqual({ merge: true, dismiss: true });
  });

  it('[C1] a dismissed pair is remembered: the next scan does not propose it again', async () => {
    const t = await makeTenant(db);
    await plantPair(t);
    const { list } = await scanAndFind(t);
    const m = await as(t, 'manager');
    const res = await m.call('POST', `/api/v1/customers/duplicates/${list.items[0].id}/dismiss`, { version: list.items[0].version, note: '不同法人' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'dismissed', note: '不同法人' });
    const again = await scanAndFind(t);
    expect(again.scan.candidates).toBe(0);
    expect(again.list.total).toBe(0);
    const dismissed = await m.get('/api/v1/customers/duplicates?status=dismissed');
    expect(dismissed.json().total).toBe(1);
  });

  it('[C1] merge keeps the merged record (hidden from list, search and export; its URL says where it went), moves visits; undo restores both exactly', async () => {
    const t = await makeTenant(db);
    const { a, b } = await plantPair(t);
    const visitOfB = await addVisit(t, b.id);
    const visitOfA = await addVisit(t, a.id);
    const { list } = await scanAndFind(t);
    const m = await as(t, 'manager');
    const beforeA = (await m.get(`/api/v1/customers/${a.id}`)).json();
    const beforeB = (await m.get(`/api/v1/customers/${b.id}`)).json();

    const merged = await m.call('POST', '/api/v1/customers/merges', {
      survivorId: a.id,
      mergedId: b.id,
      survivorVersion: beforeA.version,
      mergedVersion: beforeB.version,
      take: ['address'],
      candidateId: list.items[0].id,
    });
    expect(merged.statusCode, merged.body).toBe(201);
    const mg = merged.json();
    expect(mg).toMatchObject({ survivorId: a.id, mergedId: b.id, fieldsTaken: ['address'], status: 'done' });
    expect(mg.moved['process.visits']).toBe(1);

    const survivor = (await m.get(`/api/v1/customers/${a.id}`)).json();
    expect(survivor.address).toBe(b.address);
    const visits = (await m.get(`/api/v1/customers/${a.id}/visits`)).json().items.map((v: any) => v.id).sort();
    expect(visits).toEqual([visitOfA, visitOfB].sort());

    const gone = await m.get(`/api/v1/customers/${b.id}`);
    expect(gone.statusCode).toBe(200);
    expect(gone.json()).toMatchObject({ status: 'merged', mergedInto: a.id, merge: { mergeId: mg.id, mergedInto: a.id, mergedIntoName: a.name, canUndo: true } });
    expect(gone.json()._abilities).toMatchObject({ update: false, writable: [] });
    const ids = (await m.get('/api/v1/customers?pageSize=200')).json().items.map((c: any) => c.id);
    expect(ids).toContain(a.id);
    expect(ids).not.toContain(b.id);
    const search = (await m.get(`/api/v1/customers?q=${encodeURIComponent('恒瑞精密机械')}`)).json().items.map((c: any) => c.id);
    expect(search).toEqual([a.id]);
    const csv = (await m.get('/api/v1/customers/export?format=csv')).body;
    expect(csv).toContain(a.name);
    expect(csv).not.toContain(b.name);
    // The merged record is closed for edits; the pair left the review list.
    expect((await m.call('PATCH', `/api/v1/customers/${b.id}`, { version: gone.json().version, tier: 'C' })).statusCode).toBe(409);
    expect((await m.get('/api/v1/customers/duplicates')).json().total).toBe(0);
    // The audit row holds both records before and the survivor after.
    const audit = await db.query(`select before, after from audit_log where tenant_id = $1 and action = 'customer.merge'`, [t.id]);
    expect(audit.rows[0].before.merged.name).toBe(b.name);
    expect(audit.rows[0].after.survivor.address).toBe(b.address);

    const undo = await m.call('POST', `/api/v1/customers/merges/${mg.id}/undo`);
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json().status).toBe('undone');
    const strip = ({ version: _v, _abilities: _x, ...rest }: any) => rest;
    const afterA = (await m.get(`/api/v1/customers/${a.id}`)).json();
    const afterB = (await m.get(`/api/v1/customers/${b.id}`)).json();
    expect(strip(afterA)).toEqual(strip(beforeA));
    expect(strip(afterB)).toEqual(strip(beforeB));
    expect(afterA.version).toBeGreaterThan(beforeA.version);
    expect((await m.get(`/api/v1/customers/${b.id}/visits`)).json().items.map((v: any) => v.id)).toEqual([visitOfB]);
    expect((await m.get(`/api/v1/customers/${a.id}/visits`)).json().items.map((v: any) => v.id)).toEqual([visitOfA]);
    expect((await m.get('/api/v1/customers/duplicates')).json().total).toBe(1);
    // Undo twice is refused.
    expect((await m.call('POST', `/api/v1/customers/merges/${mg.id}/undo`)).statusCode).toBe(409);
  });

  it('[C1] the survivor may take the merged record\'s credit code; undo gives each its own back', async () => {
    const t = await makeTenant(db);
    const { a, b } = await plantPair(t);
    const m = await as(t, 'admin');
    const res = await m.call('POST', '/api/v1/customers/merges', { survivorId: a.id, mergedId: b.id, survivorVersion: a.version, mergedVersion: b.version, take: ['creditCode', 'name'] });
    expect(res.statusCode, res.body).toBe(201);
    expect((await m.get(`/api/v1/customers/${a.id}`)).json()).toMatchObject({ creditCode: b.creditCode, name: b.name });
    // A stale undo (survivor edited after the merge) is refused rather than losing the edit.
    const cur = (await m.get(`/api/v1/customers/${a.id}`)).json();
    expect((await m.call('PATCH', `/api/v1/customers/${a.id}`, { version: cur.version, tier: 'KA' })).statusCode).toBe(200);
    const stale = await m.call('POST', `/api/v1/customers/merges/${res.json().id}/undo`);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('merge_undo_stale');
  });

  it('[C1] creating a likely duplicate of a visible customer answers 409 with the candidates; confirmNotDuplicate creates it', async () => {
    const t = await makeTenant(db);
    const a = await seed(t, 'rep', { name: '上海华远物流有限公司', address: '上海市徐汇区漕溪北路88号', mobile: '13700001111' });
    const rep = await as(t, 'rep');
    const body = { kind: 'org', name: '华远物流（上海）有限公司', creditCode: creditCode(), mobile: '13911112222', city: '上海', address: '徐汇区 漕溪北路88号' };
    const refused = await rep.call('POST', '/api/v1/customers', body);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('likely_duplicate');
    expect(refused.json().candidates).toEqual([
      expect.objectContaining({ id: a.id, name: a.name, score: 0.9, ruleVersion: 'c1-dup-1', reasons: [expect.objectContaining({ rule: 'name_same' }), expect.objectContaining({ rule: 'address_same' })] }),
    ]);
    const en = await app.inject({ method: 'POST', url: '/api/v1/customers', payload: body, headers: { ...(await login(app, t, 'rep')).headers, 'accept-language': 'en-US' } });
    expect(en.json().detail).toMatch(/likely duplicate/);
    // The exact-key check still answers first.
    expect((await rep.call('POST', '/api/v1/customers', { ...body, creditCode: a.creditCode })).json().code).toBe('duplicate_customer');
    const created = await rep.call('POST', '/api/v1/customers', { ...body, confirmNotDuplicate: true });
    expect(created.statusCode, created.body).toBe(201);
    // A customer the actor cannot see is not revealed as a likely duplicate.
    const other = await as(t, 'rep4');
    const ok = await other.call('POST', '/api/v1/customers', { ...body, creditCode: creditCode(), mobile: '13933334444', name: '华远物流有限公司', city: '上海' });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('[C1] [C4] refused roles: a rep cannot merge (even own customers), marketing cannot see candidates, a rep sees only pairs of own customers', async () => {
    const t = await makeTenant(db);
    const { a, b } = await plantPair(t, 'rep', 'rep2');
    await scanAndFind(t);
    const rep = await as(t, 'rep');
    expect((await rep.get('/api/v1/customers/duplicates')).json().total).toBe(0);
    // A pair of the rep's own customers is visible to the rep, but not mergeable by the rep.
    const own1 = await seed(t, 'rep', { name: '上海博达软件有限公司', address: '上海市徐汇区漕溪北路88号' });
    const own2 = await seed(t, 'rep', { name: '博达软件(上海)有限公司', address: '上海市 徐汇区漕溪北路88号' });
    await scanAndFind(t);
    const mine = (await rep.get('/api/v1/customers/duplicates')).json();
    expect(mine.items.map((p: any) => [p.a.id, p.b.id].sort())).toEqual([[own1.id, own2.id].sort()]);
    expect(mine.items[0]._abilities).toEqual({ merge: false, dismiss: false });
    expect((await rep.call('POST', `/api/v1/customers/duplicates/${mine.items[0].id}/dismiss`, { version: 1 })).statusCode).toBe(403);
    const merge = await rep.call('POST', '/api/v1/customers/merges', { survivorId: a.id, mergedId: b.id, survivorVersion: 1, mergedVersion: 1, take: [] });
    expect(merge.statusCode).toBe(403);
    expect((await rep.call('POST', '/api/v1/customers/duplicates/scan')).statusCode).toBe(403);
    const marketing = await as(t, 'marketing');
    expect((await marketing.get('/api/v1/customers/duplicates')).statusCode).toBe(403);
    // A manager of another team sees neither customer: the pair does not exist for them.
    const m2 = await as(t, 'manager2');
    const list = await m2.get('/api/v1/customers/duplicates');
    expect(list.json().total).toBe(0);
    const id = (await (await as(t, 'manager')).get('/api/v1/customers/duplicates')).json().items[0].id;
    expect((await m2.get(`/api/v1/customers/duplicates/${id}`)).statusCode).toBe(404);
    expect((await m2.call('POST', `/api/v1/customers/duplicates/${id}/dismiss`, { version: 1 })).statusCode).toBe(404);
    expect((await m2.call('POST', '/api/v1/customers/merges', { survivorId: a.id, mergedId: b.id, survivorVersion: 1, mergedVersion: 1, take: [] })).statusCode).toBe(404);
  });

  it('[C1] foreign tenant: another tenant\'s pair, customers and merge are not found', async () => {
    const t = await makeTenant(db);
    const { a, b } = await plantPair(t);
    const { list } = await scanAndFind(t, 'admin');
    const admin = await as(t, 'admin');
    const mg = (await admin.call('POST', '/api/v1/customers/merges', { survivorId: a.id, mergedId: b.id, survivorVersion: a.version, mergedVersion: b.version, take: [] })).json();
    const other = await makeTenant(db);
    const o = await as(other, 'admin');
    expect((await o.get(`/api/v1/customers/duplicates/${list.items[0].id}`)).statusCode).toBe(404);
    expect((await o.call('POST', `/api/v1/customers/duplicates/${list.items[0].id}/dismiss`, { version: 1 })).statusCode).toBe(404);
    expect((await o.get(`/api/v1/customers/merges/${mg.id}`)).statusCode).toBe(404);
    expect((await o.call('POST', `/api/v1/customers/merges/${mg.id}/undo`)).statusCode).toBe(404);
    expect((await o.call('POST', '/api/v1/customers/merges', { survivorId: a.id, mergedId: b.id, survivorVersion: 1, mergedVersion: 1, take: [] })).statusCode).toBe(404);
    expect((await o.get('/api/v1/customers/duplicates')).json().total).toBe(0);
  });

  it('[C1] the nightly scan job is registered and writes candidates', async () => {
    const t = await makeTenant(db);
    await plantPair(t);
    expect(deps.jobs.definitions().map((d) => d.id)).toContain('customers.duplicate-scan');
    const run = await deps.jobs.runNow(t.id, 'customers.duplicate-scan');
    expect(run.status).toBe('succeeded');
    expect(run.output).toMatchObject({ candidates: 1 });
  });

  it('[C1] precision ≥ 0.95 and recall ≥ 0.90 on a generated company with planted duplicates and look-alikes', () => {
    const company = generateCompany({ seed: 11, reps: 60, customers: 6000, now: new Date('2026-11-26T08:00:00Z'), patterns: [duplicatesPattern], maxVisitsPerRepDay: 0 });
    const truth = duplicatePairs(company.truth);
    expect(truth.length).toBeGreaterThan(50);
    expect(company.truth.filter((x) => x.pattern === LOOKALIKE_PATTERN).length).toBeGreaterThan(30);
    const { candidates } = findCandidates(company.customers);
    const pr = precisionRecall(candidates, truth);
    expect(pr.precision).toBeGreaterThanOrEqual(0.95);
    expect(pr.recall).toBeGreaterThanOrEqual(0.9);
    // No look-alike is proposed together with the record it imitates.
    const found = new Set(candidates.map((c) => [c.aId, c.bId].sort().join('|')));
    const lookalikes = company.truth.filter((x) => x.pattern === LOOKALIKE_PATTERN).map((x) => [x.id, String(x.detail!.lookalikeOf)].sort().join('|'));
    expect(lookalikes.filter((k) => found.has(k))).toEqual([]);
  });
});
