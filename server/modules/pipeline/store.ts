// SQL for opportunities, their stage history, contracts, milestones and the delivery calendar.
// Every function takes tenantId; access narrowing arrives as a SQL fragment built by the
// service (accessWhere) and is numbered first, the store's own parameters after it.
import type { Sql } from '../../platform/db/db.js';

export interface Access {
  sql: string;
  params: unknown[];
}

const ALL: Access = { sql: 'true', params: [] };

// ───────────── opportunities ─────────────

export interface OpportunityRow {
  id: string;
  customer_id: string;
  owner_id: string;
  team_id: string | null;
  region_id: string | null;
  name: string;
  stage: string;
  amount: number;
  expected_close: string;
  products: string[];
  close_reason: string | null;
  closed_at: Date | null;
  quote_amount: number | null;
  quote_status: 'none' | 'draft' | 'published';
  quote_published_at: Date | null;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const OPPORTUNITY_COLUMNS = { id: 'id', ownerId: 'owner_id', teamId: 'team_id', regionId: 'region_id', customerId: 'customer_id', stage: 'stage' };

const OPP_SELECT = `id, customer_id, owner_id, team_id, region_id, name, stage, amount::float8 as amount,
  to_char(expected_close, 'YYYY-MM-DD') as expected_close, products, close_reason, closed_at,
  quote_amount::float8 as quote_amount, quote_status, quote_published_at, created_at, updated_at, version`;

export interface OpportunityFilters {
  stage?: string;
  customerId?: string;
  ownerId?: string;
  teamId?: string;
  regionId?: string;
  q?: string;
  closeFrom?: string;
  closeTo?: string;
  open?: boolean;
}

function where(tenantId: string, access: Access, f: OpportunityFilters) {
  const params = [...access.params, tenantId];
  const parts = [`(${access.sql})`, `tenant_id = $${params.length}`];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    parts.push(sql.replace('?', `$${params.length}`));
  };
  if (f.stage) add('stage = ?', f.stage);
  if (f.customerId) add('customer_id = ?', f.customerId);
  if (f.ownerId) add('owner_id = ?', f.ownerId);
  if (f.teamId) add('team_id = ?', f.teamId);
  if (f.regionId) add('region_id = ?', f.regionId);
  if (f.q) add(`name ilike ?`, `%${f.q.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
  if (f.closeFrom) add('expected_close >= ?::date', f.closeFrom);
  if (f.closeTo) add('expected_close <= ?::date', f.closeTo);
  if (f.open) parts.push(`stage not in ('won','lost')`);
  return { sql: parts.join(' and '), params };
}

export async function listOpportunities(db: Sql, tenantId: string, q: { access: Access; filters: OpportunityFilters; limit: number; offset: number }) {
  const w = where(tenantId, q.access, q.filters);
  const [rows, total] = await Promise.all([
    db.query<OpportunityRow>(
      `select ${OPP_SELECT} from opportunities where ${w.sql} order by expected_close, id limit ${Number(q.limit)} offset ${Number(q.offset)}`,
      w.params,
    ),
    db.query<{ n: number }>(`select count(*)::int as n from opportunities where ${w.sql}`, w.params),
  ]);
  return { rows: rows.rows, total: total.rows[0].n };
}

export async function boardAggregates(db: Sql, tenantId: string, access: Access, filters: OpportunityFilters) {
  const w = where(tenantId, access, filters);
  return (
    await db.query<{ stage: string; count: number; amount: number }>(
      `select stage, count(*)::int as count, coalesce(sum(amount), 0)::float8 as amount from opportunities where ${w.sql} group by stage`,
      w.params,
    )
  ).rows;
}

/** The first `perStage` cards of each column, soonest expected close first. */
export async function boardCards(db: Sql, tenantId: string, access: Access, filters: OpportunityFilters, perStage: number) {
  const w = where(tenantId, access, filters);
  return (
    await db.query<OpportunityRow>(
      `select * from (select ${OPP_SELECT}, row_number() over (partition by stage order by expected_close, id) as rn
         from opportunities where ${w.sql}) x where rn <= ${Number(perStage)} order by stage, rn`,
      w.params,
    )
  ).rows;
}

export async function opportunityById(db: Sql, tenantId: string, id: string, access: Access = ALL, lock = false) {
  const params = [...access.params, tenantId, id];
  const r = await db.query<OpportunityRow>(
    `select ${OPP_SELECT} from opportunities where (${access.sql}) and tenant_id = $${params.length - 1} and id = $${params.length}${lock ? ' for update' : ''}`,
    params,
  );
  return r.rows[0];
}

export async function insertOpportunity(db: Sql, tenantId: string, v: Record<string, unknown>) {
  const r = await db.query<OpportunityRow>(
    `insert into opportunities (tenant_id, id, customer_id, owner_id, team_id, region_id, name, stage, amount, expected_close, products,
       close_reason, closed_at, quote_amount, quote_status, quote_published_at, created_by)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) returning ${OPP_SELECT}`,
    [
      tenantId, v.id, v.customer_id, v.owner_id, v.team_id, v.region_id, v.name, v.stage, v.amount, v.expected_close, v.products,
      v.close_reason ?? null, v.closed_at ?? null, v.quote_amount ?? null, v.quote_status ?? 'none', v.quote_published_at ?? null, v.created_by ?? null,
    ],
  );
  return r.rows[0];
}

const OPP_WRITABLE = new Set([
  'name', 'stage', 'amount', 'expected_close', 'products', 'owner_id', 'team_id', 'region_id', 'close_reason', 'closed_at',
  'quote_amount', 'quote_status', 'quote_published_at', 'customer_id',
]);

export async function updateOpportunity(db: Sql, tenantId: string, id: string, version: number, set: Record<string, unknown>) {
  const cols = Object.keys(set).filter((c) => OPP_WRITABLE.has(c));
  const params = [tenantId, id, version, ...cols.map((c) => set[c])];
  const r = await db.query<OpportunityRow>(
    `update opportunities set ${cols.map((c, i) => `${c} = $${i + 4}, `).join('')}version = version + 1, updated_at = now()
      where tenant_id = $1 and id = $2 and version = $3 returning ${OPP_SELECT}`,
    params,
  );
  return r.rows[0];
}

export interface StageHistoryRow {
  id: string;
  opportunity_id: string;
  from_stage: string | null;
  to_stage: string;
  reason: string | null;
  changed_by: string | null;
  changed_at: Date;
}

export async function insertStageHistory(db: Sql, tenantId: string, h: Omit<StageHistoryRow, 'changed_at'>) {
  await db.query(
    `insert into opportunity_stage_history (tenant_id, id, opportunity_id, from_stage, to_stage, reason, changed_by) values ($1,$2,$3,$4,$5,$6,$7)`,
    [tenantId, h.id, h.opportunity_id, h.from_stage, h.to_stage, h.reason, h.changed_by],
  );
}

export async function stageHistory(db: Sql, tenantId: string, opportunityId: string) {
  return (
    await db.query<StageHistoryRow>(
      `select id, opportunity_id, from_stage, to_stage, reason, changed_by, changed_at from opportunity_stage_history
        where tenant_id = $1 and opportunity_id = $2 order by changed_at, id`,
      [tenantId, opportunityId],
    )
  ).rows;
}


// ───────────── contracts ─────────────

export interface ContractRow {
  id: string;
  customer_id: string;
  opportunity_id: string | null;
  number: string;
  title: string;
  signed_on: string | null;
  amount: number;
  payment_terms: string;
  prepayment_ratio: number | null;
  prepayment_amount: number | null;
  prepaid_received: number;
  status: string;
  owner_id: string | null;
  team_id: string | null;
  region_id: string | null;
  source: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const CONTRACT_COLUMNS = { id: 'id', ownerId: 'owner_id', teamId: 'team_id', regionId: 'region_id', customerId: 'customer_id' };

const CONTRACT_SELECT = `id, customer_id, opportunity_id, number, title, to_char(signed_on, 'YYYY-MM-DD') as signed_on, amount::float8 as amount,
  payment_terms, prepayment_ratio::float8 as prepayment_ratio, prepayment_amount::float8 as prepayment_amount,
  prepaid_received::float8 as prepaid_received, status, owner_id, team_id, region_id, source, created_at, updated_at, version`;

export const CONTRACT_FIELDS = [
  'customer_id', 'opportunity_id', 'number', 'title', 'signed_on', 'amount', 'payment_terms', 'prepayment_ratio', 'prepayment_amount',
  'prepaid_received', 'status', 'owner_id', 'team_id', 'region_id', 'source',
] as const;

export async function contractById(db: Sql, tenantId: string, id: string, access: Access = ALL, lock = false) {
  const params = [...access.params, tenantId, id];
  const r = await db.query<ContractRow>(
    `select ${CONTRACT_SELECT} from contracts where (${access.sql}) and tenant_id = $${params.length - 1} and id = $${params.length}${lock ? ' for update' : ''}`,
    params,
  );
  return r.rows[0];
}

export async function contractByNumber(db: Sql, tenantId: string, number: string) {
  return (await db.query<ContractRow>(`select ${CONTRACT_SELECT} from contracts where tenant_id = $1 and number = $2 for update`, [tenantId, number])).rows[0];
}

export async function contractsOf(db: Sql, tenantId: string, customerId: string, access: Access) {
  const params = [...access.params, tenantId, customerId];
  return (
    await db.query<ContractRow>(
      `select ${CONTRACT_SELECT} from contracts where (${access.sql}) and tenant_id = $${params.length - 1} and customer_id = $${params.length}
        order by signed_on desc nulls first, number limit 200`,
      params,
    )
  ).rows;
}

export async function insertContract(db: Sql, tenantId: string, id: string, v: Record<string, unknown>, createdBy: string | null) {
  const cols = CONTRACT_FIELDS.filter((c) => v[c] !== undefined);
  const r = await db.query<ContractRow>(
    `insert into contracts (tenant_id, id, created_by, ${cols.join(', ')}) values ($1, $2, $3, ${cols.map((_, i) => `$${i + 4}`).join(', ')})
     returning ${CONTRACT_SELECT}`,
    [tenantId, id, createdBy, ...cols.map((c) => v[c])],
  );
  return r.rows[0];
}

export async function updateContract(db: Sql, tenantId: string, id: string, version: number, v: Record<string, unknown>) {
  const cols = CONTRACT_FIELDS.filter((c) => v[c] !== undefined);
  const r = await db.query<ContractRow>(
    `update contracts set ${cols.map((c, i) => `${c} = $${i + 4}, `).join('')}version = version + 1, updated_at = now()
      where tenant_id = $1 and id = $2 and version = $3 returning ${CONTRACT_SELECT}`,
    [tenantId, id, version, ...cols.map((c) => v[c])],
  );
  return r.rows[0];
}

export interface MilestoneRow {
  id: string;
  contract_id: string;
  seq: number;
  promised_date: string;
  week: string;
  scope: string;
  delivery_team_id: string;
  load: number;
  external_ref: string | null;
  /** When it was actually delivered (C3); null while open. */
  delivered_on?: string | null;
}

export async function milestonesOf(db: Sql, tenantId: string, contractIds: string[]) {
  if (!contractIds.length) return [];
  return (
    await db.query<MilestoneRow>(
      `select id, contract_id, seq, to_char(promised_date, 'YYYY-MM-DD') as promised_date, week, scope, delivery_team_id, load::float8 as load, external_ref,
              to_char(delivered_on, 'YYYY-MM-DD') as delivered_on
         from contract_milestones where tenant_id = $1 and contract_id = any($2) order by contract_id, seq`,
      [tenantId, contractIds],
    )
  ).rows;
}

export async function deleteMilestones(db: Sql, tenantId: string, contractId: string) {
  await db.query('delete from contract_milestones where tenant_id = $1 and contract_id = $2', [tenantId, contractId]);
}

export async function insertMilestone(db: Sql, tenantId: string, m: MilestoneRow) {
  await db.query(
    `insert into contract_milestones (tenant_id, id, contract_id, seq, promised_date, week, scope, delivery_team_id, load, external_ref, delivered_on)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
    [tenantId, m.id, m.contract_id, m.seq, m.promised_date, m.week, m.scope, m.delivery_team_id, m.load, m.external_ref, m.delivered_on ?? null],
  );
}

