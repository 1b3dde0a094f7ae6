import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, creditCode, makeTenant, signedIn, type TestTenant } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import { makePlan, setTarget, treeUrl } from '../goals/test-support.js';

let app: App;
let db: Db;
// A clock the test moves, so recorded-at times are under the test's control.
let clock = new Date('2026-11-10T02:00:00Z');

beforeAll(async () => {
  ({ app, db } = await createTestApp({ now: () => clock }));
});
afterAll(async () => {
  await app.close();
});

const as = (t: TestTenant, user: string) => signedIn(app, t, user);
const SITE = { lat: 31.2304, lng: 121.4737 };
/** A point `m` metres north of the customer. */
const north = (m: number) => ({ lat: SITE.lat + m / 111_320, lng: SITE.lng });
const at = (minutes: number) => new Date(clock.getTime() + minutes * 60_000).toISOString();
let seq = 0;

async function seedCustomer(t: TestTenant, owner = 'rep', over: Record<string, unknown> = {}) {
  const admin = await as(t, 'admin');
  const res = await admin.call('POST', '/api/v1/customers', {
    kind: 'org', name: `过程客户${++seq}有限公司`, creditCode: creditCode(), tier: 'A', stage: 'opportunity', ownerId: t.users[owner].id, ...SITE, ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

type Rep = Awaited<ReturnType<typeof as>>;

async function startVisit(rep: Rep, customerId: string, over: Record<string, unknown> = {}) {
  const id = crypto.randomUUID();
  const res = await rep.post('/api/v1/process/visits', { id, customerId, purpose: '需求沟通', ...over });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

function checkIn(rep: Rep, visitId: string, pos: { lat: number; lng: number }, over: Record<string, unknown> = {}, lang = 'zh-CN') {
  return rep.post(
    `/api/v1/process/visits/${visitId}/actions`,
    { id: crypto.randomUUID(), type: 'check_in', occurredAt: at(0), position: { ...pos, accuracyM: 15, datum: 'wgs84' }, ...over },
    lang,
  );
}

const action = (rep: Rep, visitId: string, body: Record<string, unknown>, lang = 'zh-CN') =>
  rep.post(`/api/v1/process/visits/${visitId}/actions`, { id: crypto.randomUUID(), occurredAt: at(0), fields: {}, ...body }, lang);

const verdict = (visit: any, check: string) => visit.verdicts.find((v: any) => v.check === check);

describe('visits as six atomic actions', () => {
  it('[P1] a visit recorded action by action shows what is missing and late; each action keeps when it happened and when it was recorded', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id, { plannedAt: at(60) });
    clock = new Date(clock.getTime() + 60 * 60_000); // the planned hour arrives
    expect((await checkIn(rep, visitId, north(40))).statusCode).toBe(201);
    clock = new Date(clock.getTime() + 29 * 3_600_000); // the need is written down 29 h later …
    // … about a conversation 27 h after the check-in (a new session: the old one expired).
    const need = await action(await as(t, 'rep'), visitId, { type: 'need_capture', occurredAt: at(-120), fields: { needs: ['报表自动化'], painPoints: ['人工录入'] }, note: '客户希望缩短交付周期，预算在审批中' });
    expect(need.statusCode, need.body).toBe(201);
    const v = need.json().visit;
    expect(v.actions.map((a: any) => a.type)).toEqual(['appointment', 'check_in', 'need_capture']);
    const n = v.actions.find((a: any) => a.type === 'need_capture');
    expect(new Date(n.recordedAt).getTime() - new Date(n.occurredAt).getTime()).toBeGreaterThan(0);
    expect(v.missing.actions).toEqual(['demo', 'objection', 'follow_up']);
    // need capture 27 h after the check-in breaks the 24 h limit; demo and objection are overdue.
    expect(v.missing.late.map((l: any) => [l.type, l.state])).toEqual([
      ['need_capture', 'late'],
      ['demo', 'overdue'],
      ['objection', 'overdue'],
    ]);
    expect(verdict(v, 'timeliness')).toMatchObject({ outcome: 'warn', ruleVersion: 'actions/1' });
    // Keywords from the typed note are stored on the need-capture action (P3).
    expect(n.fields.keywords.map((k: any) => k.term)).toEqual(expect.arrayContaining(['预算', '交付周期']));
  });

  it('[P1] a correction is a new record pointing at the old one, which is kept', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    const first = await action(rep, visitId, { type: 'objection', fields: { category: '价格', content: '比竞品贵' } });
    const old = first.json().action.id;
    const fix = await action(rep, visitId, { type: 'objection', fields: { category: '价格', content: '比竞品贵 30%' }, corrects: old });
    expect(fix.statusCode, fix.body).toBe(201);
    const actions = fix.json().visit.actions;
    expect(actions.find((a: any) => a.id === old)).toMatchObject({ superseded: true });
    expect(actions.find((a: any) => a.corrects === old)).toMatchObject({ superseded: false, fields: { content: '比竞品贵 30%' } });
  });

  it('[P1] refuses an action without its required fields, a time in the future and a second check-in, and writes nothing', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    const noContent = await action(rep, visitId, { type: 'objection', fields: { category: '价格' } });
    expect(noContent.statusCode).toBe(400);
    expect(noContent.headers['content-type']).toContain('application/problem+json');
    expect(noContent.json().detail).toContain('异议登记');
    expect(noContent.json().detail).toContain('content');
    const en = await action(rep, visitId, { type: 'follow_up', fields: { commitment: '下周发报价' } }, 'en-US');
    expect(en.json().detail).toContain('Follow-up commitment');
    const future = await action(rep, visitId, { type: 'demo', occurredAt: at(60 * 24), fields: { solution: '方案A' } });
    expect(future.statusCode).toBe(400);
    expect(future.json().code).toBe('time_in_future');
    expect((await checkIn(rep, visitId, north(10))).statusCode).toBe(201);
    const again = await checkIn(rep, visitId, north(10));
    expect(again.statusCode).toBe(409);
    const v = (await rep.get(`/api/v1/process/visits/${visitId}`)).json();
    expect(v.actions.map((a: any) => a.type)).toEqual(['check_in']);
  });

  it('[P1] [G2] an objection whose status is neither open nor closed is refused in Chinese and English and nothing is written', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    const zh = await action(rep, visitId, { type: 'objection', fields: { category: 'price', content: '价格偏高', status: 'resolved' } });
    expect(zh.statusCode, zh.body).toBe(400);
    expect(zh.headers['content-type']).toContain('application/problem+json');
    expect(zh.json()).toMatchObject({ code: 'objection_status_invalid' });
    expect(zh.json().detail).toContain('open（待跟进）');
    expect(zh.json().detail).toContain('"resolved"');
    const en = await action(rep, visitId, { type: 'objection', fields: { category: 'price', content: '价格偏高', status: true } }, 'en-US');
    expect(en.statusCode).toBe(400);
    expect(en.json().detail).toContain('must be open (still open) or closed (resolved)');
    expect((await rep.get(`/api/v1/process/visits/${visitId}`)).json().actions).toEqual([]);
    // open, closed, and (from an older field app) no status at all are accepted
    for (const status of ['open', 'closed', undefined]) {
      const ok = await action(rep, visitId, { type: 'objection', fields: { category: 'price', content: '价格偏高', ...(status ? { status } : {}) } });
      expect(ok.statusCode, ok.body).toBe(201);
    }
  });

  it('[P1] an action claiming to precede the check-in is kept and shown as out of order', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    await checkIn(rep, visitId, north(10));
    const early = await action(rep, visitId, { type: 'demo', occurredAt: at(-90), fields: { solution: '演示了移动端' } });
    expect(early.statusCode).toBe(201);
    expect(verdict(early.json().visit, 'sequence')).toMatchObject({ outcome: 'warn', numbers: { outOfOrder: [{ type: 'demo', before: 'check_in', minutes: 90 }] } });
  });
});

