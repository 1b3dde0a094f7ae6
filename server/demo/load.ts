// Writes the demo company (X7) into the database: organisation first, then customers,
// opportunities and visits streamed rep by rep in multi-row INSERTs, all in one transaction,
// so a crash half-way leaves no half-built demo tenant behind (the next start simply retries).
//
// Each INSERT sends one text[] parameter per column and expands it with unnest(): one
// parse/plan per batch however many rows it carries, no 65,535-parameter limit, and the same
// SQL on PGlite and PostgreSQL.
import type { Db, Sql } from '../platform/db/db.js';
import {
  streamCompany,
  type DemoCustomer,
  type DemoOpportunity,
  type DemoPattern,
  type DemoRegion,
  type DemoTeam,
  type DemoUser,
  type DemoVisit,
  type RepSlice,
} from './generate.js';

export const DEMO_SLUG = 'demo';

export interface LoadOptions {
  seed: number;
  reps?: number;
  customers?: number;
  months?: number;
  now: Date;
  /** Stored as users.password_hash for every demo user (the caller hashes the demo password once). */
  passwordHash: string;
  maxVisitsPerRepDay?: number;
  patterns?: readonly DemoPattern[];
  /** Rows per INSERT statement. */
  batchSize?: number;
  /** Called after each flush with running totals (for progress output). */
  onProgress?: (counts: DemoCounts) => void;
  /** Lets a module write its own rows for a slice, in the same transaction (after the slice's core rows). */
  onSlice?: (tx: Sql, tenantId: string, slice: RepSlice) => Promise<void>;
}

export interface DemoCounts {
  regions: number;
  teams: number;
  users: number;
  customers: number;
  opportunities: number;
  visits: number;
}

export interface DemoLogin {
  username: string;
  role: string;
  displayName: string;
}

export interface LoadResult {
  /** false when the demo tenant already existed (nothing was written). */
  created: boolean;
  tenantId: string;
  counts: DemoCounts;
  logins: DemoLogin[];
  /** Planted ground-truth items per pattern name. */
  truth: Record<string, number>;
}

const ROLE_ORDER = ['admin', 'director', 'manager', 'rep', 'bp', 'service', 'marketing', 'delivery', 'qa'];

export async function loadDemo(db: Db, opts: LoadOptions): Promise<LoadResult> {
  const existing = await db.query<{ id: string }>('select id from tenants where slug = $1', [DEMO_SLUG]);
  if (existing.rows.length) return describeExisting(db, existing.rows[0].id);

  const stream = streamCompany(opts);
  const { tenant, regions, teams, users } = stream.org;
  const batch = Math.max(1, opts.batchSize ?? 1000);
  const counts: DemoCounts = { regions: 0, teams: 0, users: 0, customers: 0, opportunities: 0, visits: 0 };
  const truth: Record<string, number> = {};

  const created = await db.transaction(async (tx) => {
    // A concurrent loader (another instance starting on the same PostgreSQL) waits here on the
    // unique slug and then finds the row taken: it backs off instead of writing a second company.
    const t = await tx.query(
      `insert into tenants (id, slug, name, time_zone, locale, created_at) values ($1, $2, $3, $4, $5, $6)
       on conflict (slug) do nothing returning id`,
      [tenant.id, tenant.slug, tenant.name, tenant.timeZone, tenant.locale, tenant.createdAt],
    );
    if (!t.rows.length) return false;
    const ins = inserter(tx, tenant.id, batch);
    counts.regions = await ins(REGION_COLUMNS, regions);
    counts.teams = await ins(TEAM_COLUMNS, teams);
    counts.users = await ins(userColumns(opts.passwordHash), users);

    let customers: DemoCustomer[] = [];
    let opportunities: DemoOpportunity[] = [];
    let visits: DemoVisit[] = [];
    let pendingSlices: RepSlice[] = [];
    const flush = async () => {
      // Order matters: opportunities and visits reference their customers.
      counts.customers += await ins(CUSTOMER_COLUMNS, customers);
      counts.opportunities += await ins(OPPORTUNITY_COLUMNS, opportunities);
      counts.visits += await ins(VISIT_COLUMNS, visits);
      if (opts.onSlice) for (const s of pendingSlices) await opts.onSlice(tx, tenant.id, s);
      customers = [];
      opportunities = [];
      visits = [];
      pendingSlices = [];
      opts.onProgress?.({ ...counts });
    };
    for (const s of stream.slices()) {
      for (const c of s.customers) customers.push(c);
      for (const o of s.opportunities) opportunities.push(o);
      for (const v of s.visits) visits.push(v);
      for (const x of s.truth) truth[x.pattern] = (truth[x.pattern] ?? 0) + 1;
      if (opts.onSlice) pendingSlices.push(s);
      if (customers.length >= batch * 4 || visits.length >= batch * 8) await flush();
    }
    await flush();
    return true;
  });
  if (!created) return describeExisting(db, (await db.query<{ id: string }>('select id from tenants where slug = $1', [DEMO_SLUG])).rows[0].id);

  // Fresh statistics, so the first list queries get good plans (embedded PGlite runs no autovacuum).
  await db.query('analyze regions, teams, users, customers, opportunities, visits');

  return {
    created: true,
    tenantId: tenant.id,
    counts,
    logins: users.map((u) => ({ username: u.username, role: u.role, displayName: u.displayName })),
    truth,
  };
}

