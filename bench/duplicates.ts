// Benchmark (not a test), C1: likely-duplicate detection at scale. Loads the demo company with its
// planted duplicates and look-alikes (server/demo/duplicates.ts), runs the scan the nightly job
// runs, and reports precision/recall against the ground truth and the scan time, on embedded
// PGlite and on the PostgreSQL server. Also times the create-time check (one new customer).
//   npm run bench:duplicates                                 # 2,000 reps, 200,000 customers, both
//   npm run bench:duplicates -- --customers 20000 --reps 200 --db postgres
// Visits are capped at one per rep-day (they do not matter to matching, and keep the load short);
// only the demo patterns are loaded, not other modules' demo writers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openDb } from '../server/platform/db/db.js';
import { migrate } from '../server/platform/db/migrate.js';
import { loadDemo } from '../server/demo/load.js';
import { DEMO_PATTERNS } from '../server/demo/modules.js';
import type { DemoTruth } from '../server/demo/generate.js';
import { duplicatePairs, LOOKALIKE_PATTERN } from '../server/demo/duplicates.js';
import { runScan } from '../server/modules/customers/duplicates/service.js';
import { likelyDuplicates } from '../server/modules/customers/duplicates/check.js';
import { precisionRecall, RULE_VERSION, THRESHOLD } from '../server/modules/customers/duplicates/match.js';
import { defineAbilityFor } from '../server/platform/access/abilities.js';
import { mb } from './lib.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '2000' },
    customers: { type: 'string', default: '200000' },
    db: { type: 'string', default: 'both' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
  },
});
const REPS = Number(args.reps);
const CUSTOMERS = Number(args.customers);

async function measure(kind: 'pglite' | 'postgres') {
  let dataDir: string | undefined;
  let url: string | undefined;
  let dbName: string | undefined;
  if (kind === 'pglite') dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench-dup-'));
  else {
    dbName = `trueline_bench_dup_${Date.now()}`;
    execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `create database ${dbName}`]);
    url = `${args['pg-url']}/${dbName}`;
  }
  const meta: Record<string, unknown> = { database: kind, reps: REPS, customers: CUSTOMERS, ruleVersion: RULE_VERSION, threshold: THRESHOLD };
  try {
    const db = await openDb({ databaseUrl: url, dataDir });
    await migrate(db);
    const truth: DemoTruth[] = [];
    let t = performance.now();
    const demo = await loadDemo(db, {
      seed: 20260101,
      reps: REPS,
      customers: CUSTOMERS,
      passwordHash: 'x',
      now: new Date('2026-11-26T08:00:00Z'),
      maxVisitsPerRepDay: 1,
      patterns: DEMO_PATTERNS,
      onSlice: async (_tx, _tenant, slice) => {
        truth.push(...slice.truth);
      },
    });
    meta.demoLoadMs = Math.round(performance.now() - t);
    meta.demoCounts = demo.counts;
    if (kind === 'postgres') await db.query('analyze');

    const rss0 = process.memoryUsage().rss;
    t = performance.now();
    const scan = await runScan(db, demo.tenantId);
    meta.scanMs = Math.round(performance.now() - t);
    meta.scan = scan;
    meta.rssDuringScanDeltaMb = mb(process.memoryUsage().rss - rss0);
    const found = (await db.query<{ a: string; b: string }>(`select customer_a as a, customer_b as b from duplicate_candidates where tenant_id = $1 and status = 'open'`, [demo.tenantId])).rows;
    const pairs = duplicatePairs(truth);
    const pr = precisionRecall(
      found.map((f) => ({ aId: f.a, bId: f.b })),
      pairs,
    );
    meta.groundTruth = { duplicates: pairs.length, lookalikes: truth.filter((x) => x.pattern === LOOKALIKE_PATTERN).length };
    meta.precision = Math.round(pr.precision * 10000) / 10000;
    meta.recall = Math.round(pr.recall * 10000) / 10000;
    meta.found = pr.found;
    meta.truePositives = pr.truePositives;
    const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
    const f = new Set(found.map((x) => key(x.a, x.b)));
    meta.lookalikesProposed = truth.filter((x) => x.pattern === LOOKALIKE_PATTERN && f.has(key(x.id, String(x.detail!.lookalikeOf)))).length;

    // Create-time check: one new record against the whole tenant, as admin (sees everything).
    const sample = (await db.query(`select name, mobile, city, address from customers where tenant_id = $1 and kind = 'org' order by id limit 20`, [demo.tenantId])).rows;
    const ability = defineAbilityFor({ tenantId: demo.tenantId, userId: null, kind: 'system', role: 'admin', teamId: null, regionId: null, displayName: 'bench', isMentor: false });
    const times: number[] = [];
    for (const s of sample) {
      const t1 = performance.now();
      await likelyDuplicates(db, ability, demo.tenantId, { id: 'new', kind: 'org', name: String(s.name).replace(/有限公司$/, '股份有限公司'), mobile: s.mobile, city: s.city, address: s.address }, RULE_VERSION);
      times.push(performance.now() - t1);
    }
    times.sort((x, y) => x - y);
    meta.createCheckMs = { p50: Math.round(times[Math.floor(times.length / 2)] * 10) / 10, max: Math.round(times[times.length - 1] * 10) / 10, n: times.length };
    await db.close();
    if (dataDir) meta.dataDirMb = Math.round(Number(execFileSync('du', ['-sm', dataDir]).toString().split('\t')[0]));
  } finally {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (dbName) execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `drop database if exists ${dbName} with (force)`]);
  }
  return meta;
}

const kinds: ('pglite' | 'postgres')[] = args.db === 'both' ? ['postgres', 'pglite'] : [args.db as 'pglite' | 'postgres'];
const results = [];
for (const k of kinds) {
  console.log(`\n${k}: loading ${REPS} reps, ${CUSTOMERS} customers …`);
  const r = await measure(k);
  console.log(r);
  results.push(r);
}
const out = {
  benchmark: 'duplicates-scan',
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  results,
};
fs.mkdirSync(path.join('bench', 'results'), { recursive: true });
const file = path.join('bench', 'results', `duplicates-${REPS}r-${CUSTOMERS}c-${kinds.join('+')}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
console.log(`saved ${file}`);
