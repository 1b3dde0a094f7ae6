// Resolves who is calling (session cookie or personal API token), enforces CSRF on
// cookie-authenticated writes, and gives every /api/v1 request its Ctx and ability.
import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import type { Ctx, Role } from '../context.js';
import { Problem } from '../http/problem.js';
import { defineAbilityFor, type AppAbility } from '../access/abilities.js';
import { ACCESS_ROLE_OVERRIDES, type RoleOverride } from '../access/overrides.js';
import * as store from './store.js';
import * as org from '../../modules/org/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
    ability: AppAbility;
    sessionId?: string;
  }
  interface FastifyContextConfig {
    public?: boolean;
  }
}

export const SESSION_COOKIE = 'tl_session';
export const CSRF_COOKIE = 'tl_csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

/** Cookie value `${tenantId}.${secret}`; token `tl_${tenantId}_${secret}`. Both carry the tenant so lookups use the tenant key. */
export function parseSessionCookie(v: string | undefined): { tenantId: string; secret: string } | null {
  const m = v && /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32,})$/.exec(v);
  return m ? { tenantId: m[1], secret: m[2] } : null;
}

export function parseToken(header: string | undefined): { tenantId: string; secret: string } | null {
  const m = header && /^Bearer\s+tl_([0-9a-f-]{36})_([A-Za-z0-9_-]{32,})$/.exec(header.trim());
  return m ? { tenantId: m[1], secret: m[2] } : null;
}

function safeEqual(a: string, b: string) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

async function authenticate(req: FastifyRequest, deps: Deps): Promise<Ctx | null> {
  const { db, now } = deps;
  const token = parseToken(req.headers.authorization);
  if (req.headers.authorization && !token) throw new Problem(401, 'unauthenticated');
  if (token) {
    const row = await store.tokenByHash(db, token.tenantId, sha256(token.secret));
    if (!row || row.revoked_at || (row.expires_at && row.expires_at < now())) throw new Problem(401, 'unauthenticated');
    const user = await org.userById(db, token.tenantId, row.user_id);
    if (!user || !user.active) throw new Problem(401, 'unauthenticated');
    void store.touchToken(db, token.tenantId, row.id).catch(() => undefined);
    return ctxFor(req, user, row.role as Role, 'token');
  }
  const cookie = parseSessionCookie(req.cookies[SESSION_COOKIE]);
  if (!cookie) return null;
  const id = sha256(cookie.secret);
  const session = await store.sessionById(db, cookie.tenantId, id);
  if (!session || session.expires_at < now()) return null;
  if (!SAFE.has(req.method)) {
    const sent = String(req.headers['x-csrf-token'] ?? '');
    if (!sent || !safeEqual(sent, session.csrf_token)) throw new Problem(403, 'csrf_failed');
  }
  const user = await org.userById(db, cookie.tenantId, session.user_id);
  if (!user || !user.active) return null;
  // Sliding expiry, written at most once a minute per session.
  if (now().getTime() - new Date(session.last_seen_at).getTime() > 60_000) {
    await store.touchSession(db, cookie.tenantId, id, new Date(now().getTime() + deps.settings.sessionTtlHours * 3_600_000));
  }
  req.sessionId = id;
  return ctxFor(req, user, user.role as Role, 'user');
}

function ctxFor(req: FastifyRequest, user: org.UserRow, role: Role, kind: 'user' | 'token'): Ctx {
  return {
    actor: {
      tenantId: user.tenant_id,
      userId: user.id,
      kind,
      role,
      teamId: user.team_id,
      regionId: user.region_id,
      displayName: user.display_name,
      isMentor: user.is_mentor,
    },
    requestId: req.id,
    locale: req.locale,
    ip: req.ip,
  };
}

export const authPlugin = fp(async (app: FastifyInstance, { deps }: { deps: Deps }) => {
  app.decorateRequest('ctx', null as unknown as Ctx);
  app.decorateRequest('ability', null as unknown as AppAbility);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/v1/')) return;
    if (req.routeOptions.config?.public || req.routeOptions.url === undefined) return; // public route, or 404
    const ctx = await authenticate(req, deps);
    if (!ctx) throw new Problem(401, 'unauthenticated');
    if (ctx.actor.role !== 'admin') {
      // C4: the tenant's signed-off per-role adjustments of the access matrix apply to every call.
      const overrides = await deps.config.value(ctx.actor.tenantId, ACCESS_ROLE_OVERRIDES);
      const mine = overrides[ctx.actor.role];
      if (mine && Object.keys(mine).length) ctx.actor.overrides = mine as RoleOverride;
    }
    req.ctx = ctx;
    req.ability = defineAbilityFor(ctx.actor);
    req.log = req.log.child({ tenantId: ctx.actor.tenantId, userId: ctx.actor.userId });
  });
});
