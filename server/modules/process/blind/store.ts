// SQL for P7 blind verification: blind_samples and blind_checks, and the reads of the process
// module's own visits and visit_actions the draw needs. Every function takes tenantId; access
// narrowing arrives as a ready SQL fragment from the service (accessWhere).
import type { Sql } from '../../../platform/db/db.js';
import type { CallScript } from './sample.js';

export type Outcome = 'confirmed' | 'not_happened' | 'items_not_mentioned' | 'unreachable';

export interface SampleRow {
  id: string;
  period: string;
  seed: string;
  rate: number;
  population: number;
  drawn: number;
  rule_version: string;
  created_at: Date;
}

export interface CheckRow {
  id: string;
  sample_id: string;
  period: string;
  visit_id: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  inspector_id: string | null;
  script: CallScript;
  outcome: Outcome | null;
  note: string;
  checked_at: Date | null;
  version: number;
}

/** API field → column, for access rules. */
export const CHECK_COLUMNS = { id: 'c.id', repId: 'c.rep_id', teamId: 'c.team_id', regionId: 'c.region_id' } as const;

export interface PopulationVisit {
  id: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  customer_id: string;
  purpose: string;
  at: Date;
}

/**
 * The month's visits that claim to have happened: those with an action other than the appointment
 * (not superseded), dated by the first such action, which falls in [from, to).
 */
export async function populationOf(db: Sql, tenantId: string, from: Date, to: Date): Promise<PopulationVisit[]> {
  const r = await db.query<PopulationVisit>(
    `select v.id, v.rep_id, v.team_id, v.region_id, v.customer_id, v.purpose, min(a.occurred_at) as at
       from visits v
       join visit_actions a on a.tenant_id = v.tenant_id and a.visit_id = v.id
      where v.tenant_id = $1 and a.type <> 'appointment' and not a.superseded
        and a.occurred_at < $3 and a.occurred_at >= $2::timestamptz - interval '40 days'
      group by v.id, v.rep_id, v.team_id, v.region_id, v.customer_id, v.purpose
     having min(a.occurred_at) >= $2 and min(a.occurred_at) < $3
      order by v.id`,
    [tenantId, from, to],
  );
  return r.rows;
}

export interface ActionText {
  visit_id: string;
  type: string;
  occurred_at: Date;
  fields: Record<string, unknown>;
  note: string;
}

export async function actionsOf(db: Sql, tenantId: string, visitIds: readonly string[]): Promise<ActionText[]> {
  if (!visitIds.length) return [];
  const r = await db.query<ActionText>(
    `select visit_id, type, occurred_at, fields, note from visit_actions
      where tenant_id = $1 and visit_id = any($2::uuid[]) and not superseded order by visit_id, occurred_at, id`,
    [tenantId, [...visitIds]],
  );
  return r.rows;
}

const SAMPLE_SELECT = `id, period, seed, rate, population, drawn, rule_version, created_at`;

export async function sampleOf(db: Sql, tenantId: string, period: string): Promise<SampleRow | undefined> {
  return (await db.query<SampleRow>(`select ${SAMPLE_SELECT} from blind_samples where tenant_id = $1 and period = $2`, [tenantId, period])).rows[0];
}

/** Inserts the month's sample once; false when the month already has one. */
export async function insertSample(tx: Sql, tenantId: string, s: SampleRow): Promise<boolean> {
  const r = await tx.query(
    `insert into blind_samples (tenant_id, id, period, seed, rate, population, drawn, rule_version, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (tenant_id, period) do nothing returning id`,
    [tenantId, s.id, s.period, s.seed, s.rate, s.population, s.drawn, s.rule_version, s.created_at],
  );
  return r.rows.length > 0;
}

