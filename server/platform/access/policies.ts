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
  // C1: likely-duplicate pairs. A pair is listed only when both customers are readable (the
  // service narrows by Customer scope); merging also needs Customer update on both records.
  // Managers, directors and admins review; reps see their own pairs; 'run' starts a scan.
  DuplicateCandidate: {
    scopeFields: {},
    sensitive: [],
    grants: {
      admin: { read: 'all', update: 'all', run: 'all' },
      director: { read: 'all', update: 'all', run: 'all' },
      manager: { read: 'all', update: 'all', run: 'all' },
      rep: { read: 'all' },
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
      // C4: customer service reads sales commitments but never an unpublished (draft) quote.
      service: { read: { scope: 'all', hidden: ['draftQuote'] } },
      delivery: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  // C8: contracts (terms, prepayment, promised delivery milestones); scope follows the contract's owner.
  Contract: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', export: 'all' },
      director: { read: 'region', create: 'region', update: 'region', export: 'region' },
      manager: { read: 'team', create: 'team', update: 'team', export: 'team' },
      rep: { read: 'own', create: 'own', update: 'own' },
      service: { read: 'all' },
      delivery: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  // C7: delivery teams and their weekly capacity; sales read it to promise dates, delivery maintains it.
  DeliveryCalendar: {
    scopeFields: {},
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all' },
      director: { read: 'all' },
      manager: { read: 'all' },
      rep: { read: 'all' },
      service: { read: 'all' },
      delivery: { read: 'all', create: 'all', update: 'all' },
      qa: { read: 'all' },
    },
  },
  Visit: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', export: 'all' },
      director: { read: 'region', export: 'region' },
      // approve: mark an open objection of the team's visits as resolved (G2 objection closure).
      manager: { read: 'team', export: 'team', approve: 'team' },
      rep: { read: 'own', create: 'own', update: 'own', export: 'own' },
      bp: { read: 'region' },
      qa: { read: 'all' },
    },
  },
  // G1–G4: a target of a node (rep / team / region / company) and its attainment. Scope fields are
  // the node's: a company or region target has no rep, so a rep never sees it as their own.
  GoalTarget: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', delete: 'all', run: 'all' },
      director: { read: 'region', create: 'region', update: 'region' },
      manager: { read: 'team', update: 'team' },
      rep: { read: 'own', update: { scope: 'own', fields: ['acceptance', 'acceptanceReason'] } },
      bp: { read: 'region' },
    },
  },
  // G5: the rep writes the week's three actions; the manager marks support resources.
  WeeklyCanvas: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all' },
      director: { read: 'region' },
      manager: { read: 'team', update: { scope: 'team', fields: ['review'] } },
      rep: { read: 'own', create: 'own', update: { scope: 'own', fields: ['items'] } },
      bp: { read: 'region' },
    },
  },
  // G6: a rep asks to reset the month's process targets; the manager (or director) decides.
  ValveRequest: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', approve: 'all' },
      director: { read: 'region', approve: 'region' },
      manager: { read: 'team', approve: 'team' },
      rep: { read: 'own', create: 'own' },
      bp: { read: 'region' },
    },
  },
  // G8: the monthly goal-health report; a regional director reads their region's.
  GoalReport: {
    scopeFields: { region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', run: 'all' },
      director: { read: 'region' },
      bp: { read: 'region' },
    },
  },
  // P8: batch fabrication flags on a rep's records. Reps do not see the detectors' findings.
  ProcessFlag: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', run: 'all' },
      director: { read: 'region' },
      manager: { read: 'team' },
      bp: { read: 'region' },
      qa: { read: 'all' },
    },
  },
  // P6: a rep's daily red/yellow light; the rep sees their own.
  ProcessLight: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', run: 'all' },
      director: { read: 'region' },
      manager: { read: 'team' },
      rep: { read: 'own' },
      bp: { read: 'region' },
    },
  },
  // P7: blind verification call-backs; QA inspectors record outcomes, managers read their team's.
  BlindCheck: {
    scopeFields: { own: 'repId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', update: 'all', run: 'all' },
      director: { read: 'region' },
      manager: { read: 'team' },
      bp: { read: 'region' },
      qa: { read: 'all', update: 'all' },
    },
  },
  // P11: pilot studies compare groups across teams, so they are company-wide records.
  PilotStudy: {
    scopeFields: {},
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all', delete: 'all' },
      director: { read: 'all', create: 'all' },
      manager: { read: 'all' },
      bp: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  // C4 service history: sales read the tickets of the customers they can read, never write them;
  // customer service reads and writes all. Scope fields are the ticket's customer's.
  Ticket: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: ['contactName'],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', delete: 'all', export: 'all' },
      director: { read: 'region' },
      manager: { read: 'team' },
      rep: { read: 'own' },
      service: { read: 'all', create: 'all', update: 'all' },
      delivery: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  // C4 marketing: touchpoint paths de-identified (contact names masked); marketing records them.
  Touchpoint: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: ['contactName'],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', delete: 'all', export: 'all' },
      director: { read: 'region' },
      manager: { read: 'team' },
      rep: { read: 'own' },
      service: { read: 'all' },
      marketing: { read: { scope: 'all', masked: ['contactName'] }, create: 'all', update: 'all' },
    },
  },
  // Key-contact e-mails, meetings and calls, recorded by the customer's sales side.
  ContactActivity: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: ['contactName'],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all', delete: 'all', export: 'all' },
      director: { read: 'region', create: 'region' },
      manager: { read: 'team', create: 'team' },
      rep: { read: 'own', create: 'own' },
      service: { read: 'all' },
      delivery: { read: 'all' },
    },
  },
  // The health board (C3) of a customer; scope fields are the customer's.
  CustomerHealth: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all' },
      director: { read: 'region' },
      manager: { read: 'team' },
      rep: { read: 'own' },
      bp: { read: 'region' },
      service: { read: 'all' },
      delivery: { read: 'all' },
      qa: { read: 'all' },
    },
  },
  // C2/C5: a customer's field values with provenance, its conflicts and key profile fields
  // (decision chain, budget cycle, technical architecture); scope fields are the customer's.
  // read: see provenance and conflicts; create: record values (import, integration API);
  // update: resolve conflicts and edit key profile fields. Customer field rules apply on top.
  CustomerSource: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all', update: 'all' },
      director: { read: 'region', create: 'region', update: 'region' },
      manager: { read: 'team', create: 'team', update: 'team' },
      rep: { read: 'own', create: 'own', update: 'own' },
      bp: { read: 'region' },
      service: { read: 'all' },
      delivery: { read: 'all' },
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
  // C6: monthly customer cards. Sales (the customer's owner and their managers), service and
  // delivery answer them ('update'); admins build a period's cards by hand ('create').
  CalibrationCard: {
    scopeFields: { own: 'ownerId', team: 'teamId', region: 'regionId' },
    sensitive: [],
    grants: {
      admin: { read: 'all', create: 'all' },
      director: { read: 'region', update: 'region' },
      manager: { read: 'team', update: 'team' },
      rep: { read: 'own', update: 'own' },
      service: { read: 'all', update: 'all' },
      delivery: { read: 'all', update: 'all' },
    },
  },
} satisfies Record<string, ResourcePolicy>;

export type Resource = keyof typeof POLICIES;
export const RESOURCES = Object.keys(POLICIES) as Resource[];