describe('geofenced check-in', () => {
  it('[P2] rejects a check-in 2 km from the customer as out of range and keeps distance, radius and accuracy as evidence', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const far = await checkIn(rep, await startVisit(rep, c.id), north(2000));
    expect(far.statusCode).toBe(201);
    const g = verdict(far.json().visit, 'geofence');
    expect(g).toMatchObject({ outcome: 'flag', ruleVersion: expect.stringMatching(/^geofence\//), numbers: { status: 'out', radiusM: 300, accuracyM: 15 } });
    expect(g.numbers.distanceM).toBeGreaterThan(1950);
    expect(g.numbers.distanceM).toBeLessThan(2050);
    expect(far.json().visit).toMatchObject({ geofence: 'out', flags: expect.arrayContaining(['geofence']) });
    const near = await checkIn(rep, await startVisit(rep, c.id), north(80), { occurredAt: at(5) });
    expect(verdict(near.json().visit, 'geofence')).toMatchObject({ outcome: 'pass', numbers: { status: 'in' } });
  });

  it('[P2] a GCJ-02 position from a Chinese map SDK is normalised to WGS-84 before the distance is measured', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    // The customer's own position expressed in GCJ-02 is ~500 m off in raw coordinates.
    const { default: gcoord } = await import('gcoord');
    const [lng, lat] = gcoord.transform([SITE.lng, SITE.lat], gcoord.WGS84, gcoord.GCJ02);
    const r = await rep.post(`/api/v1/process/visits/${await startVisit(rep, c.id)}/actions`, {
      id: crypto.randomUUID(), type: 'check_in', occurredAt: at(0), fields: {}, position: { lat, lng, accuracyM: 10, datum: 'gcj02' },
    });
    const g = verdict(r.json().visit, 'geofence');
    expect(g.outcome).toBe('pass');
    expect(g.numbers.distanceM).toBeLessThan(20);
    expect(g.inputs.reported).toMatchObject({ datum: 'gcj02' });
  });

  it('[P2] flags impossible travel between a rep’s consecutive check-ins', async () => {
    const t = await makeTenant(db);
    const shanghai = await seedCustomer(t);
    const beijing = await seedCustomer(t, 'rep', { lat: 39.9042, lng: 116.4074 });
    const rep = await as(t, 'rep');
    await checkIn(rep, await startVisit(rep, shanghai.id), SITE, { occurredAt: at(-60) });
    const r = await checkIn(rep, await startVisit(rep, beijing.id), { lat: 39.9042, lng: 116.4074 }, { occurredAt: at(0) });
    const travel = verdict(r.json().visit, 'travel');
    expect(travel.outcome).toBe('flag');
    expect(travel.ruleVersion).toMatch(/^travel\//);
    expect(travel.inputs.maxSpeedKmh).toBe(120);
  });

  it('[P2] absurd coordinates are refused and change nothing; an accuracy of exactly 0 is recorded and flagged', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    const bad = [{ lat: 95, lng: 121 }, { lat: 31, lng: 200 }, { lat: 'NaN', lng: 121 }, { lat: null, lng: 121 }];
    for (const p of bad) {
      const r = await rep.post(`/api/v1/process/visits/${visitId}/actions`, { id: crypto.randomUUID(), type: 'check_in', occurredAt: at(0), position: { ...p, accuracyM: 10 } });
      expect(r.statusCode, JSON.stringify(p)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
    expect((await rep.get(`/api/v1/process/visits/${visitId}`)).json().actions).toEqual([]);
    const zero = await rep.post(`/api/v1/process/visits/${visitId}/actions`, {
      id: crypto.randomUUID(), type: 'check_in', occurredAt: at(0), position: { ...SITE, accuracyM: 0 },
    });
    expect(zero.statusCode).toBe(201);
    expect(verdict(zero.json().visit, 'geofence')).toMatchObject({ outcome: 'flag', numbers: { reason: 'accuracy_implausible' } });
  });
});

describe('idempotent sends from the field app', () => {
  it('[P10] a resent visit or action with the same id answers 200 with the stored record and never duplicates; the same id with other content is a conflict', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const other = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = crypto.randomUUID();
    const body = { id: visitId, customerId: c.id, purpose: '需求沟通' };
    expect((await rep.post('/api/v1/process/visits', body)).statusCode).toBe(201);
    const again = await rep.post('/api/v1/process/visits', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(visitId);
    expect((await rep.post('/api/v1/process/visits', { ...body, customerId: other.id })).statusCode).toBe(409);

    const a = { id: crypto.randomUUID(), type: 'need_capture', occurredAt: at(0), fields: { needs: ['移动端'] } };
    expect((await rep.post(`/api/v1/process/visits/${visitId}/actions`, a)).statusCode).toBe(201);
    const replay = await rep.post(`/api/v1/process/visits/${visitId}/actions`, a);
    expect(replay.statusCode).toBe(200);
    expect(replay.json().action.id).toBe(a.id);
    expect((await rep.post(`/api/v1/process/visits/${visitId}/actions`, { ...a, type: 'demo', fields: { solution: 'x' } })).statusCode).toBe(409);
    expect((await rep.get(`/api/v1/process/visits/${visitId}`)).json().actions).toHaveLength(1);
  });
});

describe('compliance checklists', () => {
  it('[P5] a KA visit without a legal review note is not compliant, says what is missing and does not count; adding it makes it count', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t, 'rep', { tier: 'KA' });
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    await checkIn(rep, visitId, north(10));
    const need = await action(rep, visitId, { type: 'need_capture', fields: { needs: ['数据分析'], painPoints: ['库存积压', '回款慢'] } });
    let v = need.json().visit;
    expect(v.compliant).toBe(false);
    expect(v.counts).toBe(false);
    expect(v.missing.checklist.map((i: any) => i.item)).toEqual(['proposalScreenshots', 'legalReviewNotes']);
    expect(verdict(v, 'compliance')).toMatchObject({ outcome: 'warn', inputs: { tier: 'KA' } });
    // A screenshot of the custom proposal and a legal review note complete the checklist.
    const { makePhoto } = await import('./test-photos.js');
    const { multipart } = await import('../../platform/files/test-fixtures.js');
    const m = multipart({ filename: 'proposal.png', content: await makePhoto({ seed: 7 }) }, { id: crypto.randomUUID(), kind: 'screenshot', claimedAt: at(0) });
    const up = await app.inject({ method: 'POST', url: `/api/v1/process/visits/${visitId}/media`, payload: m.payload, headers: { ...rep.headers, ...m.headers } });
    expect(up.statusCode, up.body).toBe(201);
    v = (await action(rep, visitId, { type: 'demo', fields: { solution: '定制方案', legalReviewNote: '合同条款已由法务审核' } })).json().visit;
    expect(v).toMatchObject({ compliant: true, counts: true });
    expect(v.missing.checklist).toEqual([]);
  });
});

describe('scan to record', () => {
  it('[P9] a customer’s printed QR code opens that customer for the rep, and a check-in with it is recorded as a scan', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const other = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const svg = await rep.get(`/api/v1/process/customers/${c.id}/qr.svg`);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    expect(svg.body).toContain('<svg');
    const url = String(svg.headers['x-qr-url']);
    const code = url.split('/m/c/')[1];
    const scanned = await rep.get(`/api/v1/process/scan/${code}`);
    expect(scanned.statusCode).toBe(200);
    expect(scanned.json()).toMatchObject({ customer: { id: c.id, lat: SITE.lat }, openVisit: null });
    const visitId = await startVisit(rep, c.id);
    expect((await rep.get(`/api/v1/process/scan/${code}`)).json().openVisit).toMatchObject({ id: visitId });
    const r = await checkIn(rep, visitId, north(20), { via: 'qr', code });
    expect(r.json().visit.checkinSource).toBe('qr');
    // A made-up code, or another customer's code, is refused.
    expect((await rep.get(`/api/v1/process/scan/${c.id}.AAAAAAAAAAAA`)).statusCode).toBe(404);
    const otherCode = String((await rep.get(`/api/v1/process/customers/${other.id}/qr.svg`)).headers['x-qr-url']).split('/m/c/')[1];
    const mismatch = await checkIn(rep, await startVisit(rep, c.id), north(20), { via: 'qr', code: otherCode });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().code).toBe('qr_mismatch');
  });
});

