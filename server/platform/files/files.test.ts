import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, makeTenant, type TestTenant } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../db/db.js';
import type { Deps } from '../deps.js';
import { systemCtx } from '../context.js';
import { ELF, PDF, PNG, multipart } from './test-fixtures.js';

const LIMIT = 64 * 1024;
let app: App;
let deps: Deps;
let db: Db;

beforeAll(async () => {
  ({ app, deps, db } = await createTestApp({ settings: { uploadLimitBytes: LIMIT } }));
});
afterAll(async () => {
  await app.close();
});

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
/** Unique bytes per test, so content shared across tests does not hide a bug. */
const unique = (b: Buffer) => Buffer.concat([b, crypto.randomBytes(16)]);
const uniqueText = (s: string) => Buffer.from(`${s}\n${crypto.randomUUID()}\n`);

async function as(t: TestTenant, user: string) {
  const s = await login(app, t, user);
  return {
    upload: (file: Parameters<typeof multipart>[0], fields?: Record<string, string>, headers: Record<string, string> = {}) => {
      const m = multipart(file, fields);
      return app.inject({ method: 'POST', url: '/api/v1/files', payload: m.payload, headers: { ...s.headers, ...m.headers, ...headers } });
    },
    get: (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers: { ...s.headers, ...headers } }),
    post: (url: string, payload: unknown, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload: payload as any, headers: { ...s.headers, ...headers } }),
  };
}

const storedPath = (hash: string) => path.join(deps.settings.dataDir, 'files', hash.slice(0, 2), hash.slice(2, 4), hash);

