import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { loadDemo, type LoadResult } from './load.js';
import { generateCompany } from './generate.js';
import { SOURCES_CONFLICT_PATTERN, sourcesConflictPattern, sourcesWriter } from './sources.js';
import { pickGolden, type FieldValue } from '../modules/customers/sources/golden.js';

// Own database: the loader owns the 'demo' slug.
const NOW = new Date('2026-11-26T08:00:00Z');
const OPTS = { seed: 13, reps: 12, customers: 300, now: NOW, passwordHash: 'x', patterns: [sourcesConflictPattern] };
let db: Db;
let r: LoadResult;

beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
  r = await loadDemo(db, { ...OPTS, onSlice: (tx, tenantId, slice) => sourcesWriter.writeSlice(tx, tenantId, slice) });
});
afterAll(async () => {
  await db.close();
});

describe('customer sources demo data', () => {
  it('[C2] [X7] the planted conflicts (ground truth) are exactly the open conflicts, and the golden rule finds each of them', async () => {
    const truth = generateCompany(OPTS).truth.filter((x) => x.pattern === SOURCES_CONFLICT_PATTERN);
    expect(truth.length).toBeGreaterThanOrEqual(12);
    const open = (await db.query<{ customer_id: string; field: string }>(`select customer_id, field from customer_field_conflicts where tenant_id = $1 and status = 'open'`, [r.tenantId])).rows;
    expect(open.map((o) => `${o.customer_id}:${o.field}`).sort()).toEqual(truth.map((x) => `${x.id}:${(x.detail as { field: string }).field}`).sort());
    for (const x of truth.slice(0, 10)) {
      const field = (x.detail as { field: string }).field;
      const vals = (
        await db.query(`select id, source_system, channel, value, observed_at, recorded_at from customer_field_values where tenant_id = $1 and customer_id = $2 and field = $3`, [r.tenantId, x.id, field])
      ).rows.map((v): FieldValue => ({ id: v.id, sourceSystem: v.source_system, channel: v.channel, value: v.value, observedAt: v.observed_at, recordedAt: v.recorded_at }));
      const g = pickGolden(vals, ['工商登记', 'CRM', '客服系统', '市场系统']);
      expect(g.conflict).toBe(true);
      expect(g.chosen?.sourceSystem).toBe('CRM'); // the master record's value stands until resolved
    }
  });

  it('[C2] [C5] every customer has values from at least two sources; key profile fields have ages on both sides of 90 days', async () => {
    const perCustomer = (
      await db.query<{ n: number }>(`select count(distinct source_system)::int as n from customer_field_values where tenant_id = $1 group by customer_id`, [r.tenantId])
    ).rows;
    expect(perCustomer.length).toBe(300);
    expect(perCustomer.every((x) => x.n >= 2)).toBe(true);
    const ages = (
      await db.query<{ old: number; young: number }>(
        `select count(*) filter (where observed_at < $2::timestamptz - interval '90 days')::int as old, count(*) filter (where observed_at >= $2::timestamptz - interval '90 days')::int as young
           from customer_field_values where tenant_id = $1 and field in ('decisionChain', 'budgetCycle', 'techArchitecture')`,
        [r.tenantId, NOW],
      )
    ).rows[0];
    expect(ages.old).toBeGreaterThan(50);
    expect(ages.young).toBeGreaterThan(50);
  });
});
