// HTTP for visits (P1–P5, P9, P10): thin routes — schema, permission, one service call.
import { z } from 'zod';
import multipart from '@fastify/multipart';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import { Problem } from '../../platform/http/problem.js';
import { multipartProblem } from '../../platform/files/routes.js';
import { tooLarge } from '../../platform/files/service.js';
import { ACTION_TYPES } from './actions.js';
import * as service from './service.js';
import * as flags from './flags.js';

const Id = z.object({ id: z.uuid() });
const When = z.coerce.date();
const text = (max: number) => z.string().trim().max(max);
const Position = z
  .object({
    lat: z.number().finite(),
    lng: z.number().finite(),
    accuracyM: z.number().finite().min(0).max(100_000),
    datum: z.enum(['wgs84', 'gcj02']).default('wgs84'),
  })
  .strict();

const NewVisit = z
  .object({ id: z.uuid(), customerId: z.uuid(), purpose: text(60).min(1), plannedAt: When.nullable().optional(), note: text(4000).optional() })
  .strict();
const NewAction = z
  .object({
    id: z.uuid(),
    type: z.enum(ACTION_TYPES),
    occurredAt: When,
    fields: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,59}$/), z.unknown()).default({}),
    note: text(4000).optional(),
    position: Position.optional(),
    via: z.enum(['qr', 'manual']).optional(),
    code: z.string().max(80).optional(),
    corrects: z.uuid().optional(),
  })
  .strict()
  .refine((a) => JSON.stringify(a.fields).length <= 20_000, { message: 'fields too large (max 20 000 characters)', path: ['fields'] });
const MediaFields = z
  .object({
    id: z.uuid(),
    kind: z.enum(['photo', 'voice', 'screenshot']),
    actionId: z.uuid().optional(),
    claimedAt: When,
    lat: z.coerce.number().finite().optional(),
    lng: z.coerce.number().finite().optional(),
  })
  .strict();

