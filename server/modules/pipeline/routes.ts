import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import { requireAbility } from '../../platform/access/abilities.js';
import { STAGES } from './stages.js';
import { isWeek } from './capacity.js';
import * as service from './service.js';

const Abilities = z.object({ update: z.boolean(), delete: z.boolean(), writable: z.array(z.string()), masked: z.array(z.string()) });
const Stage = z.enum(STAGES);
const day = z.iso.date();
const money = z.number().finite().min(0).max(1e12);
const text = (max: number) => z.string().trim().max(max);
const Id = z.object({ id: z.uuid() });
const week = z.string().refine(isWeek, { message: 'ISO week like 2026-W48' });

// Every field optional on output: a role receives only the fields it may read.
const OpportunityOut = z.object({
  id: z.string(),
  customerId: z.string().optional(),
  name: z.string().optional(),
  stage: Stage.optional(),
  amount: z.number().optional(),
  weightedAmount: z.number().optional(),
  expectedClose: z.string().optional(),
  products: z.array(z.string()).optional(),
  ownerId: z.string().optional(),
  ownerName: z.string().nullable().optional(),
  teamId: z.string().nullable().optional(),
  regionId: z.string().nullable().optional(),
  closeReason: z.string().nullable().optional(),
  closedAt: z.date().nullable().optional(),
  quote: z.object({ amount: z.number(), status: z.literal('published'), publishedAt: z.date().nullable() }).nullable().optional(),
  draftQuote: z.object({ amount: z.number(), status: z.literal('draft') }).nullable().optional(),
  createdAt: z.date().optional(),
  updatedAt: z.date().optional(),
  version: z.number().optional(),
  nextStages: z.array(Stage),
  _abilities: Abilities,
});

const OpportunityFilters = {
  stage: Stage.optional(),
  customerId: z.uuid().optional(),
  ownerId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  regionId: z.uuid().optional(),
  q: z.string().trim().max(100).optional(),
  closeFrom: day.optional(),
  closeTo: day.optional(),
};

const OpportunityWritable = {
  name: text(200).min(1),
  stage: Stage,
  amount: money,
  expectedClose: day,
  products: z.array(text(60).min(1)).max(30),
  ownerId: z.uuid(),
  closeReason: text(500).nullable(),
  quoteAmount: money.nullable(),
  quoteStatus: z.enum(['none', 'draft', 'published']),
};

const CreateOpportunity = z
  .object({ customerId: z.uuid(), ...OpportunityWritable })
  .partial()
  .required({ customerId: true, name: true, amount: true, expectedClose: true })
  .strict();
const UpdateOpportunity = z.object(OpportunityWritable).partial().extend({ version: z.number().int().min(1) }).strict();

const Milestone = z
  .object({ promisedDate: day, scope: text(300).min(1), deliveryTeamId: z.uuid(), load: z.number().finite().gt(0).max(10_000) })
  .strict();

const ContractWritable = {
  opportunityId: z.uuid().nullable(),
  number: text(60).min(1),
  title: text(200),
  signedOn: day.nullable(),
  amount: money,
  paymentTerms: text(500),
  prepaymentRatio: z.number().min(0).max(1).nullable(),
  prepaymentAmount: money.nullable(),
  prepaidReceived: money,
  status: z.enum(['draft', 'signed', 'delivering', 'completed', 'terminated']),
  ownerId: z.uuid(),
  milestones: z.array(Milestone).max(50),
};
const CreateContract = z
  .object({ customerId: z.uuid(), ...ContractWritable })
  .partial()
  .required({ customerId: true, number: true, amount: true })
  .strict();
const UpdateContract = z.object(ContractWritable).partial().extend({ version: z.number().int().min(1) }).strict();

const ContractOut = z.object({
  id: z.string(),
  customerId: z.string().optional(),
  opportunityId: z.string().nullable().optional(),
  number: z.string().optional(),
  title: z.string().optional(),
  signedOn: z.string().nullable().optional(),
  amount: z.number().optional(),
  paymentTerms: z.string().optional(),
  prepaymentRatio: z.number().nullable().optional(),
  prepaymentAmount: z.number().nullable().optional(),
  prepaidReceived: z.number().optional(),
  prepaymentStatus: z.enum(['none', 'pending', 'partial', 'received']).optional(),
  status: z.string().optional(),
  ownerId: z.string().nullable().optional(),
  ownerName: z.string().nullable().optional(),
  teamId: z.string().nullable().optional(),
  regionId: z.string().nullable().optional(),
  source: z.string().optional(),
  milestones: z
    .array(
      z.object({
        id: z.string(),
        seq: z.number(),
        promisedDate: z.string(),
        week: z.string(),
        scope: z.string(),
        deliveryTeamId: z.string(),
        deliveryTeamName: z.string().nullable(),
        load: z.number(),
        externalRef: z.string().nullable(),
        deliveredOn: z.string().nullable(),
      }),
    )
    .optional(),
  createdAt: z.date().optional(),
  updatedAt: z.date().optional(),
  version: z.number().optional(),
  _abilities: Abilities,
});

