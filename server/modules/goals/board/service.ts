// G4 drill-down board: company → region → team → rep → customer → activities, with target,
// attainment (Σ goal_attainment of the reps under the node; ratios Σnum ÷ Σden), gap and reverse
// attribution. Scope comes from the ability layer (subject GoalTarget, node fields regionId /
// teamId / repId): a node the viewer may not read answers 404 (its existence is not revealed); the
// company node answers 403 to anyone without company-wide read. With no node given, the board opens
// the viewer's own top node (admin: company, director/bp: region, manager: team, rep: themselves).
import type { Db, Sql } from '../../../platform/db/db.js';
import type { Ctx } from '../../../platform/context.js';
import { defineAbilityFor, requireAbility, subject, type AppAbility } from '../../../platform/access/abilities.js';
import { Problem } from '../../../platform/http/problem.js';
import { actionFacts } from '../../process/facts.js';
import { customerOwnerUnits, customersOwnedBy, customersTagged, customerUnits } from '../../customers/lookup.js';
import { customersWithProduct } from '../../pipeline/lookup.js';
import type { Deps } from '../../../platform/deps.js';
import { processMetrics, segmentRows } from '../attainment.js';
import { evaluateMetric } from '../metrics.js';
import { tenantTimeZone } from '../../org/service.js';
import * as store from './store.js';
import { attribute, type Attribution } from './attribution.js';
import { sumByMonth, sumRows } from './sums.js';

export type NodeKind = 'company' | 'region' | 'team' | 'rep' | 'customer';
export interface BoardQuery {
  year: number;
  period?: string;
  metric: string;
  nodeKind?: NodeKind;
  nodeId?: string;
  productLine?: string;
  tag?: string;
}
export interface NodeOut {
  kind: NodeKind;
  id: string | null;
  name: string;
  target: number | null;
  attainment: number;
  numerator: number;
  denominator: number | null;
  pct: number | null;
  gap: number | null;
}
interface Scoped {
  kind: NodeKind;
  id: string | null;
  name: string;
  regionId: string | null;
  teamId: string | null;
  repId: string | null;
}

