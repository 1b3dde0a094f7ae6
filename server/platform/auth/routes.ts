// Login, logout, the current user, and personal API tokens.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../deps.js';
import { ROLES, type Role } from '../context.js';
import { Problem, registerMessages } from '../http/problem.js';
import { abilitySummary, defineAbilityFor, requireAbility, requireRecord } from '../access/abilities.js';
import { writeAudit } from '../audit/audit.js';
import { verifyPassword } from './passwords.js';
import { CSRF_COOKIE, SESSION_COOKIE, sha256 } from './plugin.js';
import * as store from './store.js';
import * as org from '../../modules/org/store.js';
import { presentUser } from '../../modules/org/present.js';

registerMessages({
  token_role_not_allowed: {
    'zh-CN': '令牌只能绑定你自己的角色（{role}）；管理员可绑定任意角色',
    'en-US': 'A token can only be bound to your own role ({role}); administrators may bind any role',
  },
});

const LOGIN_WINDOW_MINUTES = 15;
/** Per-IP limit on login attempts per minute, in memory (the per-account lock-out is in the database). */
function ipLimiter(limit: number) {
  const hits = new Map<string, { n: number; reset: number }>();
  return (ip: string, now: number): number | null => {
    const cur = hits.get(ip);
    if (!cur || cur.reset < now) {
      hits.set(ip, { n: 1, reset: now + 60_000 });
      if (hits.size > 10_000) for (const [k, v] of hits) if (v.reset < now) hits.delete(k);
      return null;
    }
    cur.n++;
    return cur.n > limit ? Math.ceil((cur.reset - now) / 1000) : null;
  };
}

const Login = z.object({ tenant: z.string().trim().min(1).max(64), username: z.string().trim().min(1).max(64), password: z.string().min(1).max(256) }).strict();

const Me = z.object({
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.string(),
    teamId: z.string().nullable(),
    regionId: z.string().nullable(),
    isMentor: z.boolean(),
    locale: z.string(),
  }),
  tenant: z.object({ id: z.string(), slug: z.string(), name: z.string(), timeZone: z.string() }),
  abilities: z.record(z.string(), z.array(z.string())),
  csrfToken: z.string().nullable(),
  via: z.enum(['user', 'token']),
});

const TokenOut = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  prefix: z.string(),
  createdAt: z.date(),
  expiresAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
});
const presentToken = (t: store.TokenRow) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  prefix: t.prefix,
  createdAt: t.created_at,
  expiresAt: t.expires_at,
  lastUsedAt: t.last_used_at,
});

