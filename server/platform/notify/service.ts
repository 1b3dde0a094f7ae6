// Notifications (X3): the in-app inbox, and an outbox of e-mails and group-robot messages that
// a worker delivers with retries. Enqueueing happens in the caller's transaction, so a business
// change and the messages about it commit together; delivery happens after, outside any transaction.
import crypto from 'node:crypto';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Db, Sql } from '../db/db.js';
import type { Ctx } from '../context.js';
import type { Settings } from '../settings.js';
import { Problem, registerMessages, versionConflict } from '../http/problem.js';
import { defineAbilityFor, presentFor, requireAbility } from '../access/abilities.js';
import { diff, writeAudit, writeSensitiveRead } from '../audit/audit.js';
import { usersByIds } from '../../modules/org/store.js';
import { fileMetaOf } from '../files/service.js';
import { createLocalStorage, type FileStorage } from '../files/storage.js';
import { sanitizeFileName } from '../files/sniff.js';
import { createMailer, type Mailer } from './email.js';
import { PermanentError, sendRobot, type ChannelKind } from './webhooks.js';
import * as store from './store.js';

registerMessages({
  outbox_already_sent: { 'zh-CN': '该消息已发送成功，无需重试', 'en-US': 'This message was already delivered; there is nothing to retry' },
  invalid_webhook_url: {
    'zh-CN': 'Webhook 地址无效：需为 http:// 或 https:// 开头的完整网址',
    'en-US': 'Invalid webhook URL: a full http:// or https:// address is required',
  },
  invalid_email_address: { 'zh-CN': '邮箱地址无效：{address}', 'en-US': 'Invalid e-mail address: {address}' },
  attachment_not_found: {
    'zh-CN': '附件不存在：{sha256}（需先上传到本企业的文件库）',
    'en-US': 'Attachment not found: {sha256} (upload it to this company’s files first)',
  },
  attachment_invalid: {
    'zh-CN': '附件“{filename}”无效：需提供 sha256 或 base64 内容之一',
    'en-US': 'Attachment "{filename}" is invalid: give either a sha256 or base64 content',
  },
  attachments_too_large: {
    'zh-CN': '邮件附件合计过大：上限 {limit} 字节',
    'en-US': 'The e-mail attachments are too large together: the limit is {limit} bytes',
  },
});

// ---- retry policy ------------------------------------------------------------------------

export const MAX_ATTEMPTS = 6;
const BASE_DELAY_MS = 30_000;
/** How long a claimed message is reserved for its sender before another worker may try it. */
const LEASE_MS = 5 * 60_000;
const MAX_ATTACHMENT_BYTES = 25 * 1_048_576;

/** Delay after the n-th failed attempt: 30 s, 1 min, 2 min, 4 min, 8 min; the 6th failure is final. */
export const backoffMs = (failedAttempts: number) => BASE_DELAY_MS * 2 ** Math.max(0, failedAttempts - 1);

// ---- enqueueing (inside the caller's transaction) ----------------------------------------

export interface AttachmentInput {
  filename: string;
  contentType: string;
  /** A file of the same tenant, uploaded through the file service. */
  sha256?: string;
  /** Or the content itself. */
  base64?: string;
}

export interface EmailInput {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: AttachmentInput[];
  /** A second enqueue with the same key (per tenant) is ignored. */
  dedupeKey?: string;
}

export interface WebhookInput {
  channelId: string;
  title: string;
  text: string;
  dedupeKey?: string;
}

export interface NotifyInput {
  userIds: string[];
  kind: string;
  title: string;
  body: string;
  /** In-app path (e.g. `/customers/…`) or absolute URL; e-mails and robots get it absolute. */
  link?: string;
  data?: unknown;
  /** Per user: a user who already has a notification with this key gets nothing new. */
  dedupeKey?: string;
  /** Also e-mail each user at users.email. */
  email?: boolean;
  /** Also post to these group-robot channels (disabled or unknown ones are skipped). */
  channelIds?: string[];
}

