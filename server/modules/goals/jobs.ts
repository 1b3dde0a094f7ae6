// The goals module's scheduled job: rebuild the current month's attainment every hour, so the
// result and health metrics (contracts, customers: no live event from those modules) catch up, and
// process metrics heal if a live update was missed. On the 1st–3rd the previous month is rebuilt too.
import type { Deps } from '../../platform/deps.js';
import type { JobDefinition } from '../../platform/jobs/scheduler.js';
import { periods } from '../../platform/jobs/periods.js';
import { processMetrics, rebuildPeriod, rebuildYear } from './attainment.js';
import { monthOf } from './metrics.js';

export const GOALS_REBUILD_JOB = 'goals.attainment-rebuild';
/** Every month of the current year up to today, nightly; also run once after the demo is loaded. */
export const GOALS_REBUILD_YEAR_JOB = 'goals.attainment-year';

function rebuildJob(): JobDefinition<{ periods: string[]; rows: number }> {
  return {
    id: GOALS_REBUILD_JOB,
    title: { 'zh-CN': '重算目标达成', 'en-US': 'Rebuild goal attainment' },
    cron: '50 * * * *',
    period: periods.hour,
    async run(jc) {
      const deps = { db: jc.db, config: jc.deps!.config, now: jc.now };
      const now = jc.now();
      const months = [monthOf(now)];
      const day = new Date(now.getTime() + 8 * 3_600_000).getUTCDate();
      if (day <= 3) months.unshift(monthOf(new Date(now.getTime() - 4 * 86_400_000)));
      const metrics = await processMetrics(deps, jc.tenantId);
      let rows = 0;
      for (const m of months) rows += (await rebuildPeriod(deps, jc.tenantId, m, { metrics })).rows;
      return { periods: months, rows };
    },
  };
}

function rebuildYearJob(): JobDefinition<{ year: number; rows: number }> {
  return {
    id: GOALS_REBUILD_YEAR_JOB,
    title: { 'zh-CN': '重算本年目标达成', 'en-US': 'Rebuild this year’s goal attainment' },
    cron: '20 3 * * *',
    period: periods.day,
    async run(jc) {
      const deps = { db: jc.db, config: jc.deps!.config, now: jc.now };
      const year = Number(monthOf(jc.now()).slice(0, 4));
      return { year, rows: await rebuildYear(deps, jc.tenantId, year) };
    },
  };
}

export function registerGoalJobs(deps: Deps): void {
  deps.jobs.register(rebuildJob());
  deps.jobs.register(rebuildYearJob());
}
