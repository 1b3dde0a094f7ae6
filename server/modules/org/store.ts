// SQL for tenants, regions, teams and users. Every function takes tenantId (except the
// tenant lookups that establish it).
import type { Sql } from '../../platform/db/db.js';

export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  time_zone: string;
  locale: string;
}

export interface UserRow {
  tenant_id: string;
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  phone: string | null;
  role: string;
  region_id: string | null;
  team_id: string | null;
  manager_id: string | null;
  is_mentor: boolean;
  hired_on: string | null;
  password_hash: string | null;
  locale: string;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export const tenantBySlug = async (db: Sql, slug: string) =>
  (await db.query<TenantRow>('select id, slug, name, time_zone, locale from tenants where slug = $1', [slug])).rows[0];

export const tenantById = async (db: Sql, id: string) =>
  (await db.query<TenantRow>('select id, slug, name, time_zone, locale from tenants where id = $1', [id])).rows[0];

export const listTenants = async (db: Sql) => (await db.query<TenantRow>('select id, slug, name, time_zone, locale from tenants order by slug')).rows;

export const userById = async (db: Sql, tenantId: string, id: string) =>
  (await db.query<UserRow>('select * from users where tenant_id = $1 and id = $2', [tenantId, id])).rows[0];

export const userByUsername = async (db: Sql, tenantId: string, username: string) =>
  (await db.query<UserRow>('select * from users where tenant_id = $1 and username = $2', [tenantId, username])).rows[0];

export async function usersByIds(db: Sql, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return (await db.query<UserRow>('select * from users where tenant_id = $1 and id = any($2)', [tenantId, ids])).rows;
}

export async function listUsers(
  db: Sql,
  tenantId: string,
  where: { sql: string; params: unknown[] },
  f: { q?: string; role?: string; teamId?: string; regionId?: string; limit: number; offset: number },
) {
  const params = [tenantId, ...where.params];
  const conds = ['tenant_id = $1', where.sql];
  if (f.q) {
    params.push(`%${f.q}%`);
    conds.push(`(display_name ilike $${params.length} or username ilike $${params.length})`);
  }
  for (const [col, v] of [['role', f.role], ['team_id', f.teamId], ['region_id', f.regionId]] as const) {
    if (v) {
      params.push(v);
      conds.push(`${col} = $${params.length}`);
    }
  }
  const w = conds.join(' and ');
  const total = (await db.query<{ n: number }>(`select count(*)::int as n from users where ${w}`, params)).rows[0].n;
  params.push(f.limit, f.offset);
  const rows = (
    await db.query<UserRow>(`select * from users where ${w} order by role, username limit $${params.length - 1} offset $${params.length}`, params)
  ).rows;
  return { rows, total };
}

export async function listRegions(db: Sql, tenantId: string) {
  return (
    await db.query<{ id: string; name: string; code: string; director_id: string | null }>(
      'select id, name, code, director_id from regions where tenant_id = $1 order by code',
      [tenantId],
    )
  ).rows;
}

export async function listTeams(db: Sql, tenantId: string) {
  return (
    await db.query<{ id: string; name: string; region_id: string; manager_id: string | null }>(
      'select id, name, region_id, manager_id from teams where tenant_id = $1 order by name',
      [tenantId],
    )
  ).rows;
}

export async function insertTenant(db: Sql, t: { id: string; slug: string; name: string; timeZone?: string }) {
  await db.query('insert into tenants (id, slug, name, time_zone) values ($1,$2,$3,$4)', [t.id, t.slug, t.name, t.timeZone ?? 'Asia/Shanghai']);
}

export async function insertRegion(db: Sql, tenantId: string, r: { id: string; name: string; code: string; directorId?: string | null }) {
  await db.query('insert into regions (tenant_id, id, name, code, director_id) values ($1,$2,$3,$4,$5)', [tenantId, r.id, r.name, r.code, r.directorId ?? null]);
}

export async function insertTeam(db: Sql, tenantId: string, t: { id: string; regionId: string; name: string; managerId?: string | null }) {
  await db.query('insert into teams (tenant_id, id, region_id, name, manager_id) values ($1,$2,$3,$4,$5)', [
    tenantId,
    t.id,
    t.regionId,
    t.name,
    t.managerId ?? null,
  ]);
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  email?: string | null;
  phone?: string | null;
  regionId?: string | null;
  teamId?: string | null;
  managerId?: string | null;
  isMentor?: boolean;
  hiredOn?: string | null;
  passwordHash?: string | null;
}

export async function insertUser(db: Sql, tenantId: string, u: NewUser) {
  await db.query(
    `insert into users (tenant_id, id, username, display_name, role, email, phone, region_id, team_id, manager_id, is_mentor, hired_on, password_hash)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
    [
      tenantId,
      u.id,
      u.username,
      u.displayName,
      u.role,
      u.email ?? null,
      u.phone ?? null,
      u.regionId ?? null,
      u.teamId ?? null,
      u.managerId ?? null,
      u.isMentor ?? false,
      u.hiredOn ?? null,
      u.passwordHash ?? null,
    ],
  );
}

export async function updateUser(db: Sql, tenantId: string, id: string, version: number, set: Record<string, unknown>) {
  const cols = Object.keys(set);
  const params: unknown[] = [tenantId, id, version, ...Object.values(set)];
  const assign = cols.map((c, i) => `${c} = $${i + 4}`).join(', ');
  const r = await db.query<UserRow>(
    `update users set ${assign}${cols.length ? ',' : ''} version = version + 1, updated_at = now()
     where tenant_id = $1 and id = $2 and version = $3 returning *`,
    params,
  );
  return r.rows[0];
}
