// Small bulk reads of the customer master for other modules (names and organisational units of
// many customers at once), so they never query the customers table themselves.
import type { Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import { defineAbilityFor, presentFor, requireAbility, type AppAbility } from '../../platform/access/abilities.js';
import { accessWhere } from '../../platform/access/sql.js';
import { Problem } from '../../platform/http/problem.js';
import { COLUMNS } from './store.js';

export interface CustomerUnits {
  id: string;
  name: string;
  ownerId: string | null;
  teamId: string | null;
  regionId: string | null;
  tier: string;
}

export async function customerUnits(db: Sql, tenantId: string, ids: readonly string[]): Promise<Map<string, CustomerUnits>> {
  const out = new Map<string, CustomerUnits>();
  if (!ids.length) return out;
  const r = await db.query<{ id: string; name: string; owner_id: string | null; team_id: string | null; region_id: string | null; tier: string }>(
    `select id, name, owner_id, team_id, region_id, tier from customers where tenant_id = $1 and id = any($2::uuid[]) and status = 'active'`,
    [tenantId, [...new Set(ids)]],
  );
  for (const row of r.rows) out.set(row.id, { id: row.id, name: row.name, ownerId: row.owner_id, teamId: row.team_id, regionId: row.region_id, tier: row.tier });
  return out;
}

/** What other modules need to decide record scope and compute on a customer: no personal fields. */
export interface CustomerBrief {
  id: string;
  /** Masked (or absent) exactly as this actor may read it. */
  name: string | null;
  nameMasked: boolean;
  industry: string | null;
  tier: string;
  stage: string;
  ownerId: string | null;
  teamId: string | null;
  regionId: string | null;
}

const BRIEF = `id, name, industry, tier, stage, owner_id, team_id, region_id`;
type BriefRow = { id: string; name: string; industry: string | null; tier: string; stage: string; owner_id: string | null; team_id: string | null; region_id: string | null };

function brief(ability: AppAbility, r: BriefRow): CustomerBrief {
  const shown = presentFor(ability, 'Customer', { id: r.id, name: r.name, industry: r.industry, ownerId: r.owner_id, teamId: r.team_id, regionId: r.region_id }).value;
  return {
    id: r.id,
    name: (shown.name as string | undefined) ?? null,
    nameMasked: shown._abilities.masked.includes('name'),
    industry: (shown.industry as string | null | undefined) ?? null,
    tier: r.tier, stage: r.stage, ownerId: r.owner_id, teamId: r.team_id, regionId: r.region_id };
}

/**
 * One active customer the actor may read, reduced to scope and classification (404 otherwise).
 * Shows no personal field, so it writes no sensitive-read audit row.
 */
export async function customerBrief(db: Sql, ctx: Ctx, id: string): Promise<CustomerBrief> {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Customer');
  const params: unknown[] = [];
  const access = accessWhere(ability, 'read', 'Customer', COLUMNS, params);
  params.push(ctx.actor.tenantId, id);
  const r = await db.query<BriefRow>(
    `select ${BRIEF} from customers where (${access}) and tenant_id = $${params.length - 1} and id = $${params.length} and status = 'active'`,
    params,
  );
  if (!r.rows[0]) throw new Problem(404, 'not_found');
  return brief(ability, r.rows[0]);
}

/** The active customers the actor may read, narrowed by owner / team / region, newest first. */
export async function customersInScope(
  db: Sql,
  ctx: Ctx,
  f: { ownerId?: string; teamId?: string; regionId?: string; limit: number },
): Promise<{ items: CustomerBrief[]; total: number }> {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Customer');
  const params: unknown[] = [];
  const conds = [accessWhere(ability, 'read', 'Customer', COLUMNS, params)];
  params.push(ctx.actor.tenantId);
  conds.push(`tenant_id = $${params.length}`, `status = 'active'`);
  for (const [col, v] of [['owner_id', f.ownerId], ['team_id', f.teamId], ['region_id', f.regionId]] as const) {
    if (v) {
      params.push(v);
      conds.push(`${col} = $${params.length}`);
    }
  }
  const where = conds.map((c) => `(${c})`).join(' and ');
  const total = await db.query<{ n: number }>(`select count(*)::int as n from customers where ${where}`, params);
  params.push(f.limit);
  const r = await db.query<BriefRow>(`select ${BRIEF} from customers where ${where} order by updated_at desc, id limit $${params.length}`, params);
  return { items: r.rows.map((row) => brief(ability, row)), total: Number(total.rows[0].n) };
}

/** Where a customer is, for the process module's geofence and QR sheets (P2, P9). No personal fields. */
export interface CustomerSite {
  id: string;
  name: string;
  tier: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  ownerId: string | null;
  teamId: string | null;
  regionId: string | null;
}

export async function customerSites(db: Sql, tenantId: string, ids: readonly string[]): Promise<Map<string, CustomerSite>> {
  const out = new Map<string, CustomerSite>();
  if (!ids.length) return out;
  const r = await db.query<{ id: string; name: string; tier: string; address: string | null; lat: number | null; lng: number | null; owner_id: string | null; team_id: string | null; region_id: string | null }>(
    `select id, name, tier, address, lat, lng, owner_id, team_id, region_id from customers where tenant_id = $1 and id = any($2::uuid[]) and status = 'active'`,
    [tenantId, [...new Set(ids)]],
  );
  for (const x of r.rows) {
    out.set(x.id, { id: x.id, name: x.name, tier: x.tier, address: x.address, lat: x.lat, lng: x.lng, ownerId: x.owner_id, teamId: x.team_id, regionId: x.region_id });
  }
  return out;
}

/** G4: a rep's active customers (optionally with one tag), with tier and tags; no personal fields. */
export async function customersOwnedBy(
  db: Sql,
  tenantId: string,
  ownerId: string,
  f: { tag?: string; limit: number },
): Promise<{ id: string; name: string; tier: string; tags: string[]; teamId: string | null; regionId: string | null }[]> {
  const params: unknown[] = [tenantId, ownerId];
  const tag = f.tag ? `and $${params.push(f.tag)} = any(tags)` : '';
  params.push(f.limit);
  const r = await db.query<{ id: string; name: string; tier: string; tags: string[]; team_id: string | null; region_id: string | null }>(
    `select id, name, tier, tags, team_id, region_id from customers
      where tenant_id = $1 and owner_id = $2 and status = 'active' ${tag} order by name, id limit $${params.length}`,
    params,
  );
  return r.rows.map((x) => ({ id: x.id, name: x.name, tier: x.tier, tags: x.tags, teamId: x.team_id, regionId: x.region_id }));
}

/** G4: one active customer's owner and units (for scoping a drill-down to it). */
export async function customerOwnerUnits(
  db: Sql,
  tenantId: string,
  id: string,
): Promise<{ id: string; name: string; tier: string; tags: string[]; ownerId: string | null; teamId: string | null; regionId: string | null } | null> {
  const r = await db.query<{ id: string; name: string; tier: string; tags: string[]; owner_id: string | null; team_id: string | null; region_id: string | null }>(
    `select id, name, tier, tags, owner_id, team_id, region_id from customers where tenant_id = $1 and id = $2 and status = 'active'`,
    [tenantId, id],
  );
  const x = r.rows[0];
  return x ? { id: x.id, name: x.name, tier: x.tier, tags: x.tags, ownerId: x.owner_id, teamId: x.team_id, regionId: x.region_id } : null;
}

/** G3: active customers counted by owner, tier and lifecycle stage (the allocation assistant's portfolio input). */
export interface CustomerPortfolioRow {
  ownerId: string | null;
  teamId: string | null;
  regionId: string | null;
  tier: string;
  stage: string;
  n: number;
}

export async function customerPortfolio(db: Sql, tenantId: string): Promise<CustomerPortfolioRow[]> {
  const r = await db.query<{ owner_id: string | null; team_id: string | null; region_id: string | null; tier: string; stage: string; n: number }>(
    `select owner_id, team_id, region_id, tier, stage, count(*)::int as n from customers
      where tenant_id = $1 and status = 'active' group by owner_id, team_id, region_id, tier, stage`,
    [tenantId],
  );
  return r.rows.map((x) => ({ ownerId: x.owner_id, teamId: x.team_id, regionId: x.region_id, tier: x.tier, stage: x.stage, n: Number(x.n) }));
}

/**
 * G2 health metric: new high-potential customers (tier KA or A) per owner, created in [from, to).
 * Active customers only (a merged duplicate is not a new customer).
 */
export async function newHighPotentialByOwner(db: Sql, tenantId: string, from: Date, to: Date, customerIds?: readonly string[]): Promise<Map<string, number>> {
  const params: unknown[] = [tenantId, from, to];
  const only = customerIds ? `and id = any($${params.push(customerIds)}::uuid[])` : '';
  const r = await db.query<{ owner_id: string; n: string }>(
    `select owner_id, count(*)::text as n from customers
      where tenant_id = $1 and status = 'active' and tier in ('KA', 'A') and created_at >= $2 and created_at < $3 and owner_id is not null ${only}
      group by owner_id`,
    params,
  );
  return new Map(r.rows.map((x) => [x.owner_id, Number(x.n)]));
}

/** G4 board filter: the active customers with a tag (optionally only among `within`). */
export async function customersTagged(db: Sql, tenantId: string, tag: string, within?: readonly string[]): Promise<string[]> {
  const params: unknown[] = [tenantId, tag];
  const only = within ? `and id = any($${params.push(within)}::uuid[])` : '';
  const r = await db.query<{ id: string }>(`select id from customers where tenant_id = $1 and status = 'active' and $2 = any(tags) ${only}`, params);
  return r.rows.map((x) => x.id);
}
