// P11 HTTP: pilot studies, their comparison report and its PDF.
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import { contentDisposition, sanitizeFileName } from '../../../platform/files/sniff.js';
import * as service from './service.js';

/** A real calendar day: 2026-02-30 is refused here, not by the database. */
const Day = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'YYYY-MM-DD')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, 'YYYY-MM-DD');
const Id = z.object({ id: z.uuid() }).strict();
const Bilingual = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });
const Team = z.object({ id: z.string(), name: z.string() });
const Study = z.object({
  id: z.string(),
  name: z.string(),
  pilotTeams: z.array(Team),
  controlTeams: z.array(Team),
  periodFrom: z.string(),
  periodTo: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
});
const Side = z.object({ value: z.number().nullable(), num: z.number().optional(), den: z.number().optional() });
const n = z.number();
const Stats = z.object({
  visits: n,
  reps: n,
  flaggedVisits: n,
  p8Visits: n,
  p8Flags: n,
  p8ByDetector: z.record(z.string(), n),
  blindChecked: n,
  blindConfirmed: n,
  blindUnreachable: n,
  actions: n,
  within24h: n,
  lagMedian: n.nullable(),
  lagP90: n.nullable(),
  complete: n,
  evaluated: n,
  noMissing: n,
  complianceAssessed: n,
  compliant: n,
});
const Group = z.object({ label: Bilingual, teams: z.array(Team), stats: Stats });
const Report = z.object({
  study: Study,
  generatedAt: z.string(),
  timeZone: z.string(),
  ruleVersion: z.string(),
  groups: z.object({ pilot: Group, control: Group }),
  metrics: z.array(
    z.object({
      key: z.string(),
      section: z.enum(['authenticity', 'timeliness', 'completeness']),
      label: Bilingual,
      kind: z.enum(['share', 'hours', 'count']),
      better: z.enum(['higher', 'lower']),
      pilot: Side,
      control: Side,
      diff: z.number().nullable(),
      test: z.object({ z: z.number(), pValue: z.number(), significant: z.boolean() }).nullable(),
      verdict: z.enum(['better', 'worse', 'no_difference', 'insufficient']).nullable(),
    }),
  ),
  method: Bilingual,
});

export async function processPilotRoutes(app: App, deps: Deps): Promise<void> {
  const { db, now } = deps;
  const tags = ['process'];

  app.post(
    '/process/pilots',
    {
      schema: {
        tags,
        summary: '新建试点对比 Create a pilot study (P11)',
        body: z
          .object({
            name: z.string().trim().min(1).max(100),
            pilotTeamIds: z.array(z.uuid()).min(1).max(200),
            controlTeamIds: z.array(z.uuid()).min(1).max(200),
            periodFrom: Day,
            periodTo: Day,
          })
          .strict(),
        response: { 201: Study },
      },
    },
    async (req, reply) => reply.status(201).send(await service.createPilot(db, req.ctx, req.body, now())),
  );

  app.get(
    '/process/pilots',
    { schema: { tags, summary: '试点对比列表 Pilot studies', response: { 200: z.object({ items: z.array(Study) }) } } },
    async (req) => service.listPilots(db, req.ctx),
  );

  app.get(
    '/process/pilots/:id/report',
    { schema: { tags, summary: '过程数据质量对比 Pilot vs control on process data quality', params: Id, response: { 200: Report } } },
    async (req) => service.pilotReport(db, req.ctx, req.params.id, now()),
  );

  app.get(
    '/process/pilots/:id/report.pdf',
    { schema: { tags, summary: '《过程数据质量对比报告》PDF', params: Id } },
    async (req, reply) => {
      const { pdf, filename } = await service.pilotReportPdf(db, req.ctx, req.params.id, now());
      return reply
        .type('application/pdf')
        .header('content-disposition', contentDisposition('attachment', sanitizeFileName(filename) ?? 'report.pdf'))
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );
}
