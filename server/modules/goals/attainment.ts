// Live attainment (ADR 0008): per rep, metric and business month in goal_attainment.
// - process metrics (goals.metrics.*): evaluated over the process module's action facts with the
//   definition in force (metrics.ts); kept live by recomputeRepMonth after each recorded action;
// - result `amount`: signed contract amount (CNY) of contracts the rep owns, by signing day
//   (pipeline/lookup.ts); built-in definition, version 1;
// - health `newHighPotential`: active KA/A customers the rep owns, created in the month
//   (customers/lookup.ts); `repurchaseRate`: numerator = the rep's earlier-contract customers who
//   signed again in the month, denominator = the rep's customers with a contract before the month
//   (so a quarter is Σ numerators ÷ Σ denominators of its months, like every ratio here).
// Config is read before any transaction (PGlite has one connection); inside one, only `tx` is used.
import crypto from 'node:crypto';
import type { Db, Sql } from '../../platform/db/db.js';
import type { Deps } from '../../platform/deps.js';
import { systemCtx } from '../../platform/context.js';
import { writeAudit } from '../../platform/audit/audit.js';
import { MetricDefinition } from '../../platform/config/defaults.js';
import type { ConfigActivated } from '../../platform/config/service.js';
import { actionCounts, actionFacts, type ActionFact } from '../process/facts.js';
import { signedAmountByOwner, repurchaseByOwner } from '../pipeline/lookup.js';
import { newHighPotentialByOwner } from '../customers/lookup.js';
import { listUsers, userUnits } from '../org/service.js';
import { evaluateCounts, evaluateMetric, hasFieldFilters, monthOf, monthRange } from './metrics.js';
import { monthsOf } from './tree.js';
import * as store from './store.js';

export type AttainmentDeps = Pick<Deps, 'db' | 'config' | 'now'>;

export const METRIC_PREFIX = 'goals.metrics.';
export const RESULT_METRICS = ['amount'] as const;
export const HEALTH_METRICS = ['newHighPotential', 'repurchaseRate'] as const;
/** Version written for the built-in (non-configurable) result and health metrics. */
export const BUILTIN_VERSION = 1;

export interface ProcessMetric {
  metric: string;
  key: string;
  version: number;
  def: MetricDefinition;
}

/** The process metric definitions in force for a tenant (the defaults and the tenant's own keys). */
export async function processMetrics(deps: Pick<Deps, 'config'>, tenantId: string): Promise<ProcessMetric[]> {
  const out: ProcessMetric[] = [];
  for (const s of await deps.config.list(systemCtx(tenantId))) {
    if (s.family !== METRIC_PREFIX || !s.active?.valid) continue;
    const parsed = MetricDefinition.safeParse(s.active.value);
    if (parsed.success) out.push({ metric: s.key.slice(METRIC_PREFIX.length), key: s.key, version: s.active.version, def: parsed.data });
  }
  return out;
}

type Units = { teamId: string | null; regionId: string | null };
async function unitsOf(db: Sql, tenantId: string, reps: Iterable<string>): Promise<Map<string, Units>> {
  const out = new Map<string, Units>();
  const wanted = new Set(reps);
  if (wanted.size > 3) {
    // Many reps (a rebuild): one query through the org service instead of one per rep.
    const all = await listUsers(db as Db, systemCtx(tenantId), { page: 1, pageSize: 100_000 });
    for (const u of all.items) if (wanted.has(u.id)) out.set(u.id, { teamId: (u.teamId as string | null) ?? null, regionId: (u.regionId as string | null) ?? null });
  }
  for (const id of wanted) {
    if (out.has(id)) continue;
    const u = await userUnits(db, tenantId, id);
    out.set(id, { teamId: u?.teamId ?? null, regionId: u?.regionId ?? null });
  }
  return out;
}

function processRows(metrics: ProcessMetric[], facts: ActionFact[], period: string, reps: Iterable<string>, units: Map<string, Units>): store.AttainmentRow[] {
  const rows: store.AttainmentRow[] = [];
  const repList = [...new Set(reps)];
  for (const m of metrics) {
    const values = evaluateMetric(m.def, facts);
    for (const repId of repList) {
      const v = values.get(repId) ?? { numerator: 0, denominator: m.def.kind === 'ratio' ? 0 : null };
      const u = units.get(repId) ?? { teamId: null, regionId: null };
      rows.push({ metric: m.metric, period, repId, ...u, numerator: v.numerator, denominator: v.denominator, definitionVersion: m.version });
    }
  }
  return rows;
}

/**
 * Recomputes one rep's process metrics for one month from the facts. With `tx`, pass `metrics`
 * (read before the transaction); without, the definitions are read and a transaction is opened.
 */
