// Likely-duplicate detection (C1): two customer records that share no identity key (credit code,
// person mobile) but probably are the same customer. Pure functions, no I/O.
//
// Inputs: customer records (name, kind, mobile, contact, province/city, address).
// Output: candidate pairs with a score in [0, 1], the reasons that add up to it (rule, the two
// compared values, weight) and the rule version, so a reviewer sees why a pair was proposed.
//
// Score = min(1, sum of the weights of the rules that fire). A single signal (same name, same
// phone, same address) never reaches the proposal threshold on its own: different companies
// share office buildings, common person names repeat, and a trade name is reused in another legal
// form. Two independent signals do. Weights and threshold were calibrated on the demo company's
// planted duplicates and look-alikes (server/demo/duplicates.ts): precision ≥ 0.95, recall ≥ 0.90.
//
// Blocking: pairs are only formed inside blocks that share a normalised name key, a mobile, a
// normalised address or a contact-in-city, never all-pairs; a near-identical name (edit distance)
// is scored on those pairs but does not form blocks, because it is only evidence together with
// another signal.
import { normaliseMobile, toHalfWidth } from '../identity.js';

export const RULE_VERSION = 'c1-dup-1';

export const WEIGHTS = {
  /** Same name after removing legal form, place, branch and bracket/width/space differences. */
  name_same: 0.5,
  /** The same for two individuals (common names repeat more than trade names). */
  name_same_person: 0.4,
  /** Near-identical names: edit similarity of the normalised names ≥ NEAR_NAME. */
  name_similar: 0.35,
  phone_same: 0.5,
  address_same: 0.4,
  contact_city: 0.2,
} as const;
export type Rule = keyof typeof WEIGHTS;

/** Score at which a pair is proposed for review. */
export const THRESHOLD = 0.7;
/** Edit similarity (1 − Levenshtein / longer length) above which two names count as near-identical. */
export const NEAR_NAME = 0.75;
/** Blocks larger than this are not expanded into pairs (a key that common carries no evidence). */
export const MAX_BLOCK = 60;

export interface MatchRecord {
  id: string;
  kind: 'org' | 'person';
  name: string;
  mobile?: string | null;
  contactName?: string | null;
  province?: string | null;
  city?: string | null;
  address?: string | null;
}

export interface Reason {
  rule: Rule;
  /** The two values compared (as stored), in pair order. */
  a: string;
  b: string;
  weight: number;
  /** For name_similar: the similarity found. */
  similarity?: number;
}

export interface Candidate {
  aId: string;
  bId: string;
  score: number;
  reasons: Reason[];
  ruleVersion: string;
}

// ── Places ────────────────────────────────────────────────────────────────────────────────

const PROVINCES = (
  '北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 ' +
  '内蒙古 广西 西藏 宁夏 新疆 香港 澳门'
).split(' ');
const CITIES = (
  '杭州 南京 苏州 宁波 无锡 常州 合肥 温州 南昌 济南 青岛 石家庄 太原 郑州 西安 沈阳 大连 广州 深圳 东莞 佛山 厦门 福州 长沙 武汉 成都 昆明 ' +
  '贵阳 南宁 海口 三亚 兰州 西宁 银川 乌鲁木齐 呼和浩特 哈尔滨 长春 拉萨 珠海 中山 惠州 汕头 泉州 漳州 绍兴 嘉兴 湖州 金华 台州 南通 扬州 ' +
  '徐州 镇江 泰州 盐城 淮安 连云港 宿迁 芜湖 蚌埠 烟台 潍坊 威海 淄博 临沂 济宁 唐山 保定 廊坊 邯郸 洛阳 宜昌 襄阳 株洲 湘潭 岳阳 ' +
  '绵阳 宜宾 柳州 桂林 遵义 大同 鞍山 抚顺 吉林 包头 鄂尔多斯 江门 肇庆 湛江 茂名 揭阳 潮州 清远 韶关 昆山 江阴 义乌 慈溪'
).split(' ');
// Longest first, so 石家庄 wins over a shorter prefix.
const PLACES = [...new Set([...PROVINCES, ...CITIES])].sort((a, b) => b.length - a.length);
const PLACE_SET = new Set(PLACES);

