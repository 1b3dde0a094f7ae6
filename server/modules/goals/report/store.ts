// SQL for G8: the month's rep targets, attainment rows and weekly canvases (read only), and the
// goal_health_reports rows (one per period and region, the company's with region_id null).
// Every function takes tenantId.
import type { Sql } from '../../../platform/db/db.js';
import type { AttainmentRow, CanvasRow, HealthReportData, RepTarget } from './compute.js';

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function repTargets(db: Sql, tenantId: string, period: string): Promise<RepTarget[]> {
  const r = await db.query<{ id: string; node_id: string; tier: string; metric: string; value: string; acceptance: string | null }>(
    `select id, node_id, tier, metric, value::text as value, acceptance from goal_targets
      where tenant_id = $1 and node_kind = 'rep' and node_id is not null and period = $2`,
    [tenantId, period],
  );
  return r.rows.map((x) => ({ id: x.id, repId: x.node_id, tier: x.tier, metric: x.metric, value: Number(x.value), acceptance: x.acceptance }));
}

export async function attainment(db: Sql, tenantId: string, period: string): Promise<AttainmentRow[]> {
  const r = await db.query<{ rep_id: string; metric: string; numerator: string; denominator: string | null; team_id: string | null; region_id: string | null }>(
    `select rep_id, metric, numerator::text as numerator, denominator::text as denominator, team_id, region_id
       from goal_attainment where tenant_id = $1 and period = $2`,
    [tenantId, period],
  );
  return r.rows.map((x) => ({ repId: x.rep_id, metric: x.metric, numerator: Number(x.numerator), denominator: num(x.denominator), teamId: x.team_id, regionId: x.region_id }));
}

export async function canvases(db: Sql, tenantId: string, weeks: string[]): Promise<CanvasRow[]> {
  const r = await db.query<{ rep_id: string; week: string; team_id: string | null; region_id: string | null; review: unknown }>(
    `select rep_id, week, team_id, region_id, review from weekly_canvases where tenant_id = $1 and week = any($2::text[])`,
    [tenantId, weeks],
  );
  return r.rows.map((x) => ({ repId: x.rep_id, week: x.week, teamId: x.team_id, regionId: x.region_id, review: x.review }));
}

export interface ReportRow {
  id: string;
  period: string;
  region_id: string | null;
  data: HealthReportData;
  created_at: Date;
  sent_at: Date | null;
}

const SELECT = `id, period, region_id, data, created_at, sent_at`;

export async function reportsOf(db: Sql, tenantId: string, period: string): Promise<ReportRow[]> {
  return (await db.query<ReportRow>(`select ${SELECT} from goal_health_reports where tenant_id = $1 and period = $2 order by region_id nulls first`, [tenantId, period])).rows;
}

export async function reportOf(db: Sql, tenantId: string, period: string, regionId: string | null, forUpdate = false): Promise<ReportRow | undefined> {
  const r = await db.query<ReportRow>(
    `select ${SELECT} from goal_health_reports
      where tenant_id = $1 and period = $2 and coalesce(region_id, '00000000-0000-0000-0000-000000000000'::uuid) = coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
      ${forUpdate ? 'for update' : ''}`,
    [tenantId, period, regionId],
  );
  return r.rows[0];
}

/** Inserts the report, or refreshes the data of one not sent yet; a sent report is left as it was. */
export async function upsertReport(tx: Sql, tenantId: string, row: { id: string; period: string; regionId: string | null; data: HealthReportData; at: Date }): Promise<void> {
  const existing = await reportOf(tx, tenantId, row.period, row.regionId, true);
  if (!existing) {
    await tx.query(`insert into goal_health_reports (tenant_id, id, period, region_id, data, created_at) values ($1, $2, $3, $4, $5::jsonb, $6)`, [
      tenantId,
      row.id,
      row.period,
      row.regionId,
      JSON.stringify(row.data),
      row.at,
    ]);
  } else if (!existing.sent_at) {
    await tx.query(`update goal_health_reports set data = $3::jsonb, created_at = $4 where tenant_id = $1 and id = $2 and sent_at is null`, [tenantId, existing.id, JSON.stringify(row.data), row.at]);
  }
}

/** Marks a report sent; false when it was sent meanwhile. */
export async function markSent(tx: Sql, tenantId: string, id: string, at: Date): Promise<boolean> {
  const r = await tx.query(`update goal_health_reports set sent_at = $3 where tenant_id = $1 and id = $2 and sent_at is null`, [tenantId, id, at]);
  return (r.affectedRows ?? 0) > 0;
}
