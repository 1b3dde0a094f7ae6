// Pipeline use cases (C8): opportunities with an append-only stage history and a stage board,
// contracts with terms, prepayment and promised delivery milestones; and the promise check
// against delivery capacity (C7). Every read and write goes through the ability layer, every
// change is audited in its own transaction. Quotes live on the opportunity: a draft quote is a
// field customer service never receives (C4, policies.ts).
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import type { Settings } from '../../platform/settings.js';
import type { ConfigService } from '../../platform/config/service.js';
import { defineConfigKey } from '../../platform/config/registry.js';
import { accessWhere } from '../../platform/access/sql.js';
import { defineAbilityFor, presentFor, requireAbility, requireRecord, requireWritableFields, subject, type AppAbility } from '../../platform/access/abilities.js';
import type { Resource } from '../../platform/access/policies.js';
import { Problem, registerMessages, versionConflict } from '../../platform/http/problem.js';
import { diff, writeAudit } from '../../platform/audit/audit.js';
import * as org from '../org/service.js';
import * as customers from '../customers/service.js';
import { registerMergeParticipant } from '../customers/merge-participants.js';
import { registerImportTarget, type ImportRow } from '../customers/import-targets.js';
import { boardTotals, checkTransition, nextStages, STAGE_WEIGHT, weightedAmount, type Stage } from './stages.js';
import { addWeeks, checkPromise, freeOf, isoWeekOf, todayIn, weekRange, type PromiseVerdict, type WeekLoad } from './capacity.js';
import { BookingRefused, httpCalendar, internalCalendar, type DeliveryCapacity, type DeliveryTeamRef } from './delivery-adapter.js';
import * as store from './store.js';
import type { ContractRow, DeliveryTeamRow, MilestoneRow, OpportunityRow } from './store.js';
import { customerUnits } from '../customers/lookup.js';
import { registerPipelineCalibration } from './calibration.js';

registerMessages({
  stage_transition_refused: {
    'zh-CN': '不能把商机从「{from}」直接改为「{to}」：{why}',
    'en-US': 'An opportunity cannot move from {from} to {to}: {whyEn}',
  },
  close_reason_required: { 'zh-CN': '赢单或输单必须填写原因', 'en-US': 'Closing an opportunity as won or lost needs a reason' },
  quote_amount_required: { 'zh-CN': '报价状态为草稿或已发布时必须填写报价金额', 'en-US': 'A draft or published quote needs a quote amount' },
  contract_number_taken: { 'zh-CN': '合同编号 {number} 已存在', 'en-US': 'Contract number {number} already exists' },
  contract_opportunity_invalid: {
    'zh-CN': '关联的商机必须属于该客户且已赢单',
    'en-US': 'The linked opportunity must belong to this customer and be won',
  },
  prepayment_mismatch: {
    'zh-CN': '预付比例与预付款金额不一致（{ratio} × {amount} ≠ {prepayment}）',
    'en-US': 'Prepayment ratio and amount disagree ({ratio} × {amount} ≠ {prepayment})',
  },
  prepaid_exceeds_amount: { 'zh-CN': '已收预付款不能超过合同金额', 'en-US': 'Prepayment received cannot exceed the contract amount' },
  promise_in_past: { 'zh-CN': '承诺交付日期 {date} 早于今天 {today}', 'en-US': 'The promised delivery date {date} is before today ({today})' },
  unknown_delivery_team: { 'zh-CN': '交付团队不存在', 'en-US': 'No such delivery team' },
  promise_exceeds_capacity: {
    'zh-CN': '{team} 在 {week} 的交付产能不足：可用 {free}，需要 {load}。请选择建议的其他日期',
    'en-US': '{team} has no room in {week}: {free} free, {load} needed. Pick one of the suggested dates',
  },
  delivery_system_unavailable: {
    'zh-CN': '外部交付系统暂不可用（{why}），承诺未保存，请稍后重试',
    'en-US': 'The external delivery system is unavailable ({why}); nothing was saved, try again later',
  },
  capacity_below_booked: {
    'zh-CN': '{week} 已承诺 {booked}，产能不能低于已承诺量',
    'en-US': '{week} already has {booked} promised; capacity cannot go below it',
  },
  delivery_team_name_taken: { 'zh-CN': '交付团队名称已存在', 'en-US': 'A delivery team with this name exists' },
  record_owner_out_of_scope: { 'zh-CN': '你无权把商机或合同分配给该负责人', 'en-US': 'You may not assign opportunities or contracts to that owner' },
  contract_number_other_customer: {
    'zh-CN': '第 {row} 行：合同编号 {number} 已属于另一个客户',
    'en-US': 'Row {row}: contract number {number} belongs to another customer',
  },
});

const StageWeightsSchema = z
  .object({ discovery: z.number().min(0).max(1), qualified: z.number().min(0).max(1), proposal: z.number().min(0).max(1), negotiation: z.number().min(0).max(1) })
  .strict();
type StageWeights = z.infer<typeof StageWeightsSchema>;

export const STAGE_WEIGHTS = defineConfigKey({
  key: 'pipeline.stageWeights',
  title: { 'zh-CN': '商机阶段权重', 'en-US': 'Opportunity stage weights' },
  description: {
    'zh-CN': '各未结阶段的成交概率，用于看板的加权金额（赢单 = 1，输单 = 0）。',
    'en-US': 'Win probability of each open stage, used for the weighted amounts on the board (won = 1, lost = 0).',
  },
  schema: StageWeightsSchema,
  default: { discovery: STAGE_WEIGHT.discovery, qualified: STAGE_WEIGHT.qualified, proposal: STAGE_WEIGHT.proposal, negotiation: STAGE_WEIGHT.negotiation },
  dualSignoff: false,
});

const WHY: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  same: { 'zh-CN': '阶段未变化', 'en-US': 'the stage is unchanged' },
  closed_won: { 'zh-CN': '已赢单的商机不能再改阶段', 'en-US': 'a won opportunity is final' },
  won_too_early: { 'zh-CN': '只有方案或谈判阶段的商机可以赢单', 'en-US': 'only proposal or negotiation can be won' },
  back_too_far: { 'zh-CN': '最多只能回退一个阶段', 'en-US': 'an opportunity moves back at most one stage' },
  reopen_too_far: { 'zh-CN': '输单的商机只能重新打开到发现或已确认阶段', 'en-US': 'a lost opportunity reopens at discovery or qualified only' },
};

export interface Env {
  db: Db;
  settings: Settings;
  now: () => Date;
  config: ConfigService;
}

/** The stage weights in force for the tenant (X2 rule), with their version as evidence. */
async function stageWeights(env: Pick<Env, 'config'>, tenantId: string) {
  const c = await env.config.get<StageWeights>(tenantId, STAGE_WEIGHTS);
  return { key: STAGE_WEIGHTS.key, version: c.version, weights: { ...c.value, won: 1, lost: 0 } as Record<Stage, number> };
}

const access = (ability: AppAbility, action: 'read' | 'update' | 'export', resource: Resource, columns: Record<string, string>) => {
  const params: unknown[] = [];
  return { sql: accessWhere(ability, action, resource, columns, params), params };
};

