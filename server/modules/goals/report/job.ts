// G8 monthly job: on days 1–5 at 06:00 (tenant time) build and send last month's goal-health
// report. The period is the previous month of the scheduled time; the scheduler runs a period once
// on success (days 2–5 only catch up a failed or missed run), and the service never sends twice.
import type { Deps } from '../../../platform/deps.js';
import type { JobDefinition } from '../../../platform/jobs/scheduler.js';
import { periods } from '../../../platform/jobs/periods.js';
import { HEALTH_REPORT_JOB, runHealthReport, type HealthRunOutput } from './service.js';

export function healthReportJob(): JobDefinition<HealthRunOutput> {
  return {
    id: HEALTH_REPORT_JOB,
    title: { 'zh-CN': '目标穿透健康度月报', 'en-US': 'Monthly goal-health report' },
    cron: '0 6 1-5 * *',
    period: periods.previousMonth,
    // Five days of scheduled catch-up: retry every 30 minutes, up to 20 attempts.
    maxAttempts: 20,
    retryDelayMs: 30 * 60_000,
    async run(jc) {
      if (!jc.deps) throw new Error(`${HEALTH_REPORT_JOB} needs the app dependencies (attachDeps)`);
      return runHealthReport(jc.db, jc.deps, jc.tenantId, jc.periodKey);
    },
  };
}

/** Called once from buildApp. */
export function registerGoalsReport(deps: Deps): void {
  deps.jobs.register(healthReportJob());
}
