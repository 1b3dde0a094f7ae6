// The demo company (X7): a deterministic, seeded Chinese sales organisation with customers,
// opportunities and visits. The same seed and `now` always give the same company, so the
// generator drives the first-start demo, tests and benchmarks alike, at any scale.
//
// Shape: the organisation (tenant, regions, teams, users) is generated up front; customers,
// opportunities and visits are generated rep by rep as "slices", so a loader can stream
// 200,000 customers and a million visits without holding them all. Each part draws from its
// own forked random stream, so a change in one part does not reshuffle the others.
//
// Ground-truth patterns (fabricated visits, churners, duplicates …) are added by later modules
// as DemoPattern objects: each may adjust a rep's slice and report what it planted, so
// detectors can be tested against known answers.
import { makeCreditCode, orgCodeCheckChar, CREDIT_CODE_CHARSET } from '../modules/customers/identity.js';
import { createRng, type Rng } from './rng.js';
import { isWorkingDay, localDate, TZ_OFFSET_MS as TZ_OFFSET, workingDays } from '../platform/calendar.js';
import {
  BRAND_CHARS,
  BUILDINGS,
  COMPANY_SUFFIXES,
  CUSTOMER_TAGS,
  DEAL_SIZE,
  DEPARTMENTS,
  GIVEN_NAMES,
  INDUSTRIES,
  MACRO_REGIONS,
  NOTE_PARTS,
  PRODUCTS,
  ROADS,
  STAGES,
  SURNAMES,
  TIERS,
  TITLES,
  VISIT_PURPOSES,
  type City,
  type Product,
} from './data.js';

export type Role = 'admin' | 'director' | 'manager' | 'rep' | 'bp' | 'service' | 'marketing' | 'delivery' | 'qa';
export type Tier = 'KA' | 'A' | 'B' | 'C';
export type CustomerStage = 'lead' | 'opportunity' | 'delivery' | 'renewal' | 'churned';
export type OpportunityStage = 'discovery' | 'qualified' | 'proposal' | 'negotiation' | 'won' | 'lost';

export interface GenerateOptions {
  seed: number;
  reps?: number;
  customers?: number;
  /** How many months of history (opportunities, visits) end at `now`. */
  months?: number;
  /** The generator's only notion of the present; everything is dated relative to it. */
  now: Date;
  /**
   * Cap on one rep's visits per working day. Default 4; large scales may lower it to keep the
   * visit table (reps × working days × visits) within what a demo needs.
   */
  maxVisitsPerRepDay?: number;
  patterns?: readonly DemoPattern[];
}

export interface DemoTenant {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  locale: string;
  createdAt: Date;
}

export interface DemoRegion {
  id: string;
  name: string;
  code: string;
  directorId: string;
  /** 华东 / 华北 / 华南 */
  macro: string;
  cities: string[];
  createdAt: Date;
}

export interface DemoTeam {
  id: string;
  regionId: string;
  name: string;
  managerId: string;
  /** The city the team is based in; most of its customers are there. */
  city: string;
  createdAt: Date;
}

export interface DemoUser {
  id: string;
  username: string;
  displayName: string;
  email: string;
  phone: string;
  role: Role;
  regionId: string | null;
  teamId: string | null;
  managerId: string | null;
  isMentor: boolean;
  /** YYYY-MM-DD */
  hiredOn: string;
  createdAt: Date;
}