// The tenant's zone is not yet exposed by the org service; every tenant uses the default today.
/** Today's date in the tenant's time zone: promised dates and ISO weeks are business dates there. */
export const todayFor = async (env: Pick<Env, 'now'>, db: Sql, tenantId: string) => todayIn(await org.tenantTimeZone(db, tenantId), env.now());

/** A sales user creating a record owns it; anyone else (admin, import) gives it to the customer's owner. */
function defaultOwner(ctx: Ctx, customer: { ownerId?: string | null }): string {
  if (['rep', 'manager', 'director'].includes(ctx.actor.role) || !customer.ownerId) return ctx.actor.userId!;
  return customer.ownerId;
}

async function ownerUnits(tx: Sql, tenantId: string, ownerId: string) {
  const owner = await org.userUnits(tx, tenantId, ownerId);
  if (!owner || !owner.active || !['rep', 'manager', 'director'].includes(owner.role)) throw new Problem(400, 'unknown_owner', {}, { field: 'ownerId' });
  return { owner_id: owner.id, team_id: owner.teamId, region_id: owner.regionId };
}

// ───────────────────────── opportunities ─────────────────────────

export function opportunityRecord(r: OpportunityRow, weights: Record<Stage, number> = STAGE_WEIGHT) {
  return {
    id: r.id,
    customerId: r.customer_id,
    name: r.name,
    stage: r.stage as Stage,
    amount: Number(r.amount),
    weightedAmount: weightedAmount(r.stage as Stage, Number(r.amount), weights),
    expectedClose: r.expected_close,
    products: r.products,
    ownerId: r.owner_id,
    teamId: r.team_id,
    regionId: r.region_id,
    closeReason: r.close_reason,
    closedAt: r.closed_at,
    quote: r.quote_status === 'published' ? { amount: Number(r.quote_amount), status: 'published' as const, publishedAt: r.quote_published_at } : null,
    draftQuote: r.quote_status === 'draft' ? { amount: Number(r.quote_amount), status: 'draft' as const } : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

type OppEnv = Pick<Env, 'db' | 'config'>;

async function presentOpportunities(env: OppEnv, ctx: Ctx, ability: AppAbility, rows: OpportunityRow[]) {
  const [names, rule] = await Promise.all([org.namesOf(env.db, ctx.actor.tenantId, rows.map((r) => r.owner_id)), stageWeights(env, ctx.actor.tenantId)]);
  return rows.map((r) => {
    const v = presentFor(ability, 'Opportunity', opportunityRecord(r, rule.weights)).value;
    return { ...v, ownerName: 'ownerId' in v ? (names.get(r.owner_id) ?? null) : undefined, nextStages: v._abilities.update ? nextStages(r.stage as Stage) : [] };
  });
}

export interface OpportunityFilters {
  stage?: Stage;
  customerId?: string;
  ownerId?: string;
  teamId?: string;
  regionId?: string;
  q?: string;
  closeFrom?: string;
  closeTo?: string;
}

export async function listOpportunities(env: OppEnv, ctx: Ctx, f: OpportunityFilters & { page: number; pageSize: number }) {
  const { db } = env;
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Opportunity');
  const { page, pageSize, ...filters } = f;
  const { rows, total } = await store.listOpportunities(db, ctx.actor.tenantId, {
    access: access(ability, 'read', 'Opportunity', store.OPPORTUNITY_COLUMNS),
    filters,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { items: await presentOpportunities(env, ctx, ability, rows), total, page, pageSize };
}

/** The opportunities of one customer the actor may read (404 when the customer is not visible). */
export async function opportunitiesOfCustomer(env: OppEnv, ctx: Ctx, customerId: string) {
  const { db } = env;
  await customers.getCustomer(db, ctx, customerId);
  const ability = defineAbilityFor(ctx.actor);
  if (!ability.can('read', 'Opportunity')) return { items: [] };
  const { rows } = await store.listOpportunities(db, ctx.actor.tenantId, {
    access: access(ability, 'read', 'Opportunity', store.OPPORTUNITY_COLUMNS),
    filters: { customerId },
    limit: 200,
    offset: 0,
  });
  return { items: await presentOpportunities(env, ctx, ability, rows) };
}

const BOARD_CARDS = 50;

/** Stage board: one column per stage with count, amount and weighted amount over everything in scope; the first cards of each. */
export async function board(env: OppEnv, ctx: Ctx, f: Omit<OpportunityFilters, 'stage'>) {
  const { db } = env;
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Opportunity');
  const scope = access(ability, 'read', 'Opportunity', store.OPPORTUNITY_COLUMNS);
  const [agg, cards, rule] = await Promise.all([
    store.boardAggregates(db, ctx.actor.tenantId, scope, f),
    store.boardCards(db, ctx.actor.tenantId, scope, f, BOARD_CARDS),
    stageWeights(env, ctx.actor.tenantId),
  ]);
  const items = await presentOpportunities(env, ctx, ability, cards);
  const columns = boardTotals(agg.map((a) => ({ stage: a.stage as Stage, count: a.count, amount: a.amount })), rule.weights).map((c) => ({
    ...c,
    items: items.filter((i) => i.stage === c.stage),
  }));
  return {
    columns,
    totals: {
      count: columns.reduce((s, c) => s + c.count, 0),
      openAmount: columns.filter((c) => c.stage !== 'won' && c.stage !== 'lost').reduce((s, c) => s + c.amount, 0),
      weighted: Math.round(columns.filter((c) => c.stage !== 'lost' && c.stage !== 'won').reduce((s, c) => s + c.weighted, 0) * 100) / 100,
    },
    cardsPerStage: BOARD_CARDS,
    // Evidence: the weights behind every weighted amount and the rule version they come from.
    rule,
  };
}

export async function getOpportunity(env: OppEnv, ctx: Ctx, id: string) {
  const { db } = env;
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Opportunity');
  const row = await store.opportunityById(db, ctx.actor.tenantId, id, access(ability, 'read', 'Opportunity', store.OPPORTUNITY_COLUMNS));
  if (!row) throw new Problem(404, 'not_found');
  const [presented] = await presentOpportunities(env, ctx, ability, [row]);
  const history = await store.stageHistory(db, ctx.actor.tenantId, id);
  const names = await org.namesOf(db, ctx.actor.tenantId, history.map((h) => h.changed_by));
  return {
    ...presented,
    history: history.map((h) => ({
      fromStage: h.from_stage,
      toStage: h.to_stage,
      reason: h.reason,
      changedBy: h.changed_by,
      changedByName: h.changed_by ? (names.get(h.changed_by) ?? null) : null,
      changedAt: h.changed_at,
    })),
  };
}

export interface OpportunityInput {
  customerId?: string;
  name?: string;
  stage?: Stage;
  amount?: number;
  expectedClose?: string;
  products?: string[];
  ownerId?: string;
  closeReason?: string | null;
  quoteAmount?: number | null;
  quoteStatus?: 'none' | 'draft' | 'published';
}

const OPP_COLUMN: Record<string, string> = {
  customerId: 'customer_id',
  name: 'name',
  stage: 'stage',
  amount: 'amount',
  expectedClose: 'expected_close',
  products: 'products',
  ownerId: 'owner_id',
  closeReason: 'close_reason',
  quoteAmount: 'quote_amount',
  quoteStatus: 'quote_status',
};

function quoteValues(input: OpportunityInput, current?: OpportunityRow) {
  const status = input.quoteStatus ?? current?.quote_status ?? 'none';
  const amount = input.quoteAmount !== undefined ? input.quoteAmount : (current?.quote_amount ?? null);
  if (status !== 'none' && (amount === null || amount === undefined)) throw new Problem(400, 'quote_amount_required', {}, { field: 'quoteAmount' });
  const out: Record<string, unknown> = {};
  if (input.quoteStatus !== undefined) out.quote_status = status;
  if (input.quoteAmount !== undefined) out.quote_amount = amount;
  if (status === 'published' && current?.quote_status !== 'published') out.quote_published_at = new Date();
  if (status !== 'published' && current?.quote_status === 'published') out.quote_published_at = null;
  return out;
}

export async function createOpportunity(env: OppEnv, ctx: Ctx, input: OpportunityInput & { customerId: string; name: string; amount: number; expectedClose: string }) {
  const { db } = env;
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'Opportunity');
  const customer = await customers.getCustomer(db, ctx, input.customerId);
  const stage = input.stage ?? 'discovery';
  const closes = stage === 'won' || stage === 'lost';
  if (closes && !input.closeReason?.trim()) throw new Problem(400, 'close_reason_required', {}, { field: 'closeReason' });
  const row = await db.transaction(async (tx) => {
    const units = await ownerUnits(tx, ctx.actor.tenantId, input.ownerId ?? defaultOwner(ctx, customer));
    const candidate = { id: 'new', ownerId: units.owner_id, teamId: units.team_id, regionId: units.region_id };
    requireWritableFields(ability, 'create', 'Opportunity', candidate, Object.keys(input).filter((k) => input[k as keyof OpportunityInput] !== undefined));
    if (!ability.can('create', subject('Opportunity', candidate))) throw new Problem(403, 'record_owner_out_of_scope', {}, { field: 'ownerId' });
    const id = crypto.randomUUID();
    const created = await store.insertOpportunity(tx, ctx.actor.tenantId, {
      id,
      customer_id: input.customerId,
      ...units,
      name: input.name,
      stage,
      amount: input.amount,
      expected_close: input.expectedClose,
      products: input.products ?? [],
      close_reason: closes ? input.closeReason : null,
      closed_at: closes ? new Date() : null,
      ...quoteValues(input),
      created_by: ctx.actor.userId,
    });
    await store.insertStageHistory(tx, ctx.actor.tenantId, { id: crypto.randomUUID(), opportunity_id: id, from_stage: null, to_stage: stage, reason: closes ? input.closeReason! : null, changed_by: ctx.actor.userId });
    await writeAudit(tx, ctx, { action: 'opportunity.create', resource: 'Opportunity', recordId: id, after: opportunityRecord(created) });
    return created;
  });
  return (await presentOpportunities(env, ctx, ability, [row]))[0];
}

export async function updateOpportunity(env: OppEnv, ctx: Ctx, id: string, version: number, input: OpportunityInput) {
  const { db } = env;
  const ability = defineAbilityFor(ctx.actor);
  const row = await db.transaction(async (tx) => {
    const current = await store.opportunityById(tx, ctx.actor.tenantId, id, undefined, true);
    if (!current) throw new Problem(404, 'not_found');
    const before = opportunityRecord(current);
    requireRecord(ability, 'update', 'Opportunity', before);
    requireWritableFields(ability, 'update', 'Opportunity', before, Object.keys(input));
    if (current.version !== version) throw versionConflict(current.version, version);
    const set: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) if (OPP_COLUMN[k] && k !== 'customerId' && !k.startsWith('quote')) set[OPP_COLUMN[k]] = v;
    Object.assign(set, quoteValues(input, current));
    const from = current.stage as Stage;
    const to = input.stage ?? from;
    const stageChanges = input.stage !== undefined && to !== from;
    if (stageChanges) {
      const verdict = checkTransition(from, to);
      if (!verdict.ok) {
        throw new Problem(409, 'stage_transition_refused', { from, to, why: WHY[verdict.why]['zh-CN'], whyEn: WHY[verdict.why]['en-US'] }, { from, to, allowed: nextStages(from) });
      }
      if (verdict.closes) {
        if (!input.closeReason?.trim()) throw new Problem(400, 'close_reason_required', {}, { field: 'closeReason' });
        set.closed_at = new Date();
      } else {
        set.close_reason = null;
        set.closed_at = null;
      }
    } else delete set.stage;
    if (input.ownerId && input.ownerId !== current.owner_id) Object.assign(set, await ownerUnits(tx, ctx.actor.tenantId, input.ownerId));
    const after = { ...before, ownerId: (set.owner_id as string) ?? before.ownerId, teamId: (set.team_id as string) ?? before.teamId, regionId: (set.region_id as string) ?? before.regionId };
    if (!ability.can('update', subject('Opportunity', after))) throw new Problem(403, 'record_owner_out_of_scope', {}, { field: 'ownerId' });
    const updated = await store.updateOpportunity(tx, ctx.actor.tenantId, id, version, set);
    if (!updated) throw versionConflict(current.version + 1, version);
    if (stageChanges) {
      await store.insertStageHistory(tx, ctx.actor.tenantId, { id: crypto.randomUUID(), opportunity_id: id, from_stage: from, to_stage: to, reason: input.closeReason ?? null, changed_by: ctx.actor.userId });
    }
    await writeAudit(tx, ctx, { action: stageChanges ? 'opportunity.stage' : 'opportunity.update', resource: 'Opportunity', recordId: id, ...diff(before, opportunityRecord(updated)) });
    return updated;
  });
  return (await presentOpportunities(env, ctx, ability, [row]))[0];
}

// ───────────────────────── delivery calendar ─────────────────────────

function adapterFor(env: Env, tx: Sql, tenantId: string): DeliveryCapacity {
  const d = env.settings.delivery;
  return d?.apiUrl ? httpCalendar(d.apiUrl, { timeoutMs: d.timeoutMs, token: d.apiToken }) : internalCalendar(tx, tenantId);
}

const teamRef = (t: DeliveryTeamRow): DeliveryTeamRef => ({ id: t.id, externalId: t.external_id, weeklyCapacity: Number(t.weekly_capacity) });

function teamRecord(t: DeliveryTeamRow, regionNames: Map<string, string>) {
  return {
    id: t.id,
    name: t.name,
    regionId: t.region_id,
    regionName: t.region_id ? (regionNames.get(t.region_id) ?? null) : null,
    unit: t.unit,
    weeklyCapacity: Number(t.weekly_capacity),
    externalId: t.external_id,
    version: t.version,
  };
}

async function regionNames(db: Db, tenantId: string) {
  const units = await org.orgUnits(db, tenantId);
  return new Map(units.regions.map((r) => [r.id, r.name]));
}

export async function listDeliveryTeams(db: Db, ctx: Ctx) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'DeliveryCalendar');
  const [teams, names] = await Promise.all([store.deliveryTeams(db, ctx.actor.tenantId), regionNames(db, ctx.actor.tenantId)]);
  return { items: teams.map((t) => teamRecord(t, names)) };
}

