// SQL for visits (the process module grows this into six atomic actions, P1).
import type { Sql } from '../../platform/db/db.js';

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

export async function visitsOfCustomer(db: Sql, tenantId: string, customerId: string, access: { sql: string; params: unknown[] }, limit = 100) {
  const params = [...access.params, tenantId, customerId];
  return (
    await db.query<VisitRow>(
      `select id, customer_id, rep_id, team_id, region_id, purpose, note, occurred_at, recorded_at from visits
        where ${access.sql} and tenant_id = $${params.length - 1} and customer_id = $${params.length}
        order by occurred_at desc limit ${Number(limit)}`,
      params,
    )
  ).rows;
}
