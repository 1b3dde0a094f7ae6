// Goal plans, targets and the goal tree (G1, G2), live attainment (ADR 0008) and metric recomputes
// (G7). Access through the ability layer, subject GoalTarget: a target's scope is its node's
// (rep → rep/team/region, team → team/region, region → region, company → none: only 'all' sees it).
// Org units come from the org module's service, never its tables.
import crypto from 'node:crypto';
import type { Db } from '../../platform/db/db.js';
import { systemCtx, type Ctx } from '../../platform/context.js';
import type { Deps } from '../../platform/deps.js';
import { defineAbilityFor, requireAbility, requireRecord, requireWritableFields, subject, type AppAbility } from '../../platform/access/abilities.js';
import { Problem, registerMessages } from '../../platform/http/problem.js';
import { writeAudit } from '../../platform/audit/audit.js';
import { MetricDefinition } from '../../platform/config/defaults.js';
import * as org from '../org/service.js';
import { onActionRecorded } from '../process/facts.js';
import { HEALTH_METRICS, METRIC_PREFIX, processMetrics, RESULT_METRICS, recomputeDefinition, recomputeRepMonth, type AttainmentDeps, type ProcessMetric } from './attainment.js';
import { monthOf } from './metrics.js';
import { gapOf, monthsIn, parsePeriod, periodRollups, subPeriods, type Period, type PeriodKind } from './tree.js';
import { registerGoalJobs } from './jobs.js';
import * as store from './store.js';
import type { NodeKind, TargetRow, Tier } from './store.js';

registerMessages({
  goal_value_invalid: { 'zh-CN': '目标值须为不小于 0 的数字：{value}', 'en-US': 'A target must be a number not below 0: {value}' },
  goal_target_period_invalid: {
    'zh-CN': '周期“{period}”不存在：请使用 2026、2026-Q1 或 2026-03 这样的格式',
    'en-US': 'The period “{period}” does not exist: use a year (2026), a quarter (2026-Q1) or a month (2026-03)',
  },
  goal_period_tier: {
    'zh-CN': '{tierName}目标按{kindName}设定，周期“{period}”不适用',
    'en-US': '{tierName} targets are set per {kindName}; the period “{period}” does not fit',
  },
  goal_metric_unknown: {
    'zh-CN': '未知指标“{metric}”：可用 amount、newHighPotential、repurchaseRate 或已配置的指标定义（goals.metrics.*）',
    'en-US': 'Unknown metric “{metric}”: use amount, newHighPotential, repurchaseRate or a configured definition (goals.metrics.*)',
  },
  goal_node_unknown: { 'zh-CN': '目标节点不存在：{nodeKind} {nodeId}', 'en-US': 'The goal node does not exist: {nodeKind} {nodeId}' },
  goal_plan_missing: { 'zh-CN': '{year} 年的目标计划尚未建立', 'en-US': 'There is no goal plan for {year} yet' },
});

const TIER_NAMES: Record<Tier, { 'zh-CN': string; 'en-US': string }> = {
  result: { 'zh-CN': '结果', 'en-US': 'Result' },
  health: { 'zh-CN': '客户健康度', 'en-US': 'Customer-health' },
  process: { 'zh-CN': '过程行为', 'en-US': 'Process' },
};
const KIND_NAMES: Record<PeriodKind, { 'zh-CN': string; 'en-US': string }> = {
  year: { 'zh-CN': '年度', 'en-US': 'year' },
  quarter: { 'zh-CN': '季度', 'en-US': 'quarter' },
  month: { 'zh-CN': '月度', 'en-US': 'month' },
};
/** The period each tier is planned in (G2); `amount` may also be planned by quarter and month. */
const TIER_PERIOD: Record<Tier, PeriodKind> = { result: 'year', health: 'quarter', process: 'month' };

export type GoalsDeps = AttainmentDeps & Pick<Deps, 'log'>;

// ── registration ─────────────────────────────────────────────────────────────────────────────