export async function createDeliveryTeam(db: Db, ctx: Ctx, input: { name: string; regionId?: string | null; unit: 'units' | 'person_days'; weeklyCapacity: number; externalId?: string | null }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'DeliveryCalendar');
  const row = await db.transaction(async (tx) => {
    if (await store.deliveryTeamByName(tx, ctx.actor.tenantId, input.name)) throw new Problem(409, 'delivery_team_name_taken', {}, { field: 'name' });
    const t = await store.insertDeliveryTeam(tx, ctx.actor.tenantId, {
      id: crypto.randomUUID(),
      name: input.name,
      region_id: input.regionId ?? null,
      unit: input.unit,
      weekly_capacity: input.weeklyCapacity,
      external_id: input.externalId ?? null,
    });
    await writeAudit(tx, ctx, { action: 'delivery_team.create', resource: 'DeliveryCalendar', recordId: t.id, after: t });
    return t;
  });
  return teamRecord(row, await regionNames(db, ctx.actor.tenantId));
}

/** Sets one week's capacity of a team (internal calendar); never below what is already promised there. */
export async function setWeekCapacity(db: Db, ctx: Ctx, teamId: string, week: string, capacity: number) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'update', 'DeliveryCalendar');
  return db.transaction(async (tx) => {
    const team = await store.deliveryTeamById(tx, ctx.actor.tenantId, teamId, true);
    if (!team) throw new Problem(404, 'not_found');
    const [w] = await internalCalendar(tx, ctx.actor.tenantId).capacity(teamRef(team), week, week);
    if (capacity < w.booked) throw new Problem(409, 'capacity_below_booked', { week, booked: w.booked }, { booked: w.booked });
    await store.upsertWeekCapacity(tx, ctx.actor.tenantId, teamId, week, capacity);
    await writeAudit(tx, ctx, { action: 'delivery_capacity.set', resource: 'DeliveryCalendar', recordId: teamId, before: { week, capacity: w.capacity }, after: { week, capacity } });
    return { week, capacity, booked: w.booked, free: Math.round((capacity - w.booked) * 100) / 100 };
  });
}

