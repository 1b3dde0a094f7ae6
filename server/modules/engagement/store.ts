// SQL for the engagement records: service tickets, marketing touchpoints, key-contact
// activities. Every function takes the tenant id; nothing here reads another module's table.
import { beforeSql, type Before } from '../../platform/db/keyset.js';
import type { Sql } from '../../platform/db/db.js';

export interface TicketRow {
  id: string;
  customer_id: string;
  ticket_no: string;
  title: string;
  category: string;
  severity: string;
  status: string;
  contact_name: string | null;
  opened_at: Date;
  closed_at: Date | null;
  sla_due_at: Date | null;
  sla_met: boolean | null;
  source: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export interface TouchpointRow {
  id: string;
  customer_id: string;
  external_id: string;
  channel: string;
  campaign: string | null;
  action: string;
  contact_name: string | null;
  occurred_at: Date;
  source: string;
  created_at: Date;
  version: number;
}

export interface ActivityRow {
  id: string;
  customer_id: string;
  kind: 'email' | 'meeting' | 'call';
  contact_name: string;
  contact_role: string | null;
  subject: string;
  occurred_at: Date;
  rep_id: string | null;
  created_at: Date;
}

const TICKET_COLS = `id, customer_id, ticket_no, title, category, severity, status, contact_name, opened_at, closed_at, sla_due_at, sla_met, source, created_at, updated_at, version`;
const TOUCH_COLS = `id, customer_id, external_id, channel, campaign, action, contact_name, occurred_at, source, created_at, version`;
const ACT_COLS = `id, customer_id, kind, contact_name, contact_role, subject, occurred_at, rep_id, created_at`;

export type { Before };

// ── tickets ──────────────────────────────────────────────────────────────────────────────

export async function ticketsOfCustomer(db: Sql, tenantId: string, customerId: string, limit: number, before?: Before) {
  const params: unknown[] = [tenantId, customerId];
  const cond = beforeSql('ticket', 'opened_at', before, params);
  return (
    await db.query<TicketRow>(
      `select ${TICKET_COLS} from service_tickets where tenant_id = $1 and customer_id = $2 and ${cond}
        order by opened_at desc, id desc limit ${Number(limit)}`,
      params,
    )
  ).rows;
}

export async function ticketById(db: Sql, tenantId: string, id: string) {
  return (await db.query<TicketRow>(`select ${TICKET_COLS} from service_tickets where tenant_id = $1 and id = $2`, [tenantId, id])).rows[0];
}

export interface TicketValues {
  customerId: string;
  ticketNo: string;
  title: string;
  category: string;
  severity: string;
  status: string;
  contactName: string | null;
  openedAt: Date;
  closedAt: Date | null;
  slaDueAt: Date | null;
  slaMet: boolean | null;
  source: string;
}

export async function insertTicket(tx: Sql, tenantId: string, id: string, v: TicketValues, by: string | null) {
  return (
    await tx.query<TicketRow>(
      `insert into service_tickets (tenant_id, id, customer_id, ticket_no, title, category, severity, status, contact_name, opened_at, closed_at, sla_due_at, sla_met, source, created_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) returning ${TICKET_COLS}`,
      [tenantId, id, v.customerId, v.ticketNo, v.title, v.category, v.severity, v.status, v.contactName, v.openedAt, v.closedAt, v.slaDueAt, v.slaMet, v.source, by],
    )
  ).rows[0];
}

export async function ticketNoTaken(tx: Sql, tenantId: string, ticketNo: string) {
  return (await tx.query(`select 1 from service_tickets where tenant_id = $1 and ticket_no = $2`, [tenantId, ticketNo])).rows.length > 0;
}

const TICKET_PATCH: Record<string, string> = {
  title: 'title',
  category: 'category',
  severity: 'severity',
  status: 'status',
  contactName: 'contact_name',
  closedAt: 'closed_at',
  slaDueAt: 'sla_due_at',
  slaMet: 'sla_met',
};

export async function updateTicket(tx: Sql, tenantId: string, id: string, version: number, patch: Record<string, unknown>) {
  const sets: string[] = [];
  const params: unknown[] = [tenantId, id, version];
  for (const [k, v] of Object.entries(patch)) {
    const col = TICKET_PATCH[k];
    if (!col || v === undefined) continue;
    params.push(v);
    sets.push(`${col} = $${params.length}`);
  }
  sets.push('updated_at = now()', 'version = version + 1');
  return (
    await tx.query<TicketRow>(`update service_tickets set ${sets.join(', ')} where tenant_id = $1 and id = $2 and version = $3 returning ${TICKET_COLS}`, params)
  ).rows[0];
}

/** Insert or update on the ticket number; unchanged rows are not touched. */
export async function upsertTicket(tx: Sql, tenantId: string, id: string, v: TicketValues, by: string | null): Promise<'created' | 'updated' | 'unchanged'> {
  const r = await tx.query<{ inserted: boolean }>(
    `insert into service_tickets as t (tenant_id, id, customer_id, ticket_no, title, category, severity, status, contact_name, opened_at, closed_at, sla_due_at, sla_met, source, created_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
     on conflict (tenant_id, ticket_no) do update set
       customer_id = excluded.customer_id, title = excluded.title, category = excluded.category, severity = excluded.severity,
       status = excluded.status, contact_name = excluded.contact_name, opened_at = excluded.opened_at, closed_at = excluded.closed_at,
       sla_due_at = excluded.sla_due_at, sla_met = excluded.sla_met, source = excluded.source, updated_at = now(), version = t.version + 1
     where (t.customer_id, t.title, t.category, t.severity, t.status, t.contact_name, t.opened_at, t.closed_at, t.sla_due_at, t.sla_met)
       is distinct from (excluded.customer_id, excluded.title, excluded.category, excluded.severity, excluded.status, excluded.contact_name,
                         excluded.opened_at, excluded.closed_at, excluded.sla_due_at, excluded.sla_met)
     returning (xmax = 0) as inserted`,
    [tenantId, id, v.customerId, v.ticketNo, v.title, v.category, v.severity, v.status, v.contactName, v.openedAt, v.closedAt, v.slaDueAt, v.slaMet, v.source, by],
  );
  if (!r.rows.length) return 'unchanged';
  return r.rows[0].inserted ? 'created' : 'updated';
}

// ── touchpoints ──────────────────────────────────────────────────────────────────────────

export async function touchpointsOfCustomer(db: Sql, tenantId: string, customerId: string, limit: number, before?: Before) {
  const params: unknown[] = [tenantId, customerId];
  const cond = beforeSql('touchpoint', 'occurred_at', before, params);
  return (
    await db.query<TouchpointRow>(
      `select ${TOUCH_COLS} from marketing_touchpoints where tenant_id = $1 and customer_id = $2 and ${cond}
        order by occurred_at desc, id desc limit ${Number(limit)}`,
      params,
    )
  ).rows;
}

export interface TouchpointValues {
  customerId: string;
  externalId: string;
  channel: string;
  campaign: string | null;
  action: string;
  contactName: string | null;
  occurredAt: Date;
  source: string;
}

export async function insertTouchpoint(tx: Sql, tenantId: string, id: string, v: TouchpointValues, by: string | null) {
  return (
    await tx.query<TouchpointRow>(
      `insert into marketing_touchpoints (tenant_id, id, customer_id, external_id, channel, campaign, action, contact_name, occurred_at, source, created_by)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) returning ${TOUCH_COLS}`,
      [tenantId, id, v.customerId, v.externalId, v.channel, v.campaign, v.action, v.contactName, v.occurredAt, v.source, by],
    )
  ).rows[0];
}

export async function touchpointIdTaken(tx: Sql, tenantId: string, externalId: string) {
  return (await tx.query(`select 1 from marketing_touchpoints where tenant_id = $1 and external_id = $2`, [tenantId, externalId])).rows.length > 0;
}

export async function upsertTouchpoint(tx: Sql, tenantId: string, id: string, v: TouchpointValues, by: string | null): Promise<'created' | 'updated' | 'unchanged'> {
  const r = await tx.query<{ inserted: boolean }>(
    `insert into marketing_touchpoints as m (tenant_id, id, customer_id, external_id, channel, campaign, action, contact_name, occurred_at, source, created_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
     on conflict (tenant_id, external_id) do update set
       customer_id = excluded.customer_id, channel = excluded.channel, campaign = excluded.campaign, action = excluded.action,
       contact_name = excluded.contact_name, occurred_at = excluded.occurred_at, source = excluded.source, updated_at = now(), version = m.version + 1
     where (m.customer_id, m.channel, m.campaign, m.action, m.contact_name, m.occurred_at)
       is distinct from (excluded.customer_id, excluded.channel, excluded.campaign, excluded.action, excluded.contact_name, excluded.occurred_at)
     returning (xmax = 0) as inserted`,
    [tenantId, id, v.customerId, v.externalId, v.channel, v.campaign, v.action, v.contactName, v.occurredAt, v.source, by],
  );
  if (!r.rows.length) return 'unchanged';
  return r.rows[0].inserted ? 'created' : 'updated';
}

// ── key-contact activities ───────────────────────────────────────────────────────────────

export async function activitiesOfCustomer(db: Sql, tenantId: string, customerId: string, limit: number, before?: Before) {
  const params: unknown[] = [tenantId, customerId];
  const cond = beforeSql('activity', 'occurred_at', before, params);
  return (
    await db.query<ActivityRow>(
      `select ${ACT_COLS} from contact_activities where tenant_id = $1 and customer_id = $2 and ${cond}
        order by occurred_at desc, id desc limit ${Number(limit)}`,
      params,
    )
  ).rows;
}

export interface ActivityValues {
  customerId: string;
  kind: 'email' | 'meeting' | 'call';
  contactName: string;
  contactRole: string | null;
  subject: string;
  occurredAt: Date;
  repId: string | null;
}

export async function insertActivity(tx: Sql, tenantId: string, id: string, v: ActivityValues) {
  return (
    await tx.query<ActivityRow>(
      `insert into contact_activities (tenant_id, id, customer_id, kind, contact_name, contact_role, subject, occurred_at, rep_id)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9) returning ${ACT_COLS}`,
      [tenantId, id, v.customerId, v.kind, v.contactName, v.contactRole, v.subject, v.occurredAt, v.repId],
    )
  ).rows[0];
}

// ── aggregates for the health board (one query per table for any number of customers) ────

export interface TicketAggregate {
  customer_id: string;
  total: number;
  complaints: number;
  sla_met: number;
  sla_missed: number;
  sla_pending: number;
}

export async function ticketAggregates(db: Sql, tenantId: string, customerIds: string[], since: Date, asOf: Date) {
  if (!customerIds.length) return [];
  return (
    await db.query<TicketAggregate>(
      `select customer_id,
              count(*)::int as total,
              count(*) filter (where category = 'complaint')::int as complaints,
              count(*) filter (where sla_due_at is not null and coalesce(sla_met, closed_at is not null and closed_at <= sla_due_at))::int as sla_met,
              count(*) filter (where sla_due_at is not null and coalesce(not sla_met, (closed_at is not null and closed_at > sla_due_at) or (closed_at is null and sla_due_at < $4)))::int as sla_missed,
              count(*) filter (where sla_due_at is not null and sla_met is null and closed_at is null and sla_due_at >= $4)::int as sla_pending
         from service_tickets
        where tenant_id = $1 and customer_id = any($2::uuid[]) and opened_at >= $3 and opened_at <= $4
        group by customer_id`,
      [tenantId, customerIds, since, asOf],
    )
  ).rows;
}

export interface ActivityAggregate {
  customer_id: string;
  email30: number;
  meeting30: number;
  call30: number;
  email90: number;
  meeting90: number;
  call90: number;
}

export async function activityAggregates(db: Sql, tenantId: string, customerIds: string[], asOf: Date) {
  if (!customerIds.length) return [];
  const d30 = new Date(asOf.getTime() - 30 * 86_400_000);
  const d90 = new Date(asOf.getTime() - 90 * 86_400_000);
  return (
    await db.query<ActivityAggregate>(
      `select customer_id,
              count(*) filter (where kind = 'email' and occurred_at >= $3)::int as email30,
              count(*) filter (where kind = 'meeting' and occurred_at >= $3)::int as meeting30,
              count(*) filter (where kind = 'call' and occurred_at >= $3)::int as call30,
              count(*) filter (where kind = 'email')::int as email90,
              count(*) filter (where kind = 'meeting')::int as meeting90,
              count(*) filter (where kind = 'call')::int as call90
         from contact_activities
        where tenant_id = $1 and customer_id = any($2::uuid[]) and occurred_at >= $4 and occurred_at <= $5
        group by customer_id`,
      [tenantId, customerIds, d30, d90, asOf],
    )
  ).rows;
}

// ── customer merge (move rows between customers, and back) ───────────────────────────────

const MERGE_TABLES = { ticket: 'service_tickets', touchpoint: 'marketing_touchpoints', activity: 'contact_activities' } as const;

export async function moveCustomerRows(tx: Sql, tenantId: string, fromId: string, toId: string): Promise<string[]> {
  const moved: string[] = [];
  for (const [prefix, table] of Object.entries(MERGE_TABLES)) {
    const r = await tx.query<{ id: string }>(`update ${table} set customer_id = $3 where tenant_id = $1 and customer_id = $2 returning id`, [tenantId, fromId, toId]);
    for (const row of r.rows) moved.push(`${prefix}:${row.id}`);
  }
  return moved;
}

export async function restoreCustomerRows(tx: Sql, tenantId: string, ids: string[], toId: string): Promise<void> {
  for (const [prefix, table] of Object.entries(MERGE_TABLES)) {
    const mine = ids.filter((i) => i.startsWith(`${prefix}:`)).map((i) => i.slice(prefix.length + 1));
    if (mine.length) await tx.query(`update ${table} set customer_id = $3 where tenant_id = $1 and id = any($2::uuid[])`, [tenantId, mine, toId]);
  }
}