const Alternative = z.object({ date: z.string(), week: z.string(), free: z.number(), direction: z.enum(['before', 'after']) });
const DeliveryTeamOut = z.object({
  id: z.string(),
  name: z.string(),
  regionId: z.string().nullable(),
  regionName: z.string().nullable(),
  unit: z.enum(['units', 'person_days']),
  weeklyCapacity: z.number(),
  externalId: z.string().nullable(),
  version: z.number(),
});

export async function pipelineRoutes(app: App, deps: Deps) {
  const { db } = deps;

  app.get(
    '/opportunities',
    {
      schema: {
        tags: ['pipeline'],
        summary: '商机列表 List opportunities (filters, scoped to the role)',
        querystring: z
          .object({
            ...OpportunityFilters,
            page: z.coerce.number().int().min(1).max(100_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(20),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(OpportunityOut), total: z.number(), page: z.number(), pageSize: z.number() }) },
      },
    },
    async (req) => service.listOpportunities(deps, req.ctx, req.query),
  );

  app.get(
    '/opportunities/board',
    {
      schema: {
        tags: ['pipeline'],
        summary: '商机阶段看板 Stage board: per stage count, amount, weighted amount and the first cards (rep own / manager team / director region / admin all)',
        querystring: z.object({ ownerId: z.uuid().optional(), teamId: z.uuid().optional(), regionId: z.uuid().optional(), q: z.string().trim().max(100).optional() }).strict(),
        response: {
          200: z.object({
            columns: z.array(z.object({ stage: Stage, count: z.number(), amount: z.number(), weighted: z.number(), items: z.array(OpportunityOut) })),
            totals: z.object({ count: z.number(), openAmount: z.number(), weighted: z.number() }),
            cardsPerStage: z.number(),
            rule: z.object({ key: z.string(), version: z.number(), weights: z.record(z.string(), z.number()) }),
          }),
        },
      },
    },
    async (req) => service.board(deps, req.ctx, req.query),
  );

  app.get(
    '/opportunities/:id',
    {
      schema: {
        tags: ['pipeline'],
        summary: '商机详情 An opportunity with its stage history',
        params: Id,
        response: {
          200: OpportunityOut.extend({
            history: z.array(
              z.object({
                fromStage: z.string().nullable(),
                toStage: z.string(),
                reason: z.string().nullable(),
                changedBy: z.string().nullable(),
                changedByName: z.string().nullable(),
                changedAt: z.date(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => service.getOpportunity(deps, req.ctx, req.params.id),
  );

  app.post(
    '/opportunities',
    { schema: { tags: ['pipeline'], summary: '新建商机 Create an opportunity', body: CreateOpportunity, response: { 201: OpportunityOut } } },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'Opportunity');
      return reply.status(201).send(await service.createOpportunity(deps, req.ctx, req.body));
    },
  );

  app.patch(
    '/opportunities/:id',
    {
      schema: {
        tags: ['pipeline'],
        summary: '修改商机 / 推进阶段 Update an opportunity or move its stage (send the version you read; won/lost need closeReason)',
        params: Id,
        body: UpdateOpportunity,
        response: { 200: OpportunityOut },
      },
    },
    async (req) => {
      const { version, ...patch } = req.body;
      return service.updateOpportunity(deps, req.ctx, req.params.id, version, patch);
    },
  );

  app.get(
    '/customers/:id/contracts',
    {
      schema: { tags: ['pipeline'], summary: '客户合同 Contracts of a customer', params: Id, response: { 200: z.object({ items: z.array(ContractOut) }) } },
    },
    async (req) => service.contractsOfCustomer(db, req.ctx, req.params.id),
  );

  app.get(
    '/contracts/:id',
    { schema: { tags: ['pipeline'], summary: '合同详情 A contract with its promised milestones', params: Id, response: { 200: ContractOut } } },
    async (req) => service.getContract(db, req.ctx, req.params.id),
  );

  app.post(
    '/contracts',
    {
      schema: {
        tags: ['pipeline'],
        summary: '新建合同 Create a contract; promised milestones are checked against delivery capacity (409 promise_exceeds_capacity with alternatives)',
        body: CreateContract,
        response: { 201: ContractOut },
      },
    },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'Contract');
      return reply.status(201).send(await service.createContract(deps, req.ctx, req.body));
    },
  );

  app.patch(
    '/contracts/:id',
    {
      schema: {
        tags: ['pipeline'],
        summary: '修改合同 Update a contract (milestones replace the promised dates and are checked again)',
        params: Id,
        body: UpdateContract,
        response: { 200: ContractOut },
      },
    },
    async (req) => {
      const { version, ...patch } = req.body;
      return service.updateContract(deps, req.ctx, req.params.id, version, patch);
    },
  );

  app.post(
    '/contracts/:id/milestones/:seq/delivery',
    {
      schema: {
        tags: ['pipeline'],
        summary: '记录实际交付 Record when a promised milestone was delivered (null clears it)',
        params: z.object({ id: z.uuid(), seq: z.coerce.number().int().min(1).max(100) }).strict(),
        body: z.object({ deliveredOn: z.iso.date().nullable() }).strict(),
        response: { 200: ContractOut },
      },
    },
    async (req) => service.recordDelivery(deps, req.ctx, req.params.id, req.params.seq, req.body.deliveredOn),
  );

  app.post(
    '/delivery/promise-check',
    {
      schema: {
        tags: ['delivery'],
        summary: '交付承诺校验 Is there delivery capacity for this promised date? If not, the nearest dates that have room',
        body: z.object({ deliveryTeamId: z.uuid(), promisedDate: day, load: z.number().finite().gt(0).max(10_000), contractId: z.uuid().optional() }).strict(),
        response: {
          200: z.object({
            ok: z.boolean(),
            source: z.enum(['internal', 'http']),
            week: z.string(),
            capacity: z.number(),
            booked: z.number(),
            free: z.number(),
            load: z.number(),
            alternatives: z.array(Alternative),
          }),
        },
      },
    },
    async (req) => service.promiseCheck(deps, req.ctx, req.body),
  );

  app.get(
    '/delivery/teams',
    { schema: { tags: ['delivery'], summary: '交付团队 Delivery teams', response: { 200: z.object({ items: z.array(DeliveryTeamOut) }) } } },
    async (req) => service.listDeliveryTeams(db, req.ctx),
  );

  app.post(
    '/delivery/teams',
    {
      schema: {
        tags: ['delivery'],
        summary: '新建交付团队 Create a delivery team with its default weekly capacity',
        body: z
          .object({
            name: text(100).min(1),
            regionId: z.uuid().nullable().optional(),
            unit: z.enum(['units', 'person_days']).default('person_days'),
            weeklyCapacity: z.number().finite().min(0).max(100_000),
            externalId: text(100).nullable().optional(),
          })
          .strict(),
        response: { 201: DeliveryTeamOut },
      },
    },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'DeliveryCalendar');
      return reply.status(201).send(await service.createDeliveryTeam(db, req.ctx, req.body));
    },
  );

  app.put(
    '/delivery/teams/:id/weeks/:week',
    {
      schema: {
        tags: ['delivery'],
        summary: '设置周产能 Set one ISO week of a team (never below what is already promised)',
        params: z.object({ id: z.uuid(), week }),
        body: z.object({ capacity: z.number().finite().min(0).max(100_000) }).strict(),
        response: { 200: z.object({ week: z.string(), capacity: z.number(), booked: z.number(), free: z.number() }) },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'update', 'DeliveryCalendar');
      return service.setWeekCapacity(db, req.ctx, req.params.id, req.params.week, req.body.capacity);
    },
  );

  app.get(
    '/delivery/calendar',
    {
      schema: {
        tags: ['delivery'],
        summary: '交付日历 Weeks × delivery teams: capacity, booked, free (internal calendar or the external delivery system)',
        querystring: z.object({ from: week.optional(), weeks: z.coerce.number().int().min(1).max(52).default(12) }).strict(),
        response: {
          200: z.object({
            source: z.enum(['internal', 'http']),
            from: z.string(),
            to: z.string(),
            today: z.string(),
            weeks: z.array(z.string()),
            teams: z.array(DeliveryTeamOut.extend({ weeks: z.array(z.object({ week: z.string(), capacity: z.number(), booked: z.number(), free: z.number() })) })),
          }),
        },
      },
    },
    async (req) => service.calendar(deps, req.ctx, req.query),
  );
}