describe('access to visits', () => {
  it('[P1] a manager reads the team’s visits; another rep, another team’s manager and a foreign tenant see nothing; marketing is refused', async () => {
    const t = await makeTenant(db);
    const foreign = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    await checkIn(rep, visitId, north(2000));
    const manager = await as(t, 'manager');
    expect((await manager.get(`/api/v1/process/visits/${visitId}`)).statusCode).toBe(200);
    const flagged = (await manager.get('/api/v1/process/visits?flagged=1')).json();
    expect(flagged.items.map((v: any) => v.id)).toContain(visitId);
    expect((await (await as(t, 'manager2')).get(`/api/v1/process/visits/${visitId}`)).statusCode).toBe(404);
    expect((await (await as(t, 'rep2')).get(`/api/v1/process/visits/${visitId}`)).statusCode).toBe(404);
    const rep2Action = await action(await as(t, 'rep2'), visitId, { type: 'demo', fields: { solution: 'x' } });
    expect(rep2Action.statusCode).toBe(404);
    expect((await (await as(t, 'marketing')).get(`/api/v1/process/visits/${visitId}`)).statusCode).toBe(403);
    expect((await (await as(foreign, 'admin')).get(`/api/v1/process/visits/${visitId}`)).statusCode).toBe(404);
    // A manager reads but does not record visits.
    expect((await manager.post('/api/v1/process/visits', { id: crypto.randomUUID(), customerId: c.id, purpose: 'x' })).statusCode).toBe(403);
  });
});