/** Weeks × teams with capacity, booked and free, from the configured source. */
export async function calendar(env: Env, ctx: Ctx, q: { from?: string; weeks: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'DeliveryCalendar');
  const today = await todayFor(env, env.db, ctx.actor.tenantId);
  const from = q.from ?? isoWeekOf(today);
  const to = addWeeks(from, q.weeks - 1);
  const [teams, names] = await Promise.all([store.deliveryTeams(env.db, ctx.actor.tenantId), regionNames(env.db, ctx.actor.tenantId)]);
  const adapter = adapterFor(env, env.db, ctx.actor.tenantId);
  const rows = [];
  for (const t of teams) {
    const weeks = await adapter.capacity(teamRef(t), from, to);
    rows.push({ ...teamRecord(t, names), weeks: weeks.map((w) => ({ ...w, free: freeOf(w) })) });
  }
  return { source: adapter.source, from, to, weeks: weekRange(from, to), today, teams: rows };
}

// ───────────────────────── promise check ─────────────────────────

export interface MilestoneInput {
  promisedDate: string;
  scope: string;
  deliveryTeamId: string;
  load: number;
}

const HORIZON = 26;

interface Checked {
  index: number;
  team: DeliveryTeamRow;
  verdict: PromiseVerdict;
}

/**
 * Checks every milestone against its team's weeks. Loads of earlier milestones in the same
 * request count against later ones; loads this contract already holds (being replaced) are
 * given back first. Returns the first refusal, or null.
 */
async function checkMilestones(
  adapter: DeliveryCapacity,
  teams: Map<string, DeliveryTeamRow>,
  milestones: MilestoneInput[],
  today: string,
  held: MilestoneRow[],
  kept: Map<number, MilestoneRow> = new Map(),
): Promise<Checked | null> {
  const todayWeek = isoWeekOf(today);
  const cache = new Map<string, Map<string, WeekLoad>>();
  for (const [teamId, team] of teams) {
    const last = milestones.filter((m) => m.deliveryTeamId === teamId).map((m) => isoWeekOf(m.promisedDate)).sort().at(-1) ?? todayWeek;
    const weeks = await adapter.capacity(teamRef(team), todayWeek, addWeeks(last, HORIZON));
    const map = new Map(weeks.map((w) => [w.week, { ...w }]));
    const keptIds = new Set([...kept.values()].map((k) => k.id));
    // Loads being replaced are given back first; kept milestones keep theirs where they are.
    for (const h of held.filter((x) => x.delivery_team_id === teamId && !keptIds.has(x.id))) {
      const w = map.get(h.week);
      if (w) w.booked = Math.max(0, Math.round((w.booked - Number(h.load)) * 100) / 100);
    }
    cache.set(teamId, map);
  }
  for (const [index, m] of milestones.entries()) {
    if (kept.has(index)) continue;
    const map = cache.get(m.deliveryTeamId)!;
    const verdict = checkPromise({ weeks: [...map.values()], date: m.promisedDate, load: m.load, today, horizon: HORIZON });
    if (!verdict.ok) return { index, team: teams.get(m.deliveryTeamId)!, verdict };
    const w = map.get(verdict.week)!;
    w.booked = Math.round((w.booked + m.load) * 100) / 100;
  }
  return null;
}

function refusal(c: Checked) {
  const { verdict: v } = c;
  return new Problem(
    409,
    'promise_exceeds_capacity',
    { team: c.team.name, week: v.week, free: v.free, load: v.load },
    { milestoneIndex: c.index, deliveryTeamId: c.team.id, week: v.week, capacity: v.capacity, booked: v.booked, free: v.free, load: v.load, alternatives: v.alternatives },
  );
}

function validateDates(milestones: MilestoneInput[], today: string, kept: Map<number, MilestoneRow> = new Map()) {
  for (const [i, m] of milestones.entries()) {
    if (!kept.has(i) && m.promisedDate < today) throw new Problem(400, 'promise_in_past', { date: m.promisedDate, today }, { field: `milestones.${i}.promisedDate` });
  }
}

/** Milestones sent back unchanged (same date, team and load as one already held): not a new promise. */
function keptMilestones(milestones: MilestoneInput[] | undefined, held: MilestoneRow[]): Map<number, MilestoneRow> {
  const out = new Map<number, MilestoneRow>();
  const free = [...held];
  for (const [i, m] of (milestones ?? []).entries()) {
    const at = free.findIndex((h) => h.promised_date === m.promisedDate && h.delivery_team_id === m.deliveryTeamId && Number(h.load) === m.load);
    if (at >= 0) out.set(i, free.splice(at, 1)[0]);
  }
  return out;
}