export interface DemoCustomer {
  id: string;
  kind: 'org' | 'person';
  name: string;
  creditCode: string | null;
  mobile: string | null;
  contactName: string | null;
  industry: string | null;
  tier: Tier;
  stage: CustomerStage;
  regionId: string;
  teamId: string;
  ownerId: string;
  province: string;
  city: string;
  address: string;
  lat: number;
  lng: number;
  tags: string[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface DemoOpportunity {
  id: string;
  customerId: string;
  ownerId: string;
  teamId: string;
  regionId: string;
  name: string;
  stage: OpportunityStage;
  /** CNY, two decimals at most. */
  amount: number;
  /** YYYY-MM-DD */
  expectedClose: string;
  products: string[];
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface DemoVisit {
  id: string;
  customerId: string;
  repId: string;
  teamId: string;
  regionId: string;
  purpose: string;
  note: string;
  occurredAt: Date;
  recordedAt: Date;
  lat: number;
  lng: number;
}

export interface DemoOrg {
  tenant: DemoTenant;
  regions: DemoRegion[];
  teams: DemoTeam[];
  users: DemoUser[];
  /** Customers each rep owns, by rep id (sums to the requested customer count). */
  customerQuota: Map<string, number>;
  /**
   * The city each rep is stationed in, by rep id: the team's city for most, another city of the
   * region for some. A rep's customers are all in that city, so an honest day's visits are
   * reachable from one another (impossible-travel checks must not fire on clean data).
   */
  repCity: Map<string, string>;
  /** Start of the history window. */
  start: Date;
  now: Date;
}

/** What a pattern planted, for tests and detectors to check against. */
export interface DemoTruth {
  pattern: string;
  /** e.g. 'visit', 'customer', 'rep' */
  kind: string;
  id: string;
  detail?: Record<string, unknown>;
}

/** One rep's share of the company: their customers, opportunities and visits. */
export interface RepSlice {
  rep: DemoUser;
  team: DemoTeam;
  region: DemoRegion;
  customers: DemoCustomer[];
  opportunities: DemoOpportunity[];
  visits: DemoVisit[];
  truth: DemoTruth[];
}

export interface PatternContext {
  org: DemoOrg;
  /** A stream private to this pattern and this rep. */
  rng: Rng;
  /** Draws a mobile number unique within the company. */
  uniqueMobile(): string;
  /** Draws an organisation credit code unique within the company. */
  uniqueCreditCode(city: string): string;
}

/**
 * A ground-truth pattern planted in the demo data (e.g. a rep who back-fills visits at midnight).
 * `plan` sees the organisation once (choose which reps or customers carry the pattern);
 * `apply` may change or add rows in each rep's slice and returns what it planted.
 */
export interface DemoPattern {
  name: string;
  plan?(org: DemoOrg, rng: Rng): void;
  apply(slice: RepSlice, ctx: PatternContext): DemoTruth[] | void;
}

export interface DemoCompany extends Omit<DemoOrg, 'customerQuota' | 'repCity'> {
  customers: DemoCustomer[];
  opportunities: DemoOpportunity[];
  visits: DemoVisit[];
  truth: DemoTruth[];
}

export interface DemoStream {
  org: DemoOrg;
  /** Rep by rep, in username order. Call once: uniqueness bookkeeping lives in the stream. */
  slices(): Generator<RepSlice>;
}

const DAY = 86_400_000;
const MINUTE = 60_000;
const REPS_PER_TEAM = 10;
const REPS_PER_REGION = 40;
const PERSON_SHARE = 0.08;
/** Customers a rep needs before they have a full visiting schedule. */
const FULL_PORTFOLIO = 40;

/** The whole company in memory: convenient for tests and small scales. Loaders use streamCompany. */
export function generateCompany(opts: GenerateOptions): DemoCompany {
  const stream = streamCompany(opts);
  const { customerQuota: _q, repCity: _c, ...org } = stream.org;
  const out: DemoCompany = { ...org, customers: [], opportunities: [], visits: [], truth: [] };
  for (const s of stream.slices()) {
    out.customers.push(...s.customers);
    out.opportunities.push(...s.opportunities);
    for (const v of s.visits) out.visits.push(v);
    out.truth.push(...s.truth);
  }
  return out;
}

export function streamCompany(opts: GenerateOptions): DemoStream {
  const reps = Math.max(1, Math.floor(opts.reps ?? 120));
  const customers = Math.max(0, Math.floor(opts.customers ?? 6000));
  const months = Math.max(1, Math.floor(opts.months ?? 12));
  const maxPerDay = Math.max(0, Math.floor(opts.maxVisitsPerRepDay ?? 4));
  const patterns = opts.patterns ?? [];
  const root = createRng(opts.seed);
  const now = new Date(opts.now.getTime());
  const unique = new Uniqueness();
  const org = generateOrg(root.fork('org'), { reps, customers, months, now }, unique);
  for (const p of patterns) p.plan?.(org, root.fork(`pattern/${p.name}/plan`));

  const regionById = new Map(org.regions.map((r) => [r.id, r]));
  const teamById = new Map(org.teams.map((t) => [t.id, t]));
  const days = [...workingDays(org.start, org.now)];
  let consumed = false;

  function* slices(): Generator<RepSlice> {
    if (consumed) throw new Error('streamCompany(...).slices() can be iterated once; create a new stream');
    consumed = true;
    for (const rep of org.users) {
      if (rep.role !== 'rep') continue;
      const team = teamById.get(rep.teamId!)!;
      const region = regionById.get(rep.regionId!)!;
      const rng = root.fork(`rep/${rep.username}`);
      const slice: RepSlice = { rep, team, region, customers: [], opportunities: [], visits: [], truth: [] };
      slice.customers = makeCustomers(rng.fork('customers'), org, slice, org.customerQuota.get(rep.id) ?? 0, unique);
      slice.opportunities = makeOpportunities(rng.fork('opportunities'), org, slice);
      slice.visits = makeVisits(rng.fork('visits'), org, slice, maxPerDay, days);
      for (const p of patterns) {
        const ctx: PatternContext = {
          org,
          rng: root.fork(`pattern/${p.name}/${rep.username}`),
          uniqueMobile: () => unique.mobile(ctx.rng),
          uniqueCreditCode: (city) => unique.creditCode(ctx.rng, cityByName(city)),
        };
        const t = p.apply(slice, ctx);
        if (t) slice.truth.push(...t);
      }
      yield slice;
    }
  }
  return { org, slices };
}

// ── Organisation ──────────────────────────────────────────────────────────────────────────

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
/** Chinese numeral for 1…99 (一, 十一, 二十三). */
export function cnNumber(n: number): string {
  if (n <= 10) return NUMERALS[n - 1];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : NUMERALS[tens - 1]}十${ones ? NUMERALS[ones - 1] : ''}`;
}

const CITY_BY_NAME = new Map(MACRO_REGIONS.flatMap((m) => m.cities).map((c) => [c.name, c]));
function cityByName(name: string): City {
  const c = CITY_BY_NAME.get(name.replace(/市$/, ''));
  if (!c) throw new Error(`unknown demo city ${name}`);
  return c;
}

function generateOrg(rng: Rng, o: { reps: number; customers: number; months: number; now: Date }, unique: Uniqueness): DemoOrg {
  const { now } = o;
  const start = addMonthsLocal(now, -o.months);
  const tenantCreated = new Date(start.getTime() - 14 * DAY);
  const tenant: DemoTenant = {
    id: rng.uuid(),
    slug: 'demo',
    name: '演示科技有限公司',
    timeZone: 'Asia/Shanghai',
    locale: 'zh-CN',
    createdAt: tenantCreated,
  };
  const nTeams = Math.max(1, Math.ceil(o.reps / REPS_PER_TEAM));
  const nRegions = Math.min(nTeams, Math.max(1, Math.round(o.reps / REPS_PER_REGION)));
  const nameRng = rng.fork('names');
  const person = () => unique.personName(nameRng);
  const users: DemoUser[] = [];
  const hired = (minYears: number, maxYears: number) => localDate(new Date(now.getTime() - rng.float(minYears, maxYears) * 365 * DAY));
  const createdFor = (hiredOn: string) => new Date(Math.max(tenantCreated.getTime(), Date.parse(`${hiredOn}T01:00:00Z`)));
  const user = (u: Omit<DemoUser, 'id' | 'email' | 'phone' | 'createdAt' | 'displayName' | 'isMentor'> & { isMentor?: boolean }): DemoUser => {
    const full: DemoUser = {
      id: rng.uuid(),
      displayName: person(),
      email: `${u.username}@demo.trueline.local`,
      phone: unique.mobile(rng),
      isMentor: false,
      createdAt: createdFor(u.hiredOn),
      ...u,
    };
    users.push(full);
    return full;
  };

  user({ username: 'admin', role: 'admin', regionId: null, teamId: null, managerId: null, hiredOn: hired(3, 8) });

  // Regions: round-robin over the three macro-regions; each macro's cities split between its regions.
  const regions: DemoRegion[] = [];
  const perMacro = MACRO_REGIONS.map((_, m) => Math.floor(nRegions / 3) + (m < nRegions % 3 ? 1 : 0));
  const seenInMacro = MACRO_REGIONS.map(() => 0);
  for (let i = 0; i < nRegions; i++) {
    const m = i % MACRO_REGIONS.length;
    const macro = MACRO_REGIONS[m];
    const k = seenInMacro[m]++;
    const count = perMacro[m];
    const cities =
      count <= macro.cities.length
        ? macro.cities.filter((_, ci) => ci % count === k).map((c) => c.name)
        : [macro.cities[k % macro.cities.length].name];
    const name = count === 1 ? `${macro.name}大区` : `${macro.name}${cnNumber(k + 1)}区`;
    const director = user({ username: `director${i + 1}`, role: 'director', regionId: null, teamId: null, managerId: null, hiredOn: hired(4, 12) });
    const region: DemoRegion = { id: rng.uuid(), name, code: `R${String(i + 1).padStart(2, '0')}`, directorId: director.id, macro: macro.name, cities, createdAt: tenantCreated };
    director.regionId = region.id;
    regions.push(region);
  }

  // Teams: spread round-robin over regions, each based in one of its region's cities.
  const teams: DemoTeam[] = [];
  const perCity = new Map<string, number>();
  const teamsInRegion = regions.map(() => 0);
  for (let t = 0; t < nTeams; t++) {
    const r = t % nRegions;
    const region = regions[r];
    const cityName = region.cities[teamsInRegion[r]++ % region.cities.length];
    const n = (perCity.get(cityName) ?? 0) + 1;
    perCity.set(cityName, n);
    const manager = user({
      username: `manager${t + 1}`,
      role: 'manager',
      regionId: region.id,
      teamId: null,
      managerId: region.directorId,
      hiredOn: hired(2, 9),
    });
    const team: DemoTeam = { id: rng.uuid(), regionId: region.id, name: `${cityName}${n <= 99 ? cnNumber(n) : n}组`, managerId: manager.id, city: cityName, createdAt: tenantCreated };
    manager.teamId = team.id;
    teams.push(team);
  }

  // Reps: contiguous blocks per team (rep001–rep010 in team 1 …); ~8% hired in the last 3 months.
  const pad = Math.max(3, String(o.reps).length);
  const repUsers: DemoUser[] = [];
  for (let t = 0; t < nTeams; t++) {
    const team = teams[t];
    const from = Math.floor((t * o.reps) / nTeams);
    const to = Math.floor(((t + 1) * o.reps) / nTeams);
    for (let i = from; i < to; i++) {
      const newHire = rng.chance(0.08);
      // Tenure is skewed short, as in most sales forces: an exponential with a mean of ~2.5 years.
      const years = newHire ? rng.float(0.02, 0.25) : Math.min(10, 0.25 + -Math.log(1 - rng.next()) * 2.3);
      repUsers.push(
        user({
          username: `rep${String(i + 1).padStart(pad, '0')}`,
          role: 'rep',
          regionId: team.regionId,
          teamId: team.id,
          managerId: team.managerId,
          hiredOn: localDate(new Date(now.getTime() - years * 365 * DAY)),
        }),
      );
    }
  }
  // Mentors: about one rep in ten, chosen among those with two or more years' tenure.
  const veterans = repUsers.filter((u) => now.getTime() - Date.parse(u.hiredOn) >= 2 * 365 * DAY);
  for (const m of rng.sample(veterans, Math.round(repUsers.length * 0.1))) m.isMentor = true;

  const support: [Role, number][] = [
    ['bp', 2],
    ['service', 3],
    ['marketing', 2],
    ['delivery', 2],
    ['qa', 2],
  ];
  for (const [role, n] of support) {
    for (let i = 1; i <= n; i++) {
      // BPs partner with a region (their read scope); the other functions serve the whole company.
      const regionId = role === 'bp' ? regions[(i - 1) % regions.length].id : null;
      user({ username: `${role}${i}`, role, regionId, teamId: null, managerId: null, hiredOn: hired(1, 7) });
    }
  }

  const repCity = new Map<string, string>();
  for (const u of repUsers) {
    const region = regions.find((r) => r.id === u.regionId)!;
    const team = teams.find((t) => t.id === u.teamId)!;
    repCity.set(u.id, rng.chance(0.7) ? team.city : rng.pick(region.cities));
  }

  // Customers per rep: new hires hold fewer; the rest vary around the mean.
  const weights = repUsers.map((u) => (now.getTime() - Date.parse(u.hiredOn) < 92 * DAY ? 0.35 : Math.max(0.3, rng.normal(1, 0.25))));
  const customerQuota = new Map<string, number>();
  apportion(o.customers, weights).forEach((n, i) => customerQuota.set(repUsers[i].id, n));

  return { tenant, regions, teams, users, customerQuota, repCity, start, now };
}

/** Splits total into integer parts proportional to weights (largest remainder), summing exactly to total. */
export function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (!weights.length) return [];
  const exact = weights.map((w) => (sum > 0 ? (total * w) / sum : total / weights.length));
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k][1]]++;
  return out;
}

// ── Uniqueness (credit codes, mobiles, names) ─────────────────────────────────────────────

/** Real mainland mobile number blocks (three-digit prefixes) in use. */
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139', '147', '150', '151', '152', '153', '155', '156', '157', '158', '159',
  '166', '173', '175', '176', '177', '178', '180', '181', '182', '183', '184', '185', '186', '187', '188', '189', '191', '198', '199',
];
/** Characters used in "MA…"-style organisation codes issued since 2015 (no I, O, S, V, Z). */
const ORG_CODE_CHARS = CREDIT_CODE_CHARSET;

class Uniqueness {
  private codes = new Set<string>();
  private mobiles = new Set<string>();
  private companyNames = new Set<string>();
  private userNames = new Set<string>();

  mobile(rng: Rng): string {
    for (;;) {
      const m = rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
      if (!this.mobiles.has(m)) {
        this.mobiles.add(m);
        return m;
      }
    }
  }

  creditCode(rng: Rng, city: City): string {
    for (;;) {
      // Organisation code: legacy 8 digits (pre-2015 enterprises) or the newer "MA" series.
      let body = '';
      if (rng.chance(0.45)) {
        body = String(rng.int(5, 7)) + String(rng.int(0, 9_999_999)).padStart(7, '0');
      } else {
        body = 'MA';
        for (let i = 0; i < 6; i++) body += ORG_CODE_CHARS[rng.int(0, ORG_CODE_CHARS.length - 1)];
      }
      const code = makeCreditCode(`91${city.division}${body}${orgCodeCheckChar(body)}`);
      if (!this.codes.has(code)) {
        this.codes.add(code);
        return code;
      }
    }
  }

  /** Company names are unique; a clash retries, then falls back to a three-character trade name. */
  companyName(make: (brandLen: number) => string): string {
    for (let i = 0; i < 30; i++) {
      const n = make(2);
      if (!this.companyNames.has(n)) return this.keep(n);
    }
    for (;;) {
      const n = make(3);
      if (!this.companyNames.has(n)) return this.keep(n);
    }
  }

  private keep(n: string) {
    this.companyNames.add(n);
    return n;
  }

  /** Staff names are unique (easier to tell reps apart in a demo); customers' contacts need not be. */
  personName(rng: Rng): string {
    for (let i = 0; ; i++) {
      const n = randomName(rng, i > 50);
      if (!this.userNames.has(n)) {
        this.userNames.add(n);
        return n;
      }
    }
  }
}

export function randomName(rng: Rng, long = false): string {
  const surname = rng.weighted(SURNAMES);
  const given = long ? rng.pick(GIVEN_NAMES) + rng.pick(GIVEN_NAMES).slice(0, 1) : rng.pick(GIVEN_NAMES);
  return surname + given;
}

// ── Customers ─────────────────────────────────────────────────────────────────────────────

function makeCustomers(rng: Rng, org: DemoOrg, slice: RepSlice, count: number, unique: Uniqueness): DemoCustomer[] {
  const { rep, team, region } = slice;
  const city = cityByName(org.repCity.get(rep.id) ?? team.city);
  const hiredAt = Date.parse(`${rep.hiredOn}T01:00:00Z`);
  const out: DemoCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const person = rng.chance(PERSON_SHARE);
    const industry = rng.weighted(INDUSTRIES.map((x) => [x, x.weight] as const));
    const tier: Tier = person ? rng.weighted([['A', 5], ['B', 35], ['C', 60]] as const) : rng.weighted(TIERS);
    let name: string;
    let contactName: string;
    if (person) {
      name = randomName(rng);
      contactName = name;
    } else {
      const term = rng.pick(industry.terms);
      const suffix = tier === 'KA' && rng.chance(0.5) ? rng.pick(['集团有限公司', '股份有限公司']) : rng.weighted(COMPANY_SUFFIXES);
      const inBrackets = rng.chance(0.2);
      name = unique.companyName((len) => {
        let brand = rng.pick(BRAND_CHARS);
        while (brand.length < len) {
          const c = rng.pick(BRAND_CHARS);
          if (!brand.includes(c)) brand += c;
        }
        return inBrackets ? `${brand}${term}（${city.name}）${suffix}` : `${city.name}${brand}${term}${suffix}`;
      });
      contactName = randomName(rng);
    }
    // Most customers were imported when the tenant started; the rest arrived during the window.
    const imported = rng.chance(0.55);
    const earliest = Math.max(org.tenant.createdAt.getTime(), hiredAt);
    const createdAt = imported
      ? new Date(Math.max(earliest, org.tenant.createdAt.getTime() + rng.int(0, 3 * DAY)))
      : rng.date(new Date(Math.max(earliest, org.start.getTime())), new Date(org.now.getTime() - DAY));
    const stageWeights = STAGES.map(([s, w]) => [s, s === 'lead' && !imported ? w * 2 : w] as const);
    const stage = rng.weighted(stageWeights);
    const tags = rng.sample(CUSTOMER_TAGS, rng.weighted([[0, 30], [1, 35], [2, 25], [3, 10]] as const));
    if (tier === 'KA' && !tags.includes('重点客户')) tags.unshift('重点客户');
    const { lat, lng } = scatter(rng, city.lat, city.lng, 15);
    const updatedAt = new Date(createdAt.getTime() + Math.pow(rng.next(), 0.5) * (org.now.getTime() - createdAt.getTime()));
    out.push({
      id: rng.uuid(),
      kind: person ? 'person' : 'org',
      name,
      creditCode: person ? null : unique.creditCode(rng, city),
      mobile: unique.mobile(rng),
      contactName,
      industry: industry.name,
      tier,
      stage,
      regionId: region.id,
      teamId: team.id,
      ownerId: rep.id,
      province: city.province,
      city: `${city.name}市`,
      address: address(rng, city),
      lat,
      lng,
      tags,
      createdBy: rep.id,
      createdAt,
      updatedAt,
    });
  }
  return out;
}

function address(rng: Rng, city: City): string {
  const municipality = city.province === `${city.name}市`;
  const head = municipality ? city.province : `${city.province}${city.name}市`;
  const no = rng.weighted([[rng.int(1, 99), 50], [rng.int(100, 999), 45], [rng.int(1000, 2999), 5]] as const);
  const building = rng.chance(0.45) ? `${rng.pick(BRAND_CHARS)}${rng.pick(BRAND_CHARS)}${rng.pick(BUILDINGS)}${rng.int(2, 28)}层` : '';
  return `${head}${rng.pick(city.districts)}${rng.pick(ROADS)}${no}号${building}`;
}

/** A point within radiusKm of a centre, denser towards the middle, rounded to ~0.1 m. */
export function scatter(rng: Rng, lat: number, lng: number, radiusKm: number): { lat: number; lng: number } {
  const r = radiusKm * Math.pow(rng.next(), 0.75);
  const theta = rng.float(0, 2 * Math.PI);
  const dLat = (r * Math.cos(theta)) / 111.32;
  const dLng = (r * Math.sin(theta)) / (111.32 * Math.cos((lat * Math.PI) / 180));
  return { lat: round6(lat + dLat), lng: round6(lng + dLng) };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Great-circle distance in kilometres (haversine). */
export function distanceKm(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const rad = Math.PI / 180;
  const dLat = (bLat - aLat) * rad;
  const dLng = (bLng - aLng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

// ── Opportunities ─────────────────────────────────────────────────────────────────────────

const OPEN_STAGES: readonly (readonly [OpportunityStage, number])[] = [
  ['discovery', 30],
  ['qualified', 28],
  ['proposal', 24],
  ['negotiation', 18],
];

function makeOpportunities(rng: Rng, org: DemoOrg, slice: RepSlice): DemoOpportunity[] {
  const out: DemoOpportunity[] = [];
  const nowMs = org.now.getTime();
  const startMs = org.start.getTime();
  for (const c of slice.customers) {
    const plan: OpportunityStage[] = [];
    switch (c.stage) {
      case 'lead':
        if (rng.chance(0.3)) plan.push('discovery');
        break;
      case 'opportunity':
        plan.push(rng.weighted(OPEN_STAGES));
        if (rng.chance(0.35)) plan.push(rng.weighted(OPEN_STAGES));
        if (rng.chance(0.2)) plan.push('lost');
        break;
      case 'delivery':
        plan.push('won');
        if (rng.chance(0.3)) plan.push(rng.weighted(OPEN_STAGES));
        break;
      case 'renewal':
        plan.push('won');
        plan.push(rng.chance(0.6) ? rng.weighted(OPEN_STAGES.slice(1)) : 'won');
        break;
      case 'churned':
        if (rng.chance(0.5)) plan.push('won');
        plan.push('lost');
        break;
    }
    const short = shortName(c);
    for (const stage of plan) {
      const from = Math.max(startMs, c.createdAt.getTime());
      const closed = stage === 'won' || stage === 'lost';
      // Closed deals need room to run their course before now; open ones may have started any time.
      const createdAt = new Date(from + rng.next() * Math.max(0, (closed ? nowMs - 20 * DAY : nowMs - DAY) - from));
      let closedAt: Date | null = null;
      let expected: Date;
      if (closed) {
        closedAt = new Date(Math.min(nowMs - DAY, createdAt.getTime() + rng.int(20, 150) * DAY + rng.int(0, DAY)));
        if (closedAt.getTime() < createdAt.getTime()) closedAt = new Date(createdAt.getTime() + DAY);
        expected = new Date(closedAt.getTime() + rng.int(-20, 20) * DAY);
      } else {
        // Mostly ahead of now; about one in ten already slipped past its expected close.
        expected = rng.chance(0.1) ? new Date(nowMs - rng.int(1, 45) * DAY) : new Date(nowMs + rng.int(7, 180) * DAY);
      }
      const products = pickProducts(rng, c.tier);
      const size = DEAL_SIZE[c.tier];
      const amount = Math.max(size.min, roundAmount(rng.logNormal(Math.log(size.median), size.sigma)));
      const updatedAt = closedAt ?? new Date(createdAt.getTime() + rng.next() * (nowMs - createdAt.getTime()));
      out.push({
        id: rng.uuid(),
        customerId: c.id,
        ownerId: c.ownerId,
        teamId: c.teamId,
        regionId: c.regionId,
        name: `${short} ${products[0].line}${rng.pick(['项目', '升级项目', '二期项目', '采购', '扩容'])}`,
        stage,
        amount,
        expectedClose: localDate(expected),
        products: products.map((p) => p.sku),
        createdAt,
        updatedAt,
        closedAt,
      });
    }
  }
  return out;
}

function shortName(c: DemoCustomer): string {
  if (c.kind === 'person') return c.name;
  // 上海恒瑞精密机械有限公司 → 恒瑞精密机械; 恒瑞精密机械（上海）有限公司 → 恒瑞精密机械
  const city = c.city.replace(/市$/, '');
  return c.name
    .replace(/（[^）]*）/, '')
    .replace(new RegExp(`^${city}`), '')
    .replace(/(集团有限公司|股份有限公司|有限责任公司|有限公司)$/, '');
}

function pickProducts(rng: Rng, tier: Tier): Product[] {
  const line = rng.pick([...new Set(PRODUCTS.map((p) => p.line))]);
  const inLine = PRODUCTS.filter((p) => p.line === line);
  const n = Math.min(inLine.length, tier === 'KA' ? rng.int(2, 3) : tier === 'C' ? 1 : rng.int(1, 2));
  const picked = rng.sample(inLine, n);
  const services = PRODUCTS.filter((p) => p.line === '专业服务' && !picked.includes(p));
  if (services.length && rng.chance(tier === 'C' ? 0.1 : 0.35)) picked.push(rng.pick(services));
  return picked;
}

function roundAmount(x: number): number {
  if (x >= 1_000_000) return Math.round(x / 10_000) * 10_000;
  if (x >= 100_000) return Math.round(x / 1_000) * 1_000;
  return Math.round(x / 100) * 100;
}

// ── Visits ────────────────────────────────────────────────────────────────────────────────

const STAGE_PURPOSES: Record<CustomerStage, string[]> = {
  lead: ['初次拜访', '需求调研', '关系维护'],
  opportunity: ['需求调研', '方案演示', '技术交流', '商务谈判', '合同签订', '关系维护'],
  delivery: ['实施对接', '售后回访', '回款跟进', '技术交流', '关系维护'],
  renewal: ['续约沟通', '售后回访', '关系维护', '商务谈判', '回款跟进'],
  churned: ['关系维护', '售后回访'],
};
const TIER_VISIT_WEIGHT: Record<Tier, number> = { KA: 5, A: 3, B: 2, C: 1 };
const STAGE_VISIT_WEIGHT: Record<CustomerStage, number> = { lead: 1, opportunity: 2, delivery: 1.5, renewal: 1.5, churned: 0.15 };

function makeVisits(rng: Rng, org: DemoOrg, slice: RepSlice, maxPerDay: number, days: readonly Date[]): DemoVisit[] {
  const { rep } = slice;
  if (!slice.customers.length || maxPerDay <= 0) return [];
  // Customers in order of creation with cumulative weights: on any day only those already
  // created can be visited, which is a prefix of this list.
  const byCreated = [...slice.customers].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const cum: number[] = [];
  let acc = 0;
  for (const c of byCreated) cum.push((acc += TIER_VISIT_WEIGHT[c.tier] * STAGE_VISIT_WEIGHT[c.stage]));
  const oppsByCustomer = new Map<string, DemoOpportunity>();
  for (const o of slice.opportunities) oppsByCustomer.set(o.customerId, o);

  // A new hire spends the first week in training.
  const firstDay = Math.max(org.start.getTime(), Date.parse(`${rep.hiredOn}T00:00:00Z`) - TZ_OFFSET + 7 * DAY);
  const nowMs = org.now.getTime();
  const out: DemoVisit[] = [];
  let available = 0;
  for (const day of days) {
    const dayStart = day.getTime(); // local midnight, as a UTC instant
    if (dayStart + 9 * 60 * MINUTE < firstDay) continue;
    while (available < byCreated.length && byCreated[available].createdAt.getTime() <= dayStart + 9 * 60 * MINUTE) available++;
    if (!available) continue;
    // A small portfolio is not visited every day: scale the day's plan down below ~40 customers.
    const drawn = rng.weighted([[0, 6], [1, 20], [2, 32], [3, 28], [4, 14]] as const);
    let planned = 0;
    for (let k = 0; k < drawn; k++) if (rng.next() < available / FULL_PORTFOLIO) planned++;
    planned = Math.min(maxPerDay, planned);
    // Local 09:00–10:30 first visit, then 45–120 min on site plus 30–90 min of travel each.
    let t = dayStart + (9 * 60 + rng.int(0, 90)) * MINUTE;
    const visitedToday = new Set<string>();
    for (let k = 0; k < planned; k++) {
      if (t > dayStart + 18 * 60 * MINUTE) break;
      const c = pickWeighted(rng, byCreated, cum, available);
      if (visitedToday.has(c.id)) continue;
      visitedToday.add(c.id);
      const occurredAt = new Date(t);
      if (occurredAt.getTime() >= nowMs) break;
      // Most records are written within minutes; about one in eight in the evening (19:00–22:30).
      const lag = Math.min(240, Math.max(2, Math.round(rng.logNormal(Math.log(18), 0.8)))) * MINUTE;
      const evening = dayStart + rng.int(19 * 60, 22 * 60 + 30) * MINUTE;
      const recordedMs = rng.chance(0.12) && evening > occurredAt.getTime() + lag ? evening : occurredAt.getTime() + lag;
      const recordedAt = new Date(Math.min(nowMs, recordedMs));
      const purpose = rng.weighted(VISIT_PURPOSES.filter(([p]) => STAGE_PURPOSES[c.stage].includes(p)));
      const gps = scatterMeters(rng, c.lat, c.lng, 60);
      out.push({
        id: rng.uuid(),
        customerId: c.id,
        repId: rep.id,
        teamId: c.teamId,
        regionId: c.regionId,
        purpose,
        note: visitNote(rng, purpose, c, oppsByCustomer.get(c.id), occurredAt),
        occurredAt,
        recordedAt,
        lat: gps.lat,
        lng: gps.lng,
      });
      t += (rng.int(45, 120) + rng.int(30, 90)) * MINUTE;
    }
  }
  return out;
}

function pickWeighted<T>(rng: Rng, items: T[], cum: number[], n: number): T {
  const r = rng.next() * cum[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return items[lo];
}

/** GPS-like noise: a normal offset with the given standard deviation in metres. */
function scatterMeters(rng: Rng, lat: number, lng: number, sdMeters: number) {
  const dy = rng.normal(0, sdMeters) / 1000;
  const dx = rng.normal(0, sdMeters) / 1000;
  return { lat: round6(lat + dy / 111.32), lng: round6(lng + dx / (111.32 * Math.cos((lat * Math.PI) / 180))) };
}

function visitNote(rng: Rng, purpose: string, c: DemoCustomer, opp: DemoOpportunity | undefined, at: Date): string {
  const product = PRODUCTS.find((p) => p.sku === opp?.products[0]) ?? rng.pick(PRODUCTS);
  const contactSurname = c.contactName ? [...c.contactName][0] : rng.weighted(SURNAMES);
  const month = new Date(at.getTime() + TZ_OFFSET + rng.int(20, 50) * DAY).getUTCMonth() + 1;
  const fill = (s: string) =>
    s
      .replace('{dept}', c.kind === 'person' ? '' : rng.pick(DEPARTMENTS))
      .replace('{person}', c.kind === 'person' ? c.name : `${contactSurname}${rng.pick(TITLES)}`)
      .replace('{line}', product.line)
      .replace('{product}', product.name.split(' ')[0])
      .replace('{industry}', c.industry ?? '')
      .replace('{n}', String(rng.int(2, 12)))
      .replace('{month}', String(month))
      .replace('{weekday}', rng.pick(NOTE_PARTS.weekday))
      .replace('{budget}', String(Math.max(1, Math.round((opp?.amount ?? DEAL_SIZE[c.tier].median) / 10_000))));
  const topics = NOTE_PARTS.topic[purpose] ?? NOTE_PARTS.topic['关系维护'];
  const parts = [fill(rng.pick(NOTE_PARTS.opener)), fill(rng.pick(topics))];
  if (rng.chance(0.85)) parts.push(fill(rng.pick(NOTE_PARTS.outcome)));
  if (rng.chance(0.3)) parts.push(fill(rng.pick(NOTE_PARTS.outcome)));
  return [...new Set(parts)].join('，') + '。';
}

/** The same local wall-clock time `months` calendar months away (day clamped to the month's end). */
function addMonthsLocal(d: Date, months: number): Date {
  const local = new Date(d.getTime() + TZ_OFFSET);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth() + months;
  const target = new Date(Date.UTC(y, m, 1, local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(local.getUTCDate(), lastDay));
  return new Date(target.getTime() - TZ_OFFSET);
}

export { isWorkingDay, localDate, workingDays };
