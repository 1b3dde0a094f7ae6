// SQL for the core goal tables (goal_plans, goal_targets, goal_target_history, goal_attainment,
// goal_recomputes). Every function takes tenantId; snake_case rows stay here and in service.ts.
import crypto from 'node:crypto';
import type { Sql } from '../../platform/db/db.js';

export type Tier = 'result' | 'health' | 'process';
export type NodeKind = 'company' | 'region' | 'team' | 'rep';

export interface PlanRow {
  id: string;
  year: number;
  name: string;
  created_by: string | null;
  created_at: Date;
}

export interface TargetRow {
  id: string;
  plan_id: string;
  tier: Tier;
  metric: string;
  period: string;
  node_kind: NodeKind;
  node_id: string | null;
  product_line: string | null;
  value: string;
  original_value: string | null;
  effective_from: string | null;
  parent_id: string | null;
  acceptance: string | null;
  version: number;
  updated_by: string | null;
  updated_at: Date;
}

const TARGET = `id, plan_id, tier, metric, period, node_kind, node_id, product_line, value::text as value, original_value::text as original_value,
  effective_from::text as effective_from, parent_id, acceptance, version, updated_by, updated_at`;

export async function planByYear(db: Sql, tenantId: string, year: number): Promise<PlanRow | undefined> {
  return (await db.query<PlanRow>('select id, year, name, created_by, created_at from goal_plans where tenant_id = $1 and year = $2', [tenantId, year])).rows[0];
}

/** Inserts the plan unless the year has one; returns the year's plan either way. */
export async function insertPlan(db: Sql, tenantId: string, p: { year: number; name: string; createdBy: string | null; at: Date }): Promise<{ plan: PlanRow; created: boolean }> {
  const r = await db.query<PlanRow>(
    `insert into goal_plans (tenant_id, id, year, name, created_by, created_at) values ($1, $2, $3, $4, $5, $6)
     on conflict (tenant_id, year) do nothing returning id, year, name, created_by, created_at`,
    [tenantId, crypto.randomUUID(), p.year, p.name, p.createdBy, p.at],
  );
  if (r.rows[0]) return { plan: r.rows[0], created: true };
  return { plan: (await planByYear(db, tenantId, p.year))!, created: false };
}

export interface TargetKey {
  planId: string;
  metric: string;
  period: string;
  nodeKind: NodeKind;
  nodeId: string | null;
  productLine: string | null;
}

export async function targetByKey(db: Sql, tenantId: string, k: TargetKey, forUpdate = false): Promise<TargetRow | undefined> {
  const r = await db.query<TargetRow>(
    `select ${TARGET} from goal_targets
      where tenant_id = $1 and plan_id = $2 and metric = $3 and period = $4 and node_kind = $5
        and node_id is not distinct from $6::uuid and product_line is not distinct from $7::text ${forUpdate ? 'for update' : ''}`,
    [tenantId, k.planId, k.metric, k.period, k.nodeKind, k.nodeId, k.productLine],
  );
  return r.rows[0];
}

export async function targetById(db: Sql, tenantId: string, id: string): Promise<TargetRow | undefined> {
  return (await db.query<TargetRow>(`select ${TARGET} from goal_targets where tenant_id = $1 and id = $2`, [tenantId, id])).rows[0];
}

/** Targets of one metric in some periods (any node), for tree and roll-up views. */
export async function targetsOf(db: Sql, tenantId: string, f: { planId: string; metric: string; periods: string[]; productLine: string | null }): Promise<TargetRow[]> {
  return (
    await db.query<TargetRow>(
      `select ${TARGET} from goal_targets
        where tenant_id = $1 and plan_id = $2 and metric = $3 and period = any($4::text[]) and product_line is not distinct from $5::text`,
      [tenantId, f.planId, f.metric, f.periods, f.productLine],
    )
  ).rows;
}

export async function listTargets(db: Sql, tenantId: string, f: { planId: string; metric?: string; period?: string }): Promise<TargetRow[]> {
  const params: unknown[] = [tenantId, f.planId];
  const more = [f.metric ? `and metric = $${params.push(f.metric)}` : '', f.period ? `and period = $${params.push(f.period)}` : ''].join(' ');
  return (await db.query<TargetRow>(`select ${TARGET} from goal_targets where tenant_id = $1 and plan_id = $2 ${more} order by metric, period, node_kind, id`, params)).rows;
}