/** Live attainment after each action, recomputes after a definition change, and the rebuild job. */
/** Subscribes the goals module to actions and definition changes; returns the unsubscribe (app close). */
export function registerGoals(deps: Deps): () => void {
  // The definitions in force, per tenant, for the live upkeep: read at most once a minute (another
  // instance's sign-off is seen within that time) and dropped at once when one changes here.
  const cache = new Map<string, { at: number; defs: Promise<ProcessMetric[]> }>();
  const definitions = (tenantId: string) => {
    const hit = cache.get(tenantId);
    if (hit && Date.now() - hit.at < 60_000) return hit.defs;
    const defs = processMetrics(deps, tenantId);
    cache.set(tenantId, { at: Date.now(), defs });
    defs.catch(() => cache.delete(tenantId));
    return defs;
  };
  const offActions = onActionRecorded(async (e) => {
    const defs = await definitions(e.tenantId);
    // An upload can change the visit's compliance; an action counts only if some metric reads its type.
    const relevant = e.type === 'media' || defs.some((m) => m.def.counts.actionTypes.includes(e.type as never) || m.def.of?.actionTypes.includes(e.type as never));
    if (relevant) await recomputeRepMonth(undefined, deps, e.tenantId, e.repId, monthOf(e.occurredAt), defs);
  });
  const offConfig = deps.config.onActivated(`${METRIC_PREFIX}*`, async (e) => {
    cache.delete(e.tenantId);
    await recomputeDefinition(deps, e);
  });
  registerGoalJobs(deps);
  return () => {
    offActions();
    offConfig();
  };
}

// ── metrics and nodes ────────────────────────────────────────────────────────────────────────

export interface MetricInfo {
  metric: string;
  tier: Tier;
  kind: 'count' | 'ratio';
}

/** A known metric (built-in or a configured goals.metrics.* key) with its tier; 400 otherwise. */
export async function metricInfo(deps: Pick<Deps, 'config'>, tenantId: string, metric: string): Promise<MetricInfo> {
  if ((RESULT_METRICS as readonly string[]).includes(metric)) return { metric, tier: 'result', kind: 'count' };
  if ((HEALTH_METRICS as readonly string[]).includes(metric)) return { metric, tier: 'health', kind: metric === 'repurchaseRate' ? 'ratio' : 'count' };
  try {
    const v = await deps.config.get(tenantId, METRIC_PREFIX + metric);
    const def = MetricDefinition.safeParse(v.value);
    if (def.success) return { metric, tier: 'process', kind: def.data.kind };
  } catch (e) {
    if (!(e instanceof Problem) || e.status >= 500) throw e;
  }
  throw new Problem(400, 'goal_metric_unknown', { metric });
}

export interface GoalNode {
  kind: NodeKind;
  id: string | null;
  name: string;
  /** The GoalTarget scope fields of targets at this node. */
  scope: { repId?: string; teamId?: string | null; regionId?: string | null };
}

type Units = Awaited<ReturnType<typeof org.orgUnits>>;

async function repNode(db: Db, tenantId: string, id: string): Promise<GoalNode | undefined> {
  const u = await org.userUnits(db, tenantId, id);
  if (!u || u.role !== 'rep') return undefined;
  const name = (await org.namesOf(db, tenantId, [id])).get(id) ?? '';
  return { kind: 'rep', id, name, scope: { repId: id, teamId: u.teamId, regionId: u.regionId } };
}

function unitNode(units: Units, kind: NodeKind, id: string | null): GoalNode | undefined {
  if (kind === 'company') return id ? undefined : { kind, id: null, name: '', scope: {} };
  if (kind === 'region') {
    const r = units.regions.find((x) => x.id === id);
    return r && { kind, id: r.id, name: r.name, scope: { regionId: r.id } };
  }
  if (kind === 'team') {
    const t = units.teams.find((x) => x.id === id);
    return t && { kind, id: t.id, name: t.name, scope: { teamId: t.id, regionId: t.region_id } };
  }
  return undefined;
}

export async function resolveNode(db: Db, tenantId: string, kind: NodeKind, id: string | null, units?: Units): Promise<GoalNode | undefined> {
  if (kind === 'rep') return id ? repNode(db, tenantId, id) : undefined;
  if (kind !== 'company' && !id) return undefined;
  return unitNode(units ?? (await org.orgUnits(db, tenantId)), kind, id);
}

