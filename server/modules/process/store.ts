// SQL for visits (the process module grows this into six atomic actions, P1).
import type { Sql } from '../../platform/db/db.js';
import { beforeSql, type Before } from '../../platform/db/keyset.js';

export interface VisitRow {
  id: string;
  customer_id: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  purpose: string;
  note: string;
  occurred_at: Date;
  recorded_at: Date;
}

export const VISIT_COLUMNS = { id: 'id', repId: 'rep_id', teamId: 'team_id', regionId: 'region_id' };

export async function visitsOfCustomer(db: Sql, tenantId: string, customerId: string, access: { sql: string; params: unknown[] }, limit = 100, before?: Before) {
  const params = [...access.params, tenantId, customerId];
  const after = beforeSql('visit', 'occurred_at', before, params);
  return (
    await db.query<VisitRow>(
      `select id, customer_id, rep_id, team_id, region_id, purpose, note, occurred_at, recorded_at from visits
        where ${access.sql} and tenant_id = $${access.params.length + 1} and customer_id = $${access.params.length + 2} and ${after}
        order by occurred_at desc, id desc limit ${Number(limit)}`,
      params,
    )
  ).rows;
}

/** C1 merge: re-points a customer's visits to another customer; returns the visit ids moved. */
export async function moveVisits(db: Sql, tenantId: string, fromCustomerId: string, toCustomerId: string) {
  const r = await db.query<{ id: string }>('update visits set customer_id = $3 where tenant_id = $1 and customer_id = $2 returning id', [tenantId, fromCustomerId, toCustomerId]);
  return r.rows.map((x) => x.id);
}

/** C1 merge undo: puts exactly these visits back on the customer they came from. */
export async function restoreVisits(db: Sql, tenantId: string, ids: string[], toCustomerId: string) {
  if (!ids.length) return;
  await db.query('update visits set customer_id = $3 where tenant_id = $1 and id = any($2::uuid[])', [tenantId, ids, toCustomerId]);
}