// ───────────── delivery calendar ─────────────

export interface DeliveryTeamRow {
  id: string;
  name: string;
  region_id: string | null;
  unit: 'units' | 'person_days';
  weekly_capacity: number;
  external_id: string | null;
  version: number;
}

const TEAM_SELECT = 'id, name, region_id, unit, weekly_capacity::float8 as weekly_capacity, external_id, version';

export async function deliveryTeams(db: Sql, tenantId: string) {
  return (await db.query<DeliveryTeamRow>(`select ${TEAM_SELECT} from delivery_teams where tenant_id = $1 order by name`, [tenantId])).rows;
}

/** The team row, locked for the rest of the transaction: promises on one team are checked and booked one at a time. */
export async function deliveryTeamById(db: Sql, tenantId: string, id: string, lock = false) {
  return (await db.query<DeliveryTeamRow>(`select ${TEAM_SELECT} from delivery_teams where tenant_id = $1 and id = $2${lock ? ' for update' : ''}`, [tenantId, id])).rows[0];
}

export async function insertDeliveryTeam(db: Sql, tenantId: string, t: Omit<DeliveryTeamRow, 'version'>) {
  return (
    await db.query<DeliveryTeamRow>(
      `insert into delivery_teams (tenant_id, id, name, region_id, unit, weekly_capacity, external_id) values ($1,$2,$3,$4,$5,$6,$7) returning ${TEAM_SELECT}`,
      [tenantId, t.id, t.name, t.region_id, t.unit, t.weekly_capacity, t.external_id],
    )
  ).rows[0];
}