async function describeExisting(db: Db, tenantId: string): Promise<LoadResult> {
  const n = async (table: string) => Number((await db.query<{ n: number }>(`select count(*)::int as n from ${table} where tenant_id = $1`, [tenantId])).rows[0].n);
  const users = await db.query<{ username: string; role: string; display_name: string }>(
    `select username, role, display_name from users where tenant_id = $1 and active
      order by array_position($2::text[], role), length(username), username`,
    [tenantId, ROLE_ORDER],
  );
  return {
    created: false,
    tenantId,
    counts: {
      regions: await n('regions'),
      teams: await n('teams'),
      users: await n('users'),
      customers: await n('customers'),
      opportunities: await n('opportunities'),
      visits: await n('visits'),
    },
    logins: users.rows.map((u) => ({ username: u.username, role: u.role, displayName: u.display_name })),
    truth: {},
  };
}

// ── Batched INSERT … SELECT FROM unnest(…) ───────────────────────────────────────────────

type Value = string | number | boolean | Date | string[] | null;

interface Column<T> {
  name: string;
  /** SQL type the text value is cast to. */
  type: string;
  get: (row: T) => Value;
}

interface Table<T> {
  table: string;
  columns: Column<T>[];
}

const col = <T>(name: string, type: string, get: (row: T) => Value): Column<T> => ({ name, type, get });

/** Returns a function that inserts rows into a table in batches and returns how many were inserted. */
function inserter(tx: Sql, tenantId: string, batchSize: number) {
  const statements = new Map<string, string>();
  return async function insert<T>(spec: Table<T>, rows: readonly T[]): Promise<number> {
    if (!rows.length) return 0;
    let text = statements.get(spec.table);
    if (!text) {
      const names = spec.columns.map((c) => c.name);
      text =
        `insert into ${spec.table} (tenant_id, ${names.join(', ')}) ` +
        `select $1::uuid, ${spec.columns.map((c) => `u.${c.name}::${c.type}`).join(', ')} ` +
        `from unnest(${spec.columns.map((_, i) => `$${i + 2}::text[]`).join(', ')}) as u(${names.join(', ')})`;
      statements.set(spec.table, text);
    }
    let inserted = 0;
    for (let from = 0; from < rows.length; from += batchSize) {
      const chunk = rows.slice(from, from + batchSize);
      const params: unknown[] = [tenantId];
      for (const c of spec.columns) params.push(chunk.map((r) => toText(c.get(r))));
      inserted += (await tx.query(text, params)).affectedRows;
    }
    return inserted;
  };
}

function toText(v: Value): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return arrayLiteral(v);
  return String(v);
}

/** A PostgreSQL array literal ({"a","b"}) with quotes and backslashes escaped. */
export function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

const REGION_COLUMNS: Table<DemoRegion> = {
  table: 'regions',
  columns: [
    col('id', 'uuid', (r) => r.id),
    col('name', 'text', (r) => r.name),
    col('code', 'text', (r) => r.code),
    col('director_id', 'uuid', (r) => r.directorId),
    col('created_at', 'timestamptz', (r) => r.createdAt),
  ],
};

