// The default access matrix: for each resource, which role may do which action on which
// records (scope) and which fields it may read, write, or see only masked.
// Data, not code paths: abilities.ts turns it into CASL rules; admins will be able to
// override per role (C4) through configuration.
import type { Role } from '../context.js';

export type Scope = 'own' | 'team' | 'region' | 'all';
export const ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'approve', 'run'] as const;
export type Action = (typeof ACTIONS)[number];

export interface Grant {
  scope: Scope;
  /** Fields this grant covers (read: readable; create/update: writable). Default: all. */
  fields?: readonly string[];
  /** For read: fields that leave the service masked (exports use the read rules too). */
  masked?: readonly string[];
  /** For read: fields that never leave the service (set by per-role overrides, C4). */
  hidden?: readonly string[];
}

export interface ResourcePolicy {
  /** Record fields that decide scope; absent → that scope is not meaningful. */
  scopeFields: { own?: string; team?: string; region?: string };
  /** Fields whose unmasked read is logged (X1). */
  sensitive: readonly string[];
  grants: Partial<Record<Role, Partial<Record<Action, Scope | Grant>>>>;
}

const CUSTOMER_WRITABLE_BY_REP = [
  'name', 'contactName', 'mobile', 'industry', 'stage', 'province', 'city', 'address', 'lat', 'lng', 'tags', 'kind', 'creditCode',
] as const;
const CUSTOMER_PII = ['mobile', 'contactName'] as const;

export const POLICIES = {
  Customer: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: CUSTOMER_PII,
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', delete: 'all', export: 'all' },
      director: { read: 'region', create: 'region', update: 'region', export: 'region' },
      manager: { read: 'team', create: 'team', update: 'team', export: 'team' },
      rep: {
        read: 'own',
        create: { scope: 'own', fields: [...CUSTOMER_WRITABLE_BY_REP, 'tier', 'ownerId', 'teamId', 'regionId'] },
        update: { scope: 'own', fields: CUSTOMER_WRITABLE_BY_REP },
        export: 'own',
      },
      bp: { read: { scope: 'region', masked: CUSTOMER_PII } },
      service: { read: 'all' },
      // C4: marketing sees de-identified records only: names, phones, contacts, codes and addresses masked.
      marketing: {
        read: { scope: 'all', masked: ['name', 'mobile', 'contactName', 'creditCode', 'address'] },
        export: 'all', // exported rows go through the same read rules, so they leave masked
      },
      delivery: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  Opportunity: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', delete: 'all', export: 'all' },
      director: { read: 'region', create: 'region', update: 'region', export: 'region' },
      manager: { read: 'team', create: 'team', update: 'team', export: 'team' },
      rep: { read: 'own', create: 'own', update: 'own', export: 'own' },
      service: { read: 'all' },
      delivery: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  Visit: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', export: 'all' },
      director: { read: 'region', export: 'region' },
      manager: { read: 'team', export: 'team' },
      rep: { read: 'own', create: 'own', export: 'own' },
      bp: { read: 'region' },
      qa: { read: 'all' },
    },
  },
  User: {
    scopeFields: { own: 'id', team: 'teamId', region: 'regionId' },
    sensitive: ['phone', 'email'],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', delete: 'all', export: 'all' },
      director: { read: 'region' },
      manager: { read: 'team' },
      rep: { read: 'own' },
      bp: { read: 'region' },
      service: { read: 'own' },
      marketing: { read: 'own' },
      delivery: { read: 'own' },
      qa: { read: 'own' },
    },
  },
  OrgUnit: {
    scopeFields: {},
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all' },
      director: { read: 'all' },
      manager: { read: 'all' },
      rep: { read: 'all' },
      bp: { read: 'all' },
      service: { read: 'all' },
      marketing: { read: 'all' },
      delivery: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  AuditLog: {
    scopeFields: {},
    sensitive: [],
    grants: { admin: { read: 'all', export: 'all' } },
  },
  Config: {
    scopeFields: {},
    sensitive: [],
    // Proposing a change is 'update'; signing off is 'approve' (admin as administrator,
    // director as business owner: the two sign-offs of G7).
    grants: {
      admin: { read: 'all', update: 'all', approve: 'all' },
      director: { read: 'all', update: 'all', approve: 'all' },
      manager: { read: 'all' },
      bp: { read: 'all' },
    },
  },
  JobRun: {
    scopeFields: {},
    sensitive: [],
    grants: { admin: { read: 'all', run: 'all' } },
  },
  ApiToken: {
    scopeFields: { own: 'userId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'own', delete: 'all' },
      director: { read: 'own', create: 'own', delete: 'own' },
      manager: { read: 'own', create: 'own', delete: 'own' },
      rep: { read: 'own', create: 'own', delete: 'own' },
      bp: { read: 'own', create: 'own', delete: 'own' },
      service: { read: 'own', create: 'own', delete: 'own' },
      marketing: { read: 'own', create: 'own', delete: 'own' },
      delivery: { read: 'own', create: 'own', delete: 'own' },
      qa: { read: 'own', create: 'own', delete: 'own' },
    },
  },
  Notification: {
    scopeFields: { own: 'userId' },
    sensitive: [],
    grants: Object.fromEntries(
      (['admin', 'director', 'manager', 'rep', 'bp', 'service', 'marketing', 'delivery', 'qa'] as const).map((r) => [r, { read: 'own', update: 'own' }]),
    ),
  },
  NotificationChannel: {
    scopeFields: {},
    sensitive: ['webhookUrl', 'secret'],
    grants: { admin: { read: 'all', create: 'all', update: 'all', delete: 'all' } },
  },
  File: {
    scopeFields: {},
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all' },
      director: { read: 'all', create: 'all' },
      manager: { read: 'all', create: 'all' },
      rep: { read: 'all', create: 'all' },
      bp: { read: 'all', create: 'all' },
      service: { read: 'all', create: 'all' },
      marketing: { read: 'all', create: 'all' },
      delivery: { read: 'all', create: 'all' },
      qa: { read: 'all', create: 'all' },
    },
  },
} satisfies Record<string, ResourcePolicy>;

export type Resource = keyof typeof POLICIES;
export const RESOURCES = Object.keys(POLICIES) as Resource[];
