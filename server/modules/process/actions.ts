// P1: a visit is six atomic actions. Pure rules over a visit's actions and the tenant's
// `process.actions` configuration: which required fields an action lacks, which actions are
// missing or late, and which were recorded out of order. No I/O.
import { ACTION_TYPES, type ActionType } from '../../platform/config/defaults.js';

export { ACTION_TYPES, type ActionType };

export const ACTIONS_RULE = 'actions/1';

export interface ActionRule {
  requiredFields: string[];
  limit: { after: ActionType; withinHours: number } | null;
}
export type ActionRules = Record<ActionType, ActionRule>;

export interface ActionFact {
  id: string;
  type: ActionType;
  occurredAt: Date;
  recordedAt: Date;
}

const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '') && !(Array.isArray(v) && v.length === 0);

/** The required fields of `type` that `values` leaves empty (missing, null, blank or an empty list). */
export function missingFields(rule: ActionRule, values: Record<string, unknown>): string[] {
  return rule.requiredFields.filter((f) => !present(values[f]));
}

export interface LateAction {
  type: ActionType;
  actionId: string | null;
  after: ActionType;
  withinHours: number;
  /** Hours from the anchor action to this one (or to now, when it is still missing). */
  hours: number;
  state: 'late' | 'overdue';
}

export interface OutOfOrder {
  actionId: string;
  type: ActionType;
  /** The later step that claims to have happened before this one. */
  before: ActionType;
  minutes: number;
}

export interface VisitProgress {
  done: ActionType[];
  missing: ActionType[];
  late: LateAction[];
  outOfOrder: OutOfOrder[];
}

const HOUR = 3_600_000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * What a visit has, lacks, and did late. The first (earliest occurred) active action of each type
 * counts. An action is late when it happened more than `withinHours` after its anchor action; a
 * missing action is overdue once that much time has passed since the anchor.
 */
export function visitProgress(rules: ActionRules, actions: readonly ActionFact[], now: Date): VisitProgress {
  const first = new Map<ActionType, ActionFact>();
  for (const a of [...actions].sort((x, y) => x.occurredAt.getTime() - y.occurredAt.getTime())) if (!first.has(a.type)) first.set(a.type, a);
  const done = ACTION_TYPES.filter((t) => first.has(t));
  const missing = ACTION_TYPES.filter((t) => !first.has(t));
  const late: LateAction[] = [];
  for (const type of ACTION_TYPES) {
    const limit = rules[type]?.limit;
    if (!limit) continue;
    const anchor = first.get(limit.after);
    if (!anchor) continue;
    const own = first.get(type);
    const end = own ? own.occurredAt : now;
    const hours = (end.getTime() - anchor.occurredAt.getTime()) / HOUR;
    if (hours > limit.withinHours) {
      late.push({ type, actionId: own?.id ?? null, after: limit.after, withinHours: limit.withinHours, hours: round1(hours), state: own ? 'late' : 'overdue' });
    }
  }
  // Out of order: a step that happened before an earlier step of the sequence (e.g. a need
  // captured before the check-in). The appointment is made before the visit, so it is exempt.
  const outOfOrder: OutOfOrder[] = [];
  for (let i = 2; i < ACTION_TYPES.length; i++) {
    const a = first.get(ACTION_TYPES[i]);
    const checkIn = first.get('check_in');
    if (a && checkIn && a.occurredAt.getTime() < checkIn.occurredAt.getTime()) {
      outOfOrder.push({ actionId: a.id, type: a.type, before: 'check_in', minutes: Math.round((checkIn.occurredAt.getTime() - a.occurredAt.getTime()) / 60_000) });
    }
  }
  return { done, missing, late, outOfOrder };
}
