import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import { requireAbility } from '../../platform/access/abilities.js';
import * as service from './service.js';
import { ACTIVITY_KINDS, TICKET_CATEGORIES, TICKET_SEVERITIES, TICKET_STATUSES } from './service.js';

const Abilities = z.object({ update: z.boolean(), delete: z.boolean(), writable: z.array(z.string()), masked: z.array(z.string()) });
const text = (max: number) => z.string().trim().max(max);

const TicketOut = z.object({
  id: z.string(),
  customerId: z.string().optional(),
  ticketNo: z.string().optional(),
  title: z.string().optional(),
  category: z.enum(TICKET_CATEGORIES).optional(),
  severity: z.enum(TICKET_SEVERITIES).optional(),
  status: z.enum(TICKET_STATUSES).optional(),
  contactName: z.string().nullable().optional(),
  openedAt: z.date().optional(),
  closedAt: z.date().nullable().optional(),
  slaDueAt: z.date().nullable().optional(),
  slaState: z.enum(['met', 'missed', 'pending', 'none']).optional(),
  source: z.string().optional(),
  updatedAt: z.date().optional(),
  version: z.number().optional(),
  _abilities: Abilities,
});
const TouchpointOut = z.object({
  id: z.string(),
  customerId: z.string().optional(),
  externalId: z.string().optional(),
  channel: z.string().optional(),
  campaign: z.string().nullable().optional(),
  action: z.string().optional(),
  contactName: z.string().nullable().optional(),
  occurredAt: z.date().optional(),
  source: z.string().optional(),
  _abilities: Abilities,
});
const ActivityOut = z.object({
  id: z.string(),
  customerId: z.string().optional(),
  kind: z.enum(ACTIVITY_KINDS).optional(),
  contactName: z.string().nullable().optional(),
  contactRole: z.string().nullable().optional(),
  subject: z.string().optional(),
  occurredAt: z.date().optional(),
  repId: z.string().nullable().optional(),
  repName: z.string().nullable().optional(),
  _abilities: Abilities,
});

const Id = z.object({ id: z.uuid() });
const When = z.coerce.date();

const CreateTicket = z
  .object({
    ticketNo: text(60).min(1).optional(),
    title: text(300).min(1),
    category: z.enum(TICKET_CATEGORIES),
    severity: z.enum(TICKET_SEVERITIES),
    status: z.enum(TICKET_STATUSES).optional(),
    contactName: text(50).nullable().optional(),
    openedAt: When.optional(),
    closedAt: When.nullable().optional(),
    slaDueAt: When.nullable().optional(),
  })
  .strict();
const UpdateTicket = z
  .object({
    version: z.number().int().min(1),
    title: text(300).min(1).optional(),
    category: z.enum(TICKET_CATEGORIES).optional(),
    severity: z.enum(TICKET_SEVERITIES).optional(),
    status: z.enum(TICKET_STATUSES).optional(),
    contactName: text(50).nullable().optional(),
    closedAt: When.nullable().optional(),
    slaDueAt: When.nullable().optional(),
  })
  .strict();
const CreateTouchpoint = z
  .object({
    externalId: text(100).min(1).optional(),
    channel: text(40).min(1),
    campaign: text(200).nullable().optional(),
    action: text(200).optional(),
    contactName: text(50).nullable().optional(),
    occurredAt: When,
  })
  .strict();
const CreateActivity = z
  .object({
    kind: z.enum(ACTIVITY_KINDS),
    contactName: text(50).min(1),
    contactRole: text(50).nullable().optional(),
    subject: text(300).optional(),
    occurredAt: When,
  })
  .strict();

const TimelineItem = z.object({
  kind: z.enum(['visit', 'ticket', 'touchpoint', 'activity']),
  id: z.string(),
  at: z.date(),
  data: z.record(z.string(), z.unknown()),
});

export async function engagementRoutes(app: App, { db }: Deps) {
  app.get(
    '/customers/:id/tickets',
    { schema: { tags: ['engagement'], summary: '客服工单 Service tickets of a customer (sales read, never write)', params: Id, response: { 200: z.object({ items: z.array(TicketOut) }) } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'Ticket');
      return service.listTickets(db, req.ctx, req.params.id);
    },
  );
  app.post(
    '/customers/:id/tickets',
    { schema: { tags: ['engagement'], summary: '新建工单 Create a service ticket (customer service)', params: Id, body: CreateTicket, response: { 201: TicketOut } } },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'Ticket');
      return reply.status(201).send(await service.createTicket(db, req.ctx, req.params.id, req.body));
    },
  );
  app.patch(
    '/tickets/:id',
    { schema: { tags: ['engagement'], summary: '修改工单 Update a service ticket (send the version you read)', params: Id, body: UpdateTicket, response: { 200: TicketOut } } },
    async (req) => {
      const { version, ...patch } = req.body;
      return service.updateTicket(db, req.ctx, req.params.id, version, patch);
    },
  );

  app.get(
    '/customers/:id/touchpoints',
    { schema: { tags: ['engagement'], summary: '市场触点 Touchpoint path of a customer', params: Id, response: { 200: z.object({ items: z.array(TouchpointOut) }) } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'Touchpoint');
      return service.listTouchpoints(db, req.ctx, req.params.id);
    },
  );
  app.post(
    '/customers/:id/touchpoints',
    { schema: { tags: ['engagement'], summary: '新建触点 Record a marketing touchpoint (marketing)', params: Id, body: CreateTouchpoint, response: { 201: TouchpointOut } } },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'Touchpoint');
      return reply.status(201).send(await service.createTouchpoint(db, req.ctx, req.params.id, req.body));
    },
  );

  app.get(
    '/customers/:id/contact-activities',
    { schema: { tags: ['engagement'], summary: '关键联系人互动 Key-contact e-mails, meetings and calls', params: Id, response: { 200: z.object({ items: z.array(ActivityOut) }) } } },
    async (req) => {
      requireAbility(req.ability, 'read', 'ContactActivity');
      return service.listActivities(db, req.ctx, req.params.id);
    },
  );
  app.post(
    '/customers/:id/contact-activities',
    { schema: { tags: ['engagement'], summary: '记录联系人互动 Record a key-contact activity (sales)', params: Id, body: CreateActivity, response: { 201: ActivityOut } } },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'ContactActivity');
      return reply.status(201).send(await service.createActivity(db, req.ctx, req.params.id, req.body));
    },
  );

  app.get(
    '/customers/:id/timeline',
    {
      schema: {
        tags: ['engagement'],
        summary: '客户时间线 Visits, tickets, touchpoints and contact activities merged by time (keyset-paged)',
        params: Id,
        querystring: z.object({ pageSize: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(400).optional() }).strict(),
        response: { 200: z.object({ items: z.array(TimelineItem), nextCursor: z.string().nullable() }) },
      },
    },
    async (req) => service.timeline(db, req.ctx, req.params.id, req.query),
  );
}