async function childNodes(db: Db, tenantId: string, node: GoalNode, units: Units): Promise<GoalNode[]> {
  if (node.kind === 'company') return units.regions.map((r) => unitNode(units, 'region', r.id)!);
  if (node.kind === 'region') return units.teams.filter((t) => t.region_id === node.id).map((t) => unitNode(units, 'team', t.id)!);
  if (node.kind === 'team') {
    // One query for the team's reps (the org service, as the system: names and units only).
    const users = await org.listUsers(db, systemCtx(tenantId), { role: 'rep', teamId: node.id!, page: 1, pageSize: 10_000 });
    return users.items
      .filter((u) => u.active !== false)
      .map((u) => ({ kind: 'rep' as const, id: u.id as string, name: String(u.displayName ?? ''), scope: { repId: u.id as string, teamId: node.id, regionId: node.scope.regionId } }));
  }
  return [];
}

function parentOf(node: GoalNode): { kind: NodeKind; id: string | null } | undefined {
  if (node.kind === 'rep') return node.scope.teamId ? { kind: 'team', id: node.scope.teamId } : undefined;
  if (node.kind === 'team') return node.scope.regionId ? { kind: 'region', id: node.scope.regionId } : undefined;
  if (node.kind === 'region') return { kind: 'company', id: null };
  return undefined;
}

const canRead = (ability: AppAbility, node: GoalNode) => ability.can('read', subject('GoalTarget', node.scope));

// ── presenters ───────────────────────────────────────────────────────────────────────────────

export function presentTarget(t: TargetRow) {
  return {
    id: t.id,
    tier: t.tier,
    metric: t.metric,
    period: t.period,
    nodeKind: t.node_kind,
    nodeId: t.node_id,
    productLine: t.product_line,
    value: Number(t.value),
    originalValue: t.original_value === null ? null : Number(t.original_value),
    effectiveFrom: t.effective_from,
    parentId: t.parent_id,
    acceptance: t.acceptance,
    version: t.version,
    updatedAt: t.updated_at,
  };
}
export type TargetView = ReturnType<typeof presentTarget>;

// ── plans ────────────────────────────────────────────────────────────────────────────────────

const presentPlan = (p: store.PlanRow) => ({ id: p.id, year: p.year, name: p.name, createdAt: p.created_at });

export async function createPlan(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, input: { year: number; name?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'GoalTarget');
  const tenantId = ctx.actor.tenantId;
  return db.transaction(async (tx) => {
    const r = await store.insertPlan(tx, tenantId, { year: input.year, name: input.name ?? `${input.year} 年度目标`, createdBy: ctx.actor.userId, at: deps.now() });
    if (r.created) await writeAudit(tx, ctx, { action: 'goal_plan.create', resource: 'GoalTarget', recordId: r.plan.id, after: { year: r.plan.year, name: r.plan.name } });
    return { plan: presentPlan(r.plan), created: r.created };
  });
}

export async function getPlan(db: Db, ctx: Ctx, year: number) {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'GoalTarget');
  const p = await store.planByYear(db, ctx.actor.tenantId, year);
  if (!p) throw new Problem(404, 'goal_plan_missing', { year });
  return presentPlan(p);
}

// ── targets ──────────────────────────────────────────────────────────────────────────────────

export interface SetTarget {
  metric: string;
  period: string;
  nodeKind: NodeKind;
  nodeId?: string | null;
  productLine?: string | null;
  value: number;
  reason?: string;
}

function checkPeriod(text: string, tier: Tier, metric: string): Period {
  const p = parsePeriod(text);
  if (!p || p.year < 2000 || p.year > 2100) throw new Problem(400, 'goal_target_period_invalid', { period: text });
  const want = TIER_PERIOD[tier];
  if (p.kind !== want && metric !== 'amount') {
    throw new Problem(400, 'goal_period_tier', { period: text, tierName: TIER_NAMES[tier], kindName: KIND_NAMES[want] });
  }
  return p;
}

