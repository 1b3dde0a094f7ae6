// SQL for P11 pilot studies (pilot_studies) and the per-group aggregates of the process module's
// own tables (visits, visit_actions, process_flags, blind_checks). Every function takes tenantId.
import type { Sql } from '../../../platform/db/db.js';
import type { GroupStats } from './compare.js';

export interface StudyRow {
  id: string;
  name: string;
  pilot_team_ids: string[];
  control_team_ids: string[];
  period_from: string;
  period_to: string;
  created_by: string | null;
  created_at: Date;
}

const STUDY_SELECT = `id, name, pilot_team_ids, control_team_ids, period_from::text as period_from, period_to::text as period_to, created_by, created_at`;

export async function insertStudy(tx: Sql, tenantId: string, s: StudyRow): Promise<void> {
  await tx.query(
    `insert into pilot_studies (tenant_id, id, name, pilot_team_ids, control_team_ids, period_from, period_to, created_by, created_at)
     values ($1, $2, $3, $4::uuid[], $5::uuid[], $6, $7, $8, $9)`,
    [tenantId, s.id, s.name, s.pilot_team_ids, s.control_team_ids, s.period_from, s.period_to, s.created_by, s.created_at],
  );
}

export async function listStudies(db: Sql, tenantId: string): Promise<StudyRow[]> {
  return (await db.query<StudyRow>(`select ${STUDY_SELECT} from pilot_studies where tenant_id = $1 order by created_at desc, id`, [tenantId])).rows;
}

export async function studyById(db: Sql, tenantId: string, id: string): Promise<StudyRow | undefined> {
  return (await db.query<StudyRow>(`select ${STUDY_SELECT} from pilot_studies where tenant_id = $1 and id = $2`, [tenantId, id])).rows[0];
}

/**
 * An evaluated visit (its summary is the checks' object, not the column's empty default) with
 * actions and nothing in missing.actions / missing.checklist.
 */
const EVALUATED = `jsonb_typeof(v.missing) = 'object'`;
const NOTHING_MISSING = `${EVALUATED}
    and coalesce(jsonb_array_length(case when jsonb_typeof(v.missing->'actions') = 'array' then v.missing->'actions' end), 0) = 0
    and coalesce(jsonb_array_length(case when jsonb_typeof(v.missing->'checklist') = 'array' then v.missing->'checklist' end), 0) = 0`;

/**
 * The aggregates of one group: visits of its teams (the team recorded on the visit) that happened in
 * [from, to); their current actions; P8 flags on the teams whose period overlaps [fromDay, toDay];
 * blind checks of those visits.
 */
export async function groupStats(db: Sql, tenantId: string, teamIds: readonly string[], from: Date, to: Date, fromDay: string, toDay: string): Promise<GroupStats> {
  const r = await db.query<Record<string, any>>(
    `with v as (
       select id, rep_id, flags, missing, compliant from visits
        where tenant_id = $1 and team_id = any($2::uuid[]) and occurred_at >= $3 and occurred_at < $4
     ), a as (
       select x.visit_id, x.type, greatest(extract(epoch from (x.recorded_at - x.occurred_at)), 0)::float8 as lag
         from visit_actions x join v on v.id = x.visit_id
        where x.tenant_id = $1 and not x.superseded
     ), per_visit as (
       select visit_id, count(distinct type)::int as types from a group by visit_id
     ), f as (
       select detector, visit_ids from process_flags
        where tenant_id = $1 and team_id = any($2::uuid[]) and period_from <= $6::date and period_to >= $5::date
     ), b as (
       select c.outcome from blind_checks c join v on v.id = c.visit_id where c.tenant_id = $1
     )
     select
       (select count(*) from v)::int as visits,
       (select count(distinct rep_id) from v)::int as reps,
       (select count(*) from v where cardinality(v.flags) > 0)::int as flagged_visits,
       (select count(*) from v where exists (select 1 from f where v.id = any(f.visit_ids)))::int as p8_visits,
       (select count(*) from f)::int as p8_flags,
       (select coalesce(jsonb_object_agg(detector, n), '{}'::jsonb) from (select detector, count(*)::int as n from f group by detector) d) as p8_by_detector,
       (select count(*) from b where outcome is not null)::int as blind_checked,
       (select count(*) from b where outcome = 'confirmed')::int as blind_confirmed,
       (select count(*) from b where outcome = 'unreachable')::int as blind_unreachable,
       (select count(*) from a)::int as actions,
       (select count(*) from a where lag <= 86400)::int as within_24h,
       (select percentile_cont(0.5) within group (order by lag) from a) as lag_median,
       (select percentile_cont(0.9) within group (order by lag) from a) as lag_p90,
       (select count(*) from per_visit where types = 6)::int as complete,
       (select count(*) from v where ${EVALUATED})::int as evaluated,
       (select count(*) from v join per_visit p on p.visit_id = v.id where ${NOTHING_MISSING})::int as no_missing,
       (select count(*) from v where v.compliant is not null)::int as compliance_assessed,
       (select count(*) from v where v.compliant)::int as compliant`,
    [tenantId, [...teamIds], from, to, fromDay, toDay],
  );
  const x = r.rows[0];
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    visits: x.visits,
    reps: x.reps,
    flaggedVisits: x.flagged_visits,
    p8Visits: x.p8_visits,
    p8Flags: x.p8_flags,
    p8ByDetector: x.p8_by_detector ?? {},
    blindChecked: x.blind_checked,
    blindConfirmed: x.blind_confirmed,
    blindUnreachable: x.blind_unreachable,
    actions: x.actions,
    within24h: x.within_24h,
    lagMedian: num(x.lag_median),
    lagP90: num(x.lag_p90),
    complete: x.complete,
    evaluated: x.evaluated,
    noMissing: x.no_missing,
    complianceAssessed: x.compliance_assessed,
    compliant: x.compliant,
  };
}