async function teamsFor(tx: Sql, tenantId: string, milestones: MilestoneInput[], held: MilestoneRow[]) {
  const ids = [...new Set([...milestones.map((m) => m.deliveryTeamId), ...held.map((h) => h.delivery_team_id)])].sort();
  const teams = new Map<string, DeliveryTeamRow>();
  // Locked in id order: two promises on the same team wait for each other and cannot both take the last room.
  for (const id of ids) {
    const t = await store.deliveryTeamById(tx, tenantId, id, true);
    if (!t) throw new Problem(400, 'unknown_delivery_team', {}, { field: 'deliveryTeamId' });
    teams.set(id, t);
  }
  return teams;
}

/** The form's live check: is there room for this promise, and if not, which dates are. Writes nothing. */
export async function promiseCheck(env: Env, ctx: Ctx, q: { deliveryTeamId: string; promisedDate: string; load: number; contractId?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'DeliveryCalendar');
  const today = await todayFor(env, env.db, ctx.actor.tenantId);
  validateDates([{ ...q, scope: '' }], today);
  let held: MilestoneRow[] = [];
  if (q.contractId) {
    const c = await store.contractById(env.db, ctx.actor.tenantId, q.contractId, access(ability, 'read', 'Contract', store.CONTRACT_COLUMNS));
    if (!c) throw new Problem(404, 'not_found');
    held = await store.milestonesOf(env.db, ctx.actor.tenantId, [c.id]);
  }
  const team = await store.deliveryTeamById(env.db, ctx.actor.tenantId, q.deliveryTeamId);
  if (!team) throw new Problem(400, 'unknown_delivery_team', {}, { field: 'deliveryTeamId' });
  const adapter = adapterFor(env, env.db, ctx.actor.tenantId);
  const m = { promisedDate: q.promisedDate, load: q.load, deliveryTeamId: team.id, scope: '' };
  const refused = await checkMilestones(adapter, new Map([[team.id, team]]), [m], today, held);
  if (refused) return { ...refused.verdict, source: adapter.source };
  const w = isoWeekOf(q.promisedDate);
  const [load] = await adapter.capacity(teamRef(team), w, w);
  const back = held.filter((h) => h.delivery_team_id === team.id && h.week === w).reduce((s, h) => s + Number(h.load), 0);
  const booked = Math.max(0, load.booked - back);
  return { ok: true, source: adapter.source, week: w, capacity: load.capacity, booked, free: Math.round((load.capacity - booked) * 100) / 100, load: q.load, alternatives: [] };
}

// ───────────────────────── contracts ─────────────────────────

function prepaymentStatus(c: ContractRow): 'none' | 'pending' | 'partial' | 'received' {
  const due = c.prepayment_amount === null ? 0 : Number(c.prepayment_amount);
  if (due <= 0) return 'none';
  if (Number(c.prepaid_received) >= due) return 'received';
  return Number(c.prepaid_received) > 0 ? 'partial' : 'pending';
}

export function contractRecord(c: ContractRow, milestones: MilestoneRow[] = [], teamNames = new Map<string, string>()) {
  return {
    id: c.id,
    customerId: c.customer_id,
    opportunityId: c.opportunity_id,
    number: c.number,
    title: c.title,
    signedOn: c.signed_on,
    amount: Number(c.amount),
    paymentTerms: c.payment_terms,
    prepaymentRatio: c.prepayment_ratio === null ? null : Number(c.prepayment_ratio),
    prepaymentAmount: c.prepayment_amount === null ? null : Number(c.prepayment_amount),
    prepaidReceived: Number(c.prepaid_received),
    prepaymentStatus: prepaymentStatus(c),
    status: c.status,
    ownerId: c.owner_id,
    teamId: c.team_id,
    regionId: c.region_id,
    source: c.source,
    milestones: milestones.map((m) => ({
      id: m.id,
      seq: m.seq,
      promisedDate: m.promised_date,
      week: m.week,
      scope: m.scope,
      deliveryTeamId: m.delivery_team_id,
      deliveryTeamName: teamNames.get(m.delivery_team_id) ?? null,
      load: Number(m.load),
      externalRef: m.external_ref,
      deliveredOn: m.delivered_on ?? null,
    })),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    version: c.version,
  };
}

async function presentContracts(db: Db, ctx: Ctx, ability: AppAbility, rows: ContractRow[]) {
  const [ms, teams, names] = await Promise.all([
    store.milestonesOf(db, ctx.actor.tenantId, rows.map((r) => r.id)),
    store.deliveryTeams(db, ctx.actor.tenantId),
    org.namesOf(db, ctx.actor.tenantId, rows.map((r) => r.owner_id)),
  ]);
  const teamNames = new Map(teams.map((t) => [t.id, t.name]));
  return rows.map((r) => {
    const v = presentFor(ability, 'Contract', contractRecord(r, ms.filter((m) => m.contract_id === r.id), teamNames)).value;
    return { ...v, ownerName: 'ownerId' in v && r.owner_id ? (names.get(r.owner_id) ?? null) : null };
  });
}

export async function contractsOfCustomer(db: Db, ctx: Ctx, customerId: string) {
  await customers.getCustomer(db, ctx, customerId);
  const ability = defineAbilityFor(ctx.actor);
  if (!ability.can('read', 'Contract')) return { items: [] };
  const rows = await store.contractsOf(db, ctx.actor.tenantId, customerId, access(ability, 'read', 'Contract', store.CONTRACT_COLUMNS));
  return { items: await presentContracts(db, ctx, ability, rows) };
}

export async function getContract(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Contract');
  const row = await store.contractById(db, ctx.actor.tenantId, id, access(ability, 'read', 'Contract', store.CONTRACT_COLUMNS));
  if (!row) throw new Problem(404, 'not_found');
  return (await presentContracts(db, ctx, ability, [row]))[0];
}

registerMessages({
  delivery_in_future: { 'zh-CN': '实际交付日期 {date} 晚于今天 {today}', 'en-US': 'The delivery date {date} is after today ({today})' },
  milestone_not_found: { 'zh-CN': '该合同没有第 {seq} 期交付承诺', 'en-US': 'This contract has no delivery milestone {seq}' },
});

/**
 * Records when a milestone was delivered (C3 contract performance). The contract's owner side
 * (update on the contract) or delivery staff (who keep the delivery calendar) may record it.
 */
