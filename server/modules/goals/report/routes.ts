// G8 HTTP: the month's goal-health report (web data), its PDF, and an admin run of the job.
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import { contentDisposition, sanitizeFileName } from '../../../platform/files/sniff.js';
import * as service from './service.js';

export { registerGoalsReport } from './job.js';

const Period = z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM') }).strict();
const Scope = z.object({ regionId: z.uuid().optional() }).strict();
const Bilingual = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });
const Rate = z.object({ num: z.number(), den: z.number(), rate: z.number().nullable() });
const Unit = z.object({ id: z.string(), name: z.string() });
const Report = z.object({
  rule: z.string(),
  period: z.string(),
  weeks: z.array(z.string()),
  scope: z.object({ regionId: z.string().nullable(), name: z.string() }),
  acceptance: Rate.extend({ accepted: z.number(), contested: z.number(), pending: z.number() }),
  process: z.object({ overall: Rate, byMetric: z.array(Rate.extend({ metric: z.string(), title: Bilingual })) }),
  heatmap: z.object({
    regions: z.array(Unit),
    resources: z.array(z.string()),
    cells: z.array(z.object({ regionId: z.string(), resource: z.string(), count: z.number() })),
    total: z.number(),
  }),
  teams: z.array(
    z.object({
      teamId: z.string().nullable(),
      teamName: z.string(),
      regionId: z.string().nullable(),
      regionName: z.string(),
      acceptance: Rate,
      process: Rate,
      resourceGaps: z.number(),
    }),
  ),
  definitions: z.array(z.object({ key: z.string(), title: Bilingual, text: Bilingual })),
});
const View = z.object({
  period: z.string(),
  stored: z.boolean(),
  createdAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  scopes: z.array(z.object({ regionId: z.string().nullable(), name: z.string() })),
  report: Report,
});

export async function goalsReportRoutes(app: App, deps: Deps): Promise<void> {
  const { db } = deps;
  const tags = ['goals'];

  app.get(
    '/goals/reports/:period',
    { schema: { tags, summary: '目标穿透健康度报告 Goal-health report of a month (G8)', params: Period, querystring: Scope, response: { 200: View } } },
    async (req) => service.getReport(db, deps, req.ctx, req.params.period, req.query.regionId),
  );

  app.get(
    '/goals/reports/:period/pdf',
    { schema: { tags, summary: '《目标穿透健康度报告》PDF', params: Period, querystring: Scope } },
    async (req, reply) => {
      const { pdf, filename } = await service.reportPdf(db, deps, req.ctx, req.params.period, req.query.regionId);
      return reply
        .type('application/pdf')
        .header('content-disposition', contentDisposition('attachment', sanitizeFileName(filename) ?? 'report.pdf'))
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  app.post(
    '/goals/reports/:period/run',
    {
      schema: {
        tags,
        summary: '立即生成并发送月报 Run the goal-health report job for a month (admin)',
        params: Period,
        body: z.object({ force: z.boolean().default(false) }).strict().optional(),
      },
    },
    async (req) => {
      const run = await service.runNow(db, deps, req.ctx, req.params.period, req.body?.force ?? false);
      return { ...run, scheduledFor: run.scheduledFor.toISOString(), startedAt: run.startedAt.toISOString(), finishedAt: run.finishedAt?.toISOString() ?? null };
    },
  );
}
