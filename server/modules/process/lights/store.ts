// SQL for P6 lights: process_lights, and the reads of the process module's own visits and
// visit_actions the job needs. Every function takes tenantId; access narrowing arrives as a
// ready SQL fragment from the service (accessWhere).
import type { Sql } from '../../../platform/db/db.js';
import type { Light } from './lights.js';

export interface LightRow {
  day: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  light: Light;
  idle_days: number;
  last_action_at: Date | null;
  evidence: Record<string, unknown>;
  notified_at: Date | null;
}

/** API field → column, for access rules. */
export const LIGHT_COLUMNS = { repId: 'rep_id', teamId: 'team_id', regionId: 'region_id' } as const;

export interface LatestAction {
  rep_id: string;
  id: string;
  visit_id: string;
  customer_id: string;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
}

/**
 * Each rep's latest process action (by occurred_at) known at `asOf`: recorded by then, claimed to
 * have happened by then and not before `since`. Corrected (superseded) actions are replaced by
 * their correction, which carries its own time.
 */
export async function latestActions(db: Sql, tenantId: string, repIds: readonly string[], asOf: Date, since: Date): Promise<Map<string, LatestAction>> {
  const out = new Map<string, LatestAction>();
  if (!repIds.length) return out;
  const r = await db.query<LatestAction>(
    `select distinct on (a.rep_id) a.rep_id, a.id, a.visit_id, v.customer_id, a.type, a.occurred_at, a.recorded_at
       from visit_actions a
       join visits v on v.tenant_id = a.tenant_id and v.id = a.visit_id
      where a.tenant_id = $1 and a.rep_id = any($2::uuid[]) and not a.superseded
        and a.occurred_at <= $3 and a.recorded_at <= $3 and a.occurred_at >= $4
      order by a.rep_id, a.occurred_at desc, a.recorded_at desc, a.id`,
    [tenantId, [...repIds], asOf, since],
  );
  for (const row of r.rows) out.set(row.rep_id, row);
  return out;
}

/** A rep's most recently visited customers (by the latest visit time up to asOf). */
export async function recentCustomers(db: Sql, tenantId: string, repId: string, asOf: Date, limit = 3): Promise<{ customer_id: string; last_at: Date }[]> {
  const r = await db.query<{ customer_id: string; last_at: Date }>(
    `select customer_id, max(occurred_at) as last_at from visits
      where tenant_id = $1 and rep_id = $2 and occurred_at <= $3
      group by customer_id order by last_at desc, customer_id limit $4`,
    [tenantId, repId, asOf, limit],
  );
  return r.rows;
}

/**
 * The red spells already notified since `fromDay`, as "repId|spellKey" (a spell is identified by
 * the rep's last action, or the lack of one). One range scan on the primary key per run.
 */
export async function notifiedSpells(db: Sql, tenantId: string, fromDay: string): Promise<Set<string>> {
  const r = await db.query<{ rep_id: string; spell: string | null }>(
    `select distinct rep_id, evidence->>'spellKey' as spell from process_lights where tenant_id = $1 and day >= $2 and notified_at is not null`,
    [tenantId, fromDay],
  );
  return new Set(r.rows.filter((x) => x.spell).map((x) => `${x.rep_id}|${x.spell}`));
}

/** Writes the day's light; a re-run replaces the assessment and keeps notified_at. */
export async function upsertLight(tx: Sql, tenantId: string, l: Omit<LightRow, 'notified_at'>): Promise<LightRow> {
  const r = await tx.query<LightRow>(
    `insert into process_lights (tenant_id, day, rep_id, team_id, region_id, light, idle_days, last_action_at, evidence)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
     on conflict (tenant_id, day, rep_id) do update set team_id = excluded.team_id, region_id = excluded.region_id, light = excluded.light,
       idle_days = excluded.idle_days, last_action_at = excluded.last_action_at, evidence = excluded.evidence
     returning day::text as day, rep_id, team_id, region_id, light, idle_days, last_action_at, evidence, notified_at`,
    [tenantId, l.day, l.rep_id, l.team_id, l.region_id, l.light, l.idle_days, l.last_action_at, JSON.stringify(l.evidence)],
  );
  return r.rows[0];
}

export async function markNotified(tx: Sql, tenantId: string, day: string, repId: string, at: Date, recipients: unknown): Promise<void> {
  await tx.query(
    `update process_lights set notified_at = $4, evidence = evidence || jsonb_build_object('notice', $5::jsonb)
      where tenant_id = $1 and day = $2 and rep_id = $3`,
    [tenantId, day, repId, at, JSON.stringify(recipients)],
  );
}

const LIGHT_SELECT = `day::text as day, rep_id, team_id, region_id, light, idle_days, last_action_at, evidence, notified_at`;

export async function listLights(
  db: Sql,
  tenantId: string,
  day: string,
  access: { sql: string; params: unknown[] },
  f: { teamId?: string; regionId?: string },
): Promise<LightRow[]> {
  const params: unknown[] = [...access.params, tenantId, day];
  const conds = [`tenant_id = $${params.length - 1}`, `day = $${params.length}`, `(${access.sql})`];
  if (f.teamId) {
    params.push(f.teamId);
    conds.push(`team_id = $${params.length}`);
  }
  if (f.regionId) {
    params.push(f.regionId);
    conds.push(`region_id = $${params.length}`);
  }
  const r = await db.query<LightRow>(
    `select ${LIGHT_SELECT} from process_lights where ${conds.join(' and ')}
      order by case light when 'red' then 0 when 'yellow' then 1 else 2 end, idle_days desc, rep_id`,
    params,
  );
  return r.rows;
}

/** The latest day on or before `day` with a light the actor may read. */
export async function latestDay(db: Sql, tenantId: string, day: string, access: { sql: string; params: unknown[] }): Promise<string | null> {
  const params: unknown[] = [...access.params, tenantId, day];
  const r = await db.query<{ day: string | null }>(
    `select max(day)::text as day from process_lights where tenant_id = $${params.length - 1} and day <= $${params.length} and (${access.sql})`,
    params,
  );
  return r.rows[0]?.day ?? null;
}
