// G3 allocation assistant and acceptance (承接): proposes a parent target's split over its
// children with the basis of each share (allocate.ts), writes the manager's adjusted split with
// the proposal kept, lets the rep accept or contest, and reports the acceptance rate (G8).
import type { Db } from '../../../platform/db/db.js';
import { systemCtx, type Ctx } from '../../../platform/context.js';
import type { Deps } from '../../../platform/deps.js';
import { defineAbilityFor, requireAbility, requireRecord, requireWritableFields, subject, type AppAbility } from '../../../platform/access/abilities.js';
import { Problem, registerMessages, versionConflict } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import * as org from '../../org/service.js';
import { customerPortfolio } from '../../customers/lookup.js';
import { signedAmountByOwner } from '../../pipeline/lookup.js';
import { allocate, ALLOCATION_RULE, ALLOCATION_WEIGHTS, type Allocation, type ChildInput } from './allocate.js';
import * as store from './store.js';

registerMessages({
  goal_period_invalid: { 'zh-CN': '期间无效：{period}（格式 YYYY、YYYY-Qn 或 YYYY-MM）', 'en-US': 'Invalid period: {period} (YYYY, YYYY-Qn or YYYY-MM)' },
  allocation_parent_mismatch: {
    'zh-CN': '上级目标与所选年度、指标或期间不符（目标为 {year} 年 {metric} {period}）',
    'en-US': 'The parent target does not match the chosen year, metric or period (it is {year} {metric} {period})',
  },
  allocation_no_children: { 'zh-CN': '该节点没有可分解的下级（{nodeKind}）', 'en-US': 'This node has no children to allocate to ({nodeKind})' },
  allocation_unknown_child: { 'zh-CN': '{nodeId} 不是该目标节点的下级', 'en-US': '{nodeId} is not a child of this target’s node' },
  allocation_duplicate_child: { 'zh-CN': '下级 {nodeId} 重复出现', 'en-US': 'Child {nodeId} appears twice' },
  acceptance_not_rep_target: { 'zh-CN': '只有销售个人目标需要承接', 'en-US': 'Only a rep’s own target is accepted or contested' },
  acceptance_not_owner: { 'zh-CN': '只有目标所属的销售本人可以承接或提出异议', 'en-US': 'Only the rep whose target it is may accept or contest it' },
  acceptance_reason_required: { 'zh-CN': '提出异议时必须填写理由', 'en-US': 'A reason is required to contest a target' },
});

type NodeKind = 'company' | 'region' | 'team' | 'rep';
const CHILD_KIND: Record<NodeKind, NodeKind | null> = { company: 'region', region: 'team', team: 'rep', rep: null };

// ---------------------------------------------------------------- periods

export interface PeriodInfo {
  year: number;
  months: string[];
  /** The same period one year earlier. */
  /** `to` is exclusive: the first day after the period. */
  lastYear: { year: number; period: string; months: string[]; from: string; to: string };
}

const two = (n: number) => String(n).padStart(2, '0');

export function periodInfo(period: string): PeriodInfo {
  const m = /^(\d{4})(?:-(Q[1-4]|0[1-9]|1[0-2]))?$/.exec(period);
  if (!m) throw new Problem(400, 'goal_period_invalid', { period });
  const year = Number(m[1]);
  const part = m[2];
  const monthsOf = (y: number) => {
    if (!part) return Array.from({ length: 12 }, (_, i) => `${y}-${two(i + 1)}`);
    if (part.startsWith('Q')) {
      const q = Number(part[1]);
      return [1, 2, 3].map((k) => `${y}-${two((q - 1) * 3 + k)}`);
    }
    return [`${y}-${part}`];
  };
  const ly = year - 1;
  const lyMonths = monthsOf(ly);
  const [fy, fm] = lyMonths[0].split('-').map(Number);
  const [ty, tm] = lyMonths[lyMonths.length - 1].split('-').map(Number);
  const next = tm === 12 ? `${ty + 1}-01-01` : `${ty}-${two(tm + 1)}-01`;
  return {
    year,
    months: monthsOf(year),
    lastYear: { year: ly, period: part ? `${ly}-${part}` : String(ly), months: lyMonths, from: `${fy}-${two(fm)}-01`, to: next },
  };
}

