// The pipeline's share of the demo company (C7, C8): a stage history and quotes (draft and
// published) for every opportunity, a contract with prepayment terms and promised delivery
// milestones for every won opportunity, and one delivery team per region whose next weeks are
// deliberately tight (some weeks near full). Deterministic: every draw comes from a stream forked
// from the rep's id, and the "present" is the slice's latest activity, not the wall clock.
import type { Sql } from '../platform/db/db.js';
import { createRng, type Rng } from './rng.js';
import type { RepSlice } from './generate.js';
import type { DemoWriter } from './modules.js';
import { addWeeks, formatDate, isoWeekOf, parseDate } from '../modules/pipeline/capacity.js';

const DAY = 86_400_000;
/**
 * Delivery capacity grows with the region's sales force: person-days per week per rep with the
 * default demo's book (50 customers); a rep with a bigger book brings proportionally more, so a
 * 2,000-rep, 200,000-customer company still fits its deliveries into the calendar.
 */
const CAPACITY_PER_REP = 5;
const BOOK_PER_REP = 50;
const MIN_CAPACITY = 12;
/** The next weeks after "now" carry a fraction of that, so the calendar shows weeks near full. */
const TIGHT_WEEKS = 3;
const TIGHT_SHARE = 0.5;

const WIN_REASONS = ['方案契合度高，交期满足', '价格有竞争力', '老客户续约扩容', '技术交流后客户认可'];
const LOSS_REASONS = ['价格高于竞品 15%', '客户预算冻结', '交期无法满足', '决策人变更'];
const TERMS = ['合同签订后预付 30%，验收后付 60%，质保金 10%', '预付 20%，到货付 50%，验收付 30%', '预付 50%，验收后付清', '月结 60 天'];

interface TenantState {
  booked: Map<string, number>; // `${teamId}|${week}` → load
  capacity: Map<string, number>; // `${teamId}|${week}` → capacity (overrides only)
  weekly: Map<string, number>; // teamId → default weekly capacity so far
  reps: Map<string, number>; // teamId → reps of its region seen so far, weighted by their book
  /** Delivery teams that already have a milestone left open past its date (each gets at least one). */
  overdue: Set<string>;
  seq: number;
}
const states = new Map<string, TenantState>();

function stateFor(tenantId: string): TenantState {
  let s = states.get(tenantId);
  if (!s) {
    s = { booked: new Map(), capacity: new Map(), weekly: new Map(), reps: new Map(), overdue: new Set(), seq: 0 };
    states.set(tenantId, s);
  }
  return s;
}

/** The slice's "now": its latest recorded activity (the generator's window ends at now). */
function sliceNow(slice: RepSlice): Date {
  let t = 0;
  for (const o of slice.opportunities) t = Math.max(t, o.updatedAt.getTime());
  for (const v of slice.visits) t = Math.max(t, v.occurredAt.getTime());
  return new Date(t || Date.UTC(2026, 0, 1));
}

