// SQL for customers and opportunities. Every function takes tenantId; access narrowing
// arrives as a ready SQL fragment from the service (accessWhere).
import type { Sql } from '../../platform/db/db.js';

export interface CustomerRow {
  tenant_id: string;
  id: string;
  kind: 'org' | 'person';
  name: string;
  credit_code: string | null;
  mobile: string | null;
  contact_name: string | null;
  industry: string | null;
  tier: 'KA' | 'A' | 'B' | 'C';
  stage: 'lead' | 'opportunity' | 'delivery' | 'renewal' | 'churned';
  region_id: string | null;
  team_id: string | null;
  owner_id: string | null;
  province: string | null;
  city: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  tags: string[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  version: number;
  /** C1: 'merged' records stay for history and undo but leave lists, search and export. */
  status: 'active' | 'merged';
  merged_into: string | null;
  merged_at: Date | null;
}

/** API field → column. Also the whitelist for access rules, filters and sorting. */
export const COLUMNS = {
  id: 'id',
  kind: 'kind',
  name: 'name',
  creditCode: 'credit_code',
  mobile: 'mobile',
  contactName: 'contact_name',
  industry: 'industry',
  tier: 'tier',
  stage: 'stage',
  regionId: 'region_id',
  teamId: 'team_id',
  ownerId: 'owner_id',
  province: 'province',
  city: 'city',
  address: 'address',
  lat: 'lat',
  lng: 'lng',
  tags: 'tags',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  version: 'version',
  status: 'status',
  mergedInto: 'merged_into',
  mergedAt: 'merged_at',
} as const;
export type CustomerField = keyof typeof COLUMNS;

export interface ListQuery {
  /** Access fragment and its params, numbered from $1. */
  access: { sql: string; params: unknown[] };
  search?: { name?: string; creditCodePrefix?: string; mobilePrefix?: string };
  filters: Partial<Record<'tier' | 'stage' | 'industry' | 'regionId' | 'teamId' | 'ownerId' | 'city' | 'kind', string>>;
  sort: 'updatedAt' | 'createdAt' | 'name' | 'tier';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

function whereFor(tenantId: string, q: Omit<ListQuery, 'sort' | 'order' | 'limit' | 'offset'>) {
  const params = [...q.access.params];
  const conds = [q.access.sql];
  params.push(tenantId);
  conds.unshift(`tenant_id = $${params.length}`, `status = 'active'`);
  const s = q.search;
  if (s) {
    const ors: string[] = [];
    if (s.name) {
      params.push(`%${s.name.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
      ors.push(`name ilike $${params.length}`);
    }
    if (s.creditCodePrefix) {
      params.push(`${s.creditCodePrefix}%`);
      ors.push(`credit_code like $${params.length}`);
    }
    if (s.mobilePrefix) {
      params.push(`${s.mobilePrefix}%`);
      ors.push(`mobile like $${params.length}`);
    }
    conds.push(ors.length ? `(${ors.join(' or ')})` : 'false');
  }
  for (const [k, v] of Object.entries(q.filters)) {
    if (v === undefined) continue;
    params.push(v);
    conds.push(`${COLUMNS[k as CustomerField]} = $${params.length}`);
  }
  return { sql: conds.join(' and '), params };
}

export async function listCustomers(db: Sql, tenantId: string, q: ListQuery) {
  const w = whereFor(tenantId, q);
  const sortCol = COLUMNS[q.sort];
  const order = q.order === 'asc' ? 'asc' : 'desc';
  const [count, rows] = await Promise.all([
    db.query<{ n: number }>(`select count(*)::int as n from customers where ${w.sql}`, w.params),
    db.query<CustomerRow>(
      `select * from customers where ${w.sql} order by ${sortCol} ${order}, id ${order} limit ${Number(q.limit)} offset ${Number(q.offset)}`,
      w.params,
    ),
  ]);
  return { rows: rows.rows, total: count.rows[0].n };
}

/** Streams all matching rows in keyset pages (exports). */
export async function* iterateCustomers(db: Sql, tenantId: string, q: Omit<ListQuery, 'limit' | 'offset' | 'sort' | 'order'>, pageSize = 2000) {
  const w = whereFor(tenantId, q);
  let after: string | null = null;
  for (;;) {
    const params: unknown[] = [...w.params, after];
    const r: { rows: CustomerRow[] } = await db.query<CustomerRow>(
      `select * from customers where ${w.sql} and ($${params.length}::uuid is null or id > $${params.length}::uuid) order by id limit ${pageSize}`,
      params,
    );
    if (!r.rows.length) return;
    yield r.rows;
    if (r.rows.length < pageSize) return;
    after = r.rows[r.rows.length - 1].id;
  }
}

export async function customerById(db: Sql, tenantId: string, id: string, access?: { sql: string; params: unknown[] }) {
  const params = [...(access?.params ?? []), tenantId, id];
  const r = await db.query<CustomerRow>(
    `select * from customers where ${access ? access.sql + ' and ' : ''} tenant_id = $${params.length - 1} and id = $${params.length}`,
    params,
  );
  return r.rows[0];
}

export async function customerByCreditCode(db: Sql, tenantId: string, code: string) {
  return (await db.query<CustomerRow>(`select * from customers where tenant_id = $1 and credit_code = $2 and status = 'active'`, [tenantId, code])).rows[0];
}

export async function personByMobile(db: Sql, tenantId: string, mobile: string) {
  return (await db.query<CustomerRow>(`select * from customers where tenant_id = $1 and kind = 'person' and mobile = $2 and status = 'active'`, [tenantId, mobile])).rows[0];
}

export async function insertCustomer(db: Sql, tenantId: string, id: string, values: Partial<Record<CustomerField, unknown>>, createdBy: string | null) {
  const cols = Object.keys(values).map((k) => COLUMNS[k as CustomerField]);
  const params = [tenantId, id, createdBy, ...Object.values(values)];
  const r = await db.query<CustomerRow>(
    `insert into customers (tenant_id, id, created_by${cols.map((c) => ', ' + c).join('')})
     values ($1, $2, $3${cols.map((_, i) => `, $${i + 4}`).join('')}) returning *`,
    params,
  );
  return r.rows[0];
}

export async function updateCustomer(db: Sql, tenantId: string, id: string, version: number, values: Partial<Record<CustomerField, unknown>>) {
  const cols = Object.keys(values).map((k) => COLUMNS[k as CustomerField]);
  const params = [tenantId, id, version, ...Object.values(values)];
  const r = await db.query<CustomerRow>(
    `update customers set ${cols.map((c, i) => `${c} = $${i + 4}, `).join('')}version = version + 1, updated_at = now()
     where tenant_id = $1 and id = $2 and version = $3 returning *`,
    params,
  );
  return r.rows[0];
}

/** Locks the row for a merge or its undo. */
export async function customerForUpdate(db: Sql, tenantId: string, id: string) {
  return (await db.query<CustomerRow>('select * from customers where tenant_id = $1 and id = $2 for update', [tenantId, id])).rows[0];
}

export async function markMerged(db: Sql, tenantId: string, id: string, survivorId: string) {
  const r = await db.query<CustomerRow>(
    `update customers set status = 'merged', merged_into = $3, merged_at = now(), version = version + 1, updated_at = now()
      where tenant_id = $1 and id = $2 and status = 'active' returning *`,
    [tenantId, id, survivorId],
  );
  return r.rows[0];
}

const SNAPSHOT_SKIP = new Set(['tenant_id', 'id', 'version']);

/**
 * Puts a row back exactly as in a snapshot taken with `select *` (every column but the key; the
 * version moves forward so a client holding the merged state gets a 409, not a silent overwrite).
 * Columns come from the snapshot, so columns other modules add to customers are restored too.
 */
export async function restoreCustomer(db: Sql, tenantId: string, snapshot: Record<string, unknown>) {
  const cols = Object.keys(snapshot).filter((c) => !SNAPSHOT_SKIP.has(c));
  for (const c of cols) if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`unexpected column ${c} in customer snapshot`);
  const params = [tenantId, snapshot.id, ...cols.map((c) => snapshot[c])];
  const r = await db.query<CustomerRow>(
    `update customers set ${cols.map((c, i) => `"${c}" = $${i + 3}`).join(', ')}, version = version + 1
      where tenant_id = $1 and id = $2 returning *`,
    params,
  );
  return r.rows[0];
}

