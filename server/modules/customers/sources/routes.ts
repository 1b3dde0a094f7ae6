// HTTP routes for customer sources (C2) and freshness (C5): import wizard (preview, dry run,
// commit), the JSON integration API, provenance per customer, key profile edits, conflicts.
import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import * as service from './service.js';

const Sha = z.string().regex(/^[0-9a-fA-F]{64}$/, { message: 'sha256 必须是 64 位十六进制字符 / sha256 must be 64 hexadecimal characters' }).transform((s) => s.toLowerCase());
const Kind = z.string().regex(/^[a-z][a-zA-Z0-9-]{0,39}$/);
const SourceSystem = z.string().trim().min(1).max(40);
const Mapping = z.record(z.string().regex(/^\d{1,4}$/), z.string().max(60));

const ImportBody = z
  .object({
    sha256: Sha,
    target: Kind,
    mapping: Mapping.optional(),
    sourceSystem: SourceSystem,
    defaultOwnerId: z.uuid().optional(),
    allowPartial: z.boolean().optional(),
  })
  .strict();

const Field = z.enum(service.TRACKED_FIELDS);
const CustomerId = z.object({ id: z.uuid() });

export async function customerSourceRoutes(app: App, deps: Deps) {
  app.get(
    '/customers/import-targets',
    { schema: { tags: ['customer sources'], summary: '可导入的数据类型 Import targets and their columns' } },
    async (req) => service.listTargets(req.ctx),
  );

  app.post(
    '/customers/imports/preview',
    {
      schema: {
        tags: ['customer sources'],
        summary: '导入预览 Preview an uploaded file: encoding, format, first rows, suggested column mapping',
        body: z.object({ sha256: Sha, target: Kind.optional() }).strict(),
      },
    },
    async (req) => service.previewImport(deps, req.ctx, req.body.sha256, req.body.target),
  );

  app.post(
    '/customers/imports/dry-run',
    { schema: { tags: ['customer sources'], summary: '试运行 Dry run: the row-level error report, nothing written', body: ImportBody } },
    async (req) => service.dryRunImport(deps, req.ctx, req.body),
  );

  app.post(
    '/customers/imports',
    {
      schema: {
        tags: ['customer sources'],
        summary: '提交导入 Commit an import: all valid rows in one transaction; rows with errors only with allowPartial',
        body: ImportBody,
      },
    },
    async (req, reply) => {
      const out = await service.commitImport(deps, req.ctx, req.body);
      return reply.status(out.alreadyImported ? 200 : 201).send(out);
    },
  );

  app.get(
    '/customers/imports',
    { schema: { tags: ['customer sources'], summary: '导入记录 Recent import batches' } },
    async (req) => service.listImports(deps.db, req.ctx),
  );

  app.post(
    '/integrations/:kind',
    {
      schema: {
        tags: ['customer sources'],
        summary: '集成接口 Integration API: a JSON array of rows for an import target (API token; same validation and field rules as imports)',
        params: z.object({ kind: Kind }),
        querystring: z.object({ source: SourceSystem.optional() }).strict(),
        headers: z.object({ 'idempotency-key': z.string().trim().min(8).max(200).optional(), 'x-source-system': SourceSystem.optional() }).passthrough(),
        body: z.array(z.record(z.string().max(60), z.union([z.string(), z.number(), z.boolean(), z.null()]))).max(service.MAX_API_ROWS),
      },
    },
    async (req, reply) => {
      const sourceSystem = req.query.source ?? (req.headers['x-source-system'] as string | undefined) ?? 'API';
      const out = await service.integrate(deps, req.ctx, req.params.kind, req.body as Record<string, unknown>[], {
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        sourceSystem,
      });
      if (out.replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(out.replayed ? 200 : 201).send(out);
    },
  );

  app.get(
    '/customers/conflicts',
    {
      schema: {
        tags: ['customer sources'],
        summary: '冲突工作台 Fields whose sources disagree, across the customers you may read',
        querystring: z
          .object({
            status: z.enum(['open', 'resolved']).optional(),
            field: Field.optional(),
            customerId: z.uuid().optional(),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
          })
          .strict(),
      },
    },
    async (req) => service.listConflicts(deps, req.ctx, req.query),
  );

  app.get(
    '/customers/:id/sources',
    { schema: { tags: ['customer sources'], summary: '客户字段来源 Field values per source, golden value, conflicts, key-field ages', params: CustomerId } },
    async (req) => service.customerSources(deps, req.ctx, req.params.id),
  );

  app.post(
    '/customers/:id/conflicts/:field/resolve',
    {
      schema: {
        tags: ['customer sources'],
        summary: '解决冲突 Resolve a conflict: pick or enter a value, with a note (audited)',
        params: z.object({ id: z.uuid(), field: Field }),
        body: z
          .object({ value: z.string().max(service.MAX_CELL_CHARS).nullable(), note: z.string().trim().min(1).max(500), version: z.number().int().min(1).optional() })
          .strict(),
      },
    },
    async (req) => service.resolveConflict(deps, req.ctx, req.params.id, req.params.field, req.body),
  );

  app.put(
    '/customers/:id/profile/:field',
    {
      schema: {
        tags: ['customer sources'],
        summary: '更新关键字段 Update a key profile field (decision chain, budget cycle, technical architecture)',
        params: z.object({ id: z.uuid(), field: z.enum(service.KEY_PROFILE_FIELDS) }),
        body: z.object({ value: z.string().max(2000).nullable(), note: z.string().trim().max(500).optional() }).strict(),
      },
    },
    async (req) => service.updateProfileField(deps, req.ctx, req.params.id, req.params.field, req.body),
  );
}