export async function deliveryTeamByName(db: Sql, tenantId: string, name: string) {
  return (await db.query<DeliveryTeamRow>(`select ${TEAM_SELECT} from delivery_teams where tenant_id = $1 and name = $2`, [tenantId, name])).rows[0];
}

export async function weekCapacities(db: Sql, tenantId: string, teamIds: string[], from: string, to: string) {
  return (
    await db.query<{ team_id: string; week: string; capacity: number }>(
      `select team_id, week, capacity::float8 as capacity from delivery_week_capacity
        where tenant_id = $1 and team_id = any($2) and week >= $3 and week <= $4`,
      [tenantId, teamIds, from, to],
    )
  ).rows;
}

/** Load promised per team and week by contracts that still stand (not terminated). */
export async function bookedLoads(db: Sql, tenantId: string, teamIds: string[], from: string, to: string) {
  return (
    await db.query<{ team_id: string; week: string; booked: number }>(
      `select m.delivery_team_id as team_id, m.week, sum(m.load)::float8 as booked
         from contract_milestones m join contracts c on c.tenant_id = m.tenant_id and c.id = m.contract_id
        where m.tenant_id = $1 and m.delivery_team_id = any($2) and m.week >= $3 and m.week <= $4 and c.status <> 'terminated'
        group by m.delivery_team_id, m.week`,
      [tenantId, teamIds, from, to],
    )
  ).rows;
}

