// Browser suite: build the web app, start Trueline on a fresh embedded database with a small
// demo company, run e2e/*.spec.ts in Debian's Chromium, then stop the server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const port = Number(process.env.E2E_PORT ?? 3917);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-e2e-'));
const baseUrl = `http://127.0.0.1:${port}`;

const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  cwd: root,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', DEMO_REPS: '24', DEMO_CUSTOMERS: '600', LOG_LEVEL: 'warn', PUBLIC_URL: baseUrl },
  stdio: ['ignore', 'inherit', 'inherit'],
});
let exited = false;
server.on('exit', () => (exited = true));

async function waitReady() {
  const until = Date.now() + 240_000;
  while (Date.now() < until) {
    if (exited) throw new Error('server exited before it was ready');
    try {
      const r = await fetch(`${baseUrl}/readyz`);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server not ready in 240 s');
}

let status = 1;
try {
  await waitReady();
  const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.e2e.config.ts', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, E2E_BASE_URL: baseUrl, E2E_DATA_DIR: dataDir },
  });
  status = r.status ?? 1;
} catch (e) {
  console.error(e);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => (exited ? r() : server.on('exit', r)));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(status);