describe('photo evidence', () => {
  async function upload(rep: Rep, visitId: string, content: Buffer, fields: Record<string, string>, filename = 'site.jpg') {
    const { multipart } = await import('../../platform/files/test-fixtures.js');
    const m = multipart({ filename, content, type: 'image/jpeg' }, { id: crypto.randomUUID(), kind: 'photo', claimedAt: at(0), ...fields });
    return app.inject({ method: 'POST', url: `/api/v1/process/visits/${visitId}/media`, payload: m.payload, headers: { ...rep.headers, ...m.headers } });
  }

  it('[P4] a text file named .jpg is refused and nothing is stored; a photo whose EXIF time and place disagree with the claim is flagged with both', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    const { makePhoto, textNamedJpg } = await import('./test-photos.js');
    const fake = await upload(rep, visitId, textNamedJpg(), {});
    expect(fake.statusCode).toBe(415);
    expect(fake.headers['content-type']).toContain('application/problem+json');
    expect((await rep.get(`/api/v1/process/visits/${visitId}`)).json().media).toEqual([]);
    // Taken three days earlier, 5 km away.
    const photo = await makePhoto({ seed: 41, exif: { takenAt: new Date(clock.getTime() - 3 * 86_400_000), lat: north(5000).lat, lng: SITE.lng } });
    const r = await upload(rep, visitId, photo, {});
    expect(r.statusCode, r.body).toBe(201);
    const v = (await rep.get(`/api/v1/process/visits/${visitId}`)).json();
    const time = v.verdicts.find((x: any) => x.check === 'photo_time');
    expect(time).toMatchObject({ outcome: 'flag', ruleVersion: 'photo_time/1', numbers: { reason: 'time_mismatch' } });
    const place = v.verdicts.find((x: any) => x.check === 'photo_place');
    expect(place).toMatchObject({ outcome: 'flag', numbers: { reason: 'outside_radius' } });
    expect(v.media[0].exif.lat).toBeCloseTo(north(5000).lat, 4);
  });

  it('[P4] the same photo, recompressed, on another visit is flagged as reused and names that visit', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const { makePhoto, recompress } = await import('./test-photos.js');
    const original = await makePhoto({ seed: 101 });
    const first = await startVisit(rep, c.id);
    expect((await upload(rep, first, original, {})).statusCode).toBe(201);
    const second = await startVisit(rep, c.id);
    expect((await upload(rep, second, await recompress(original, { width: 480, quality: 60 }), {})).statusCode).toBe(201);
    const v = (await rep.get(`/api/v1/process/visits/${second}`)).json();
    const reuse = v.verdicts.find((x: any) => x.check === 'photo_reuse');
    expect(reuse.outcome).toBe('flag');
    expect(reuse.numbers.matches.map((m: any) => m.visitId)).toContain(first);
    expect(v.flags).toContain('photo_reuse');
    // An unrelated photo is not a reuse.
    const third = await startVisit(rep, c.id);
    await upload(rep, third, await makePhoto({ seed: 5 }), {});
    expect((await rep.get(`/api/v1/process/visits/${third}`)).json().verdicts.find((x: any) => x.check === 'photo_reuse').outcome).toBe('pass');
  });

  it('[P4] text read from a photo in the background tags competitor material from the configured dictionary', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    const { makeDocumentPhoto } = await import('./test-photos.js');
    const { analysisIdle } = await import('./analysis.js');
    expect((await upload(rep, visitId, await makeDocumentPhoto(['金蝶云星空', '年度报价方案']), {})).statusCode).toBe(201);
    await analysisIdle();
    const v = (await rep.get(`/api/v1/process/visits/${visitId}`)).json();
    expect(v.media[0].ocrText).toContain('金蝶');
    expect(v.media[0].tags).toEqual(['金蝶']);
    expect(v.verdicts.find((x: any) => x.check === 'competitor')).toMatchObject({ outcome: 'warn', ruleVersion: 'competitor/1', numbers: { competitors: ['金蝶'] } });
  });
});