export async function recomputeRepMonth(
  tx: Sql | undefined,
  deps: AttainmentDeps,
  tenantId: string,
  repId: string,
  period: string,
  metrics?: ProcessMetric[],
): Promise<store.AttainmentRow[]> {
  if (tx && !metrics) throw new Error('recomputeRepMonth: pass the metric definitions when calling inside a transaction');
  const defs = metrics ?? (await processMetrics(deps, tenantId));
  if (!defs.length) return [];
  const db = tx ?? deps.db;
  const facts = await actionFacts(db, tenantId, { ...monthRange(period), repId });
  const units = await unitsOf(db, tenantId, [repId]);
  const rows = processRows(defs, facts, period, [repId], units);
  const write = (t: Sql) => store.replaceAttainment(t, tenantId, defs.map((m) => m.metric), period, [repId], rows, deps.now());
  if (tx) await write(tx);
  else await deps.db.transaction(write);
  return rows;
}

const dayOf = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** A customer segment (G4 filters): facts of these customers only; contracts listing this product only. */
export interface Segment {
  customerIds: readonly string[];
  product?: string;
}

/** Rows of the built-in result and health metrics of one month (optionally of a segment). */
async function builtinRows(db: Sql, tenantId: string, period: string, segment?: Segment): Promise<store.AttainmentRow[]> {
  const { from, to } = monthRange(period);
  const contracts = segment && { customerIds: segment.customerIds, product: segment.product };
  const [amounts, highPotential, repurchase] = await Promise.all([
    signedAmountByOwner(db, tenantId, dayOf(from), dayOf(to), contracts),
    newHighPotentialByOwner(db, tenantId, from, to, segment?.customerIds),
    repurchaseByOwner(db, tenantId, dayOf(from), dayOf(to), contracts),
  ]);
  const units = await unitsOf(db, tenantId, [...amounts.keys(), ...highPotential.keys(), ...repurchase.keys()]);
  const base = (repId: string) => ({ period, repId, ...(units.get(repId) ?? { teamId: null, regionId: null }), definitionVersion: BUILTIN_VERSION });
  return [
    ...[...amounts].map(([repId, n]) => ({ ...base(repId), metric: 'amount', numerator: n, denominator: null })),
    ...[...highPotential].map(([repId, n]) => ({ ...base(repId), metric: 'newHighPotential', numerator: n, denominator: null })),
    ...[...repurchase].map(([repId, r]) => ({ ...base(repId), metric: 'repurchaseRate', numerator: r.repurchased, denominator: r.base })),
  ];
}

/**
 * Rebuilds a month for every rep from the facts: the process metrics (`only` narrows to some of
 * them, e.g. after one definition changed) and, unless `only` is given, the built-in ones.
 */
export async function rebuildPeriod(
  deps: AttainmentDeps,
  tenantId: string,
  period: string,
  opts: { metrics?: ProcessMetric[]; only?: string[] } = {},
): Promise<{ period: string; rows: number }> {
  const all = opts.metrics ?? (await processMetrics(deps, tenantId));
  const defs = opts.only ? all.filter((m) => opts.only!.includes(m.metric)) : all;
  const rows = await buildPeriodRows(deps.db, tenantId, period, defs, !opts.only);
  const metrics = [...defs.map((m) => m.metric), ...(opts.only ? [] : [...RESULT_METRICS, ...HEALTH_METRICS])];
  await deps.db.transaction((tx) => store.replaceAttainment(tx, tenantId, metrics, period, null, rows, deps.now()));
  return { period, rows: rows.length };
}

async function buildPeriodRows(db: Sql, tenantId: string, period: string, defs: ProcessMetric[], builtins: boolean): Promise<store.AttainmentRow[]> {
  const facts = await actionFacts(db, tenantId, monthRange(period));
  // Reps with facts, and reps that had rows (so a rep whose facts went away reads 0, not stale).
  const reps = new Set([...facts.map((f) => f.repId), ...(defs.length ? await store.repsWithAttainment(db, tenantId, period, defs.map((m) => m.metric)) : [])]);
  const units = await unitsOf(db, tenantId, reps);
  const rows = processRows(defs, facts, period, reps, units);
  if (builtins) rows.push(...(await builtinRows(db, tenantId, period)));
  return rows;
}

/**
 * G4 filters (ADR 0009): one metric's rows for some months computed from a customer segment's facts only
 * (not stored; the board sums them like goal_attainment). Same rules as the live numbers.
 */