const ListQuery = z
  .object({
    repId: z.uuid().optional(),
    teamId: z.uuid().optional(),
    customerId: z.uuid().optional(),
    flagged: z.enum(['1', 'true', '0', 'false']).optional(),
    check: z.string().max(60).optional(),
    from: When.optional(),
    to: When.optional(),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

function decodeCursor(c: string | undefined) {
  if (!c) return undefined;
  const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  const d = new Date(at);
  if (Number.isNaN(d.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) throw new Problem(400, 'bad_cursor');
  return { at: d, kind: 'visit', id };
}
const encodeCursor = (n: { at: string; id: string } | null) => (n ? Buffer.from(`${n.at}|${n.id}`).toString('base64url') : null);

export async function processRoutes(app: App, deps: Deps) {
  const { db } = deps;
  const tags = ['process'];

  app.get('/process/today', { schema: { tags, summary: '今日拜访计划 Today’s plan of the signed-in rep (P10)' } }, async (req) => service.today(db, deps, req.ctx));

  app.get(
    '/process/scan/:code',
    { schema: { tags, summary: '扫码 Resolve a scanned customer QR code (P9)', params: z.object({ code: z.string().max(80) }) } },
    async (req) => service.scan(db, deps, req.ctx, req.params.code),
  );

  app.get(
    '/process/customers/:id/qr.svg',
    { schema: { tags, summary: '客户二维码 A customer’s printable QR code (SVG)', params: Id } },
    async (req, reply) => {
      const qr = await service.customerQr(db, deps, req.ctx, req.params.id);
      return reply.type('image/svg+xml; charset=utf-8').header('x-qr-url', qr.url).header('cache-control', 'private, max-age=3600').send(qr.svg);
    },
  );

  app.get(
    '/process/customers/:id/qr',
    { schema: { tags, summary: '客户二维码信息 A customer’s QR code, its URL and SVG', params: Id } },
    async (req) => service.customerQr(db, deps, req.ctx, req.params.id),
  );

  app.post('/process/visits', { schema: { tags, summary: '新建拜访 Create a visit (client-chosen id; a resend answers 200)', body: NewVisit } }, async (req, reply) => {
    const r = await service.createVisit(db, deps, req.ctx, req.body);
    return reply.status(r.replayed ? 200 : 201).send(r.visit);
  });

  app.get('/process/visits', { schema: { tags, summary: '拜访列表 Visits in scope with filters (keyset-paged)', querystring: ListQuery } }, async (req) => {
    const q = req.query;
    const r = await service.listVisits(
      db,
      req.ctx,
      { repId: q.repId, teamId: q.teamId, customerId: q.customerId, flagged: q.flagged === '1' || q.flagged === 'true', check: q.check, from: q.from, to: q.to },
      { limit: q.pageSize, before: decodeCursor(q.cursor) },
    );
    return { items: r.items, nextCursor: encodeCursor(r.next) };
  });

  app.get('/process/visits/:id', { schema: { tags, summary: '拜访详情与证据 A visit with its actions, media and evidence', params: Id } }, async (req) =>
    service.visitDetail(db, deps, req.ctx, req.params.id),
  );

  app.post(
    '/process/visits/:id/actions',
    { schema: { tags, summary: '记录动作 Record one of the six actions (client-chosen id; a resend answers 200)', params: Id, body: NewAction } },
    async (req, reply) => {
      const r = await service.addAction(db, deps, req.ctx, req.params.id, req.body);
      return reply.status(r.replayed ? 200 : 201).send({ action: r.action, verdicts: r.verdicts, visit: r.visit });
    },
  );

  app.post(
    '/process/visits/:id/objections/:actionId/close',
    {
      schema: {
        tags,
        summary: '标记异议已化解 Close an open objection later: a correction with status closed, by the visit’s rep or their manager (client-chosen id; a resend answers 200)',
        params: z.object({ id: z.uuid(), actionId: z.uuid() }),
        body: z.object({ id: z.uuid() }).strict(),
      },
    },
    async (req, reply) => {
      const r = await service.closeObjection(db, deps, req.ctx, req.params.id, req.params.actionId, req.body.id);
      return reply.status(r.replayed ? 200 : 201).send({ action: r.action, verdicts: r.verdicts, visit: r.visit });
    },
  );

  app.get('/process/flags', {
    schema: {
      tags,
      summary: '补录与造假识别 P8 flags per rep and team',
      querystring: z.object({ repId: z.uuid().optional(), teamId: z.uuid().optional(), detector: z.string().max(40).optional() }).strict(),
    },
  }, async (req) => flags.listFlags(db, req.ctx, req.query));

  app.post('/process/flags/run', { schema: { tags, summary: '立即运行识别 Run the P8 detectors now (admin)' } }, async (req) => flags.runNow(deps, req.ctx));

  // Multipart only for media uploads.
  const limit = deps.settings.uploadLimitBytes;
  await app.register(async (scoped) => {
    const api = scoped as unknown as App;
    await api.register(multipart, { limits: { fileSize: limit, files: 1, fields: 10, fieldSize: 1024, parts: 11 } });
    api.post(
      '/process/visits/:id/media',
      {
        schema: {
          tags,
          summary: '上传照片或语音 Attach a photo, screenshot or voice note (multipart: file + id, kind, claimedAt, …)',
          consumes: ['multipart/form-data'],
          params: Id,
        },
      },
      async (req, reply) => {
        const fields: Record<string, string> = {};
        let buffer: Buffer | undefined;
        let fileName: string | undefined;
        try {
          for await (const part of req.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file') throw new Problem(400, 'file_missing');
              buffer = await part.toBuffer();
              if (part.file.truncated) throw tooLarge(limit);
              fileName = part.filename;
            } else fields[part.fieldname] = String(part.value);
          }
        } catch (e) {
          throw multipartProblem(e, limit) ?? e;
        }
        if (!buffer) throw new Problem(400, 'file_missing');
        const parsed = MediaFields.safeParse(fields);
        if (!parsed.success) {
          throw new Problem(400, 'validation_failed', { detail: parsed.error.issues.map((i) => `${i.path.join('.') || '—'}：${i.message}`).join('；') });
        }
        const r = await service.addMedia(db, deps, req.ctx, req.params.id, { ...parsed.data, buffer, fileName });
        return reply.status(r.replayed ? 200 : 201).send(r.media);
      },
    );
  });
}
