// The access matrix for the admin screen (C4): the default grants per role and resource, the
// tenant's signed-off adjustments, and what applies after them. Changing it goes through the
// configuration workflow (`access.roleOverrides`, two sign-offs).
import { z } from 'zod';
import type { App } from '../../app.js';
import type { Deps } from '../deps.js';
import { ROLES, type Role } from '../context.js';
import { requireAbility } from './abilities.js';
import { ACCESS_ROLE_OVERRIDES, applyOverride } from './overrides.js';
import { ACTIONS, POLICIES, type Action, type Grant, type Resource, type Scope } from './policies.js';

const Fields = z.array(z.string()).readonly().optional();
const GrantOut = z.object({ scope: z.string(), fields: Fields, masked: Fields, hidden: Fields });
const Matrix = z.record(z.string(), z.record(z.string(), z.record(z.string(), GrantOut)));

function matrix(pick: (role: Role, resource: Resource, grants: Partial<Record<Action, Scope | Grant>>) => Partial<Record<Action, Grant>>) {
  const out: Record<string, Record<string, Record<string, Grant>>> = {};
  for (const role of ROLES) {
    out[role] = {};
    for (const resource of Object.keys(POLICIES) as Resource[]) {
      const grants = (POLICIES[resource].grants as Record<string, Partial<Record<Action, Scope | Grant>>>)[role] ?? {};
      out[role][resource] = pick(role, resource, grants) as Record<string, Grant>;
    }
  }
  return out;
}

export async function accessRoutes(app: App, { config }: Deps) {
  app.get(
    '/admin/access',
    {
      schema: {
        tags: ['admin'],
        summary: '权限矩阵 Access matrix: defaults, per-role adjustments and the result',
        response: {
          200: z.object({
            roles: z.array(z.string()),
            actions: z.array(z.string()),
            resources: z.array(z.object({ name: z.string(), scopes: z.array(z.string()), sensitive: z.array(z.string()) })),
            defaults: Matrix,
            overrides: z.unknown(),
            overridesVersion: z.number(),
            effective: Matrix,
          }),
        },
      },
    },
    async (req) => {
      requireAbility(req.ability, 'read', 'Config');
      const active = await config.get(req.ctx.actor.tenantId, ACCESS_ROLE_OVERRIDES);
      const overrides = active.value;
      return {
        roles: [...ROLES],
        actions: [...ACTIONS],
        resources: (Object.keys(POLICIES) as Resource[]).map((name) => ({
          name,
          scopes: ['all', ...Object.keys(POLICIES[name].scopeFields)],
          sensitive: [...POLICIES[name].sensitive],
        })),
        defaults: matrix((_role, _resource, grants) => applyOverride(grants, undefined)),
        overrides,
        overridesVersion: active.version,
        effective: matrix((role, resource, grants) => (role === 'admin' ? applyOverride(grants, undefined) : applyOverride(grants, overrides[role]?.[resource]))),
      };
    },
  );
}
