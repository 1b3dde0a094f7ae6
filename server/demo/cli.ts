// Loads the demo company (X7) at any scale, e.g. for benchmarks:
//   npm run demo -- --reps 2000 --customers 200000 [--seed N] [--months 12] [--data-dir DIR]
// Uses DATABASE_URL when set, otherwise the embedded PGlite under DATA_DIR/pg (or --data-dir/pg).
// Does nothing when the demo tenant already exists.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lockDataDir, openDb } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { DEMO_PASSWORD } from './first-run.js';
import { loadDemo } from './load.js';
import { demoModules } from './modules.js';

const USAGE = `usage: npm run demo -- [--reps 120] [--customers 6000] [--seed 20260101] [--months 12]
                     [--max-visits-per-day 4] [--data-dir DIR] [--now 2026-11-26T08:00:00Z]`;

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '120' },
    customers: { type: 'string', default: '6000' },
    seed: { type: 'string', default: '20260101' },
    months: { type: 'string', default: '12' },
    'max-visits-per-day': { type: 'string' },
    'data-dir': { type: 'string' },
    now: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const num = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const reps = num('reps', args.reps);
const customers = num('customers', args.customers);
const seed = num('seed', args.seed);
const months = num('months', args.months);
const maxVisitsPerRepDay = args['max-visits-per-day'] === undefined ? undefined : num('max-visits-per-day', args['max-visits-per-day']);
const now = args.now ? new Date(args.now) : new Date();
if (Number.isNaN(now.getTime())) {
  console.error(`--now must be an ISO date-time\n${USAGE}`);
  process.exit(2);
}

const databaseUrl = process.env.DATABASE_URL || undefined;
const dataDir = path.resolve(args['data-dir'] ?? process.env.DATA_DIR ?? './data');
const pgDir = path.join(dataDir, 'pg');
const unlock = databaseUrl ? () => undefined : lockDataDir(pgDir);
const where = databaseUrl ? databaseUrl.replace(/\/\/[^@/]*@/, '//***@') : pgDir;

const t0 = performance.now();
const ms = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;
const db = await openDb({ databaseUrl, dataDir: databaseUrl ? undefined : pgDir });
try {
  await migrate(db);
  console.log(`数据库 / database: ${db.kind} ${where} (opened and migrated in ${ms(t0)})`);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const t1 = performance.now();
  let last = 0;
  const r = await loadDemo(db, {
    seed,
    reps,
    customers,
    months,
    now,
    passwordHash,
    maxVisitsPerRepDay,
    ...demoModules(),
    onProgress: (c) => {
      if (performance.now() - last < 5000) return;
      last = performance.now();
      console.log(`  … ${c.customers} customers, ${c.opportunities} opportunities, ${c.visits} visits (${ms(t1)})`);
    },
  });
  if (!r.created) console.log('演示企业已存在，未写入 / The demo tenant already exists; nothing was written.');
  else console.log(`演示企业已生成 / demo company loaded in ${ms(t1)}`);
  console.table(r.counts);
  console.log(`企业代码 / company code: demo    密码 / password: ${DEMO_PASSWORD}`);
  for (const role of ['admin', 'director', 'manager', 'rep', 'bp', 'service', 'marketing', 'delivery', 'qa']) {
    const l = r.logins.find((x) => x.role === role);
    if (l) console.log(`  ${role.padEnd(10)} ${l.username.padEnd(14)} ${l.displayName}`);
  }
  console.log(`total ${ms(t0)}, peak-ish RSS ${Math.round(process.memoryUsage().rss / 1_048_576)} MB`);
} finally {
  await db.close();
  unlock();
}
