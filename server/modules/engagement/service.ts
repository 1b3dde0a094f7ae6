// Engagement use cases (C2, C3, C4): service tickets, marketing touchpoints and key-contact
// activities of a customer, and the customer's merged timeline. A record's scope is its
// customer's (owner, team, region): the customer must be readable first (else 404), then the
// policy for the record type decides (sales read tickets but never write them; marketing reads
// touchpoints with contact names masked). Unmasked contact names are recorded as sensitive reads.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import { defineAbilityFor, presentFor, requireAbility, requireRecord, requireWritableFields, subject, type AppAbility } from '../../platform/access/abilities.js';
import type { Resource } from '../../platform/access/policies.js';
import { Problem, registerMessages, versionConflict } from '../../platform/http/problem.js';
import { diff, writeAudit, writeSensitiveRead } from '../../platform/audit/audit.js';
import { customerBrief } from '../customers/lookup.js';
import * as visits from '../process/history.js';
import * as org from '../org/service.js';
import { registerImportTarget, type ImportRow, type ImportSource } from '../customers/import-targets.js';
import { registerMergeParticipant } from '../customers/merge-participants.js';
import * as store from './store.js';
import type { ActivityRow, TicketRow, TouchpointRow } from './store.js';

registerMessages({
  ticket_no_taken: { 'zh-CN': '工单号 {ticketNo} 已存在', 'en-US': 'Ticket number {ticketNo} already exists' },
  touchpoint_id_taken: { 'zh-CN': '触点编号 {externalId} 已存在', 'en-US': 'Touchpoint id {externalId} already exists' },
  closed_before_opened: { 'zh-CN': '关闭时间不能早于创建时间', 'en-US': 'The closing time cannot be before the opening time' },
  time_in_future: { 'zh-CN': '时间不能晚于当前时间：{field}', 'en-US': 'The time cannot be in the future: {field}' },
  bad_cursor: { 'zh-CN': '分页游标无效，请从第一页重新加载', 'en-US': 'Invalid page cursor; reload from the first page' },
});

export const TICKET_CATEGORIES = ['complaint', 'fault', 'consultation', 'request', 'other'] as const;
export const TICKET_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed'] as const;
export const ACTIVITY_KINDS = ['email', 'meeting', 'call'] as const;

/** Allowed clock skew for "not in the future" checks. */
const SKEW_MS = 5 * 60_000;

interface CustomerScope {
  id: string;
  ownerId: string | null;
  teamId: string | null;
  regionId: string | null;
}

/** The customer as this actor reads it (404 when outside their scope), reduced to what decides record scope. */
async function customerScope(db: Db, ctx: Ctx, customerId: string): Promise<CustomerScope> {
  const c = await customerBrief(db, ctx, customerId);
  return { id: c.id, ownerId: c.ownerId, teamId: c.teamId, regionId: c.regionId };
}

const scopeFields = (c: CustomerScope) => ({ ownerId: c.ownerId, teamId: c.teamId, regionId: c.regionId });

/** Presents records of one customer: masks, attaches abilities, drops the scope helpers, audits unmasked contacts. */
async function presentMany<T extends { id: string }>(
  db: Sql,
  ctx: Ctx,
  ability: AppAbility,
  resource: Resource,
  c: CustomerScope,
  records: T[],
  purpose: 'list' | 'detail',
) {
  const shown = new Set<string>();
  const ids: string[] = [];
  const out = records.map((r) => {
    const p = presentFor(ability, resource, { ...r, ...scopeFields(c) });
    const v = p.value as Record<string, unknown>;
    delete v.ownerId;
    delete v.teamId;
    delete v.regionId;
    if (p.sensitiveShown.length) {
      ids.push(r.id);
      p.sensitiveShown.forEach((f) => shown.add(f));
    }
    return p.value as Partial<T> & { id: string; _abilities: { update: boolean; delete: boolean; writable: string[]; masked: string[] } };
  });
  if (ids.length) await writeSensitiveRead(db, ctx, { resource, purpose, recordIds: ids, fields: [...shown].sort() });
  return out;
}

