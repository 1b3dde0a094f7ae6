// Creates the demo company on first start and prints its logins.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../platform/db/db.js';
import type { Settings } from '../platform/settings.js';
import { hashPassword } from '../platform/auth/passwords.js';
import { loadDemo } from './load.js';
import { demoModules } from './modules.js';
import { CALIBRATION_JOB } from '../modules/calibration/service.js';
import { PROCESS_DETECTORS_JOB, PROCESS_EVALUATE_JOB } from '../modules/process/jobs.js';
import { GOALS_REBUILD_YEAR_JOB } from '../modules/goals/jobs.js';
import type { Scheduler } from '../platform/jobs/scheduler.js';

export const DEMO_PASSWORD = 'Trueline#2026';
export const DEMO_TENANT = 'demo';

export interface DemoInfo {
  created: boolean;
  logins: { username: string; role: string; displayName: string }[];
}

export async function ensureDemo(db: Db, settings: Settings, log: FastifyBaseLogger, jobs: Pick<Scheduler, 'runNow'>): Promise<DemoInfo> {
  const t0 = Date.now();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const r = await loadDemo(db, { seed: settings.demo.seed, reps: settings.demo.reps, customers: settings.demo.customers, passwordHash, now: new Date(), ...demoModules() });
  if (r.created) {
    // Fresh planner statistics for the tables the loader just filled: the embedded database runs no
    // autovacuum, and with the empty-table estimates the process checks below scan every photo of
    // the company for each photo (the dHash bands' index unused) — quadratic in the demo's size.
    await db.query('analyze');
    // This month's calibration cards (C6) before the first request. Run as the job itself, so the
    // run is recorded for this period and the scheduler's catch-up does not build them again.
    const cards = await jobs.runNow(r.tenantId, CALIBRATION_JOB);
    // The demo's visits are checked by the real engine (P1–P5) and the batch detectors run once
    // (P8), so flagged visits carry their evidence from the first sign-in.
    const checked = await jobs.runNow(r.tenantId, PROCESS_EVALUATE_JOB);
    const detected = await jobs.runNow(r.tenantId, PROCESS_DETECTORS_JOB);
    // G1–G4: the year's attainment from the demo's facts (after the visits' compliance is settled).
    const attainment = await jobs.runNow(r.tenantId, GOALS_REBUILD_YEAR_JOB);
    log.info({ ms: Date.now() - t0, counts: r.counts, calibration: cards.output, process: { checked: checked.output, detected: detected.output }, goals: attainment.output }, 'demo company created');
  }
  return { created: r.created, logins: r.logins };
}

export function printLogins(demo: DemoInfo, url: string) {
  const pick = ['admin', 'director', 'manager', 'rep', 'bp', 'service', 'marketing', 'delivery', 'qa'];
  const lines = pick
    .map((role) => demo.logins.find((l) => l.role === role))
    .filter((l): l is DemoInfo['logins'][number] => !!l)
    .map((l) => `  ${l.role.padEnd(10)} ${l.username.padEnd(14)} ${l.displayName}`);
  console.log(
    [
      '',
      `Trueline 已启动 / is running: ${url}`,
      `演示企业代码 / company code: ${DEMO_TENANT}    演示密码 / password: ${DEMO_PASSWORD}`,
      ...lines,
      '',
    ].join('\n'),
  );
}
