// G6 HTTP: the rep's lead-quality scores and eligibility, reset requests with the market-anomaly
// brief, and the manager's decision.
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import { Problem } from '../../../platform/http/problem.js';
import { addWeeks, isWeek } from '../canvas/week.js';
import * as service from './service.js';

export { registerGoalsValve } from './job.js';

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const Text = (max: number) => z.string().trim().min(1).max(max);

const Brief = z
  .object({
    summary: Text(4000),
    marketSignals: z.array(Text(500)).min(1).max(20),
    affectedCustomers: z.array(Text(200)).max(100).optional(),
    proposedTargets: z.array(z.object({ targetId: z.uuid(), value: z.number().finite().min(0) }).strict()).min(1).max(20),
  })
  .strict();

export async function goalsValveRoutes(app: App, deps: Deps): Promise<void> {
  const { db } = deps;
  const tags = ['goals'];

  app.get(
    '/goals/valve',
    {
      schema: {
        tags,
        summary: '线索质量分与调节资格 Lead-quality scores, eligibility and reset requests (G6)',
        querystring: z.object({ repId: z.uuid().optional(), status: z.enum(['pending', 'approved', 'rejected']).optional() }).strict(),
      },
    },
    async (req) => service.valveOverview(db, deps, req.ctx, req.query),
  );

  app.post(
    '/goals/valve/requests',
    {
      schema: {
        tags,
        summary: '申请重置本月过程指标（附市场异常分析简报）Request a reset with a market-anomaly brief (G6)',
        body: z.object({ month: Month, brief: Brief }).strict(),
      },
    },
    async (req, reply) => reply.status(201).send(await service.createRequest(db, deps, req.ctx, req.body)),
  );

  app.post(
    '/goals/valve/requests/:id/decision',
    {
      schema: {
        tags,
        summary: '主管审批重置申请 Manager approves or rejects a reset (G6)',
        params: z.object({ id: z.uuid() }),
        body: z.object({ decision: z.enum(['approve', 'reject']), note: z.string().max(2000).default(''), version: z.number().int().positive() }).strict(),
      },
    },
    async (req) => service.decideRequest(db, deps, req.ctx, req.params.id, { decision: req.body.decision, note: req.body.note ?? '', version: req.body.version }),
  );

  app.post(
    '/goals/valve/run',
    {
      schema: {
        tags,
        summary: '立即计算某周的线索质量分 Score a week now (admin; default: last week)',
        body: z.object({ week: z.string().max(10).optional() }).strict().optional(),
      },
    },
    async (req) => {
      const week = req.body?.week;
      if (week !== undefined && !isWeek(week)) throw new Problem(400, 'valve_week_invalid', { week });
      const run = await deps.jobs.runNow(req.ctx.actor.tenantId, service.VALVE_JOB, { periodKey: week ? addWeeks(week, 1) : undefined, force: true, ctx: req.ctx });
      return { status: run.status, output: run.output ?? null };
    },
  );
}