export async function recordDelivery(env: Env, ctx: Ctx, contractId: string, seq: number, deliveredOn: string | null) {
  const ability = defineAbilityFor(ctx.actor);
  const tenantId = ctx.actor.tenantId;
  if (deliveredOn) {
    const today = await todayFor(env, env.db, tenantId);
    if (deliveredOn > today) throw new Problem(400, 'delivery_in_future', { date: deliveredOn, today }, { field: 'deliveredOn' });
  }
  await env.db.transaction(async (tx) => {
    const c = await store.contractById(tx, tenantId, contractId, access(ability, 'read', 'Contract', store.CONTRACT_COLUMNS), true);
    if (!c) throw new Problem(404, 'not_found');
    const rec = contractRecord(c);
    if (!ability.can('update', subject('Contract', rec)) && !ability.can('update', 'DeliveryCalendar')) throw new Problem(403, 'forbidden');
    const before = (await store.milestonesOf(tx, tenantId, [contractId])).find((m) => m.seq === seq);
    if (!before) throw new Problem(404, 'milestone_not_found', { seq });
    await store.setDelivered(tx, tenantId, contractId, seq, deliveredOn);
    await writeAudit(tx, ctx, {
      action: 'contract.delivery',
      resource: 'Contract',
      recordId: contractId,
      before: { seq, promisedDate: before.promised_date, deliveredOn: before.delivered_on ?? null },
      after: { seq, promisedDate: before.promised_date, deliveredOn },
    });
  });
  return getContract(env.db, ctx, contractId);
}

/**
 * Contract-performance deviation per customer (C3): of the delivery milestones due before `asOf`,
 * the share delivered late or still open. null when the customer has no milestone due yet.
 */
export async function contractPerformance(db: Sql, tenantId: string, customerIds: string[], asOf: string) {
  const rows = await store.deliveryPerformance(db, tenantId, customerIds, asOf);
  const byCustomer = new Map(rows.map((r) => [r.customer_id, r]));
  const out = new Map<string, { deviation: number | null; detail: Record<string, unknown> | null }>();
  for (const id of customerIds) {
    const r = byCustomer.get(id);
    out.set(id, r?.due ? { deviation: (r.late + r.overdue) / r.due, detail: { due: r.due, late: r.late, overdue: r.overdue, daysLate: r.days_late, asOf } } : { deviation: null, detail: null });
  }
  return out;
}

export interface ContractInput {
  customerId?: string;
  opportunityId?: string | null;
  number?: string;
  title?: string;
  signedOn?: string | null;
  amount?: number;
  paymentTerms?: string;
  prepaymentRatio?: number | null;
  prepaymentAmount?: number | null;
  prepaidReceived?: number;
  status?: 'draft' | 'signed' | 'delivering' | 'completed' | 'terminated';
  ownerId?: string;
  milestones?: MilestoneInput[];
}

const CONTRACT_COLUMN: Record<string, string> = {
  opportunityId: 'opportunity_id',
  number: 'number',
  title: 'title',
  signedOn: 'signed_on',
  amount: 'amount',
  paymentTerms: 'payment_terms',
  prepaymentRatio: 'prepayment_ratio',
  prepaymentAmount: 'prepayment_amount',
  prepaidReceived: 'prepaid_received',
  status: 'status',
};

/** Fills prepayment amount from the ratio or the ratio from the amount; refuses when both disagree. */
export function prepaymentTerms(amount: number, ratio: number | null | undefined, prepayment: number | null | undefined, received: number | undefined) {
  let r = ratio ?? null;
  let p = prepayment ?? null;
  if (r !== null && p === null) p = Math.round(amount * r * 100) / 100;
  else if (p !== null && r === null) r = amount > 0 ? Math.round((p / amount) * 10_000) / 10_000 : 0;
  else if (r !== null && p !== null && Math.abs(amount * r - p) > Math.max(1, amount * 0.005)) {
    throw new Problem(400, 'prepayment_mismatch', { ratio: r, amount, prepayment: p }, { field: 'prepaymentAmount' });
  }
  if (received !== undefined && received > amount) throw new Problem(400, 'prepaid_exceeds_amount', {}, { field: 'prepaidReceived' });
  return { prepayment_ratio: r, prepayment_amount: p };
}

async function validOpportunity(db: Db, ctx: Ctx, ability: AppAbility, opportunityId: string, customerId: string) {
  const o = await store.opportunityById(db, ctx.actor.tenantId, opportunityId, access(ability, 'read', 'Opportunity', store.OPPORTUNITY_COLUMNS));
  if (!o || o.customer_id !== customerId || o.stage !== 'won') throw new Problem(400, 'contract_opportunity_invalid', {}, { field: 'opportunityId' });
  return o;
}

/** Books the milestones (after the capacity check) and returns their rows; releases what it booked if anything fails. */
async function bookMilestones(
  tx: Sql,
  tenantId: string,
  adapter: DeliveryCapacity,
  teams: Map<string, DeliveryTeamRow>,
  contract: ContractRow,
  milestones: MilestoneInput[],
  kept: Map<number, MilestoneRow> = new Map(),
) {
  const booked: string[] = [];
  try {
    for (const [i, m] of milestones.entries()) {
      const week = isoWeekOf(m.promisedDate);
      const held = kept.get(i);
      const { ref } = held
        ? { ref: held.external_ref }
        : await adapter.book(teamRef(teams.get(m.deliveryTeamId)!), { week, date: m.promisedDate, load: m.load, reference: `${contract.number}#${i + 1}` });
      if (ref && !held) booked.push(ref);
      await store.insertMilestone(tx, tenantId, {
        id: crypto.randomUUID(),
        contract_id: contract.id,
        seq: i + 1,
        promised_date: m.promisedDate,
        week,
        scope: m.scope,
        delivery_team_id: m.deliveryTeamId,
        load: m.load,
        external_ref: ref,
        delivered_on: held?.delivered_on ?? null,
      });
    }
  } catch (e) {
    await Promise.allSettled(booked.map((r) => adapter.release(r)));
    throw e;
  }
  return booked;
}

async function withPromises<T>(
  env: Env,
  ctx: Ctx,
  tx: Sql,
  milestones: MilestoneInput[] | undefined,
  held: MilestoneRow[],
  write: (adapter: DeliveryCapacity, teams: Map<string, DeliveryTeamRow>) => Promise<T>,
  kept: Map<number, MilestoneRow> = new Map(),
): Promise<T> {
  const tenantId = ctx.actor.tenantId;
  const adapter = adapterFor(env, tx, tenantId);
  const list = milestones ?? [];
  const teams = await teamsFor(tx, tenantId, list, milestones ? held : []);
  const today = await todayFor(env, tx, tenantId);
  const refused = await checkMilestones(adapter, teams, list, today, held, kept);
  if (refused) throw refusal(refused);
  try {
    return await write(adapter, teams);
  } catch (e) {
    if (!(e instanceof BookingRefused)) throw e;
    // The external system filled the week between our check and the booking: answer with fresh alternatives.
    const again = await checkMilestones(adapter, teams, list, today, held, kept);
    if (again) throw refusal(again);
    throw new Problem(503, 'delivery_system_unavailable', { why: 'booking refused' });
  }
}

