// Benchmark (not a test): customer master import (C2) of a generated XLSX and a generated GBK CSV,
// each of `--rows` new organisations, through the real pipeline (files platform → parse → mapping →
// validation with the field rules → one transaction creating customers and recording field values
// with provenance), on embedded PGlite and on PostgreSQL (a throw-away database).
//   npm run bench:import                                   # 100,000 rows, both files, both databases
//   npm run bench:import -- --rows 5000 --db pglite
//   npm run bench:import -- --rows 100000 --dry-only      # parse + validate (no commit)
// Reports rows/s for parse+validate (dry run) and for the commit, and the process's peak RSS.
// Results are printed and saved as JSON under bench/results/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { openDb, type Db } from '../server/platform/db/db.js';
import { migrate } from '../server/platform/db/migrate.js';
import { buildApp } from '../server/app.js';
import { loadSettings } from '../server/platform/settings.js';
import { makeTenant } from '../server/test/harness.js';
import type { Ctx } from '../server/platform/context.js';
import { creditCodeCheckChar } from '../server/modules/customers/identity.js';
import * as sources from '../server/modules/customers/sources/service.js';
import { mb } from './lib.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    db: { type: 'string', default: 'both' },
    format: { type: 'string', default: 'both' },
    'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432' },
    /** Parse + validate only (the dry run), no commit: for the file sizes a commit would take too long to measure here. */
    'dry-only': { type: 'boolean', default: false },
  },
});
const DRY_ONLY = args['dry-only'];
const ROWS = Number(args.rows);
const HEADERS = ['企业名称', '统一社会信用代码', '联系人', '手机号', '行业', '省份', '城市', '注册地址', '决策链'];
const CITIES = [
  ['上海', '上海'],
  ['浙江', '杭州'],
  ['江苏', '南京'],
  ['广东', '深圳'],
  ['北京', '北京'],
];

function rowsFor(label: string, n: number): string[][] {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const seen = new Set<string>();
  const out: string[][] = [];
  let i = 0;
  while (out.length < n) {
    const h = crypto.createHash('sha256').update(`${label}/${i++}`).digest();
    const body = '913100' + Array.from({ length: 11 }, (_, k) => chars[h[k] % chars.length]).join('');
    const code = body + creditCodeCheckChar(body);
    if (seen.has(code)) continue;
    seen.add(code);
    const [province, city] = CITIES[out.length % CITIES.length];
    out.push([
      `${city}${label}测试${out.length + 1}号精密机械有限公司`,
      code,
      `联系人${out.length % 97}`,
      `139${String((h[12] << 16) | (h[13] << 8) | h[14]).padStart(8, '0').slice(-8)}`,
      ['制造业', '信息技术', '批发零售'][out.length % 3],
      province,
      city,
      `${city}市示范路${(out.length % 900) + 1}号`,
      '采购经理 → 技术总监 → 总经理',
    ]);
  }
  return out;
}

async function xlsxFile(rows: string[][]): Promise<Buffer> {
  const file = path.join(os.tmpdir(), `tl-bench-${process.pid}.xlsx`);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('客户');
  ws.addRow(HEADERS).commit();
  for (const r of rows) ws.addRow(r).commit();
  await ws.commit();
  await wb.commit();
  const buf = fs.readFileSync(file);
  fs.rmSync(file);
  return buf;
}

