// G6 weekly job: every Monday 07:00 (tenant time) scores the week that just ended for every active
// rep (period key = the ISO week of the run; the scored week is the one before it).
import type { Deps } from '../../../platform/deps.js';
import type { JobDefinition } from '../../../platform/jobs/scheduler.js';
import { periods } from '../../../platform/jobs/periods.js';
import { addWeeks } from '../canvas/week.js';
import { scoreWeek, VALVE_JOB, type ScoreRunOutput } from './service.js';

export function valveJob(): JobDefinition<ScoreRunOutput> {
  return {
    id: VALVE_JOB,
    title: { 'zh-CN': '线索质量分（弹性调节阀）', 'en-US': 'Lead-quality scores (elastic valve)' },
    cron: '0 7 * * 1',
    period: periods.isoWeek,
    async run(jc) {
      if (!jc.deps) throw new Error(`${VALVE_JOB} needs the app dependencies (attachDeps)`);
      return scoreWeek(jc.db, jc.deps, jc.tenantId, addWeeks(jc.periodKey, -1));
    },
  };
}

/** Called once from buildApp. */
export function registerGoalsValve(deps: Deps): void {
  deps.jobs.register(valveJob());
}