export async function createContract(env: Env, ctx: Ctx, input: ContractInput & { customerId: string; number: string; amount: number }) {
  const { db } = env;
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'Contract');
  const customer = await customers.getCustomer(db, ctx, input.customerId);
  const opp = input.opportunityId ? await validOpportunity(db, ctx, ability, input.opportunityId, input.customerId) : undefined;
  const milestones = input.milestones ?? [];
  validateDates(milestones, await todayFor(env, db, ctx.actor.tenantId));
  const terms = prepaymentTerms(input.amount, input.prepaymentRatio, input.prepaymentAmount, input.prepaidReceived);
  const row = await db.transaction(async (tx) => {
    const units = await ownerUnits(tx, ctx.actor.tenantId, input.ownerId ?? opp?.owner_id ?? defaultOwner(ctx, customer));
    const candidate = { id: 'new', ownerId: units.owner_id, teamId: units.team_id, regionId: units.region_id };
    requireWritableFields(ability, 'create', 'Contract', candidate, Object.keys(input).filter((k) => input[k as keyof ContractInput] !== undefined));
    if (!ability.can('create', subject('Contract', candidate))) throw new Problem(403, 'record_owner_out_of_scope', {}, { field: 'ownerId' });
    if (await store.contractByNumber(tx, ctx.actor.tenantId, input.number)) throw new Problem(409, 'contract_number_taken', { number: input.number }, { field: 'number' });
    return withPromises(env, ctx, tx, milestones, [], async (adapter, teams) => {
      const values: Record<string, unknown> = { customer_id: input.customerId, source: 'manual', ...units, ...terms };
      for (const [k, v] of Object.entries(input)) if (CONTRACT_COLUMN[k] && v !== undefined && !k.startsWith('prepayment')) values[CONTRACT_COLUMN[k]] = v;
      const c = await store.insertContract(tx, ctx.actor.tenantId, crypto.randomUUID(), values, ctx.actor.userId);
      const refs = await bookMilestones(tx, ctx.actor.tenantId, adapter, teams, c, milestones);
      try {
        await writeAudit(tx, ctx, { action: 'contract.create', resource: 'Contract', recordId: c.id, after: { ...contractRecord(c), milestones } });
      } catch (e) {
        await Promise.allSettled(refs.map((r) => adapter.release(r)));
        throw e;
      }
      return c;
    });
  });
  return (await presentContracts(db, ctx, ability, [row]))[0];
}

export async function updateContract(env: Env, ctx: Ctx, id: string, version: number, input: ContractInput) {
  const { db } = env;
  const ability = defineAbilityFor(ctx.actor);
  const scope = access(ability, 'read', 'Contract', store.CONTRACT_COLUMNS);
  const visible = await store.contractById(db, ctx.actor.tenantId, id, scope);
  if (!visible) throw new Problem(404, 'not_found');
  if (input.opportunityId) await validOpportunity(db, ctx, ability, input.opportunityId, visible.customer_id);
  const row = await db.transaction(async (tx) => {
    const current = await store.contractById(tx, ctx.actor.tenantId, id, undefined, true);
    if (!current) throw new Problem(404, 'not_found');
    const before = contractRecord(current);
    requireRecord(ability, 'update', 'Contract', before);
    requireWritableFields(ability, 'update', 'Contract', before, Object.keys(input));
    if (current.version !== version) throw versionConflict(current.version, version);
    const amount = input.amount ?? Number(current.amount);
    const termsGiven = input.amount !== undefined || input.prepaymentRatio !== undefined || input.prepaymentAmount !== undefined || input.prepaidReceived !== undefined;
    const terms = termsGiven
      ? prepaymentTerms(
          amount,
          input.prepaymentRatio !== undefined ? input.prepaymentRatio : input.prepaymentAmount !== undefined ? null : current.prepayment_ratio,
          input.prepaymentAmount !== undefined ? input.prepaymentAmount : input.prepaymentRatio !== undefined ? null : current.prepayment_amount,
          input.prepaidReceived ?? Number(current.prepaid_received),
        )
      : {};
    if (input.number && input.number !== current.number && (await store.contractByNumber(tx, ctx.actor.tenantId, input.number))) {
      throw new Problem(409, 'contract_number_taken', { number: input.number }, { field: 'number' });
    }
    const set: Record<string, unknown> = { ...terms };
    for (const [k, v] of Object.entries(input)) if (CONTRACT_COLUMN[k] && v !== undefined && !k.startsWith('prepayment')) set[CONTRACT_COLUMN[k]] = v;
    if (input.ownerId && input.ownerId !== current.owner_id) Object.assign(set, await ownerUnits(tx, ctx.actor.tenantId, input.ownerId));
    const after = { ...before, ownerId: (set.owner_id as string) ?? before.ownerId, teamId: (set.team_id as string) ?? before.teamId, regionId: (set.region_id as string) ?? before.regionId };
    if (!ability.can('update', subject('Contract', after))) throw new Problem(403, 'record_owner_out_of_scope', {}, { field: 'ownerId' });
    const held = await store.milestonesOf(tx, ctx.actor.tenantId, [id]);
    const kept = keptMilestones(input.milestones, held);
    if (input.milestones) validateDates(input.milestones, await todayFor(env, tx, ctx.actor.tenantId), kept);
    const terminating = input.status === 'terminated' && current.status !== 'terminated';
    return withPromises(env, ctx, tx, input.milestones, held, async (adapter, teams) => {
      const updated = await store.updateContract(tx, ctx.actor.tenantId, id, version, set);
      if (!updated) throw versionConflict(current.version + 1, version);
      let newRefs: string[] = [];
      if (input.milestones) {
        await store.deleteMilestones(tx, ctx.actor.tenantId, id);
        newRefs = await bookMilestones(tx, ctx.actor.tenantId, adapter, teams, updated, input.milestones, kept);
      }
      try {
        const keptIds = new Set([...kept.values()].map((k) => k.id));
        const released = terminating ? held : input.milestones ? held.filter((h) => !keptIds.has(h.id)) : [];
        for (const h of released) if (h.external_ref) await adapter.release(h.external_ref);
        const ms = await store.milestonesOf(tx, ctx.actor.tenantId, [id]);
        await writeAudit(tx, ctx, { action: 'contract.update', resource: 'Contract', recordId: id, ...diff({ ...before, milestones: contractRecord(current, held).milestones }, contractRecord(updated, ms)) });
      } catch (e) {
        await Promise.allSettled(newRefs.map((r) => adapter.release(r)));
        throw e;
      }
      return updated;
    }, kept);
  });
  return (await presentContracts(db, ctx, ability, [row]))[0];
}

// ───────────────────────── import target, merge participant ─────────────────────────

const STATUS_WORDS: Record<string, string> = {
  草稿: 'draft',
  已签订: 'signed',
  已签约: 'signed',
  签订: 'signed',
  交付中: 'delivering',
  执行中: 'delivering',
  已完成: 'completed',
  完成: 'completed',
  已终止: 'terminated',
  终止: 'terminated',
};

const cellText = z.preprocess((v) => (v === null || v === undefined ? undefined : String(v).trim() || undefined), z.string().max(500).optional());
const cellNumber = z.preprocess((v) => {
  if (v === null || v === undefined || v === '') return undefined;
  if (typeof v === 'number') return v;
  const s = String(v).replace(/[,，\s¥￥元]/g, '');
  if (s.endsWith('%')) return Number(s.slice(0, -1)) / 100;
  return Number(s);
}, z.number().finite().min(0).optional());
const cellDate = z.preprocess((v) => {
  if (v === null || v === undefined || v === '') return undefined;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(String(v).trim());
  return m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : String(v);
}, z.iso.date().optional());

