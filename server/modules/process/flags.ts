// P8 flags as managers read them: per rep and team, each with its rule version, numbers and the
// visits behind it. Reading goes through the ability layer (reps do not see detector findings).
import type { Db } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import type { Deps } from '../../platform/deps.js';
import { defineAbilityFor, requireAbility } from '../../platform/access/abilities.js';
import { accessWhere } from '../../platform/access/sql.js';
import * as org from '../org/service.js';
import { PROCESS_DETECTORS_JOB } from './jobs.js';
import * as store from './store.js';

const FLAG_COLUMNS = { id: 'id', repId: 'rep_id', teamId: 'team_id', regionId: 'region_id' };

export async function listFlags(db: Db, ctx: Ctx, f: { repId?: string; teamId?: string; detector?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'ProcessFlag');
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'ProcessFlag', FLAG_COLUMNS, params);
  const rows = await store.listFlags(db, ctx.actor.tenantId, { sql, params }, f, 500);
  const names = await org.namesOf(db, ctx.actor.tenantId, rows.map((r) => r.rep_id));
  const items = rows.map((r) => ({
    id: r.id,
    repId: r.rep_id,
    repName: names.get(r.rep_id) ?? null,
    teamId: r.team_id,
    detector: r.detector,
    ruleVersion: r.rule_version,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    numbers: r.numbers,
    evidence: r.evidence,
    visitIds: r.visit_ids,
    createdAt: r.created_at,
  }));
  // Per team: how many reps and records each detector flagged.
  const teams = new Map<string, { teamId: string | null; reps: Set<string>; visits: number; detectors: Record<string, number> }>();
  for (const i of items) {
    const k = i.teamId ?? '';
    const t = teams.get(k) ?? { teamId: i.teamId, reps: new Set(), visits: 0, detectors: {} };
    t.reps.add(i.repId);
    t.visits += i.visitIds.length;
    t.detectors[i.detector] = (t.detectors[i.detector] ?? 0) + 1;
    teams.set(k, t);
  }
  return { items, teams: [...teams.values()].map((t) => ({ teamId: t.teamId, reps: t.reps.size, visits: t.visits, detectors: t.detectors })) };
}

export async function runNow(deps: Deps, ctx: Ctx) {
  requireAbility(defineAbilityFor(ctx.actor), 'run', 'ProcessFlag');
  const run = await deps.jobs.runNow(ctx.actor.tenantId, PROCESS_DETECTORS_JOB, { force: true, ctx });
  return { status: run.status, output: run.output, error: run.error };
}
