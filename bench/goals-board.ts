// Benchmark (not a test): the G4 drill-down board API (GET /goals/board) at each level — company,
// region, team, rep (with its customers and the activities behind them) and customer — p50/p95 on
// embedded PGlite and on PostgreSQL. The demo company (its visits and actions are the activity
// facts) plus synthetic goal_attainment rows (every rep × 11 months × 3 metrics) and targets for
// every node of the month. Then the time to recompute a year of one metric after its definition
// changes (G7).
//   npx tsx bench/goals-board.ts                                 # 120 reps, 6,000 customers, both databases
//   npx tsx bench/goals-board.ts -- --reps 50 --customers 2000 --db pglite
// Results are printed and saved as bench/results/goals-board.json.
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
import { processMetrics, recomputeDefinition } from '../server/modules/goals/attainment.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '120' },
    customers: { type: 'string', default: '6000' },
    db: { type: 'string', default: 'both' },
    runs: { type: 'string', default: '40' },
    // Tops visit_actions up to this many rows with synthetic actions on the demo's visits (setup only).
    actions: { type: 'string', default: '0' },
    // Demo writers to leave out (comma-separated names), e.g. 'pipeline', whose delivery calendar fills up at 2,000 reps.
    'skip-writers': { type: 'string', default: '' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const REPS = Number(args.reps);
const CUSTOMERS = Number(args.customers);
const RUNS = Number(args.runs);
const ACTIONS = Number(args.actions);
const SKIP = new Set(String(args['skip-writers']).split(',').filter(Boolean));
const WRITERS = DEMO_WRITERS.filter((w) => !SKIP.has(w.name));
const NOW = new Date('2026-11-26T08:00:00Z');
const YEAR = 2026;
const MONTH = '2026-11';
const METRICS = ['effectiveVisits', 'solutionDemos', 'objectionClosureRate'];

/** Synthetic attainment for every rep and month Jan–Nov, and targets for every node of the month (setup only: plain SQL). */
async function seedGoals(db: Db, tenantId: string) {
  const planId = crypto.randomUUID();
  await db.query(`insert into goal_plans (tenant_id, id, year, name, created_at) values ($1, $2, $3, 'bench', now()) on conflict do nothing`, [tenantId, planId, YEAR]);
  const plan = (await db.query<{ id: string }>(`select id from goal_plans where tenant_id = $1 and year = $2`, [tenantId, YEAR])).rows[0].id;
  const months = Array.from({ length: 11 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
  await db.query(
    `insert into goal_attainment (tenant_id, metric, period, rep_id, team_id, region_id, numerator, denominator, definition_version, computed_at)
     select $1, m.metric, p.period, u.id, u.team_id, u.region_id, (random() * 40)::int,
            case when m.metric = 'objectionClosureRate' then 10 + (random() * 10)::int end, 1, now()
       from users u cross join unnest($2::text[]) as m(metric) cross join unnest($3::text[]) as p(period)
      where u.tenant_id = $1 and u.role = 'rep'
     on conflict (tenant_id, metric, period, rep_id) do nothing`,
    [tenantId, METRICS, months],
  );
  await db.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, value, updated_at)
     select $1, gen_random_uuid(), $2, 'process', 'effectiveVisits', $3, n.kind, n.id, n.value, now() from (
       select 'company' as kind, null::uuid as id, 30.0 * (select count(*) from users where tenant_id = $1 and role = 'rep') as value
       union all select 'region', r.id, 30.0 * (select count(*) from users u where u.tenant_id = $1 and u.role = 'rep' and u.region_id = r.id) from regions r where r.tenant_id = $1
       union all select 'team', t.id, 30.0 * (select count(*) from users u where u.tenant_id = $1 and u.role = 'rep' and u.team_id = t.id) from teams t where t.tenant_id = $1
       union all select 'rep', u.id, 30 from users u where u.tenant_id = $1 and u.role = 'rep') n
     on conflict do nothing`,
    [tenantId, plan, MONTH],
  );
  return Number((await db.query(`select count(*)::int as n from goal_attainment where tenant_id = $1`, [tenantId])).rows[0].n);
}

async function measure(kind: 'pglite' | 'postgres'): Promise<{ rows: Row[]; meta: Record<string, unknown> }> {
  let dataDir: string | undefined;
  let url: string | undefined;
  let dbName: string | undefined;
  if (kind === 'pglite') dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench-g4-'));
  else {
    dbName = `trueline_bench_g4_${Date.now()}`;
    execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `create database ${dbName}`]);
    url = `${args['pg-url']}/${dbName}`;
  }
  const meta: Record<string, unknown> = { database: kind, reps: REPS, customers: CUSTOMERS };
  const db = await openDb({ databaseUrl: url, dataDir });
  try {
    await migrate(db);
    let t = performance.now();
    const demo = await loadDemo(db, {
      seed: 20260101,
      reps: REPS,
      customers: CUSTOMERS,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      now: NOW,
      patterns: DEMO_PATTERNS,
      onSlice: async (tx, tenantId, slice) => {
        for (const w of WRITERS) await w.writeSlice(tx, tenantId, slice);
      },
    });
    meta.demoLoadMs = Math.round(performance.now() - t);
    meta.demoWriters = WRITERS.map((w) => w.name);
    meta.demoCounts = demo.counts;
    const tenantId = demo.tenantId;
    meta.goalAttainmentRows = await seedGoals(db, tenantId);
    const count = async (sql: string) => Number((await db.query(sql, [tenantId])).rows[0].n);
    meta.visitActions = await count(`select count(*)::int as n from visit_actions where tenant_id = $1`);
    if (ACTIONS > (meta.visitActions as number)) {
      // Rounds of six actions on every visit (shifted a few minutes each round) until the total is reached.
      t = performance.now();
      const visits = await count(`select count(*)::int as n from visits where tenant_id = $1`);
      for (let round = 1; (meta.visitActions as number) < ACTIONS; round++) {
        const perVisit = Math.min(6, Math.ceil((ACTIONS - (meta.visitActions as number)) / visits));
        await db.query(
          `insert into visit_actions (tenant_id, id, visit_id, rep_id, type, occurred_at, recorded_at, fields, note)
           select v.tenant_id, gen_random_uuid(), v.id, v.rep_id,
                  (array['check_in','need_capture','demo','objection','follow_up','appointment'])[g + 1],
                  v.occurred_at + make_interval(mins => $2 * 7 + g * 11), v.recorded_at, '{}'::jsonb, ''
             from visits v cross join generate_series(0, $3 - 1) g where v.tenant_id = $1`,
          [tenantId, round, perVisit],
        );
        meta.visitActions = await count(`select count(*)::int as n from visit_actions where tenant_id = $1`);
      }
      meta.actionsTopUpMs = Math.round(performance.now() - t);
    }
    await db.query('analyze');

    // The rep with the most actions this month, and their busiest customer.
    const rep = (
      await db.query<{ id: string; username: string; team_id: string; region_id: string }>(
        `select u.id, u.username, u.team_id, u.region_id from users u left join visit_actions a on a.tenant_id = u.tenant_id and a.rep_id = u.id and a.occurred_at >= $2
          where u.tenant_id = $1 and u.role = 'rep' group by u.id, u.username, u.team_id, u.region_id order by count(a.id) desc, u.username limit 1`,
        [tenantId, new Date('2026-10-31T16:00:00Z')],
      )
    ).rows[0];
    const customer = (
      await db.query<{ id: string }>(`select v.customer_id as id from visits v where v.tenant_id = $1 and v.rep_id = $2 group by 1 order by count(*) desc limit 1`, [tenantId, rep.id])
    ).rows[0];
    const manager = (await db.query<{ username: string }>(`select username from users where tenant_id = $1 and role = 'manager' and team_id = $2 limit 1`, [tenantId, rep.team_id])).rows[0];
    const director = (await db.query<{ username: string }>(`select username from users where tenant_id = $1 and role = 'director' and region_id = $2 limit 1`, [tenantId, rep.region_id])).rows[0];
    meta.repCustomers = Number((await db.query(`select count(*)::int as n from customers where tenant_id = $1 and owner_id = $2`, [tenantId, rep.id])).rows[0].n);

    t = performance.now();
    const { app, deps } = await buildApp({ db, settings: { ...loadSettings({ DATA_DIR: dataDir ?? os.tmpdir(), SCHEDULER: 'false' }) }, logger: false, now: () => NOW });
    await app.ready();
    meta.appBuildMs = Math.round(performance.now() - t);
    const who = { admin: await session(app, 'admin'), director: await session(app, director.username), manager: await session(app, manager.username), rep: await session(app, rep.username) };
    const q = (extra: Record<string, string>) => `/api/v1/goals/board?${new URLSearchParams({ year: String(YEAR), period: MONTH, metric: 'effectiveVisits', ...extra })}`;
    // G4 filters (ADR 0009): the most sold SKU and the key-account tag, computed live from the segment.
    const sku = (
      await db.query<{ sku: string }>(`select p as sku from opportunities, unnest(products) p where tenant_id = $1 group by p order by count(*) desc limit 1`, [tenantId])
    ).rows[0].sku;
    meta.filters = { sku, tag: '重点客户' };
    const cases: [string, keyof typeof who, string, number?][] = [
      ['admin: company (month)', 'admin', q({})],
      ['admin: company (year)', 'admin', q({ period: String(YEAR) })],
      ['admin: company (ratio metric, Q4)', 'admin', q({ period: `${YEAR}-Q4`, metric: 'objectionClosureRate' })],
      ['director: region (month)', 'director', q({})],
      ['manager: team (month)', 'manager', q({})],
      ['rep: own node with customers and actions (month)', 'rep', q({})],
      ['rep: own node (year: 11 months of actions)', 'rep', q({ period: String(YEAR) })],
      ['director: customer with its actions (month)', 'director', q({ nodeKind: 'customer', nodeId: customer.id })],
      ['manager: team, tag filter (month)', 'manager', q({ tag: '重点客户' })],
      ['director: region, product filter (month)', 'director', q({ productLine: sku })],
      ['admin: company, product filter (month)', 'admin', q({ productLine: sku }), Math.min(RUNS, 10)],
    ];
    const rows: Row[] = [];
    for (const [label, user, u, runs = RUNS] of cases) {
      const times: number[] = [];
      for (let i = 0; i < runs + 3; i++) {
        const s = performance.now();
        const res = await app.inject({ method: 'GET', url: u, headers: who[user] });
        if (res.statusCode !== 200) throw new Error(`${label}: ${res.statusCode} ${res.body}`);
        if (i >= 3) times.push(performance.now() - s);
      }
      rows.push({ database: kind, case: label, p50: round(pct(times, 50)), p95: round(pct(times, 95)), max: round(Math.max(...times)), n: times.length });
    }
    const repBoard = (await app.inject({ method: 'GET', url: q({}), headers: who.rep })).json();
    meta.repBoard = { customers: repBoard.customers?.length, actions: repBoard.attribution?.actionTypes?.attainment };
    // G7 at this scale: a new version of the effective-visits definition recomputes every month
    // with attainment (Jan–Nov) from the activity facts, with the before/after audit.
    const def = (await processMetrics(deps, tenantId)).find((m) => m.metric === 'effectiveVisits')!;
    t = performance.now();
    const recompute = await recomputeDefinition(deps, {
      tenantId, key: def.key, version: def.version + 1, value: def.def, previous: null, activatedAt: NOW, actorId: null,
    });
    meta.recomputeYear = { metric: 'effectiveVisits', periods: recompute?.periods.length, ms: Math.round(performance.now() - t) };
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
  console.log(`\n${k}: loading ${REPS} reps, ${CUSTOMERS} customers …`);
  const r = await measure(k);
  console.log(r.meta);
  console.table(r.rows.map(({ database: _d, ...x }) => x));
  results.push(r);
}
const out = {
  benchmark: 'goals-board',
  at: new Date().toISOString(),
  note: ACTIONS
    ? `${REPS} reps, ${CUSTOMERS} customers, the demo's visits with visit_actions topped up to ${ACTIONS.toLocaleString('en')} synthetic actions, synthetic goal_attainment for every rep × 11 months × 3 metrics.`
    : `Demo scale only (${REPS} reps, ${CUSTOMERS} customers, the demo's visits and actions, synthetic goal_attainment for every rep × 11 months × 3 metrics).`,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  runsPerCase: RUNS,
  results,
};
fs.mkdirSync(path.resolve('bench/results'), { recursive: true });
const file = ACTIONS ? `bench/results/goals-board-${REPS}r-${CUSTOMERS}c-${ACTIONS}a.json` : 'bench/results/goals-board.json';
fs.writeFileSync(path.resolve(file), JSON.stringify(out, null, 2));
console.log(`saved ${file}`);
