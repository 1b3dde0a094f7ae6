// Start: settings → database (+ lock for embedded) → migrations → demo company (first run) → listen.
import path from 'node:path';
import { loadSettings } from './platform/settings.js';
import { openDb, lockDataDir, DataDirLockedError } from './platform/db/db.js';
import { migrate } from './platform/db/migrate.js';
import { buildApp } from './app.js';
import { ensureDemo, printLogins } from './demo/first-run.js';

async function main() {
  const t0 = Date.now();
  const settings = loadSettings();
  let release = () => {};
  const pgDir = path.join(settings.dataDir, 'pg');
  if (!settings.databaseUrl) {
    try {
      release = lockDataDir(settings.dataDir);
    } catch (e) {
      if (e instanceof DataDirLockedError) {
        console.error(e.message);
        process.exit(1);
      }
      throw e;
    }
  }
  const db = await openDb({ databaseUrl: settings.databaseUrl, dataDir: pgDir });
  const applied = await migrate(db);
  const { app, deps } = await buildApp({ db, settings });
  if (applied.length) app.log.info({ applied }, 'migrations applied');
  const demo = settings.demo.enabled ? await ensureDemo(db, settings, app.log, deps.jobs) : null;

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await app.close();
      await db.close(); // PGlite: CHECKPOINT, then close
    } finally {
      release();
      clearTimeout(force);
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: settings.port, host: settings.host });
  if (settings.schedulerEnabled) deps.jobs.start();
  deps.notify.start();
  app.log.info({ ms: Date.now() - t0, database: db.kind, dataDir: settings.databaseUrl ? undefined : pgDir }, 'Trueline started');
  if (demo) printLogins(demo, settings.publicUrl);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
