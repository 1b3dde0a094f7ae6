// Create-time check (C1): is a new customer a likely duplicate of one the actor can see?
// Kept apart from service.ts so the customers service can call it without an import cycle.
import type { Sql } from '../../../platform/db/db.js';
import { subject, type AppAbility } from '../../../platform/access/abilities.js';
import { accessWhere } from '../../../platform/access/sql.js';
import { maskValue } from '../../../platform/access/mask.js';
import { registerMessages } from '../../../platform/http/problem.js';
import { COLUMNS, customerById, type CustomerRow } from '../store.js';
import { candidatesFor, normaliseAddress, normaliseName, type MatchRecord, type Reason, type Rule } from './match.js';
import * as store from './store.js';

registerMessages({
  likely_duplicate: {
    'zh-CN': '发现 {count} 个疑似重复的客户，请先核对；确认不是同一客户后可继续创建',
    'en-US': '{count} likely duplicate customer(s) found; check them first, and confirm it is not the same customer to create anyway',
  },
  customer_already_merged: {
    'zh-CN': '客户已被合并，不能再次合并或修改',
    'en-US': 'This customer has already been merged; it cannot be merged or changed again',
  },
});

const FIELD_OF: Record<Rule, string> = {
  name_same: 'name',
  name_same_person: 'name',
  name_similar: 'name',
  phone_same: 'mobile',
  address_same: 'address',
  contact_city: 'contactName',
};

/**
 * Evidence values leave the service under the same read rules as the records: a value the actor
 * may read only masked on either record is masked.
 */
export function presentReasons(ability: AppAbility, records: Record<string, unknown>[], reasons: Reason[]): Reason[] {
  return reasons.map((r) => {
    const field = FIELD_OF[r.rule];
    const raw = records.every((x) => ability.can('read', subject('Customer', x), field));
    return raw ? r : { ...r, a: String(maskValue(field, r.a)), b: String(maskValue(field, r.b)) };
  });
}

export interface LikelyDuplicate {
  id: string;
  name: string;
  score: number;
  reasons: Reason[];
  ruleVersion: string;
}

/** Visible active customers that the new record likely duplicates (score ≥ threshold), best first. */
export async function likelyDuplicates(db: Sql, ability: AppAbility, tenantId: string, rec: MatchRecord, ruleVersion: string): Promise<LikelyDuplicate[]> {
  const params: unknown[] = [];
  const access = { sql: accessWhere(ability, 'read', 'Customer', COLUMNS, params), params };
  const name = normaliseName(rec.name, rec.kind, rec.city);
  const contact = rec.kind === 'org' && rec.contactName ? rec.contactName.trim() : '';
  const existing = await store.possibleMatches(
    db,
    tenantId,
    { mobile: rec.mobile ?? null, core: name.core, addressTail: normaliseAddress(rec.address), contact, city: rec.city ?? null },
    access,
  );
  const byId = new Map(existing.map((e) => [e.id, e]));
  return candidatesFor(rec, existing)
    .slice(0, 10)
    .map((c) => {
      const e = byId.get(c.id)!;
      const seen = e as unknown as Record<string, unknown>;
      return {
        id: c.id,
        name: ability.can('read', subject('Customer', seen), 'name') ? e.name : String(maskValue('name', e.name)),
        score: c.score,
        // The new record's values are the actor's own input; only the existing record's are checked.
        reasons: presentReasons(ability, [seen], c.reasons),
        ruleVersion,
      };
    });
}

/** The fields record scope is decided on (enough for ability checks on a raw row). */
const scoped = (r: CustomerRow) => ({ id: r.id, ownerId: r.owner_id, teamId: r.team_id, regionId: r.region_id });

/** For a merged customer's page: where it went and whether this actor may undo it. */
export async function mergeInfoFor(db: Sql, ability: AppAbility, tenantId: string, row: CustomerRow) {
  if (row.status !== 'merged' || !row.merged_into) return null;
  const mg = await store.activeMergeOf(db, tenantId, row.id);
  const target = await customerById(db, tenantId, row.merged_into);
  const targetVisible = !!target && ability.can('read', subject('Customer', scoped(target)));
  const canUndo =
    !!mg &&
    !!target &&
    ability.can('update', 'DuplicateCandidate') &&
    ability.can('update', subject('Customer', scoped(target))) &&
    ability.can('update', subject('Customer', scoped(row)));
  return {
    mergeId: mg?.id ?? null,
    mergedInto: row.merged_into,
    mergedIntoName: targetVisible && ability.can('read', subject('Customer', scoped(target!)), 'name') ? target!.name : null,
    mergedAt: row.merged_at,
    canUndo,
  };
}