// ---------------------------------------------------------------- organisation

interface Person { id: string; displayName: string; role: string; teamId: string | null; regionId: string | null; active: boolean }

async function directory(db: Db, tenantId: string) {
  const ctx = systemCtx(tenantId, 'goals.allocation');
  const [users, units] = await Promise.all([org.listUsers(db, ctx, { page: 1, pageSize: 1_000_000 }), org.orgUnits(db, tenantId)]);
  const people = users.items.map((u) => u as unknown as Person);
  return {
    people,
    byId: new Map(people.map((p) => [p.id, p])),
    teams: new Map(units.teams.map((t) => [t.id, t])),
    regions: new Map(units.regions.map((r) => [r.id, r])),
    unitsOrdered: units,
  };
}
type Directory = Awaited<ReturnType<typeof directory>>;

/** The record a GoalTarget ability is checked on: the node's own scope fields. */
function scopeOf(dir: Directory, kind: NodeKind, nodeId: string | null): { repId: string | null; teamId: string | null; regionId: string | null } {
  if (kind === 'rep') {
    const p = nodeId ? dir.byId.get(nodeId) : undefined;
    return { repId: nodeId, teamId: p?.teamId ?? null, regionId: p?.regionId ?? null };
  }
  if (kind === 'team') return { repId: null, teamId: nodeId, regionId: nodeId ? (dir.teams.get(nodeId)?.region_id ?? null) : null };
  if (kind === 'region') return { repId: null, teamId: null, regionId: nodeId };
  return { repId: null, teamId: null, regionId: null };
}

const targetSubject = (dir: Directory, t: { id: string; node_kind: NodeKind; node_id: string | null }) => ({ id: t.id, ...scopeOf(dir, t.node_kind, t.node_id) });

function nodeName(dir: Directory, kind: NodeKind, id: string | null): string | null {
  if (kind === 'company') return null;
  if (!id) return null;
  if (kind === 'rep') return dir.byId.get(id)?.displayName ?? null;
  if (kind === 'team') return dir.teams.get(id)?.name ?? null;
  return dir.regions.get(id)?.name ?? null;
}

interface ChildNode { kind: NodeKind; id: string; name: string; reps: string[] }

function childNodes(dir: Directory, kind: NodeKind, nodeId: string | null): ChildNode[] {
  const reps = dir.people.filter((p) => p.active && p.role === 'rep');
  if (kind === 'company') {
    return dir.unitsOrdered.regions.map((r) => ({ kind: 'region', id: r.id, name: r.name, reps: reps.filter((p) => p.regionId === r.id).map((p) => p.id) }));
  }
  if (kind === 'region') {
    return dir.unitsOrdered.teams
      .filter((t) => t.region_id === nodeId)
      .map((t) => ({ kind: 'team', id: t.id, name: t.name, reps: reps.filter((p) => p.teamId === t.id).map((p) => p.id) }));
  }
  if (kind === 'team') {
    return reps
      .filter((p) => p.teamId === nodeId)
      .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'))
      .map((p) => ({ kind: 'rep', id: p.id, name: p.displayName, reps: [p.id] }));
  }
  return [];
}

// ---------------------------------------------------------------- inputs