async function ensureTeam(tx: Sql, tenantId: string, st: TenantState, slice: RepSlice, now: Date): Promise<string> {
  const id = createRng(`delivery-team:${slice.region.id}`).uuid();
  // Written every slice (idempotent): a load that failed and rolled back must not leave a stale cache behind.
  const created = await tx.query(
    `insert into delivery_teams (tenant_id, id, name, region_id, unit, weekly_capacity) values ($1,$2,$3,$4,'person_days',0) on conflict do nothing returning id`,
    [tenantId, id, `${slice.region.name}交付中心`, slice.region.id],
  );
  const tight = Array.from({ length: TIGHT_WEEKS }, (_, i) => addWeeks(isoWeekOf(formatDate(now)), i + 1));
  if (created.rows.length) {
    for (const k of [...st.booked.keys()]) if (k.startsWith(`${id}|`)) st.booked.delete(k);
    st.weekly.set(id, 0);
    st.reps.set(id, 0);
    for (const week of tight) {
      st.capacity.set(`${id}|${week}`, 0);
      await tx.query(`insert into delivery_week_capacity (tenant_id, team_id, week, capacity) values ($1,$2,$3,0)`, [tenantId, id, week]);
    }
  }
  // Each rep of the region adds delivery capacity (a delivery team sized to its sales force).
  const reps = (st.reps.get(id) ?? 0) + Math.max(1, slice.customers.length / BOOK_PER_REP);
  st.reps.set(id, reps);
  const weekly = Math.max(MIN_CAPACITY, Math.round(reps * CAPACITY_PER_REP));
  st.weekly.set(id, weekly);
  await tx.query('update delivery_teams set weekly_capacity = $3 where tenant_id = $1 and id = $2', [tenantId, id, weekly]);
  const reduced = Math.floor(weekly * TIGHT_SHARE);
  for (const week of tight) st.capacity.set(`${id}|${week}`, reduced);
  await tx.query('update delivery_week_capacity set capacity = $3 where tenant_id = $1 and team_id = $2 and week = any($4)', [tenantId, id, reduced, tight]);
  return id;
}

/** The first date on or after `date` (same weekday, week by week) whose week has room for `load`. */
function placeMilestone(st: TenantState, teamId: string, date: Date, load: number): { date: string; week: string } {
  for (let i = 0; i < 104; i++) {
    const d = formatDate(new Date(date.getTime() + i * 7 * DAY));
    const week = isoWeekOf(d);
    const key = `${teamId}|${week}`;
    const cap = st.capacity.get(key) ?? st.weekly.get(teamId) ?? 0;
    if ((st.booked.get(key) ?? 0) + load <= cap) {
      st.booked.set(key, (st.booked.get(key) ?? 0) + load);
      return { date: d, week };
    }
  }
  throw new Error('demo: no delivery week with room within two years');
}

function values(rows: unknown[][], offset = 0): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const sql = rows.map((r) => `(${r.map((v) => (params.push(v), `$${params.length + offset}`)).join(',')})`).join(',');
  return { sql, params };
}

async function insertMany(tx: Sql, table: string, columns: string[], rows: unknown[][]) {
  for (let i = 0; i < rows.length; i += 500) {
    const v = values(rows.slice(i, i + 500));
    await tx.query(`insert into ${table} (${columns.join(', ')}) values ${v.sql}`, v.params);
  }
}

function quoteFor(rng: Rng, stage: string, amount: number): { status: 'none' | 'draft' | 'published'; amount: number | null } {
  if (stage === 'discovery' || stage === 'qualified') return { status: 'none', amount: null };
  const q = Math.round(amount * rng.float(0.92, 1.06) * 100) / 100;
  if (stage === 'won' || stage === 'lost') return { status: 'published', amount: q };
  return rng.chance(0.5) ? { status: 'draft', amount: q } : { status: 'published', amount: q };
}

