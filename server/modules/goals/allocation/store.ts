// G3 SQL: goal targets read and written by the allocation assistant and acceptance, and last
// year's attainment (signed amounts come from pipeline/lookup.ts, customers from customers/lookup.ts).
import type { Sql } from '../../../platform/db/db.js';

export interface TargetRow {
  id: string;
  plan_id: string;
  tier: string;
  metric: string;
  period: string;
  node_kind: 'company' | 'region' | 'team' | 'rep';
  node_id: string | null;
  product_line: string | null;
  value: number;
  parent_id: string | null;
  proposed_value: number | null;
  basis: unknown;
  acceptance: 'pending' | 'accepted' | 'contested' | null;
  acceptance_reason: string | null;
  accepted_by: string | null;
  accepted_at: Date | null;
  version: number;
  updated_at: Date;
  year: number;
}

const SELECT = `t.id, t.plan_id, t.tier, t.metric, t.period, t.node_kind, t.node_id, t.product_line, t.value::float8 as value,
  t.parent_id, t.proposed_value::float8 as proposed_value, t.basis, t.acceptance, t.acceptance_reason, t.accepted_by, t.accepted_at,
  t.version, t.updated_at, p.year`;
const FROM = `goal_targets t join goal_plans p on p.tenant_id = t.tenant_id and p.id = t.plan_id`;

export async function targetById(db: Sql, tenantId: string, id: string): Promise<TargetRow | undefined> {
  return (await db.query<TargetRow>(`select ${SELECT} from ${FROM} where t.tenant_id = $1 and t.id = $2`, [tenantId, id])).rows[0];
}

/** The target of one node with the same plan, metric, period and product line as `like`. */
export async function targetByKey(
  db: Sql,
  tenantId: string,
  k: { planId: string; metric: string; period: string; nodeKind: string; nodeId: string | null; productLine: string | null },
): Promise<TargetRow | undefined> {
  return (
    await db.query<TargetRow>(
      `select ${SELECT} from ${FROM} where t.tenant_id = $1 and t.plan_id = $2 and t.metric = $3 and t.period = $4 and t.node_kind = $5
         and t.node_id is not distinct from $6::uuid and coalesce(t.product_line, '') = coalesce($7::text, '')`,
      [tenantId, k.planId, k.metric, k.period, k.nodeKind, k.nodeId, k.productLine],
    )
  ).rows[0];
}