// ── records ──────────────────────────────────────────────────────────────────────────────

export type SlaState = 'met' | 'missed' | 'pending' | 'none';

export function slaState(t: Pick<TicketRow, 'sla_due_at' | 'sla_met' | 'closed_at'>, now: Date): SlaState {
  if (!t.sla_due_at) return 'none';
  if (t.sla_met !== null) return t.sla_met ? 'met' : 'missed';
  if (t.closed_at) return t.closed_at <= t.sla_due_at ? 'met' : 'missed';
  return t.sla_due_at < now ? 'missed' : 'pending';
}

function ticketRecord(r: TicketRow, now: Date) {
  return {
    id: r.id,
    customerId: r.customer_id,
    ticketNo: r.ticket_no,
    title: r.title,
    category: r.category as (typeof TICKET_CATEGORIES)[number],
    severity: r.severity as (typeof TICKET_SEVERITIES)[number],
    status: r.status as (typeof TICKET_STATUSES)[number],
    contactName: r.contact_name,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    slaDueAt: r.sla_due_at,
    slaState: slaState(r, now),
    source: r.source,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

function touchpointRecord(r: TouchpointRow) {
  return {
    id: r.id,
    customerId: r.customer_id,
    externalId: r.external_id,
    channel: r.channel,
    campaign: r.campaign,
    action: r.action,
    contactName: r.contact_name,
    occurredAt: r.occurred_at,
    source: r.source,
  };
}

function activityRecord(r: ActivityRow, names: Map<string, string>) {
  return {
    id: r.id,
    customerId: r.customer_id,
    kind: r.kind,
    contactName: r.contact_name,
    contactRole: r.contact_role,
    subject: r.subject,
    occurredAt: r.occurred_at,
    repId: r.rep_id,
    repName: r.rep_id ? (names.get(r.rep_id) ?? null) : null,
  };
}

async function readable(db: Db, ctx: Ctx, resource: Resource, customerId: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', resource);
  const c = await customerScope(db, ctx, customerId);
  requireRecord(ability, 'read', resource, scopeFields(c) as Record<string, unknown>);
  return { ability, c };
}

export async function listTickets(db: Db, ctx: Ctx, customerId: string, limit = 200) {
  const { ability, c } = await readable(db, ctx, 'Ticket', customerId);
  const rows = await store.ticketsOfCustomer(db, ctx.actor.tenantId, customerId, limit);
  const now = new Date();
  return { items: await presentMany(db, ctx, ability, 'Ticket', c, rows.map((r) => ticketRecord(r, now)), 'list') };
}

export async function listTouchpoints(db: Db, ctx: Ctx, customerId: string, limit = 200) {
  const { ability, c } = await readable(db, ctx, 'Touchpoint', customerId);
  const rows = await store.touchpointsOfCustomer(db, ctx.actor.tenantId, customerId, limit);
  return { items: await presentMany(db, ctx, ability, 'Touchpoint', c, rows.map(touchpointRecord), 'list') };
}

export async function listActivities(db: Db, ctx: Ctx, customerId: string, limit = 200) {
  const { ability, c } = await readable(db, ctx, 'ContactActivity', customerId);
  const rows = await store.activitiesOfCustomer(db, ctx.actor.tenantId, customerId, limit);
  const names = await org.namesOf(db, ctx.actor.tenantId, rows.map((r) => r.rep_id));
  return { items: await presentMany(db, ctx, ability, 'ContactActivity', c, rows.map((r) => activityRecord(r, names)), 'list') };
}

function notFuture(d: Date | null | undefined, field: string) {
  if (d && d.getTime() > Date.now() + SKEW_MS) throw new Problem(400, 'time_in_future', { field }, { field });
}

async function writable(db: Db, ctx: Ctx, resource: Resource, customerId: string, fields: string[]) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', resource);
  const c = await customerScope(db, ctx, customerId);
  const subjectRecord = { id: 'new', ...scopeFields(c) } as Record<string, unknown>;
  requireRecord(ability, 'create', resource, subjectRecord);
  requireWritableFields(ability, 'create', resource, subjectRecord, fields);
  return { ability, c };
}

export interface TicketInput {
  ticketNo?: string;
  title: string;
  category: (typeof TICKET_CATEGORIES)[number];
  severity: (typeof TICKET_SEVERITIES)[number];
  status?: (typeof TICKET_STATUSES)[number];
  contactName?: string | null;
  openedAt?: Date;
  closedAt?: Date | null;
  slaDueAt?: Date | null;
}

export async function createTicket(db: Db, ctx: Ctx, customerId: string, input: TicketInput) {
  const { ability, c } = await writable(db, ctx, 'Ticket', customerId, Object.keys(input));
  const openedAt = input.openedAt ?? new Date();
  notFuture(openedAt, 'openedAt');
  notFuture(input.closedAt, 'closedAt');
  if (input.closedAt && input.closedAt < openedAt) throw new Problem(400, 'closed_before_opened', {}, { field: 'closedAt' });
  const ticketNo = input.ticketNo ?? `TK${openedAt.toISOString().slice(0, 10).replace(/-/g, '')}-${crypto.randomBytes(3).toString('hex').toUpperCase()}`;
  const row = await db.transaction(async (tx) => {
    if (await store.ticketNoTaken(tx, ctx.actor.tenantId, ticketNo)) throw new Problem(409, 'ticket_no_taken', { ticketNo }, { field: 'ticketNo' });
    const r = await store.insertTicket(
      tx,
      ctx.actor.tenantId,
      crypto.randomUUID(),
      {
        customerId,
        ticketNo,
        title: input.title,
        category: input.category,
        severity: input.severity,
        status: input.status ?? (input.closedAt ? 'closed' : 'open'),
        contactName: input.contactName ?? null,
        openedAt,
        closedAt: input.closedAt ?? null,
        slaDueAt: input.slaDueAt ?? null,
        slaMet: null,
        source: 'manual',
      },
      ctx.actor.userId,
    );
    await writeAudit(tx, ctx, { action: 'ticket.create', resource: 'Ticket', recordId: r.id, after: ticketRecord(r, new Date()) });
    return r;
  });
  return (await presentMany(db, ctx, ability, 'Ticket', c, [ticketRecord(row, new Date())], 'detail'))[0];
}

export type TicketPatch = Partial<Pick<TicketInput, 'title' | 'category' | 'severity' | 'status' | 'contactName' | 'closedAt' | 'slaDueAt'>>;

export async function updateTicket(db: Db, ctx: Ctx, id: string, version: number, patch: TicketPatch) {
  const ability = defineAbilityFor(ctx.actor);
  const current = await store.ticketById(db, ctx.actor.tenantId, id);
  if (!current) throw new Problem(404, 'not_found');
  // The ticket's customer must be readable (404 otherwise); then the Ticket policy decides (a rep: 403).
  const c = await customerScope(db, ctx, current.customer_id).catch((e) => {
    throw e instanceof Problem && e.status === 404 ? new Problem(404, 'not_found') : e;
  });
  const subj = { ...ticketRecord(current, new Date()), ...scopeFields(c) } as Record<string, unknown>;
  requireRecord(ability, 'update', 'Ticket', subj);
  requireWritableFields(ability, 'update', 'Ticket', subj, Object.keys(patch));
  notFuture(patch.closedAt, 'closedAt');
  const values: Record<string, unknown> = { ...patch };
  // Closing without a time closes it now; reopening clears the closing time.
  if ((patch.status === 'closed' || patch.status === 'resolved') && patch.closedAt === undefined && !current.closed_at) values.closedAt = new Date();
  if ((patch.status === 'open' || patch.status === 'in_progress') && patch.closedAt === undefined) values.closedAt = null;
  const closedAt = values.closedAt === undefined ? current.closed_at : (values.closedAt as Date | null);
  if (closedAt && closedAt < current.opened_at) throw new Problem(400, 'closed_before_opened', {}, { field: 'closedAt' });
  const row = await db.transaction(async (tx) => {
    const fresh = await store.ticketById(tx, ctx.actor.tenantId, id);
    if (!fresh) throw new Problem(404, 'not_found');
    if (fresh.version !== version) throw versionConflict(fresh.version, version);
    const updated = await store.updateTicket(tx, ctx.actor.tenantId, id, version, values);
    if (!updated) throw versionConflict(fresh.version + 1, version);
    const now = new Date();
    await writeAudit(tx, ctx, { action: 'ticket.update', resource: 'Ticket', recordId: id, ...diff(ticketRecord(fresh, now), ticketRecord(updated, now)) });
    return updated;
  });
  return (await presentMany(db, ctx, ability, 'Ticket', c, [ticketRecord(row, new Date())], 'detail'))[0];
}

export interface TouchpointInput {
  externalId?: string;
  channel: string;
  campaign?: string | null;
  action?: string;
  contactName?: string | null;
  occurredAt: Date;
}

export async function createTouchpoint(db: Db, ctx: Ctx, customerId: string, input: TouchpointInput) {
  const { ability, c } = await writable(db, ctx, 'Touchpoint', customerId, Object.keys(input));
  notFuture(input.occurredAt, 'occurredAt');
  const externalId = input.externalId ?? `TP-${crypto.randomUUID()}`;
  const row = await db.transaction(async (tx) => {
    if (await store.touchpointIdTaken(tx, ctx.actor.tenantId, externalId)) throw new Problem(409, 'touchpoint_id_taken', { externalId }, { field: 'externalId' });
    const r = await store.insertTouchpoint(
      tx,
      ctx.actor.tenantId,
      crypto.randomUUID(),
      { customerId, externalId, channel: input.channel, campaign: input.campaign ?? null, action: input.action ?? '', contactName: input.contactName ?? null, occurredAt: input.occurredAt, source: 'manual' },
      ctx.actor.userId,
    );
    await writeAudit(tx, ctx, { action: 'touchpoint.create', resource: 'Touchpoint', recordId: r.id, after: touchpointRecord(r) });
    return r;
  });
  return (await presentMany(db, ctx, ability, 'Touchpoint', c, [touchpointRecord(row)], 'detail'))[0];
}

export interface ActivityInput {
  kind: (typeof ACTIVITY_KINDS)[number];
  contactName: string;
  contactRole?: string | null;
  subject?: string;
  occurredAt: Date;
}

export async function createActivity(db: Db, ctx: Ctx, customerId: string, input: ActivityInput) {
  const { ability, c } = await writable(db, ctx, 'ContactActivity', customerId, Object.keys(input));
  notFuture(input.occurredAt, 'occurredAt');
  const row = await db.transaction(async (tx) => {
    const r = await store.insertActivity(tx, ctx.actor.tenantId, crypto.randomUUID(), {
      customerId,
      kind: input.kind,
      contactName: input.contactName,
      contactRole: input.contactRole ?? null,
      subject: input.subject ?? '',
      occurredAt: input.occurredAt,
      repId: ctx.actor.userId,
    });
    await writeAudit(tx, ctx, { action: 'contact_activity.create', resource: 'ContactActivity', recordId: r.id, after: activityRecord(r, new Map()) });
    return r;
  });
  const names = await org.namesOf(db, ctx.actor.tenantId, [row.rep_id]);
  return (await presentMany(db, ctx, ability, 'ContactActivity', c, [activityRecord(row, names)], 'detail'))[0];
}

// ── timeline ─────────────────────────────────────────────────────────────────────────────

export type TimelineKind = 'visit' | 'ticket' | 'touchpoint' | 'activity';

export interface TimelineItem {
  kind: TimelineKind;
  id: string;
  at: Date;
  data: Record<string, unknown>;
}

export function encodeCursor(b: store.Before): string {
  return Buffer.from(JSON.stringify({ at: b.at.toISOString(), kind: b.kind, id: b.id })).toString('base64url');
}

export function decodeCursor(s: string): store.Before {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as { at: string; kind: string; id: string };
    const at = new Date(v.at);
    if (Number.isNaN(at.getTime()) || !['visit', 'ticket', 'touchpoint', 'activity'].includes(v.kind) || !z.uuid().safeParse(v.id).success) throw new Error('bad');
    return { at, kind: v.kind, id: v.id };
  } catch {
    throw new Problem(400, 'bad_cursor', {}, { field: 'cursor' });
  }
}

