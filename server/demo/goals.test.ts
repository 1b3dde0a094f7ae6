import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { createConfigService } from '../platform/config/service.js';
import { rebuildYear } from '../modules/goals/attainment.js';
import { acceptanceRates } from '../modules/goals/allocation/service.js';
import { RESOURCE_TYPES } from '../modules/goals/canvas/service.js';
import { weekMonday } from '../modules/goals/canvas/week.js';
import { weeksOfMonth } from '../modules/goals/report/compute.js';
import { evaluateVisit, loadEvalRules } from '../modules/process/evaluate.js';
import { loadDemo, type LoadResult } from './load.js';
import { DEMO_PATTERNS, DEMO_WRITERS } from './modules.js';
import type { RepSlice } from './generate.js';
import { actionWindowStart } from './process.js';

// Own database: the loader owns the 'demo' slug. The whole demo (every module's patterns and
// writers), its visits checked by the process engine and the year's attainment rebuilt — what the
// first start does — so last month's goal report can be read as a sales director would.
const NOW = new Date('2026-11-26T08:00:00Z');
const LAST_MONTH = '2026-10';
const DAY = 86_400_000;
let db: Db;
let r: LoadResult;
const slices: RepSlice[] = [];

beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
  r = await loadDemo(db, {
    seed: 7,
    reps: 12,
    customers: 240,
    now: NOW,
    passwordHash: 'x',
    patterns: DEMO_PATTERNS,
    onSlice: async (tx, tenantId, slice) => {
      slices.push(slice);
      for (const w of DEMO_WRITERS) await w.writeSlice(tx, tenantId, slice);
    },
  });
  const config = createConfigService({ db, now: () => NOW });
  const rules = await loadEvalRules({ config, now: () => NOW }, r.tenantId);
  const ids = (await db.query<{ id: string }>('select distinct visit_id as id from visit_actions where tenant_id = $1', [r.tenantId])).rows.map((x) => x.id);
  for (let i = 0; i < ids.length; i += 50) {
    await db.transaction(async (tx) => {
      for (const id of ids.slice(i, i + 50)) await evaluateVisit(tx, rules, r.tenantId, id);
    });
  }
  await rebuildYear({ db, config, now: () => NOW }, r.tenantId, 2026, NOW);
}, 300_000);
afterAll(async () => {
  await db.close();
});