/** Sets one target (insert or a new version), with its history row and audit, in one transaction. */
export async function setTarget(db: Db, deps: GoalsDeps, ctx: Ctx, input: SetTarget): Promise<{ target: TargetView; created: boolean }> {
  const ability = defineAbilityFor(ctx.actor);
  if (!ability.can('create', 'GoalTarget') && !ability.can('update', 'GoalTarget')) throw new Problem(403, 'forbidden');
  const tenantId = ctx.actor.tenantId;
  if (typeof input.value !== 'number' || !Number.isFinite(input.value) || input.value < 0) throw new Problem(400, 'goal_value_invalid', { value: String(input.value) });
  // Config is read here, before the transaction.
  const info = await metricInfo(deps, tenantId, input.metric);
  const period = checkPeriod(input.period, info.tier, input.metric);
  const plan = await store.planByYear(db, tenantId, period.year);
  if (!plan) throw new Problem(400, 'goal_plan_missing', { year: period.year });
  const nodeId = input.nodeKind === 'company' ? null : (input.nodeId ?? null);
  const units = await org.orgUnits(db, tenantId);
  const node = await resolveNode(db, tenantId, input.nodeKind, input.nodeKind === 'company' && input.nodeId ? input.nodeId : nodeId, units);
  if (!node) throw new Problem(400, 'goal_node_unknown', { nodeKind: input.nodeKind, nodeId: input.nodeId ?? '' });
  const key: store.TargetKey = { planId: plan.id, metric: input.metric, period: period.text, nodeKind: node.kind, nodeId: node.id, productLine: input.productLine ?? null };
  const parent = parentOf(node);
  const now = deps.now();
  return db.transaction(async (tx) => {
    const existing = await store.targetByKey(tx, tenantId, key, true);
    const action = existing ? 'update' : 'create';
    requireRecord(ability, action, 'GoalTarget', node.scope);
    // A rep may update their own target's acceptance (G3), never its value.
    requireWritableFields(ability, action, 'GoalTarget', node.scope, ['value']);
    const parentRow = parent ? await store.targetByKey(tx, tenantId, { ...key, nodeKind: parent.kind, nodeId: parent.id }) : undefined;
    const by = ctx.actor.userId;
    let id: string;
    let version: number;
    if (existing) {
      id = existing.id;
      version = await store.updateTargetValue(tx, tenantId, id, { value: input.value, parentId: parentRow?.id ?? null, by, at: now });
    } else {
      id = crypto.randomUUID();
      version = 1;
      await store.insertTarget(tx, tenantId, { ...key, id, tier: info.tier, value: input.value, parentId: parentRow?.id ?? null, by, at: now });
    }
    await store.insertHistory(tx, tenantId, { targetId: id, version, value: input.value, reason: input.reason ?? '', by, at: now });
    await writeAudit(tx, ctx, {
      action: existing ? 'goal_target.update' : 'goal_target.create',
      resource: 'GoalTarget',
      recordId: id,
      before: existing ? { value: Number(existing.value), version: existing.version } : undefined,
      after: { ...key, value: input.value, version, reason: input.reason ?? '' },
    });
    const row = (await store.targetByKey(tx, tenantId, key))!;
    return { target: presentTarget(row), created: !existing };
  });
}

/** A plan's targets the actor may read (each target's scope is its node's). */
export async function listTargets(db: Db, ctx: Ctx, f: { year: number; metric?: string; period?: string }): Promise<{ items: TargetView[] }> {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  const tenantId = ctx.actor.tenantId;
  const plan = await store.planByYear(db, tenantId, f.year);
  if (!plan) return { items: [] };
  const rows = await store.listTargets(db, tenantId, { planId: plan.id, metric: f.metric, period: f.period });
  const units = await org.orgUnits(db, tenantId);
  const nodes = new Map<string, GoalNode | undefined>();
  const items: TargetView[] = [];
  for (const r of rows) {
    const k = `${r.node_kind}:${r.node_id ?? ''}`;
    if (!nodes.has(k)) nodes.set(k, await resolveNode(db, tenantId, r.node_kind, r.node_id, units));
    const node = nodes.get(k);
    if (node && canRead(ability, node)) items.push(presentTarget(r));
  }
  return { items };
}

