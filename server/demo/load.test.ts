import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../platform/db/db.js';
import { migrate } from '../platform/db/migrate.js';
import { checkCreditCode } from '../modules/customers/identity.js';
import { arrayLiteral, loadDemo, type LoadResult } from './load.js';
import { generateCompany } from './generate.js';

// The loader owns the 'demo' slug, so this file uses its own database (not the shared test
// harness database, where other tests could create the demo tenant too).
const NOW = new Date('2026-11-26T08:00:00Z');
const OPTS = { seed: 7, reps: 20, customers: 500, now: NOW, passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g' };
let db: Db;
let first: LoadResult;
let failed: { error: unknown; tenants: number; customers: number };

beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
  // A load that fails half-way must leave nothing behind, so the next start can load afresh.
  const error = await loadDemo(db, {
    ...OPTS,
    onSlice: async (_tx, _tenantId, slice) => {
      if (slice.rep.username === 'rep010') throw new Error('disk full');
    },
  }).catch((e: unknown) => e);
  failed = { error, tenants: await count('select count(*)::int as n from tenants'), customers: await count('select count(*)::int as n from customers') };
  first = await loadDemo(db, { ...OPTS, batchSize: 97 }); // odd batch size: exercises partial batches
});
afterAll(async () => {
  await db.close();
});

const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params)).rows[0].n);

describe('demo loader', () => {
  it('[X7] loads the generated company with every row counted', async () => {
    const expected = generateCompany(OPTS);
    expect(first.created).toBe(true);
    expect(first.counts).toEqual({
      regions: expected.regions.length,
      teams: expected.teams.length,
      users: expected.users.length,
      customers: 500,
      opportunities: expected.opportunities.length,
      visits: expected.visits.length,
    });
    const t = first.tenantId;
    expect(await count('select count(*)::int as n from customers where tenant_id = $1', [t])).toBe(500);
    expect(await count('select count(*)::int as n from opportunities where tenant_id = $1', [t])).toBe(expected.opportunities.length);
    expect(await count('select count(*)::int as n from visits where tenant_id = $1', [t])).toBe(expected.visits.length);
    expect(await count('select count(*)::int as n from users where tenant_id = $1', [t])).toBe(expected.users.length);
    expect(first.counts.visits).toBeGreaterThan(1000);
  });

  it('[X7] stores the tenant, logins for every role and the given password hash', async () => {
    const tenant = (await db.query('select slug, name, time_zone from tenants where id = $1', [first.tenantId])).rows[0];
    expect(tenant).toEqual({ slug: 'demo', name: '演示科技有限公司', time_zone: 'Asia/Shanghai' });
    const roles = new Set(first.logins.map((l) => l.role));
    expect([...roles].sort()).toEqual(['admin', 'bp', 'delivery', 'director', 'manager', 'marketing', 'qa', 'rep', 'service']);
    expect(first.logins[0]).toMatchObject({ username: 'admin', role: 'admin' });
    const hashes = await db.query<{ password_hash: string }>('select distinct password_hash from users where tenant_id = $1', [first.tenantId]);
    expect(hashes.rows).toEqual([{ password_hash: OPTS.passwordHash }]);
  });

  it('[X7] round-trips values: credit codes, arrays, coordinates, amounts and time stamps', async () => {
    const expected = generateCompany(OPTS);
    const c = expected.customers.find((x) => x.tags.length >= 2 && x.kind === 'org')!;
    const row = (await db.query('select * from customers where tenant_id = $1 and id = $2', [first.tenantId, c.id])).rows[0];
    expect(row).toMatchObject({ name: c.name, credit_code: c.creditCode, mobile: c.mobile, tags: c.tags, lat: c.lat, lng: c.lng, tier: c.tier });
    expect(new Date(row.created_at).toISOString()).toBe(c.createdAt.toISOString());
    const o = expected.opportunities.find((x) => x.products.length >= 2)!;
    const orow = (await db.query('select amount, products, closed_at from opportunities where tenant_id = $1 and id = $2', [first.tenantId, o.id])).rows[0];
    expect(orow.amount).toBe(o.amount);
    expect(orow.products).toEqual(o.products);
    const codes = await db.query<{ credit_code: string }>(`select credit_code from customers where tenant_id = $1 and kind = 'org'`, [first.tenantId]);
    expect(codes.rows.every((r) => checkCreditCode(r.credit_code).ok)).toBe(true);
  });

  it('[X7] keeps owners, teams and regions consistent in the database', async () => {
    const t = first.tenantId;
    const wrongOwner = await count(
      `select count(*)::int as n from customers c join users u on u.tenant_id = c.tenant_id and u.id = c.owner_id
        where c.tenant_id = $1 and (u.role <> 'rep' or u.team_id <> c.team_id or u.region_id <> c.region_id)`,
      [t],
    );
    expect(wrongOwner).toBe(0);
    const strayTeams = await count(
      `select count(*)::int as n from teams tm join users m on m.tenant_id = tm.tenant_id and m.id = tm.manager_id
        where tm.tenant_id = $1 and (m.team_id <> tm.id or m.role <> 'manager')`,
      [t],
    );
    expect(strayTeams).toBe(0);
    const visitsByOthers = await count(
      `select count(*)::int as n from visits v join customers c on c.tenant_id = v.tenant_id and c.id = v.customer_id
        where v.tenant_id = $1 and v.rep_id <> c.owner_id`,
      [t],
    );
    expect(visitsByOthers).toBe(0);
  });

  it('[X7] loading twice does not duplicate anything and returns the existing logins', async () => {
    const again = await loadDemo(db, { ...OPTS, seed: 8 });
    expect(again.created).toBe(false);
    expect(again.tenantId).toBe(first.tenantId);
    expect(again.counts).toEqual(first.counts);
    expect(await count(`select count(*)::int as n from tenants where slug = 'demo'`)).toBe(1);
    expect(again.logins.map((l) => l.username)).toEqual(first.logins.map((l) => l.username));
  });

  it('[X7] writes nothing when the load fails half-way (one transaction)', () => {
    expect(failed.error).toBeInstanceOf(Error);
    expect((failed.error as Error).message).toBe('disk full');
    expect([failed.tenants, failed.customers]).toEqual([0, 0]);
  });

  it('[X7] escapes array literals', () => {
    expect(arrayLiteral(['重点客户', 'a"b', 'c\\d', ''])).toBe('{"重点客户","a\\"b","c\\\\d",""}');
    expect(arrayLiteral([])).toBe('{}');
  });
});
