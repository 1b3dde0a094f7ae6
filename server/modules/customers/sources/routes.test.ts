import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeTenant, type TestTenant, creditCode, mobile } from '../../../test/harness.js';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { ELF, multipart } from '../../../platform/files/test-fixtures.js';

import { calibrationProvider, FRESHNESS_JOB } from './service.js';
import { systemCtx } from '../../../platform/context.js';

let app: App;
let db: Db;
let deps: Deps;
let clock: Date | null = null;
let seq = 0;


beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => clock ?? new Date() }));
});
afterAll(async () => {
  await app.close();
});

async function as(t: TestTenant, user: string) {
  const s = await login(app, t, user);
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, payload: payload as any, headers: { ...s.headers, ...headers } });
  const upload = async (filename: string, content: Buffer) => {
    const m = multipart({ filename, content });
    const res = await app.inject({ method: 'POST', url: '/api/v1/files', payload: m.payload, headers: { ...s.headers, ...m.headers } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().sha256 as string;
  };
  return { ...s, call, upload, get: (url: string) => call('GET', url) };
}

async function seedCustomer(t: TestTenant, owner: string, over: Record<string, unknown> = {}) {
  const admin = await as(t, 'admin');
  const res = await admin.call('POST', '/api/v1/customers', {
    kind: 'org',
    name: `源客户${++seq}有限公司`,
    creditCode: creditCode(),
    mobile: mobile(),
    contactName: '王芳',
    tier: 'A',
    city: '上海',
    ownerId: t.users[owner].id,
    ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const gbkCsv = (rows: string[][]) => iconv.encode(rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n', 'gbk');

async function xlsx(rows: unknown[][]) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('客户');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function count(sql: string, params: unknown[]) {
  return (await db.query<{ n: number }>(sql, params)).rows[0].n;
}

describe('customer sources: import wizard', () => {
  it('[C2] preview of a GBK CSV: encoding detected, first rows decoded, customers mapping suggested from Chinese headers', async () => {
    const t = await makeTenant(db);
    const manager = await as(t, 'manager');
    const code = creditCode();
    const sha = await manager.upload('客户.csv', gbkCsv([['企业名称', '统一社会信用代码', '注册地址', '备注'], ['杭州云栖科技有限公司', code, '杭州市西湖区文三路 1 号', '来自工商']]));
    const res = await manager.call('POST', '/api/v1/customers/imports/preview', { sha256: sha });
    expect(res.statusCode, res.body).toBe(200);
    const p = res.json();
    expect(p).toMatchObject({ format: 'csv', encoding: 'gb18030', headers: ['企业名称', '统一社会信用代码', '注册地址', '备注'], totalRows: 1 });
    expect(p.rows[0].cells[0]).toBe('杭州云栖科技有限公司');
    const customers = p.suggestions.find((s: { target: string }) => s.target === 'customers');
    expect(customers.mapping).toEqual({ 0: 'name', 1: 'creditCode', 2: 'address' });
  });

  it('[C2] XLSX dry run reports row errors (credit code, mobile, missing name, 10,001-char cell, formula); commit refuses until a partial import is confirmed', async () => {
    const t = await makeTenant(db);
    const manager = await as(t, 'manager');
    const good1 = creditCode();
    const good2 = creditCode();
    const buf = await xlsx([
      ['客户名称', '统一社会信用代码', '手机号', '地址', '决策链'],
      ['好客户一有限公司', good1, '13912345678', '上海市', '总经理→CTO'],
      ['坏代码有限公司', '91310000MA1FL0XX1Y', '', '上海市', ''],
      ['坏手机有限公司', creditCode(), '12345', '上海市', ''],
      ['', creditCode(), '', '上海市', ''],
      ['超长有限公司', creditCode(), '', 'x'.repeat(10_001), ''],
      ['公式有限公司', creditCode(), '', { formula: 'A2&"x"', result: 'x' }, ''],
      ['好客户二有限公司', good2, '', '北京市', ''],
    ]);
    const sha = await manager.upload('客户.xlsx', buf);
    const body = { sha256: sha, target: 'customers', sourceSystem: '工商登记', mapping: { 0: 'name', 1: 'creditCode', 2: 'mobile', 3: 'address', 4: 'decisionChain' } };
    const dry = await manager.call('POST', '/api/v1/customers/imports/dry-run', body, { 'accept-language': 'en-US' });
    expect(dry.statusCode, dry.body).toBe(200);
    const d = dry.json();
    expect(d).toMatchObject({ format: 'xlsx', totalRows: 7, validRows: 2, errorRows: 5, newCustomers: 2 });
    const byRow = Object.fromEntries(d.errors.map((e: { rowNo: number; code: string; column: string }) => [e.rowNo, `${e.column}:${e.code}`]));
    expect(byRow).toEqual({
      3: 'creditCode:credit_code_check_char',
      4: 'mobile:invalid_mobile',
      5: 'name:required',
      6: 'address:cell_too_long',
      7: 'address:formula',
    });
    expect(d.errors[0].message['zh-CN']).toContain('校验位');
    expect(d.errors[0].message['en-US']).toContain('check character');

    const refused = await manager.call('POST', '/api/v1/customers/imports', body);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'import_has_errors', errorRows: 5, validRows: 2 });
    expect(refused.json().detail).toContain('5 行有错误');
    expect(await count('select count(*)::int as n from customers where tenant_id = $1', [t.id])).toBe(0);
    expect(await count('select count(*)::int as n from customer_field_values where tenant_id = $1', [t.id])).toBe(0);

    const partial = await manager.call('POST', '/api/v1/customers/imports', { ...body, allowPartial: true });
    expect(partial.statusCode, partial.body).toBe(201);
    expect(partial.json()).toMatchObject({ alreadyImported: false, created: 2, appliedRows: 2, errorRows: 5 });
    const list = await manager.get(`/api/v1/customers?q=${good1}`);
    expect(list.json().items[0]).toMatchObject({ name: '好客户一有限公司', mobile: '13912345678', ownerId: t.users.manager.id });
    const id = list.json().items[0].id;
    const src = (await manager.get(`/api/v1/customers/${id}/sources`)).json();
    const chain = src.fields.find((f: { field: string }) => f.field === 'decisionChain');
    expect(chain.golden).toMatchObject({ value: '总经理→CTO', sourceSystem: '工商登记', channel: 'import' });
    expect(chain.values[0]).toMatchObject({ importerName: 'manager 测试', batchId: partial.json().batchId });
    expect(chain.age.ageDays).toBe(0);

    // The same file again: recognised, nothing changes.
    const again = await manager.call('POST', '/api/v1/customers/imports', { ...body, allowPartial: true });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ alreadyImported: true, batch: { created: 2 } });
    expect(await count('select count(*)::int as n from customers where tenant_id = $1', [t.id])).toBe(2);
    const audit = await count(`select count(*)::int as n from audit_log where tenant_id = $1 and action = 'customer.import'`, [t.id]);
    expect(audit).toBe(1);
  });

  it('[C2] malformed files get a clear problem and write nothing: missing required column, broken XLSX, binary, wrong encoding, unknown target', async () => {
    const t = await makeTenant(db);
    const manager = await as(t, 'manager');
    const noName = await manager.upload('a.csv', Buffer.from(`统一社会信用代码,城市\n${creditCode()},上海\n`, 'utf8'));
    const r1 = await manager.call('POST', '/api/v1/customers/imports/dry-run', { sha256: noName, target: 'customers', sourceSystem: 'CRM' });
    expect(r1.statusCode).toBe(422);
    expect(r1.json()).toMatchObject({ code: 'import_missing_columns', missing: ['name'] });
    expect(r1.json().detail).toContain('客户名称');

    const good = await xlsx([['客户名称', '统一社会信用代码'], ['x', creditCode()]]);
    const broken = await manager.upload('b.xlsx', good.subarray(0, Math.floor(good.length / 2)));
    const r2 = await manager.call('POST', '/api/v1/customers/imports/preview', { sha256: broken });
    expect(r2.statusCode).toBe(422);
    expect(r2.json().code).toBe('import_broken_xlsx');
    expect(r2.json().detail).toContain('XLSX');
    // Binary content and bytes that are neither UTF-8 nor GB18030 are refused at upload (415), before any import.
    for (const content of [ELF, Buffer.from([0x41, 0x2c, 0xff, 0xfe, 0xff, 0x0a, 0x42, 0x2c, 0xff, 0x0a])]) {
      const m = multipart({ filename: 'x.csv', content });
      const up = await app.inject({ method: 'POST', url: '/api/v1/files', payload: m.payload, headers: { ...manager.headers, ...m.headers } });
      expect(up.statusCode).toBe(415);
      expect(up.headers['content-type']).toContain('application/problem+json');
    }
    const r3 = await manager.call('POST', '/api/v1/customers/imports', { sha256: noName, target: 'nonsense', sourceSystem: 'CRM' });
    expect(r3.statusCode).toBe(404);
    expect(r3.json().code).toBe('import_unknown_target');
    expect(await count('select count(*)::int as n from customer_import_batches where tenant_id = $1', [t.id])).toBe(0);
  });

  it('[C2] re-importing overlapping rows changes nothing that is unchanged', async () => {
    const t = await makeTenant(db);
    const manager = await as(t, 'manager');
    const [a, b, c] = [creditCode(), creditCode(), creditCode()];
    const f1 = await manager.upload('1.csv', Buffer.from(`客户名称,统一社会信用代码,城市\nA公司,${a},上海\nB公司,${b},杭州\n`, 'utf8'));
    const f2 = await manager.upload('2.csv', Buffer.from(`客户名称,统一社会信用代码,城市\nA公司,${a},上海\nC公司,${c},南京\n`, 'utf8'));
    const r1 = await manager.call('POST', '/api/v1/customers/imports', { sha256: f1, target: 'customers', sourceSystem: '工商登记' });
    expect(r1.json()).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const values = await count('select count(*)::int as n from customer_field_values where tenant_id = $1', [t.id]);
    const r2 = await manager.call('POST', '/api/v1/customers/imports', { sha256: f2, target: 'customers', sourceSystem: '工商登记' });
    expect(r2.json()).toMatchObject({ created: 1, updated: 0, unchanged: 1 });
    expect(await count('select count(*)::int as n from customer_field_values where tenant_id = $1', [t.id])).toBe(values + 3);
  });
});

describe('customer sources: conflicts', () => {
  it('[C2] a GBK import that disagrees with the master opens a conflict, listed per customer and across customers by scope; resolving is audited and becomes the master value', async () => {
    const t = await makeTenant(db);
    const cust = await seedCustomer(t, 'rep', { name: '上海恒瑞机械' });
    const other = await seedCustomer(t, 'rep3');
    const manager = await as(t, 'manager');
    const sha = await manager.upload('工商.csv', gbkCsv([['企业名称', '统一社会信用代码', '城市'], ['上海恒瑞精密机械有限公司', cust.creditCode, '上海']]));
    const imp = await manager.call('POST', '/api/v1/customers/imports', { sha256: sha, target: 'customers', sourceSystem: '工商登记' });
    expect(imp.statusCode, imp.body).toBe(201);
    expect(imp.json()).toMatchObject({ created: 0, updated: 1 });
    const sha2 = await manager.upload('工商2.csv', gbkCsv([['企业名称', '统一社会信用代码'], ['别的名字有限公司', other.creditCode]]));
    // rep3's customer is outside the manager's team: refused with the reason, nothing written.
    const out = await manager.call('POST', '/api/v1/customers/imports/dry-run', { sha256: sha2, target: 'customers', sourceSystem: '工商登记' });
    expect(out.json().errors[0]).toMatchObject({ rowNo: 2, code: 'out_of_scope' });

    const rep = await as(t, 'rep');
    const detail = (await rep.get(`/api/v1/customers/${cust.id}`)).json();
    expect(detail.name).toBe('上海恒瑞机械'); // the person-entered master value stands until resolved
    const src = (await rep.get(`/api/v1/customers/${cust.id}/sources`)).json();
    const name = src.fields.find((f: { field: string }) => f.field === 'name');
    expect(name.conflict.status).toBe('open');
    expect(name.conflict.candidates.map((c: { sourceSystem: string; value: string }) => `${c.sourceSystem}=${c.value}`)).toEqual(['CRM=上海恒瑞机械', '工商登记=上海恒瑞精密机械有限公司']);
    expect(src.fields.find((f: { field: string }) => f.field === 'city').conflict).toBeNull();

    const list = await rep.get('/api/v1/customers/conflicts?status=open');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((i: { customerId: string; field: string }) => `${i.customerId}:${i.field}`)).toEqual([`${cust.id}:name`]);
    const rep3 = await as(t, 'rep3');
    expect((await rep3.get('/api/v1/customers/conflicts')).json().items).toEqual([]);
    const marketing = await as(t, 'marketing');
    expect((await marketing.get('/api/v1/customers/conflicts')).statusCode).toBe(403);
    expect((await rep3.call('POST', `/api/v1/customers/${cust.id}/conflicts/name/resolve`, { value: 'x', note: 'n' })).statusCode).toBe(404);

    const resolved = await rep.call('POST', `/api/v1/customers/${cust.id}/conflicts/name/resolve`, {
      value: '上海恒瑞精密机械有限公司',
      note: '以营业执照为准',
      version: name.conflict.version,
    });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json().masterChanged).toEqual(['name']);
    expect((await rep.get(`/api/v1/customers/${cust.id}`)).json().name).toBe('上海恒瑞精密机械有限公司');
    const after = (await rep.get(`/api/v1/customers/${cust.id}/sources`)).json().fields.find((f: { field: string }) => f.field === 'name');
    expect(after.golden).toMatchObject({ value: '上海恒瑞精密机械有限公司', sourceSystem: '人工确认', channel: 'resolution', reason: 'person' });
    expect(after.conflict).toMatchObject({ status: 'resolved', note: '以营业执照为准', resolvedByName: 'rep 测试' });
    expect((await rep.get('/api/v1/customers/conflicts?status=open')).json().total).toBe(0);
    const audit = await db.query(`select actor_id, after from audit_log where tenant_id = $1 and action = 'customer.conflict.resolve'`, [t.id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].actor_id).toBe(t.users.rep.id);
    expect(audit.rows[0].after).toMatchObject({ field: 'name', value: '上海恒瑞精密机械有限公司', note: '以营业执照为准' });
    // Resolving again: there is nothing open.
    expect((await rep.call('POST', `/api/v1/customers/${cust.id}/conflicts/name/resolve`, { value: 'y', note: 'n' })).statusCode).toBe(409);
  });

  it('[C2] [C4] a rep may not resolve a conflict on a field it may not write (tier); another tenant\'s customer is 404', async () => {
    const t = await makeTenant(db);
    const cust = await seedCustomer(t, 'rep', { tier: 'A' });
    const admin = await as(t, 'admin');
    const api = await admin.call('POST', '/api/v1/integrations/customers?source=CRM-旧系统', [{ name: cust.name, creditCode: cust.creditCode, tier: 'KA' }]);
    expect(api.statusCode, api.body).toBe(201);
    const rep = await as(t, 'rep');
    const res = await rep.call('POST', `/api/v1/customers/${cust.id}/conflicts/tier/resolve`, { value: 'KA', note: '升级' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden_field_write');
    const other = await makeTenant(db);
    const stranger = await as(other, 'admin');
    expect((await stranger.get(`/api/v1/customers/${cust.id}/sources`)).statusCode).toBe(404);
    expect((await stranger.call('POST', `/api/v1/customers/${cust.id}/conflicts/tier/resolve`, { value: 'KA', note: 'x' })).statusCode).toBe(404);
    expect((await stranger.call('PUT', `/api/v1/customers/${cust.id}/profile/budgetCycle`, { value: 'Q1' })).statusCode).toBe(404);
  });
});

describe('customer sources: integration API', () => {
  async function token(t: TestTenant, user: string) {
    const s = await as(t, user);
    const res = await s.call('POST', '/api/v1/me/tokens', { name: `${user} 集成` });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().token as string;
  }

  it('[C2] [C4] field rules apply to API tokens as to the UI: a rep token may not write tier, a manager token may; retries with the same idempotency key do not double-write', async () => {
    const t = await makeTenant(db);
    const cust = await seedCustomer(t, 'rep');
    const repToken = await token(t, 'rep');
    const managerToken = await token(t, 'manager');
    const rows = [{ name: cust.name, creditCode: cust.creditCode, tier: 'KA', budgetCycle: '每年 3 月立项' }];
    const refused = await app.inject({ method: 'POST', url: '/api/v1/integrations/customers', payload: rows, headers: { authorization: `Bearer ${repToken}` } });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([expect.objectContaining({ rowNo: 1, column: 'tier', code: 'forbidden_field' })]);
    expect(await count('select count(*)::int as n from customer_field_values where tenant_id = $1', [t.id])).toBe(0);

    // Without the forbidden field the rep token may write its own customer's key fields.
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/integrations/customers',
      payload: [{ name: cust.name, creditCode: cust.creditCode, budgetCycle: '每年 3 月立项' }],
      headers: { authorization: `Bearer ${repToken}`, 'x-source-system': 'CRM' },
    });
    expect(ok.statusCode, ok.body).toBe(201);

    const headers = { authorization: `Bearer ${managerToken}`, 'idempotency-key': 'req-0001-abcdef', 'x-source-system': '客服系统' };
    const first = await app.inject({ method: 'POST', url: '/api/v1/integrations/customers', payload: rows, headers });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ replayed: false, updated: 1 });
    const n = await count(`select count(*)::int as n from customer_field_values where tenant_id = $1 and channel = 'api'`, [t.id]);
    const retry = await app.inject({ method: 'POST', url: '/api/v1/integrations/customers', payload: rows, headers });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toMatchObject({ replayed: true, batchId: first.json().batchId });
    expect(await count(`select count(*)::int as n from customer_field_values where tenant_id = $1 and channel = 'api'`, [t.id])).toBe(n);
    const tier = await db.query(`select source_system, channel, importer_id from customer_field_values where tenant_id = $1 and field = 'tier' and channel = 'api'`, [t.id]);
    expect(tier.rows).toEqual([{ source_system: '客服系统', channel: 'api', importer_id: t.users.manager.id }]);
  });

  it('[C2] a role that may not create customers is refused; unknown columns and bad rows are refused with the reason', async () => {
    const t = await makeTenant(db);
    const serviceToken = await token(t, 'service');
    const refused = await app.inject({ method: 'POST', url: '/api/v1/integrations/customers', payload: [{ name: 'x', creditCode: creditCode() }], headers: { authorization: `Bearer ${serviceToken}` } });
    expect(refused.statusCode).toBe(403);
    const managerToken = await token(t, 'manager');
    const h = { authorization: `Bearer ${managerToken}`, 'accept-language': 'en-US' };
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/integrations/customers', payload: [{ name: 'x', creditCode: creditCode(), salary: 1 }], headers: h });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().unknownColumns).toEqual(['salary']);
    const bad = await app.inject({ method: 'POST', url: '/api/v1/integrations/customers', payload: [{ name: 'x', creditCode: '91310000MA1FL0XX1Y' }, { name: 'y', mobile: '123' }], headers: h });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().errors.map((e: { code: string }) => e.code)).toEqual(['credit_code_check_char', 'invalid_mobile']);
    expect(await count('select count(*)::int as n from customers where tenant_id = $1', [t.id])).toBe(0);
  });
});