export const pipelineDemo: DemoWriter = {
  name: 'pipeline',
  async writeSlice(tx, tenantId, slice) {
    if (!slice.opportunities.length) return;
    const st = stateFor(tenantId);
    const rng = createRng(`pipeline:${slice.rep.id}`);
    const now = sliceNow(slice);
    const teamId = await ensureTeam(tx, tenantId, st, slice, now);

    const history: unknown[][] = [];
    const quotes: unknown[][] = [];
    const contracts: unknown[][] = [];
    const milestones: unknown[][] = [];
    for (const o of slice.opportunities) {
      const q = quoteFor(rng, o.stage, o.amount);
      const closes = o.stage === 'won' || o.stage === 'lost';
      const reason = o.stage === 'won' ? rng.pick(WIN_REASONS) : o.stage === 'lost' ? rng.pick(LOSS_REASONS) : null;
      if (q.status !== 'none' || reason) quotes.push([o.id, q.amount, q.status, q.status === 'published' ? o.updatedAt : null, reason]);
      history.push([tenantId, rng.uuid(), o.id, null, closes ? 'negotiation' : o.stage, null, o.ownerId, o.createdAt]);
      if (closes) history.push([tenantId, rng.uuid(), o.id, 'negotiation', o.stage, reason, o.ownerId, o.closedAt ?? o.updatedAt]);
      if (o.stage !== 'won') continue;

      const signed = o.closedAt ?? o.updatedAt;
      const ratio = rng.pick([0, 0.2, 0.3, 0.3, 0.5]);
      const prepayment = ratio ? Math.round(o.amount * ratio * 100) / 100 : null;
      const received = prepayment === null ? 0 : rng.chance(0.7) ? prepayment : rng.chance(0.5) ? Math.round(prepayment * 0.5 * 100) / 100 : 0;
      const contractId = rng.uuid();
      const count = rng.int(1, 2);
      const today = formatDate(now);
      // Actual deliveries of milestones already due (C3 contract performance): most on time,
      // some late, a few still open. A stream of its own, so the other draws stay as they were.
      const delivery = rng.fork(`delivery/${contractId}`);
      let open = false;
      for (let i = 0; i < count; i++) {
        const target = new Date(signed.getTime() + rng.int(20, 100) * DAY * (i + 1));
        const load = rng.int(3, 8);
        const placed = placeMilestone(st, teamId, parseDate(formatDate(target)), load);
        let delivered: string | null = null;
        if (placed.date < today && !st.overdue.has(teamId)) st.overdue.add(teamId); // the team's first due milestone stays open
        else if (placed.date < today) {
          const r = delivery.float(0, 1);
          const promised = parseDate(placed.date).getTime();
          if (r < 0.8) delivered = formatDate(new Date(promised - delivery.int(0, 2) * DAY));
          else if (r < 0.94) delivered = formatDate(new Date(Math.min(promised + delivery.int(3, 25) * DAY, parseDate(today).getTime())));
        }
        if (!delivered) open = true;
        milestones.push([tenantId, rng.uuid(), contractId, i + 1, placed.date, placed.week, i === 0 ? '设备到货与安装调试' : '系统上线与验收', teamId, load, delivered]);
      }
      st.seq++;
      const signedDay = formatDate(new Date(signed.getTime() + 8 * 3_600_000));
      contracts.push([
        tenantId, contractId, o.customerId, o.id, `HT-${signedDay.slice(0, 4)}-${String(st.seq).padStart(5, '0')}`, o.name, signedDay, o.amount,
        rng.pick(TERMS), ratio || null, prepayment, received, open ? 'delivering' : 'completed', o.ownerId, o.teamId, o.regionId, 'manual', o.ownerId, signed,
      ]);
    }

    await insertMany(tx, 'opportunity_stage_history', ['tenant_id', 'id', 'opportunity_id', 'from_stage', 'to_stage', 'reason', 'changed_by', 'changed_at'], history);
    for (let i = 0; i < quotes.length; i += 500) {
      const chunk = quotes.slice(i, i + 500);
      const v = values(chunk, 1);
      await tx.query(
        `update opportunities o set quote_amount = v.amount::numeric, quote_status = v.status,
            quote_published_at = v.published::timestamptz, close_reason = coalesce(v.reason, o.close_reason)
           from (values ${v.sql}) as v(id, amount, status, published, reason)
          where o.tenant_id = $1 and o.id = v.id::uuid`,
        [tenantId, ...v.params],
      );
    }
    await insertMany(
      tx,
      'contracts',
      ['tenant_id', 'id', 'customer_id', 'opportunity_id', 'number', 'title', 'signed_on', 'amount', 'payment_terms', 'prepayment_ratio', 'prepayment_amount', 'prepaid_received', 'status', 'owner_id', 'team_id', 'region_id', 'source', 'created_by', 'created_at'],
      contracts,
    );
    await insertMany(tx, 'contract_milestones', ['tenant_id', 'id', 'contract_id', 'seq', 'promised_date', 'week', 'scope', 'delivery_team_id', 'load', 'delivered_on'], milestones);
  },
};
