// A customer's visit history for other modules (the customer timeline) and the merge hook (C1).
// Kept apart from the visit use cases so readers of history load nothing else.
import type { Db } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import { accessWhere } from '../../platform/access/sql.js';
import { defineAbilityFor } from '../../platform/access/abilities.js';
import type { Before } from '../../platform/db/keyset.js';
import * as org from '../org/service.js';
import { registerMergeParticipant } from '../customers/merge-participants.js';
import * as store from './store.js';

/** A customer's visits, newest first: the latest 100, or one keyset page of a merged timeline. */
export async function visitsOfCustomer(db: Db, ctx: Ctx, customerId: string, page?: { limit: number; before?: Before }) {
  const ability = defineAbilityFor(ctx.actor);
  if (!ability.can('read', 'Visit')) return { items: [] };
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'Visit', store.VISIT_COLUMNS, params);
  const rows = await store.visitsOfCustomer(db, ctx.actor.tenantId, customerId, { sql, params }, page?.limit ?? 100, page?.before);
  const names = await org.namesOf(db, ctx.actor.tenantId, rows.map((r) => r.rep_id));
  return {
    items: rows.map((r) => ({
      id: r.id,
      purpose: r.purpose,
      note: r.note,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
      repId: r.rep_id,
      repName: names.get(r.rep_id) ?? null,
      flags: r.flags,
    })),
  };
}

/** C1: when two customers are merged, their visits follow the surviving record (and return on undo). */
export function registerVisitMergeParticipant(): void {
  registerMergeParticipant({
    name: 'process.visits',
    move: (tx, tenantId, fromId, toId) => store.moveVisits(tx, tenantId, fromId, toId),
    restore: (tx, tenantId, ids, toId) => store.restoreVisits(tx, tenantId, ids, toId),
  });
}
