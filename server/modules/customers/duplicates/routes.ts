import { z } from 'zod';
import type { App } from '../../../app.js';
import type { Deps } from '../../../platform/deps.js';
import { requireAbility } from '../../../platform/access/abilities.js';
import { CustomerOut } from '../routes.js';
import * as service from './service.js';

const Reason = z.object({
  rule: z.enum(['name_same', 'name_same_person', 'name_similar', 'phone_same', 'address_same', 'contact_city']),
  a: z.string(),
  b: z.string(),
  weight: z.number(),
  similarity: z.number().optional(),
});
const STATUSES = ['open', 'dismissed', 'merged', 'superseded'] as const;
const CandidateOut = z.object({
  id: z.string(),
  score: z.number(),
  reasons: z.array(Reason),
  ruleVersion: z.string(),
  status: z.enum(STATUSES),
  foundAt: z.date(),
  decidedAt: z.date().nullable(),
  note: z.string().nullable(),
  version: z.number(),
  a: CustomerOut,
  b: CustomerOut,
  _abilities: z.object({ merge: z.boolean(), dismiss: z.boolean() }),
});
const MergeOut = z.object({
  id: z.string(),
  survivorId: z.string(),
  mergedId: z.string(),
  candidateId: z.string().nullable(),
  fieldsTaken: z.array(z.string()),
  moved: z.record(z.string(), z.number()),
  status: z.enum(['done', 'undone']),
  mergedBy: z.string().nullable(),
  mergedAt: z.date(),
  undoneBy: z.string().nullable(),
  undoneAt: z.date().nullable(),
});
const Id = z.object({ id: z.uuid() });
const tags = ['customers'];

export async function duplicateRoutes(app: App, { db, now }: Deps) {
  app.get(
    '/customers/duplicates',
    {
      schema: {
        tags,
        summary: '疑似重复客户 Likely duplicate pairs for review (both customers readable), with score and reasons',
        querystring: z
          .object({
            status: z.enum(STATUSES).default('open'),
            customerId: z.uuid().optional(),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
          })
          .strict(),
        response: {
          200: z.object({ items: z.array(CandidateOut), total: z.number(), page: z.number(), pageSize: z.number(), ruleVersion: z.string(), threshold: z.number() }),
        },
      },
    },
    async (req) => service.listCandidates(db, req.ctx, req.query),
  );

  app.post(
    '/customers/duplicates/scan',
    {
      schema: {
        tags,
        summary: '扫描疑似重复 Scan all customers for likely duplicates now (the nightly job does the same)',
        response: {
          200: z.object({
            ruleVersion: z.string(),
            threshold: z.number(),
            records: z.number(),
            pairsScored: z.number(),
            candidates: z.number(),
            written: z.number(),
            removed: z.number(),
            oversizedBlocks: z.number(),
            ms: z.number(),
          }),
        },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'run', 'DuplicateCandidate');
      return service.scanDuplicates(db, req.ctx, now);
    },
  );

  app.get(
    '/customers/duplicates/:id',
    { schema: { tags, summary: '疑似重复详情 One candidate pair', params: Id, response: { 200: CandidateOut } } },
    async (req) => service.getCandidate(db, req.ctx, req.params.id),
  );

  app.post(
    '/customers/duplicates/:id/dismiss',
    {
      schema: {
        tags,
        summary: '不是重复 Dismiss a pair as not a duplicate (remembered: never proposed again)',
        params: Id,
        body: z.object({ version: z.number().int().min(1), note: z.string().trim().max(500).nullable().optional() }).strict(),
        response: { 200: CandidateOut },
      },
    },
    async (req) => service.dismissCandidate(db, req.ctx, req.params.id, req.body.version, req.body.note ?? null),
  );

  app.post(
    '/customers/merges',
    {
      schema: {
        tags,
        summary: '合并客户 Merge one customer into another, choosing per field which value survives',
        body: z
          .object({
            survivorId: z.uuid(),
            mergedId: z.uuid(),
            survivorVersion: z.number().int().min(1),
            mergedVersion: z.number().int().min(1),
            take: z.array(z.enum(service.MERGEABLE_FIELDS)).max(service.MERGEABLE_FIELDS.length).default([]),
            candidateId: z.uuid().optional(),
          })
          .strict(),
        response: { 201: MergeOut },
      },
    },
    async (req, reply) => reply.status(201).send(await service.mergeCustomers(db, req.ctx, req.body)),
  );

  app.get(
    '/customers/merges/:id',
    { schema: { tags, summary: '合并记录 A merge (what moved, who did it)', params: Id, response: { 200: MergeOut } } },
    async (req) => service.getMerge(db, req.ctx, req.params.id),
  );

  app.post(
    '/customers/merges/:id/undo',
    { schema: { tags, summary: '撤销合并 Undo a merge: both records restored exactly, moved rows moved back', params: Id, response: { 200: MergeOut } } },
    async (req) => service.undoMerge(db, req.ctx, req.params.id),
  );
}