/** '上海市' → '上海'; '浙江省' → '浙江'; null for empty. */
export function placeOf(city: string | null | undefined): string | null {
  if (!city) return null;
  const s = toHalfWidth(city).replace(/\s+/g, '').replace(/(省|市|自治区|特别行政区|地区)$/, '');
  return s || null;
}

/** Strips one leading place name (and its 省/市/自治区 unit) from s. */
function stripLeadingPlace(s: string): { place: string | null; rest: string } {
  for (const p of PLACES) {
    if (s.startsWith(p)) {
      let rest = s.slice(p.length);
      const unit = /^(省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)/.exec(rest);
      if (unit) rest = rest.slice(unit[0].length);
      // A place that leaves fewer than two characters is the name itself (e.g. 华安 is not 华 + 安).
      if (rest.length >= 2) return { place: p, rest };
    }
  }
  return { place: null, rest: s };
}

// ── Names ─────────────────────────────────────────────────────────────────────────────────

const LEGAL_SUFFIXES = [
  '股份有限公司', '有限责任公司', '集团有限公司', '有限公司', '责任公司', '股份公司', '集团公司', '总公司', '公司', '集团', '(中国)', '中国',
  'co.,ltd.', 'co.,ltd', 'co.ltd.', 'co.ltd', 'ltd.', 'ltd', 'inc.', 'inc', 'limited', 'corporation', 'corp.', 'corp',
].sort((a, b) => b.length - a.length);
const BRANCH = /(分公司|办事处|营业部|分店|分厂|分部|分中心)$/;