export async function upsertWeekCapacity(db: Sql, tenantId: string, teamId: string, week: string, capacity: number) {
  await db.query(
    `insert into delivery_week_capacity (tenant_id, team_id, week, capacity) values ($1,$2,$3,$4)
     on conflict (tenant_id, team_id, week) do update set capacity = excluded.capacity`,
    [tenantId, teamId, week, capacity],
  );
}

// ───────────── customer merge ─────────────

export async function moveCustomerRows(db: Sql, tenantId: string, fromId: string, toId: string) {
  const o = await db.query<{ id: string }>('update opportunities set customer_id = $3 where tenant_id = $1 and customer_id = $2 returning id', [tenantId, fromId, toId]);
  const c = await db.query<{ id: string }>('update contracts set customer_id = $3 where tenant_id = $1 and customer_id = $2 returning id', [tenantId, fromId, toId]);
  return { opportunities: o.rows.map((r) => r.id), contracts: c.rows.map((r) => r.id) };
}

export async function restoreCustomerRows(db: Sql, tenantId: string, ids: { opportunities: string[]; contracts: string[] }, toId: string) {
  if (ids.opportunities.length) await db.query('update opportunities set customer_id = $3 where tenant_id = $1 and id = any($2)', [tenantId, ids.opportunities, toId]);
  if (ids.contracts.length) await db.query('update contracts set customer_id = $3 where tenant_id = $1 and id = any($2)', [tenantId, ids.contracts, toId]);
}