/** Timeline order: newest first; ties broken by kind, then id (both descending). */
export function compareTimeline(a: { at: Date; kind: string; id: string }, b: { at: Date; kind: string; id: string }): number {
  if (a.at.getTime() !== b.at.getTime()) return b.at.getTime() - a.at.getTime();
  if (a.kind !== b.kind) return a.kind < b.kind ? 1 : -1;
  return a.id === b.id ? 0 : a.id < b.id ? 1 : -1;
}

/**
 * One page of the customer's timeline: visits, tickets, touchpoints and key-contact activities
 * merged by time, each kind only if the actor may read it. Keyset-paged: each source returns at
 * most one page after the cursor, so a page costs the same however deep it is.
 */
export async function timeline(db: Db, ctx: Ctx, customerId: string, opts: { pageSize: number; cursor?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  const before = opts.cursor ? decodeCursor(opts.cursor) : undefined;
  const c = await customerScope(db, ctx, customerId);
  const tenantId = ctx.actor.tenantId;
  const n = opts.pageSize + 1;
  const may = (r: Resource) => ability.can('read', subject(r, scopeFields(c)));
  const now = new Date();
  const [tickets, touchpoints, activities, visitItems] = await Promise.all([
    may('Ticket') ? store.ticketsOfCustomer(db, tenantId, customerId, n, before) : Promise.resolve([]),
    may('Touchpoint') ? store.touchpointsOfCustomer(db, tenantId, customerId, n, before) : Promise.resolve([]),
    may('ContactActivity') ? store.activitiesOfCustomer(db, tenantId, customerId, n, before) : Promise.resolve([]),
    ability.can('read', 'Visit') ? visits.visitsOfCustomer(db, ctx, customerId, { limit: n, before }).then((v) => v.items) : Promise.resolve([]),
  ]);
  const keys: { at: Date; kind: TimelineKind; id: string }[] = [
    ...tickets.map((r) => ({ at: r.opened_at, kind: 'ticket' as const, id: r.id })),
    ...touchpoints.map((r) => ({ at: r.occurred_at, kind: 'touchpoint' as const, id: r.id })),
    ...activities.map((r) => ({ at: r.occurred_at, kind: 'activity' as const, id: r.id })),
    ...visitItems.map((v) => ({ at: new Date(v.occurredAt), kind: 'visit' as const, id: v.id })),
  ].filter((k) => !before || compareTimeline(k, before) > 0);
  keys.sort(compareTimeline);
  const page = keys.slice(0, opts.pageSize);
  const hasMore = keys.length > opts.pageSize;
  const chosen = new Set(page.map((k) => `${k.kind}:${k.id}`));
  const pick = <T extends { id: string }>(kind: TimelineKind, rows: T[]) => rows.filter((r) => chosen.has(`${kind}:${r.id}`));
  const names = await org.namesOf(db, tenantId, activities.map((r) => r.rep_id));
  const [pt, pp, pa] = await Promise.all([
    presentMany(db, ctx, ability, 'Ticket', c, pick('ticket', tickets).map((r) => ticketRecord(r, now)), 'list'),
    presentMany(db, ctx, ability, 'Touchpoint', c, pick('touchpoint', touchpoints).map(touchpointRecord), 'list'),
    presentMany(db, ctx, ability, 'ContactActivity', c, pick('activity', activities).map((r) => activityRecord(r, names)), 'list'),
  ]);
  const data = new Map<string, Record<string, unknown>>();
  pt.forEach((r) => data.set(`ticket:${r.id}`, r));
  pp.forEach((r) => data.set(`touchpoint:${r.id}`, r));
  pa.forEach((r) => data.set(`activity:${r.id}`, r));
  visitItems.forEach((v) => chosen.has(`visit:${v.id}`) && data.set(`visit:${v.id}`, v as unknown as Record<string, unknown>));
  const items: TimelineItem[] = page.map((k) => ({ kind: k.kind, id: k.id, at: k.at, data: data.get(`${k.kind}:${k.id}`)! }));
  const last = page[page.length - 1];
  return { items, nextCursor: hasMore && last ? encodeCursor(last) : null };
}

// ── inputs for the health board (called by the health module's service) ──────────────────

export interface EngagementAggregate {
  tickets: { total: number; complaints: number; slaMet: number; slaMissed: number; slaPending: number };
  activity: { d30: { email: number; meeting: number; call: number }; d90: { email: number; meeting: number; call: number } };
}

/**
 * Per-customer ticket and activity counts, one aggregate query per table for any number of
 * customers. The caller has already decided which customers the actor may see.
 */
export async function engagementAggregates(db: Db, tenantId: string, customerIds: string[], asOf: Date, ticketWindowDays: number): Promise<Map<string, EngagementAggregate>> {
  const since = new Date(asOf.getTime() - ticketWindowDays * 86_400_000);
  const [t, a] = await Promise.all([store.ticketAggregates(db, tenantId, customerIds, since, asOf), store.activityAggregates(db, tenantId, customerIds, asOf)]);
  const out = new Map<string, EngagementAggregate>();
  for (const id of customerIds) {
    out.set(id, {
      tickets: { total: 0, complaints: 0, slaMet: 0, slaMissed: 0, slaPending: 0 },
      activity: { d30: { email: 0, meeting: 0, call: 0 }, d90: { email: 0, meeting: 0, call: 0 } },
    });
  }
  for (const r of t) {
    out.get(r.customer_id)!.tickets = { total: r.total, complaints: r.complaints, slaMet: r.sla_met, slaMissed: r.sla_missed, slaPending: r.sla_pending };
  }
  for (const r of a) {
    out.get(r.customer_id)!.activity = {
      d30: { email: r.email30, meeting: r.meeting30, call: r.call30 },
      d90: { email: r.email90, meeting: r.meeting90, call: r.call90 },
    };
  }
  return out;
}

// ── import targets and merge participant ─────────────────────────────────────────────────

const blank = (v: unknown) => (v === '' || v === null || v === undefined || (typeof v === 'string' && v.trim() === '') ? undefined : v);
const cellText = (max: number) => z.preprocess((v) => (blank(v) === undefined ? undefined : String(v).trim()), z.string().max(max));
/** Dates from files: Date cells as they are; text without an offset is read in China time (UTC+8). */
const cellDate = z.preprocess((v) => {
  const b = blank(v);
  if (b === undefined || b instanceof Date) return b;
  const s = String(b).trim().replace(/\//g, '-');
  if (/^\d{4}-\d{1,2}-\d{1,2}$/.test(s)) return new Date(`${s.replace(/-(\d)(?!\d)/g, '-0$1')}T00:00:00+08:00`);
  if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$/.test(s)) return new Date(`${s.replace(' ', 'T')}+08:00`);
  return new Date(s);
}, z.date());
const mapped = <T extends string>(values: readonly T[], aliases: Record<string, T>) =>
  z.preprocess((v) => {
    const s = blank(v) === undefined ? undefined : String(v).trim();
    if (s === undefined) return undefined;
    return aliases[s] ?? aliases[s.toLowerCase()] ?? s.toLowerCase();
  }, z.enum(values));

const CATEGORY_ALIASES: Record<string, (typeof TICKET_CATEGORIES)[number]> = { 投诉: 'complaint', 故障: 'fault', 咨询: 'consultation', 需求: 'request', 其他: 'other', 其它: 'other' };
const SEVERITY_ALIASES: Record<string, (typeof TICKET_SEVERITIES)[number]> = { 低: 'low', 中: 'medium', 一般: 'medium', 高: 'high', 紧急: 'critical', 严重: 'critical' };
const STATUS_ALIASES: Record<string, (typeof TICKET_STATUSES)[number]> = {
  新建: 'open', 待处理: 'open', 处理中: 'in_progress', 已解决: 'resolved', 已关闭: 'closed', 关闭: 'closed', 'in progress': 'in_progress',
};
const yesNo = z.preprocess((v) => {
  const b = blank(v);
  if (b === undefined || typeof b === 'boolean') return b;
  const s = String(b).trim().toLowerCase();
  if (['是', 'y', 'yes', 'true', '1', '达成', '按时'].includes(s)) return true;
  if (['否', 'n', 'no', 'false', '0', '未达成', '超时'].includes(s)) return false;
  return s;
}, z.boolean());

export const TicketImportRow = z
  .object({
    ticketNo: cellText(60).pipe(z.string().min(1)),
    title: cellText(300).pipe(z.string().min(1)),
    category: mapped(TICKET_CATEGORIES, CATEGORY_ALIASES),
    severity: mapped(TICKET_SEVERITIES, SEVERITY_ALIASES).optional(),
    status: mapped(TICKET_STATUSES, STATUS_ALIASES).optional(),
    contactName: cellText(50).optional(),
    openedAt: cellDate,
    closedAt: cellDate.optional(),
    slaDueAt: cellDate.optional(),
    slaMet: yesNo.optional(),
  })
  .refine((r) => !r.closedAt || r.closedAt >= r.openedAt, { message: 'closedAt is before openedAt', path: ['closedAt'] });
export type TicketImportRow = z.infer<typeof TicketImportRow>;

export const TouchpointImportRow = z.object({
  touchpointId: cellText(100).pipe(z.string().min(1)),
  channel: cellText(40).pipe(z.string().min(1)),
  campaign: cellText(200).optional(),
  action: cellText(200).optional(),
  contactName: cellText(50).optional(),
  occurredAt: cellDate,
});
export type TouchpointImportRow = z.infer<typeof TouchpointImportRow>;

const sourceLabel = (s: ImportSource) => `${s.channel}:${s.system}`.slice(0, 200);

/** Import and integration-API writes need the create ability on the resource for every row. */
function requireImport(ctx: Ctx, resource: Resource) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', resource);
  requireAbility(ability, 'update', resource);
}

