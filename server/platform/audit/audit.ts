// Append-only audit log. Written with the caller's transaction so the change and its
// audit row commit or roll back together. A trigger refuses UPDATE/DELETE on the table.
import type { Sql } from '../db/db.js';
import type { Ctx } from '../context.js';

export interface AuditEntry {
  action: string; // e.g. 'customer.create', 'customer.update', 'sensitive_read'
  resource: string;
  recordId?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function writeAudit(tx: Sql, ctx: Ctx, e: AuditEntry): Promise<void> {
  await tx.query(
    `insert into audit_log (tenant_id, actor_id, actor_kind, action, resource, record_id, before, after, request_id, ip)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
    [
      ctx.actor.tenantId,
      ctx.actor.userId,
      ctx.actor.kind,
      e.action,
      e.resource,
      e.recordId ?? null,
      e.before === undefined ? null : JSON.stringify(e.before),
      e.after === undefined ? null : JSON.stringify(e.after),
      ctx.requestId,
      ctx.ip ?? null,
    ],
  );
}

/** Records that sensitive fields were shown unmasked to this actor. */
export async function writeSensitiveRead(
  tx: Sql,
  ctx: Ctx,
  r: { resource: string; purpose: 'detail' | 'list' | 'search' | 'export'; recordIds: string[]; fields: string[] },
): Promise<void> {
  if (!r.fields.length || !r.recordIds.length) return;
  await writeAudit(tx, ctx, {
    action: 'sensitive_read',
    resource: r.resource,
    recordId: r.recordIds.length === 1 ? r.recordIds[0] : null,
    after: { purpose: r.purpose, fields: r.fields, count: r.recordIds.length, recordIds: r.recordIds.slice(0, 200) },
  });
}

/** Shallow diff: only the keys that changed, as before/after pairs. */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const k of Object.keys(after)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}
