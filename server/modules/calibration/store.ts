// SQL for calibration cards and responses. Every function takes tenantId; access narrowing
// arrives as a ready SQL fragment from the service (accessWhere).
import type { Sql } from '../../platform/db/db.js';

export interface CardRow {
  id: string;
  period: string;
  customer_id: string;
  customer_name: string;
  owner_id: string | null;
  team_id: string | null;
  region_id: string | null;
  items: CardItem[];
  rule_version: number;
  parties: string[];
  status: 'open' | 'done';
  created_at: Date;
  completed_at: Date | null;
  version: number;
}

export interface CardItem {
  ref: string;
  provider: string;
  kind: string;
  label: { 'zh-CN': string; 'en-US': string };
  current: unknown;
  options?: unknown[];
  urgency: number;
  evidence: Record<string, unknown>;
}

export interface ResponseRow {
  id: string;
  card_id: string;
  item_ref: string;
  party: string;
  user_id: string;
  action: 'confirm' | 'correct';
  value: unknown;
  note: string | null;
  created_at: Date;
}

/** API field → column, for access rules. */
export const CARD_COLUMNS = { id: 'id', ownerId: 'owner_id', teamId: 'team_id', regionId: 'region_id' } as const;

const CARD_SELECT = `id, period, customer_id, customer_name, owner_id, team_id, region_id, items, rule_version, parties, status, created_at, completed_at, version`;

export async function insertCard(
  tx: Sql,
  tenantId: string,
  c: Omit<CardRow, 'status' | 'created_at' | 'completed_at' | 'version'>,
): Promise<boolean> {
  const r = await tx.query(
    `insert into calibration_cards (tenant_id, id, period, customer_id, customer_name, owner_id, team_id, region_id, items, rule_version, parties)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11) on conflict (tenant_id, period, customer_id) do nothing returning id`,
    [tenantId, c.id, c.period, c.customer_id, c.customer_name, c.owner_id, c.team_id, c.region_id, JSON.stringify(c.items), c.rule_version, c.parties],
  );
  return r.rows.length > 0;
}

export async function listCards(
  db: Sql,
  tenantId: string,
  q: { period: string; status?: string; access: { sql: string; params: unknown[] }; limit: number; offset: number },
): Promise<{ rows: (CardRow & { answered: number })[]; total: number }> {
  const params: unknown[] = [...q.access.params, tenantId, q.period];
  const n = q.access.params.length;
  let where = `c.tenant_id = $${n + 1} and c.period = $${n + 2} and (${q.access.sql})`;
  if (q.status) {
    params.push(q.status);
    where += ` and c.status = $${params.length}`;
  }
  const total = await db.query<{ n: number }>(`select count(*)::int as n from calibration_cards c where ${where}`, params);
  params.push(q.limit, q.offset);
  const rows = await db.query<CardRow & { answered: number }>(
    `select ${CARD_SELECT.split(', ').map((c) => `c.${c}`).join(', ')},
            (select count(*)::int from calibration_responses r where r.tenant_id = c.tenant_id and r.card_id = c.id) as answered
       from calibration_cards c where ${where}
      order by c.status, c.customer_name, c.id limit $${params.length - 1} offset $${params.length}`,
    params,
  );
  return { rows: rows.rows, total: Number(total.rows[0].n) };
}

export async function cardById(db: Sql, tenantId: string, id: string, forUpdate = false): Promise<CardRow | undefined> {
  const r = await db.query<CardRow>(`select ${CARD_SELECT} from calibration_cards where tenant_id = $1 and id = $2${forUpdate ? ' for update' : ''}`, [tenantId, id]);
  return r.rows[0];
}

export async function responsesOf(db: Sql, tenantId: string, cardId: string): Promise<ResponseRow[]> {
  const r = await db.query<ResponseRow>(
    `select id, card_id, item_ref, party, user_id, action, value, note, created_at from calibration_responses
      where tenant_id = $1 and card_id = $2 order by created_at, id`,
    [tenantId, cardId],
  );
  return r.rows;
}

export async function insertResponse(tx: Sql, tenantId: string, r: Omit<ResponseRow, 'created_at'>, at: Date): Promise<void> {
  await tx.query(
    `insert into calibration_responses (tenant_id, id, card_id, item_ref, party, user_id, action, value, note, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
    [tenantId, r.id, r.card_id, r.item_ref, r.party, r.user_id, r.action, r.value === undefined ? null : JSON.stringify(r.value), r.note, at],
  );
}

export async function completeCard(tx: Sql, tenantId: string, id: string, at: Date): Promise<void> {
  await tx.query(`update calibration_cards set status = 'done', completed_at = $3, version = version + 1 where tenant_id = $1 and id = $2`, [tenantId, id, at]);
}

/** Cards of a period that are still open, per owner (for reminders). */
export async function openCountsByOwner(db: Sql, tenantId: string, period: string): Promise<{ owner_id: string; n: number }[]> {
  const r = await db.query<{ owner_id: string; n: number }>(
    `select owner_id, count(*)::int as n from calibration_cards where tenant_id = $1 and period = $2 and status = 'open' and owner_id is not null group by owner_id`,
    [tenantId, period],
  );
  return r.rows;
}

export async function moveCards(tx: Sql, tenantId: string, fromId: string, toId: string): Promise<string[]> {
  const r = await tx.query<{ id: string }>(
    `update calibration_cards c set customer_id = $3
      where c.tenant_id = $1 and c.customer_id = $2
        and not exists (select 1 from calibration_cards o where o.tenant_id = $1 and o.customer_id = $3 and o.period = c.period)
      returning c.id`,
    [tenantId, fromId, toId],
  );
  return r.rows.map((x) => x.id);
}

export async function restoreCards(tx: Sql, tenantId: string, ids: string[], toId: string): Promise<void> {
  if (ids.length) await tx.query(`update calibration_cards set customer_id = $3 where tenant_id = $1 and id = any($2::uuid[])`, [tenantId, ids, toId]);
}