const rows = async <T>(sql: string) => (await db.query<T>(sql, [r.tenantId])).rows;
const monthsFrom = (m: string) => Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`).filter((x) => x >= m);

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
    // Process targets run from the month the demo's process data starts (the previous month: the
    // actions window) to December; a rep hired since from their hire month.
    const live = new Date(actionWindowStart(NOW).getTime() + 8 * 3_600_000).toISOString().slice(0, 7);
    expect(live).toBe(LAST_MONTH);
    const perRep = await rows<{ rep: string; metric: string; periods: string[] }>(
      `select node_id as rep, metric, array_agg(period order by period) as periods from goal_targets where tenant_id = $1 and node_kind = 'rep' and tier <> 'result' group by node_id, metric`,
    );
    for (const s of slices) {
      const mine = Object.fromEntries(perRep.filter((p) => p.rep === s.rep.id).map((p) => [p.metric, p.periods]));
      const months = monthsFrom(s.rep.hiredOn.slice(0, 7) > live ? s.rep.hiredOn.slice(0, 7) : live);
      expect(mine).toEqual({
        effectiveVisits: months,
        newHighPotential: ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'],
        objectionClosureRate: months,
        solutionDemos: months,
      });
    }
    const hist = await rows<{ n: number }>('select count(*)::int as n from goal_targets t where tenant_id = $1 and not exists (select 1 from goal_target_history h where h.tenant_id = t.tenant_id and h.target_id = t.id)');
    expect(hist[0].n).toBe(0);
  });

  it('[G2] [X7] attainment built from the demo’s contracts spreads around the plan', async () => {
    const ratios = await rows<{ rep: string; ratio: number }>(
      `select t.node_id as rep, coalesce((select sum(a.numerator) from goal_attainment a where a.tenant_id = t.tenant_id and a.rep_id = t.node_id and a.metric = 'amount'), 0)::float8 / t.value::float8 as ratio
         from goal_targets t where t.tenant_id = $1 and t.metric = 'amount' and t.node_kind = 'rep' and t.period = '2026'`,
    );
    const values = ratios.map((x) => x.ratio);
    expect(Math.max(...values)).toBeGreaterThan(0);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.15);
  });

  it('[G3] [X7] reps accepted most targets, contested a few with a reason and left some pending, mostly this and next month’s', async () => {
    const targets = await rows<{ id: string; rep: string; period: string; acceptance: string; reason: string | null; by: string | null; at: Date | null; version: number; updated_by: string | null; updated_at: Date }>(
      `select id, node_id as rep, period, acceptance, acceptance_reason as reason, accepted_by as by, accepted_at as at, version, updated_by, updated_at
         from goal_targets where tenant_id = $1 and node_kind = 'rep'`,
    );
    const share = (a: string) => targets.filter((t) => t.acceptance === a).length / targets.length;
    expect(share('accepted')).toBeGreaterThan(0.78);
    expect(share('accepted')).toBeLessThan(0.92);
    expect(share('contested')).toBeGreaterThan(0.03);
    expect(share('contested')).toBeLessThan(0.14);
    expect(share('pending')).toBeGreaterThan(0.02);
    expect(share('pending')).toBeLessThan(0.13);
    for (const t of targets) {
      if (t.acceptance === 'pending') {
        // Not decided yet: as written by the allocation, version 1, nobody's decision.
        expect([t.reason, t.by, t.at, t.version]).toEqual([null, null, null, 1]);
        continue;
      }
      // As decideAcceptance writes it: the rep, the time, one version more; a contest has a reason.
      expect(t.by).toBe(t.rep);
      expect(t.updated_by).toBe(t.rep);
      expect(t.version).toBe(2);
      expect(new Date(t.at!).getTime()).toBe(new Date(t.updated_at).getTime());
      expect(new Date(t.at!).getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(new Date(t.at!).getTime()).toBeGreaterThan(Date.parse('2026-01-01T00:00:00+08:00'));
      if (t.acceptance === 'contested') expect(t.reason).toMatch(/[\u4e00-\u9fff]{4}/);
      else expect(t.reason).toBeNull();
    }
    const pending = targets.filter((t) => t.acceptance === 'pending');
    expect(pending.filter((t) => t.period === '2026-11' || t.period === '2026-12').length / pending.length).toBeGreaterThan(0.6);
    // Different reps decide differently.
    const repsContesting = new Set(targets.filter((t) => t.acceptance === 'contested').map((t) => t.rep));
    expect(repsContesting.size).toBeGreaterThan(1);
    expect(repsContesting.size).toBeLessThan(slices.length);
    // G8 reads the month's rate: last month's is high but not 100%.
    const rates = await acceptanceRates(db, r.tenantId, LAST_MONTH);
    expect(rates.company.total).toBeGreaterThan(0);
    expect(rates.company.rate!).toBeGreaterThan(0.75);
    expect(rates.company.rate!).toBeLessThan(1);
  });

  it('[G5] [X7] every rep has a weekly canvas for every week since the previous month: three actions on their own targets of that month, some resources marked', async () => {
    const canvases = await rows<{ id: string; rep_id: string; team_id: string; region_id: string; week: string; items: { action: string; targetId: string }[]; review: { index: number; resources: string[]; note: string }[] | null; submitted_at: Date; version: number; updated_at: Date }>(
      'select id, rep_id, team_id, region_id, week, items, review, submitted_at, version, updated_at from weekly_canvases where tenant_id = $1',
    );
    const targets = new Map(
      (await rows<{ id: string; node_kind: string; node_id: string; period: string; tier: string }>('select id, node_kind, node_id, period, tier from goal_targets where tenant_id = $1')).map((t) => [t.id, t]),
    );
    const weeks = [...weeksOfMonth(LAST_MONTH), ...weeksOfMonth('2026-11')].filter((w) => w <= '2026-W48');
    expect(weeks[0]).toBe('2026-W40');
    expect(weeks.at(-1)).toBe('2026-W48');
    const byKey = new Map(canvases.map((c) => [`${c.rep_id}|${c.week}`, c]));
    let items = 0;
    let marked = 0;
    const texts = new Set<string>();
    for (const s of slices) {
      for (const week of weeks) {
        const monday = weekMonday(week)!;
        const c = byKey.get(`${s.rep.id}|${week}`);
        if (s.rep.hiredOn > monday) {
          expect(c).toBeUndefined();
          continue;
        }
        expect(c, `${s.rep.username} ${week}`).toBeDefined();
        expect([c!.team_id, c!.region_id]).toEqual([s.team.id, s.region.id]);
        expect(c!.items).toHaveLength(3);
        const thursday = new Date(Date.parse(`${monday}T00:00:00Z`) + 3 * DAY).toISOString().slice(0, 7);
        for (const item of c!.items) {
          const t = targets.get(item.targetId);
          expect(t).toMatchObject({ node_kind: 'rep', node_id: s.rep.id, period: thursday, tier: 'process' });
          expect(item.action).toMatch(/[\u4e00-\u9fff]{2}/);
          texts.add(item.action);
          items++;
        }
        expect(new Date(c!.submitted_at).getTime()).toBeLessThanOrEqual(NOW.getTime());
        // As the canvas service writes it: version 1 when filled, one more when the manager marked resources.
        if (c!.review) {
          expect(c!.version).toBe(2);
          expect(new Date(c!.updated_at).getTime()).toBeGreaterThan(new Date(c!.submitted_at).getTime());
          expect(new Date(c!.updated_at).getTime()).toBeLessThanOrEqual(NOW.getTime());
          for (const m of c!.review) {
            expect(m.index).toBeGreaterThanOrEqual(0);
            expect(m.index).toBeLessThanOrEqual(2);
            expect(m.resources.length).toBeGreaterThan(0);
            for (const res of m.resources) expect(RESOURCE_TYPES).toContain(res);
            expect(typeof m.note).toBe('string');
            marked++;
          }
        } else {
          expect(c!.version).toBe(1);
          expect(new Date(c!.updated_at).getTime()).toBe(new Date(c!.submitted_at).getTime());
        }
      }
    }
    expect(canvases.length).toBe(byKey.size);
    expect(canvases.every((c) => weeks.includes(c.week))).toBe(true);
    expect(marked / items).toBeGreaterThan(0.15);
    expect(marked / items).toBeLessThan(0.35);
    expect(texts.size).toBeGreaterThan(items * 0.3);
    // The G8 resource-gap heatmap of last month has marks in every region.
    const gaps = await rows<{ region_id: string; n: number }>(
      `select c.region_id, count(*)::int as n from weekly_canvases c, jsonb_array_elements(c.review) m
        where c.tenant_id = $1 and c.week = any('{${weeksOfMonth(LAST_MONTH).join(',')}}'::text[]) group by c.region_id`,
    );
    expect(gaps.length).toBe(new Set(slices.map((s) => s.region.id)).size);
    for (const g of gaps) expect(g.n).toBeGreaterThan(0);
  });

  it('[G8] [X7] last month has process facts for every rep employed then, and a realistic share of reps meets the effective-visits target', async () => {
    const from = actionWindowStart(NOW);
    const to = new Date('2026-10-31T16:00:00Z');
    const facts = await db.query<{ rep: string; n: number }>(
      `select rep_id as rep, count(*)::int as n from visit_actions where tenant_id = $1 and type = 'check_in' and occurred_at >= $2 and occurred_at < $3 group by rep_id`,
      [r.tenantId, from, to],
    );
    const checkIns = new Map(facts.rows.map((f) => [f.rep, f.n]));
    const employed = slices.filter((s) => s.rep.hiredOn < '2026-10-01');
    expect(employed.length).toBeGreaterThan(8);
    for (const s of employed) expect(checkIns.get(s.rep.id) ?? 0, s.rep.username).toBeGreaterThan(0);

    const met = await rows<{ rep: string; metric: string; target: number; actual: number; denominator: number | null }>(
      `select t.node_id as rep, t.metric, t.value::float8 as target, coalesce(a.numerator, 0)::float8 as actual, a.denominator::float8 as denominator
         from goal_targets t left join goal_attainment a on a.tenant_id = t.tenant_id and a.rep_id = t.node_id and a.metric = t.metric and a.period = t.period
        where t.tenant_id = $1 and t.node_kind = 'rep' and t.tier = 'process' and t.period = '${LAST_MONTH}'`,
    );
    const visits = met.filter((m) => m.metric === 'effectiveVisits');
    expect(visits.length).toBe(slices.filter((s) => s.rep.hiredOn < '2026-11-01').length);
    const meeting = visits.filter((m) => m.actual >= m.target).length / visits.length;
    expect(meeting).toBeGreaterThanOrEqual(0.4);
    expect(meeting).toBeLessThanOrEqual(0.75);
    // Every rep did something: effective visits read from the facts (not all visits pass their checklist).
    for (const m of visits) expect(m.actual).toBeGreaterThan(0);
    for (const m of visits) expect(m.actual).toBeLessThanOrEqual(checkIns.get(m.rep) ?? 0);
    // Demos too: neither nobody nor everybody meets them.
    const demos = met.filter((m) => m.metric === 'solutionDemos');
    const demosMet = demos.filter((m) => m.actual >= m.target).length / demos.length;
    expect(demosMet).toBeGreaterThan(0);
    expect(demosMet).toBeLessThan(1);
  });
});
