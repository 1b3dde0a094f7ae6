// The one ability layer: every service asks it before reading or writing, per record and
// per field. Built with CASL from the policy matrix; narrowed into SQL by sql.ts.
import { AbilityBuilder, createMongoAbility, subject as tag, type MongoAbility } from '@casl/ability';
import type { Actor } from '../context.js';
import { Problem } from '../http/problem.js';
import { POLICIES, type Action, type Grant, type Resource, type Scope } from './policies.js';
import { maskValue } from './mask.js';
import { applyOverride } from './overrides.js';

export type AppAbility = MongoAbility;

function conditionFor(resource: Resource, scope: Scope, actor: Actor): Record<string, unknown> | null | undefined {
  const f = POLICIES[resource].scopeFields as { own?: string; team?: string; region?: string };
  const none = '00000000-0000-0000-0000-000000000000'; // matches nothing: actor lacks that unit
  switch (scope) {
    case 'all':
      return undefined;
    case 'own':
      return f.own ? { [f.own]: actor.userId ?? none } : null;
    case 'team':
      return f.team ? { [f.team]: actor.teamId ?? none } : null;
    case 'region':
      return f.region ? { [f.region]: actor.regionId ?? none } : null;
  }
}

const asGrant = (g: Scope | Grant): Grant => (typeof g === 'string' ? { scope: g } : g);

export function defineAbilityFor(actor: Actor): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  for (const resource of Object.keys(POLICIES) as Resource[]) {
    const defaults = (POLICIES[resource].grants as Record<string, Partial<Record<Action, Scope | Grant>>>)[actor.role] ?? {};
    const grants = actor.role === 'admin' ? defaults : applyOverride(defaults, actor.overrides?.[resource]);
    for (const [action, raw] of Object.entries(grants)) {
      const g = asGrant(raw!);
      const cond = conditionFor(resource, g.scope, actor);
      if (cond === null) throw new Error(`policy ${resource}.${action} uses scope ${g.scope} but the resource has no such field`);
      if (g.fields) can(action, resource, [...g.fields, 'id'], cond);
      else can(action, resource, cond);
      if (action === 'read' && g.masked?.length) {
        cannot('read', resource, [...g.masked]);
        can('read_masked', resource, [...g.masked], cond);
      }
    }
    // Hidden fields (per-role overrides) come last: CASL lets a later rule win. A field one may
    // not see is not one to write either.
    const hidden = grants.read && typeof grants.read !== 'string' ? grants.read.hidden : undefined;
    if (hidden?.length) for (const a of ['read', 'read_masked', 'create', 'update']) cannot(a, resource, [...hidden]);
  }
  return build();
}

export const subject = (resource: Resource, record: Record<string, unknown>) => tag(resource, { ...record }) as any;

/** Route-level check: may this actor do the action on some record of this type? 403 if not. */
export function requireAbility(ability: AppAbility, action: Action, resource: Resource): void {
  if (!ability.can(action, resource)) throw new Problem(403, 'forbidden');
}

/**
 * Record-level check. A record the actor may not even read answers 404 (its existence is
 * not revealed); one it may read but not change answers 403.
 */
export function requireRecord(ability: AppAbility, action: Action, resource: Resource, record: Record<string, unknown>): void {
  const s = subject(resource, record);
  if (ability.can(action, s)) return;
  if (action !== 'read' && ability.can('read', s)) throw new Problem(403, 'forbidden');
  throw new Problem(404, 'not_found');
}

/** Refuses a write that touches a field this actor may not write on this record. */
export function requireWritableFields(
  ability: AppAbility,
  action: 'create' | 'update',
  resource: Resource,
  record: Record<string, unknown>,
  changed: string[],
): void {
  const s = subject(resource, record);
  const refused = changed.filter((f) => !ability.can(action, s, f));
  if (refused.length) throw new Problem(403, 'forbidden_fields', { fields: refused.join(', ') }, { fields: refused });
}

export interface RecordAbilities {
  update: boolean;
  delete: boolean;
  /** Fields the UI may offer for editing. */
  writable: string[];
  /** Fields that arrive masked. */
  masked: string[];
}

/**
 * Output filter: drops fields the actor may not read, masks masked ones, and attaches the
 * record's abilities so the UI hides what the server would refuse. Returns the fields that
 * were shown unmasked and are sensitive (for the audit log).
 */
export function presentFor<T extends { id: string }>(
  ability: AppAbility,
  resource: Resource,
  record: T,
): { value: Partial<T> & { id: string; _abilities: RecordAbilities }; sensitiveShown: string[] } {
  const s = subject(resource, record);
  const out: Record<string, unknown> = { id: record.id };
  const masked: string[] = [];
  const sensitiveShown: string[] = [];
  const sensitive = POLICIES[resource].sensitive as readonly string[];
  for (const [k, v] of Object.entries(record)) {
    if (ability.can('read', s, k)) {
      out[k] = v;
      if (sensitive.includes(k) && v !== null && v !== undefined && v !== '') sensitiveShown.push(k);
    } else if (ability.can('read_masked', s, k)) {
      out[k] = maskValue(k, v);
      masked.push(k);
    }
  }
  const writable = Object.keys(record).filter((k) => ability.can('update', s, k) && k !== 'id');
  out._abilities = {
    update: ability.can('update', s),
    delete: ability.can('delete', s),
    writable,
    masked,
  } satisfies RecordAbilities;
  return { value: out as Partial<T> & { id: string; _abilities: RecordAbilities }, sensitiveShown };
}

/** What the UI shows in navigation: per resource, the actions this role has at all. */
export function abilitySummary(ability: AppAbility): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const resource of Object.keys(POLICIES) as Resource[]) {
    const acts = (['read', 'create', 'update', 'delete', 'export', 'approve', 'run'] as const).filter((a) => ability.can(a, resource));
    if (acts.length) out[resource] = acts;
  }
  return out;
}
