// G4 HTTP: the drill-down board. Thin: schema, one service call (scope is decided in the service).
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import * as service from './service.js';

const BoardQuery = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100),
    period: z.string().regex(/^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/, 'YYYY, YYYY-Qn or YYYY-MM').optional(),
    metric: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_.]{0,59}$/),
    nodeKind: z.enum(['company', 'region', 'team', 'rep', 'customer']).optional(),
    nodeId: z.uuid().optional(),
    productLine: z.string().trim().min(1).max(60).optional(),
    tag: z.string().trim().min(1).max(60).optional(),
  })
  .strict();

export async function goalsBoardRoutes(app: App, deps: Deps): Promise<void> {
  const { db } = deps;
  app.get(
    '/goals/board',
    { schema: { tags: ['goals'], summary: '目标穿透看板 G4 drill-down with reverse attribution', querystring: BoardQuery } },
    async (req) => service.board(db, deps, req.ctx, req.query),
  );
}