describe('customer sources: other modules\' targets', () => {
  it('[C2] a service-ticket file resolves each row\'s customer by its credit code; an unknown or out-of-scope customer is a row error', async () => {
    const t = await makeTenant(db);
    const cust = await seedCustomer(t, 'rep');
    const svc = await as(t, 'service');
    const csv = gbkCsv([
      ['统一社会信用代码', '工单号', '标题', '类别', '创建时间'],
      [cust.creditCode, 'T-0001', '设备报警无法复位', 'fault', '2026-11-20 10:00'],
      [creditCode(), 'T-0002', '系统登录异常', 'fault', '2026-11-21 10:00'],
    ]);
    const sha = await svc.upload('工单.csv', csv);
    const preview = (await svc.call('POST', '/api/v1/customers/imports/preview', { sha256: sha })).json();
    expect(preview.suggestions[0]).toMatchObject({ target: 'tickets' });
    expect(preview.suggestions[0].mapping[0]).toBe('customerCreditCode');
    const body = { sha256: sha, target: 'tickets', sourceSystem: '客服系统', mapping: preview.suggestions[0].mapping };
    const dry = (await svc.call('POST', '/api/v1/customers/imports/dry-run', body)).json();
    expect(dry).toMatchObject({ totalRows: 2, validRows: 1, errorRows: 1 });
    expect(dry.errors[0]).toMatchObject({ rowNo: 3, column: 'customerCreditCode', code: 'unknown_customer' });
    const done = await svc.call('POST', '/api/v1/customers/imports', { ...body, allowPartial: true });
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({ created: 1 });
    // A rep may not import tickets at all (sales read service history but do not edit it).
    const rep = await as(t, 'rep');
    const refused = await rep.call('POST', '/api/v1/customers/imports/dry-run', { ...body });
    expect(refused.statusCode).toBe(403);
  });
});

