// Benchmark (not a test): the customer 360 page's API calls for a customer with 1,000 timeline
// items (visits + tickets + touchpoints + key-contact activities) inside a demo company, and the
// health portfolio ranking for a region — p50/p95 on embedded PGlite and on PostgreSQL.
//   npm run bench:customer360                                  # 200 reps, 20,000 customers, both databases
//   npm run bench:customer360 -- --customers 5000 --reps 50 --db pglite
// Results are printed and saved as JSON under bench/results/.
import crypto from 'node:crypto';
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
import { DEMO_PATTERNS, DEMO_WRITERS } from '../server/demo/modules.js';
import { type Row, pct, round, session } from './lib.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '200' },
    customers: { type: 'string', default: '20000' },
    items: { type: 'string', default: '1000' },
    db: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '40' },
    // Demo writers to leave out (comma-separated names), e.g. one that fails at this scale.
    'skip-writers': { type: 'string', default: '' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const REPS = Number(args.reps);
const CUSTOMERS = Number(args.customers);
const ITEMS = Number(args.items);
const RUNS = Number(args.runs);
const NOW = new Date('2026-11-26T08:00:00Z');
const SKIP = new Set(String(args['skip-writers']).split(',').filter(Boolean));
const WRITERS = DEMO_WRITERS.filter((w) => !SKIP.has(w.name));



/** Tops the customer up to ITEMS timeline rows, split evenly over the four kinds (setup only: plain SQL). */
async function fillTimeline(db: Db, tenantId: string, customerId: string, repId: string) {
  const count = async (table: string) => Number((await db.query(`select count(*)::int as n from ${table} where tenant_id = $1 and customer_id = $2`, [tenantId, customerId])).rows[0].n);
  const tables = ['visits', 'service_tickets', 'marketing_touchpoints', 'contact_activities'];
  const have = await Promise.all(tables.map(count));
  const missing = Math.max(0, ITEMS - have.reduce((a, b) => a + b, 0));
  const per = Math.ceil(missing / 4);
  const at = (i: number) => new Date(NOW.getTime() - (i + 1) * 7_200_000 - crypto.randomInt(0, 3_600_000));
  const ids = (n: number) => Array.from({ length: n }, () => crypto.randomUUID());
  const times = (n: number) => Array.from({ length: n }, (_, i) => at(i * 4 + crypto.randomInt(0, 4)).toISOString());
  const n = [per, per, per, Math.max(0, missing - 3 * per)];
  await db.query(
    `insert into visits (tenant_id, id, customer_id, rep_id, purpose, note, occurred_at, recorded_at)
     select $1, u.id, $3, $4, '例行拜访', '基准测试拜访', u.t, u.t from unnest($2::uuid[], $5::timestamptz[]) as u(id, t)`,
    [tenantId, ids(n[0]), customerId, repId, times(n[0])],
  );
  await db.query(
    `insert into service_tickets (tenant_id, id, customer_id, ticket_no, title, category, severity, status, contact_name, opened_at, closed_at, sla_due_at)
     select $1, u.id, $2, 'BENCH-' || u.id, '基准测试工单', case when random() < 0.1 then 'complaint' else 'fault' end, 'medium', 'closed', '王芳', u.t, u.t + interval '5 hours', u.t + interval '24 hours'
       from unnest($3::uuid[], $4::timestamptz[]) as u(id, t)`,
    [tenantId, customerId, ids(n[1]), times(n[1])],
  );
  await db.query(
    `insert into marketing_touchpoints (tenant_id, id, customer_id, external_id, channel, campaign, action, contact_name, occurred_at)
     select $1, u.id, $2, 'BENCH-' || u.id, '邮件营销', '基准测试', '打开邮件', '王芳', u.t from unnest($3::uuid[], $4::timestamptz[]) as u(id, t)`,
    [tenantId, customerId, ids(n[2]), times(n[2])],
  );
  await db.query(
    `insert into contact_activities (tenant_id, id, customer_id, kind, contact_name, contact_role, subject, occurred_at, rep_id)
     select $1, u.id, $2, (array['email','meeting','call'])[1 + (random() * 2)::int], '王芳', '采购经理', '基准测试', u.t, $5 from unnest($3::uuid[], $4::timestamptz[]) as u(id, t)`,
    [tenantId, customerId, ids(n[3]), times(n[3]), repId],
  );
  const after = await Promise.all(tables.map(count));
  return Object.fromEntries(tables.map((t, i) => [t, after[i]]));
}

async function measure(kind: 'pglite' | 'postgres'): Promise<{ rows: Row[]; meta: Record<string, unknown> }> {
  let dataDir: string | undefined;
  let url: string | undefined;
  let dbName: string | undefined;
  if (kind === 'pglite') dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench360-'));
  else {
    dbName = `trueline_bench360_${Date.now()}`;
    execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `create database ${dbName}`]);
    url = `${args['pg-url']}/${dbName}`;
  }
  const meta: Record<string, unknown> = { database: kind, reps: REPS, customers: CUSTOMERS, timelineItems: ITEMS };
  const db = await openDb({ databaseUrl: url, dataDir });
  try {
    await migrate(db);
    let t = performance.now();
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const demo = await loadDemo(db, {
      seed: 20260101,
      reps: REPS,
      customers: CUSTOMERS,
      passwordHash,
      now: NOW,
      patterns: DEMO_PATTERNS,
      onSlice: async (tx, tenantId, slice) => {
        for (const w of WRITERS) await w.writeSlice(tx, tenantId, slice);
      },
    });
    meta.demoWriters = WRITERS.map((w) => w.name);
    meta.demoLoadMs = Math.round(performance.now() - t);
    meta.demoCounts = demo.counts;
    const tenantId = demo.tenantId;
    const engagementCounts = async () =>
      Object.fromEntries(
        await Promise.all(
          ['service_tickets', 'marketing_touchpoints', 'contact_activities'].map(async (x) => [x, Number((await db.query(`select count(*)::int as n from ${x} where tenant_id = $1`, [tenantId])).rows[0].n)]),
        ),
      );
    meta.engagementRows = await engagementCounts();

    const rep = (await db.query<{ id: string; username: string; team_id: string; region_id: string }>(`select id, username, team_id, region_id from users where tenant_id = $1 and role = 'rep' order by username limit 1`, [tenantId])).rows[0];
    const manager = (await db.query<{ username: string }>(`select username from users where tenant_id = $1 and role = 'manager' and team_id = $2 limit 1`, [tenantId, rep.team_id])).rows[0];
    const director = (await db.query<{ username: string }>(`select username from users where tenant_id = $1 and role = 'director' and region_id = $2 limit 1`, [tenantId, rep.region_id])).rows[0];
    const customer = (await db.query<{ id: string }>(`select id from customers where tenant_id = $1 and owner_id = $2 order by id limit 1`, [tenantId, rep.id])).rows[0];
    meta.customerTimeline = await fillTimeline(db, tenantId, customer.id, rep.id);
    meta.regionCustomers = Number((await db.query(`select count(*)::int as n from customers where tenant_id = $1 and region_id = $2`, [tenantId, rep.region_id])).rows[0].n);
    await db.query('analyze');

    t = performance.now();
    const { app } = await buildApp({ db, settings: { ...loadSettings({ DATA_DIR: dataDir ?? os.tmpdir(), SCHEDULER: 'false' }) }, logger: false, now: () => NOW });
    await app.ready();
    meta.appBuildMs = Math.round(performance.now() - t);
    const who = { rep: await session(app, rep.username), manager: await session(app, manager.username), director: await session(app, director.username) };
    const c = customer.id;
    const first = await app.inject({ method: 'GET', url: `/api/v1/customers/${c}/timeline?pageSize=20`, headers: who.rep });
    let cursor = first.json().nextCursor as string;
    for (let i = 0; i < 9 && cursor; i++) cursor = (await app.inject({ method: 'GET', url: `/api/v1/customers/${c}/timeline?pageSize=20&cursor=${cursor}`, headers: who.rep })).json().nextCursor;
    const single: [string, keyof typeof who, string][] = [
      ['rep: customer detail', 'rep', `/api/v1/customers/${c}`],
      ['rep: health board', 'rep', `/api/v1/customers/${c}/health`],
      ['rep: timeline first page (20)', 'rep', `/api/v1/customers/${c}/timeline?pageSize=20`],
      ['rep: timeline page 11 (cursor)', 'rep', `/api/v1/customers/${c}/timeline?pageSize=20&cursor=${cursor}`],
      ['manager: health board', 'manager', `/api/v1/customers/${c}/health`],
      ['manager: portfolio (team)', 'manager', `/api/v1/health/portfolio?scope=team`],
      ['director: portfolio (region)', 'director', `/api/v1/health/portfolio?scope=region`],
      ['director: portfolio (region, at risk only)', 'director', `/api/v1/health/portfolio?scope=region&level=at_risk`],
    ];
    const rows: Row[] = [];
    const run = async (label: string, fn: () => Promise<void>, runs = RUNS) => {
      const times: number[] = [];
      for (let i = 0; i < runs + 3; i++) {
        const s = performance.now();
        await fn();
        if (i >= 3) times.push(performance.now() - s); // first 3 warm the caches
      }
      rows.push({ database: kind, case: label, p50: round(pct(times, 50)), p95: round(pct(times, 95)), max: round(Math.max(...times)), n: times.length });
    };
    for (const [label, user, u] of single) {
      const runs = label.includes('portfolio (region') ? Math.max(10, Math.round(RUNS / 4)) : RUNS;
      await run(
        label,
        async () => {
          const res = await app.inject({ method: 'GET', url: u, headers: who[user] });
          if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body}`);
        },
        runs,
      );
    }
    // The page as the browser loads it: detail, health and the first timeline page in parallel.
    await run('rep: customer 360 page (3 calls in parallel)', async () => {
      const res = await Promise.all([`/api/v1/customers/${c}`, `/api/v1/customers/${c}/health`, `/api/v1/customers/${c}/timeline?pageSize=20`].map((u) => app.inject({ method: 'GET', url: u, headers: who.rep })));
      if (res.some((r) => r.statusCode !== 200)) throw new Error('page call failed');
    });
    const region = (await app.inject({ method: 'GET', url: `/api/v1/health/portfolio?scope=region&pageSize=5`, headers: who.director })).json();
    meta.regionPortfolio = { total: region.total, counts: region.counts, top: region.items.map((i: { riskScore: number; level: string }) => [i.riskScore, i.level]) };
    meta.rssMb = Math.round(process.memoryUsage().rss / 1_048_576);
    await app.close();
    return { rows, meta };
  } finally {
    await db.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (dbName) execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `drop database ${dbName} with (force)`]);
  }
}

const kinds: ('pglite' | 'postgres')[] = args.db === 'both' ? ['pglite', 'postgres'] : [args.db as 'pglite' | 'postgres'];
const results = [];
for (const k of kinds) {
  console.log(`\n${k}: loading ${REPS} reps, ${CUSTOMERS} customers, a customer with ${ITEMS} timeline items …`);
  const r = await measure(k);
  console.log(r.meta);
  console.table(r.rows.map(({ database: _d, ...x }) => x));
  results.push(r);
}
const out = {
  benchmark: 'customer360',
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  runsPerCase: RUNS,
  results,
};
fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
const file = path.join('bench', 'results', `customer360-${REPS}r-${CUSTOMERS}c-${ITEMS}i-${kinds.join('+')}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`saved ${file}`);
