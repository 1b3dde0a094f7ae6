// SQL for sessions, API tokens and login attempts.
import type { Sql } from '../db/db.js';

export interface SessionRow {
  tenant_id: string;
  id: string;
  user_id: string;
  csrf_token: string;
  expires_at: Date;
  last_seen_at: Date;
}

export async function insertSession(
  db: Sql,
  s: { tenantId: string; id: string; userId: string; csrfToken: string; expiresAt: Date; ip?: string; userAgent?: string },
) {
  await db.query(
    'insert into sessions (tenant_id, id, user_id, csrf_token, expires_at, ip, user_agent) values ($1,$2,$3,$4,$5,$6,$7)',
    [s.tenantId, s.id, s.userId, s.csrfToken, s.expiresAt, s.ip ?? null, s.userAgent ?? null],
  );
}

export const sessionById = async (db: Sql, tenantId: string, id: string) =>
  (await db.query<SessionRow>('select * from sessions where tenant_id = $1 and id = $2', [tenantId, id])).rows[0];

export const touchSession = (db: Sql, tenantId: string, id: string, expiresAt: Date) =>
  db.query('update sessions set last_seen_at = now(), expires_at = $3 where tenant_id = $1 and id = $2', [tenantId, id, expiresAt]);

export const deleteSession = (db: Sql, tenantId: string, id: string) => db.query('delete from sessions where tenant_id = $1 and id = $2', [tenantId, id]);

export const deleteUserSessions = (db: Sql, tenantId: string, userId: string) =>
  db.query('delete from sessions where tenant_id = $1 and user_id = $2', [tenantId, userId]);

export interface TokenRow {
  tenant_id: string;
  id: string;
  user_id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export const tokenByHash = async (db: Sql, tenantId: string, hash: string) =>
  (await db.query<TokenRow>('select * from api_tokens where tenant_id = $1 and token_hash = $2', [tenantId, hash])).rows[0];

export const touchToken = (db: Sql, tenantId: string, id: string) =>
  db.query('update api_tokens set last_used_at = now() where tenant_id = $1 and id = $2', [tenantId, id]);

export async function insertToken(db: Sql, t: { tenantId: string; id: string; userId: string; name: string; role: string; hash: string; prefix: string; expiresAt: Date | null }) {
  const r = await db.query<TokenRow>(
    `insert into api_tokens (tenant_id, id, user_id, name, role, token_hash, prefix, expires_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8) returning *`,
    [t.tenantId, t.id, t.userId, t.name, t.role, t.hash, t.prefix, t.expiresAt],
  );
  return r.rows[0];
}

export async function listTokens(db: Sql, tenantId: string, userId: string | null) {
  const r = await db.query<TokenRow>(
    `select * from api_tokens where tenant_id = $1 and ($2::uuid is null or user_id = $2) and revoked_at is null order by created_at desc`,
    [tenantId, userId],
  );
  return r.rows;
}

export const tokenById = async (db: Sql, tenantId: string, id: string) =>
  (await db.query<TokenRow>('select * from api_tokens where tenant_id = $1 and id = $2', [tenantId, id])).rows[0];

export const revokeToken = (db: Sql, tenantId: string, id: string) =>
  db.query('update api_tokens set revoked_at = now() where tenant_id = $1 and id = $2 and revoked_at is null', [tenantId, id]);

export interface AttemptRow {
  failures: number;
  window_start: Date;
  locked_until: Date | null;
}

export const attemptFor = async (db: Sql, tenantId: string, username: string) =>
  (await db.query<AttemptRow>('select failures, window_start, locked_until from login_attempts where tenant_id = $1 and username = $2', [tenantId, username]))
    .rows[0];

export async function recordFailure(db: Sql, tenantId: string, username: string, now: Date, windowMinutes: number, max: number, lockMinutes: number) {
  const r = await db.query<AttemptRow>(
    `insert into login_attempts (tenant_id, username, failures, window_start) values ($1, $2, 1, $3)
     on conflict (tenant_id, username) do update set
       failures = case when login_attempts.window_start < $3::timestamptz - make_interval(mins => $4) then 1 else login_attempts.failures + 1 end,
       window_start = case when login_attempts.window_start < $3::timestamptz - make_interval(mins => $4) then $3 else login_attempts.window_start end
     returning failures, window_start, locked_until`,
    [tenantId, username, now, windowMinutes],
  );
  const row = r.rows[0];
  if (row.failures >= max) {
    const until = new Date(now.getTime() + lockMinutes * 60_000);
    await db.query('update login_attempts set locked_until = $3, failures = 0, window_start = $4 where tenant_id = $1 and username = $2', [
      tenantId,
      username,
      until,
      now,
    ]);
    return { ...row, locked_until: until };
  }
  return row;
}

export const clearAttempts = (db: Sql, tenantId: string, username: string) =>
  db.query('delete from login_attempts where tenant_id = $1 and username = $2', [tenantId, username]);
