// Health board use cases (C3): one customer's board, and a portfolio ranked by risk for a rep,
// a team or a region. Inputs come through other modules' services (customers for the record and
// scope, engagement for ticket and activity counts), never their tables. The portfolio reads the
// scoped customer list once and the engagement counts in one aggregate query per table: no
// per-customer queries.
import type { Db } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import type { Deps } from '../../platform/deps.js';
import { defineAbilityFor, requireAbility, requireRecord, subject } from '../../platform/access/abilities.js';
import * as org from '../org/service.js';
import * as pipeline from '../pipeline/service.js';
import { periods } from '../../platform/jobs/periods.js';
import { customerBrief, customersInScope, type CustomerBrief } from '../customers/lookup.js';
import * as engagement from '../engagement/service.js';
import { healthBoard, type CustomerStage, type HealthBoard, type Level, type Tier } from './health.js';
import { HEALTH_RULES } from './rules.js';

/** Most customers one portfolio request ranks (a region of a large company fits well within it). */
export const PORTFOLIO_LIMIT = 50_000;

type HealthDeps = Pick<Deps, 'config' | 'now'>;

/**
 * Contract-performance deviation per customer, from the pipeline: of the promised delivery
 * milestones due before today (tenant time zone), the share delivered late or still open. A
 * customer with nothing due gets null, shown as "not available" and left out of the weighting.
 */
async function contractDeviations(db: Db, tenantId: string, customerIds: string[], asOf: Date) {
  const today = periods.day(asOf, await org.tenantTimeZone(db, tenantId));
  return pipeline.contractPerformance(db, tenantId, customerIds, today);
}

export async function customerHealth(db: Db, deps: HealthDeps, ctx: Ctx, customerId: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'CustomerHealth');
  const c = await customerBrief(db, ctx, customerId);
  requireRecord(ability, 'read', 'CustomerHealth', { ownerId: c.ownerId, teamId: c.teamId, regionId: c.regionId });
  const tenantId = ctx.actor.tenantId;
  const rules = await deps.config.get(tenantId, HEALTH_RULES);
  const asOf = deps.now();
  const [agg, contracts] = await Promise.all([engagement.engagementAggregates(db, tenantId, [customerId], asOf, rules.value.ticketWindowDays), contractDeviations(db, tenantId, [customerId], asOf)]);
  const a = agg.get(customerId)!;
  const board = healthBoard({ stage: c.stage as CustomerStage, tier: c.tier as Tier, tickets: a.tickets, activity: a.activity, contract: contracts.get(customerId)! }, rules.value, rules.version);
  return { customerId, asOf, ...board };
}

export type PortfolioScope = 'own' | 'team' | 'region' | 'all';

export interface PortfolioQuery {
  scope?: PortfolioScope;
  ownerId?: string;
  teamId?: string;
  regionId?: string;
  level?: Level;
  page: number;
  pageSize: number;
}

const DEFAULT_SCOPE: Record<string, PortfolioScope> = { rep: 'own', manager: 'team', director: 'region', bp: 'region' };

export interface PortfolioItem {
  customerId: string;
  name: string | null;
  nameMasked: boolean;
  tier: Tier;
  stage: CustomerStage;
  industry: string | null;
  ownerId: string | null;
  ownerName: string | null;
  teamName: string | null;
  regionName: string | null;
  riskScore: number;
  level: Level;
  serviceRisk: number;
  activity: number;
  tickets: number;
  complaints: number;
  complaintRate: number | null;
  slaAttainment: number | null;
  contractDeviation: number | null;
}

function itemOf(c: CustomerBrief, b: HealthBoard): PortfolioItem {
  const comp = (k: string) => b.serviceRisk.components.find((x) => x.key === k)!;
  return {
    customerId: c.id,
    name: c.name,
    nameMasked: c.nameMasked,
    tier: c.tier as Tier,
    stage: c.stage as CustomerStage,
    industry: c.industry,
    ownerId: c.ownerId,
    ownerName: null,
    teamName: null,
    regionName: null,
    riskScore: b.overall.riskScore,
    level: b.overall.level,
    serviceRisk: b.serviceRisk.value,
    activity: b.activity.value,
    tickets: b.serviceRisk.inputs.total,
    complaints: b.serviceRisk.inputs.complaints,
    complaintRate: b.serviceRisk.inputs.total > 0 ? comp('complaintRate').value : null,
    slaAttainment: comp('slaAttainment').value,
    contractDeviation: comp('contractDeviation').value,
  };
}