function clean(s: string): string {
  return toHalfWidth(s)
    .toLowerCase()
    .replace(/[【〔［[{｛]/g, '(')
    .replace(/[】〕］\]}｝]/g, ')')
    .replace(/。/g, '.')
    .replace(/[\s·•・"'“”‘’、_\-—–]+/g, '');
}

export interface NormalisedName {
  /** Comparable name: no legal form, place, branch, brackets, spaces, width differences. */
  core: string;
  /** Place named in the name (上海, from 上海… or …(上海)…), if any. */
  place: string | null;
  /** place|core, with the record's city when the name has no place: the blocking key. */
  key: string;
  /**
   * All keys the name may stand for. A leading word that is also a city (嘉兴, 金华 are trade
   * names too) gives a second reading without the place split off, in the record's city.
   */
  keys: string[];
}

/**
 * Normalises a customer name for comparison. Individuals keep their name (spaces and width
 * folded); organisations lose legal form (有限公司, 股份有限公司, 集团 …), a branch suffix
 * (…北京分公司), bracketed parts ((上海), (中国)) and a leading place, which is kept apart.
 */
export function normaliseName(name: string, kind: 'org' | 'person' = 'org', city?: string | null): NormalisedName {
  const hint = placeOf(city);
  let s = clean(name);
  if (kind === 'person' && s.length <= 4) return { core: s, place: null, key: `${hint ?? ''}|${s}`, keys: [`${hint ?? ''}|${s}`] };
  let place: string | null = null;
  // Branch: "…有限公司北京分公司" → "…有限公司"; "…北京分公司" → "…".
  const branch = /^(.*?(?:有限责任公司|股份有限公司|有限公司|公司|集团))(.+)$/.exec(s);
  if (branch && BRANCH.test(branch[2])) s = branch[1];
  else if (BRANCH.test(s)) {
    s = s.replace(BRANCH, '');
    for (const p of PLACES) if (s.endsWith(p) && s.length - p.length >= 2) {
      s = s.slice(0, -p.length);
      break;
    }
  }
  // Bracketed parts: a place is remembered, anything else (中国, 集团, 筹) dropped.
  s = s.replace(/\(([^()]*)\)/g, (_, inner: string) => {
    const p = placeOf(inner);
    if (p && PLACE_SET.has(p)) place ??= p;
    return '';
  });
  for (let changed = true; changed; ) {
    changed = false;
    for (const suf of LEGAL_SUFFIXES) {
      if (s.endsWith(suf) && s.length > suf.length) {
        s = s.slice(0, -suf.length);
        changed = true;
        break;
      }
    }
  }
  s = s.replace(/[,.]/g, '');
  if (s.startsWith('中国') && s.length > 4) s = s.slice(2);
  const keys: string[] = [];
  // A bracketed place means the leading text is the trade name: nothing more to split off.
  const lead = place ? { place: null, rest: s } : stripLeadingPlace(s);
  if (lead.place) {
    place = lead.place;
    const whole = s.replace(/[()]/g, '');
    s = lead.rest;
    // 浙江杭州… : a province followed by its city.
    if (PROVINCES.includes(lead.place)) {
      const again = stripLeadingPlace(s);
      if (again.place) {
        place = again.place;
        s = again.rest;
      }
    }
    if (hint && hint !== place) keys.push(`${hint}|${whole}`);
  }
  s = s.replace(/[()]/g, '');
  const key = `${place ?? hint ?? ''}|${s}`;
  return { core: s, place, key, keys: [key, ...keys] };
}

/** Levenshtein distance (two rows; strings are short names). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

/** 1 − distance / longer length, in [0, 1]. */
export function nameSimilarity(a: string, b: string): number {
  const n = Math.max([...a].length, [...b].length);
  if (!n) return 0;
  return 1 - editDistance(a, b) / n;
}

// ── Addresses, phones, contacts ───────────────────────────────────────────────────────────

/**
 * Comparable address: width, spaces and punctuation folded, the leading province and city
 * dropped (one record writes 上海市浦东新区…, another 浦东新区…). Empty when nothing is left.
 */
export function normaliseAddress(address: string | null | undefined): string {
  if (!address) return '';
  let s = clean(address).replace(/[,.()]/g, '');
  for (let i = 0; i < 2; i++) {
    const lead = stripLeadingPlace(s);
    if (!lead.place) break;
    s = lead.rest;
  }
  // Too short to identify a place (e.g. only a district).
  return s.length >= 6 ? s : '';
}

const phoneOf = (r: MatchRecord) => {
  if (!r.mobile) return null;
  const m = normaliseMobile(r.mobile);
  return m.ok ? m.normalised : null;
};

const contactOf = (r: MatchRecord) => (r.kind === 'org' && r.contactName ? clean(r.contactName) : '');

interface Prepared {
  r: MatchRecord;
  name: NormalisedName;
  phone: string | null;
  address: string;
  addressKey: string;
  contact: string;
  city: string;
}

function prepare(r: MatchRecord): Prepared {
  const name = normaliseName(r.name, r.kind, r.city);
  const address = normaliseAddress(r.address);
  const city = placeOf(r.city) ?? '';
  return { r, name, phone: phoneOf(r), address, addressKey: address ? `${city}|${address}` : '', contact: contactOf(r), city };
}

function blockKeys(p: Prepared): string[] {
  const keys: string[] = [];
  if (p.name.core.length >= 2) for (const k of p.name.keys) keys.push(`n:${k}`);
  if (p.phone) keys.push(`p:${p.phone}`);
  if (p.addressKey) keys.push(`a:${p.addressKey}`);
  if (p.contact && p.city) keys.push(`c:${p.city}|${p.contact}`);
  return keys;
}

/** Numbers in a name tell entities apart (第1分店, 客户12): names whose numbers differ are never near-identical. */
const digitsOf = (s: string) => (s.match(/\d+/g) ?? []).join(',');

const round2 = (x: number) => Math.round(x * 100) / 100;

function score(a: Prepared, b: Prepared): { score: number; reasons: Reason[] } {
  const reasons: Reason[] = [];
  const placesAgree = !a.name.place || !b.name.place || a.name.place === b.name.place;
  if (a.name.core.length >= 2 && a.name.keys.some((k) => b.name.keys.includes(k))) {
    const weight = a.r.kind === 'person' && b.r.kind === 'person' ? WEIGHTS.name_same_person : WEIGHTS.name_same;
    reasons.push({ rule: weight === WEIGHTS.name_same ? 'name_same' : 'name_same_person', a: a.r.name, b: b.r.name, weight });
  } else if (placesAgree && Math.min(a.name.core.length, b.name.core.length) >= 3 && digitsOf(a.name.core) === digitsOf(b.name.core)) {
    const sim = nameSimilarity(a.name.core, b.name.core);
    if (sim >= NEAR_NAME) reasons.push({ rule: 'name_similar', a: a.r.name, b: b.r.name, weight: WEIGHTS.name_similar, similarity: round2(sim) });
  }
  if (a.phone && a.phone === b.phone) reasons.push({ rule: 'phone_same', a: a.r.mobile!, b: b.r.mobile!, weight: WEIGHTS.phone_same });
  if (a.addressKey && a.addressKey === b.addressKey) reasons.push({ rule: 'address_same', a: a.r.address!, b: b.r.address!, weight: WEIGHTS.address_same });
  if (a.contact && a.contact === b.contact && a.city && a.city === b.city) {
    reasons.push({ rule: 'contact_city', a: `${a.r.contactName} · ${a.r.city}`, b: `${b.r.contactName} · ${b.r.city}`, weight: WEIGHTS.contact_city });
  }
  return { score: round2(Math.min(1, reasons.reduce((s, r) => s + r.weight, 0))), reasons };
}

/** Scores one pair (both directions give the same score). */
export function scorePair(a: MatchRecord, b: MatchRecord): { score: number; reasons: Reason[] } {
  return score(prepare(a), prepare(b));
}

export interface FindStats {
  records: number;
  blocks: number;
  pairsScored: number;
  /** Blocks skipped because they were larger than MAX_BLOCK (key and size). */
  oversized: { key: string; size: number }[];
}

/**
 * All candidate pairs scoring ≥ threshold among the records, ordered by score (highest first).
 * Pairs are formed only within blocks; `skip(a, b)` drops pairs already decided (dismissed).
 */
export function findCandidates(
  records: readonly MatchRecord[],
  opts: { threshold?: number; maxBlock?: number; skip?: (aId: string, bId: string) => boolean } = {},
): { candidates: Candidate[]; stats: FindStats } {
  const threshold = opts.threshold ?? THRESHOLD;
  const maxBlock = opts.maxBlock ?? MAX_BLOCK;
  const prepared = records.map(prepare);
  const blocks = new Map<string, number[]>();
  prepared.forEach((p, i) => {
    for (const k of blockKeys(p)) {
      const b = blocks.get(k);
      if (b) b.push(i);
      else blocks.set(k, [i]);
    }
  });
  const seen = new Set<string>();
  const out: Candidate[] = [];
  const stats: FindStats = { records: records.length, blocks: 0, pairsScored: 0, oversized: [] };
  for (const [key, members] of blocks) {
    if (members.length < 2) continue;
    stats.blocks++;
    if (members.length > maxBlock) {
      stats.oversized.push({ key, size: members.length });
      continue;
    }
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        let a = prepared[members[x]];
        let b = prepared[members[y]];
        if (a.r.id === b.r.id) continue;
        if (a.r.id > b.r.id) [a, b] = [b, a];
        const pk = `${a.r.id}|${b.r.id}`;
        if (seen.has(pk)) continue;
        seen.add(pk);
        if (opts.skip?.(a.r.id, b.r.id)) continue;
        stats.pairsScored++;
        const s = score(a, b);
        if (s.score >= threshold) out.push({ aId: a.r.id, bId: b.r.id, score: s.score, reasons: s.reasons, ruleVersion: RULE_VERSION });
      }
    }
  }
  out.sort((p, q) => q.score - p.score || (p.aId < q.aId ? -1 : p.aId > q.aId ? 1 : p.bId < q.bId ? -1 : 1));
  return { candidates: out, stats };
}

/** Candidates for one new record among existing ones (create check): same rules, same threshold. */
export function candidatesFor(record: MatchRecord, existing: readonly MatchRecord[], threshold = THRESHOLD) {
  const p = prepare(record);
  return existing
    .filter((e) => e.id !== record.id)
    .map((e) => ({ id: e.id, ...score(p, prepare(e)) }))
    .filter((c) => c.score >= threshold)
    .sort((x, y) => y.score - x.score);
}

/** Precision and recall of found pairs against known duplicate pairs (order-free). */
export function precisionRecall(found: readonly { aId: string; bId: string }[], truth: readonly [string, string][]) {
  const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const t = new Set(truth.map(([a, b]) => key(a, b)));
  const f = new Set(found.map((c) => key(c.aId, c.bId)));
  let tp = 0;
  for (const k of f) if (t.has(k)) tp++;
  return { truePositives: tp, found: f.size, expected: t.size, precision: f.size ? tp / f.size : 1, recall: t.size ? tp / t.size : 1 };
}
