// Admin screen's API for scheduled jobs: definitions with next run and last run, run history, run now.
import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../deps.js';
import { requireAbility } from '../access/abilities.js';

const Bilingual = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });
const STATUSES = ['running', 'succeeded', 'failed'] as const;
const JobRun = z.object({
  jobId: z.string(),
  periodKey: z.string(),
  status: z.enum(STATUSES),
  attempts: z.number(),
  scheduledFor: z.date(),
  startedAt: z.date(),
  finishedAt: z.date().nullable(),
  instance: z.string().nullable(),
  output: z.unknown(),
  error: z.string().nullable(),
  trigger: z.enum(['schedule', 'manual']),
  triggeredById: z.string().nullable(),
});
const JobId = z.string().regex(/^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9-]*)+$/);

export async function jobRoutes(app: App, { jobs }: Deps) {
  app.get(
    '/admin/jobs',
    {
      schema: {
        tags: ['admin'],
        summary: '定时任务 Scheduled jobs with next run (tenant time zone) and last run',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                title: Bilingual,
                cron: z.string(),
                timeZone: z.string(),
                currentPeriodKey: z.string().nullable(),
                nextRunAt: z.date().nullable(),
                lastRun: JobRun.nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'JobRun');
      return { items: await jobs.overview(req.ctx.actor.tenantId) };
    },
  );

  app.get(
    '/admin/jobs/runs',
    {
      schema: {
        tags: ['admin'],
        summary: '任务运行记录 Job runs, newest first',
        querystring: z
          .object({
            jobId: JobId.optional(),
            status: z.enum(STATUSES).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(JobRun), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'JobRun');
      const q = req.query;
      const { items, total } = await jobs.runs(req.ctx.actor.tenantId, q);
      return { items, total, page: q.page, pageSize: q.pageSize };
    },
  );

  app.post(
    '/admin/jobs/:id/run',
    {
      schema: {
        tags: ['admin'],
        summary: '立即运行 Run a job now for a period (default: the current one); re-running a succeeded period needs force',
        params: z.object({ id: JobId }).strict(),
        body: z
          .object({
            periodKey: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z:._-]{0,39}$/).optional(),
            force: z.boolean().optional(),
          })
          .strict()
          .nullish(), // a POST without a body is "the current period, not forced"
        response: { 200: JobRun },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'run', 'JobRun');
      const body = req.body ?? {};
      return jobs.runNow(req.ctx.actor.tenantId, req.params.id, { periodKey: body.periodKey, force: body.force === true, ctx: req.ctx });
    },
  );
}
