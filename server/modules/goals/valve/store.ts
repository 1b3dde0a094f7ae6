// SQL for G6: lead_quality_scores, valve_requests and the target resets. Every function takes tenantId.
import type { Sql } from '../../../platform/db/db.js';
import { TARGET_SELECT, type TargetRow } from '../canvas/store.js';

export interface ScoreRow {
  rep_id: string;
  week: string;
  team_id: string | null;
  region_id: string | null;
  score: number;
  baseline: number | null;
  drop_pct: number | null;
  inputs: Record<string, unknown>;
  rule_version: string;
  computed_at: Date;
}

export interface RequestRow {
  id: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  month: string;
  brief: Record<string, unknown>;
  evidence: Record<string, unknown>;
  proposed: { targetId: string; value: number; from?: number }[];
  status: 'pending' | 'approved' | 'rejected';
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  created_at: Date;
  version: number;
}

export const REQUEST_COLUMNS = { repId: 'rep_id', teamId: 'team_id', regionId: 'region_id' } as const;
const REQ = `id, rep_id, team_id, region_id, month, brief, evidence, proposed, status, decided_by, decided_at, decision_note, created_at, version`;

export async function scoresOf(db: Sql, tenantId: string, repId: string, fromWeek: string, toWeek: string): Promise<ScoreRow[]> {
  const r = await db.query<ScoreRow>(
    `select rep_id, week, team_id, region_id, score, baseline, drop_pct, inputs, rule_version, computed_at from lead_quality_scores
      where tenant_id = $1 and rep_id = $2 and week >= $3 and week <= $4 order by week`,
    [tenantId, repId, fromWeek, toWeek],
  );
  return r.rows;
}

export async function upsertScore(tx: Sql, tenantId: string, s: Omit<ScoreRow, 'computed_at'> & { computed_at: Date }): Promise<void> {
  await tx.query(
    `insert into lead_quality_scores (tenant_id, rep_id, week, team_id, region_id, score, baseline, drop_pct, inputs, rule_version, computed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
     on conflict (tenant_id, rep_id, week) do update set team_id = excluded.team_id, region_id = excluded.region_id, score = excluded.score,
       baseline = excluded.baseline, drop_pct = excluded.drop_pct, inputs = excluded.inputs, rule_version = excluded.rule_version, computed_at = excluded.computed_at`,
    [tenantId, s.rep_id, s.week, s.team_id, s.region_id, s.score, s.baseline, s.drop_pct, JSON.stringify(s.inputs), s.rule_version, s.computed_at],
  );
}

export async function deleteScore(tx: Sql, tenantId: string, repId: string, week: string): Promise<void> {
  await tx.query(`delete from lead_quality_scores where tenant_id = $1 and rep_id = $2 and week = $3`, [tenantId, repId, week]);
}

export async function activeReps(db: Sql, tenantId: string): Promise<{ id: string; team_id: string | null; region_id: string | null }[]> {
  const r = await db.query<{ id: string; team_id: string | null; region_id: string | null }>(
    `select id, team_id, region_id from users where tenant_id = $1 and role = 'rep' and active order by id`,
    [tenantId],
  );
  return r.rows;
}

export async function repMonthTargets(db: Sql, tenantId: string, repId: string, month: string): Promise<TargetRow[]> {
  const r = await db.query<TargetRow>(
    `select ${TARGET_SELECT} from goal_targets where tenant_id = $1 and node_kind = 'rep' and node_id = $2 and tier = 'process' and period = $3 order by metric`,
    [tenantId, repId, month],
  );
  return r.rows;
}

export async function targetForUpdate(tx: Sql, tenantId: string, id: string): Promise<TargetRow | undefined> {
  const r = await tx.query<TargetRow>(`select ${TARGET_SELECT} from goal_targets where tenant_id = $1 and id = $2 for update`, [tenantId, id]);
  return r.rows[0];
}

export async function resetTarget(tx: Sql, tenantId: string, t: { id: string; version: number; value: number; effectiveFrom: string; by: string | null; at: Date }): Promise<TargetRow | undefined> {
  const r = await tx.query<TargetRow>(
    `update goal_targets set original_value = coalesce(original_value, value), value = $4, effective_from = $5, version = version + 1, updated_by = $6, updated_at = $7
      where tenant_id = $1 and id = $2 and version = $3 returning ${TARGET_SELECT}`,
    [tenantId, t.id, t.version, t.value, t.effectiveFrom, t.by, t.at],
  );
  return r.rows[0];
}

export async function insertHistory(tx: Sql, tenantId: string, h: { targetId: string; version: number; value: number | string; reason: string; by: string | null; at: Date }): Promise<void> {
  await tx.query(
    `insert into goal_target_history (tenant_id, target_id, version, value, reason, changed_by, changed_at) values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id, target_id, version) do nothing`,
    [tenantId, h.targetId, h.version, h.value, h.reason, h.by, h.at],
  );
}

export async function insertRequest(tx: Sql, tenantId: string, r: Omit<RequestRow, 'decided_by' | 'decided_at' | 'decision_note' | 'version' | 'status'>): Promise<RequestRow> {
  const q = await tx.query<RequestRow>(
    `insert into valve_requests (tenant_id, id, rep_id, team_id, region_id, month, brief, evidence, proposed, status, created_at, version)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9::jsonb, 'pending', $10, 1) returning ${REQ}`,
    [tenantId, r.id, r.rep_id, r.team_id, r.region_id, r.month, JSON.stringify(r.brief), JSON.stringify(r.evidence), JSON.stringify(r.proposed), r.created_at],
  );
  return q.rows[0];
}

export async function requestById(db: Sql, tenantId: string, id: string, lock = false): Promise<RequestRow | undefined> {
  const r = await db.query<RequestRow>(`select ${REQ} from valve_requests where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [tenantId, id]);
  return r.rows[0];
}

export async function openRequest(db: Sql, tenantId: string, repId: string, month: string): Promise<RequestRow | undefined> {
  const r = await db.query<RequestRow>(`select ${REQ} from valve_requests where tenant_id = $1 and rep_id = $2 and month = $3 and status = 'pending'`, [tenantId, repId, month]);
  return r.rows[0];
}

export async function decide(tx: Sql, tenantId: string, id: string, version: number, d: { status: 'approved' | 'rejected'; by: string | null; at: Date; note: string }): Promise<RequestRow | undefined> {
  const r = await tx.query<RequestRow>(
    `update valve_requests set status = $4, decided_by = $5, decided_at = $6, decision_note = $7, version = version + 1
      where tenant_id = $1 and id = $2 and version = $3 and status = 'pending' returning ${REQ}`,
    [tenantId, id, version, d.status, d.by, d.at, d.note],
  );
  return r.rows[0];
}

export async function listRequests(db: Sql, tenantId: string, access: { sql: string; params: unknown[] }, f: { status?: string; repId?: string }): Promise<RequestRow[]> {
  const params: unknown[] = [...access.params, tenantId];
  const conds = [`tenant_id = $${params.length}`, `(${access.sql})`];
  if (f.status) conds.push(`status = $${params.push(f.status)}`);
  if (f.repId) conds.push(`rep_id = $${params.push(f.repId)}`);
  const r = await db.query<RequestRow>(`select ${REQ} from valve_requests where ${conds.join(' and ')} order by created_at desc limit 200`, params);
  return r.rows;
}
