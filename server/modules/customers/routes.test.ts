import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeTenant, type TestTenant, signedIn, creditCode, mobile } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';


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
    name: `客户${++seq}有限公司`,
    creditCode: creditCode(),
    mobile: mobile(),
    contactName: '王芳',
    industry: '制造业',
    tier: 'A',
    city: '上海',
    address: '上海市浦东新区世纪大道100号',
    ownerId: t.users[ownerName].id,
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('customers API', () => {
  it('[X1] [C4] each role lists exactly its scope: rep own, manager team, director region, admin all', async () => {
    const t = await makeTenant(db);
    const mine = await seedCustomer(t, 'rep');
    const teammate = await seedCustomer(t, 'rep2');
    const otherTeam = await seedCustomer(t, 'rep3');
    const otherRegion = await seedCustomer(t, 'rep4');
    const ids = async (user: string) => ((await (await as(t, user)).get('/api/v1/customers?pageSize=100')).json().items as { id: string }[]).map((c) => c.id).sort();
    expect(await ids('rep')).toEqual([mine.id]);
    expect(await ids('manager')).toEqual([mine.id, teammate.id].sort());
    expect(await ids('director')).toEqual([mine.id, teammate.id, otherTeam.id].sort());
    expect(await ids('admin')).toEqual([mine.id, teammate.id, otherTeam.id, otherRegion.id].sort());
    expect(await ids('director2')).toEqual([otherRegion.id]);
  });

  it("[X1] a record outside the caller's scope reads as not found (404), not forbidden", async () => {
    const t = await makeTenant(db);
    const theirs = await seedCustomer(t, 'rep2');
    const rep = await as(t, 'rep');
    const res = await rep.get(`/api/v1/customers/${theirs.id}`);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const patch = await rep.call('PATCH', `/api/v1/customers/${theirs.id}`, { version: 1, name: '偷改' });
    expect(patch.statusCode).toBe(404);
  });

  it("[X1] a foreign tenant's customer is invisible: 404 on read and write, absent from lists", async () => {
    const a = await makeTenant(db);
    const b = await makeTenant(db);
    const inA = await seedCustomer(a, 'rep');
    const adminB = await as(b, 'admin');
    expect((await adminB.get(`/api/v1/customers/${inA.id}`)).statusCode).toBe(404);
    expect((await adminB.call('PATCH', `/api/v1/customers/${inA.id}`, { version: 1, name: 'x' })).statusCode).toBe(404);
    expect((await adminB.get('/api/v1/customers')).json().total).toBe(0);
  });

  it('[C4] marketing sees de-identified customers in list, detail, search and export; searching a hidden name finds nothing', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep', { name: '杭州青松医疗器械有限公司', mobile: '13912345678', contactName: '李娜' });
    const mk = await as(t, 'marketing');
    const detail = (await mk.get(`/api/v1/customers/${c.id}`)).json();
    expect(detail.mobile).toBe('139****5678');
    expect(detail.contactName).toBe('李*');
    expect(detail.name).not.toContain('青松');
    expect(detail.industry).toBe('制造业');
    expect(detail._abilities.masked).toEqual(expect.arrayContaining(['name', 'mobile', 'contactName']));
    expect((await mk.get(`/api/v1/customers?q=${encodeURIComponent('青松')}`)).json().total).toBe(0);
    expect((await mk.get('/api/v1/customers?q=13912345678')).json().total).toBe(0);
    const csv = (await mk.get('/api/v1/customers/export?format=csv')).body;
    expect(csv).not.toContain('13912345678');
    expect(csv).not.toContain('青松');
    expect(csv).toContain('139****5678');
  });

  it('[C4] a rep may not change owner or tier; a service user may not edit at all', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const rep = await as(t, 'rep');
    const res = await rep.call('PATCH', `/api/v1/customers/${c.id}`, { version: c.version, tier: 'KA' });
    expect(res.statusCode).toBe(403);
    expect(res.json().fields).toEqual(['tier']);
    const svc = await as(t, 'service');
    expect((await svc.call('PATCH', `/api/v1/customers/${c.id}`, { version: c.version, name: '改名' })).statusCode).toBe(403);
    expect((await svc.call('POST', '/api/v1/customers', { kind: 'org', name: 'x', creditCode: creditCode() })).statusCode).toBe(403);
    const after = (await (await as(t, 'admin')).get(`/api/v1/customers/${c.id}`)).json();
    expect(after.tier).toBe('A');
    expect(after.version).toBe(c.version);
  });

  it('[C1] create rejects a credit code with a wrong check character, in Chinese or English, and writes nothing', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const good = creditCode();
    const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
    const zh = await admin.call('POST', '/api/v1/customers', { kind: 'org', name: '坏代码公司', creditCode: bad }, { 'accept-language': 'zh-CN' });
    expect(zh.statusCode).toBe(400);
    expect(zh.headers['content-type']).toContain('application/problem+json');
    expect(zh.json().detail).toContain('校验位不正确');
    const en = await admin.call('POST', '/api/v1/customers', { kind: 'org', name: '坏代码公司', creditCode: bad }, { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.json().detail).toMatch(/check character is wrong/);
    expect((await admin.get('/api/v1/customers')).json().total).toBe(0);
    const audit = await db.query(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'customer.create'`, [t.id]);
    expect(audit.rows[0].n).toBe(0);
  });

  it('[C1] mobile numbers are normalised (+86, spaces, dashes) and a duplicate key finds the existing customer', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const res = await admin.call('POST', '/api/v1/customers', { kind: 'person', name: '赵敏', mobile: '+86 139-1234-0001', ownerId: t.users.rep.id });
    expect(res.statusCode).toBe(201);
    expect(res.json().mobile).toBe('13912340001');
    const dup = await admin.call('POST', '/api/v1/customers', { kind: 'person', name: '赵敏2', mobile: '13912340001' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().existingId).toBe(res.json().id);
    const badMobile = await admin.call('POST', '/api/v1/customers', { kind: 'person', name: '钱', mobile: '12345' });
    expect(badMobile.statusCode).toBe(400);
    expect(badMobile.json().detail).toContain('手机号无效');
  });

  it('[X1] a stale version gets 409 and the newer change survives', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const rep = await as(t, 'rep');
    const mgr = await as(t, 'manager');
    expect((await mgr.call('PATCH', `/api/v1/customers/${c.id}`, { version: c.version, city: '苏州' })).statusCode).toBe(200);
    const stale = await rep.call('PATCH', `/api/v1/customers/${c.id}`, { version: c.version, city: '无锡' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentVersion).toBe(c.version + 1);
    expect((await rep.get(`/api/v1/customers/${c.id}`)).json().city).toBe('苏州');
  });

  it('[X1] every change is audited with before → after, and unmasked phone reads are logged', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep');
    const rep = await as(t, 'rep');
    await rep.call('PATCH', `/api/v1/customers/${c.id}`, { version: c.version, city: '南京' });
    await rep.get(`/api/v1/customers/${c.id}`);
    const admin = await as(t, 'admin');
    const log = (await admin.get(`/api/v1/admin/audit?recordId=${c.id}`)).json().items;
    const update = log.find((e: any) => e.action === 'customer.update');
    expect(update.before).toEqual(expect.objectContaining({ city: '上海' }));
    expect(update.after).toEqual(expect.objectContaining({ city: '南京' }));
    expect(update.actorId).toBe(t.users.rep.id);
    const read = log.find((e: any) => e.action === 'sensitive_read' && e.actorId === t.users.rep.id);
    expect(read.after.fields).toEqual(expect.arrayContaining(['mobile']));
    expect((await rep.get('/api/v1/admin/audit')).statusCode).toBe(403);
  });

  it('[X1] the audit log is append-only: the database refuses to change it', async () => {
    await expect(db.query('update audit_log set action = $1', ['tampered'])).rejects.toThrow(/append-only/);
    await expect(db.query('delete from audit_log')).rejects.toThrow(/append-only/);
  });

  it('[X4] search by name, credit code and phone; filter by tier; sort and paginate on the server', async () => {
    const t = await makeTenant(db);
    const code = creditCode();
    await seedCustomer(t, 'rep', { name: '苏州明远光电有限公司', creditCode: code, tier: 'KA' });
    await seedCustomer(t, 'rep', { name: '宁波东海物流有限公司', mobile: '13700001111', tier: 'B' });
    for (let i = 0; i < 5; i++) await seedCustomer(t, 'rep2', { tier: 'C' });
    const admin = await as(t, 'admin');
    const q = async (qs: string) => (await admin.get(`/api/v1/customers?${qs}`)).json();
    expect((await q(`q=${encodeURIComponent('明远')}`)).items.map((c: any) => c.name)).toEqual(['苏州明远光电有限公司']);
    expect((await q(`q=${code.slice(0, 12)}`)).items.map((c: any) => c.creditCode)).toEqual([code]);
    expect((await q('q=1370000')).items.map((c: any) => c.mobile)).toEqual(['13700001111']);
    expect((await q('tier=KA')).total).toBe(1);
    const page1 = await q('tier=C&pageSize=2&page=1&sort=name&order=asc');
    const page2 = await q('tier=C&pageSize=2&page=2&sort=name&order=asc');
    expect(page1.total).toBe(5);
    expect(page1.items).toHaveLength(2);
    const names = [...page1.items, ...page2.items].map((c: any) => c.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(names).size).toBe(4);
  });

  it('[X4] CSV and XLSX exports neutralise cells that would run as formulas', async () => {
    const t = await makeTenant(db);
    await seedCustomer(t, 'rep', { name: '=HYPERLINK("http://evil","x")', address: '@SUM(A1)', tags: ['+danger', '-x'] });
    const admin = await as(t, 'admin');
    const csv = await admin.get('/api/v1/customers/export?format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv.body).toContain("'@SUM(A1)");
    expect(csv.body).toContain("'+danger,-x");
    expect(csv.body.split('\r\n')[0]).toContain('统一社会信用代码');
    const xlsx = await admin.get('/api/v1/customers/export?format=xlsx');
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as any);
    const ws = wb.worksheets[0];
    expect(ws.getRow(1).values).toEqual(expect.arrayContaining(['客户名称']));
    expect(ws.getRow(2).getCell(1).value).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(ws.getRow(2).getCell(1).formula).toBeUndefined();
  });

  it('[X5] bad input gets a clear 4xx problem: unknown fields, wrong types, malformed JSON, bad ids, oversized bodies', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const unknown = await admin.call('POST', '/api/v1/customers', { kind: 'org', name: 'x', creditCode: creditCode(), hacker: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toContain('hacker');
    const wrongType = await admin.call('POST', '/api/v1/customers', { kind: 'org', name: 42 }, { 'accept-language': 'en' });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0]).toEqual({ path: 'name', message: 'must be text' });
    const malformed = await app.inject({ method: 'POST', url: '/api/v1/customers', payload: '{"kind":', headers: { ...admin.headers, 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('malformed_json');
    expect((await admin.get('/api/v1/customers/not-a-uuid')).statusCode).toBe(400);
    expect((await admin.get('/api/v1/customers?pageSize=100000')).statusCode).toBe(400);
    const huge = await admin.call('POST', '/api/v1/customers', { kind: 'org', name: 'x'.repeat(2_000_000) });
    expect(huge.statusCode).toBe(413);
    expect((await admin.get('/api/v1/customers')).json().total).toBe(0);
  });
});
