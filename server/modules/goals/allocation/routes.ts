// G3 HTTP: the allocation assistant (propose, apply) and the rep's acceptance (承接), plus the
// acceptance rate for the G8 report.
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import * as service from './service.js';

export { acceptanceRates } from './service.js';

const Period = z.string().regex(/^\d{4}(-(Q[1-4]|0[1-9]|1[0-2]))?$/, 'YYYY | YYYY-Qn | YYYY-MM');
const Metric = z.string().min(1).max(80);
const Value = z.number().finite().nonnegative().max(1e15);

export async function goalsAllocationRoutes(app: App, deps: Deps): Promise<void> {
  const { db } = deps;
  const tags = ['goals'];

  app.post(
    '/goals/allocation/propose',
    {
      schema: {
        tags,
        summary: '目标分解建议 Propose the split of a target over its children, with the basis of each share (G3)',
        body: z.object({ year: z.number().int().min(2000).max(2100), metric: Metric, period: Period, parentTargetId: z.uuid() }).strict(),
      },
    },
    async (req) => service.propose(db, req.ctx, req.body),
  );

  app.post(
    '/goals/allocation/apply',
    {
      schema: {
        tags,
        summary: '应用目标分解 Write the manager’s split (proposal and basis kept; rep targets await acceptance) (G3)',
        body: z
          .object({
            parentTargetId: z.uuid(),
            children: z.array(z.object({ nodeId: z.uuid(), value: Value }).strict()).min(1).max(2000),
          })
          .strict(),
      },
    },
    async (req) => service.apply(db, deps, req.ctx, req.body),
  );

  app.post(
    '/goals/targets/:id/acceptance',
    {
      schema: {
        tags,
        summary: '承接或提出异议 The rep accepts or contests their target (a reason is required to contest) (G3)',
        params: z.object({ id: z.uuid() }).strict(),
        body: z
          .object({ decision: z.enum(['accept', 'contest']), reason: z.string().max(2000).optional(), version: z.number().int().min(1) })
          .strict(),
      },
    },
    async (req) => service.decideAcceptance(db, deps, req.ctx, req.params.id, req.body),
  );

  app.get(
    '/goals/acceptance',
    {
      schema: {
        tags,
        summary: '目标承接率 Acceptance rate (accepted ÷ rep targets) per region and team (G3, G8)',
        querystring: z.object({ period: Period }).strict(),
      },
    },
    async (req) => service.acceptanceReport(db, req.ctx, req.query.period),
  );

  app.get(
    '/goals/allocation/mine',
    {
      schema: { tags, summary: '我的目标（待承接） A rep’s own targets to accept or contest (G3)', querystring: z.object({ period: Period.optional() }).strict() },
    },
    async (req) => service.myTargets(db, req.ctx, req.query),
  );

  app.get(
    '/goals/allocation/parents',
    {
      schema: {
        tags,
        summary: '可分解的目标 Targets in scope that can be split over children (G3)',
        querystring: z.object({ year: z.coerce.number().int().min(2000).max(2100).optional(), metric: Metric.optional(), period: Period.optional() }).strict(),
      },
    },
    async (req) => service.parentTargets(db, req.ctx, req.query),
  );
}
