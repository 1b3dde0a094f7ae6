// Who is acting, for which tenant, in which language — passed from routes to services.
import type { Locale } from './http/problem.js';
import type { RoleOverride } from './access/overrides.js';

export const ROLES = ['admin', 'director', 'manager', 'rep', 'bp', 'service', 'marketing', 'delivery', 'qa'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  tenantId: string;
  /** null only for system actors (jobs). */
  userId: string | null;
  kind: 'user' | 'token' | 'system';
  role: Role;
  teamId: string | null;
  regionId: string | null;
  displayName: string;
  isMentor: boolean;
  /** The tenant's per-role access adjustments for this actor's role (C4), loaded per request. */
  overrides?: RoleOverride;
}

export interface Ctx {
  actor: Actor;
  requestId: string;
  locale: Locale;
  ip?: string;
}

export function systemCtx(tenantId: string, requestId = 'system'): Ctx {
  return {
    actor: { tenantId, userId: null, kind: 'system', role: 'admin', teamId: null, regionId: null, displayName: 'system', isMentor: false },
    requestId,
    locale: 'zh-CN',
  };
}