const TEAM_COLUMNS: Table<DemoTeam> = {
  table: 'teams',
  columns: [
    col('id', 'uuid', (r) => r.id),
    col('region_id', 'uuid', (r) => r.regionId),
    col('name', 'text', (r) => r.name),
    col('manager_id', 'uuid', (r) => r.managerId),
    col('created_at', 'timestamptz', (r) => r.createdAt),
  ],
};

const userColumns = (passwordHash: string): Table<DemoUser> => ({
  table: 'users',
  columns: [
    col('id', 'uuid', (r) => r.id),
    col('username', 'text', (r) => r.username),
    col('display_name', 'text', (r) => r.displayName),
    col('email', 'text', (r) => r.email),
    col('phone', 'text', (r) => r.phone),
    col('role', 'text', (r) => r.role),
    col('region_id', 'uuid', (r) => r.regionId),
    col('team_id', 'uuid', (r) => r.teamId),
    col('manager_id', 'uuid', (r) => r.managerId),
    col('is_mentor', 'boolean', (r) => r.isMentor),
    col('hired_on', 'date', (r) => r.hiredOn),
    col('password_hash', 'text', () => passwordHash),
    col('created_at', 'timestamptz', (r) => r.createdAt),
    col('updated_at', 'timestamptz', (r) => r.createdAt),
  ],
});

const CUSTOMER_COLUMNS: Table<DemoCustomer> = {
  table: 'customers',
  columns: [
    col('id', 'uuid', (r) => r.id),
    col('kind', 'text', (r) => r.kind),
    col('name', 'text', (r) => r.name),
    col('credit_code', 'text', (r) => r.creditCode),
    col('mobile', 'text', (r) => r.mobile),
    col('contact_name', 'text', (r) => r.contactName),
    col('industry', 'text', (r) => r.industry),
    col('tier', 'text', (r) => r.tier),
    col('stage', 'text', (r) => r.stage),
    col('region_id', 'uuid', (r) => r.regionId),
    col('team_id', 'uuid', (r) => r.teamId),
    col('owner_id', 'uuid', (r) => r.ownerId),
    col('province', 'text', (r) => r.province),
    col('city', 'text', (r) => r.city),
    col('address', 'text', (r) => r.address),
    col('lat', 'float8', (r) => r.lat),
    col('lng', 'float8', (r) => r.lng),
    col('tags', 'text[]', (r) => r.tags),
    col('created_by', 'uuid', (r) => r.createdBy),
    col('created_at', 'timestamptz', (r) => r.createdAt),
    col('updated_at', 'timestamptz', (r) => r.updatedAt),
  ],
};

const OPPORTUNITY_COLUMNS: Table<DemoOpportunity> = {
  table: 'opportunities',
  columns: [
    col('id', 'uuid', (r) => r.id),
    col('customer_id', 'uuid', (r) => r.customerId),
    col('owner_id', 'uuid', (r) => r.ownerId),
    col('team_id', 'uuid', (r) => r.teamId),
    col('region_id', 'uuid', (r) => r.regionId),
    col('name', 'text', (r) => r.name),
    col('stage', 'text', (r) => r.stage),
    col('amount', 'numeric', (r) => r.amount),
    col('expected_close', 'date', (r) => r.expectedClose),
    col('products', 'text[]', (r) => r.products),
    col('created_at', 'timestamptz', (r) => r.createdAt),
    col('updated_at', 'timestamptz', (r) => r.updatedAt),
    col('closed_at', 'timestamptz', (r) => r.closedAt),
  ],
};

const VISIT_COLUMNS: Table<DemoVisit> = {
  table: 'visits',
  columns: [
    col('id', 'uuid', (r) => r.id),
    col('customer_id', 'uuid', (r) => r.customerId),
    col('rep_id', 'uuid', (r) => r.repId),
    col('team_id', 'uuid', (r) => r.teamId),
    col('region_id', 'uuid', (r) => r.regionId),
    col('purpose', 'text', (r) => r.purpose),
    col('note', 'text', (r) => r.note),
    col('occurred_at', 'timestamptz', (r) => r.occurredAt),
    col('recorded_at', 'timestamptz', (r) => r.recordedAt),
    col('lat', 'float8', (r) => r.lat),
    col('lng', 'float8', (r) => r.lng),
  ],
};
