// Runs the server test suite against the machine's PostgreSQL on a fresh, throw-away database.
import { spawnSync } from 'node:child_process';

const base = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432';
const name = `trueline_test_${Date.now()}`;
const psql = (sql) => spawnSync('psql', [`${base}/postgres`, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { stdio: 'inherit' });

if (psql(`create database ${name}`).status !== 0) process.exit(1);
const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'server', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DATABASE_URL: `${base}/${name}` },
});
psql(`drop database if exists ${name} with (force)`);
process.exit(r.status ?? 1);
