// Ground truth for duplicate detection (C1): about 1.5% of customers are entered a second time,
// the way it happens in a sales team — a rep (or a colleague in the same team) types the company
// again with the legal form dropped or swapped, the city moved into brackets, half-width brackets,
// a typo, a branch suffix, or the company entered as an individual under its contact's mobile; the
// second record shares the phone and/or the address with the first (its own credit code differs,
// which is why the exact-key check did not catch it).
//
// Look-alikes keep precision honest: different companies of the same city with the same trade name
// in another legal form, one character apart, or in the same office building, and two individuals
// with the same name. They are recorded as pattern 'duplicate-lookalike' and must not be proposed.
//
// The pattern rewrites an existing customer of the slice (its "victim") instead of adding one, so
// customer totals stay exactly as requested and the duplicate has its own opportunities and
// visits — the rows a merge has to move. Deterministic: all draws come from the pattern's rng.
import type { DemoCustomer, DemoOrg, DemoPattern, DemoTruth, PatternContext, RepSlice } from './generate.js';
import type { Rng } from './rng.js';

export const DUPLICATE_PATTERN = 'duplicate';
export const LOOKALIKE_PATTERN = 'duplicate-lookalike';
const DUP_SHARE = 0.015;
const LOOKALIKE_SHARE = 0.01;
/** Share of duplicates whose original belongs to another rep of the same team. */
const CROSS_REP_SHARE = 0.35;
const SUFFIXES = ['有限公司', '股份有限公司', '有限责任公司', '集团有限公司'];
const SUFFIX_RE = /(集团有限公司|股份有限公司|有限责任公司|有限公司)$/;
const SWAP_CHARS = '恒瑞华远鑫盛达泰安康博创众汇联信宏德润丰嘉银金通宇天海新星明光辰晟峰凯佳誉力邦诚兴隆旭昌科锐腾越卓睿伟英东正永方元合利';

interface State {
  /** Earlier customers by team, for duplicates across reps of one team (bounded). */
  byTeam: Map<string, DemoCustomer[]>;
}
const states = new WeakMap<DemoOrg, State>();

const cityOf = (c: DemoCustomer) => c.city.replace(/市$/, '');

/** 上海恒瑞精密机械有限公司 → { place 上海, core 恒瑞精密机械, suffix 有限公司 } (also the bracket form). */
function parts(c: DemoCustomer) {
  const city = cityOf(c);
  const suffix = SUFFIX_RE.exec(c.name)?.[1] ?? '';
  let core = c.name.slice(0, c.name.length - suffix.length);
  const bracket = core.includes(`（${city}）`);
  core = core.replace(`（${city}）`, '');
  if (core.startsWith(city)) core = core.slice(city.length);
  return { city, core, suffix, bracket };
}

function shortName(c: DemoCustomer) {
  return c.kind === 'person' ? c.name : parts(c).core;
}

function typo(rng: Rng, core: string): string {
  const i = rng.int(0, Math.min(1, core.length - 1));
  let ch = core[i];
  while (ch === core[i]) ch = SWAP_CHARS[rng.int(0, SWAP_CHARS.length - 1)];
  return core.slice(0, i) + ch + core.slice(i + 1);
}

type NameVariant = 'drop_suffix' | 'swap_suffix' | 'bracket' | 'half_width' | 'spaces' | 'branch' | 'typo' | 'as_person';

function variantName(rng: Rng, o: DemoCustomer, v: NameVariant, otherCity: string): string {
  const { city, core, suffix, bracket } = parts(o);
  switch (v) {
    case 'drop_suffix':
      return bracket ? `${city}${core}` : `${core}`;
    case 'swap_suffix':
      return `${city}${core}${rng.pick(SUFFIXES.filter((s) => s !== suffix))}`;
    case 'bracket':
      return bracket ? `${city}${core}${suffix}` : `${core}（${city}）${suffix}`;
    case 'half_width':
      return `${core}(${city})${suffix}`;
    case 'spaces':
      return `${city} ${core} ${suffix}`;
    case 'branch':
      return `${city}${core}${suffix || '有限公司'}${otherCity}分公司`;
    case 'typo':
      return `${city}${typo(rng, core)}${suffix}`;
    case 'as_person':
      return core;
  }
}

/** The same address as written by someone else: without the province/city head, or with spaces. */
function addressVariant(rng: Rng, a: string, c: DemoCustomer): string {
  const head = c.province === c.city ? c.province : `${c.province}${c.city}`;
  if (rng.chance(0.5) && a.startsWith(head)) return a.slice(head.length);
  return rng.chance(0.5) ? a.replace(/(\d+号)/, ' $1 ') : a;
}

/** Another address on the original's street (the second record was given a different building). */
function otherAddress(rng: Rng, o: DemoCustomer): string {
  const m = /^(.*?)(\d+)号/.exec(o.address);
  if (!m) return `${o.address}附楼`;
  let n = Number(m[2]);
  while (n === Number(m[2])) n = rng.int(1, 999);
  return `${m[1]}${n}号`;
}

function rename(slice: RepSlice, victim: DemoCustomer, next: Partial<DemoCustomer>) {
  const oldShort = shortName(victim);
  Object.assign(victim, next);
  const newShort = shortName(victim);
  for (const o of slice.opportunities) {
    if (o.customerId === victim.id && o.name.startsWith(`${oldShort} `)) o.name = `${newShort} ${o.name.slice(oldShort.length + 1)}`;
  }
}