export async function insertTarget(
  tx: Sql,
  tenantId: string,
  t: {
    id: string; planId: string; tier: string; metric: string; period: string; nodeKind: string; nodeId: string | null; productLine: string | null;
    value: number; parentId: string | null; proposedValue: number | null; basis: unknown; acceptance: string | null; by: string | null; at: Date;
  },
): Promise<void> {
  await tx.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, product_line, value, parent_id,
       proposed_value, basis, acceptance, version, updated_by, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,1,$15,$16)`,
    [tenantId, t.id, t.planId, t.tier, t.metric, t.period, t.nodeKind, t.nodeId, t.productLine, t.value, t.parentId, t.proposedValue,
      t.basis === null ? null : JSON.stringify(t.basis), t.acceptance, t.by, t.at],
  );
}

/** Re-allocates an existing child: new value, proposal and basis; acceptance restarts when asked. */
export async function updateAllocated(
  tx: Sql,
  tenantId: string,
  id: string,
  u: { value: number; parentId: string; proposedValue: number | null; basis: unknown; acceptance: string | null; resetAcceptance: boolean; by: string | null; at: Date },
): Promise<number> {
  const r = await tx.query<{ version: number }>(
    `update goal_targets set value = $3, parent_id = $4, proposed_value = $5, basis = $6,
        acceptance = case when $7::boolean then $8::text else acceptance end,
        acceptance_reason = case when $7::boolean then null else acceptance_reason end,
        accepted_by = case when $7::boolean then null else accepted_by end,
        accepted_at = case when $7::boolean then null else accepted_at end,
        version = version + 1, updated_by = $9, updated_at = $10
      where tenant_id = $1 and id = $2 returning version`,
    [tenantId, id, u.value, u.parentId, u.proposedValue, JSON.stringify(u.basis), u.resetAcceptance, u.acceptance, u.by, u.at],
  );
  return r.rows[0].version;
}

export async function insertHistory(tx: Sql, tenantId: string, h: { targetId: string; version: number; value: number; reason: string; by: string | null; at: Date }) {
  await tx.query(
    `insert into goal_target_history (tenant_id, target_id, version, value, reason, changed_by, changed_at) values ($1,$2,$3,$4,$5,$6,$7)
     on conflict (tenant_id, target_id, version) do nothing`,
    [tenantId, h.targetId, h.version, h.value, h.reason, h.by, h.at],
  );
}

export async function setAcceptance(
  tx: Sql,
  tenantId: string,
  id: string,
  version: number,
  a: { acceptance: 'accepted' | 'contested'; reason: string | null; by: string | null; at: Date },
): Promise<TargetRow | undefined> {
  const r = await tx.query<{ id: string }>(
    `update goal_targets set acceptance = $4, acceptance_reason = $5, accepted_by = $6, accepted_at = $7, version = version + 1, updated_by = $6, updated_at = $7
      where tenant_id = $1 and id = $2 and version = $3 returning id`,
    [tenantId, id, version, a.acceptance, a.reason, a.by, a.at],
  );
  return r.rows[0] ? targetById(tx, tenantId, id) : undefined;
}

/** Non-rep targets (possible allocation parents), optionally narrowed. */
export async function listTargets(db: Sql, tenantId: string, f: { year?: number; metric?: string; period?: string; nodeKind?: string; nodeId?: string; parentsOnly?: boolean }) {
  const params: unknown[] = [tenantId];
  const conds = ['t.tenant_id = $1'];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    conds.push(sql.replace('?', `$${params.length}`));
  };
  if (f.year !== undefined) add('p.year = ?', f.year);
  if (f.metric) add('t.metric = ?', f.metric);
  if (f.period) add('t.period = ?', f.period);
  if (f.nodeKind) add('t.node_kind = ?', f.nodeKind);
  if (f.nodeId) add('t.node_id = ?', f.nodeId);
  if (f.parentsOnly) conds.push(`t.node_kind <> 'rep'`);
  return (await db.query<TargetRow>(`select ${SELECT} from ${FROM} where ${conds.join(' and ')} order by p.year, t.metric, t.period, t.node_kind, t.node_id limit 2000`, params)).rows;
}

export async function childrenOf(db: Sql, tenantId: string, parentId: string) {
  return (await db.query<TargetRow>(`select ${SELECT} from ${FROM} where t.tenant_id = $1 and t.parent_id = $2`, [tenantId, parentId])).rows;
}

/** Rep targets of a period with the acceptance state (for the acceptance rate). */
export async function repTargets(db: Sql, tenantId: string, period: string) {
  return (
    await db.query<{ id: string; node_id: string; metric: string; acceptance: string | null }>(
      `select id, node_id, metric, acceptance from goal_targets where tenant_id = $1 and period = $2 and node_kind = 'rep' and node_id is not null`,
      [tenantId, period],
    )
  ).rows;
}

/**
 * Last year's attainment per node of a metric: Σ attainment numerator over the period's months
 * ÷ that node's target of the period. Only nodes with a positive target appear.
 */
export async function attainmentOf(
  db: Sql,
  tenantId: string,
  q: { year: number; metric: string; period: string; months: string[]; nodeKind: 'region' | 'team' | 'rep' },
): Promise<Map<string, number>> {
  const col = q.nodeKind === 'rep' ? 'rep_id' : q.nodeKind === 'team' ? 'team_id' : 'region_id';
  const r = await db.query<{ node_id: string; target: number; actual: number }>(
    `select t.node_id, t.value::float8 as target, coalesce((select sum(a.numerator)::float8 from goal_attainment a
        where a.tenant_id = t.tenant_id and a.metric = t.metric and a.period = any($5::text[]) and a.${col} = t.node_id), 0) as actual
       from goal_targets t join goal_plans p on p.tenant_id = t.tenant_id and p.id = t.plan_id
      where t.tenant_id = $1 and p.year = $2 and t.metric = $3 and t.period = $4 and t.node_kind = $6 and t.product_line is null and t.value > 0`,
    [tenantId, q.year, q.metric, q.period, q.months, q.nodeKind],
  );
  return new Map(r.rows.map((x) => [x.node_id, x.actual / x.target]));
}
