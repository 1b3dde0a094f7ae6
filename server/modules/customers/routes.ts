import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import { requireAbility } from '../../platform/access/abilities.js';
import * as service from './service.js';
import { EXPORT_COLUMNS, toCsv, toXlsx } from './export.js';

const TIERS = ['KA', 'A', 'B', 'C'] as const;
const STAGES = ['lead', 'opportunity', 'delivery', 'renewal', 'churned'] as const;

const Abilities = z.object({ update: z.boolean(), delete: z.boolean(), writable: z.array(z.string()), masked: z.array(z.string()) });
// Every field optional: a role receives only the fields it may read.
export const CustomerOut = z.object({
  id: z.string(),
  kind: z.enum(['org', 'person']).optional(),
  name: z.string().optional(),
  creditCode: z.string().nullable().optional(),
  mobile: z.string().nullable().optional(),
  contactName: z.string().nullable().optional(),
  industry: z.string().nullable().optional(),
  tier: z.enum(TIERS).optional(),
  stage: z.enum(STAGES).optional(),
  regionId: z.string().nullable().optional(),
  regionName: z.string().nullable().optional(),
  teamId: z.string().nullable().optional(),
  teamName: z.string().nullable().optional(),
  ownerId: z.string().nullable().optional(),
  ownerName: z.string().nullable().optional(),
  province: z.string().nullable().optional(),
  city: z.string().nullable().optional(),
  address: z.string().nullable().optional(),
  lat: z.number().nullable().optional(),
  lng: z.number().nullable().optional(),
  tags: z.array(z.string()).optional(),
  createdAt: z.date().optional(),
  updatedAt: z.date().optional(),
  version: z.number().optional(),
  /** C1: 'merged' records are kept for history and undo; `merge` says where they went. */
  status: z.enum(['active', 'merged']).optional(),
  mergedInto: z.string().nullable().optional(),
  merge: z
    .object({ mergeId: z.string().nullable(), mergedInto: z.string(), mergedIntoName: z.string().nullable(), mergedAt: z.date().nullable(), canUndo: z.boolean() })
    .optional(),
  _abilities: Abilities,
});

const Filters = {
  q: z.string().trim().max(100).optional(),
  tier: z.enum(TIERS).optional(),
  stage: z.enum(STAGES).optional(),
  industry: z.string().max(50).optional(),
  regionId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  ownerId: z.uuid().optional(),
  city: z.string().max(50).optional(),
  kind: z.enum(['org', 'person']).optional(),
};

const text = (max: number) => z.string().trim().max(max);
const Writable = {
  name: text(200).min(1),
  creditCode: text(40).nullable(),
  mobile: text(30).nullable(),
  contactName: text(50).nullable(),
  industry: text(50).nullable(),
  tier: z.enum(TIERS),
  stage: z.enum(STAGES),
  province: text(30).nullable(),
  city: text(30).nullable(),
  address: text(300).nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  lng: z.number().min(-180).max(180).nullable(),
  tags: z.array(text(30).min(1)).max(30),
  ownerId: z.uuid().nullable(),
};

const CreateCustomer = z
  .object({ kind: z.enum(['org', 'person']), ...Writable, confirmNotDuplicate: z.boolean() })
  .partial()
  .required({ kind: true, name: true })
  .strict();
const UpdateCustomer = z
  .object({ kind: z.enum(['org', 'person']), ...Writable })
  .partial()
  .extend({ version: z.number().int().min(1) })
  .strict();

const Id = z.object({ id: z.uuid() });

export async function customerRoutes(app: App, { db }: Deps) {
  app.get(
    '/customers',
    {
      schema: {
        tags: ['customers'],
        summary: '客户列表 List customers (paged, searchable, scoped to the role)',
        querystring: z
          .object({
            ...Filters,
            sort: z.enum(['updatedAt', 'createdAt', 'name', 'tier']).default('updatedAt'),
            order: z.enum(['asc', 'desc']).default('desc'),
            page: z.coerce.number().int().min(1).max(100_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(20),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(CustomerOut), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => service.listCustomers(db, req.ctx, req.query),
  );

  app.get(
    '/customers/export',
    {
      schema: {
        tags: ['customers'],
        summary: '导出客户 Export customers as CSV or XLSX (masked as the role reads them)',
        querystring: z.object({ ...Filters, format: z.enum(['csv', 'xlsx']).default('csv') }).strict(),
      },
    },
    async (req, reply) => {
      requireAbility(req.ability, 'export', 'Customer');
      const { format, ...filters } = req.query;
      const rows = service.exportCustomers(db, req.ctx, filters);
      const stamp = new Date().toISOString().slice(0, 10);
      const name = `customers-${stamp}.${format}`;
      const body = format === 'csv' ? await toCsv(rows, EXPORT_COLUMNS, req.locale) : await toXlsx(rows, EXPORT_COLUMNS, req.locale);
      return reply
        .header('content-disposition', `attachment; filename="${name}"`)
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(body);
    },
  );

  app.get(
    '/customers/:id',
    { schema: { tags: ['customers'], summary: '客户详情 Customer detail', params: Id, response: { 200: CustomerOut } } },
    async (req) => service.getCustomer(db, req.ctx, req.params.id),
  );

  app.post(
    '/customers',
    { schema: { tags: ['customers'], summary: '新建客户 Create a customer', body: CreateCustomer, response: { 201: CustomerOut } } },
    async (req, reply) => reply.status(201).send(await service.createCustomer(db, req.ctx, req.body, { likelyCheck: true })),
  );

  app.patch(
    '/customers/:id',
    {
      schema: { tags: ['customers'], summary: '修改客户 Update a customer (optimistic: send the version you read)', params: Id, body: UpdateCustomer, response: { 200: CustomerOut } },
    },
    async (req) => {
      const { version, ...patch } = req.body;
      return service.updateCustomer(db, req.ctx, req.params.id, version, patch);
    },
  );

  app.get(
    '/customers/:id/visits',
    {
      schema: {
        tags: ['customers'],
        summary: '拜访记录 Visits to a customer',
        params: Id,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                purpose: z.string(),
                note: z.string(),
                occurredAt: z.date(),
                recordedAt: z.date(),
                repId: z.string(),
                repName: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => service.customerVisits(db, req.ctx, req.params.id),
  );
}