export const ContractImportRow = z.object({
  number: z.preprocess((v) => (v === null || v === undefined ? v : String(v).trim()), z.string().min(1).max(60)),
  title: cellText,
  signedOn: cellDate,
  amount: z.preprocess((v) => (v === '' ? undefined : v), cellNumber.pipe(z.number())),
  paymentTerms: cellText,
  prepaymentRatio: cellNumber.pipe(z.number().max(1).optional()),
  prepaymentAmount: cellNumber,
  prepaidReceived: cellNumber,
  status: z.preprocess((v) => {
    if (v === null || v === undefined || v === '') return undefined;
    const s = String(v).trim();
    return STATUS_WORDS[s] ?? s.toLowerCase();
  }, z.enum(['draft', 'signed', 'delivering', 'completed', 'terminated']).optional()),
});
export type ContractImportRow = z.infer<typeof ContractImportRow>;

const same = (a: unknown, b: unknown) => (a === null || a === undefined ? null : typeof a === 'number' || typeof b === 'number' ? Number(a) : a) === (b === null || b === undefined ? null : typeof b === 'number' || typeof a === 'number' ? Number(b) : b);

/** Upserts imported contract terms on the contract number: re-importing the same rows changes nothing. */
async function applyContractImport(tx: Sql, ctx: Ctx, rows: ImportRow<ContractImportRow>[], source: { channel: string; system: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'Contract');
  const tenantId = ctx.actor.tenantId;
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const { rowNo, customerId, data } of rows) {
    if (!customerId) throw new Problem(400, 'not_found');
    const terms = prepaymentTerms(data.amount, data.prepaymentRatio, data.prepaymentAmount, data.prepaidReceived);
    const values: Record<string, unknown> = {
      title: data.title ?? '',
      signed_on: data.signedOn ?? null,
      amount: data.amount,
      payment_terms: data.paymentTerms ?? '',
      ...terms,
      prepaid_received: data.prepaidReceived ?? 0,
      status: data.status ?? (data.signedOn ? 'signed' : 'draft'),
    };
    const existing = await store.contractByNumber(tx, tenantId, data.number);
    if (existing) {
      if (existing.customer_id !== customerId) throw new Problem(409, 'contract_number_other_customer', { row: rowNo, number: data.number }, { row: rowNo });
      requireRecord(ability, 'update', 'Contract', contractRecord(existing));
      const changed = Object.keys(values).filter((k) => !same((existing as unknown as Record<string, unknown>)[k], values[k]));
      if (!changed.length) {
        counts.unchanged++;
        continue;
      }
      const set = Object.fromEntries(changed.map((k) => [k, values[k]]));
      const updated = await store.updateContract(tx, tenantId, existing.id, existing.version, { ...set, source: source.channel });
      await writeAudit(tx, ctx, { action: 'contract.import', resource: 'Contract', recordId: existing.id, ...diff(contractRecord(existing), contractRecord(updated)) });
      counts.updated++;
    } else {
      // A new contract belongs to the customer's owner (their team and region).
      const customer = (await customerUnits(tx, tenantId, [customerId])).get(customerId);
      const scopeValues = { owner_id: customer?.ownerId ?? null, team_id: customer?.teamId ?? null, region_id: customer?.regionId ?? null };
      if (!ability.can('create', subject('Contract', { id: 'new', ownerId: scopeValues.owner_id, teamId: scopeValues.team_id, regionId: scopeValues.region_id }))) {
        throw new Problem(403, 'forbidden');
      }
      const c = await store.insertContract(tx, tenantId, crypto.randomUUID(), { ...values, ...scopeValues, customer_id: customerId, number: data.number, source: source.channel }, ctx.actor.userId);
      await writeAudit(tx, ctx, { action: 'contract.import', resource: 'Contract', recordId: c.id, after: { ...contractRecord(c), system: source.system } });
      counts.created++;
    }
  }
  return counts;
}

let registered = false;

/** Plugs the pipeline into the customer merge and the import pipeline. Called once from buildApp. */
export function registerPipeline(): void {
  if (registered) return;
  registered = true;
  registerPipelineCalibration();
  registerMergeParticipant({
    name: 'pipeline',
    async move(tx, tenantId, fromId, toId) {
      const moved = await store.moveCustomerRows(tx, tenantId, fromId, toId);
      return [...moved.opportunities.map((id) => `opportunity:${id}`), ...moved.contracts.map((id) => `contract:${id}`)];
    },
    async restore(tx, tenantId, ids, toId) {
      const pick = (p: string) => ids.filter((i) => i.startsWith(p)).map((i) => i.slice(p.length));
      await store.restoreCustomerRows(tx, tenantId, { opportunities: pick('opportunity:'), contracts: pick('contract:') }, toId);
    },
  });
  registerImportTarget<ContractImportRow>({
    kind: 'contracts',
    label: { 'zh-CN': '合同条款', 'en-US': 'Contract terms' },
    resource: 'Contract',
    resolvesCustomer: true,
    schema: ContractImportRow as unknown as z.ZodType<ContractImportRow>,
    columns: [
      { key: 'number', label: { 'zh-CN': '合同编号', 'en-US': 'Contract number' }, required: true, aliases: ['合同编号', '合同号', 'contract number', 'contract no', 'number'] },
      { key: 'title', label: { 'zh-CN': '合同名称', 'en-US': 'Title' }, required: false, aliases: ['合同名称', '名称', 'title'] },
      { key: 'signedOn', label: { 'zh-CN': '签订日期', 'en-US': 'Signed on' }, required: false, aliases: ['签订日期', '签约日期', 'signed on', 'signed date'] },
      { key: 'amount', label: { 'zh-CN': '合同金额', 'en-US': 'Amount' }, required: true, aliases: ['合同金额', '金额', 'amount'] },
      { key: 'paymentTerms', label: { 'zh-CN': '付款条件', 'en-US': 'Payment terms' }, required: false, aliases: ['付款条件', '付款方式', 'payment terms'] },
      { key: 'prepaymentRatio', label: { 'zh-CN': '预付比例', 'en-US': 'Prepayment ratio' }, required: false, aliases: ['预付比例', '预付款比例', 'prepayment ratio'] },
      { key: 'prepaymentAmount', label: { 'zh-CN': '预付款金额', 'en-US': 'Prepayment amount' }, required: false, aliases: ['预付款金额', '预付款', 'prepayment amount'] },
      { key: 'prepaidReceived', label: { 'zh-CN': '已收预付款', 'en-US': 'Prepayment received' }, required: false, aliases: ['已收预付款', '已收款', 'prepaid received'] },
      { key: 'status', label: { 'zh-CN': '状态', 'en-US': 'Status' }, required: false, aliases: ['状态', '合同状态', 'status'] },
    ],
    apply: (tx, ctx, rows, source) => applyContractImport(tx, ctx, rows, source),
  });
}