/** Customers of a rep, team or region ranked by overall risk (highest first), scoped by the actor's abilities. */
export async function portfolio(db: Db, deps: HealthDeps, ctx: Ctx, q: PortfolioQuery) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'CustomerHealth');
  const a = ctx.actor;
  const scope = q.scope ?? DEFAULT_SCOPE[a.role] ?? 'all';
  const filters: { ownerId?: string; teamId?: string; regionId?: string } = {};
  if (q.ownerId) filters.ownerId = q.ownerId;
  else if (scope === 'own') filters.ownerId = a.userId ?? undefined;
  if (q.teamId) filters.teamId = q.teamId;
  else if (scope === 'team' && !q.ownerId) filters.teamId = a.teamId ?? '00000000-0000-0000-0000-000000000000';
  if (q.regionId) filters.regionId = q.regionId;
  else if (scope === 'region' && !q.ownerId && !q.teamId) filters.regionId = a.regionId ?? '00000000-0000-0000-0000-000000000000';

  const list = await customersInScope(db, ctx, { ...filters, limit: PORTFOLIO_LIMIT });
  const visible = list.items.filter((c) => ability.can('read', subject('CustomerHealth', { ownerId: c.ownerId, teamId: c.teamId, regionId: c.regionId })));
  const ids = visible.map((c) => c.id as string);
  const tenantId = a.tenantId;
  const rules = await deps.config.get(tenantId, HEALTH_RULES);
  const asOf = deps.now();
  const [agg, contracts] = await Promise.all([engagement.engagementAggregates(db, tenantId, ids, asOf, rules.value.ticketWindowDays), contractDeviations(db, tenantId, ids, asOf)]);
  const ranked = visible
    .map((c) => {
      const e = agg.get(c.id)!;
      const b = healthBoard({ stage: c.stage as CustomerStage, tier: c.tier as Tier, tickets: e.tickets, activity: e.activity, contract: contracts.get(c.id)! }, rules.value, rules.version);
      return itemOf(c, b);
    })
    .sort((x, y) => y.riskScore - x.riskScore || y.serviceRisk - x.serviceRisk || x.customerId.localeCompare(y.customerId));
  const counts = { healthy: 0, watch: 0, at_risk: 0 } as Record<Level, number>;
  for (const r of ranked) counts[r.level]++;
  const filtered = q.level ? ranked.filter((r) => r.level === q.level) : ranked;
  const start = (q.page - 1) * q.pageSize;
  // Names only for the page shown.
  const page = filtered.slice(start, start + q.pageSize);
  const [owners, units] = await Promise.all([org.namesOf(db, tenantId, page.map((p) => p.ownerId)), org.orgUnits(db, tenantId)]);
  const byId = new Map(visible.map((c) => [c.id, c]));
  const teamName = new Map(units.teams.map((t) => [t.id, t.name]));
  const regionName = new Map(units.regions.map((r) => [r.id, r.name]));
  for (const p of page) {
    const c = byId.get(p.customerId)!;
    p.ownerName = p.ownerId ? (owners.get(p.ownerId) ?? null) : null;
    p.teamName = c.teamId ? (teamName.get(c.teamId) ?? null) : null;
    p.regionName = c.regionId ? (regionName.get(c.regionId) ?? null) : null;
  }
  return {
    items: page,
    total: filtered.length,
    page: q.page,
    pageSize: q.pageSize,
    scope,
    counts,
    ruleVersion: rules.version,
    thresholds: rules.value.thresholds,
    asOf,
    truncated: list.total > PORTFOLIO_LIMIT,
  };
}