async function childInputs(db: Db, tenantId: string, dir: Directory, parent: store.TargetRow, children: ChildNode[]): Promise<ChildInput[]> {
  const info = periodInfo(parent.period);
  const kind = children[0]?.kind as 'region' | 'team' | 'rep';
  const keyOf = (r: { ownerId?: string | null; teamId?: string | null; regionId?: string | null }) =>
    kind === 'rep' ? r.ownerId : kind === 'team' ? r.teamId : r.regionId;
  const [portfolio, signed, history] = await Promise.all([
    customerPortfolio(db, tenantId),
    signedAmountByOwner(db, tenantId, info.lastYear.from, info.lastYear.to),
    store.attainmentOf(db, tenantId, { year: info.lastYear.year, metric: parent.metric, period: info.lastYear.period, months: info.lastYear.months, nodeKind: kind }),
  ]);
  const customers = new Map<string, Record<string, Record<string, number>>>();
  for (const row of portfolio) {
    const k = keyOf(row);
    if (!k) continue;
    const byTier = customers.get(k) ?? {};
    byTier[row.tier] = byTier[row.tier] ?? {};
    byTier[row.tier][row.stage] = (byTier[row.tier][row.stage] ?? 0) + row.n;
    customers.set(k, byTier);
  }
  // Signed amounts are per owner; a team's or region's is the sum of its current members'.
  const amounts = new Map<string, number>();
  for (const [ownerId, amount] of signed) {
    const p = dir.byId.get(ownerId);
    const k = keyOf({ ownerId, teamId: p?.teamId ?? null, regionId: p?.regionId ?? null });
    if (k) amounts.set(k, (amounts.get(k) ?? 0) + Number(amount));
  }
  return children.map((c) => ({
    nodeId: c.id,
    customers: customers.get(c.id) ?? {},
    lastYearSigned: Math.round((amounts.get(c.id) ?? 0) * 100) / 100,
    lastYearAttainment: history.has(c.id) ? Math.round(history.get(c.id)! * 10000) / 10000 : null,
    reps: c.kind === 'rep' ? 1 : c.reps.length,
  }));
}

// ---------------------------------------------------------------- propose / apply

function targetOut(dir: Directory, t: store.TargetRow) {
  return {
    id: t.id,
    year: t.year,
    tier: t.tier,
    metric: t.metric,
    period: t.period,
    nodeKind: t.node_kind,
    nodeId: t.node_id,
    nodeName: nodeName(dir, t.node_kind, t.node_id),
    productLine: t.product_line,
    value: Number(t.value),
    parentId: t.parent_id,
    proposedValue: t.proposed_value === null ? null : Number(t.proposed_value),
    basis: t.basis ?? null,
    acceptance: t.acceptance,
    acceptanceReason: t.acceptance_reason,
    acceptedBy: t.accepted_by,
    acceptedAt: t.accepted_at ? new Date(t.accepted_at).toISOString() : null,
    version: t.version,
  };
}
export type TargetOut = ReturnType<typeof targetOut>;

async function loadParent(db: Db, ctx: Ctx, ability: AppAbility, dir: Directory, id: string) {
  const parent = await store.targetById(db, ctx.actor.tenantId, id);
  if (!parent) throw new Problem(404, 'not_found');
  requireRecord(ability, 'read', 'GoalTarget', targetSubject(dir, parent));
  return parent;
}

/** The children the actor may allocate to: each child target must be writable (create or update). */
function requireChildWritable(ability: AppAbility, dir: Directory, kind: NodeKind, nodeId: string) {
  const s = subject('GoalTarget', { id: nodeId, ...scopeOf(dir, kind, nodeId) });
  if (!ability.can('update', s) && !ability.can('create', s)) throw new Problem(403, 'forbidden');
}

