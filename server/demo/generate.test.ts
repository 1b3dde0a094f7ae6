import { describe, expect, it } from 'vitest';
import { checkCreditCode, normaliseMobile } from '../modules/customers/identity.js';
import { CHINA_BBOX, MACRO_REGIONS } from './data.js';
import { apportion, distanceKm, generateCompany, isWorkingDay, localDate, streamCompany, type DemoPattern } from './generate.js';
import { createRng } from './rng.js';

const NOW = new Date('2026-11-26T08:00:00Z'); // 16:00 in Shanghai
const small = () => generateCompany({ seed: 42, reps: 30, customers: 900, now: NOW });
const company = small();
const cities = new Map(MACRO_REGIONS.flatMap((m) => m.cities).map((c) => [`${c.name}市`, c]));
const local = (d: Date) => new Date(d.getTime() + 8 * 3_600_000);

describe('demo company generator', () => {
  it('[X7] is deterministic: the same seed and now give an identical company', () => {
    const again = small();
    expect(JSON.stringify(again)).toBe(JSON.stringify(company));
    const other = generateCompany({ seed: 43, reps: 30, customers: 900, now: NOW });
    expect(other.customers[0].name).not.toBe(company.customers[0].name);
  });

  it('[X7] streaming slices and the in-memory company are the same data', () => {
    const stream = streamCompany({ seed: 42, reps: 30, customers: 900, now: NOW });
    const customers: string[] = [];
    const visits: string[] = [];
    for (const s of stream.slices()) {
      customers.push(...s.customers.map((c) => c.id));
      visits.push(...s.visits.map((v) => v.id));
    }
    expect(customers).toEqual(company.customers.map((c) => c.id));
    expect(visits).toEqual(company.visits.map((v) => v.id));
    expect(() => [...stream.slices()]).toThrow();
  });

  it('[X7] builds the organisation at the requested scale with one user of every role', () => {
    const c = generateCompany({ seed: 7, reps: 120, customers: 0, now: NOW });
    expect(c.tenant).toMatchObject({ slug: 'demo', timeZone: 'Asia/Shanghai' });
    expect(c.regions.map((r) => r.name)).toEqual(['华东大区', '华北大区', '华南大区']);
    expect(c.teams).toHaveLength(12);
    const count = (role: string) => c.users.filter((u) => u.role === role).length;
    expect([count('admin'), count('director'), count('manager'), count('rep')]).toEqual([1, 3, 12, 120]);
    expect([count('bp'), count('service'), count('marketing'), count('delivery'), count('qa')]).toEqual([2, 3, 2, 2, 2]);
    expect(c.users.map((u) => u.username)).toEqual(
      expect.arrayContaining(['admin', 'director1', 'manager12', 'rep001', 'rep120', 'bp1', 'service3', 'marketing2', 'delivery1', 'qa2']),
    );
    expect(new Set(c.users.map((u) => u.username)).size).toBe(c.users.length);
    const reps = c.users.filter((u) => u.role === 'rep');
    const mentors = reps.filter((u) => u.isMentor).length;
    expect(mentors).toBeGreaterThanOrEqual(6);
    expect(mentors).toBeLessThanOrEqual(18);
    const newHires = reps.filter((u) => u.hiredOn >= localDate(new Date(NOW.getTime() - 92 * 86_400_000)));
    expect(newHires.length).toBeGreaterThan(0);
    for (const u of c.users) {
      expect(u.email).toBe(`${u.username}@demo.trueline.local`);
      expect(u.displayName).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
      expect(normaliseMobile(u.phone)).toEqual({ ok: true, normalised: u.phone });
    }
  });

  it('[X7] scales regions (~40 reps) and teams (10 reps) for a large sales force', () => {
    const c = generateCompany({ seed: 7, reps: 2000, customers: 0, now: NOW });
    expect(c.regions).toHaveLength(50);
    expect(c.teams).toHaveLength(200);
    expect(new Set(c.regions.map((r) => r.name)).size).toBe(50);
    expect(new Set(c.teams.map((t) => t.name)).size).toBe(200);
    expect(c.users.filter((u) => u.role === 'rep').map((u) => u.username).slice(0, 2)).toEqual(['rep0001', 'rep0002']);
  });

  it('[X7] keeps reporting lines consistent: director → region, manager → team, rep → manager', () => {
    const users = new Map(company.users.map((u) => [u.id, u]));
    for (const r of company.regions) expect(users.get(r.directorId)).toMatchObject({ role: 'director', regionId: r.id });
    for (const t of company.teams) expect(users.get(t.managerId)).toMatchObject({ role: 'manager', teamId: t.id, regionId: t.regionId });
    const teams = new Map(company.teams.map((t) => [t.id, t]));
    for (const u of company.users.filter((x) => x.role === 'rep')) {
      const team = teams.get(u.teamId!)!;
      expect(u.regionId).toBe(team.regionId);
      expect(u.managerId).toBe(team.managerId);
    }
  });

  it('[C1] gives every organisation a valid, unique credit code and every person a valid, unique mobile', () => {
    const orgs = company.customers.filter((c) => c.kind === 'org');
    const people = company.customers.filter((c) => c.kind === 'person');
    expect(orgs.length).toBeGreaterThan(700);
    expect(people.length).toBeGreaterThan(20);
    for (const c of orgs) expect(checkCreditCode(c.creditCode!)).toEqual({ ok: true, normalised: c.creditCode });
    expect(new Set(orgs.map((c) => c.creditCode)).size).toBe(orgs.length);
    for (const c of company.customers) expect(normaliseMobile(c.mobile!)).toEqual({ ok: true, normalised: c.mobile });
    expect(new Set(people.map((c) => c.mobile)).size).toBe(people.length);
    expect(new Set(orgs.map((c) => c.name)).size).toBe(orgs.length);
    // The registration division in the code is the customer's city.
    for (const c of orgs) expect(c.creditCode!.slice(2, 8)).toBe(cities.get(c.city)!.division);
  });

  it('[X7] gives customers the requested count, tier mix, owners in the right team and region, and places near their city', () => {
    expect(company.customers).toHaveLength(900);
    const share = (t: string) => company.customers.filter((c) => c.tier === t).length / company.customers.length;
    expect(share('KA')).toBeGreaterThan(0.02);
    expect(share('KA')).toBeLessThan(0.09);
    expect(share('B')).toBeGreaterThan(0.35);
    const users = new Map(company.users.map((u) => [u.id, u]));
    const regions = new Map(company.regions.map((r) => [r.id, r]));
    for (const c of company.customers) {
      const owner = users.get(c.ownerId)!;
      expect(owner.role).toBe('rep');
      expect(c.teamId).toBe(owner.teamId);
      expect(c.regionId).toBe(owner.regionId);
      const city = cities.get(c.city)!;
      expect(regions.get(c.regionId)!.cities).toContain(city.name);
      expect(c.province).toBe(city.province);
      expect(c.address.startsWith(city.province)).toBe(true);
      expect(c.lat).toBeGreaterThan(CHINA_BBOX.minLat);
      expect(c.lat).toBeLessThan(CHINA_BBOX.maxLat);
      expect(c.lng).toBeGreaterThan(CHINA_BBOX.minLng);
      expect(c.lng).toBeLessThan(CHINA_BBOX.maxLng);
      expect(distanceKm(c.lat, c.lng, city.lat, city.lng)).toBeLessThanOrEqual(15.05);
      expect(c.createdAt.getTime()).toBeLessThan(NOW.getTime());
    }
  });

  it('[X7] dates opportunities within the window with amounts that grow with the tier', () => {
    const customers = new Map(company.customers.map((c) => [c.id, c]));
    const start = NOW.getTime() - 366 * 86_400_000;
    const byTier: Record<string, number[]> = { KA: [], A: [], B: [], C: [] };
    for (const o of company.opportunities) {
      const c = customers.get(o.customerId)!;
      expect(o.ownerId).toBe(c.ownerId);
      expect(o.createdAt.getTime()).toBeGreaterThanOrEqual(start);
      expect(o.createdAt.getTime()).toBeLessThan(NOW.getTime());
      expect(o.amount).toBeGreaterThan(0);
      expect(o.products.length).toBeGreaterThan(0);
      expect(['won', 'lost'].includes(o.stage)).toBe(o.closedAt !== null);
      if (o.closedAt) expect(o.closedAt.getTime()).toBeLessThan(NOW.getTime());
      byTier[c.tier].push(o.amount);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(median(byTier.KA)).toBeGreaterThan(median(byTier.A));
    expect(median(byTier.A)).toBeGreaterThan(median(byTier.B));
    expect(median(byTier.B)).toBeGreaterThan(median(byTier.C));
  });

  it('[X7] records visits by the owner on working days in Shanghai working hours, near the customer, with varied notes', () => {
    const customers = new Map(company.customers.map((c) => [c.id, c]));
    const reps = company.users.filter((u) => u.role === 'rep').length;
    expect(company.visits.length).toBeGreaterThan(reps * 100);
    const perRepDay = new Map<string, number>();
    // Collect violations and assert once: tens of thousands of expect() calls would dominate the run time.
    const problems: string[] = [];
    const check = (ok: boolean, what: string, id: string) => {
      if (!ok && problems.length < 20) problems.push(`${what}: ${id}`);
    };
    for (const v of company.visits) {
      const c = customers.get(v.customerId)!;
      check(v.repId === c.ownerId && v.teamId === c.teamId && v.regionId === c.regionId, 'owner/team/region', v.id);
      const at = local(v.occurredAt);
      const day = at.toISOString().slice(0, 10);
      const minutes = at.getUTCHours() * 60 + at.getUTCMinutes();
      check(isWorkingDay(day), 'working day', v.id);
      check(minutes >= 9 * 60 && minutes <= 18 * 60, 'working hours', v.id);
      check(v.occurredAt.getTime() < NOW.getTime(), 'in the past', v.id);
      check(v.recordedAt.getTime() >= v.occurredAt.getTime(), 'recorded after it occurred', v.id);
      check(local(v.recordedAt).toISOString().slice(0, 10) === day, 'recorded the same day', v.id);
      check(v.occurredAt.getTime() >= c.createdAt.getTime(), 'customer existed', v.id);
      check(distanceKm(v.lat, v.lng, c.lat, c.lng) < 0.5, 'near the customer', v.id);
      check(v.note.length > 8 && v.purpose.length > 0, 'note and purpose', v.id);
      const key = `${v.repId}/${day}`;
      perRepDay.set(key, (perRepDay.get(key) ?? 0) + 1);
    }
    expect(problems).toEqual([]);
    expect(Math.max(...perRepDay.values())).toBeLessThanOrEqual(4);
    expect(new Set(company.visits.map((v) => v.note)).size / company.visits.length).toBeGreaterThan(0.9);
    // No visits during the National Day holiday (1–7 October 2026).
    expect(company.visits.some((v) => /^2026-10-0[1-7]/.test(local(v.occurredAt).toISOString()))).toBe(false);
  });

  it('[X7] caps visits per rep and working day when asked', () => {
    const c = generateCompany({ seed: 42, reps: 10, customers: 200, now: NOW, maxVisitsPerRepDay: 1 });
    const keys = c.visits.map((v) => `${v.repId}/${local(v.occurredAt).toISOString().slice(0, 10)}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('[X7] lets a pattern plant ground truth deterministically without changing the other data', () => {
    const midnight: DemoPattern = {
      name: 'midnight-backfill',
      apply(slice, ctx) {
        if (slice.rep.username !== 'rep003') return;
        const planted = ctx.rng.sample(slice.visits, 5);
        for (const v of planted) v.recordedAt = new Date(v.occurredAt.getTime() + 12 * 3_600_000);
        return planted.map((v) => ({ pattern: 'midnight-backfill', kind: 'visit', id: v.id }));
      },
    };
    const a = generateCompany({ seed: 42, reps: 30, customers: 900, now: NOW, patterns: [midnight] });
    const b = generateCompany({ seed: 42, reps: 30, customers: 900, now: NOW, patterns: [midnight] });
    expect(a.truth).toHaveLength(5);
    expect(a.truth).toEqual(b.truth);
    expect(a.customers.map((c) => c.id)).toEqual(company.customers.map((c) => c.id));
    const planted = new Set(a.truth.map((t) => t.id));
    const changed = a.visits.filter((v, i) => v.recordedAt.getTime() !== company.visits[i].recordedAt.getTime());
    expect(new Set(changed.map((v) => v.id))).toEqual(planted);
  });
});

describe('demo helpers', () => {
  it('[X7] the seeded generator repeats its sequence and forks independent streams', () => {
    const a = createRng(1);
    const b = createRng(1);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRng(1).fork('x').next()).toBe(createRng(1).fork('x').next());
    expect(createRng(1).fork('x').next()).not.toBe(createRng(1).fork('y').next());
    // A fork does not depend on how much the parent has drawn.
    const p = createRng(9);
    const early = p.fork('k').next();
    p.next();
    expect(p.fork('k').next()).toBe(early);
    expect(createRng(3).uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const r = createRng(5);
    const ints = Array.from({ length: 2000 }, () => r.int(1, 6));
    expect(Math.min(...ints)).toBe(1);
    expect(Math.max(...ints)).toBe(6);
  });

  it('[X7] streams stay distinct at scale: 600,000 forks and 200,000 per-customer roots give as many different UUIDs', () => {
    // A 2,000-rep demo forks three streams for each of 200,000 customers; with 32-bit stream seeds
    // about forty of them collided and the loader failed on duplicate primary keys.
    const names = createRng(7);
    const ids = new Set<string>();
    for (let rep = 0; rep < 2000; rep++) {
      const root = createRng(`engagement:${names.uuid()}`);
      for (let c = 0; c < 100; c++) {
        const customerId = names.uuid();
        for (const k of ['t', 'p', 'a']) ids.add(root.fork(`${k}:${customerId}`).uuid());
      }
    }
    expect(ids.size).toBe(600_000);
    // Per-customer root streams (createRng(`sources/${id}`)) too.
    const roots = new Set<string>();
    for (let c = 0; c < 200_000; c++) roots.add(createRng(`sources/${names.uuid()}`).uuid());
    expect(roots.size).toBe(200_000);
  });

  it('[X7] apportions a total exactly', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(200_000, [0.35, 1.2, 0.9, 1]).reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(apportion(0, [1, 2])).toEqual([0, 0]);
  });

  it('[X7] follows the State Council calendar for holidays and make-up working days', () => {
    expect(isWorkingDay('2026-02-16')).toBe(false); // 春节 (Monday)
    expect(isWorkingDay('2026-02-14')).toBe(true); // 调休上班 (Saturday)
    expect(isWorkingDay('2026-10-05')).toBe(false); // 国庆
    expect(isWorkingDay('2026-11-25')).toBe(true); // ordinary Wednesday
    expect(isWorkingDay('2026-11-29')).toBe(false); // Sunday
  });
});
