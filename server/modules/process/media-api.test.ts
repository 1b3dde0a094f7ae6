// P3/P4 through the API with a small upload limit: a voice note is stored, transcribed by the configured speech service and its
// need keywords land on the visit's need-capture action. The speech service is played by a real
// local HTTP server — the one boundary that cannot exist here (no offline Mandarin recogniser).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, creditCode, makeTenant, signedIn } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import { multipart } from '../../platform/files/test-fixtures.js';
import { analysisIdle } from './analysis.js';

let app: App;
let db: Db;
let speech: http.Server;
const received: { contentType: string; body: string }[] = [];

/** One second of a 440 Hz tone as a 16 kHz mono WAV file. */
function wav(): Buffer {
  const rate = 16_000;
  const samples = Buffer.alloc(rate * 2);
  for (let i = 0; i < rate; i++) samples.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + samples.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(samples.length, 40);
  return Buffer.concat([h, samples]);
}

beforeAll(async () => {
  speech = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ contentType: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('latin1') });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ text: '客户说库存积压严重，希望下个月试点，预算还要走审批' }));
    });
  });
  await new Promise<void>((r) => speech.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(speech.address() as AddressInfo).port}`;
  ({ app, db } = await createTestApp({ settings: { speech: { url, model: 'whisper-1', timeoutMs: 5000 }, uploadLimitBytes: 1_000_000 } }));
});
afterAll(async () => {
  await app.close();
  await new Promise((r) => speech.close(r));
});

describe('voice notes', () => {
  it('[P3] a voice note is transcribed by the configured service and its need keywords are stored on the need-capture action', async () => {
    const t = await makeTenant(db);
    const admin = await signedIn(app, t, 'admin');
    const c = (await admin.post('/api/v1/customers', { kind: 'org', name: '语音测试有限公司', creditCode: creditCode(), tier: 'B', stage: 'lead', ownerId: t.users.rep.id })).json();
    const rep = await signedIn(app, t, 'rep');
    const visitId = crypto.randomUUID();
    expect((await rep.post('/api/v1/process/visits', { id: visitId, customerId: c.id, purpose: '需求沟通' })).statusCode).toBe(201);
    const need = await rep.post(`/api/v1/process/visits/${visitId}/actions`, {
      id: crypto.randomUUID(), type: 'need_capture', occurredAt: new Date().toISOString(), fields: { needs: ['报表'] }, note: '关注交付周期',
    });
    expect(need.statusCode, need.body).toBe(201);
    const m = multipart({ filename: 'note.wav', content: wav(), type: 'audio/wav' }, { id: crypto.randomUUID(), kind: 'voice', claimedAt: new Date().toISOString() });
    const up = await app.inject({ method: 'POST', url: `/api/v1/process/visits/${visitId}/media`, payload: m.payload, headers: { ...rep.headers, ...m.headers } });
    expect(up.statusCode, up.body).toBe(201);
    await analysisIdle();

    expect(received).toHaveLength(1);
    expect(received[0].contentType).toContain('multipart/form-data');
    expect(received[0].body).toContain('name="language"');
    const v = (await rep.get(`/api/v1/process/visits/${visitId}`)).json();
    expect(v.media[0]).toMatchObject({ kind: 'voice', transcript: '客户说库存积压严重，希望下个月试点，预算还要走审批' });
    const action = v.actions.find((a: any) => a.type === 'need_capture');
    const terms = action.fields.keywords.map((k: any) => k.term);
    // Typed (交付周期) and spoken (库存积压, 试点, 预算, 审批) keywords together.
    expect(terms).toEqual(expect.arrayContaining(['交付周期', '库存积压', '试点', '预算', '审批']));
    expect(action.fields.keywordsFrom).toBe('text+voice');
  });

  it('[P3] a video file sent as a voice note is refused', async () => {
    const t = await makeTenant(db);
    const rep = await signedIn(app, t, 'rep');
    const admin = await signedIn(app, t, 'admin');
    const c = (await admin.post('/api/v1/customers', { kind: 'org', name: '语音测试二有限公司', creditCode: creditCode(), tier: 'B', stage: 'lead', ownerId: t.users.rep.id })).json();
    const visitId = crypto.randomUUID();
    await rep.post('/api/v1/process/visits', { id: visitId, customerId: c.id, purpose: '需求沟通' });
    const { makePhoto } = await import('./test-photos.js');
    const m = multipart({ filename: 'note.m4a', content: await makePhoto({ seed: 3 }) }, { id: crypto.randomUUID(), kind: 'voice', claimedAt: new Date().toISOString() });
    const up = await app.inject({ method: 'POST', url: `/api/v1/process/visits/${visitId}/media`, payload: m.payload, headers: { ...rep.headers, ...m.headers } });
    expect(up.statusCode).toBe(415);
    expect((await rep.get(`/api/v1/process/visits/${visitId}`)).json().media).toEqual([]);
  });

  it('[P4] an upload over the size limit is refused with 413 and nothing is stored', async () => {
    const t = await makeTenant(db);
    const rep = await signedIn(app, t, 'rep');
    const admin = await signedIn(app, t, 'admin');
    const c = (await admin.post('/api/v1/customers', { kind: 'org', name: '大文件测试有限公司', creditCode: creditCode(), tier: 'B', stage: 'lead', ownerId: t.users.rep.id })).json();
    const visitId = crypto.randomUUID();
    await rep.post('/api/v1/process/visits', { id: visitId, customerId: c.id, purpose: '需求沟通' });
    const { makePhoto } = await import('./test-photos.js');
    const huge = Buffer.concat([await makePhoto({ seed: 8 }), Buffer.alloc(1_200_000)]);
    const m = multipart({ filename: 'big.jpg', content: huge, type: 'image/jpeg' }, { id: crypto.randomUUID(), kind: 'photo', claimedAt: new Date().toISOString() });
    const up = await app.inject({ method: 'POST', url: `/api/v1/process/visits/${visitId}/media`, payload: m.payload, headers: { ...rep.headers, ...m.headers } });
    expect(up.statusCode).toBe(413);
    expect(up.json().code).toBe('file_too_large');
    expect((await rep.get(`/api/v1/process/visits/${visitId}`)).json().media).toEqual([]);
  });
});