const CUSTOMER_LIMIT = 300;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The months a period covers: 2026 → 12, 2026-Q2 → 3, 2026-03 → 1. Null when malformed or of another year. */
export function monthsOf(period: string, year: number): string[] | null {
  const y = String(year);
  if (period === y) return Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`);
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  if (q && q[1] === y) return [0, 1, 2].map((i) => `${y}-${String((Number(q[2]) - 1) * 3 + i + 1).padStart(2, '0')}`);
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (m && m[1] === y) return [period];
  return null;
}

function value(s: store.Sum | undefined): { attainment: number; numerator: number; denominator: number | null } {
  if (!s) return { attainment: 0, numerator: 0, denominator: null };
  const attainment = s.den === null ? s.num : s.den > 0 ? s.num / s.den : 0;
  return { attainment: s.den === null ? r2(attainment) : Math.round(attainment * 10000) / 10000, numerator: s.num, denominator: s.den };
}

function nodeOut(n: { kind: NodeKind; id: string | null; name: string }, target: number | null, s: store.Sum | undefined): NodeOut {
  const v = value(s);
  return {
    kind: n.kind,
    id: n.id,
    name: n.name,
    target,
    ...v,
    pct: target && target > 0 ? r2((v.attainment / target) * 100) : null,
    gap: target === null ? null : r2(target - v.attainment),
  };
}

const canRead = (ab: AppAbility, n: Scoped) => ab.can('read', subject('GoalTarget', { repId: n.repId, teamId: n.teamId, regionId: n.regionId }));

async function resolve(db: Sql, ctx: Ctx, q: BoardQuery, ab: AppAbility): Promise<{ node: Scoped; path: Scoped[] }> {
  const a = ctx.actor;
  let kind = q.nodeKind;
  let id = q.nodeId ?? null;
  if (!kind) {
    if (ab.can('read', subject('GoalTarget', { repId: null, teamId: null, regionId: null }))) kind = 'company';
    else if (a.role === 'rep') [kind, id] = ['rep', a.userId];
    else if (a.role === 'manager' && a.teamId) [kind, id] = ['team', a.teamId];
    else if (a.regionId) [kind, id] = ['region', a.regionId];
    else throw new Problem(403, 'forbidden');
  }
  if (kind !== 'company' && !id) throw new Problem(400, 'node_id_required');
  const tenantId = a.tenantId;
  const company: Scoped = { kind: 'company', id: null, name: 'company', regionId: null, teamId: null, repId: null };
  const path: Scoped[] = [company];
  const region = async (rid: string | null) => {
    const r = rid ? (await store.regions(db, tenantId, rid))[0] : undefined;
    if (r) path.push({ kind: 'region', id: r.id, name: r.name, regionId: r.id, teamId: null, repId: null });
  };
  const team = async (tid: string | null) => {
    const t = tid ? (await store.teams(db, tenantId, { id: tid }))[0] : undefined;
    if (t) {
      await region(t.regionId);
      path.push({ kind: 'team', id: t.id, name: t.name, regionId: t.regionId, teamId: t.id, repId: null });
    }
    return t;
  };
  let node: Scoped | undefined;
  if (kind === 'company') node = company;
  else if (kind === 'region') {
    await region(id);
    node = path.length === 2 ? path[1] : undefined;
  } else if (kind === 'team') {
    node = (await team(id)) ? path[path.length - 1] : undefined;
  } else if (kind === 'rep' || kind === 'customer') {
    let repId = id;
    let cust: Awaited<ReturnType<typeof customerOwnerUnits>> = null;
    if (kind === 'customer') {
      cust = await customerOwnerUnits(db, tenantId, id!);
      repId = cust?.ownerId ?? null;
    }
    const rep = repId ? (await store.reps(db, tenantId, { id: repId }))[0] : undefined;
    if (rep && (kind === 'rep' || cust)) {
      await team(rep.teamId);
      path.push({ kind: 'rep', id: rep.id, name: rep.name, regionId: rep.regionId, teamId: rep.teamId, repId: rep.id });
      if (cust) path.push({ kind: 'customer', id: cust.id, name: cust.name, regionId: rep.regionId, teamId: rep.teamId, repId: rep.id });
      node = path[path.length - 1];
    }
  }
  if (!node) throw new Problem(404, 'not_found');
  if (!canRead(ab, node)) throw node.kind === 'company' ? new Problem(403, 'forbidden') : new Problem(404, 'not_found');
  return { node, path: path.filter((p) => canRead(ab, p)) };
}

/** The customers a tag / product filter leaves (null: no filter). */
async function segmentOf(db: Sql, tenantId: string, q: BoardQuery): Promise<string[] | null> {
  if (!q.tag && !q.productLine) return null;
  const withProduct = q.productLine ? await customersWithProduct(db, tenantId, q.productLine) : undefined;
  return q.tag ? customersTagged(db, tenantId, q.tag, withProduct) : withProduct!;
}

export async function board(db: Db, deps: Pick<Deps, 'config' | 'now'>, ctx: Ctx, q: BoardQuery) {
  const ab = defineAbilityFor(ctx.actor);
  requireAbility(ab, 'read', 'GoalTarget');
  const tenantId = ctx.actor.tenantId;
  const period = q.period ?? String(q.year);
  const months = monthsOf(period, q.year);
  if (!months) throw new Problem(400, 'bad_period', { period, year: q.year });
  const { node, path } = await resolve(db, ctx, q, ab);

  const scopeOf = (n: Scoped): store.NodeFilter =>
    n.kind === 'company' ? {} : n.kind === 'region' ? { regionId: n.regionId! } : n.kind === 'team' ? { teamId: n.teamId! } : { repId: n.repId! };
  const targetKind = node.kind === 'customer' ? 'rep' : node.kind;
  const targetId = node.kind === 'customer' ? node.repId : node.id;
  // A tag has no targets of its own; a product has those set for it (goal_targets.product_line).
  const targetsOf = async (kind: string, ids: (string | null)[], periods = [period]) =>
    q.tag ? new Map<string, number>() : store.targets(db, tenantId, { year: q.year, metric: q.metric, periods, nodeKind: kind, nodeIds: ids, productLine: q.productLine });

  // Attainment: goal_attainment, or with a tag / product filter the segment's own numbers computed
  // from its facts for the year (same rules, not stored).
  const yearMonths = monthsOf(String(q.year), q.year)!;
  const segment = await segmentOf(db, tenantId, q);
  const people = segment && node.kind !== 'company' ? await store.peopleIn(db, tenantId, scopeOf(node)) : undefined;
  const segmented =
    segment &&
    (await segmentRows({ db, config: deps.config, now: deps.now }, tenantId, q.metric, yearMonths, { customerIds: segment, product: q.productLine }, people));
  const sums = (f: store.NodeFilter, groupBy?: store.GroupBy) => (segmented ? sumRows(segmented, months, f, groupBy) : store.attainment(db, tenantId, q.metric, months, f, groupBy));

  // The node itself (a customer node shows its rep's target and attainment as context).
  const own = await targetsOf(targetKind, [targetId]);
  const ownSum = (await sums(scopeOf(node)))[0];
  const ownTarget = own.get(`${targetId ?? ''}|${period}`) ?? null;
  const out = nodeOut(node, ownTarget, ownSum);

  // Children with their own targets and attainment.
  let children: NodeOut[] = [];
  const childKind = ({ company: 'region', region: 'team', team: 'rep' } as const)[node.kind as 'company' | 'region' | 'team'];
  if (childKind) {
    const list: Scoped[] =
      childKind === 'region'
        ? (await store.regions(db, tenantId)).map((r) => ({ kind: 'region', id: r.id, name: r.name, regionId: r.id, teamId: null, repId: null }))
        : childKind === 'team'
          ? (await store.teams(db, tenantId, { regionId: node.regionId! })).map((t) => ({ kind: 'team', id: t.id, name: t.name, regionId: t.regionId, teamId: t.id, repId: null }))
          : (await store.reps(db, tenantId, { teamId: node.teamId! })).map((u) => ({ kind: 'rep', id: u.id, name: u.name, regionId: u.regionId, teamId: u.teamId, repId: u.id }));
    const visible = list.filter((c) => canRead(ab, c));
    const col = ({ region: 'region_id', team: 'team_id', rep: 'rep_id' } as const)[childKind];
    const [tmap, childSums] = await Promise.all([targetsOf(childKind, visible.map((c) => c.id)), sums(scopeOf(node), col)]);
    const byKey = new Map(childSums.map((s) => [s.key, s]));
    children = visible.map((c) => nodeOut(c, tmap.get(`${c.id}|${period}`) ?? null, byKey.get(c.id)));
  }

  // Rep: its customers with the activities behind them. Customer: the activities themselves. For a
  // process metric, each customer's share of the metric is evaluated with the definition in force
  // (the same rule as the live attainment), so the customers add up to the rep's numerator.
  type CustomerRow = {
    id: string; name: string; tier: string; tags: string[]; owned: boolean; contribution: number;
    metric: { numerator: number; denominator: number | null } | null; activities: Record<string, number>;
  };
  let customers: CustomerRow[] | undefined;
  let activities: { byType: { type: string; count: number; counted: boolean | null }[]; recent: { actionId: string; visitId: string; type: string; occurredAt: string; purpose: string }[] } | undefined;
  let definition: { kind: 'count' | 'ratio'; countedTypes: string[] } | null = null;
  if (node.kind === 'rep' || node.kind === 'customer') {
    const def = (await processMetrics(deps, tenantId)).find((m) => m.metric === q.metric)?.def;
    if (def) definition = { kind: def.kind, countedTypes: [...def.counts.actionTypes] };
    const counted = (type: string) => (definition ? definition.countedTypes.includes(type) : null);
    const tz = await tenantTimeZone(db, tenantId);
    const { from, to } = await store.monthBounds(db, months[0], months[months.length - 1], tz);
    const facts = await actionFacts(db, tenantId, { from, to, repId: node.repId!, customerIds: segment ?? undefined });
    const factsBy = new Map<string, typeof facts>();
    for (const f of facts) factsBy.set(f.customerId, [...(factsBy.get(f.customerId) ?? []), f]);
    const metricOf = (list: typeof facts) => (def ? (evaluateMetric(def, list).get(node.repId!) ?? { numerator: 0, denominator: def.kind === 'ratio' ? 0 : null }) : null);
    if (node.kind === 'rep') {
      const inSegment = segment && new Set(segment);
      const owned = (await customersOwnedBy(db, tenantId, node.repId!, { tag: q.tag, limit: CUSTOMER_LIMIT })).filter((c) => !inSegment || inSegment.has(c.id));
      const list = owned.map((c) => ({ ...c, owned: true }));
      // Customers the rep worked on without owning them still made (part of) the attainment (the
      // facts are already narrowed to the segment).
      const known = new Set(owned.map((c) => c.id));
      const others = await customerUnits(db, tenantId, [...factsBy.keys()].filter((id) => !known.has(id)));
      for (const c of others.values()) list.push({ id: c.id, name: c.name, tier: c.tier, tags: [], teamId: c.teamId, regionId: c.regionId, owned: false });
      customers = list
        .map((c) => {
          const mine = factsBy.get(c.id) ?? [];
          const acts: Record<string, number> = {};
          for (const f of mine) acts[f.type] = (acts[f.type] ?? 0) + 1;
          return { id: c.id, name: c.name, tier: c.tier, tags: c.tags, owned: c.owned, contribution: mine.length, metric: metricOf(mine), activities: acts };
        })
        .sort((a, b) => (b.metric?.numerator ?? 0) - (a.metric?.numerator ?? 0) || b.contribution - a.contribution || a.name.localeCompare(b.name));
    } else {
      const mine = factsBy.get(node.id!) ?? [];
      const counts = new Map<string, number>();
      for (const f of mine) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
      activities = {
        byType: [...counts].map(([type, count]) => ({ type, count, counted: counted(type) })).sort((a, b) => b.count - a.count || a.type.localeCompare(b.type)),
        recent: mine
          .slice(-50)
          .reverse()
          .map((f) => ({ actionId: f.actionId, visitId: f.visitId, type: f.type, occurredAt: f.occurredAt.toISOString(), purpose: f.purpose })),
      };
    }
  }

  // Reverse attribution.
  const attribution: { children?: Attribution; customers?: Attribution; actionTypes?: Attribution } = {};
  if (children.length) {
    attribution.children = attribute(out.target, out.attainment, children.map((c) => ({ id: c.id!, name: c.name, attainment: c.attainment, target: c.target })));
  }
  if (customers) {
    // With a count metric the customers share the rep's numerator and its target pro rata; otherwise
    // (ratios, result metrics) they are ranked by their process actions, with no target.
    const byMetric = definition?.kind === 'count';
    const val = (c: CustomerRow) => (byMetric ? c.metric!.numerator : c.contribution);
    const total = customers.reduce((s, c) => s + val(c), 0);
    attribution.customers = attribute(byMetric ? out.target : null, total, customers.map((c) => ({ id: c.id, name: c.name, attainment: val(c) })));
    const types = new Map<string, number>();
    for (const c of customers) for (const [t, n] of Object.entries(c.activities)) types.set(t, (types.get(t) ?? 0) + n);
    const typesTotal = [...types.values()].reduce((s, n) => s + n, 0);
    attribution.actionTypes = attribute(null, typesTotal, [...types].map(([t, n]) => ({ id: t, name: t, attainment: n })));
  }
  if (activities) {
    const total = activities.byType.reduce((s, x) => s + x.count, 0);
    attribution.actionTypes = attribute(null, total, activities.byType.map((x) => ({ id: x.type, name: x.type, attainment: x.count })));
  }

  // Trend: every month of the year for the node (target of the month when one is set).
  const [mt, ms] = await Promise.all([
    targetsOf(targetKind, [targetId], yearMonths),
    segmented ? sumByMonth(segmented, yearMonths, scopeOf(node)) : store.monthly(db, tenantId, q.metric, yearMonths, scopeOf(node)),
  ]);
  const trend = yearMonths.map((m) => ({ period: m, target: mt.get(`${targetId ?? ''}|${m}`) ?? null, attainment: value(ms.get(m)).attainment }));

  const childSum = children.reduce((s, c) => s + c.attainment, 0);
  return {
    year: q.year,
    period,
    metric: q.metric,
    months,
    ratio: out.denominator !== null,
    node: out,
    path: path.map((p) => ({ kind: p.kind, id: p.id, name: p.name })),
    children,
    /** Σ children's targets against the node's: a gap in the allocation is shown, not hidden (0008). */
    allocation: childKind
      ? { childrenTarget: children.some((c) => c.target !== null) ? r2(children.reduce((s, c) => s + (c.target ?? 0), 0)) : null, childrenAttainment: r2(childSum) }
      : null,
    customers: customers ?? null,
    /** The metric's definition in force (process metrics): its kind and which action types count. */
    definition,
    customersTruncated: customers ? customers.length >= CUSTOMER_LIMIT : false,
    activities: activities ?? null,
    attribution,
    trend,
    filters: {
      productLine: q.productLine
        ? { value: q.productLine, honoured: 'yes', customers: segment!.length, note: 'attainment of customers with an opportunity listing this product (amount: contracts of such opportunities); targets set for this product' }
        : null,
      tag: q.tag
        ? { value: q.tag, honoured: 'yes', customers: segment!.length, note: 'attainment of the customers with this tag, computed from their facts; no targets are set per tag' }
        : null,
    },
  };
}