async function computeProposal(db: Db, ctx: Ctx, parentTargetId: string, check?: { year: number; metric: string; period: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  const tenantId = ctx.actor.tenantId;
  const dir = await directory(db, tenantId);
  const parent = await loadParent(db, ctx, ability, dir, parentTargetId);
  if (check && (check.year !== parent.year || check.metric !== parent.metric || check.period !== parent.period)) {
    throw new Problem(400, 'allocation_parent_mismatch', { year: parent.year, metric: parent.metric, period: parent.period });
  }
  const childKind = CHILD_KIND[parent.node_kind];
  const nodes = childKind ? childNodes(dir, parent.node_kind, parent.node_id) : [];
  if (!nodes.length) throw new Problem(422, 'allocation_no_children', { nodeKind: parent.node_kind });
  for (const n of nodes) requireChildWritable(ability, dir, n.kind, n.id);
  const inputs = await childInputs(db, tenantId, dir, parent, nodes);
  const proposal = allocate(Number(parent.value), inputs);
  return { ability, dir, parent, nodes, inputs, proposal };
}

export async function propose(db: Db, ctx: Ctx, body: { year: number; metric: string; period: string; parentTargetId: string }) {
  periodInfo(body.period);
  const { dir, parent, nodes, proposal } = await computeProposal(db, ctx, body.parentTargetId, body);
  const byNode = new Map(proposal.map((p) => [p.nodeId, p]));
  const existing = await Promise.all(
    nodes.map((n) =>
      store.targetByKey(db, ctx.actor.tenantId, { planId: parent.plan_id, metric: parent.metric, period: parent.period, nodeKind: n.kind, nodeId: n.id, productLine: parent.product_line }),
    ),
  );
  return {
    rule: ALLOCATION_RULE,
    weights: { ...ALLOCATION_WEIGHTS },
    parent: targetOut(dir, parent),
    children: nodes.map((n, i) => {
      const p = byNode.get(n.id)!;
      return {
        nodeKind: n.kind,
        nodeId: n.id,
        nodeName: n.name,
        proposedValue: p.value,
        weight: p.weight,
        basis: p.basis,
        current: existing[i] ? { id: existing[i]!.id, value: Number(existing[i]!.value), acceptance: existing[i]!.acceptance, version: existing[i]!.version } : null,
      };
    }),
    sum: proposal.reduce((a, p) => a + Math.round(p.value * 100), 0) / 100,
  };
}

export async function apply(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, body: { parentTargetId: string; children: { nodeId: string; value: number }[] }) {
  const { dir, parent, nodes, proposal } = await computeProposal(db, ctx, body.parentTargetId);
  const tenantId = ctx.actor.tenantId;
  const known = new Map(nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  for (const c of body.children) {
    if (!known.has(c.nodeId)) throw new Problem(400, 'allocation_unknown_child', { nodeId: c.nodeId });
    if (seen.has(c.nodeId)) throw new Problem(400, 'allocation_duplicate_child', { nodeId: c.nodeId });
    seen.add(c.nodeId);
  }
  const byNode = new Map<string, Allocation>(proposal.map((p) => [p.nodeId, p]));
  const now = deps.now();
  const by = ctx.actor.userId;
  const ids = await db.transaction(async (tx) => {
    const written: string[] = [];
    for (const c of body.children) {
      const n = known.get(c.nodeId)!;
      const p = byNode.get(c.nodeId)!;
      const basis = { ...p.basis, proposedValue: p.value, adjustedBy: by, adjustment: Math.round((c.value - p.value) * 100) / 100 };
      const acceptance = n.kind === 'rep' ? 'pending' : null;
      const key = { planId: parent.plan_id, metric: parent.metric, period: parent.period, nodeKind: n.kind, nodeId: n.id, productLine: parent.product_line };
      const before = await store.targetByKey(tx, tenantId, key);
      let id: string;
      let version: number;
      if (before) {
        id = before.id;
        const changed = Number(before.value) !== c.value;
        version = await store.updateAllocated(tx, tenantId, id, {
          value: c.value, parentId: parent.id, proposedValue: p.value, basis, acceptance, resetAcceptance: n.kind === 'rep' && (changed || before.acceptance === null), by, at: now,
        });
      } else {
        id = crypto.randomUUID();
        version = 1;
        await store.insertTarget(tx, tenantId, {
          id, planId: parent.plan_id, tier: parent.tier, metric: parent.metric, period: parent.period, nodeKind: n.kind, nodeId: n.id,
          productLine: parent.product_line, value: c.value, parentId: parent.id, proposedValue: p.value, basis, acceptance, by, at: now,
        });
      }
      const reason = c.value === p.value ? `G3 分解（按建议 ${p.value}）` : `G3 分解（建议 ${p.value}，调整为 ${c.value}）`;
      await store.insertHistory(tx, tenantId, { targetId: id, version, value: c.value, reason, by, at: now });
      await writeAudit(tx, ctx, {
        action: before ? 'goal.target.allocate.update' : 'goal.target.allocate.create',
        resource: 'GoalTarget',
        recordId: id,
        before: before ? { value: Number(before.value), acceptance: before.acceptance, version: before.version } : undefined,
        after: { parentId: parent.id, nodeKind: n.kind, nodeId: n.id, value: c.value, proposedValue: p.value, acceptance: acceptance ?? before?.acceptance ?? null, version },
      });
      written.push(id);
    }
    await writeAudit(tx, ctx, {
      action: 'goal.allocation.apply',
      resource: 'GoalTarget',
      recordId: parent.id,
      after: { rule: ALLOCATION_RULE, parentValue: Number(parent.value), children: body.children, proposed: proposal.map((p) => ({ nodeId: p.nodeId, value: p.value })) },
    });
    return written;
  });
  const rows = await store.childrenOf(db, tenantId, parent.id);
  const total = rows.reduce((a, r) => a + Math.round(Number(r.value) * 100), 0) / 100;
  return {
    parent: targetOut(dir, parent),
    children: rows.filter((r) => ids.includes(r.id)).map((r) => targetOut(dir, r)),
    sum: total,
    gap: Math.round((Number(parent.value) - total) * 100) / 100,
  };
}

// ---------------------------------------------------------------- acceptance

export async function decideAcceptance(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, id: string, body: { decision: 'accept' | 'contest'; reason?: string; version: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  const tenantId = ctx.actor.tenantId;
  const dir = await directory(db, tenantId);
  const t = await store.targetById(db, tenantId, id);
  if (!t) throw new Problem(404, 'not_found');
  const rec = targetSubject(dir, t);
  requireRecord(ability, 'update', 'GoalTarget', rec);
  requireWritableFields(ability, 'update', 'GoalTarget', rec, ['acceptance', 'acceptanceReason']);
  if (t.node_kind !== 'rep') throw new Problem(422, 'acceptance_not_rep_target');
  if (t.node_id !== ctx.actor.userId) throw new Problem(403, 'acceptance_not_owner');
  const reason = body.reason?.trim() || null;
  if (body.decision === 'contest' && !reason) throw new Problem(400, 'acceptance_reason_required');
  if (t.version !== body.version) throw versionConflict(t.version, body.version);
  const acceptance = body.decision === 'accept' ? 'accepted' : 'contested';
  const updated = await db.transaction(async (tx) => {
    const u = await store.setAcceptance(tx, tenantId, id, body.version, { acceptance, reason, by: ctx.actor.userId, at: deps.now() });
    if (!u) {
      const cur = await store.targetById(tx, tenantId, id);
      throw versionConflict(cur?.version ?? 0, body.version);
    }
    await writeAudit(tx, ctx, {
      action: `goal.target.${acceptance === 'accepted' ? 'accept' : 'contest'}`,
      resource: 'GoalTarget',
      recordId: id,
      before: { acceptance: t.acceptance, acceptanceReason: t.acceptance_reason, version: t.version },
      after: { acceptance, acceptanceReason: reason, version: u.version, value: Number(u.value) },
    });
    return u;
  });
  return targetOut(dir, updated);
}

// ---------------------------------------------------------------- reads

/** A rep's own targets (the acceptance list), optionally of one period. */
export async function myTargets(db: Db, ctx: Ctx, q: { period?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  if (q.period) periodInfo(q.period);
  if (!ctx.actor.userId) return { items: [] };
  const dir = await directory(db, ctx.actor.tenantId);
  const rows = await store.listTargets(db, ctx.actor.tenantId, { nodeKind: 'rep', nodeId: ctx.actor.userId, period: q.period });
  return { items: rows.map((r) => targetOut(dir, r)) };
}

/** Targets that can be split (company, region, team) which the actor may read, with the sum of their children. */
export async function parentTargets(db: Db, ctx: Ctx, q: { year?: number; metric?: string; period?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  if (q.period) periodInfo(q.period);
  const dir = await directory(db, ctx.actor.tenantId);
  const rows = (await store.listTargets(db, ctx.actor.tenantId, { ...q, parentsOnly: true })).filter((r) => ability.can('read', subject('GoalTarget', targetSubject(dir, r))));
  return { items: rows.map((r) => targetOut(dir, r)) };
}

export interface AcceptanceRate {
  id: string | null;
  name: string | null;
  total: number;
  accepted: number;
  contested: number;
  pending: number;
  /** accepted ÷ total; null when there is no rep target. */
  rate: number | null;
}
export interface AcceptanceRates {
  period: string;
  company: AcceptanceRate;
  regions: AcceptanceRate[];
  teams: (AcceptanceRate & { regionId: string | null })[];
}

const rateOf = (a: { total: number; accepted: number }) => (a.total ? Math.round((a.accepted / a.total) * 10000) / 10000 : null);

/**
 * G8: the acceptance rate (承接率) of a period — accepted ÷ all rep targets of the period — for
 * the company, each region and each team (by the rep's current unit). No access check: the
 * report job calls it; the HTTP route narrows it to the viewer's scope.
 */
export async function acceptanceRates(db: Db, tenantId: string, period: string): Promise<AcceptanceRates> {
  periodInfo(period);
  const [rows, dir] = await Promise.all([store.repTargets(db, tenantId, period), directory(db, tenantId)]);
  const blank = (id: string | null, name: string | null): AcceptanceRate => ({ id, name, total: 0, accepted: 0, contested: 0, pending: 0, rate: null });
  const company = blank(null, null);
  const regions = new Map<string, AcceptanceRate>();
  const teams = new Map<string, AcceptanceRate & { regionId: string | null }>();
  for (const r of rows) {
    const p = dir.byId.get(r.node_id);
    const buckets: AcceptanceRate[] = [company];
    if (p?.regionId) {
      if (!regions.has(p.regionId)) regions.set(p.regionId, blank(p.regionId, dir.regions.get(p.regionId)?.name ?? null));
      buckets.push(regions.get(p.regionId)!);
    }
    if (p?.teamId) {
      if (!teams.has(p.teamId)) teams.set(p.teamId, { ...blank(p.teamId, dir.teams.get(p.teamId)?.name ?? null), regionId: dir.teams.get(p.teamId)?.region_id ?? p.regionId });
      buckets.push(teams.get(p.teamId)!);
    }
    for (const b of buckets) {
      b.total++;
      if (r.acceptance === 'accepted') b.accepted++;
      else if (r.acceptance === 'contested') b.contested++;
      else b.pending++;
    }
  }
  const fin = <T extends AcceptanceRate>(a: T): T => ({ ...a, rate: rateOf(a) });
  return {
    period,
    company: fin(company),
    regions: [...regions.values()].map(fin).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'zh-CN')),
    teams: [...teams.values()].map(fin).sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '', 'zh-CN')),
  };
}

/** The acceptance rates the viewer may see: a director their region, a manager their team; the company line only with 'all' scope. */
export async function acceptanceReport(db: Db, ctx: Ctx, period: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalTarget');
  const all = await acceptanceRates(db, ctx.actor.tenantId, period);
  const can = (r: Record<string, unknown>) => ability.can('read', subject('GoalTarget', { id: 'x', repId: null, teamId: null, regionId: null, ...r }));
  return {
    period: all.period,
    company: can({}) ? all.company : null,
    regions: all.regions.filter((r) => can({ regionId: r.id })),
    teams: all.teams.filter((t) => can({ teamId: t.id, regionId: t.regionId })),
  };
}