describe('customer sources: calibration items', () => {
  it('[C2] [C6] open conflicts and stale key fields become calibration items; a correction is written back with provenance and closes the conflict', async () => {
    const t = await makeTenant(db);
    const cust = await seedCustomer(t, 'rep', { address: '上海市浦东新区世纪大道100号' });
    const admin = await as(t, 'admin');
    expect((await admin.call('POST', '/api/v1/integrations/customers?source=工商登记', [{ name: cust.name, creditCode: cust.creditCode, address: '上海市浦东新区世纪大道200号' }])).statusCode).toBe(201);
    const provider = calibrationProvider(deps);
    const items = await provider.candidates(db, t.id, new Date());
    const mine = items.get(cust.id)!;
    expect(mine).toEqual([
      expect.objectContaining({ kind: 'conflict', ref: 'field:address', current: '上海市浦东新区世纪大道100号', options: [expect.objectContaining({ source: 'CRM' }), expect.objectContaining({ source: '工商登记', value: '上海市浦东新区世纪大道200号' })] }),
    ]);
    const ctx = { ...systemCtx(t.id), actor: { ...systemCtx(t.id).actor, userId: t.users.service.id, kind: 'user' as const, role: 'service' as const } };
    await db.transaction((tx) => provider.apply(tx, ctx, cust.id, mine[0], { action: 'correct', value: '上海市浦东新区世纪大道200号', note: '客服核实', party: 'service' }));
    const rep = await as(t, 'rep');
    expect((await rep.get(`/api/v1/customers/${cust.id}`)).json().address).toBe('上海市浦东新区世纪大道200号');
    const f = (await rep.get(`/api/v1/customers/${cust.id}/sources`)).json().fields.find((x: { field: string }) => x.field === 'address');
    expect(f.golden).toMatchObject({ channel: 'calibration', sourceSystem: '人工确认' });
    expect(f.conflict.status).toBe('resolved');
    expect((await provider.candidates(db, t.id, new Date())).get(cust.id)).toBeUndefined();
  });
});