export async function segmentRows(
  deps: AttainmentDeps,
  tenantId: string,
  metric: string,
  months: string[],
  segment: Segment,
  /** Only these people's actions (the node's people; contracts are summed per owner anyway). */
  repIds?: readonly string[],
): Promise<store.AttainmentRow[]> {
  if (!months.length) return [];
  const builtin = (RESULT_METRICS as readonly string[]).includes(metric) || (HEALTH_METRICS as readonly string[]).includes(metric);
  if (builtin) {
    const rows: store.AttainmentRow[] = [];
    for (const m of months) rows.push(...(await builtinRows(deps.db, tenantId, m, segment)).filter((r) => r.metric === metric));
    return rows;
  }
  const def = (await processMetrics(deps, tenantId)).find((m) => m.metric === metric);
  if (!def || !segment.customerIds.length) return [];
  // Only the action types the definition looks at (a count of check-ins needs no demos).
  const types = [...new Set([...def.def.counts.actionTypes, ...(def.def.of?.actionTypes ?? [])])];
  const range = { from: monthRange(months[0]).from, to: monthRange(months[months.length - 1]).to, customerIds: segment.customerIds, types, repIds };
  if (!hasFieldFilters(def.def)) {
    // No field filters: the database counts the actions (a company-wide view is a million facts).
    const counts = await actionCounts(deps.db, tenantId, range);
    const units = await unitsOf(deps.db, tenantId, counts.map((c) => c.repId));
    return months.flatMap((m) =>
      [...evaluateCounts(def.def, counts.filter((c) => c.month === m))].map(([repId, v]) => ({
        metric: def.metric, period: m, repId, ...(units.get(repId) ?? { teamId: null, regionId: null }), numerator: v.numerator, denominator: v.denominator, definitionVersion: def.version,
      })),
    );
  }
  const facts = await actionFacts(deps.db, tenantId, range);
  const byMonth = new Map<string, ActionFact[]>();
  for (const f of facts) {
    const m = monthOf(f.occurredAt);
    if (!byMonth.has(m)) byMonth.set(m, []);
    byMonth.get(m)!.push(f);
  }
  const units = await unitsOf(deps.db, tenantId, facts.map((f) => f.repId));
  return months.flatMap((m) => {
    const list = byMonth.get(m) ?? [];
    return processRows([def], list, m, list.map((f) => f.repId), units);
  });
}

/** Every month of a year up to `until` (the demo's first start, a manual rebuild). */
export async function rebuildYear(deps: AttainmentDeps, tenantId: string, year: number, until = deps.now()): Promise<number> {
  const metrics = await processMetrics(deps, tenantId);
  const last = monthOf(until);
  let rows = 0;
  for (const m of monthsOf(year)) {
    if (m > last) break;
    rows += (await rebuildPeriod(deps, tenantId, m, { metrics })).rows;
  }
  return rows;
}

/**
 * G7: a new version of goals.metrics.<key> is active. Every month of the current and previous year
 * with attainment for the metric is recomputed with it; goal_recomputes and the audit log keep the
 * before/after totals per period, in the same transaction as the new numbers.
 */
export async function recomputeDefinition(deps: AttainmentDeps, e: ConfigActivated): Promise<{ periods: string[] } | undefined> {
  if (!e.key.startsWith(METRIC_PREFIX)) return undefined;
  const metric = e.key.slice(METRIC_PREFIX.length);
  const parsed = MetricDefinition.safeParse(e.value);
  if (!parsed.success) return undefined;
  const def: ProcessMetric = { metric, key: e.key, version: e.version, def: parsed.data };
  const year = new Date(deps.now().getTime() + 8 * 3_600_000).getUTCFullYear();
  const periods = await store.monthsWithAttainment(deps.db, e.tenantId, metric, `${year - 1}-01`, `${year}-12`);
  if (!periods.length) return { periods };
  const before = await store.periodTotals(deps.db, e.tenantId, metric, periods);
  const byPeriod = new Map<string, store.AttainmentRow[]>();
  for (const p of periods) byPeriod.set(p, await buildPeriodRows(deps.db, e.tenantId, p, [def], false));
  const after: Record<string, { numerator: number; denominator: number | null }> = {};
  for (const [p, rows] of byPeriod) {
    after[p] = {
      numerator: rows.reduce((s, r) => s + r.numerator, 0),
      denominator: def.def.kind === 'ratio' ? rows.reduce((s, r) => s + (r.denominator ?? 0), 0) : null,
    };
  }
  const at = deps.now();
  const id = crypto.randomUUID();
  const fromVersion = e.previous?.version ?? null;
  await deps.db.transaction(async (tx) => {
    for (const [p, rows] of byPeriod) await store.replaceAttainment(tx, e.tenantId, [metric], p, null, rows, at);
    await store.insertRecompute(tx, e.tenantId, { id, metric, fromVersion, toVersion: e.version, periods, before, after, at });
    await writeAudit(tx, systemCtx(e.tenantId, `goals.recompute:${id}`), {
      action: 'goals.recompute',
      resource: 'GoalAttainment',
      recordId: metric,
      before: { version: fromVersion, totals: before },
      after: { version: e.version, totals: after, periods, activatedBy: e.actorId },
    });
  });
  return { periods };
}
