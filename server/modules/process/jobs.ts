// The process module's scheduled jobs: evaluate visits written without checks (imports, the demo),
// sweep uploads still waiting for analysis, and run the P8 batch detectors nightly.
import type { Deps } from '../../platform/deps.js';
import type { JobDefinition } from '../../platform/jobs/scheduler.js';
import { periods } from '../../platform/jobs/periods.js';
import { evaluateVisit, loadEvalRules } from './evaluate.js';
import { attachAnalysis, sweepMedia } from './analysis.js';
import { runDetectors } from './batch.js';
import * as store from './store.js';

export const PROCESS_EVALUATE_JOB = 'process.evaluate';
export const PROCESS_MEDIA_JOB = 'process.media-sweep';
export const PROCESS_DETECTORS_JOB = 'process.detectors';

function evaluateJob(maxVisits = 200_000): JobDefinition<{ evaluated: number; complete: boolean }> {
  return {
    id: PROCESS_EVALUATE_JOB,
    title: { 'zh-CN': '校验未经检查的拜访', 'en-US': 'Check visits recorded without checks' },
    cron: '15 * * * *',
    period: periods.hour,
    async run(jc) {
      const deps = jc.deps!;
      let evaluated = 0;
      for (;;) {
        const ids = await store.unevaluatedVisits(jc.db, jc.tenantId, 500);
        const rules = await loadEvalRules(deps, jc.tenantId);
        // 50 visits per transaction: fewer commits, and a short hold on the embedded database.
        for (let i = 0; i < ids.length; i += 50) {
          await jc.db.transaction(async (tx) => {
            for (const id of ids.slice(i, i + 50)) await evaluateVisit(tx, rules, jc.tenantId, id);
          });
        }
        evaluated += ids.length;
        if (ids.length < 500) return { evaluated, complete: true };
        if (evaluated >= maxVisits) return { evaluated, complete: false };
      }
    },
  };
}

function mediaJob(): JobDefinition<{ analysed: number }> {
  return {
    id: PROCESS_MEDIA_JOB,
    title: { 'zh-CN': '照片识别与语音转写', 'en-US': 'Read photos and transcribe voice notes' },
    cron: '40 * * * *',
    period: periods.hour,
    async run(jc) {
      return { analysed: await sweepMedia(jc.deps!, jc.tenantId) };
    },
  };
}

function detectorsJob(): JobDefinition<Awaited<ReturnType<typeof runDetectors>>> {
  return {
    id: PROCESS_DETECTORS_JOB,
    title: { 'zh-CN': '补录与造假识别', 'en-US': 'Back-fill and fabrication detection' },
    cron: '30 2 * * *',
    period: periods.day,
    async run(jc) {
      return runDetectors(jc.db, jc.deps!, jc.tenantId, jc.now());
    },
  };
}

export function registerProcess(deps: Deps): void {
  attachAnalysis(deps);
  deps.jobs.register(evaluateJob());
  deps.jobs.register(mediaJob());
  deps.jobs.register(detectorsJob());
}
