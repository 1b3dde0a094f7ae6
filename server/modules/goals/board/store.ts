// G4 board reads: org units, targets (goal_targets) and attainment sums (goal_attainment). Plain SQL,
// read-only; every query is narrowed by tenant.
import type { Sql } from '../../../platform/db/db.js';

export type GroupBy = 'region_id' | 'team_id' | 'rep_id';
export interface NodeFilter {
  regionId?: string;
  teamId?: string;
  repId?: string;
}
export interface Sum {
  key: string | null;
  num: number;
  den: number | null;
}

export async function regions(db: Sql, tenantId: string, id?: string) {
  const p: unknown[] = [tenantId];
  const r = await db.query<{ id: string; name: string }>(
    `select id, name from regions where tenant_id = $1 ${id ? `and id = $${p.push(id)}` : ''} order by code`,
    p,
  );
  return r.rows;
}

export async function teams(db: Sql, tenantId: string, f: { id?: string; regionId?: string }) {
  const p: unknown[] = [tenantId];
  const c = [f.id ? `and id = $${p.push(f.id)}` : '', f.regionId ? `and region_id = $${p.push(f.regionId)}` : ''].join(' ');
  const r = await db.query<{ id: string; name: string; region_id: string }>(`select id, name, region_id from teams where tenant_id = $1 ${c} order by name, id`, p);
  return r.rows.map((x) => ({ id: x.id, name: x.name, regionId: x.region_id }));
}

export async function reps(db: Sql, tenantId: string, f: { id?: string; teamId?: string }) {
  const p: unknown[] = [tenantId];
  const c = f.id ? `and id = $${p.push(f.id)}` : `and role = 'rep' and team_id = $${p.push(f.teamId)}`;
  const r = await db.query<{ id: string; display_name: string; team_id: string | null; region_id: string | null }>(
    `select id, display_name, team_id, region_id from users where tenant_id = $1 ${c} order by display_name, id`,
    p,
  );
  return r.rows.map((x) => ({ id: x.id, name: x.display_name, teamId: x.team_id, regionId: x.region_id }));
}

/** Everyone in a unit (any role: a manager's own visits count for them too), for narrowing fact reads. */
export async function peopleIn(db: Sql, tenantId: string, f: NodeFilter): Promise<string[]> {
  if (f.repId) return [f.repId];
  const p: unknown[] = [tenantId];
  const r = await db.query<{ id: string }>(`select id from users where tenant_id = $1 ${where(p, { regionId: f.regionId, teamId: f.teamId })}`, p);
  return r.rows.map((x) => x.id);
}

/** Target values of nodes of one kind for one metric and the given periods, keyed `${nodeId}|${period}`. */
export async function targets(
  db: Sql,
  tenantId: string,
  f: { year: number; metric: string; periods: string[]; nodeKind: string; nodeIds: (string | null)[]; productLine?: string },
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const ids = f.nodeIds.filter((x): x is string => x !== null);
  const p: unknown[] = [tenantId, f.year, f.metric, f.periods, f.nodeKind];
  const node = f.nodeKind === 'company' ? 'and t.node_id is null' : `and t.node_id = any($${p.push(ids)}::uuid[])`;
  const pl = f.productLine ? `and t.product_line = $${p.push(f.productLine)}` : 'and t.product_line is null';
  const r = await db.query<{ node_id: string | null; period: string; value: string }>(
    `select t.node_id, t.period, t.value from goal_targets t join goal_plans g on g.tenant_id = t.tenant_id and g.id = t.plan_id
      where t.tenant_id = $1 and g.year = $2 and t.metric = $3 and t.period = any($4::text[]) and t.node_kind = $5 ${node} ${pl}`,
    p,
  );
  for (const x of r.rows) out.set(`${x.node_id ?? ''}|${x.period}`, Number(x.value));
  return out;
}

function where(p: unknown[], f: NodeFilter): string {
  return [
    f.regionId ? `and region_id = $${p.push(f.regionId)}` : '',
    f.teamId ? `and team_id = $${p.push(f.teamId)}` : '',
    f.repId ? `and rep_id = $${p.push(f.repId)}` : '',
  ].join(' ');
}

/** Σ numerator (and Σ denominator when the metric is a ratio) over the months, grouped. */
export async function attainment(db: Sql, tenantId: string, metric: string, months: string[], f: NodeFilter, groupBy?: GroupBy): Promise<Sum[]> {
  const p: unknown[] = [tenantId, metric, months];
  const w = where(p, f);
  const key = groupBy ? `${groupBy}::text` : 'null::text';
  const r = await db.query<{ key: string | null; num: string | null; den: string | null; dens: number }>(
    `select ${key} as key, sum(numerator) as num, sum(denominator) as den, count(denominator)::int as dens
       from goal_attainment where tenant_id = $1 and metric = $2 and period = any($3::text[]) ${w}
      group by 1`,
    p,
  );
  return r.rows.map((x) => ({ key: x.key, num: Number(x.num ?? 0), den: x.dens > 0 ? Number(x.den ?? 0) : null }));
}

/** Σ per month for the trend line. */
export async function monthly(db: Sql, tenantId: string, metric: string, months: string[], f: NodeFilter): Promise<Map<string, Sum>> {
  const p: unknown[] = [tenantId, metric, months];
  const w = where(p, f);
  const r = await db.query<{ period: string; num: string | null; den: string | null; dens: number }>(
    `select period, sum(numerator) as num, sum(denominator) as den, count(denominator)::int as dens
       from goal_attainment where tenant_id = $1 and metric = $2 and period = any($3::text[]) ${w} group by period`,
    p,
  );
  return new Map(r.rows.map((x) => [x.period, { key: x.period, num: Number(x.num ?? 0), den: x.dens > 0 ? Number(x.den ?? 0) : null }]));
}

/** [from, to) of a list of consecutive months, as instants in the tenant's time zone. */
export async function monthBounds(db: Sql, first: string, last: string, tz: string): Promise<{ from: Date; to: Date }> {
  const r = await db.query<{ f: Date; t: Date }>(
    `select ($1::timestamp at time zone $3) as f, (($2::timestamp + interval '1 month') at time zone $3) as t`,
    [`${first}-01 00:00:00`, `${last}-01 00:00:00`, tz],
  );
  return { from: new Date(r.rows[0].f), to: new Date(r.rows[0].t) };
}