describe('customer freshness', () => {
  it('[C5] key fields show their age; the daily job reminds the rep who last visited, once per stale field per period', async () => {
    const t = await makeTenant(db);
    const cust = await seedCustomer(t, 'rep');
    const rep = await as(t, 'rep');
    const day = 86_400_000;
    clock = new Date(Date.now() - 120 * day);
    const edit = await rep.call('PUT', `/api/v1/customers/${cust.id}/profile/decisionChain`, { value: '采购部→IT 总监→CFO', note: '拜访确认' });
    expect(edit.statusCode, edit.body).toBe(200);
    clock = new Date(Date.now() - 10 * day);
    await rep.call('PUT', `/api/v1/customers/${cust.id}/profile/budgetCycle`, { value: '每年 3 月' });
    clock = null;
    // The rep2 visited last: the reminder goes to rep2, not to the owner.
    await db.query(
      `insert into visits (tenant_id, id, customer_id, rep_id, team_id, region_id, purpose, note, occurred_at, recorded_at)
       values ($1, $2, $3, $4, $5, $6, '回访', '', now() - interval '3 days', now())`,
      [t.id, crypto.randomUUID(), cust.id, t.users.rep2.id, t.users.rep2.teamId, t.users.rep2.regionId],
    );
    const src = (await rep.get(`/api/v1/customers/${cust.id}/sources`)).json();
    const age = (f: string) => src.fields.find((x: { field: string }) => x.field === f).age;
    expect(age('decisionChain')).toMatchObject({ ageDays: 120, stale: true });
    expect(age('budgetCycle')).toMatchObject({ ageDays: 10, stale: false });
    expect(age('techArchitecture')).toMatchObject({ ageDays: null, stale: false });

    const run1 = await deps.jobs.runNow(t.id, FRESHNESS_JOB);
    expect(run1.status).toBe('succeeded');
    expect(run1.output).toMatchObject({ stale: 1, reminded: 1, staleAfterDays: 90 });
    const notes = await db.query(`select user_id, title, data from notifications where tenant_id = $1 and kind = 'customer.freshness'`, [t.id]);
    expect(notes.rows).toHaveLength(1);
    expect(notes.rows[0].user_id).toBe(t.users.rep2.id);
    expect(notes.rows[0].title).toContain('决策链');
    expect(notes.rows[0].data).toMatchObject({ field: 'decisionChain', ageDays: 120, staleAfterDays: 90 });

    const run2 = await deps.jobs.runNow(t.id, FRESHNESS_JOB, { force: true });
    expect(run2.output).toMatchObject({ stale: 1, reminded: 0, alreadyReminded: 1 });
    expect(await count(`select count(*)::int as n from notifications where tenant_id = $1 and kind = 'customer.freshness'`, [t.id])).toBe(1);
  });
});
