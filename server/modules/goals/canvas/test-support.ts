// Test helpers for G5/G6: goal plans and rep targets written straight into the goal tables (the
// core goals module's API is tested on its own).
import crypto from 'node:crypto';
import type { Db } from '../../../platform/db/db.js';
import type { TestUser } from '../../../test/harness.js';

/** The tenant's plan of the year (created once). */
export async function planOf(db: Db, tenantId: string, year: number): Promise<string> {
  const found = await db.query<{ id: string }>(`select id from goal_plans where tenant_id = $1 and year = $2`, [tenantId, year]);
  if (found.rows[0]) return found.rows[0].id;
  const id = crypto.randomUUID();
  await db.query(`insert into goal_plans (tenant_id, id, year, name, created_at) values ($1, $2, $3, $4, now())`, [tenantId, id, year, `${year} 年目标`]);
  return id;
}

/** A rep's target (default: a monthly process target) with its first history row. */
export async function repTarget(
  db: Db,
  tenantId: string,
  rep: TestUser,
  t: { metric: string; period: string; value: number; tier?: 'result' | 'health' | 'process' },
): Promise<string> {
  const planId = await planOf(db, tenantId, Number(t.period.slice(0, 4)));
  const id = crypto.randomUUID();
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, value, acceptance, version, updated_at)
       values ($1, $2, $3, $4, $5, $6, 'rep', $7, $8, 'accepted', 1, now())`,
      [tenantId, id, planId, t.tier ?? 'process', t.metric, t.period, rep.id, t.value],
    );
    await tx.query(`insert into goal_target_history (tenant_id, target_id, version, value, reason, changed_at) values ($1, $2, 1, $3, '初始分解', now())`, [tenantId, id, t.value]);
  });
  return id;
}