/** Delivery promises of signed or delivering contracts with a promised date in [from, to] (C6 cards). */
export async function promisesDue(db: Sql, tenantId: string, from: string, to: string) {
  const r = await db.query<{
    milestone_id: string;
    contract_id: string;
    customer_id: string;
    owner_id: string | null;
    number: string;
    seq: number;
    promised_date: string;
    scope: string;
    status: string;
  }>(
    `select m.id as milestone_id, c.id as contract_id, c.customer_id, c.owner_id, c.number, m.seq,
            to_char(m.promised_date, 'YYYY-MM-DD') as promised_date, m.scope, c.status
       from contract_milestones m join contracts c on c.tenant_id = m.tenant_id and c.id = m.contract_id
      where m.tenant_id = $1 and c.status in ('signed', 'delivering') and m.promised_date between $2::date and $3::date
      order by m.promised_date`,
    [tenantId, from, to],
  );
  return r.rows;
}

export async function setDelivered(db: Sql, tenantId: string, contractId: string, seq: number, deliveredOn: string | null) {
  const r = await db.query<{ id: string }>(
    `update contract_milestones set delivered_on = $4::date where tenant_id = $1 and contract_id = $2 and seq = $3 returning id`,
    [tenantId, contractId, seq, deliveredOn],
  );
  return r.rows.length > 0;
}

/**
 * Per customer, the milestones of signed, delivering or completed contracts that were due by
 * `asOf` (a date): how many, how many were delivered late, how many are still open past their date.
 */
export async function deliveryPerformance(db: Sql, tenantId: string, customerIds: string[], asOf: string) {
  if (!customerIds.length) return [];
  const r = await db.query<{ customer_id: string; due: number; late: number; overdue: number; days_late: number }>(
    `select c.customer_id,
            count(*)::int as due,
            count(*) filter (where m.delivered_on > m.promised_date)::int as late,
            count(*) filter (where m.delivered_on is null)::int as overdue,
            coalesce(sum(greatest(coalesce(m.delivered_on, $3::date) - m.promised_date, 0)), 0)::int as days_late
       from contract_milestones m join contracts c on c.tenant_id = m.tenant_id and c.id = m.contract_id
      where m.tenant_id = $1 and c.customer_id = any($2::uuid[]) and c.status in ('signed', 'delivering', 'completed')
        and m.promised_date < $3::date
      group by c.customer_id`,
    [tenantId, customerIds, asOf],
  );
  return r.rows;
}
