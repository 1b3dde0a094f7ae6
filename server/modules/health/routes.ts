import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../../platform/deps.js';
import { requireAbility } from '../../platform/access/abilities.js';
import * as service from './service.js';

const Bilingual = z.object({ 'zh-CN': z.string(), 'en-US': z.string() });
const Counts = z.object({ email: z.number(), meeting: z.number(), call: z.number() });
const STAGES = ['lead', 'opportunity', 'delivery', 'renewal', 'churned'] as const;
const TIERS = ['KA', 'A', 'B', 'C'] as const;
const LEVELS = ['healthy', 'watch', 'at_risk'] as const;

const HealthOut = z.object({
  customerId: z.string(),
  asOf: z.date(),
  ruleVersion: z.number(),
  stage: z.object({ value: z.enum(STAGES), formula: Bilingual, inputs: z.object({ stage: z.enum(STAGES) }) }),
  activity: z.object({
    value: z.number(),
    formula: Bilingual,
    inputs: z.object({ tier: z.enum(TIERS), last30: Counts, last90: Counts, expected30: Counts }),
    perKind: z.array(
      z.object({ kind: z.enum(['email', 'meeting', 'call']), last30: z.number(), last90: z.number(), expected30: z.number(), expected90: z.number(), coverage: z.number().nullable() }),
    ),
  }),
  serviceRisk: z.object({
    value: z.number(),
    formula: Bilingual,
    inputs: z.object({
      total: z.number(),
      complaints: z.number(),
      slaMet: z.number(),
      slaMissed: z.number(),
      slaPending: z.number(),
      windowDays: z.number(),
      contractDeviation: z.number().nullable(),
      contractDetail: z.record(z.string(), z.unknown()).nullable(),
    }),
    components: z.array(
      z.object({
        key: z.enum(['complaintRate', 'slaAttainment', 'contractDeviation']),
        value: z.number().nullable(),
        available: z.boolean(),
        reason: z.string().nullable(),
        risk: z.number().nullable(),
        weight: z.number(),
        effectiveWeight: z.number(),
        formula: Bilingual,
      }),
    ),
  }),
  overall: z.object({
    riskScore: z.number(),
    level: z.enum(LEVELS),
    formula: Bilingual,
    inputs: z.object({ serviceRisk: z.number(), activity: z.number(), activityWeight: z.number(), thresholds: z.object({ watch: z.number(), atRisk: z.number() }) }),
  }),
});

const PortfolioItem = z.object({
  customerId: z.string(),
  name: z.string().nullable(),
  nameMasked: z.boolean(),
  tier: z.enum(TIERS),
  stage: z.enum(STAGES),
  industry: z.string().nullable(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  teamName: z.string().nullable(),
  regionName: z.string().nullable(),
  riskScore: z.number(),
  level: z.enum(LEVELS),
  serviceRisk: z.number(),
  activity: z.number(),
  tickets: z.number(),
  complaints: z.number(),
  complaintRate: z.number().nullable(),
  slaAttainment: z.number().nullable(),
  contractDeviation: z.number().nullable(),
});

export async function healthRoutes(app: App, deps: Deps) {
  const { db } = deps;
  app.get(
    '/customers/:id/health',
    {
      schema: {
        tags: ['health'],
        summary: '客户健康度 Health board of a customer: stage, key-contact activity, service-risk index — each with formula, inputs and rule version',
        params: z.object({ id: z.uuid() }),
        response: { 200: HealthOut },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'CustomerHealth');
      return service.customerHealth(db, deps, req.ctx, req.params.id);
    },
  );

  app.get(
    '/health/portfolio',
    {
      schema: {
        tags: ['health'],
        summary: '健康度组合 Customers ranked by risk for a rep, team or region (scoped to the role)',
        querystring: z
          .object({
            scope: z.enum(['own', 'team', 'region', 'all']).optional(),
            ownerId: z.uuid().optional(),
            teamId: z.uuid().optional(),
            regionId: z.uuid().optional(),
            level: z.enum(LEVELS).optional(),
            page: z.coerce.number().int().min(1).max(10_000).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(20),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(PortfolioItem),
            total: z.number(),
            page: z.number(),
            pageSize: z.number(),
            scope: z.enum(['own', 'team', 'region', 'all']),
            counts: z.object({ healthy: z.number(), watch: z.number(), at_risk: z.number() }),
            ruleVersion: z.number(),
            thresholds: z.object({ watch: z.number(), atRisk: z.number() }),
            asOf: z.date(),
            truncated: z.boolean(),
          }),
        },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'CustomerHealth');
      return service.portfolio(db, deps, req.ctx, req.query);
    },
  );
}
