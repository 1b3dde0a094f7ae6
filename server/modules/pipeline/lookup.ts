// Read-only sums over the pipeline's contracts and opportunities for other modules (G2 goal attainment), so they never
// query the contract tables themselves. A contract counts from its signing date (business day,
// `signed_on`) while it is signed, delivering or completed; drafts and terminated ones never count.
import type { Sql } from '../../platform/db/db.js';

const COUNTED = `status in ('signed', 'delivering', 'completed') and signed_on is not null`;

/** G4 filters: only contracts of these customers; only contracts whose opportunity lists this product. */
export interface ContractSegment {
  customerIds?: readonly string[];
  product?: string;
}

function segmentSql(params: unknown[], s: ContractSegment | undefined): string {
  let sql = '';
  if (s?.customerIds) sql += ` and contracts.customer_id = any($${params.push(s.customerIds)}::uuid[])`;
  if (s?.product) {
    sql += ` and exists (select 1 from opportunities o where o.tenant_id = contracts.tenant_id and o.id = contracts.opportunity_id and $${params.push(s.product)} = any(o.products))`;
  }
  return sql;
}

/** Signed contract amount (CNY) per owner for signing days in [fromDay, toDay) ('2026-03-01'). */
export async function signedAmountByOwner(db: Sql, tenantId: string, fromDay: string, toDay: string, segment?: ContractSegment): Promise<Map<string, number>> {
  const params: unknown[] = [tenantId, fromDay, toDay];
  const seg = segmentSql(params, segment);
  const r = await db.query<{ owner_id: string; amount: string }>(
    `select owner_id, sum(amount)::text as amount from contracts
      where tenant_id = $1 and ${COUNTED} and signed_on >= $2::date and signed_on < $3::date and owner_id is not null${seg}
      group by owner_id`,
    params,
  );
  return new Map(r.rows.map((x) => [x.owner_id, Number(x.amount)]));
}

/**
 * Repurchase per owner for signing days in [fromDay, toDay): `base` = customers with a counted
 * contract signed before fromDay (owner = that earlier contract's owner, the latest one);
 * `repurchased` = those of them with a counted contract signed in the window.
 */
export async function repurchaseByOwner(
  db: Sql,
  tenantId: string,
  fromDay: string,
  toDay: string,
  segment?: ContractSegment,
): Promise<Map<string, { base: number; repurchased: number }>> {
  const params: unknown[] = [tenantId, fromDay, toDay];
  const seg = segmentSql(params, segment);
  const r = await db.query<{ owner_id: string; base: string; repurchased: string }>(
    `with earlier as (
       select distinct on (customer_id) customer_id, owner_id from contracts
        where tenant_id = $1 and ${COUNTED} and signed_on < $2::date and owner_id is not null${seg}
        order by customer_id, signed_on desc
     ), again as (
       select distinct customer_id from contracts
        where tenant_id = $1 and ${COUNTED} and signed_on >= $2::date and signed_on < $3::date${seg}
     )
     select e.owner_id, count(*)::text as base, count(a.customer_id)::text as repurchased
       from earlier e left join again a on a.customer_id = e.customer_id
      group by e.owner_id`,
    params,
  );
  return new Map(r.rows.map((x) => [x.owner_id, { base: Number(x.base), repurchased: Number(x.repurchased) }]));
}

/** G4 board filter: customers with an opportunity (any stage) that lists this product (SKU). */
export async function customersWithProduct(db: Sql, tenantId: string, product: string): Promise<string[]> {
  const r = await db.query<{ customer_id: string }>(`select distinct customer_id from opportunities where tenant_id = $1 and $2 = any(products)`, [tenantId, product]);
  return r.rows.map((x) => x.customer_id);
}
