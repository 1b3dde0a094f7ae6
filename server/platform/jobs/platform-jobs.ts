// The platform's own scheduled jobs. Modules register theirs from their own files.
import type { Deps } from '../deps.js';
import type { JobDefinition } from './scheduler.js';
import { periods } from './periods.js';
import * as store from './store.js';

export const SESSION_CLEANUP = 'platform.session-cleanup';

/**
 * Daily at 03:00 tenant time: deletes expired sessions in batches of `batchSize`, at most
 * `maxBatches` per run (a larger backlog finishes on the following days).
 */
export function sessionCleanupJob(o: { batchSize?: number; maxBatches?: number } = {}): JobDefinition<{
  deleted: number;
  batches: number;
  complete: boolean;
  expiredBefore: string;
}> {
  const batchSize = o.batchSize ?? 1000;
  const maxBatches = o.maxBatches ?? 100;
  return {
    id: SESSION_CLEANUP,
    title: { 'zh-CN': '清理过期会话', 'en-US': 'Delete expired sessions' },
    cron: '0 3 * * *',
    period: periods.day,
    async run(jc) {
      const before = jc.now();
      let deleted = 0;
      let batches = 0;
      let complete = false;
      while (batches < maxBatches) {
        const n = await store.deleteExpiredSessions(jc.db, jc.tenantId, before, batchSize);
        deleted += n;
        batches++;
        if (n < batchSize) {
          complete = true;
          break;
        }
      }
      return { deleted, batches, complete, expiredBefore: before.toISOString() };
    },
  };
}

export function registerPlatformJobs(deps: Deps): void {
  deps.jobs.attachDeps(deps);
  deps.jobs.register(sessionCleanupJob());
}