export interface NotifyResult {
  /** Ids of the notifications created (deduplicated users are not in it). */
  notificationIds: string[];
  deduplicated: string[];
  /** Users that are not active users of this tenant. */
  skippedUserIds: string[];
  emailIds: string[];
  webhookIds: string[];
  skippedChannelIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').trim();

/** The link as an absolute http(s) URL for e-mails and robots; anything else (javascript:, mailto:…) is left out. */
function absoluteLink(link: string | undefined, publicUrl: string | undefined): string | undefined {
  if (!link) return undefined;
  try {
    const url = publicUrl ? new URL(link, publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`) : new URL(link);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Enqueues one e-mail; returns its id, or null when the dedupe key was already used. */
export async function enqueueEmail(tx: Sql, tenantId: string, m: EmailInput): Promise<string | null> {
  const to = (Array.isArray(m.to) ? m.to : m.to.split(/[,;]/)).map((a) => a.trim()).filter(Boolean);
  if (!to.length) throw new Problem(400, 'invalid_email_address', { address: '' });
  for (const address of to) if (!EMAIL.test(address)) throw new Problem(400, 'invalid_email_address', { address });
  const attachments: store.StoredAttachment[] = [];
  let total = 0;
  for (const a of m.attachments ?? []) {
    const filename = sanitizeFileName(a.filename) ?? 'attachment';
    const contentType = oneLine(a.contentType) || 'application/octet-stream';
    if (a.sha256 && !a.base64) {
      const meta = await fileMetaOf(tx, tenantId, a.sha256);
      if (!meta) throw new Problem(400, 'attachment_not_found', { sha256: a.sha256 });
      total += meta.size;
      attachments.push({ filename, contentType, sha256: meta.sha256 });
    } else if (a.base64 && !a.sha256) {
      const content = Buffer.from(a.base64, 'base64');
      if (!content.length) throw new Problem(400, 'attachment_invalid', { filename });
      total += content.length;
      attachments.push({ filename, contentType, base64: content.toString('base64') });
    } else throw new Problem(400, 'attachment_invalid', { filename });
  }
  if (total > MAX_ATTACHMENT_BYTES) throw new Problem(400, 'attachments_too_large', { limit: MAX_ATTACHMENT_BYTES });
  return store.insertOutbound(tx, tenantId, {
    id: crypto.randomUUID(),
    channel: 'email',
    target: to.join(', '),
    subject: oneLine(m.subject),
    body: m.text,
    html: m.html ?? null,
    attachments,
    dedupeKey: m.dedupeKey ?? null,
  });
}

/**
 * Enqueues one group-robot message; returns its id, or null when the dedupe key was already used
 * or the channel is unknown in this tenant or disabled.
 */
export async function enqueueWebhook(tx: Sql, tenantId: string, m: WebhookInput): Promise<string | null> {
  if (!UUID.test(m.channelId)) return null;
  const channel = await store.channelById(tx, tenantId, m.channelId);
  if (!channel || !channel.enabled) return null;
  return store.insertOutbound(tx, tenantId, {
    id: crypto.randomUUID(),
    channel: channel.kind,
    target: channel.id,
    subject: oneLine(m.title),
    body: m.text,
    dedupeKey: m.dedupeKey ?? null,
  });
}

/**
 * Writes inbox rows for the users and enqueues their e-mails and the robot messages, all in `tx`.
 * With a dedupeKey, a repeat call adds nothing for users who already have it.
 */
export async function notify(tx: Sql, tenantId: string, n: NotifyInput, opts: { publicUrl?: string } = {}): Promise<NotifyResult> {
  const out: NotifyResult = { notificationIds: [], deduplicated: [], skippedUserIds: [], emailIds: [], webhookIds: [], skippedChannelIds: [] };
  const ids = [...new Set(n.userIds)];
  const valid = ids.filter((id) => UUID.test(id));
  const users = new Map((await usersByIds(tx, tenantId, valid)).filter((u) => u.active).map((u) => [u.id, u]));
  const link = absoluteLink(n.link, opts.publicUrl);
  const title = oneLine(n.title);
  const text = link ? `${n.body}\n\n${link}` : n.body;
  for (const userId of ids) {
    const user = users.get(userId);
    if (!user) {
      out.skippedUserIds.push(userId);
      continue;
    }
    const id = await store.insertNotification(tx, tenantId, {
      id: crypto.randomUUID(),
      userId,
      kind: n.kind,
      title,
      body: n.body,
      link: n.link ?? null,
      data: n.data,
      dedupeKey: n.dedupeKey ?? null,
    });
    if (!id) {
      out.deduplicated.push(userId);
      continue;
    }
    out.notificationIds.push(id);
    if (n.email && user.email && EMAIL.test(user.email)) {
      const mailId = await enqueueEmail(tx, tenantId, {
        to: user.email,
        subject: title,
        text,
        dedupeKey: n.dedupeKey ? `notify:${n.dedupeKey}:email:${userId}` : undefined,
      });
      if (mailId) out.emailIds.push(mailId);
    }
  }
  // Robots post once per call, not per user; their own dedupe key makes a repeated call post nothing.
  if (n.channelIds?.length) {
    const robotText = link ? `${n.body}\n\n[${link}](${link})` : n.body;
    for (const channelId of [...new Set(n.channelIds)]) {
      const id = await enqueueWebhook(tx, tenantId, {
        channelId,
        title,
        text: robotText,
        dedupeKey: n.dedupeKey ? `notify:${n.dedupeKey}:channel:${channelId}` : undefined,
      });
      if (id) out.webhookIds.push(id);
      else out.skippedChannelIds.push(channelId);
    }
  }
  return out;
}

// ---- inbox (the caller's own notifications only) -----------------------------------------

export const toNotification = (r: store.NotificationRow) => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  link: r.link,
  data: r.data ?? null,
  createdAt: r.created_at,
  readAt: r.read_at,
  read: r.read_at !== null,
});

function ownUser(ctx: Ctx): string | null {
  return ctx.actor.userId;
}

export async function listInbox(db: Db, ctx: Ctx, q: { unread?: boolean; page: number; pageSize: number }) {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'Notification');
  const userId = ownUser(ctx);
  if (!userId) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const { rows, total } = await store.listInbox(db, ctx.actor.tenantId, userId, { unread: q.unread, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: rows.map(toNotification), total, page: q.page, pageSize: q.pageSize };
}

export async function unreadCount(db: Db, ctx: Ctx): Promise<number> {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'Notification');
  const userId = ownUser(ctx);
  return userId ? store.unreadCount(db, ctx.actor.tenantId, userId) : 0;
}

export async function markRead(db: Db, ctx: Ctx, id: string, now: Date) {
  requireAbility(defineAbilityFor(ctx.actor), 'update', 'Notification');
  const userId = ownUser(ctx);
  const row = userId ? await store.markRead(db, ctx.actor.tenantId, userId, id, now) : undefined;
  // Someone else's notification is indistinguishable from a missing one.
  if (!row) throw new Problem(404, 'not_found');
  return toNotification(row);
}

export async function markAllRead(db: Db, ctx: Ctx, now: Date): Promise<number> {
  requireAbility(defineAbilityFor(ctx.actor), 'update', 'Notification');
  const userId = ownUser(ctx);
  return userId ? store.markAllRead(db, ctx.actor.tenantId, userId, now) : 0;
}

// ---- robot channels (admin) --------------------------------------------------------------

export interface ChannelInput {
  kind: ChannelKind;
  name: string;
  webhookUrl: string;
  secret?: string | null;
  regionId?: string | null;
  enabled?: boolean;
}

/** The secret never leaves the service: records carry hasSecret instead. */
export const toChannel = (r: store.ChannelRow) => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  webhookUrl: r.webhook_url,
  hasSecret: !!r.secret,
  regionId: r.region_id,
  enabled: r.enabled,
  version: r.version,
  createdAt: r.created_at,
});

export function checkWebhookUrl(u: string): string {
  let url: URL;
  try {
    url = new URL(u.trim());
  } catch {
    throw new Problem(400, 'invalid_webhook_url', {}, { field: 'webhookUrl' });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) throw new Problem(400, 'invalid_webhook_url', {}, { field: 'webhookUrl' });
  return url.toString();
}

async function presentChannels(db: Sql, ctx: Ctx, rows: store.ChannelRow[], purpose: 'list' | 'detail') {
  const ability = defineAbilityFor(ctx.actor);
  const out = rows.map((r) => presentFor(ability, 'NotificationChannel', toChannel(r)));
  const shown = [...new Set(out.flatMap((p) => p.sensitiveShown))].sort();
  if (shown.length) {
    const ids = out.filter((p) => p.sensitiveShown.length).map((p) => p.value.id);
    await writeSensitiveRead(db, ctx, { resource: 'NotificationChannel', purpose, recordIds: ids, fields: shown });
  }
  return out.map((p) => p.value);
}

export async function listChannels(db: Db, ctx: Ctx) {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'NotificationChannel');
  return presentChannels(db, ctx, await store.listChannels(db, ctx.actor.tenantId), 'list');
}

export async function getChannel(db: Db, ctx: Ctx, id: string) {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'NotificationChannel');
  const row = await store.channelById(db, ctx.actor.tenantId, id);
  if (!row) throw new Problem(404, 'not_found');
  return (await presentChannels(db, ctx, [row], 'detail'))[0];
}

export async function createChannel(db: Db, ctx: Ctx, input: ChannelInput) {
  requireAbility(defineAbilityFor(ctx.actor), 'create', 'NotificationChannel');
  const webhookUrl = checkWebhookUrl(input.webhookUrl);
  const row = await db.transaction(async (tx) => {
    const created = await store.insertChannel(tx, ctx.actor.tenantId, {
      id: crypto.randomUUID(),
      kind: input.kind,
      name: input.name.trim(),
      webhookUrl,
      secret: input.secret || null,
      regionId: input.regionId ?? null,
      enabled: input.enabled ?? true,
    });
    await writeAudit(tx, ctx, { action: 'notification_channel.create', resource: 'NotificationChannel', recordId: created.id, after: toChannel(created) });
    return created;
  });
  return (await presentChannels(db, ctx, [row], 'detail'))[0];
}

export async function updateChannel(db: Db, ctx: Ctx, id: string, version: number, patch: Partial<ChannelInput>) {
  requireAbility(defineAbilityFor(ctx.actor), 'update', 'NotificationChannel');
  const set: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) set[k] = v;
  if (typeof set.webhookUrl === 'string') set.webhookUrl = checkWebhookUrl(set.webhookUrl);
  if (typeof set.name === 'string') set.name = set.name.trim();
  // An empty secret clears it, like null.
  if (set.secret === '') set.secret = null;
  const row = await db.transaction(async (tx) => {
    const current = await store.channelById(tx, ctx.actor.tenantId, id);
    if (!current) throw new Problem(404, 'not_found');
    if (current.version !== version) throw versionConflict(current.version, version);
    const updated = await store.updateChannel(tx, ctx.actor.tenantId, id, version, set);
    if (!updated) throw versionConflict(current.version + 1, version);
    const before = { ...toChannel(current), secretChanged: false };
    const after = { ...toChannel(updated), secretChanged: 'secret' in set && set.secret !== current.secret };
    const d = diff(before, after);
    await writeAudit(tx, ctx, { action: 'notification_channel.update', resource: 'NotificationChannel', recordId: id, before: d.before, after: d.after });
    return updated;
  });
  return (await presentChannels(db, ctx, [row], 'detail'))[0];
}

export async function deleteChannel(db: Db, ctx: Ctx, id: string, version: number): Promise<void> {
  requireAbility(defineAbilityFor(ctx.actor), 'delete', 'NotificationChannel');
  await db.transaction(async (tx) => {
    const current = await store.channelById(tx, ctx.actor.tenantId, id);
    if (!current) throw new Problem(404, 'not_found');
    if (current.version !== version) throw versionConflict(current.version, version);
    if (!(await store.deleteChannel(tx, ctx.actor.tenantId, id, version))) throw versionConflict(current.version + 1, version);
    await writeAudit(tx, ctx, { action: 'notification_channel.delete', resource: 'NotificationChannel', recordId: id, before: toChannel(current) });
  });
}

// ---- outbox (admin) ----------------------------------------------------------------------

export function toOutbound(r: store.OutboundRow, channelNames: Map<string, string> = new Map()) {
  return {
    id: r.id,
    channel: r.channel,
    target: r.target,
    /** The robot channel's name, or the addresses of an e-mail. */
    targetName: r.channel === 'email' ? r.target : (channelNames.get(r.target) ?? null),
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    /** Only while pending. */
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    sentAt: r.sent_at,
    createdAt: r.created_at,
    attachments: (r.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType })),
  };
}

async function presentOutbound(db: Sql, tenantId: string, rows: store.OutboundRow[]) {
  const channelIds = [...new Set(rows.filter((r) => r.channel !== 'email' && UUID.test(r.target)).map((r) => r.target))];
  const names = new Map((await store.channelsByIds(db, tenantId, channelIds)).map((c) => [c.id, c.name]));
  return rows.map((r) => toOutbound(r, names));
}

export async function listOutbox(db: Db, ctx: Ctx, q: { status?: string; channel?: string; page: number; pageSize: number }) {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'NotificationChannel');
  const { rows, total } = await store.listOutbox(db, ctx.actor.tenantId, { status: q.status, channel: q.channel, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  return { items: await presentOutbound(db, ctx.actor.tenantId, rows), total, page: q.page, pageSize: q.pageSize };
}

// ---- the notifier: enqueue helpers bound to settings, and the delivery worker ------------

export interface DeliveryResult {
  id: string;
  tenantId: string;
  status: 'sent' | 'pending' | 'dead';
  error?: string;
}

export interface Notifier {
  notify(tx: Sql, tenantId: string, n: NotifyInput): Promise<NotifyResult>;
  enqueueEmail(tx: Sql, tenantId: string, m: EmailInput): Promise<string | null>;
  enqueueWebhook(tx: Sql, tenantId: string, m: WebhookInput): Promise<string | null>;
  /** Sends every due pending message (optionally of one tenant / one message) and records the outcome. */
  deliverDue(now?: Date, opts?: { tenantId?: string; id?: string; limit?: number }): Promise<DeliveryResult[]>;
  /** Admin: puts a pending or dead message back in the queue with a fresh attempt budget and tries it at once. */
  retry(ctx: Ctx, id: string): Promise<ReturnType<typeof toOutbound>>;
  /** Admin: sends a test message to a channel directly (not queued) and reports the outcome. */
  testChannel(ctx: Ctx, id: string): Promise<{ ok: boolean; error: string | null }>;
  readonly mailer: 'smtp' | 'eml';
  /** Starts the delivery worker (an unref'd interval). */
  start(): void;
  /** Stops the worker and waits for a delivery round in progress. */
  stop(): Promise<void>;
}

export interface NotifierOptions {
  db: Db;
  settings: Settings;
  log: FastifyBaseLogger;
  now: () => Date;
  /** Where sha256 attachments are read from; default the local file store under DATA_DIR. */
  storage?: FileStorage;
  intervalMs?: number;
  webhookTimeoutMs?: number;
  /** Restricts the background worker to one tenant (tests sharing a database; default all tenants). */
  workerTenantId?: string;
}

export function createNotifier(o: NotifierOptions): Notifier {
  const { db, settings, log, now } = o;
  const storage = o.storage ?? createLocalStorage(path.join(settings.dataDir, 'files'));
  const intervalMs = o.intervalMs ?? 5_000;
  const webhookTimeoutMs = o.webhookTimeoutMs ?? 10_000;
  let mailer: Mailer | undefined;
  const getMailer = () => (mailer ??= createMailer(settings));

  async function attachmentsOf(m: store.OutboundRow) {
    const out: { filename: string; contentType: string; content: Buffer }[] = [];
    for (const a of m.attachments ?? []) {
      let content: Buffer | undefined;
      if (a.sha256) content = await storage.get(a.sha256);
      else if (a.base64) content = Buffer.from(a.base64, 'base64');
      if (!content) throw new PermanentError(`attachment ${a.filename} (${a.sha256 ?? 'inline'}) is missing from the file store`);
      out.push({ filename: a.filename, contentType: a.contentType, content });
    }
    return out;
  }

  async function send(m: store.OutboundRow, at: Date): Promise<void> {
    if (m.channel === 'email') {
      await getMailer().send({
        id: m.id,
        to: m.target.split(',').map((s) => s.trim()).filter(Boolean),
        subject: m.subject,
        text: m.body,
        html: m.html,
        attachments: await attachmentsOf(m),
      });
      return;
    }
    const channel = UUID.test(m.target) ? await store.channelById(db, m.tenant_id, m.target) : undefined;
    if (!channel) throw new PermanentError('the channel was deleted');
    if (!channel.enabled) throw new PermanentError('the channel is disabled');
    await sendRobot({ kind: channel.kind, webhookUrl: channel.webhook_url, secret: channel.secret }, { title: m.subject, text: m.body }, at, webhookTimeoutMs);
  }

  async function deliverOne(m: store.OutboundRow, at: Date): Promise<DeliveryResult> {
    try {
      await send(m, at);
      await store.markSent(db, m.tenant_id, m.id, at);
      return { id: m.id, tenantId: m.tenant_id, status: 'sent' };
    } catch (e: any) {
      const error = String(e?.message ?? e).slice(0, 2000);
      const failed = m.attempts + 1;
      const dead = e instanceof PermanentError || failed >= MAX_ATTEMPTS;
      const nextAttemptAt = dead ? at : new Date(at.getTime() + backoffMs(failed));
      await store.markFailed(db, m.tenant_id, m.id, { at, error, dead, nextAttemptAt });
      (dead ? log.error : log.warn).call(log, { messageId: m.id, tenantId: m.tenant_id, channel: m.channel, attempts: failed, error }, dead ? 'outbound message dead' : 'outbound message failed, will retry');
      return { id: m.id, tenantId: m.tenant_id, status: dead ? 'dead' : 'pending', error };
    }
  }

  let stopping = false;

  /** `halt` is checked between messages: the background worker stops early on shutdown, explicit calls never do. */
  async function deliverDue(at = now(), opts: { tenantId?: string; id?: string; limit?: number } = {}, halt = () => false): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = [];
    const limit = opts.limit ?? 20;
    // Claim in batches until nothing is due, so a backlog drains in one round.
    for (let round = 0; round < 50 && !halt(); round++) {
      const claimed = await store.claimDue(db, { now: at, leaseUntil: new Date(Math.max(at.getTime(), now().getTime()) + LEASE_MS), limit, tenantId: opts.tenantId, id: opts.id });
      for (const [i, m] of claimed.entries()) {
        if (halt()) {
          // Shutting down: hand the rest back now rather than leaving them leased for minutes.
          for (const rest of claimed.slice(i)) await store.release(db, rest.tenant_id, rest.id, at);
          break;
        }
        results.push(await deliverOne(m, at));
      }
      if (claimed.length < limit) break;
    }
    return results;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  const tick = () => {
    if (running) return;
    running = deliverDue(now(), { tenantId: o.workerTenantId }, () => stopping)
      .catch((e) => log.error({ err: e }, 'outbound delivery round failed'))
      .finally(() => {
        running = undefined;
      });
  };

  return {
    notify: (tx, tenantId, n) => notify(tx, tenantId, n, { publicUrl: settings.publicUrl }),
    enqueueEmail,
    enqueueWebhook,
    deliverDue: (at, opts) => deliverDue(at, opts),
    get mailer() {
      return getMailer().kind;
    },
    async retry(ctx, id) {
      requireAbility(defineAbilityFor(ctx.actor), 'update', 'NotificationChannel');
      const at = now();
      await db.transaction(async (tx) => {
        const current = await store.outboundById(tx, ctx.actor.tenantId, id);
        if (!current) throw new Problem(404, 'not_found');
        if (current.status === 'sent') throw new Problem(409, 'outbox_already_sent');
        await store.requeue(tx, ctx.actor.tenantId, id, at);
        await writeAudit(tx, ctx, {
          action: 'outbound_message.retry',
          resource: 'OutboundMessage',
          recordId: id,
          before: { status: current.status, attempts: current.attempts, lastError: current.last_error },
          after: { status: 'pending', attempts: 0 },
        });
      });
      await deliverDue(at, { tenantId: ctx.actor.tenantId, id });
      const row = await store.outboundById(db, ctx.actor.tenantId, id);
      return (await presentOutbound(db, ctx.actor.tenantId, [row!]))[0];
    },
    async testChannel(ctx, id) {
      requireAbility(defineAbilityFor(ctx.actor), 'update', 'NotificationChannel');
      const channel = await store.channelById(db, ctx.actor.tenantId, id);
      if (!channel) throw new Problem(404, 'not_found');
      let error: string | null = null;
      try {
        await sendRobot(
          { kind: channel.kind, webhookUrl: channel.webhook_url, secret: channel.secret },
          {
            title: 'Trueline 测试消息 / test message',
            text: `这是一条来自 Trueline 的测试消息（通道：${channel.name}），收到即表示配置正确。\nThis is a test message from Trueline: the channel "${channel.name}" works.`,
          },
          now(),
          webhookTimeoutMs,
        );
      } catch (e: any) {
        error = String(e?.message ?? e).slice(0, 2000);
      }
      await writeAudit(db, ctx, { action: 'notification_channel.test', resource: 'NotificationChannel', recordId: id, after: { ok: !error, error } });
      return { ok: !error, error };
    },
    start() {
      if (timer) return;
      stopping = false;
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      mailer?.close();
      mailer = undefined;
    },
  };
}