describe('back-fill and fabrication detection', () => {
  it('[P8] a rep whose need records are all typed in at 23:58–00:03 is flagged with the records behind it; managers see it, the rep and other tenants do not', async () => {
    const t = await makeTenant(db);
    const foreign = await makeTenant(db);
    const c = await seedCustomer(t);
    clock = new Date('2026-11-18T15:58:00Z'); // 23:58 in Shanghai
    const rep = await as(t, 'rep');
    const ids: string[] = [];
    const topics = ['仓储', '报表', '移动端', '审批流', '培训', '接口', '预算', '报价', '试点', '售后', '权限', '集成'];
    for (let i = 0; i < 12; i++) {
      const visitId = await startVisit(rep, c.id);
      ids.push(visitId);
      // Each claims a visit earlier that day (09:00–15:00), written down at midnight.
      const occurredAt = new Date(Date.parse('2026-11-18T01:00:00Z') + i * 30 * 60_000).toISOString();
      const r = await action(rep, visitId, { type: 'need_capture', occurredAt, fields: { needs: [topics[i]] }, note: `客户第${i + 1}次沟通${topics[i]}相关问题，约定${i + 2}号回访` });
      expect(r.statusCode, r.body).toBe(201);
      clock = new Date(clock.getTime() + 20_000);
    }
    expect((await (await as(t, 'manager')).post('/api/v1/process/flags/run', {})).statusCode).toBe(403);
    const run = await (await as(t, 'admin')).post('/api/v1/process/flags/run', {});
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json().status).toBe('succeeded');

    const manager = await as(t, 'manager');
    const flags = (await manager.get('/api/v1/process/flags')).json();
    const cluster = flags.items.find((f: any) => f.detector === 'recording_cluster' && f.repId === t.users.rep.id);
    expect(cluster).toBeDefined();
    expect(cluster.ruleVersion).toBe('recording_cluster/1');
    expect([...cluster.visitIds].sort()).toEqual([...ids].sort());
    expect(cluster.evidence[0]).toHaveProperty('recordedAt');
    expect(flags.teams[0]).toMatchObject({ reps: 1 });

    const v = (await manager.get(`/api/v1/process/visits/${ids[3]}`)).json();
    expect(v.flags).toContain('p8.recording_cluster');
    expect(v.batchFlags.map((f: any) => f.detector)).toContain('recording_cluster');
    expect((await manager.get('/api/v1/process/visits?check=p8.recording_cluster')).json().items).toHaveLength(12);

    expect((await rep.get('/api/v1/process/flags')).statusCode).toBe(403);
    expect((await rep.get(`/api/v1/process/visits/${ids[3]}`)).json().batchFlags).toEqual([]);
    expect((await (await as(foreign, 'admin')).get('/api/v1/process/flags')).json().items).toEqual([]);
    expect((await (await as(t, 'manager2')).get('/api/v1/process/flags')).json().items).toEqual([]);
  });
});