export async function insertCheck(
  tx: Sql,
  tenantId: string,
  c: Pick<CheckRow, 'id' | 'sample_id' | 'visit_id' | 'rep_id' | 'team_id' | 'region_id' | 'inspector_id' | 'script'>,
): Promise<void> {
  await tx.query(
    `insert into blind_checks (tenant_id, id, sample_id, visit_id, rep_id, team_id, region_id, inspector_id, script)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
    [tenantId, c.id, c.sample_id, c.visit_id, c.rep_id, c.team_id, c.region_id, c.inspector_id, JSON.stringify(c.script)],
  );
}

const CHECK_SELECT = `c.id, c.sample_id, s.period, c.visit_id, c.rep_id, c.team_id, c.region_id, c.inspector_id, c.script, c.outcome, c.note, c.checked_at, c.version`;
const CHECK_FROM = `blind_checks c join blind_samples s on s.tenant_id = c.tenant_id and s.id = c.sample_id`;

export interface CheckFilter {
  inspectorId?: string;
  pending?: boolean;
  period?: string;
  repId?: string;
}

export async function listChecks(
  db: Sql,
  tenantId: string,
  access: { sql: string; params: unknown[] },
  f: CheckFilter,
  limit: number,
  offset: number,
): Promise<{ rows: CheckRow[]; total: number }> {
  const params: unknown[] = [...access.params, tenantId];
  const conds = [`c.tenant_id = $${params.length}`, `(${access.sql})`];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    conds.push(sql.replace('?', `$${params.length}`));
  };
  if (f.inspectorId) add('c.inspector_id = ?', f.inspectorId);
  if (f.period) add('s.period = ?', f.period);
  if (f.repId) add('c.rep_id = ?', f.repId);
  if (f.pending) conds.push('c.outcome is null');
  const where = conds.join(' and ');
  const total = (await db.query<{ n: number }>(`select count(*)::int as n from ${CHECK_FROM} where ${where}`, params)).rows[0].n;
  params.push(limit, offset);
  const r = await db.query<CheckRow>(
    `select ${CHECK_SELECT} from ${CHECK_FROM} where ${where}
      order by s.period desc, (c.outcome is null) desc, c.script->>'date', c.id limit $${params.length - 1} offset $${params.length}`,
    params,
  );
  return { rows: r.rows, total: Number(total) };
}

export async function checkById(db: Sql, tenantId: string, id: string, forUpdate = false): Promise<CheckRow | undefined> {
  const r = await db.query<CheckRow>(`select ${CHECK_SELECT} from ${CHECK_FROM} where c.tenant_id = $1 and c.id = $2${forUpdate ? ' for update of c' : ''}`, [tenantId, id]);
  return r.rows[0];
}

/** Records an outcome when the row still has `version`; false when someone else changed it first. */
export async function recordOutcome(
  tx: Sql,
  tenantId: string,
  id: string,
  version: number,
  o: { outcome: Outcome; note: string; inspectorId: string | null; at: Date },
): Promise<boolean> {
  const r = await tx.query(
    `update blind_checks set outcome = $4, note = $5, inspector_id = coalesce($6, inspector_id), checked_at = $7, version = version + 1
      where tenant_id = $1 and id = $2 and version = $3 returning id`,
    [tenantId, id, version, o.outcome, o.note, o.inspectorId, o.at],
  );
  return r.rows.length > 0;
}

export interface RepTally {
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  drawn: number;
  checked: number;
  confirmed: number;
  not_happened: number;
  items_not_mentioned: number;
  unreachable: number;
}

/** Per rep: the month's drawn checks and their outcomes. */
export async function tallies(db: Sql, tenantId: string, period: string, access?: { sql: string; params: unknown[] }): Promise<RepTally[]> {
  const params: unknown[] = [...(access?.params ?? []), tenantId, period];
  const r = await db.query<RepTally>(
    `select c.rep_id, min(c.team_id::text)::uuid as team_id, min(c.region_id::text)::uuid as region_id,
            count(*)::int as drawn,
            count(c.outcome)::int as checked,
            count(*) filter (where c.outcome = 'confirmed')::int as confirmed,
            count(*) filter (where c.outcome = 'not_happened')::int as not_happened,
            count(*) filter (where c.outcome = 'items_not_mentioned')::int as items_not_mentioned,
            count(*) filter (where c.outcome = 'unreachable')::int as unreachable
       from ${CHECK_FROM}
      where c.tenant_id = $${params.length - 1} and s.period = $${params.length} and (${access?.sql ?? 'true'})
      group by c.rep_id order by c.rep_id`,
    params,
  );
  return r.rows;
}
