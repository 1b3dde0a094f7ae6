// Read-only sums over the pipeline's contracts for other modules (G2 goal attainment), so they never
// query the contract tables themselves. A contract counts from its signing date (business day,
// `signed_on`) while it is signed, delivering or completed; drafts and terminated ones never count.
import type { Sql } from '../../platform/db/db.js';

const COUNTED = `status in ('signed', 'delivering', 'completed') and signed_on is not null`;

/** Signed contract amount (CNY) per owner for signing days in [fromDay, toDay) ('2026-03-01'). */
export async function signedAmountByOwner(db: Sql, tenantId: string, fromDay: string, toDay: string): Promise<Map<string, number>> {
  const r = await db.query<{ owner_id: string; amount: string }>(
    `select owner_id, sum(amount)::text as amount from contracts
      where tenant_id = $1 and ${COUNTED} and signed_on >= $2::date and signed_on < $3::date and owner_id is not null
      group by owner_id`,
    [tenantId, fromDay, toDay],
  );
  return new Map(r.rows.map((x) => [x.owner_id, Number(x.amount)]));
}

/**
 * Repurchase per owner for signing days in [fromDay, toDay): `base` = customers with a counted
 * contract signed before fromDay (owner = that earlier contract's owner, the latest one);
 * `repurchased` = those of them with a counted contract signed in the window.
 */
export async function repurchaseByOwner(db: Sql, tenantId: string, fromDay: string, toDay: string): Promise<Map<string, { base: number; repurchased: number }>> {
  const r = await db.query<{ owner_id: string; base: string; repurchased: string }>(
    `with earlier as (
       select distinct on (customer_id) customer_id, owner_id from contracts
        where tenant_id = $1 and ${COUNTED} and signed_on < $2::date and owner_id is not null
        order by customer_id, signed_on desc
     ), again as (
       select distinct customer_id from contracts
        where tenant_id = $1 and ${COUNTED} and signed_on >= $2::date and signed_on < $3::date
     )
     select e.owner_id, count(*)::text as base, count(a.customer_id)::text as repurchased
       from earlier e left join again a on a.customer_id = e.customer_id
      group by e.owner_id`,
    [tenantId, fromDay, toDay],
  );
  return new Map(r.rows.map((x) => [x.owner_id, { base: Number(x.base), repurchased: Number(x.repurchased) }]));
}