async function applyTickets(tx: Sql, ctx: Ctx, rows: ImportRow<TicketImportRow>[], source: ImportSource) {
  requireImport(ctx, 'Ticket');
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const r of rows) {
    const d = r.data;
    const outcome = await store.upsertTicket(
      tx,
      ctx.actor.tenantId,
      crypto.randomUUID(),
      {
        customerId: r.customerId!,
        ticketNo: d.ticketNo,
        title: d.title,
        category: d.category,
        severity: d.severity ?? 'medium',
        status: d.status ?? (d.closedAt ? 'closed' : 'open'),
        contactName: d.contactName ?? null,
        openedAt: d.openedAt,
        closedAt: d.closedAt ?? null,
        slaDueAt: d.slaDueAt ?? null,
        slaMet: d.slaMet ?? null,
        source: sourceLabel(source),
      },
      ctx.actor.userId,
    );
    counts[outcome]++;
  }
  await writeAudit(tx, ctx, { action: 'ticket.import', resource: 'Ticket', after: { ...counts, batchId: source.batchId, channel: source.channel, system: source.system } });
  return counts;
}

async function applyTouchpoints(tx: Sql, ctx: Ctx, rows: ImportRow<TouchpointImportRow>[], source: ImportSource) {
  requireImport(ctx, 'Touchpoint');
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const r of rows) {
    const d = r.data;
    const outcome = await store.upsertTouchpoint(
      tx,
      ctx.actor.tenantId,
      crypto.randomUUID(),
      {
        customerId: r.customerId!,
        externalId: d.touchpointId,
        channel: d.channel,
        campaign: d.campaign ?? null,
        action: d.action ?? '',
        contactName: d.contactName ?? null,
        occurredAt: d.occurredAt,
        source: sourceLabel(source),
      },
      ctx.actor.userId,
    );
    counts[outcome]++;
  }
  await writeAudit(tx, ctx, { action: 'touchpoint.import', resource: 'Touchpoint', after: { ...counts, batchId: source.batchId, channel: source.channel, system: source.system } });
  return counts;
}

