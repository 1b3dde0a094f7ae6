// The goals module's share of the demo company (G1, G2): the current year's plan with
//   - amount targets for every rep (year), summed exactly into its team and region, and a company
//     target 5% above the sum of the regions (an unallocated gap, shown in the goal tree);
//   - quarterly health targets (new KA/A customers) per rep, summed into team and region;
//   - monthly process targets per rep (effective visits, solution demos, objection-closure rate),
//     each team's summed for the count metrics — from the month the demo's process data starts.
// A rep's amount target is their won amount of the year so far, annualised, times a factor drawn
// around 1.15 (0.75–1.6), so attainment spreads from clearly behind to ahead of plan. Visits
// targets follow the rep's own visit rate the same way. Targets are written with history rows.
// Attainment is built by the goals rebuild job (GOALS_REBUILD_YEAR_JOB) after the demo is loaded.
import type { Sql } from '../platform/db/db.js';
import type { DemoWriter } from './modules.js';
import type { RepSlice } from './generate.js';
import { createRng } from './rng.js';
import { ACTION_WINDOW_DAYS } from './process.js';

const DAY = 86_400_000;
const BJ = 8 * 3_600_000;

function sliceNow(slice: RepSlice): Date {
  let t = 0;
  for (const o of slice.opportunities) t = Math.max(t, o.updatedAt.getTime());
  for (const v of slice.visits) t = Math.max(t, v.occurredAt.getTime());
  return new Date(t || Date.UTC(2026, 0, 1));
}

const yearOf = (d: Date) => new Date(d.getTime() + BJ).getUTCFullYear();
const months = (y: number) => Array.from({ length: 12 }, (_, i) => `${y}-${String(i + 1).padStart(2, '0')}`);

type Row = { tier: 'result' | 'health' | 'process'; metric: string; period: string; kind: 'company' | 'region' | 'team' | 'rep'; nodeId: string | null; value: number };

async function planId(tx: Sql, tenantId: string, year: number, at: Date): Promise<string> {
  await tx.query(
    `insert into goal_plans (tenant_id, id, year, name, created_by, created_at) values ($1, $2, $3, $4, null, $5) on conflict (tenant_id, year) do nothing`,
    [tenantId, createRng(`goals-plan:${tenantId}:${year}`).uuid(), year, `${year} 年度目标`, at],
  );
  return (await tx.query<{ id: string }>('select id from goal_plans where tenant_id = $1 and year = $2', [tenantId, year])).rows[0].id;
}

/** Adds each row's value to its target (creating it), then writes the version-1 history rows. */
async function addTargets(tx: Sql, tenantId: string, plan: string, rows: Row[], at: Date): Promise<void> {
  if (!rows.length) return;
  const ids = rows.map((r) => createRng(`goal-target:${tenantId}:${r.metric}:${r.period}:${r.kind}:${r.nodeId ?? ''}`).uuid());
  await tx.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, value, acceptance, version, updated_at)
     select $1, u.id, $2, u.tier, u.metric, u.period, u.kind, u.node_id, u.value, case when u.kind = 'rep' then 'accepted' end, 1, $3
       from unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::numeric[]) as u(id, tier, metric, period, kind, node_id, value)
     on conflict (tenant_id, plan_id, metric, period, node_kind, coalesce(node_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(product_line, ''))
     do update set value = goal_targets.value + excluded.value`,
    [tenantId, plan, at, ids, rows.map((r) => r.tier), rows.map((r) => r.metric), rows.map((r) => r.period), rows.map((r) => r.kind), rows.map((r) => r.nodeId), rows.map((r) => r.value)],
  );
  await tx.query(
    `insert into goal_target_history (tenant_id, target_id, version, value, reason, changed_by, changed_at)
     select t.tenant_id, t.id, 1, t.value, '演示数据：年度分解', null, $3 from goal_targets t
      where t.tenant_id = $1 and t.plan_id = $2 and t.id = any($4::uuid[])
     on conflict (tenant_id, target_id, version) do update set value = excluded.value`,
    [tenantId, plan, at, ids],
  );
}

export function goalRows(slice: RepSlice): { year: number; rows: Row[] } {
  const now = sliceNow(slice);
  const year = yearOf(now);
  const rng = createRng(`goals:${slice.rep.id}`);
  const yearStart = Date.UTC(year, 0, 1) - BJ;
  const elapsed = Math.min(1, Math.max(1 / 12, (now.getTime() - yearStart) / (365 * DAY)));
  const won = slice.opportunities
    .filter((o) => o.stage === 'won' && (o.closedAt ?? o.updatedAt).getTime() >= yearStart)
    .reduce((s, o) => s + o.amount, 0);
  const factor = Math.min(1.6, Math.max(0.75, rng.normal(1.15, 0.22)));
  const amount = Math.max(200_000, Math.round(((won / elapsed) * factor) / 10_000) * 10_000);
  const recent = slice.visits.filter((v) => now.getTime() - v.occurredAt.getTime() < 90 * DAY).length;
  const visitsPerMonth = Math.max(8, Math.round((recent / 3) * Math.min(1.5, Math.max(0.8, rng.normal(1.1, 0.15)))));
  const rep = slice.rep.id;
  const rows: Row[] = [];
  const up = (r: Omit<Row, 'kind' | 'nodeId'>, withCompany: number | null) => {
    rows.push({ ...r, kind: 'rep', nodeId: rep }, { ...r, kind: 'team', nodeId: slice.team.id }, { ...r, kind: 'region', nodeId: slice.region.id });
    if (withCompany !== null) rows.push({ ...r, kind: 'company', nodeId: null, value: withCompany });
  };
  up({ tier: 'result', metric: 'amount', period: String(year), value: amount }, Math.round(amount * 1.05));
  for (let q = 1; q <= 4; q++) up({ tier: 'health', metric: 'newHighPotential', period: `${year}-Q${q}`, value: rng.int(1, 3) }, null);
  // The demo's visits carry their six actions only for the last ACTION_WINDOW_DAYS (the process
  // module "went live" then), so process targets start in that month: earlier months would read 0.
  const live = new Date(now.getTime() - ACTION_WINDOW_DAYS * DAY + BJ).toISOString().slice(0, 7);
  for (const m of months(year).filter((x) => x >= live)) {
    up({ tier: 'process', metric: 'effectiveVisits', period: m, value: visitsPerMonth }, null);
    up({ tier: 'process', metric: 'solutionDemos', period: m, value: Math.max(2, Math.round(visitsPerMonth * 0.3)) }, null);
    rows.push({ tier: 'process', metric: 'objectionClosureRate', period: m, kind: 'rep', nodeId: rep, value: 0.7 });
  }
  return { year, rows };
}

export const goalsWriter: DemoWriter = {
  name: 'goals',
  async writeSlice(tx, tenantId, slice) {
    const { year, rows } = goalRows(slice);
    const at = new Date(Date.UTC(year, 0, 1) - BJ + 2 * DAY);
    const plan = await planId(tx, tenantId, year, at);
    await addTargets(tx, tenantId, plan, rows, at);
  },
};
