// Organisation and identity use cases (X1): regions, teams with reporting lines, users.
import crypto from 'node:crypto';
import type { Db, Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import { accessWhere } from '../../platform/access/sql.js';
import { presentFor, requireAbility, requireRecord, requireWritableFields } from '../../platform/access/abilities.js';
import { Problem, registerMessages, versionConflict } from '../../platform/http/problem.js';
import { writeAudit, diff } from '../../platform/audit/audit.js';
import { defineAbilityFor } from '../../platform/access/abilities.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import * as store from './store.js';

registerMessages({
  username_taken: { 'zh-CN': '用户名 {username} 已存在', 'en-US': 'Username {username} is already taken' },
  unknown_team: { 'zh-CN': '团队不存在', 'en-US': 'No such team' },
});

const USER_COLUMNS = { id: 'id', teamId: 'team_id', regionId: 'region_id' };

export function userRecord(u: store.UserRow) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    email: u.email,
    phone: u.phone,
    role: u.role,
    regionId: u.region_id,
    teamId: u.team_id,
    managerId: u.manager_id,
    isMentor: u.is_mentor,
    hiredOn: u.hired_on,
    active: u.active,
    version: u.version,
  };
}

export async function listUsers(db: Db, ctx: Ctx, f: { q?: string; role?: string; teamId?: string; regionId?: string; page: number; pageSize: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'User');
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'User', USER_COLUMNS, params);
  // store.listUsers numbers its own params after tenantId: shift ours by one.
  const shifted = sql.replace(/\$(\d+)/g, (_, n) => `$${Number(n) + 1}`);
  const { rows, total } = await store.listUsers(db, ctx.actor.tenantId, { sql: shifted, params }, { ...f, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
  return { items: rows.map((u) => presentFor(ability, 'User', userRecord(u)).value), total, page: f.page, pageSize: f.pageSize };
}

/** Display names for ids, without access narrowing: names of colleagues are shown on records the actor may already read. */
export async function namesOf(db: Db, tenantId: string, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const uniq = [...new Set(ids.filter((x): x is string => !!x))];
  const rows = await store.usersByIds(db, tenantId, uniq);
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** Active users holding one of these roles (for notifying a department, e.g. all service staff). */
export async function activeUserIdsByRole(db: Sql, tenantId: string, roles: readonly string[]): Promise<{ id: string; role: string }[]> {
  const r = await db.query<{ id: string; role: string }>('select id, role from users where tenant_id = $1 and active and role = any($2::text[]) order by username', [tenantId, [...roles]]);
  return r.rows;
}

/** The tenant's time zone (business periods are computed in it). */
export async function tenantTimeZone(db: Sql, tenantId: string): Promise<string> {
  return (await store.tenantById(db, tenantId))?.time_zone ?? 'Asia/Shanghai';
}

export async function orgUnits(db: Db, tenantId: string) {
  const [regions, teams] = await Promise.all([store.listRegions(db, tenantId), store.listTeams(db, tenantId)]);
  return { regions, teams };
}

export async function createUser(
  db: Db,
  ctx: Ctx,
  input: { username: string; displayName: string; role: string; password: string; email?: string; phone?: string; teamId?: string | null; isMentor?: boolean },
) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'User');
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (await store.userByUsername(tx, ctx.actor.tenantId, input.username)) throw new Problem(409, 'username_taken', { username: input.username });
    let regionId: string | null = null;
    let managerId: string | null = null;
    if (input.teamId) {
      const team = (await store.listTeams(tx, ctx.actor.tenantId)).find((t) => t.id === input.teamId);
      if (!team) throw new Problem(400, 'unknown_team');
      regionId = team.region_id;
      managerId = input.role === 'manager' ? null : team.manager_id;
    }
    const id = crypto.randomUUID();
    await store.insertUser(tx, ctx.actor.tenantId, { id, ...input, regionId, managerId, passwordHash });
    const row = (await store.userById(tx, ctx.actor.tenantId, id))!;
    await writeAudit(tx, ctx, { action: 'user.create', resource: 'User', recordId: id, after: userRecord(row) });
    return presentFor(ability, 'User', userRecord(row)).value;
  });
}

const USER_FIELD_COLUMNS: Record<string, string> = {
  displayName: 'display_name',
  email: 'email',
  phone: 'phone',
  role: 'role',
  isMentor: 'is_mentor',
  active: 'active',
};

export async function updateUser(db: Db, ctx: Ctx, id: string, version: number, patch: Record<string, unknown>) {
  const ability = defineAbilityFor(ctx.actor);
  return db.transaction(async (tx) => {
    const row = await store.userById(tx, ctx.actor.tenantId, id);
    if (!row) throw new Problem(404, 'not_found');
    const before = userRecord(row);
    requireRecord(ability, 'update', 'User', before);
    requireWritableFields(ability, 'update', 'User', before, Object.keys(patch));
    if (row.version !== version) throw versionConflict(row.version, version);
    const set = Object.fromEntries(Object.entries(patch).map(([k, v]) => [USER_FIELD_COLUMNS[k], v]));
    const updated = await store.updateUser(tx, ctx.actor.tenantId, id, version, set);
    if (!updated) throw versionConflict(row.version + 1, version);
    const d = diff(before, userRecord(updated));
    await writeAudit(tx, ctx, { action: 'user.update', resource: 'User', recordId: id, ...d });
    return presentFor(ability, 'User', userRecord(updated)).value;
  });
}

/** A user's role and org units (for assigning records to an owner). */
export async function userUnits(db: Sql, tenantId: string, userId: string) {
  const u = await store.userById(db, tenantId, userId);
  return u ? { id: u.id, role: u.role, active: u.active, teamId: u.team_id, regionId: u.region_id } : undefined;
}