/** A target with every version of its value (who, when, why); 404 outside the actor's scope. */
export async function targetHistory(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  const tenantId = ctx.actor.tenantId;
  const row = await store.targetById(db, tenantId, id);
  const node = row && (await resolveNode(db, tenantId, row.node_kind, row.node_id));
  if (!row || !node || !canRead(ability, node)) throw new Problem(404, 'not_found');
  const history = await store.historyOf(db, tenantId, id);
  const names = await org.namesOf(db, tenantId, history.map((h) => h.changed_by));
  return {
    target: presentTarget(row),
    history: history.map((h) => ({
      version: h.version,
      value: Number(h.value),
      reason: h.reason,
      changedById: h.changed_by,
      changedByName: h.changed_by ? (names.get(h.changed_by) ?? null) : null,
      changedAt: h.changed_at,
    })),
  };
}

// ── tree ─────────────────────────────────────────────────────────────────────────────────────

export interface TreeQuery {
  metric: string;
  period: string;
  nodeKind: NodeKind;
  nodeId?: string;
  productLine?: string;
}

function attainmentView(kind: 'count' | 'ratio', a: { numerator: number; denominator: number | null }) {
  const value = kind === 'ratio' ? (a.denominator ? a.numerator / a.denominator : null) : a.numerator;
  return { numerator: a.numerator, denominator: kind === 'ratio' ? (a.denominator ?? 0) : null, value };
}

/** G1: a node with its target, attainment (Σ of its reps), children with theirs, and the gaps. */
export async function goalTree(db: Db, deps: GoalsDeps, ctx: Ctx, year: number, q: TreeQuery) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  const tenantId = ctx.actor.tenantId;
  const info = await metricInfo(deps, tenantId, q.metric);
  const period = parsePeriod(q.period);
  if (!period || period.year !== year) throw new Problem(400, 'goal_target_period_invalid', { period: q.period });
  const plan = await store.planByYear(db, tenantId, year);
  if (!plan) throw new Problem(404, 'goal_plan_missing', { year });
  const units = await org.orgUnits(db, tenantId);
  const node = await resolveNode(db, tenantId, q.nodeKind, q.nodeKind === 'company' ? (q.nodeId ?? null) : (q.nodeId ?? null), units);
  if (!node || !canRead(ability, node)) throw new Problem(404, 'not_found');
  const children = (await childNodes(db, tenantId, node, units)).filter((c) => canRead(ability, c));
  const productLine = q.productLine ?? null;
  const periods = [period.text, ...subPeriods(period), ...(period.kind === 'year' ? monthsIn(period) : [])];
  const targets = await store.targetsOf(db, tenantId, { planId: plan.id, metric: q.metric, periods, productLine });
  const at = (n: GoalNode, p: string) => targets.find((t) => t.node_kind === n.kind && (t.node_id ?? null) === n.id && t.period === p);
  const months = monthsIn(period);
  const view = async (n: GoalNode) => {
    const t = at(n, period.text);
    const a = attainmentView(info.kind, await store.attainmentSum(db, tenantId, { metric: q.metric, months, nodeKind: n.kind, nodeId: n.id }));
    const target = t ? { id: t.id, value: Number(t.value), version: t.version, acceptance: t.acceptance } : null;
    const progress = target && target.value > 0 && a.value !== null ? a.value / target.value : null;
    return { kind: n.kind, id: n.id, name: n.name, target, attainment: a, progress };
  };
  const self = await view(node);
  const kids = [];
  for (const c of children) kids.push(await view(c));
  const own = new Map<string, number>();
  for (const p of periods) {
    const t = at(node, p);
    if (t) own.set(p, Number(t.value));
  }
  return {
    year,
    metric: q.metric,
    tier: info.tier,
    kind: info.kind,
    period: period.text,
    productLine,
    node: self,
    children: kids,
    gap: gapOf(self.target?.value ?? null, kids.map((k) => ({ key: `${k.kind}:${k.id}`, value: k.target?.value ?? null }))),
    rollups: periodRollups(period, own),
  };
}

