import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { loadDemo, type LoadResult } from './load.js';
import { pipelineDemo } from './pipeline.js';

// Own database: the loader owns the 'demo' slug.
const NOW = new Date('2026-11-26T08:00:00Z');
let db: Db;
let r: LoadResult;

beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
  r = await loadDemo(db, {
    seed: 11,
    reps: 20,
    customers: 400,
    now: NOW,
    passwordHash: 'x',
    onSlice: (tx, tenantId, slice) => pipelineDemo.writeSlice(tx, tenantId, slice),
  });
});
afterAll(async () => {
  await db.close();
});

const rows = async <T>(sql: string) => (await db.query<T>(sql, [r.tenantId])).rows;

describe('pipeline demo data', () => {
  it('[C8] [X7] every won opportunity has a contract with prepayment terms and promised milestones; quotes are draft and published', async () => {
    const [won] = await rows<{ n: number }>(`select count(*)::int as n from opportunities where tenant_id = $1 and stage = 'won'`);
    const [contracts] = await rows<{ n: number; prepay: number; ms: number }>(
      `select count(*)::int as n, count(*) filter (where prepayment_amount > 0)::int as prepay,
              (select count(*)::int from contract_milestones m where m.tenant_id = $1) as ms from contracts where tenant_id = $1`,
    );
    expect(won.n).toBeGreaterThan(0);
    expect(contracts.n).toBe(won.n);
    expect(contracts.prepay).toBeGreaterThan(0);
    expect(contracts.ms).toBeGreaterThanOrEqual(contracts.n);
    const quotes = await rows<{ quote_status: string }>(`select distinct quote_status from opportunities where tenant_id = $1 order by 1`);
    expect(quotes.map((q) => q.quote_status)).toEqual(['draft', 'none', 'published']);
    const [noHistory] = await rows<{ n: number }>(
      `select count(*)::int as n from opportunities o where tenant_id = $1 and not exists (select 1 from opportunity_stage_history h where h.tenant_id = o.tenant_id and h.opportunity_id = o.id)`,
    );
    expect(noHistory.n).toBe(0);
  });

  it('[C7] [X7] delivery teams per region; no week is overbooked and the tight weeks are near full', async () => {
    const teams = await rows<{ region_id: string }>(`select region_id from delivery_teams where tenant_id = $1`);
    const regions = await rows<{ id: string }>(`select id from regions where tenant_id = $1`);
    expect(teams.length).toBe(regions.length);
    const weeks = await rows<{ week: string; capacity: number; booked: number }>(
      `select m.week, coalesce(w.capacity, t.weekly_capacity)::float8 as capacity, sum(m.load)::float8 as booked
         from contract_milestones m join delivery_teams t on t.tenant_id = m.tenant_id and t.id = m.delivery_team_id
         left join delivery_week_capacity w on w.tenant_id = m.tenant_id and w.team_id = m.delivery_team_id and w.week = m.week
        where m.tenant_id = $1 group by m.delivery_team_id, m.week, w.capacity, t.weekly_capacity`,
    );
    expect(weeks.every((w) => w.booked <= w.capacity)).toBe(true);
    expect(weeks.some((w) => w.capacity - w.booked <= w.capacity * 0.2)).toBe(true);
  });
});
