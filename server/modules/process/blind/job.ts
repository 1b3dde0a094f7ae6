// P7 monthly job: on the 1st (07:00 tenant time) draw last month's blind-verification sample.
import type { Deps } from '../../../platform/deps.js';
import type { JobDefinition } from '../../../platform/jobs/scheduler.js';
import { periods } from '../../../platform/jobs/periods.js';
import { drawMonth, type DrawOutput } from './service.js';

export const BLIND_JOB = 'process.blind-sample';

export function blindJob(): JobDefinition<DrawOutput> {
  return {
    id: BLIND_JOB,
    title: { 'zh-CN': '过程真实性盲测抽样', 'en-US': 'Draw the blind-verification sample' },
    cron: '0 7 1 * *',
    // The run on 1 December draws November.
    period: periods.previousMonth,
    async run(jc) {
      if (!jc.deps) throw new Error('process.blind-sample needs the app dependencies (attachDeps)');
      return drawMonth(jc.db, jc.deps, jc.ctx, jc.periodKey);
    },
  };
}

/** Called once from buildApp. */
export function registerProcessBlind(deps: Deps): void {
  deps.jobs.register(blindJob());
}
