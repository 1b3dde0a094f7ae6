// Benchmark (not a test): start-up time and memory, then customer list and search latency
// (p50/p95) at a stated scale, on embedded PGlite and on the PostgreSQL server.
//   npm run bench                           # 2,000 reps, 200,000 customers, both databases
//   npm run bench -- --customers 20000 --reps 200 --db pglite
// Results are printed as a table and saved as JSON under bench/results/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openDb, type Db } from '../server/platform/db/db.js';
import { migrate } from '../server/platform/db/migrate.js';
import { buildApp } from '../server/app.js';
import { DEMO_PASSWORD } from '../server/demo/first-run.js';
import { loadSettings } from '../server/platform/settings.js';
import { hashPassword } from '../server/platform/auth/passwords.js';
import { loadDemo } from '../server/demo/load.js';
import { demoModules } from '../server/demo/modules.js';
import { type Row, pct, round, mb, session } from './lib.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '2000' },
    customers: { type: 'string', default: '200000' },
    db: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '60' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const REPS = Number(args.reps);
const CUSTOMERS = Number(args.customers);
const RUNS = Number(args.runs);



async function sample(db: Db, column: string, where = 'true'): Promise<string> {
  const r = await db.query(`select ${column} as v from customers where ${where} and ${column} is not null order by id limit 1 offset 777`);
  return String(r.rows[0].v);
}

async function measure(kind: 'pglite' | 'postgres'): Promise<{ rows: Row[]; meta: Record<string, unknown> }> {
  let dataDir: string | undefined;
  let url: string | undefined;
  let dbName: string | undefined;
  if (kind === 'pglite') dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench-'));
  else {
    dbName = `trueline_bench_${Date.now()}`;
    execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `create database ${dbName}`]);
    url = `${args['pg-url']}/${dbName}`;
  }
  const meta: Record<string, unknown> = { database: kind, reps: REPS, customers: CUSTOMERS };
  let t = performance.now();
  let db = await openDb({ databaseUrl: url, dataDir });
  await migrate(db);
  meta.firstOpenAndMigrateMs = Math.round(performance.now() - t);

  t = performance.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const demo = await loadDemo(db, { seed: 20260101, reps: REPS, customers: CUSTOMERS, passwordHash, now: new Date('2026-11-26T08:00:00Z'), ...demoModules() });
  meta.demoLoadMs = Math.round(performance.now() - t);
  meta.demoCounts = demo.counts;
  if (kind === 'postgres') await db.query('analyze');

  // Start-up time of an existing installation: reopen, migrate (no-op), build the app.
  await db.close();
  const rss0 = process.memoryUsage().rss;
  t = performance.now();
  db = await openDb({ databaseUrl: url, dataDir });
  await migrate(db);
  const { app } = await buildApp({ db, settings: { ...loadSettings({ DATA_DIR: dataDir ?? os.tmpdir(), SCHEDULER: 'false' }) }, logger: false });
  await app.ready();
  meta.restartMs = Math.round(performance.now() - t);

  const name = await sample(db, 'name', "kind = 'org'");
  const mobile = await sample(db, 'mobile');
  const code = await sample(db, 'credit_code');
  const rep = (await db.query(`select username from users where role = 'rep' order by username limit 1`)).rows[0].username;
  const manager = (await db.query(`select username from users where role = 'manager' order by username limit 1`)).rows[0].username;
  const who = { admin: await session(app, 'admin'), manager: await session(app, manager), rep: await session(app, rep) };
  const cases: [string, keyof typeof who, string][] = [
    ['admin list page 1 (all customers)', 'admin', '/api/v1/customers'],
    ['admin list page 200', 'admin', '/api/v1/customers?page=200'],
    ['admin filter tier=KA sort name', 'admin', '/api/v1/customers?tier=KA&sort=name&order=asc'],
    ['admin search name fragment', 'admin', `/api/v1/customers?q=${encodeURIComponent([...name].slice(2, 5).join(''))}`],
    ['admin search mobile prefix', 'admin', `/api/v1/customers?q=${mobile.slice(0, 7)}`],
    ['admin search credit-code prefix', 'admin', `/api/v1/customers?q=${code.slice(0, 12)}`],
    ['manager list (team scope)', 'manager', '/api/v1/customers'],
    ['rep list (own scope)', 'rep', '/api/v1/customers'],
    ['rep search name fragment', 'rep', `/api/v1/customers?q=${encodeURIComponent([...name].slice(2, 4).join(''))}`],
  ];
  const rows: Row[] = [];
  for (const [label, user, url2] of cases) {
    const times: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      const s = performance.now();
      const res = await app.inject({ method: 'GET', url: url2, headers: who[user] });
      const ms = performance.now() - s;
      if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body}`);
      if (i >= 5) times.push(ms); // first 5 warm the caches
    }
    rows.push({ database: kind, case: label, p50: round(pct(times, 50)), p95: round(pct(times, 95)), max: round(Math.max(...times)), n: times.length });
  }
  meta.rssAfterMb = mb(process.memoryUsage().rss);
  meta.rssDeltaFromRestartMb = mb(process.memoryUsage().rss - rss0);
  await app.close();
  await db.close();
  if (dataDir) {
    meta.dataDirMb = Math.round(Number(execFileSync('du', ['-sm', dataDir]).toString().split('\t')[0]));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  if (dbName) execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `drop database ${dbName} with (force)`]);
  return { rows, meta };
}

const kinds: ('pglite' | 'postgres')[] = args.db === 'both' ? ['pglite', 'postgres'] : [args.db as 'pglite' | 'postgres'];
const results = [];
for (const k of kinds) {
  console.log(`\n${k}: loading ${REPS} reps, ${CUSTOMERS} customers …`);
  const r = await measure(k);
  console.log(r.meta);
  console.table(r.rows.map(({ database: _d, ...x }) => x));
  results.push(r);
}
const out = {
  benchmark: 'customers-list-search',
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  runsPerCase: RUNS,
  results,
};
fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
const file = path.join('bench', 'results', `customers-${REPS}r-${CUSTOMERS}c-${kinds.join('+')}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`saved ${file}`);
