// P6 HTTP: the team board of red/yellow lights, and an admin's "run now".
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import * as service from './service.js';

export { registerProcessLights } from './job.js';

/** A real calendar day: 2026-02-30 is refused here, not by the database. */
const Day = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, 'YYYY-MM-DD');
const LightEnum = z.enum(['green', 'yellow', 'red']);

const Board = z.object({
  day: z.string().nullable(),
  requestedDay: z.string(),
  counts: z.object({ green: z.number(), yellow: z.number(), red: z.number() }),
  items: z.array(
    z.object({
      repId: z.string(),
      repName: z.string().nullable(),
      teamId: z.string().nullable(),
      teamName: z.string().nullable(),
      regionId: z.string().nullable(),
      regionName: z.string().nullable(),
      light: LightEnum,
      idleDays: z.number(),
      lastActionAt: z.string().nullable(),
      notifiedAt: z.string().nullable(),
      evidence: z.record(z.string(), z.unknown()),
    }),
  ),
});

export async function processLightsRoutes(app: App, deps: Deps): Promise<void> {
  const { db } = deps;
  const tags = ['process'];

  app.get(
    '/process/lights',
    {
      schema: {
        tags,
        summary: '过程红黄灯看板 Red/yellow lights of every rep in scope (P6)',
        querystring: z.object({ day: Day.optional(), teamId: z.uuid().optional(), regionId: z.uuid().optional() }).strict(),
        response: { 200: Board },
      },
    },
    async (req) => service.lightsBoard(db, deps, req.ctx, req.query),
  );

  app.post(
    '/process/lights/run',
    {
      schema: {
        tags,
        summary: '立即计算今日红黄灯 Assess today’s lights now (admin)',
        response: { 200: z.object({ day: z.string(), status: z.string(), output: z.unknown(), error: z.string().nullable() }) },
      },
    },
    async (req) => service.runLightsNow(db, deps, req.ctx),
  );
}
