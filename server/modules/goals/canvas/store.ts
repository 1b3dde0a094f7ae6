// SQL for G5 weekly canvases (weekly_canvases) and the reads of goal targets and team members it
// needs. Every function takes tenantId.
import type { Sql } from '../../../platform/db/db.js';

export interface CanvasItem {
  action: string;
  targetId: string;
}
export interface ReviewMark {
  index: number;
  resources: string[];
  note: string;
}

export interface CanvasRow {
  id: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  week: string;
  items: CanvasItem[];
  review: ReviewMark[] | null;
  submitted_at: Date;
  version: number;
  updated_at: Date;
}

export const CANVAS_COLUMNS = { repId: 'rep_id', teamId: 'team_id', regionId: 'region_id' } as const;
const SELECT = `id, rep_id, team_id, region_id, week, items, review, submitted_at, version, updated_at`;

export interface TargetRow {
  id: string;
  tier: string;
  metric: string;
  period: string;
  node_kind: string;
  node_id: string | null;
  product_line: string | null;
  value: string;
  original_value: string | null;
  effective_from: string | null;
  version: number;
}
export const TARGET_SELECT = `id, tier, metric, period, node_kind, node_id, product_line, value::text as value, original_value::text as original_value, effective_from::text as effective_from, version`;

export async function canvasOf(db: Sql, tenantId: string, repId: string, week: string): Promise<CanvasRow | undefined> {
  const r = await db.query<CanvasRow>(`select ${SELECT} from weekly_canvases where tenant_id = $1 and rep_id = $2 and week = $3`, [tenantId, repId, week]);
  return r.rows[0];
}

export async function insertCanvas(tx: Sql, tenantId: string, c: { id: string; repId: string; teamId: string | null; regionId: string | null; week: string; items: CanvasItem[]; at: Date }): Promise<CanvasRow> {
  const r = await tx.query<CanvasRow>(
    `insert into weekly_canvases (tenant_id, id, rep_id, team_id, region_id, week, items, submitted_at, version, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, 1, $8) returning ${SELECT}`,
    [tenantId, c.id, c.repId, c.teamId, c.regionId, c.week, JSON.stringify(c.items), c.at],
  );
  return r.rows[0];
}

export async function updateCanvas(tx: Sql, tenantId: string, id: string, version: number, patch: { items?: CanvasItem[]; review?: ReviewMark[] }, at: Date): Promise<CanvasRow | undefined> {
  const r = await tx.query<CanvasRow>(
    `update weekly_canvases set items = coalesce($4::jsonb, items), review = coalesce($5::jsonb, review), version = version + 1, updated_at = $6
      where tenant_id = $1 and id = $2 and version = $3 returning ${SELECT}`,
    [tenantId, id, version, patch.items ? JSON.stringify(patch.items) : null, patch.review ? JSON.stringify(patch.review) : null, at],
  );
  return r.rows[0];
}

export async function canvasesOfTeam(db: Sql, tenantId: string, teamId: string, weeks: string[], access: { sql: string; params: unknown[] }): Promise<CanvasRow[]> {
  const params: unknown[] = [...access.params, tenantId, teamId, weeks];
  const n = params.length;
  const r = await db.query<CanvasRow>(
    `select ${SELECT} from weekly_canvases where tenant_id = $${n - 2} and team_id = $${n - 1} and week = any($${n}::text[]) and (${access.sql})`,
    params,
  );
  return r.rows;
}

export async function targetsByIds(db: Sql, tenantId: string, ids: string[]): Promise<TargetRow[]> {
  if (!ids.length) return [];
  const r = await db.query<TargetRow>(`select ${TARGET_SELECT} from goal_targets where tenant_id = $1 and id = any($2::uuid[])`, [tenantId, ids]);
  return r.rows;
}

/** The rep's own targets whose period lies in one of the given years (for the pickers). */
export async function repTargets(db: Sql, tenantId: string, repId: string, years: string[]): Promise<TargetRow[]> {
  const r = await db.query<TargetRow>(
    `select ${TARGET_SELECT} from goal_targets where tenant_id = $1 and node_kind = 'rep' and node_id = $2 and substr(period, 1, 4) = any($3::text[])
      order by period, tier, metric`,
    [tenantId, repId, years],
  );
  return r.rows;
}

export interface Member {
  id: string;
  display_name: string;
  team_id: string | null;
  region_id: string | null;
}

export async function userById(db: Sql, tenantId: string, id: string): Promise<Member | undefined> {
  const r = await db.query<Member>(`select id, display_name, team_id, region_id from users where tenant_id = $1 and id = $2`, [tenantId, id]);
  return r.rows[0];
}

export async function teamReps(db: Sql, tenantId: string, teamId: string): Promise<Member[]> {
  const r = await db.query<Member>(
    `select id, display_name, team_id, region_id from users where tenant_id = $1 and team_id = $2 and role = 'rep' and active order by display_name, id`,
    [tenantId, teamId],
  );
  return r.rows;
}

export async function teamById(db: Sql, tenantId: string, teamId: string): Promise<{ id: string; name: string; region_id: string | null } | undefined> {
  const r = await db.query<{ id: string; name: string; region_id: string | null }>(`select id, name, region_id from teams where tenant_id = $1 and id = $2`, [tenantId, teamId]);
  return r.rows[0];
}