export async function insertTarget(
  tx: Sql,
  tenantId: string,
  t: TargetKey & { id: string; tier: Tier; value: number; parentId: string | null; by: string | null; at: Date },
): Promise<void> {
  await tx.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, product_line, value, parent_id, version, updated_by, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13)`,
    [tenantId, t.id, t.planId, t.tier, t.metric, t.period, t.nodeKind, t.nodeId, t.productLine, t.value, t.parentId, t.by, t.at],
  );
}

export async function updateTargetValue(tx: Sql, tenantId: string, id: string, u: { value: number; parentId: string | null; by: string | null; at: Date }): Promise<number> {
  const r = await tx.query<{ version: number }>(
    `update goal_targets set value = $3, parent_id = coalesce($4, parent_id), version = version + 1, updated_by = $5, updated_at = $6
      where tenant_id = $1 and id = $2 returning version`,
    [tenantId, id, u.value, u.parentId, u.by, u.at],
  );
  return r.rows[0].version;
}

export async function insertHistory(tx: Sql, tenantId: string, h: { targetId: string; version: number; value: number; reason: string; by: string | null; at: Date }) {
  await tx.query(
    `insert into goal_target_history (tenant_id, target_id, version, value, reason, changed_by, changed_at) values ($1, $2, $3, $4, $5, $6, $7)`,
    [tenantId, h.targetId, h.version, h.value, h.reason, h.by, h.at],
  );
}

export async function historyOf(db: Sql, tenantId: string, targetId: string) {
  return (
    await db.query<{ version: number; value: string; reason: string; changed_by: string | null; changed_at: Date }>(
      `select version, value::text as value, reason, changed_by, changed_at from goal_target_history where tenant_id = $1 and target_id = $2 order by version`,
      [tenantId, targetId],
    )
  ).rows;
}

// ── attainment ───────────────────────────────────────────────────────────────────────────────

export interface AttainmentRow {
  metric: string;
  period: string;
  repId: string;
  teamId: string | null;
  regionId: string | null;
  numerator: number;
  denominator: number | null;
  definitionVersion: number;
}

/** Replaces the rows of these metrics and period for these reps (or all reps when `reps` is null). */
export async function replaceAttainment(tx: Sql, tenantId: string, metrics: string[], period: string, reps: string[] | null, rows: AttainmentRow[], at: Date): Promise<void> {
  if (reps) await tx.query('delete from goal_attainment where tenant_id = $1 and metric = any($2::text[]) and period = $3 and rep_id = any($4::uuid[])', [tenantId, metrics, period, reps]);
  else await tx.query('delete from goal_attainment where tenant_id = $1 and metric = any($2::text[]) and period = $3', [tenantId, metrics, period]);
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const params: unknown[] = [tenantId, at];
    const values = chunk.map((r) => {
      const b = params.length;
      params.push(r.metric, r.period, r.repId, r.teamId, r.regionId, r.numerator, r.denominator, r.definitionVersion);
      return `($1, $${b + 1}, $${b + 2}, $${b + 3}::uuid, $${b + 4}::uuid, $${b + 5}::uuid, $${b + 6}, $${b + 7}, $${b + 8}, $2)`;
    });
    await tx.query(
      `insert into goal_attainment (tenant_id, metric, period, rep_id, team_id, region_id, numerator, denominator, definition_version, computed_at) values ${values.join(', ')}`,
      params,
    );
  }
}

/** Σ numerator and Σ denominator of a metric over months, for a node (rep / team / region / company). */
export async function attainmentSum(
  db: Sql,
  tenantId: string,
  f: { metric: string; months: string[]; nodeKind: NodeKind; nodeId: string | null },
): Promise<{ numerator: number; denominator: number | null }> {
  const params: unknown[] = [tenantId, f.metric, f.months];
  const col = { company: null, region: 'region_id', team: 'team_id', rep: 'rep_id' }[f.nodeKind];
  const node = col ? `and ${col} = $${params.push(f.nodeId)}::uuid` : '';
  const r = await db.query<{ num: string | null; den: string | null }>(
    `select sum(numerator)::text as num, sum(denominator)::text as den from goal_attainment where tenant_id = $1 and metric = $2 and period = any($3::text[]) ${node}`,
    params,
  );
  const x = r.rows[0];
  return { numerator: Number(x?.num ?? 0), denominator: x?.den == null ? null : Number(x.den) };
}

/** Per-period totals of a metric (for recompute before/after summaries). */
export async function periodTotals(db: Sql, tenantId: string, metric: string, periods: string[]): Promise<Record<string, { numerator: number; denominator: number | null }>> {
  const r = await db.query<{ period: string; num: string; den: string | null }>(
    `select period, sum(numerator)::text as num, sum(denominator)::text as den from goal_attainment
      where tenant_id = $1 and metric = $2 and period = any($3::text[]) group by period order by period`,
    [tenantId, metric, periods],
  );
  const out: Record<string, { numerator: number; denominator: number | null }> = {};
  for (const p of periods) out[p] = { numerator: 0, denominator: null };
  for (const x of r.rows) out[x.period] = { numerator: Number(x.num), denominator: x.den == null ? null : Number(x.den) };
  return out;
}

/** Months in [fromMonth, toMonth] that have attainment rows for the metric. */
export async function monthsWithAttainment(db: Sql, tenantId: string, metric: string, fromMonth: string, toMonth: string): Promise<string[]> {
  const r = await db.query<{ period: string }>(
    `select distinct period from goal_attainment where tenant_id = $1 and metric = $2 and period >= $3 and period <= $4 order by period`,
    [tenantId, metric, fromMonth, toMonth],
  );
  return r.rows.map((x) => x.period);
}

/** Reps with attainment rows of a period (to zero those whose facts went away on a rebuild). */
export async function repsWithAttainment(db: Sql, tenantId: string, period: string, metrics: string[]): Promise<string[]> {
  const r = await db.query<{ rep_id: string }>('select distinct rep_id from goal_attainment where tenant_id = $1 and period = $2 and metric = any($3::text[])', [tenantId, period, metrics]);
  return r.rows.map((x) => x.rep_id);
}

export async function insertRecompute(
  tx: Sql,
  tenantId: string,
  r: { id: string; metric: string; fromVersion: number | null; toVersion: number; periods: string[]; before: unknown; after: unknown; at: Date },
) {
  await tx.query(
    `insert into goal_recomputes (tenant_id, id, metric, from_version, to_version, periods, before, after, created_at) values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
    [tenantId, r.id, r.metric, r.fromVersion, r.toVersion, r.periods, JSON.stringify(r.before), JSON.stringify(r.after), r.at],
  );
}
