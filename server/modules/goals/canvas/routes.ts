// G5 HTTP: the rep's weekly canvas, the manager's resource marks, and the team meeting view.
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import * as service from './service.js';

const Week = z.string().min(1).max(10);
const Item = z.object({ action: z.string().trim().min(1).max(500), targetId: z.uuid() }).strict();
const Mark = z
  .object({
    index: z.number().int().min(0).max(2),
    resources: z.array(z.string().trim().min(1).max(40)).max(10),
    note: z.string().max(1000).default(''),
  })
  .strict();

export async function goalsCanvasRoutes(app: App, deps: Deps): Promise<void> {
  const { db } = deps;
  const tags = ['goals'];

  app.get(
    '/goals/canvas/team/:week',
    {
      schema: {
        tags,
        summary: '周对齐画布·团队例会视图 Team meeting view of the weekly canvas (G5)',
        params: z.object({ week: Week }),
        querystring: z.object({ teamId: z.uuid().optional() }).strict(),
      },
    },
    async (req) => service.teamView(db, req.ctx, req.params.week, req.query),
  );

  app.get(
    '/goals/canvas/:week',
    {
      schema: { tags, summary: '我的本周对齐画布 My weekly canvas (G5)', params: z.object({ week: Week }) },
    },
    async (req) => service.myCanvas(db, deps, req.ctx, req.params.week),
  );

  app.put(
    '/goals/canvas/:week',
    {
      schema: {
        tags,
        summary: '填写本周 3 项关键动作 Write the week’s three actions (G5)',
        params: z.object({ week: Week }),
        body: z.object({ items: z.array(Item).length(3), version: z.number().int().positive().optional() }).strict(),
      },
    },
    async (req) => service.saveMyCanvas(db, deps, req.ctx, req.params.week, req.body),
  );

  app.put(
    '/goals/canvas/:repId/:week/review',
    {
      schema: {
        tags,
        summary: '主管标注支持资源 Manager marks support resources (G5)',
        params: z.object({ repId: z.uuid(), week: Week }),
        body: z.object({ review: z.array(Mark).max(3), version: z.number().int().positive() }).strict(),
      },
    },
    async (req) => service.reviewCanvas(db, deps, req.ctx, req.params.repId, req.params.week, { review: req.body.review.map((m) => ({ ...m, note: m.note ?? '' })), version: req.body.version }),
  );
}