const gbkCsv = (rows: string[][]) => iconv.encode([HEADERS, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n', 'gbk');

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
sampler.unref();

interface Result {
  database: string;
  format: string;
  rows: number;
  fileMb: number;
  dryRunSeconds: number;
  dryRunRowsPerSecond: number;
  commitSeconds: number | null;
  commitRowsPerSecond: number | null;
  created: number;
  peakRssMb: number;
}

async function measure(kind: 'pglite' | 'postgres', files: { format: string; buffer: Buffer }[]): Promise<Result[]> {
  let url: string | undefined;
  let dbName: string | undefined;
  if (kind === 'postgres') {
    dbName = `trueline_bench_import_${process.pid}`;
    execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `create database ${dbName}`]);
    url = `${args['pg-url']}/${dbName}`;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-import-'));
  const db: Db = await openDb({ databaseUrl: url, poolSize: 4 });
  const out: Result[] = [];
  try {
    await migrate(db);
    const settings = { ...loadSettings({ DATA_DIR: dataDir, DEMO: 'false', SCHEDULER: 'false' }), uploadLimitBytes: 512 * 1_048_576 };
    const { app, deps } = await buildApp({ db, settings, logger: false });
    await app.ready();
    const t = await makeTenant(db);
    const m = t.users.manager;
    const ctx: Ctx = {
      actor: { tenantId: t.id, userId: m.id, kind: 'user', role: 'manager', teamId: m.teamId, regionId: m.regionId, displayName: 'bench', isMentor: false },
      requestId: 'bench',
      locale: 'zh-CN',
    };
    for (const f of files) {
      const meta = await deps.files.save(ctx, { buffer: f.buffer, originalName: `bench.${f.format === 'xlsx' ? 'xlsx' : 'csv'}` });
      const body = { sha256: meta.sha256, target: 'customers', sourceSystem: '工商登记' };
      peak = process.memoryUsage().rss;
      let t0 = performance.now();
      const dry = await sources.dryRunImport(deps, ctx, body);
      const dryS = (performance.now() - t0) / 1000;
      if (dry.errorRows) throw new Error(`${f.format}: ${dry.errorRows} rows with errors, e.g. ${JSON.stringify(dry.errors[0])}`);
      t0 = performance.now();
      const res = DRY_ONLY ? null : await sources.commitImport(deps, ctx, body);
      const commitS = (performance.now() - t0) / 1000;
      const created = res && 'created' in res ? res.created : 0;
      const r: Result = {
        database: kind,
        format: f.format,
        rows: dry.totalRows,
        fileMb: Math.round((f.buffer.length / 1_048_576) * 10) / 10,
        dryRunSeconds: Math.round(dryS * 10) / 10,
        dryRunRowsPerSecond: Math.round(dry.totalRows / dryS),
        commitSeconds: DRY_ONLY ? null : Math.round(commitS * 10) / 10,
        commitRowsPerSecond: DRY_ONLY ? null : Math.round(dry.totalRows / commitS),
        created,
        peakRssMb: mb(peak),
      };
      console.log(JSON.stringify(r));
      out.push(r);
      save([...results, ...out]);
    }
    await app.close();
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (dbName) execFileSync('psql', [`${args['pg-url']}/postgres`, '-qc', `drop database ${dbName} with (force)`]);
  }
  return out;
}

const formats = args.format === 'both' ? ['csv-gbk', 'xlsx'] : [args.format === 'csv' ? 'csv-gbk' : 'xlsx'];
const kinds = args.db === 'both' ? (['pglite', 'postgres'] as const) : ([args.db] as ('pglite' | 'postgres')[]);
const results: Result[] = [];
const started = new Date();

/** Written after every measured file, so an interrupted run keeps what really ran. */
function save(rs: Result[], complete = false): string {
  const dir = path.resolve('bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `import-${ROWS}rows-${kinds.join('+')}-${formats.join('+')}${DRY_ONLY ? '-dryrun' : ''}.json`);
  const doc = { benchmark: DRY_ONLY ? 'customer import (C2), parse + validate only' : 'customer import (C2)', loadAverage: os.loadavg(), startedAt: started.toISOString(), node: process.version, cpus: os.cpus().length, rows: ROWS, complete, results: rs };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
  return file;
}
for (const kind of kinds) {
  // Fresh rows per database and file: every row creates a new customer.
  const files = [];
  for (const format of formats) {
    const rows = rowsFor(`${kind}-${format}`, ROWS);
    files.push({ format, buffer: format === 'xlsx' ? await xlsxFile(rows) : gbkCsv(rows) });
  }
  results.push(...(await measure(kind, files)));
}
console.table(results);
console.log(`saved ${save(results, true)}`);
process.exit(0);
