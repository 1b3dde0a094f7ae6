// SQL for config_versions. Every function takes tenantId.
import type { Sql } from '../db/db.js';

export type ConfigStatus = 'pending' | 'active' | 'superseded' | 'rejected' | 'withdrawn';

export interface Approval {
  userId: string;
  name: string;
  role: string;
  at: string;
}

export interface ConfigRow {
  key: string;
  version: number;
  value: unknown;
  status: ConfigStatus;
  reason: string | null;
  proposed_by: string | null;
  proposed_at: Date;
  approvals: Approval[];
  decided_at: Date | null;
  decided_by: string | null;
  decision_note: string | null;
}

const COLS = 'key, version, value, status, reason, proposed_by, proposed_at, approvals, decided_at, decided_by, decision_note';

/** Serialises every change of one key (version numbers, the single pending/active row). */
export async function lockKey(tx: Sql, tenantId: string, key: string): Promise<void> {
  await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`config:${tenantId}:${key}`]);
}

export async function activeRow(db: Sql, tenantId: string, key: string): Promise<ConfigRow | undefined> {
  return (await db.query<ConfigRow>(`select ${COLS} from config_versions where tenant_id = $1 and key = $2 and status = 'active'`, [tenantId, key])).rows[0];
}

/** Active and pending rows of every key, for the list screen. */
export async function openRows(db: Sql, tenantId: string): Promise<ConfigRow[]> {
  return (await db.query<ConfigRow>(`select ${COLS} from config_versions where tenant_id = $1 and status in ('active','pending') order by key, version`, [tenantId])).rows;
}

export async function versions(db: Sql, tenantId: string, key: string): Promise<ConfigRow[]> {
  return (await db.query<ConfigRow>(`select ${COLS} from config_versions where tenant_id = $1 and key = $2 order by version desc`, [tenantId, key])).rows;
}

export async function versionRow(db: Sql, tenantId: string, key: string, version: number): Promise<ConfigRow | undefined> {
  return (await db.query<ConfigRow>(`select ${COLS} from config_versions where tenant_id = $1 and key = $2 and version = $3`, [tenantId, key, version])).rows[0];
}

export async function pendingRow(db: Sql, tenantId: string, key: string): Promise<ConfigRow | undefined> {
  return (await db.query<ConfigRow>(`select ${COLS} from config_versions where tenant_id = $1 and key = $2 and status = 'pending'`, [tenantId, key])).rows[0];
}

export async function nextVersion(tx: Sql, tenantId: string, key: string): Promise<number> {
  const r = await tx.query<{ v: number }>('select coalesce(max(version), 0)::int + 1 as v from config_versions where tenant_id = $1 and key = $2', [tenantId, key]);
  return Number(r.rows[0].v);
}

export async function insertVersion(
  tx: Sql,
  tenantId: string,
  v: { key: string; version: number; value: unknown; status: 'pending' | 'active'; reason: string; proposedBy: string | null; at: Date },
): Promise<void> {
  await tx.query(
    `insert into config_versions (tenant_id, key, version, value, status, reason, proposed_by, proposed_at, approvals, decided_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,'[]'::jsonb,$9)`,
    [tenantId, v.key, v.version, JSON.stringify(v.value), v.status, v.reason, v.proposedBy, v.at, v.status === 'active' ? v.at : null],
  );
}

/** Moves the current active version (if any) to superseded; must run before a new one becomes active. */
export async function supersedeActive(tx: Sql, tenantId: string, key: string): Promise<void> {
  await tx.query(`update config_versions set status = 'superseded' where tenant_id = $1 and key = $2 and status = 'active'`, [tenantId, key]);
}

export async function setApprovals(tx: Sql, tenantId: string, key: string, version: number, approvals: Approval[]): Promise<void> {
  await tx.query('update config_versions set approvals = $4 where tenant_id = $1 and key = $2 and version = $3', [tenantId, key, version, JSON.stringify(approvals)]);
}

export async function decide(
  tx: Sql,
  tenantId: string,
  key: string,
  version: number,
  d: { status: 'active' | 'rejected' | 'withdrawn'; at: Date; by: string | null; note?: string | null },
): Promise<void> {
  await tx.query(
    `update config_versions set status = $4, decided_at = $5, decided_by = $6, decision_note = $7
      where tenant_id = $1 and key = $2 and version = $3 and status = 'pending'`,
    [tenantId, key, version, d.status, d.at, d.by, d.note ?? null],
  );
}
