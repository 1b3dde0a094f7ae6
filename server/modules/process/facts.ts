// The process module's facts for other modules (G2/G7 metrics are computed from actions): the
// current (not superseded) actions of a period with their visit's compliance, and a hook that
// tells listeners after an action was committed, so attainment is kept live without a nightly batch.
import type { Sql } from '../../platform/db/db.js';
import type { ActionType } from './actions.js';

export interface ActionFact {
  actionId: string;
  visitId: string;
  customerId: string;
  repId: string;
  teamId: string | null;
  regionId: string | null;
  type: ActionType;
  occurredAt: Date;
  fields: Record<string, unknown>;
  /** The visit's purpose (its visit type). */
  purpose: string;
  /** P5: false when the visit fails its checklist; null when no checklist applies. */
  compliant: boolean | null;
}

/** Current actions that happened in [from, to), optionally of one or some reps, at some customers or of some types, oldest first. */
export interface FactFilter {
  from: Date;
  to: Date;
  repId?: string;
  repIds?: readonly string[];
  customerIds?: readonly string[];
  types?: readonly string[];
}

/** The where clause (after tenant and period, $1–$3) of a fact read; pushes its parameters. */
function factWhere(params: unknown[], f: FactFilter): string {
  let sql = '';
  if (f.repId) sql += ` and a.rep_id = $${params.push(f.repId)}`;
  if (f.repIds) sql += ` and a.rep_id = any($${params.push(f.repIds)}::uuid[])`;
  if (f.customerIds) sql += ` and v.customer_id = any($${params.push(f.customerIds)}::uuid[])`;
  if (f.types) sql += ` and a.type = any($${params.push(f.types)}::text[])`;
  return sql;
}

export async function actionFacts(db: Sql, tenantId: string, f: FactFilter): Promise<ActionFact[]> {
  const params: unknown[] = [tenantId, f.from, f.to];
  const rep = factWhere(params, f);
  const r = await db.query<{
    id: string; visit_id: string; customer_id: string; rep_id: string; team_id: string | null; region_id: string | null; type: ActionType;
    occurred_at: Date; fields: Record<string, unknown>; purpose: string; compliant: boolean | null;
  }>(
    `select a.id, a.visit_id, v.customer_id, a.rep_id, v.team_id, v.region_id, a.type, a.occurred_at, a.fields, v.purpose, v.compliant
       from visit_actions a join visits v on v.tenant_id = a.tenant_id and v.id = a.visit_id
      where a.tenant_id = $1 and a.occurred_at >= $2 and a.occurred_at < $3 and not a.superseded ${rep}
      order by a.occurred_at, a.id`,
    params,
  );
  return r.rows.map((x) => ({
    actionId: x.id, visitId: x.visit_id, customerId: x.customer_id, repId: x.rep_id, teamId: x.team_id, regionId: x.region_id,
    type: x.type, occurredAt: x.occurred_at, fields: x.fields, purpose: x.purpose, compliant: x.compliant,
  }));
}

/** Current actions counted per rep, business month (UTC+8), type and the visit's compliance. */
export interface ActionCount {
  repId: string;
  /** '2026-03' */
  month: string;
  type: ActionType;
  compliant: boolean | null;
  n: number;
}

/**
 * The same actions as actionFacts, counted in the database instead of returned one by one (for
 * metrics that filter on no field: G4's filtered views over a whole company).
 */
export async function actionCounts(db: Sql, tenantId: string, f: FactFilter): Promise<ActionCount[]> {
  const params: unknown[] = [tenantId, f.from, f.to];
  const more = factWhere(params, f);
  const r = await db.query<{ rep_id: string; month: string; type: ActionType; compliant: boolean | null; n: number }>(
    `select a.rep_id, to_char((a.occurred_at at time zone 'UTC') + interval '8 hours', 'YYYY-MM') as month, a.type, v.compliant, count(*)::int as n
       from visit_actions a join visits v on v.tenant_id = a.tenant_id and v.id = a.visit_id
      where a.tenant_id = $1 and a.occurred_at >= $2 and a.occurred_at < $3 and not a.superseded ${more}
      group by 1, 2, 3, 4`,
    params,
  );
  return r.rows.map((x) => ({ repId: x.rep_id, month: x.month, type: x.type, compliant: x.compliant, n: Number(x.n) }));
}

export interface ActionRecorded {
  tenantId: string;
  repId: string;
  visitId: string;
  /** The action, or the upload (type 'media': a screenshot can change the visit's compliance). */
  actionId: string;
  type: ActionType | 'media';
  occurredAt: Date;
}

type Listener = (e: ActionRecorded) => Promise<void> | void;
const listeners: Listener[] = [];

/** Called after an action's transaction committed (and for actions a correction replaced). */
export function onActionRecorded(listener: Listener): () => void {
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}

/** Runs the listeners; a listener's failure is reported to `onError`, never undoes the action. */
export async function emitActionRecorded(e: ActionRecorded, onError: (err: unknown) => void): Promise<void> {
  for (const l of listeners) {
    try {
      await l(e);
    } catch (err) {
      onError(err);
    }
  }
}
