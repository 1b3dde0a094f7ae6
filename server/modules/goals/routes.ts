// HTTP for goal plans, targets and the goal tree (G1, G2, G7): schema, permission, one service call.
import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import * as service from './service.js';

const Year = z.coerce.number().int().min(2000).max(2100);
const Metric = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,59}$/);
const Period = z.string().max(10);
const NodeKind = z.enum(['company', 'region', 'team', 'rep']);
const ProductLine = z.string().trim().min(1).max(60);

const NewPlan = z.object({ year: z.number().int().min(2000).max(2100), name: z.string().trim().min(1).max(120).optional() }).strict();
const SetTarget = z
  .object({
    metric: Metric,
    period: Period,
    nodeKind: NodeKind,
    nodeId: z.uuid().nullable().optional(),
    productLine: ProductLine.nullable().optional(),
    value: z.number().finite().min(0).max(1e13),
    reason: z.string().trim().max(2000).optional(),
  })
  .strict();
const TreeQuery = z
  .object({ metric: Metric, period: Period, nodeKind: NodeKind.default('company'), nodeId: z.uuid().optional(), productLine: ProductLine.optional() })
  .strict();
const TargetsQuery = z.object({ year: Year, metric: Metric.optional(), period: Period.optional() }).strict();

export async function goalsRoutes(app: App, deps: Deps) {
  const { db } = deps;
  const tags = ['goals'];

  app.post('/goals/plans', { schema: { tags, summary: '建立年度目标计划 Create the year’s goal plan (a resend answers 200)', body: NewPlan } }, async (req, reply) => {
    const r = await service.createPlan(db, deps, req.ctx, req.body);
    return reply.status(r.created ? 201 : 200).send(r.plan);
  });

  app.get('/goals/plans/:year', { schema: { tags, summary: '年度目标计划 The year’s goal plan', params: z.object({ year: Year }).strict() } }, async (req) =>
    service.getPlan(db, req.ctx, req.params.year),
  );

  app.get(
    '/goals/plans/:year/tree',
    { schema: { tags, summary: '目标树 A node with its target, attainment, children and gaps (G1)', params: z.object({ year: Year }).strict(), querystring: TreeQuery } },
    async (req) => service.goalTree(db, deps, req.ctx, req.params.year, req.query),
  );

  app.get('/goals/targets', { schema: { tags, summary: '目标列表 Targets of a year the viewer may see', querystring: TargetsQuery } }, async (req) =>
    service.listTargets(db, req.ctx, req.query),
  );

  app.get(
    '/goals/targets/:id/history',
    { schema: { tags, summary: '目标变更历史 Every version of a target’s value', params: z.object({ id: z.uuid() }).strict() } },
    async (req) => service.targetHistory(db, req.ctx, req.params.id),
  );

  app.put('/goals/targets', { schema: { tags, summary: '设定目标 Set one target (validated, versioned, audited)', body: SetTarget } }, async (req, reply) => {
    const r = await service.setTarget(db, deps, req.ctx, req.body);
    return reply.status(r.created ? 201 : 200).send(r.target);
  });
}