export async function authRoutes(app: App, deps: Deps) {
  const { db, settings, now } = deps;
  const cookieOpts = { path: '/', sameSite: 'strict' as const, secure: settings.cookieSecure };
  const hitIp = ipLimiter(settings.loginIpLimitPerMinute);

  app.post(
    '/auth/login',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: '登录 Sign in', body: Login, response: { 200: Me } },
    },
    async (req, reply) => {
      const retry = hitIp(req.ip, now().getTime());
      if (retry) throw new Problem(429, 'rate_limited', { seconds: retry });
      const { tenant: slug, username, password } = req.body;
      const tenant = await org.tenantBySlug(db, slug.toLowerCase());
      if (!tenant) {
        await verifyPassword(null, password);
        throw new Problem(401, 'login_failed');
      }
      const attempt = await store.attemptFor(db, tenant.id, username);
      if (attempt?.locked_until && attempt.locked_until > now()) {
        throw new Problem(423, 'login_locked', { until: attempt.locked_until.toISOString() }, { lockedUntil: attempt.locked_until.toISOString() });
      }
      const user = await org.userByUsername(db, tenant.id, username);
      const ok = (await verifyPassword(user?.password_hash ?? null, password)) && user?.active;
      if (!ok || !user) {
        const a = await store.recordFailure(db, tenant.id, username, now(), LOGIN_WINDOW_MINUTES, settings.loginMaxFailures, settings.loginLockMinutes);
        if (a.locked_until && a.locked_until > now()) {
          throw new Problem(423, 'login_locked', { until: a.locked_until.toISOString() }, { lockedUntil: a.locked_until.toISOString() });
        }
        throw new Problem(401, 'login_failed');
      }
      const secret = crypto.randomBytes(32).toString('base64url');
      const csrf = crypto.randomBytes(24).toString('base64url');
      const ctx = {
        actor: { tenantId: tenant.id, userId: user.id, kind: 'user' as const, role: user.role as Role, teamId: user.team_id, regionId: user.region_id, displayName: user.display_name, isMentor: user.is_mentor },
        requestId: req.id,
        locale: req.locale,
        ip: req.ip,
      };
      await db.transaction(async (tx) => {
        await store.clearAttempts(tx, tenant.id, username);
        await store.insertSession(tx, {
          tenantId: tenant.id,
          id: sha256(secret),
          userId: user.id,
          csrfToken: csrf,
          expiresAt: new Date(now().getTime() + settings.sessionTtlHours * 3_600_000),
          ip: req.ip,
          userAgent: req.headers['user-agent'],
        });
        await writeAudit(tx, ctx, { action: 'auth.login', resource: 'User', recordId: user.id });
      });
      reply.setCookie(SESSION_COOKIE, `${tenant.id}.${secret}`, { ...cookieOpts, httpOnly: true, maxAge: settings.sessionTtlHours * 3600 });
      reply.setCookie(CSRF_COOKIE, csrf, { ...cookieOpts, httpOnly: false, maxAge: settings.sessionTtlHours * 3600 });
      return {
        user: presentUser(user),
        tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, timeZone: tenant.time_zone },
        abilities: abilitySummary(defineAbilityFor(ctx.actor)),
        csrfToken: csrf,
        via: 'user' as const,
      };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: '退出 Sign out', response: { 204: z.null() } } },
    async (req, reply) => {
      if (req.sessionId) {
        await db.transaction(async (tx) => {
          await store.deleteSession(tx, req.ctx.actor.tenantId, req.sessionId!);
          await writeAudit(tx, req.ctx, { action: 'auth.logout', resource: 'User', recordId: req.ctx.actor.userId });
        });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(CSRF_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get('/auth/me', { schema: { tags: ['auth'], summary: '当前用户 Current user', response: { 200: Me } } }, async (req) => {
    const { tenantId, userId } = req.ctx.actor;
    const [user, tenant] = await Promise.all([org.userById(db, tenantId, userId!), org.tenantById(db, tenantId)]);
    const session = req.sessionId ? await store.sessionById(db, tenantId, req.sessionId) : undefined;
    return {
      user: { ...presentUser(user), role: req.ctx.actor.role },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, timeZone: tenant.time_zone },
      abilities: abilitySummary(req.ability),
      csrfToken: session?.csrf_token ?? null,
      via: req.ctx.actor.kind === 'token' ? ('token' as const) : ('user' as const),
    };
  });

  app.get('/me/tokens', { schema: { tags: ['auth'], summary: '我的 API 令牌 My API tokens', response: { 200: z.object({ items: z.array(TokenOut) }) } } }, async (req) => {
    requireAbility(req.ability, 'read', 'ApiToken');
    return { items: (await store.listTokens(db, req.ctx.actor.tenantId, req.ctx.actor.userId)).map(presentToken) };
  });

  app.post(
    '/me/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: '创建 API 令牌 Create an API token (shown once)',
        body: z.object({ name: z.string().trim().min(1).max(80), role: z.enum(ROLES).optional(), expiresInDays: z.number().int().min(1).max(3650).optional() }).strict(),
        response: { 201: TokenOut.extend({ token: z.string() }) },
      },
    },
    async (req, reply) => {
      requireAbility(req.ability, 'create', 'ApiToken');
      const { actor } = req.ctx;
      if (actor.kind === 'token') throw new Problem(403, 'forbidden');
      const role = req.body.role ?? actor.role;
      if (role !== actor.role && actor.role !== 'admin') throw new Problem(403, 'token_role_not_allowed', { role: actor.role });
      const secret = crypto.randomBytes(32).toString('base64url');
      const token = `tl_${actor.tenantId}_${secret}`;
      const row = await db.transaction(async (tx) => {
        const r = await store.insertToken(tx, {
          tenantId: actor.tenantId,
          id: crypto.randomUUID(),
          userId: actor.userId!,
          name: req.body.name,
          role,
          hash: sha256(secret),
          prefix: token.slice(0, 12) + '…' + secret.slice(-4),
          expiresAt: req.body.expiresInDays ? new Date(now().getTime() + req.body.expiresInDays * 86_400_000) : null,
        });
        await writeAudit(tx, req.ctx, { action: 'api_token.create', resource: 'ApiToken', recordId: r.id, after: { name: r.name, role } });
        return r;
      });
      return reply.status(201).send({ ...presentToken(row), token });
    },
  );

  app.delete(
    '/me/tokens/:id',
    { schema: { tags: ['auth'], summary: '吊销令牌 Revoke a token', params: z.object({ id: z.uuid() }), response: { 204: z.null() } } },
    async (req, reply) => {
      const { tenantId } = req.ctx.actor;
      await db.transaction(async (tx) => {
        const row = await store.tokenById(tx, tenantId, req.params.id);
        if (!row || row.revoked_at) throw new Problem(404, 'not_found');
        requireRecord(req.ability, 'delete', 'ApiToken', { id: row.id, userId: row.user_id });
        await store.revokeToken(tx, tenantId, row.id);
        await writeAudit(tx, req.ctx, { action: 'api_token.revoke', resource: 'ApiToken', recordId: row.id, before: { name: row.name, role: row.role } });
      });
      return reply.status(204).send(null);
    },
  );
}

