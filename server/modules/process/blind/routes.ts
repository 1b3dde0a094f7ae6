// P7 HTTP: QA inspectors' call-backs and their outcomes, the per-rep authenticity rate, and an
// admin's draw of a finished month.
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import * as service from './service.js';

export { registerProcessBlind } from './job.js';

const Period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');
const Flag = z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true');
const Outcome = z.enum(['confirmed', 'not_happened', 'items_not_mentioned', 'unreachable']);
const Bilingual = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });

const Script = z.object({
  rule: z.string(),
  visitId: z.string(),
  date: z.string(),
  time: z.string(),
  customerId: z.string(),
  customerName: z.string().nullable(),
  repName: z.string().nullable(),
  purpose: z.string(),
  attendees: z.array(z.string()),
  needs: z.array(z.string()),
  demo: z.array(z.string()),
  objections: z.array(z.string()),
  agreedItems: z.array(z.object({ text: z.string(), dueAt: z.string().nullable() })),
  questions: z.array(Bilingual.extend({ key: z.string() })),
});
const Check = z.object({
  id: z.string(),
  period: z.string(),
  visitId: z.string(),
  repId: z.string(),
  repName: z.string().nullable(),
  teamId: z.string().nullable(),
  inspectorId: z.string().nullable(),
  inspectorName: z.string().nullable(),
  script: Script,
  outcome: Outcome.nullable(),
  note: z.string(),
  checkedAt: z.string().nullable(),
  version: z.number(),
  canRecord: z.boolean(),
});
const Counts = {
  drawn: z.number(),
  checked: z.number(),
  confirmed: z.number(),
  notHappened: z.number(),
  itemsNotMentioned: z.number(),
  unreachable: z.number(),
  rate: z.number().nullable(),
};

export async function processBlindRoutes(app: App, deps: Deps): Promise<void> {
  const { db, now } = deps;
  const tags = ['process'];

  app.get(
    '/process/blind-checks',
    {
      schema: {
        tags,
        summary: '盲测回访任务 Blind-verification call-backs (P7)',
        querystring: z
          .object({
            mine: Flag.optional(),
            pending: Flag.optional(),
            period: Period.optional(),
            repId: z.uuid().optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(Check), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => service.listChecks(db, req.ctx, req.query),
  );

  app.get(
    '/process/blind-checks/:id',
    { schema: { tags, summary: '一条盲测回访 One call-back with its script', params: z.object({ id: z.uuid() }).strict(), response: { 200: Check } } },
    async (req) => service.getCheck(db, req.ctx, req.params.id),
  );

  app.post(
    '/process/blind-checks/:id',
    {
      schema: {
        tags,
        summary: '记录回访结果 Record the outcome of a call-back (QA; needs the current version)',
        params: z.object({ id: z.uuid() }).strict(),
        body: z.object({ outcome: Outcome, note: z.string().trim().max(2000).optional(), version: z.number().int().min(1) }).strict(),
        response: { 200: Check },
      },
    },
    async (req) => service.recordCheck(db, req.ctx, req.params.id, req.body, now()),
  );

  app.get(
    '/process/authenticity',
    {
      schema: {
        tags,
        summary: '过程真实率 Per-rep authenticity rate of a month’s blind checks',
        querystring: z.object({ period: Period.optional() }).strict(),
        response: {
          200: z.object({
            period: z.string(),
            sample: z
              .object({ id: z.string(), seed: z.string(), rate: z.number(), population: z.number(), drawn: z.number(), ruleVersion: z.string(), drawnAt: z.string() })
              .nullable(),
            formula: Bilingual,
            totals: z.object(Counts),
            items: z.array(
              z.object({
                repId: z.string(),
                repName: z.string().nullable(),
                teamId: z.string().nullable(),
                teamName: z.string().nullable(),
                regionId: z.string().nullable(),
                pending: z.number(),
                ...Counts,
              }),
            ),
          }),
        },
      },
    },
    async (req) => service.authenticityReport(db, deps, req.ctx, req.query.period),
  );

  app.post(
    '/process/blind-samples/run',
    {
      schema: {
        tags,
        summary: '抽取某月盲测样本 Draw a finished month’s sample now (admin; never twice)',
        body: z.object({ period: Period.optional() }).strict().optional(),
        response: { 200: z.object({ period: z.string(), status: z.string(), output: z.unknown(), error: z.string().nullable() }) },
      },
    },
    async (req) => service.drawNow(db, deps, req.ctx, req.body?.period),
  );
}
