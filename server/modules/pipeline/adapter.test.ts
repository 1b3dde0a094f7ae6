// The HTTP delivery adapter against a real local node:http server playing the external
// delivery system (its capacity and bookings live in this file's memory).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, makeTenant } from '../../test/harness.js';
import type { App } from '../../app.js';
import type { Db } from '../../platform/db/db.js';
import { weekRange } from './capacity.js';
import { httpCalendar } from './delivery-adapter.js';
import { as, contractNo, NOW, seedCustomer, seedTeam } from './test-support.js';

interface External {
  capacity: Map<string, number>; // `${team}|${week}` → capacity
  bookings: Map<string, { team: string; week: string; load: number; reference: string }>;
  mode: 'ok' | 'error500' | 'garbage';
  requests: string[];
}

const ext: External = { capacity: new Map(), bookings: new Map(), mode: 'ok', requests: [] };
let server: http.Server;
let baseUrl: string;
let app: App;
let db: Db;

function booked(team: string, week: string) {
  return [...ext.bookings.values()].filter((b) => b.team === team && b.week === week).reduce((s, b) => s + b.load, 0);
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    ext.requests.push(`${req.method} ${req.url}`);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const send = (status: number, json?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(json === undefined ? '' : JSON.stringify(json));
      };
      if (ext.mode === 'error500') return send(500, { error: 'boom' });
      if (ext.mode === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>maintenance</html>');
      }
      const url = new URL(req.url!, 'http://x');
      let m = /^\/api\/teams\/([^/]+)\/capacity$/.exec(url.pathname);
      if (m && req.method === 'GET') {
        const team = decodeURIComponent(m[1]);
        const weeks = weekRange(url.searchParams.get('from')!, url.searchParams.get('to')!).map((week) => ({
          week,
          capacity: ext.capacity.get(`${team}|${week}`) ?? 4,
          booked: booked(team, week),
        }));
        return send(200, { weeks });
      }
      m = /^\/api\/teams\/([^/]+)\/bookings$/.exec(url.pathname);
      if (m && req.method === 'POST') {
        const team = decodeURIComponent(m[1]);
        const b = JSON.parse(body);
        if ((ext.capacity.get(`${team}|${b.week}`) ?? 4) - booked(team, b.week) < b.load) return send(409, { error: 'full' });
        const id = `BK-${ext.bookings.size + 1}`;
        ext.bookings.set(id, { team, week: b.week, load: b.load, reference: b.reference });
        return send(201, { id });
      }
      m = /^\/api\/bookings\/([^/]+)$/.exec(url.pathname);
      if (m && req.method === 'DELETE') {
        ext.bookings.delete(decodeURIComponent(m[1]));
        return send(204);
      }
      send(404, { error: 'no route' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  ({ app, db } = await createTestApp({ now: () => NOW, settings: { delivery: { apiUrl: baseUrl, timeoutMs: 2000 } } }));
});

afterAll(async () => {
  await app.close();
  await new Promise((r) => server.close(r));
});

describe('external delivery system adapter', () => {
  it('[C7] reads capacity from the external system and books promises there (booking id kept on the milestone)', async () => {
    ext.mode = 'ok';
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 99, 'EXT-SH');
    ext.capacity.set('EXT-SH|2026-W50', 6);
    const rep = await as(app, t, 'rep');
    const cal = (await rep.get('/delivery/calendar?from=2026-W49&weeks=2')).json();
    expect(cal.source).toBe('http');
    expect(cal.teams.find((x: { id: string }) => x.id === team.id).weeks).toEqual([
      { week: '2026-W49', capacity: 4, booked: 0, free: 4 },
      { week: '2026-W50', capacity: 6, booked: 0, free: 6 },
    ]);
    const made = await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-12-10', scope: '上线', deliveryTeamId: team.id, load: 5 }] });
    expect(made.statusCode, made.body).toBe(201);
    const ref = made.json().milestones[0].externalRef;
    expect(ref).toMatch(/^BK-/);
    expect(ext.bookings.get(ref)).toMatchObject({ team: 'EXT-SH', week: '2026-W50', load: 5 });
  });

  it('[C7] a full external week is refused with alternatives taken from the external capacity', async () => {
    ext.mode = 'ok';
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 99, 'EXT-BJ');
    ext.capacity.set('EXT-BJ|2026-W49', 0);
    ext.capacity.set('EXT-BJ|2026-W50', 1);
    const rep = await as(app, t, 'rep');
    const res = await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-12-08', scope: '上线', deliveryTeamId: team.id, load: 3 }] });
    expect(res.statusCode).toBe(409);
    expect(res.json().alternatives).toEqual([
      { date: '2026-11-26', week: '2026-W48', free: 4, direction: 'before' },
      { date: '2026-12-15', week: '2026-W51', free: 4, direction: 'after' },
      { date: '2026-12-22', week: '2026-W52', free: 4, direction: 'after' },
    ]);
  });

  it('[C7] the external system down, failing or answering garbage → 503 problem, nothing written anywhere', async () => {
    const t = await makeTenant(db);
    const c = await seedCustomer(app, t, 'rep');
    const team = await seedTeam(app, t, 99, 'EXT-HZ');
    const rep = await as(app, t, 'rep');
    const before = ext.bookings.size;
    for (const mode of ['error500', 'garbage'] as const) {
      ext.mode = mode;
      const res = await rep.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-12-10', scope: '上线', deliveryTeamId: team.id, load: 1 }] });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('delivery_system_unavailable');
    }
    ext.mode = 'ok';
    expect((await rep.get(`/customers/${c.id}/contracts`)).json().items).toHaveLength(0);
    expect(ext.bookings.size).toBe(before);

    // Really down: nothing listens on the port any more.
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    await new Promise((r) => dead.close(r));
    const down = await createTestApp({ now: () => NOW, settings: { delivery: { apiUrl: deadUrl, timeoutMs: 1000 } } });
    try {
      const s = await as(down.app, t, 'rep');
      const res = await s.call('POST', '/contracts', { customerId: c.id, number: contractNo(), amount: 1, milestones: [{ promisedDate: '2026-12-10', scope: '上线', deliveryTeamId: team.id, load: 1 }] });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ code: 'delivery_system_unavailable' });
      expect(res.json().detail).toContain('unreachable');
      expect((await s.get('/delivery/calendar')).statusCode).toBe(503);
      expect((await s.get(`/customers/${c.id}/contracts`)).json().items).toHaveLength(0);
    } finally {
      await down.app.close();
    }
  });

  it('[C7] the HTTP adapter reports a refused booking and releases a booking it made', async () => {
    ext.mode = 'ok';
    ext.capacity.set('EXT-GZ|2026-W50', 2);
    const a = httpCalendar(baseUrl);
    const team = { id: 'x', externalId: 'EXT-GZ', weeklyCapacity: 0 };
    const { ref } = await a.book(team, { week: '2026-W50', date: '2026-12-10', load: 2, reference: 'HT#1' });
    expect(ref).toBeTruthy();
    await expect(a.book(team, { week: '2026-W50', date: '2026-12-10', load: 1, reference: 'HT#2' })).rejects.toThrow(/refused/);
    await a.release(ref!);
    expect((await a.capacity(team, '2026-W50', '2026-W50'))[0]).toEqual({ week: '2026-W50', capacity: 2, booked: 0 });
  });
});
