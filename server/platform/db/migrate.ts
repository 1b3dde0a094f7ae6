// Applies server/migrations/NNNN_*.sql in order, each in its own transaction, once.
// On PostgreSQL a transaction-level advisory lock keeps two starting instances apart.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.js';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');
const LOCK_KEY = 7_310_001; // arbitrary, constant: "trueline migrations"

export function listMigrations(dir = MIGRATIONS_DIR): { id: string; sql: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

export async function migrate(db: Db): Promise<string[]> {
  // Under the lock too: concurrent `create table if not exists` can collide on PostgreSQL.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.query(`create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())`);
  });
  const applied: string[] = [];
  for (const m of listMigrations()) {
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const seen = await tx.query('select 1 from schema_migrations where id = $1', [m.id]);
      if (seen.rows.length) return false;
      await runScript(tx, m.sql);
      await tx.query('insert into schema_migrations (id) values ($1)', [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

/** Splits on statement-ending semicolons outside $$-quoted bodies and runs each statement. */
async function runScript(tx: { query: (t: string) => Promise<unknown> }, sql: string) {
  for (const stmt of splitSql(sql)) await tx.query(stmt);
}

export function splitSql(sql: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inDollar = false;
  const lines = sql.split('\n');
  for (const line of lines) {
    const trimmed = line.trim();
    if (!inDollar && trimmed.startsWith('--')) continue;
    cur += line + '\n';
    const dollars = (line.match(/\$\$/g) ?? []).length;
    if (dollars % 2 === 1) inDollar = !inDollar;
    if (!inDollar && trimmed.endsWith(';')) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