describe('objections resolved later (G2 异议闭环率)', () => {
  async function openObjection(t: TestTenant) {
    const c = await seedCustomer(t);
    const rep = await as(t, 'rep');
    const visitId = await startVisit(rep, c.id);
    expect((await checkIn(rep, visitId, north(20), { occurredAt: at(-30) })).statusCode).toBe(201);
    const o = await action(rep, visitId, { type: 'objection', occurredAt: at(-20), fields: { category: 'price', content: '比竞品贵 30%', status: 'open' }, note: '要和财务商量' });
    expect(o.statusCode, o.body).toBe(201);
    return { rep, visitId, objectionId: o.json().action.id as string };
  }
  const close = (who: Rep, visitId: string, objectionId: string, id: string = crypto.randomUUID(), lang = 'zh-CN') =>
    who.post(`/api/v1/process/visits/${visitId}/objections/${objectionId}/close`, { id }, lang);

  it('[P1] [G2] the rep’s manager marks an open objection resolved: a correction keeps the old record, the visit shows it closed and the rep’s closure rate for the month goes up at once', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    await makePlan(admin, 2026);
    const repId = t.users.rep.id;
    const month = clock.toISOString().slice(0, 7);
    await setTarget(admin, { metric: 'objectionClosureRate', period: month, nodeKind: 'rep', nodeId: repId, value: 0.8 });
    const url = treeUrl(2026, { metric: 'objectionClosureRate', period: month, nodeKind: 'rep', nodeId: repId });
    const { rep, visitId, objectionId } = await openObjection(t);
    // a second objection, resolved on the spot
    expect((await action(rep, visitId, { type: 'objection', occurredAt: at(-10), fields: { category: 'timing', content: '年底再说', status: 'closed' } })).statusCode).toBe(201);
    expect((await admin.get(url)).json().node.attainment).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });

    const manager = await as(t, 'manager');
    const before = (await manager.get(`/api/v1/process/visits/${visitId}`)).json();
    expect(before.canCloseObjections).toBe(true);
    const id = crypto.randomUUID();
    const r = await close(manager, visitId, objectionId, id);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().action).toMatchObject({ id, corrects: objectionId, superseded: false, note: '要和财务商量', fields: { category: 'price', content: '比竞品贵 30%', status: 'closed' } });
    // the objection keeps when it was raised (and so its month); the correction is recorded now
    const old = before.actions.find((a: any) => a.id === objectionId);
    expect(r.json().action.occurredAt).toBe(old.occurredAt);

    const v = (await rep.get(`/api/v1/process/visits/${visitId}`)).json();
    const state = (actionId: string) => v.actions.filter((a: any) => a.id === actionId).map((a: any) => [a.fields.status, a.superseded, a.corrects]);
    expect([state(objectionId), state(id)]).toEqual([[['open', true, null]], [['closed', false, objectionId]]]);
    expect(v.actions.filter((a: any) => a.type === 'objection' && !a.superseded).map((a: any) => a.fields.status)).toEqual(['closed', 'closed']);
    expect((await admin.get(url)).json().node.attainment).toMatchObject({ numerator: 2, denominator: 2, value: 1 });
    // still the rep's objection (not the manager's), in the rep's month
    const rows = await db.query<{ rep_id: string }>('select rep_id from visit_actions where tenant_id = $1 and id = $2', [t.id, id]);
    expect(rows.rows[0].rep_id).toBe(repId);
    const audit = await db.query<any>(`select actor_id, after from audit_log where tenant_id = $1 and action = 'visit.action.correct'`, [t.id]);
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].after).toMatchObject({ actionId: id, corrects: objectionId, status: 'closed', before: { status: 'open' }, closedBy: t.users.manager.id });

    // a resend answers 200 with the stored record; closing it again is refused
    const again = await close(manager, visitId, objectionId, id);
    expect(again.statusCode).toBe(200);
    expect(again.json().action.id).toBe(id);
    const twice = await close(rep, visitId, id);
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('objection_not_open');
    const superseded = await close(rep, visitId, objectionId);
    expect(superseded.statusCode).toBe(409);
  });

  it('[P1] [G2] the rep closes their own objection; another team’s manager, another rep, a director and marketing are refused, a foreign tenant sees nothing, and nothing is written', async () => {
    const t = await makeTenant(db);
    const foreign = await makeTenant(db);
    const { rep, visitId, objectionId } = await openObjection(t);
    const refused: [string, number][] = [];
    for (const who of ['manager2', 'rep2', 'director', 'marketing']) {
      const r = await close(await as(t, who), visitId, objectionId);
      refused.push([who, r.statusCode]);
    }
    // out of scope reads as not found; in scope without the right is refused; marketing has no visits at all
    expect(refused).toEqual([['manager2', 404], ['rep2', 404], ['director', 403], ['marketing', 403]]);
    const director = await close(await as(t, 'director'), visitId, objectionId, crypto.randomUUID(), 'en-US');
    expect(director.json().detail).toBe('Only the rep who made the visit or their manager can mark an objection as resolved');
    expect((await close(await as(foreign, 'admin'), visitId, objectionId)).statusCode).toBe(404);
    expect((await close(await as(foreign, 'manager'), visitId, objectionId)).statusCode).toBe(404);
    expect((await (await as(t, 'director')).get(`/api/v1/process/visits/${visitId}`)).json().canCloseObjections).toBe(false);
    let v = (await rep.get(`/api/v1/process/visits/${visitId}`)).json();
    expect(v.actions.filter((a: any) => a.type === 'objection').map((a: any) => [a.fields.status, a.superseded])).toEqual([['open', false]]);
    // a check-in is not an objection
    const checkInId = v.actions.find((a: any) => a.type === 'check_in').id;
    expect((await close(rep, visitId, checkInId)).statusCode).toBe(409);

    expect(v.canCloseObjections).toBe(true);
    const mine = await close(rep, visitId, objectionId);
    expect(mine.statusCode, mine.body).toBe(201);
    v = mine.json().visit;
    expect(v.actions.filter((a: any) => a.type === 'objection' && !a.superseded).map((a: any) => a.fields.status)).toEqual(['closed']);
  });
});
