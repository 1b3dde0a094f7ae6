import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { createConfigService } from '../platform/config/service.js';
import { rebuildYear } from '../modules/goals/attainment.js';
import { loadDemo, type LoadResult } from './load.js';
import { pipelineDemo } from './pipeline.js';
import { goalsWriter } from './goals.js';
import { ACTION_WINDOW_DAYS } from './process.js';

// Own database: the loader owns the 'demo' slug.
const NOW = new Date('2026-11-26T08:00:00Z');
let db: Db;
let r: LoadResult;

beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
  r = await loadDemo(db, {
    seed: 7,
    reps: 12,
    customers: 240,
    now: NOW,
    passwordHash: 'x',
    onSlice: async (tx, tenantId, slice) => {
      await pipelineDemo.writeSlice(tx, tenantId, slice);
      await goalsWriter.writeSlice(tx, tenantId, slice);
    },
  });
});
afterAll(async () => {
  await db.close();
});

const rows = async <T>(sql: string) => (await db.query<T>(sql, [r.tenantId])).rows;

describe('goals demo data', () => {
  it('[G1] [G2] [X7] the year’s plan: rep amounts sum into teams and regions, the company keeps an unallocated gap; monthly process and quarterly health targets per rep', async () => {
    const plans = await rows<{ year: number }>('select year from goal_plans where tenant_id = $1');
    expect(plans).toEqual([{ year: 2026 }]);
    const sums = await rows<{ kind: string; total: number; n: number }>(
      `select node_kind as kind, sum(value)::float8 as total, count(*)::int as n from goal_targets where tenant_id = $1 and metric = 'amount' and period = '2026' group by node_kind`,
    );
    const by = Object.fromEntries(sums.map((s) => [s.kind, s]));
    expect(by.rep.n).toBeGreaterThanOrEqual(10);
    expect(by.team.total).toBeCloseTo(by.rep.total, 2);
    expect(by.region.total).toBeCloseTo(by.rep.total, 2);
    expect(by.company.total / by.region.total).toBeGreaterThan(1.03);
    expect(by.company.total / by.region.total).toBeLessThan(1.07);
    const perRep = await rows<{ metric: string; n: number }>(
      `select metric, (count(*) / count(distinct node_id))::int as n from goal_targets where tenant_id = $1 and node_kind = 'rep' and tier <> 'result' group by metric order by metric`,
    );
    // Process targets run from the month the demo's process data starts (ACTION_WINDOW_DAYS back) to December.
    const liveMonth = Number(new Date(NOW.getTime() - ACTION_WINDOW_DAYS * 86_400_000 + 8 * 3_600_000).toISOString().slice(5, 7));
    const processMonths = 12 - liveMonth + 1;
    expect(perRep).toEqual([
      { metric: 'effectiveVisits', n: processMonths },
      { metric: 'newHighPotential', n: 4 },
      { metric: 'objectionClosureRate', n: processMonths },
      { metric: 'solutionDemos', n: processMonths },
    ]);
    const hist = await rows<{ n: number }>('select count(*)::int as n from goal_targets t where tenant_id = $1 and not exists (select 1 from goal_target_history h where h.tenant_id = t.tenant_id and h.target_id = t.id)');
    expect(hist[0].n).toBe(0);
  });

  it('[G2] [X7] attainment built from the demo’s contracts spreads around the plan', async () => {
    const config = createConfigService({ db, now: () => NOW });
    await rebuildYear({ db, config, now: () => NOW }, r.tenantId, 2026, NOW);
    const ratios = await rows<{ rep: string; ratio: number }>(
      `select t.node_id as rep, coalesce((select sum(a.numerator) from goal_attainment a where a.tenant_id = t.tenant_id and a.rep_id = t.node_id and a.metric = 'amount'), 0)::float8 / t.value::float8 as ratio
         from goal_targets t where t.tenant_id = $1 and t.metric = 'amount' and t.node_kind = 'rep' and t.period = '2026'`,
    );
    const values = ratios.map((x) => x.ratio);
    expect(Math.max(...values)).toBeGreaterThan(0);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.15);
  });
});
