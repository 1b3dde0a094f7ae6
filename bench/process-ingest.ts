// Benchmark (not a test): visit ingest through the API with every synchronous check — create the
// visit, check in (geofence, impossible travel), need capture (keywords), demo, objection,
// follow-up, and one photo (type sniffing, EXIF, dHash, reuse lookup) — on PGlite and PostgreSQL,
// inside a demo company (so reuse lookups and travel checks see real history).
//   npx tsx bench/process-ingest.ts                      # 24 reps, 600 customers, 150 visits, both databases
//   npx tsx bench/process-ingest.ts --visits 300 --db postgres
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openDb } from '../server/platform/db/db.js';
import { migrate } from '../server/platform/db/migrate.js';
import { buildApp } from '../server/app.js';
import { DEMO_PASSWORD } from '../server/demo/first-run.js';
import { loadSettings } from '../server/platform/settings.js';
import { hashPassword } from '../server/platform/auth/passwords.js';
import { loadDemo } from '../server/demo/load.js';
import { demoModules } from '../server/demo/modules.js';
import { multipart } from '../server/platform/files/test-fixtures.js';
import { makePhoto } from '../server/modules/process/test-photos.js';
import { type Row, pct, round, session } from './lib.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '24' },
    customers: { type: 'string', default: '600' },
    visits: { type: 'string', default: '150' },
    db: { type: 'string', default: 'both' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const VISITS = Number(args.visits);
const NOW = new Date('2026-11-26T08:00:00Z');

async function measure(kind: 'pglite' | 'postgres') {
  let dataDir: string | undefined;
  let url: string | undefined;
  let dbName: string | undefined;
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench-ingest-files-'));
  if (kind === 'pglite') dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench-ingest-'));
  else {
    dbName = `trueline_bench_ingest_${Date.now()}`;
    execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `create database ${dbName}`]);
    url = `${args['pg-url']}/${dbName}`;
  }
  const db = await openDb({ databaseUrl: url, dataDir });
  try {
    await migrate(db);
    const demo = await loadDemo(db, { seed: 20260101, reps: Number(args.reps), customers: Number(args.customers), passwordHash: await hashPassword(DEMO_PASSWORD), now: NOW, ...demoModules() });
    const { app } = await buildApp({ db, settings: loadSettings({ DATA_DIR: dataDir ?? filesDir, SCHEDULER: 'false' }), logger: false, now: () => NOW });
    await app.ready();
    const rep = (await db.query<{ id: string; username: string }>(`select id, username from users where tenant_id = $1 and role = 'rep' order by username limit 1`, [demo.tenantId])).rows[0];
    const customers = (await db.query<{ id: string; lat: number; lng: number }>(`select id, lat, lng from customers where tenant_id = $1 and owner_id = $2 and lat is not null`, [demo.tenantId, rep.id])).rows;
    const s = await session(app, rep.username);
    const csrf = /tl_csrf=([^;]+)/.exec(s.cookie)?.[1] ?? '';
    const headers = { ...s, 'x-csrf-token': csrf };
    const photos = await Promise.all(Array.from({ length: 20 }, (_, i) => makePhoto({ seed: 1000 + i })));
    const times: Record<string, number[]> = {};
    const timed = async (label: string, fn: () => Promise<{ statusCode: number; body: string }>) => {
      const t = performance.now();
      const r = await fn();
      (times[label] ??= []).push(performance.now() - t);
      if (r.statusCode >= 300) throw new Error(`${label}: ${r.statusCode} ${r.body}`);
    };
    const post = (u: string, payload: unknown) => app.inject({ method: 'POST', url: u, payload: payload as object, headers });
    const t0 = performance.now();
    for (let i = 0; i < VISITS; i++) {
      const c = customers[i % customers.length];
      const visitId = crypto.randomUUID();
      const at = (m: number) => new Date(NOW.getTime() - (VISITS - i) * 3 * 3_600_000 + m * 60_000).toISOString();
      const visitStart = performance.now();
      await timed('create visit', () => post('/api/v1/process/visits', { id: visitId, customerId: c.id, purpose: '需求沟通' }));
      const act = (type: string, fields: Record<string, unknown>, m: number, extra: Record<string, unknown> = {}) =>
        timed(`action: ${type}`, () => post(`/api/v1/process/visits/${visitId}/actions`, { id: crypto.randomUUID(), type, occurredAt: at(m), fields, ...extra }));
      await act('check_in', {}, 0, { position: { lat: c.lat + 0.0003, lng: c.lng, accuracyM: 12, datum: 'wgs84' } });
      await act('need_capture', { needs: ['数据分析', '移动端'], painPoints: ['人工录入', '回款慢'] }, 10, { note: '客户关注交付周期和预算，希望下月试点' });
      await act('demo', { solution: '移动端与报表演示' }, 25);
      await act('objection', { category: '价格', content: '比竞品贵 20%' }, 35);
      await act('follow_up', { commitment: '下周三前发送报价', dueAt: at(60 * 24 * 7) }, 45);
      const m = multipart({ filename: 'site.jpg', content: photos[i % photos.length], type: 'image/jpeg' }, { id: crypto.randomUUID(), kind: 'photo', claimedAt: at(5) });
      await timed('photo upload', () => app.inject({ method: 'POST', url: `/api/v1/process/visits/${visitId}/media`, payload: m.payload, headers: { ...headers, ...m.headers } }));
      (times['complete visit (7 calls)'] ??= []).push(performance.now() - visitStart);
    }
    const seconds = (performance.now() - t0) / 1000;
    const rows: Row[] = Object.entries(times).map(([label, xs]) => ({ database: kind, case: label, p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), max: round(Math.max(...xs)), n: xs.length }));
    await app.close();
    return { rows, meta: { database: kind, visits: VISITS, seconds: round(seconds), visitsPerSecond: round(VISITS / seconds), callsPerSecond: round((VISITS * 7) / seconds), demoVisits: demo.counts } };
  } finally {
    await db.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(filesDir, { recursive: true, force: true });
    if (dbName) execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `drop database ${dbName} with (force)`]);
  }
}

const kinds: ('pglite' | 'postgres')[] = args.db === 'both' ? ['pglite', 'postgres'] : [args.db as 'pglite' | 'postgres'];
const results = [];
for (const k of kinds) {
  const r = await measure(k);
  console.table(r.rows);
  console.log(r.meta);
  results.push(r);
}
const out = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'process-ingest.json');
fs.writeFileSync(out, JSON.stringify({ when: new Date().toISOString(), machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`, results }, null, 2));
console.log(`saved ${out}`);
