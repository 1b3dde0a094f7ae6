// SQL for the inbox (notifications), robot channels (notification_channels) and the outbox
// (outbound_messages). Every function takes tenantId, except the worker's cross-tenant claim.
import type { Sql } from '../db/db.js';

export interface NotificationRow {
  tenant_id: string;
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  data: unknown;
  dedupe_key: string | null;
  created_at: Date;
  read_at: Date | null;
}

export interface ChannelRow {
  tenant_id: string;
  id: string;
  kind: 'wecom' | 'dingtalk' | 'feishu';
  name: string;
  webhook_url: string;
  secret: string | null;
  region_id: string | null;
  enabled: boolean;
  version: number;
  created_at: Date;
}

export interface StoredAttachment {
  filename: string;
  contentType: string;
  sha256?: string;
  base64?: string;
}

export interface OutboundRow {
  tenant_id: string;
  id: string;
  channel: 'email' | 'wecom' | 'dingtalk' | 'feishu';
  /** E-mail: comma-separated addresses. Robots: the notification_channels id. */
  target: string;
  subject: string;
  body: string;
  html: string | null;
  attachments: StoredAttachment[] | null;
  dedupe_key: string | null;
  status: 'pending' | 'sent' | 'dead';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

// ---- inbox -------------------------------------------------------------------------------

/** Returns the new id, or null when this user already has a notification with this dedupe key. */
export async function insertNotification(
  db: Sql,
  tenantId: string,
  n: { id: string; userId: string; kind: string; title: string; body: string; link: string | null; data: unknown; dedupeKey: string | null },
): Promise<string | null> {
  const r = await db.query<{ id: string }>(
    `insert into notifications (tenant_id, id, user_id, kind, title, body, link, data, dedupe_key)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     on conflict (tenant_id, user_id, dedupe_key) where dedupe_key is not null do nothing
     returning id`,
    [tenantId, n.id, n.userId, n.kind, n.title, n.body, n.link, n.data === undefined ? null : JSON.stringify(n.data), n.dedupeKey],
  );
  return r.rows[0]?.id ?? null;
}

export async function listInbox(db: Sql, tenantId: string, userId: string, f: { unread?: boolean; limit: number; offset: number }) {
  const where = `tenant_id = $1 and user_id = $2${f.unread ? ' and read_at is null' : ''}`;
  const total = (await db.query<{ n: number }>(`select count(*)::int as n from notifications where ${where}`, [tenantId, userId])).rows[0].n;
  const rows = (
    await db.query<NotificationRow>(`select * from notifications where ${where} order by created_at desc, id limit $3 offset $4`, [tenantId, userId, f.limit, f.offset])
  ).rows;
  return { rows, total };
}

export async function unreadCount(db: Sql, tenantId: string, userId: string): Promise<number> {
  return (await db.query<{ n: number }>('select count(*)::int as n from notifications where tenant_id = $1 and user_id = $2 and read_at is null', [tenantId, userId])).rows[0].n;
}

/** Marks one of the user's notifications read (keeps the first read time); undefined when it is not the user's. */
export async function markRead(db: Sql, tenantId: string, userId: string, id: string, at: Date) {
  return (
    await db.query<NotificationRow>(
      `update notifications set read_at = coalesce(read_at, $4) where tenant_id = $1 and user_id = $2 and id = $3 returning *`,
      [tenantId, userId, id, at],
    )
  ).rows[0];
}

export async function markAllRead(db: Sql, tenantId: string, userId: string, at: Date): Promise<number> {
  return (await db.query('update notifications set read_at = $3 where tenant_id = $1 and user_id = $2 and read_at is null', [tenantId, userId, at])).affectedRows;
}

// ---- channels ----------------------------------------------------------------------------

export async function listChannels(db: Sql, tenantId: string) {
  return (await db.query<ChannelRow>('select * from notification_channels where tenant_id = $1 order by name, id', [tenantId])).rows;
}

export const channelById = async (db: Sql, tenantId: string, id: string) =>
  (await db.query<ChannelRow>('select * from notification_channels where tenant_id = $1 and id = $2', [tenantId, id])).rows[0];

export async function channelsByIds(db: Sql, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return (await db.query<ChannelRow>('select * from notification_channels where tenant_id = $1 and id = any($2)', [tenantId, ids])).rows;
}

export async function insertChannel(
  db: Sql,
  tenantId: string,
  c: { id: string; kind: string; name: string; webhookUrl: string; secret: string | null; regionId: string | null; enabled: boolean },
) {
  return (
    await db.query<ChannelRow>(
      `insert into notification_channels (tenant_id, id, kind, name, webhook_url, secret, region_id, enabled)
       values ($1,$2,$3,$4,$5,$6,$7,$8) returning *`,
      [tenantId, c.id, c.kind, c.name, c.webhookUrl, c.secret, c.regionId, c.enabled],
    )
  ).rows[0];
}

const CHANNEL_COLUMNS: Record<string, string> = { kind: 'kind', name: 'name', webhookUrl: 'webhook_url', secret: 'secret', regionId: 'region_id', enabled: 'enabled' };

/** Optimistic update: undefined when the row is missing or its version is not `version`. */
export async function updateChannel(db: Sql, tenantId: string, id: string, version: number, set: Record<string, unknown>) {
  const params: unknown[] = [tenantId, id, version];
  const sets = Object.entries(set).map(([k, v]) => {
    const col = CHANNEL_COLUMNS[k];
    if (!col) throw new Error(`unknown channel field ${k}`);
    params.push(v);
    return `${col} = $${params.length}`;
  });
  sets.push('version = version + 1');
  return (
    await db.query<ChannelRow>(`update notification_channels set ${sets.join(', ')} where tenant_id = $1 and id = $2 and version = $3 returning *`, params)
  ).rows[0];
}

export async function deleteChannel(db: Sql, tenantId: string, id: string, version: number): Promise<boolean> {
  return (await db.query('delete from notification_channels where tenant_id = $1 and id = $2 and version = $3', [tenantId, id, version])).affectedRows === 1;
}

// ---- outbox ------------------------------------------------------------------------------

/** Returns the new id, or null when a message with this dedupe key was already enqueued. */
export async function insertOutbound(
  db: Sql,
  tenantId: string,
  m: {
    id: string;
    channel: OutboundRow['channel'];
    target: string;
    subject: string;
    body: string;
    html?: string | null;
    attachments?: StoredAttachment[] | null;
    dedupeKey?: string | null;
  },
): Promise<string | null> {
  const r = await db.query<{ id: string }>(
    // Due from the enqueueing transaction's start, cut to milliseconds: callers compare with a JS
    // Date, which has no microseconds, and a message must be due for a delivery that starts right after.
    `insert into outbound_messages (tenant_id, id, channel, target, subject, body, html, attachments, dedupe_key, status, next_attempt_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,'pending', date_trunc('milliseconds', now()))
     on conflict (tenant_id, dedupe_key) where dedupe_key is not null do nothing
     returning id`,
    [tenantId, m.id, m.channel, m.target, m.subject, m.body, m.html ?? null, m.attachments?.length ? JSON.stringify(m.attachments) : null, m.dedupeKey ?? null],
  );
  return r.rows[0]?.id ?? null;
}

/**
 * Claims due pending messages by moving their next attempt to the lease end, in one statement,
 * so two workers (or two instances on PostgreSQL) never send the same message at once, and a
 * worker that dies mid-send leaves the message to be picked up again when the lease runs out.
 */
export async function claimDue(db: Sql, f: { now: Date; leaseUntil: Date; limit: number; tenantId?: string; id?: string }) {
  const params: unknown[] = [f.now, f.leaseUntil, f.limit];
  let extra = '';
  if (f.tenantId) {
    params.push(f.tenantId);
    extra += ` and tenant_id = $${params.length}`;
  }
  if (f.id) {
    params.push(f.id);
    extra += ` and id = $${params.length}`;
  }
  return (
    await db.query<OutboundRow>(
      `update outbound_messages o set next_attempt_at = $2, updated_at = $1
       from (select tenant_id, id from outbound_messages
             where status = 'pending' and next_attempt_at <= $1${extra}
             order by next_attempt_at limit $3
             for update skip locked) due
       where o.tenant_id = due.tenant_id and o.id = due.id
       returning o.*`,
      params,
    )
  ).rows;
}

/** Gives a claimed message back (due at `at`) without counting an attempt. */
export async function release(db: Sql, tenantId: string, id: string, at: Date) {
  await db.query(`update outbound_messages set next_attempt_at = $3 where tenant_id = $1 and id = $2 and status = 'pending'`, [tenantId, id, at]);
}

export async function markSent(db: Sql, tenantId: string, id: string, at: Date) {
  await db.query(
    `update outbound_messages set status = 'sent', attempts = attempts + 1, sent_at = $3, updated_at = $3 where tenant_id = $1 and id = $2 and status = 'pending'`,
    [tenantId, id, at],
  );
}

export async function markFailed(db: Sql, tenantId: string, id: string, f: { at: Date; error: string; dead: boolean; nextAttemptAt: Date }) {
  await db.query(
    `update outbound_messages
     set attempts = attempts + 1, last_error = $3, status = $4, next_attempt_at = $5, updated_at = $6
     where tenant_id = $1 and id = $2 and status = 'pending'`,
    [tenantId, id, f.error, f.dead ? 'dead' : 'pending', f.nextAttemptAt, f.at],
  );
}

export const outboundById = async (db: Sql, tenantId: string, id: string) =>
  (await db.query<OutboundRow>('select * from outbound_messages where tenant_id = $1 and id = $2', [tenantId, id])).rows[0];

export async function listOutbox(db: Sql, tenantId: string, f: { status?: string; channel?: string; limit: number; offset: number }) {
  const params: unknown[] = [tenantId];
  const conds = ['tenant_id = $1'];
  if (f.status) {
    params.push(f.status);
    conds.push(`status = $${params.length}`);
  }
  if (f.channel) {
    params.push(f.channel);
    conds.push(`channel = $${params.length}`);
  }
  const where = conds.join(' and ');
  const total = (await db.query<{ n: number }>(`select count(*)::int as n from outbound_messages where ${where}`, params)).rows[0].n;
  params.push(f.limit, f.offset);
  const rows = (
    await db.query<OutboundRow>(
      `select * from outbound_messages where ${where} order by created_at desc, id limit $${params.length - 1} offset $${params.length}`,
      params,
    )
  ).rows;
  return { rows, total };
}

/** Puts a pending or dead message back in the queue, due now, with a fresh attempt budget. */
export async function requeue(db: Sql, tenantId: string, id: string, now: Date) {
  return (
    await db.query<OutboundRow>(
      `update outbound_messages set status = 'pending', attempts = 0, next_attempt_at = $3, updated_at = $3
       where tenant_id = $1 and id = $2 and status in ('pending','dead') returning *`,
      [tenantId, id, now],
    )
  ).rows[0];
}
