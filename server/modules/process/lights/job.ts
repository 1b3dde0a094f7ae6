// P6 daily job: every active rep's light for the day (08:30 tenant time, one run per day).
import type { Deps } from '../../../platform/deps.js';
import type { JobDefinition } from '../../../platform/jobs/scheduler.js';
import { periods } from '../../../platform/jobs/periods.js';
import { addDays, zonedDayStart } from './lights.js';
import { computeLights, type LightsRunOutput } from './service.js';

export const LIGHTS_JOB = 'process.lights';

export function lightsJob(): JobDefinition<LightsRunOutput> {
  return {
    id: LIGHTS_JOB,
    title: { 'zh-CN': '过程红黄灯预警', 'en-US': 'Process red/yellow lights' },
    cron: '30 8 * * *',
    period: periods.day,
    async run(jc) {
      if (!jc.deps) throw new Error('process.lights needs the app dependencies (attachDeps)');
      // The day's light looks at actions known by now; a catch-up run for an earlier day stops at its end.
      const end = zonedDayStart(addDays(jc.periodKey, 1), jc.timeZone);
      const now = jc.now();
      return computeLights(jc.db, jc.deps, jc.tenantId, jc.periodKey, now < end ? now : end);
    },
  };
}

/** Called once from buildApp. */
export function registerProcessLights(deps: Deps): void {
  deps.jobs.register(lightsJob());
}
