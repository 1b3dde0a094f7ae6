// Per-role adjustments of the default access matrix (C4: "configurable per role"). An admin
// proposes them as the versioned rule `access.roleOverrides`; a director and an admin sign off
// (X2) before they apply. For a role and a resource an override can change the scope of an
// action (or take the action away), mask more fields, or hide fields entirely. The admin role
// itself cannot be changed, so no configuration can lock the administrators out.
import { z } from 'zod';
import { defineConfigKey } from '../config/registry.js';
import { ROLES } from '../context.js';
import { ACTIONS, POLICIES, type Action, type Grant, type Resource, type Scope } from './policies.js';

const SCOPES = ['own', 'team', 'region', 'all', 'none'] as const;
const FieldName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,59}$/, 'a field name such as mobile');

const ResourceOverride = z
  .object({
    /** action → scope, or 'none' to take the action away. */
    actions: z.partialRecord(z.enum(ACTIONS), z.enum(SCOPES)).optional(),
    /** Fields read only masked (in addition to the defaults). */
    masked: z.array(FieldName).max(60).optional(),
    /** Fields not readable at all. */
    hidden: z.array(FieldName).max(60).optional(),
  })
  .strict();
export type ResourceOverride = z.infer<typeof ResourceOverride>;

const OVERRIDABLE_ROLES = ROLES.filter((r) => r !== 'admin');
const RESOURCE_NAMES = Object.keys(POLICIES) as [Resource, ...Resource[]];

export const RoleOverrides = z
  .partialRecord(z.enum(OVERRIDABLE_ROLES as [string, ...string[]]), z.partialRecord(z.enum(RESOURCE_NAMES), ResourceOverride))
  .superRefine((v, ctx) => {
    for (const [role, byResource] of Object.entries(v)) {
      for (const [resource, o] of Object.entries(byResource ?? {})) {
        const fields = POLICIES[resource as Resource].scopeFields as { own?: string; team?: string; region?: string };
        for (const [action, scope] of Object.entries(o?.actions ?? {})) {
          if (scope === 'own' || scope === 'team' || scope === 'region') {
            if (!fields[scope]) ctx.addIssue({ code: 'custom', path: [role, resource, 'actions', action], message: `${resource} has no ${scope} scope` });
          }
        }
      }
    }
  });
export type RoleOverrides = z.infer<typeof RoleOverrides>;
export type RoleOverride = Partial<Record<Resource, ResourceOverride>>;

export const ACCESS_ROLE_OVERRIDES = defineConfigKey({
  key: 'access.roleOverrides',
  title: { 'zh-CN': '按角色调整数据权限', 'en-US': 'Per-role access adjustments' },
  description: {
    'zh-CN': '在默认权限矩阵之上按角色调整：某项操作的范围（本人/团队/区域/全部/无）、额外脱敏的字段、完全隐藏的字段。管理员角色不可调整。需管理员与业务负责人双签后生效。',
    'en-US': 'Adjust the default access matrix per role: the scope of an action (own/team/region/all/none), extra masked fields, hidden fields. The admin role cannot be changed. Takes effect after an administrator and a business owner sign off.',
  },
  schema: RoleOverrides,
  default: {},
  dualSignoff: true,
});

/** The grants of one role on one resource after its override (pure). */
export function applyOverride(
  grants: Partial<Record<Action, Scope | Grant>>,
  o: ResourceOverride | undefined,
): Partial<Record<Action, Grant>> {
  const out: Partial<Record<Action, Grant>> = {};
  for (const [a, g] of Object.entries(grants) as [Action, Scope | Grant][]) out[a] = typeof g === 'string' ? { scope: g } : { ...g };
  if (!o) return out;
  for (const [a, scope] of Object.entries(o.actions ?? {}) as [Action, (typeof SCOPES)[number]][]) {
    if (scope === 'none') delete out[a];
    else out[a] = { ...(out[a] ?? {}), scope };
  }
  const read = out.read;
  if (read) {
    const hidden = new Set(o.hidden ?? []);
    const masked = new Set([...(read.masked ?? []), ...(o.masked ?? [])].filter((f) => !hidden.has(f)));
    if (masked.size) read.masked = [...masked];
    if (hidden.size) read.hidden = [...hidden];
  }
  return out;
}