const col = (key: string, zh: string, en: string, required: boolean, aliases: string[]) => ({ key, label: { 'zh-CN': zh, 'en-US': en }, required, aliases: [zh, en, key, ...aliases] });

let registered = false;

/** Registers the import targets (tickets, touchpoints) and the merge participant. Called once from buildApp. */
export function registerEngagement(): void {
  if (registered) return;
  registered = true;
  registerImportTarget<TicketImportRow>({
    kind: 'tickets',
    label: { 'zh-CN': '客服工单', 'en-US': 'Service tickets' },
    resource: 'Ticket',
    resolvesCustomer: true,
    schema: TicketImportRow as unknown as z.ZodType<TicketImportRow>,
    columns: [
      col('ticketNo', '工单号', 'Ticket number', true, ['工单编号', 'ticket_no', 'ticket id']),
      col('title', '标题', 'Title', true, ['工单标题', '问题描述', 'subject']),
      col('category', '类别', 'Category', true, ['工单类型', '类型', 'type']),
      col('severity', '严重程度', 'Severity', false, ['优先级', 'priority']),
      col('status', '状态', 'Status', false, ['工单状态']),
      col('contactName', '联系人', 'Contact', false, ['报告人', 'contact name']),
      col('openedAt', '创建时间', 'Opened at', true, ['提交时间', '开单时间', 'opened', 'created at']),
      col('closedAt', '关闭时间', 'Closed at', false, ['解决时间', 'closed', 'resolved at']),
      col('slaDueAt', 'SLA 截止时间', 'SLA due', false, ['SLA截止', '承诺时限', 'sla due at']),
      col('slaMet', 'SLA 是否达成', 'SLA met', false, ['SLA达成', '是否超时', 'sla met']),
    ],
    apply: applyTickets,
  });
  registerImportTarget<TouchpointImportRow>({
    kind: 'touchpoints',
    label: { 'zh-CN': '市场触点', 'en-US': 'Marketing touchpoints' },
    resource: 'Touchpoint',
    resolvesCustomer: true,
    schema: TouchpointImportRow as unknown as z.ZodType<TouchpointImportRow>,
    columns: [
      col('touchpointId', '触点编号', 'Touchpoint id', true, ['触点ID', 'touchpoint_id', 'id']),
      col('channel', '渠道', 'Channel', true, ['触点渠道', 'source channel']),
      col('campaign', '活动', 'Campaign', false, ['市场活动', '活动名称']),
      col('action', '行为', 'Action', false, ['动作', '互动']),
      col('contactName', '联系人', 'Contact', false, ['姓名', 'contact name']),
      col('occurredAt', '发生时间', 'Occurred at', true, ['时间', 'time', 'occurred']),
    ],
    apply: applyTouchpoints,
  });
  registerMergeParticipant({
    name: 'engagement',
    move: (tx, tenantId, fromId, toId) => store.moveCustomerRows(tx, tenantId, fromId, toId),
    restore: (tx, tenantId, ids, toId) => store.restoreCustomerRows(tx, tenantId, ids, toId),
  });
}
