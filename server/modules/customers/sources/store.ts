// SQL for field values with provenance, conflicts, import batches and freshness reminders.
// Every function takes tenantId; access narrowing arrives as a ready SQL fragment.
import type { Sql } from '../../../platform/db/db.js';
import type { Channel } from './golden.js';

export interface ValueRow {
  id: string;
  customer_id: string;
  field: string;
  value: unknown;
  source_system: string;
  channel: Channel;
  batch_id: string | null;
  importer_id: string | null;
  note: string | null;
  observed_at: Date;
  recorded_at: Date;
}

export interface NewValue {
  id: string;
  customerId: string;
  field: string;
  value: unknown;
  sourceSystem: string;
  channel: Channel;
  batchId: string | null;
  importerId: string | null;
  note?: string | null;
  observedAt: Date;
  recordedAt: Date;
}

export async function insertValues(db: Sql, tenantId: string, values: NewValue[]): Promise<void> {
  for (let i = 0; i < values.length; i += 500) {
    const chunk = values.slice(i, i + 500);
    const params: unknown[] = [tenantId];
    const tuples = chunk.map((v) => {
      params.push(v.id, v.customerId, v.field, JSON.stringify(v.value ?? null), v.sourceSystem, v.channel, v.batchId, v.importerId, v.note ?? null, v.observedAt, v.recordedAt);
      const b = params.length - 11;
      return `($1, $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::jsonb, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10}, $${b + 11})`;
    });
    await db.query(
      `insert into customer_field_values (tenant_id, id, customer_id, field, value, source_system, channel, batch_id, importer_id, note, observed_at, recorded_at)
       values ${tuples.join(', ')}`,
      params,
    );
  }
}

export async function valuesOf(db: Sql, tenantId: string, customerId: string, fields?: readonly string[]): Promise<ValueRow[]> {
  const r = await db.query<ValueRow>(
    `select id, customer_id, field, value, source_system, channel, batch_id, importer_id, note, observed_at, recorded_at
       from customer_field_values
      where tenant_id = $1 and customer_id = $2 ${fields ? 'and field = any($3::text[])' : ''}
      order by field, recorded_at desc, id`,
    fields ? [tenantId, customerId, fields] : [tenantId, customerId],
  );
  return r.rows;
}

export interface ConflictRow {
  customer_id: string;
  field: string;
  status: 'open' | 'resolved';
  owner_id: string | null;
  team_id: string | null;
  region_id: string | null;
  candidates: unknown;
  detected_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_note: string | null;
  resolved_value: unknown;
  version: number;
}

export const CONFLICT_COLUMNS = { ownerId: 'owner_id', teamId: 'team_id', regionId: 'region_id' };

export async function conflictsOf(db: Sql, tenantId: string, customerId: string): Promise<ConflictRow[]> {
  return (await db.query<ConflictRow>('select * from customer_field_conflicts where tenant_id = $1 and customer_id = $2', [tenantId, customerId])).rows;
}

/** Opens (or refreshes) a conflict; returns true when it was newly opened. */
export async function openConflict(
  db: Sql,
  tenantId: string,
  c: { customerId: string; field: string; ownerId: string | null; teamId: string | null; regionId: string | null; candidates: unknown },
): Promise<boolean> {
  const r = await db.query<{ inserted: boolean }>(
    `insert into customer_field_conflicts (tenant_id, customer_id, field, status, owner_id, team_id, region_id, candidates)
     values ($1, $2, $3, 'open', $4, $5, $6, $7::jsonb)
     on conflict (tenant_id, customer_id, field) do update
       set candidates = excluded.candidates, owner_id = excluded.owner_id, team_id = excluded.team_id, region_id = excluded.region_id,
           detected_at = case when customer_field_conflicts.status = 'open' then customer_field_conflicts.detected_at else now() end,
           status = 'open', resolved_at = null, resolved_by = null, resolution_note = null, resolved_value = null,
           version = customer_field_conflicts.version + 1
     returning (xmax = 0) as inserted`,
    [tenantId, c.customerId, c.field, c.ownerId, c.teamId, c.regionId, JSON.stringify(c.candidates)],
  );
  return r.rows[0]?.inserted ?? false;
}

export async function closeConflict(
  db: Sql,
  tenantId: string,
  customerId: string,
  field: string,
  r: { by: string | null; note: string; value: unknown },
): Promise<ConflictRow | undefined> {
  const res = await db.query<ConflictRow>(
    `update customer_field_conflicts set status = 'resolved', resolved_at = now(), resolved_by = $4, resolution_note = $5, resolved_value = $6::jsonb, version = version + 1
      where tenant_id = $1 and customer_id = $2 and field = $3 and status = 'open' returning *`,
    [tenantId, customerId, field, r.by, r.note, JSON.stringify(r.value ?? null)],
  );
  return res.rows[0];
}

export interface ConflictQuery {
  access: { sql: string; params: unknown[] };
  status?: 'open' | 'resolved';
  field?: string;
  customerId?: string;
  limit: number;
  offset: number;
}

export async function listConflicts(db: Sql, tenantId: string, q: ConflictQuery) {
  const params = [...q.access.params, tenantId];
  const conds = [q.access.sql, `tenant_id = $${params.length}`];
  if (q.status) {
    params.push(q.status);
    conds.push(`status = $${params.length}`);
  }
  if (q.field) {
    params.push(q.field);
    conds.push(`field = $${params.length}`);
  }
  if (q.customerId) {
    params.push(q.customerId);
    conds.push(`customer_id = $${params.length}`);
  }
  const where = conds.join(' and ');
  const [count, rows] = await Promise.all([
    db.query<{ n: number }>(`select count(*)::int as n from customer_field_conflicts where ${where}`, params),
    db.query<ConflictRow>(
      `select * from customer_field_conflicts where ${where} order by status, detected_at desc, customer_id, field limit ${Number(q.limit)} offset ${Number(q.offset)}`,
      params,
    ),
  ]);
  return { rows: rows.rows, total: count.rows[0].n };
}