function plantDuplicate(rng: Rng, slice: RepSlice, ctx: PatternContext, original: DemoCustomer, victim: DemoCustomer): DemoTruth {
  const otherCity = rng.pick(['北京', '上海', '广州', '深圳', '杭州', '南京'].filter((c) => c !== cityOf(original)));
  const evidence = rng.weighted([['phone', 45], ['address', 35], ['both', 20]] as const);
  const sharePhone = evidence !== 'address';
  const shareAddress = evidence !== 'phone';
  const place = { province: original.province, city: original.city, lat: original.lat, lng: original.lng, industry: original.industry };
  let variant: NameVariant | 'same_person';
  if (original.kind === 'person') {
    variant = 'same_person';
    // A person entered again with a new number: only the address can tie them together.
    rename(slice, victim, { ...place, kind: 'person', name: original.name, contactName: original.name, creditCode: null, address: addressVariant(rng, original.address, original) });
  } else {
    variant = rng.weighted([
      ['drop_suffix', 20], ['swap_suffix', 15], ['bracket', 15], ['half_width', 10], ['spaces', 8], ['branch', 10], ['typo', 12], ['as_person', 10],
    ] as const);
    const name = variantName(rng, original, variant, otherCity);
    if (variant === 'as_person') {
      // The company entered as an individual under its contact's mobile (no credit code).
      rename(slice, victim, { ...place, kind: 'person', name, contactName: original.contactName, creditCode: null, mobile: original.mobile, address: shareAddress ? addressVariant(rng, original.address, original) : otherAddress(rng, original) });
    } else {
      rename(slice, victim, {
        ...place,
        kind: 'org',
        name,
        contactName: rng.chance(0.6) ? original.contactName : victim.contactName,
        creditCode: victim.creditCode ?? ctx.uniqueCreditCode(cityOf(original)),
        mobile: sharePhone ? original.mobile : victim.mobile,
        address: shareAddress ? addressVariant(rng, original.address, original) : otherAddress(rng, original),
      });
    }
  }
  return {
    pattern: DUPLICATE_PATTERN,
    kind: 'customer',
    id: victim.id,
    detail: { originalId: original.id, variant, evidence: variant === 'same_person' ? 'address' : evidence, crossRep: original.ownerId !== victim.ownerId },
  };
}

function plantLookalike(rng: Rng, original: DemoCustomer, victim: DemoCustomer, slice: RepSlice): DemoTruth | null {
  let kind: string;
  if (original.kind === 'person') {
    if (victim.kind !== 'person') return null;
    kind = 'same_person_name';
    rename(slice, victim, { name: original.name, contactName: original.name });
  } else {
    if (victim.kind !== 'org') return null;
    const { city, core, suffix } = parts(original);
    kind = rng.pick(['other_legal_form', 'one_char_apart', 'same_building'] as const);
    if (kind === 'other_legal_form') rename(slice, victim, { name: `${city}${core}${rng.pick(SUFFIXES.filter((s) => s !== suffix))}` });
    else if (kind === 'one_char_apart') rename(slice, victim, { name: `${city}${typo(rng, core)}${suffix}` });
    else victim.address = original.address;
  }
  return { pattern: LOOKALIKE_PATTERN, kind: 'customer', id: victim.id, detail: { lookalikeOf: original.id, kind } };
}

const count = (rng: Rng, x: number) => Math.floor(x) + (rng.chance(x - Math.floor(x)) ? 1 : 0);

export const duplicatesPattern: DemoPattern = {
  name: DUPLICATE_PATTERN,
  plan(org) {
    states.set(org, { byTeam: new Map() });
  },
  apply(slice, ctx) {
    const state = states.get(ctx.org) ?? { byTeam: new Map() };
    states.set(ctx.org, state);
    const { rng } = ctx;
    const truth: DemoTruth[] = [];
    const pool = state.byTeam.get(slice.team.id) ?? [];
    const mine = slice.customers;
    const used = new Set<string>();
    if (mine.length >= 8) {
      const order = rng.shuffle(mine);
      let next = 0;
      const take = () => {
        while (next < order.length && used.has(order[next].id)) next++;
        const c = order[next++];
        if (c) used.add(c.id);
        return c;
      };
      const dups = count(rng, mine.length * DUP_SHARE);
      for (let i = 0; i < dups; i++) {
        const cross = pool.length > 0 && rng.chance(CROSS_REP_SHARE);
        const original = cross ? pool.splice(rng.int(0, pool.length - 1), 1)[0] : take();
        const victim = take();
        if (!original || !victim) break;
        truth.push(plantDuplicate(rng, slice, ctx, original, victim));
      }
      const looks = count(rng, mine.length * LOOKALIKE_SHARE);
      for (let i = 0; i < looks; i++) {
        const original = take();
        const victim = take();
        if (!original || !victim) break;
        const t = plantLookalike(rng, original, victim, slice);
        if (t) truth.push(t);
      }
    }
    // Untouched customers may be entered again later by a colleague (bounded pool per team).
    for (const c of mine) if (!used.has(c.id) && pool.length < 200 && rng.chance(0.05)) pool.push(c);
    state.byTeam.set(slice.team.id, pool);
    return truth;
  },
};

/** Known duplicate pairs [duplicate id, original id] from a company's truth list. */
export function duplicatePairs(truth: readonly DemoTruth[]): [string, string][] {
  return truth.filter((t) => t.pattern === DUPLICATE_PATTERN).map((t) => [t.id, String(t.detail!.originalId)]);
}