describe('[X3] file uploads', () => {
  it('[X3] a PNG uploaded as 季度报告.pdf is stored as image/png and served with that type, nosniff and an RFC 5987 name', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    const content = unique(PNG);
    const res = await rep.upload({ filename: '季度报告.pdf', content, type: 'application/pdf' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ sha256: sha(content), size: content.length, mime: 'image/png', ext: 'png', originalName: '季度报告.pdf' });

    const got = await rep.get(`/api/v1/files/${sha(content)}`);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-disposition']).toBe(`inline; filename="____.pdf.png"; filename*=UTF-8''${encodeURIComponent('季度报告.pdf.png')}`);
    expect(got.rawPayload.equals(content)).toBe(true);
    // Uppercase hex is the same file.
    expect((await rep.get(`/api/v1/files/${sha(content).toUpperCase()}`)).statusCode).toBe(200);
    expect((await rep.get(`/api/v1/files/${sha(content)}`, { 'if-none-match': `"${sha(content)}"` })).statusCode).toBe(304);
  });

  it('[X3] an executable is refused with 415 and a message naming the detected type; nothing is recorded', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    const content = unique(ELF);
    const zh = await rep.upload({ filename: 'setup.pdf', content });
    expect(zh.statusCode).toBe(415);
    expect(zh.json()).toMatchObject({ code: 'file_type_not_allowed', detectedType: 'application/x-elf' });
    expect(zh.json().detail).toContain('按内容识别为 application/x-elf');
    const en = await rep.upload({ filename: 'setup.pdf', content }, {}, { 'accept-language': 'en-US' });
    expect(en.json().detail).toContain('its content is application/x-elf (.elf)');
    const exe = await rep.upload({ filename: 'photo.jpg', content: Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1') });
    expect(exe.json()).toMatchObject({ status: 415, detectedType: 'application/x-msdownload' });
    expect((await db.query('select count(*)::int as n from files where tenant_id = $1', [t.id])).rows[0].n).toBe(0);
    expect(fs.existsSync(storedPath(sha(content)))).toBe(false);
  });

  it('[X3] a caller’s allow-list is checked against the sniffed type (a PDF is not an image)', async () => {
    const t = await makeTenant(db);
    await expect(deps.files.save(systemCtx(t.id), { buffer: unique(PDF), originalName: 'photo.png', allowed: ['image/*'] })).rejects.toMatchObject({
      status: 415,
      code: 'file_type_not_allowed',
      params: expect.objectContaining({ type: 'application/pdf' }),
    });
    expect(await deps.files.save(systemCtx(t.id), { buffer: unique(PNG), originalName: 'photo.png', allowed: ['image/*'] })).toMatchObject({ mime: 'image/png' });
  });

  it('[X3] a file over UPLOAD_LIMIT_BYTES is refused with 413, over HTTP and in the service', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    const big = Buffer.alloc(LIMIT + 1, 'a');
    const res = await rep.upload({ filename: 'big.txt', content: big });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'file_too_large' });
    expect(res.json().detail).toContain('64 KB');
    expect((await rep.upload({ filename: 'fits.txt', content: Buffer.alloc(LIMIT, 'a') })).statusCode).toBe(201);
    await expect(deps.files.save(systemCtx(t.id), { buffer: big, originalName: 'big.txt' })).rejects.toMatchObject({ status: 413 });
  });

  it('[X3] traversal and absolute names keep only a clean base name', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    const a = await rep.upload({ filename: '../../etc/passwd', content: uniqueText('root:x:0:0') });
    expect(a.json().originalName).toBe('passwd');
    const b = await rep.upload({ filename: 'C:\\Windows\\System32\\拜访\u0007纪要.txt', content: uniqueText('纪要') });
    expect(b.json().originalName).toBe('拜访纪要.txt');
    const c = await deps.files.save(systemCtx(t.id), { buffer: uniqueText('x'), originalName: '/etc/../../root/.ssh/authorized_keys\u0000' });
    expect(c.originalName).toBe('authorized_keys');
    const d = await deps.files.save(systemCtx(t.id), { buffer: uniqueText('y'), originalName: '..' });
    expect(d.originalName).toBeNull();
    expect((await rep.get(`/api/v1/files/${d.sha256}`)).headers['content-disposition']).toContain('filename="file.txt"');
  });

  it('[X3] the same content uploaded twice is stored once and recorded once (the first name kept)', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    const content = unique(PNG);
    const first = (await rep.upload({ filename: '第一次.png', content })).json();
    const second = await rep.upload({ filename: '第二次.png', content });
    expect(second.statusCode).toBe(201);
    expect(second.json()).toMatchObject({ sha256: first.sha256, originalName: '第一次.png' });
    const dir = path.dirname(storedPath(first.sha256));
    expect(fs.readdirSync(dir).filter((f) => f.startsWith(first.sha256))).toEqual([first.sha256]); // no temp files left either
    expect((await db.query('select count(*)::int as n from files where tenant_id = $1 and sha256 = $2', [t.id, first.sha256])).rows[0].n).toBe(1);
  });

  it('[X3] another tenant’s file answers 404 even though the content is stored; once it uploads the same bytes it has its own record', async () => {
    const a = await makeTenant(db);
    const b = await makeTenant(db);
    const content = unique(PDF);
    const up = await (await as(a, 'rep')).upload({ filename: '合同.pdf', content });
    expect(up.statusCode, up.body).toBe(201);
    const bRep = await as(b, 'admin');
    const res = await bRep.get(`/api/v1/files/${sha(content)}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('合同');
    await expect(deps.files.read(systemCtx(b.id), sha(content))).rejects.toMatchObject({ status: 404 });
    const own = await bRep.upload({ filename: 'b.pdf', content });
    expect(own.json()).toMatchObject({ originalName: 'b.pdf', mime: 'application/pdf' });
    const got = await bRep.get(`/api/v1/files/${sha(content)}?disposition=attachment`);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="b.pdf"/);
  });

  it('[X3] text and CSV are served with their charset; GB18030 CSV stays GB18030', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    const csv = iconv.encode(`客户名称,城市\n上海恒瑞,上海\n${crypto.randomUUID()},x\n`, 'gb18030');
    const up = (await rep.upload({ filename: '客户.csv', content: csv })).json();
    expect(up).toMatchObject({ mime: 'text/csv', ext: 'csv' });
    const got = await rep.get(`/api/v1/files/${up.sha256}`);
    expect(got.headers['content-type']).toBe('text/csv; charset=gb18030');
    expect(iconv.decode(got.rawPayload, 'gb18030')).toContain('上海恒瑞');
    expect(got.headers['content-security-policy']).toContain('sandbox');
  });

  it('[X3] bad requests are 4xx, never 500: bad hash, no multipart, no file field, empty file, signed out', async () => {
    const t = await makeTenant(db);
    const rep = await as(t, 'rep');
    expect((await rep.get('/api/v1/files/not-a-hash')).statusCode).toBe(400);
    expect((await rep.get(`/api/v1/files/${'g'.repeat(64)}`)).statusCode).toBe(400);
    expect((await rep.get(`/api/v1/files/${'a'.repeat(64)}`)).statusCode).toBe(404);
    const json = await rep.post('/api/v1/files', { file: 'x' });
    expect(json.statusCode).toBe(415);
    expect(json.json().code).toBe('not_multipart');
    const wrongField = await rep.upload({ field: 'attachment', filename: 'a.txt', content: Buffer.from('x') }, { note: 'hi' });
    expect(wrongField.statusCode).toBe(400);
    expect(wrongField.json().code).toBe('file_missing');
    expect((await rep.upload({ filename: 'a.txt', content: Buffer.alloc(0) })).json().code).toBe('file_empty');
    const m = multipart({ filename: 'a.txt', content: Buffer.from('x') });
    expect((await app.inject({ method: 'POST', url: '/api/v1/files', payload: m.payload, headers: m.headers })).statusCode).toBe(401);
  });

  it('[X3] every role may upload and read files of its tenant', async () => {
    const t = await makeTenant(db);
    for (const user of ['admin', 'director', 'manager', 'rep', 'bp', 'service', 'marketing', 'delivery', 'qa']) {
      const s = await as(t, user);
      const up = await s.upload({ filename: `${user}.txt`, content: uniqueText(user) });
      expect(up.statusCode, user).toBe(201);
      expect((await s.get(`/api/v1/files/${up.json().sha256}`)).statusCode, user).toBe(200);
    }
  });
});