export interface BatchRow {
  id: string;
  target: string;
  channel: 'import' | 'api';
  sha256: string | null;
  idempotency_key: string | null;
  source_system: string;
  file_name: string | null;
  encoding: string | null;
  format: string | null;
  total_rows: number;
  applied_rows: number;
  error_rows: number;
  created: number;
  updated: number;
  unchanged: number;
  errors: unknown;
  response: unknown;
  created_by: string | null;
  created_at: Date;
}

export async function batchByFile(db: Sql, tenantId: string, target: string, sha256: string): Promise<BatchRow | undefined> {
  return (await db.query<BatchRow>(`select * from customer_import_batches where tenant_id = $1 and target = $2 and sha256 = $3 and channel = 'import'`, [tenantId, target, sha256]))
    .rows[0];
}

export async function batchByKey(db: Sql, tenantId: string, userId: string | null, key: string): Promise<BatchRow | undefined> {
  return (
    await db.query<BatchRow>(`select * from customer_import_batches where tenant_id = $1 and created_by is not distinct from $2 and idempotency_key = $3 and channel = 'api'`, [
      tenantId,
      userId,
      key,
    ])
  ).rows[0];
}

export async function insertBatch(
  db: Sql,
  tenantId: string,
  b: Omit<BatchRow, 'created_at' | 'created' | 'updated' | 'unchanged' | 'response' | 'applied_rows'>,
): Promise<boolean> {
  const r = await db.query(
    `insert into customer_import_batches (tenant_id, id, target, channel, sha256, idempotency_key, source_system, file_name, encoding, format, total_rows, applied_rows, error_rows, errors, created_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,0,$12,$13::jsonb,$14) on conflict do nothing`,
    [tenantId, b.id, b.target, b.channel, b.sha256, b.idempotency_key, b.source_system, b.file_name, b.encoding, b.format, b.total_rows, b.error_rows, JSON.stringify(b.errors), b.created_by],
  );
  return r.affectedRows === 1;
}

export async function finishBatch(db: Sql, tenantId: string, id: string, c: { applied: number; created: number; updated: number; unchanged: number; response: unknown }) {
  await db.query(
    `update customer_import_batches set applied_rows = $3, created = $4, updated = $5, unchanged = $6, response = $7::jsonb where tenant_id = $1 and id = $2`,
    [tenantId, id, c.applied, c.created, c.updated, c.unchanged, JSON.stringify(c.response)],
  );
}

export async function listBatches(db: Sql, tenantId: string, createdBy: string | null, limit: number) {
  const r = await db.query<BatchRow>(
    `select * from customer_import_batches where tenant_id = $1 ${createdBy ? 'and created_by = $2' : ''} order by created_at desc limit ${Number(limit)}`,
    createdBy ? [tenantId, createdBy] : [tenantId],
  );
  return r.rows;
}

/** Latest observation per key field of one customer. */
export async function lastObserved(db: Sql, tenantId: string, customerId: string, fields: readonly string[]): Promise<Map<string, Date>> {
  const r = await db.query<{ field: string; last: Date }>(
    `select field, max(observed_at) as last from customer_field_values where tenant_id = $1 and customer_id = $2 and field = any($3::text[]) group by field`,
    [tenantId, customerId, fields],
  );
  return new Map(r.rows.map((x) => [x.field, x.last]));
}

/** (customer, field) pairs whose latest observation is older than `before`. */
export async function staleFields(db: Sql, tenantId: string, fields: readonly string[], before: Date, limit = 50_000) {
  const r = await db.query<{ customer_id: string; field: string; last: Date }>(
    `select customer_id, field, max(observed_at) as last from customer_field_values
      where tenant_id = $1 and field = any($2::text[])
      group by customer_id, field having max(observed_at) <= $3
      order by customer_id, field limit ${Number(limit)}`,
    [tenantId, fields, before],
  );
  return r.rows;
}

export async function claimReminder(db: Sql, tenantId: string, r: { customerId: string; field: string; periodKey: string; userId: string | null; lastValueAt: Date }) {
  const res = await db.query(
    `insert into customer_freshness_reminders (tenant_id, customer_id, field, period_key, user_id, last_value_at) values ($1,$2,$3,$4,$5,$6) on conflict do nothing`,
    [tenantId, r.customerId, r.field, r.periodKey, r.userId, r.lastValueAt],
  );
  return res.affectedRows === 1;
}

// Merge participant (C1): values and conflicts follow the surviving customer, and back on undo.
export async function moveValues(db: Sql, tenantId: string, fromId: string, toId: string): Promise<string[]> {
  const r = await db.query<{ id: string }>(`update customer_field_values set customer_id = $3 where tenant_id = $1 and customer_id = $2 returning id`, [tenantId, fromId, toId]);
  await db.query(`delete from customer_field_conflicts where tenant_id = $1 and customer_id = $2`, [tenantId, fromId]);
  return r.rows.map((x) => x.id);
}

export async function restoreValues(db: Sql, tenantId: string, ids: string[], toId: string): Promise<void> {
  if (ids.length) await db.query(`update customer_field_values set customer_id = $3 where tenant_id = $1 and id = any($2::uuid[])`, [tenantId, ids, toId]);
}
