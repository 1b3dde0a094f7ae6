// The process module's share of the demo company (P1–P8): honest reps and fabricating reps, with
// ground truth, and each recent visit's six atomic actions and photos.
//
// Pattern `process.fabrication` picks about 8% of the reps (at least one when there are ten or
// more) as fabricating reps. Each gets one or two behaviours, assigned round-robin so a company of
// five or more fabricators shows all of them:
//   midnight     — a day's visits typed in at 23:58–00:03 that night, seconds apart;
//   backfill     — the visits of the last working day before a weekend or holiday entered on the
//                  next working day (Friday → Monday), spread over that day;
//   template     — one boilerplate note pasted with tiny variations (date, punctuation, a word);
//   far_checkin  — check-ins 2–30 km from the customer;
//   photo_reuse  — the same 2–4 photos attached to many visits (identical or 1–2 dHash bits apart).
// Every planted visit is a DemoTruth ('process.midnight', …) and every fabricating rep one
// 'process.fabricating_rep' (detail.behaviours). Honest reps keep the generator's behaviour:
// entries within minutes or hours, about one in eight in the evening (19:00–22:30). To keep the
// detectors' precision honest, honest reps also get a few look-alikes (truth 'process.lookalike',
// detail.kind), which must never be flagged:
//   late_entry    — ~1.5% of records entered late at night (22:30–00:30, now and then inside
//                   23:58–00:03);
//   next_morning  — ~2% entered the next morning (lags of 14–25 h);
//   evening_batch — ~3% of days whose visits are all entered together that evening, a minute apart;
//   poor_fix      — ~1% of check-ins with an indoor GPS fix 250–600 m off and an accuracy that
//                   says so (60–120% of the offset: the geofence warns, never flags);
// and in the writer, repeat visits photograph the same storefront (dHash 5–8 bits from the
// customer's storefront and ≥ 5 bits from each other: similar, never "the same photo").
//
// Writer `process` adds, for each visit since the start of the previous month only (see
// actionWindowStart: keeps the first start fast, yet last month's goal report reads a whole month
// of facts), the visit's actions (visit_actions), photos and proposal screenshots (visit_media, with a
// fake sha256 and a dHash), and the visit's check-in source and planned time. Objections carry a
// status (G2 异议闭环率): closed (resolved on the spot) at a per-rep rate of ~0.55–0.75, lower for
// fabricating reps, else open. It writes no
// verdicts and no process_flags: the process engine computes those.
import gcoord from 'gcoord';
import type { Sql } from '../platform/db/db.js';
import { isWorkingDay, localDate, TZ_OFFSET_MS } from '../platform/calendar.js';
import { PRODUCTS } from './data.js';
import type { DemoCustomer, DemoOrg, DemoPattern, DemoTruth, DemoVisit, RepSlice } from './generate.js';
import { arrayLiteral } from './load.js';
import type { DemoWriter } from './modules.js';
import { hamming, hashBands } from '../modules/process/photos.js';
import { createRng, type Rng } from './rng.js';

export const FABRICATION_PATTERN = 'process.fabrication';
export const BEHAVIOURS = ['midnight', 'backfill', 'template', 'far_checkin', 'photo_reuse'] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];
/** Ground-truth pattern names: one per behaviour (kind 'visit') and the rep (kind 'rep'). */
export const PROCESS_TRUTH = {
  rep: 'process.fabricating_rep',
  midnight: 'process.midnight',
  backfill: 'process.backfill',
  template: 'process.template',
  far_checkin: 'process.far_checkin',
  photo_reuse: 'process.photo_reuse',
  /** Honest behaviour that resembles fabrication (detail.kind) and must not be flagged. */
  lookalike: 'process.lookalike',
} as const;
/** Share of reps who fabricate. */
export const FABRICATING_SHARE = 0.08;

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const SECOND = 1000;

// ── Plan: who fabricates, and how ────────────────────────────────────────────────────────

const plans = new WeakMap<DemoOrg, Map<string, Behaviour[]>>();

/** The fabricating reps chosen for an organisation and their behaviours (after plan ran). */
export function fabricators(org: DemoOrg): Map<string, Behaviour[]> {
  return plans.get(org) ?? new Map();
}

function plan(org: DemoOrg, rng: Rng) {
  const reps = org.users.filter((u) => u.role === 'rep');
  const count = reps.length >= 10 ? Math.max(1, Math.round(reps.length * FABRICATING_SHARE)) : 0;
  // Prefer reps with six months' tenure, so each has a history to fabricate in.
  const seasoned = reps.filter((u) => org.now.getTime() - Date.parse(u.hiredOn) >= 183 * DAY);
  const chosen = rng.sample(seasoned.length >= count ? seasoned : reps, count);
  const first = rng.int(0, BEHAVIOURS.length - 1);
  const out = new Map<string, Behaviour[]>();
  chosen.forEach((rep, i) => {
    const main = BEHAVIOURS[(first + i) % BEHAVIOURS.length];
    const list: Behaviour[] = [main];
    if (rng.chance(0.5)) list.push(rng.pick(BEHAVIOURS.filter((b) => b !== main)));
    out.set(rep.id, list);
  });
  plans.set(org, out);
}

// ── Apply: plant the behaviours in a fabricating rep's slice ─────────────────────────────

const localMidnight = (ymd: string) => Date.parse(`${ymd}T00:00:00Z`) - TZ_OFFSET_MS;
const addDays = (ymd: string, n: number) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);

/**
 * Start of the actions window: 00:00 Beijing time on the first day of the month before `now`'s
 * month. Visits from then on get actions and media (the process module "went live" then), so the
 * previous month is complete for the goals (G2/G8) and its process targets start in that month.
 */
export function actionWindowStart(now: Date): Date {
  const bj = new Date(now.getTime() + TZ_OFFSET_MS);
  return new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth() - 1, 1) - TZ_OFFSET_MS);
}

/** A slice's "now": its latest opportunity update or visit (the demo's clock, shared with goals). */
export function sliceNow(slice: Pick<RepSlice, 'opportunities' | 'visits'>): Date {
  let t = 0;
  for (const o of slice.opportunities) t = Math.max(t, o.updatedAt.getTime());
  for (const v of slice.visits) t = Math.max(t, v.occurredAt.getTime());
  return new Date(t || Date.UTC(2026, 0, 1));
}

/** The slice's actions window start (ms). */
const sliceWindowStart = (slice: Pick<RepSlice, 'opportunities' | 'visits'>) => actionWindowStart(sliceNow(slice)).getTime();

function visitsByDay(visits: DemoVisit[]): Map<string, DemoVisit[]> {
  const out = new Map<string, DemoVisit[]>();
  for (const v of [...visits].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
    const d = localDate(v.occurredAt);
    const list = out.get(d);
    if (list) list.push(v);
    else out.set(d, [v]);
  }
  return out;
}

/** Boilerplate a templating rep pastes into every visit. */
export const NOTE_TEMPLATES = [
  '今日拜访客户，与客户进行了深入沟通，客户对我司产品和解决方案表示认可，后续将持续跟进，推动项目尽快落地。',
  '按计划拜访客户，现场了解了客户的实际需求，介绍了公司产品及同行业成功案例，客户反馈良好，下一步安排技术交流。',
  '拜访客户相关负责人，沟通项目整体进展情况，客户态度积极，对我们的方案比较满意，近期会推进内部审批流程。',
  '与客户进行了面对面交流，详细介绍了我司的整体解决方案，客户表示很有兴趣，约定下次再详细沟通具体需求和预算。',
  '到客户现场拜访，了解客户当前的业务情况和主要痛点，客户对我们的产品已有一定了解，后续保持联系并持续跟进。',
  '今天拜访客户，双方就后续合作事宜进行了充分沟通，客户对产品功能比较认可，需要内部讨论后再给出正式答复。',
];
/** Small edits (one or two characters) a templating rep makes now and then. */
const TINY_EDITS: [string, string][] = [
  ['今日', '今天'],
  ['今天', '今日'],
  ['进行了', '进行'],
  ['持续跟进', '继续跟进'],
  ['客户', '客户方'],
  ['比较', '较为'],
  ['尽快', '早日'],
  ['整体', '总体'],
];

/** A templated note: the rep's boilerplate with a date, punctuation changes and now and then a small edit. */
export function templatedNote(rng: Rng, template: string, at: Date): string {
  let s = template;
  for (const [a, b] of TINY_EDITS) if (s.includes(a) && rng.chance(0.12)) s = s.replace(a, b);
  if (rng.chance(0.3)) s = s.replace(/，/g, rng.pick([',', '， ', '；']));
  if (rng.chance(0.55)) {
    const local = new Date(at.getTime() + TZ_OFFSET_MS);
    s = `${local.getUTCMonth() + 1}月${local.getUTCDate()}日${rng.pick(['，', ' ', '：'])}${s}`;
  }
  return s.replace(/。$/, rng.pick(['。', '', '！', '。。']));
}

/** A point `km` from a site on a random bearing (flat-earth approximation, fine below 50 km). */
function offsetKm(rng: Rng, lat: number, lng: number, km: number) {
  const theta = rng.float(0, 2 * Math.PI);
  const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    lat: round6(lat + (km * Math.cos(theta)) / 111.32),
    lng: round6(lng + (km * Math.sin(theta)) / (111.32 * Math.cos((lat * Math.PI) / 180))),
  };
}

function haversineKm(aLat: number, aLng: number, bLat: number, bLng: number) {
  const rad = Math.PI / 180;
  const h = Math.sin(((bLat - aLat) * rad) / 2) ** 2 + Math.cos(aLat * rad) * Math.cos(bLat * rad) * Math.sin(((bLng - aLng) * rad) / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h));
}

const visitTruth = (b: Behaviour, id: string, detail?: Record<string, unknown>): DemoTruth => ({ pattern: PROCESS_TRUTH[b], kind: 'visit', id, ...(detail ? { detail } : {}) });

function applyPattern(slice: RepSlice, org: DemoOrg, rng: Rng): DemoTruth[] {
  const customers = new Map(slice.customers.map((c) => [c.id, c]));
  // Honest check-ins are taken at the customer. Another pattern may have moved a customer after
  // its visits were drawn (a planted duplicate takes its original's address); put those
  // check-ins back at the customer, so only planted check-ins are ever far away.
  const fix = rng.fork('relocated');
  for (const v of slice.visits) {
    const c = customers.get(v.customerId);
    if (c && haversineKm(v.lat, v.lng, c.lat, c.lng) > 1) Object.assign(v, offsetKm(fix, c.lat, c.lng, Math.abs(fix.normal(0, 0.06))));
  }

  const behaviours = plans.get(org)?.get(slice.rep.id);
  if (!behaviours) return slice.visits.length ? honestLookalikes(slice, customers, org.now.getTime(), rng.fork('lookalike')) : [];
  const truth: DemoTruth[] = [{ pattern: PROCESS_TRUTH.rep, kind: 'rep', id: slice.rep.id, detail: { behaviours } }];
  const nowMs = org.now.getTime();
  const days = visitsByDay(slice.visits);
  const retimed = new Set<string>();

  // Each behaviour draws from its own stream, so adding one does not reshuffle the others.
  if (behaviours.includes('backfill')) {
    const r = rng.fork('backfill');
    const share = r.float(0.6, 0.9);
    for (const [ymd, list] of days) {
      let next = addDays(ymd, 1);
      while (!isWorkingDay(next)) next = addDays(next, 1);
      // Only the last working day before a break of two days or more (Friday → Monday).
      if (Date.parse(next) - Date.parse(ymd) < 3 * DAY || !r.chance(share)) continue;
      const start = localMidnight(next) + 8 * HOUR + 30 * MINUTE;
      if (start + 11 * HOUR >= nowMs) continue;
      for (const v of list) {
        v.recordedAt = new Date(start + r.int(0, 11 * 60) * MINUTE + r.int(0, 59) * SECOND);
        retimed.add(v.id);
        truth.push(visitTruth('backfill', v.id, { lagHours: Math.round((v.recordedAt.getTime() - v.occurredAt.getTime()) / HOUR) }));
      }
    }
  }
  if (behaviours.includes('midnight')) {
    const r = rng.fork('midnight');
    const share = r.float(0.5, 0.85);
    for (const [ymd, list] of days) {
      if (list.some((v) => retimed.has(v.id)) || !r.chance(share)) continue;
      // The day's visits typed in that night, 15–45 s apart, starting just before midnight.
      let t = localMidnight(ymd) + 23 * HOUR + 58 * MINUTE + r.int(20, 60) * SECOND;
      if (t + 5 * MINUTE >= nowMs) continue;
      for (const v of list) {
        v.recordedAt = new Date(t);
        retimed.add(v.id);
        truth.push(visitTruth('midnight', v.id));
        t += r.int(15, 45) * SECOND;
      }
    }
  }
  if (behaviours.includes('template')) {
    const r = rng.fork('template');
    const template = r.pick(NOTE_TEMPLATES);
    const share = r.float(0.7, 0.95);
    for (const v of slice.visits) {
      if (!r.chance(share)) continue;
      v.note = templatedNote(r, template, v.occurredAt);
      truth.push(visitTruth('template', v.id));
    }
  }
  if (behaviours.includes('far_checkin')) {
    const r = rng.fork('far');
    const share = r.float(0.2, 0.45);
    for (const v of slice.visits) {
      const c = customers.get(v.customerId);
      if (!c || !r.chance(share)) continue;
      const km = r.float(2, 30);
      Object.assign(v, offsetKm(r, c.lat, c.lng, km));
      truth.push(visitTruth('far_checkin', v.id, { km: Math.round(km * 10) / 10 }));
    }
  }
  if (behaviours.includes('photo_reuse')) {
    const r = rng.fork('photos');
    const from = sliceWindowStart(slice);
    const pool = r.int(2, 4);
    const share = r.float(0.35, 0.7);
    const uses: { v: DemoVisit; stock: number; flips: number[] }[] = [];
    const seen = new Set<number>();
    for (const v of slice.visits) {
      if (v.occurredAt.getTime() < from || !r.chance(share)) continue;
      const stock = r.int(0, pool - 1);
      // The first use is the original; later ones are the same file or a re-save 1–2 bits away,
      // so each is within Hamming distance 2 of the original.
      const n = seen.has(stock) ? r.weighted([[0, 40], [1, 35], [2, 25]] as const) : 0;
      seen.add(stock);
      uses.push({ v, stock, flips: r.sample(Array.from({ length: 64 }, (_, i) => i), n).sort((a, b) => a - b) });
    }
    // A photo used once is not a reuse.
    const used = new Map<number, number>();
    for (const u of uses) used.set(u.stock, (used.get(u.stock) ?? 0) + 1);
    for (const u of uses) if ((used.get(u.stock) ?? 0) >= 2) truth.push(visitTruth('photo_reuse', u.v.id, { stock: u.stock, flips: u.flips }));
  }
  return truth;
}

const lookalike = (kind: string, id: string, detail: Record<string, unknown> = {}): DemoTruth => ({ pattern: PROCESS_TRUTH.lookalike, kind: 'visit', id, detail: { kind, ...detail } });

/** Honest habits that look like fabrication at a glance (see the header). */
function honestLookalikes(slice: RepSlice, customers: Map<string, DemoCustomer>, nowMs: number, r: Rng): DemoTruth[] {
  const truth: DemoTruth[] = [];
  for (const [ymd, list] of visitsByDay(slice.visits)) {
    const midnight = localMidnight(ymd);
    if (r.chance(0.03)) {
      let t = midnight + r.int(20 * 60, 22 * 60) * MINUTE;
      if (t + 10 * MINUTE < nowMs && list.every((v) => v.occurredAt.getTime() < t)) {
        for (const v of list) {
          v.recordedAt = new Date(t);
          truth.push(lookalike('evening_batch', v.id));
          t += r.int(30, 90) * SECOND;
        }
        continue;
      }
    }
    for (const v of list) {
      const x = r.next();
      let at: number | null = null;
      let kind = '';
      if (x < 0.015) [at, kind] = [midnight + r.int(22 * 60 + 30, 24 * 60 + 30) * MINUTE + r.int(0, 59) * SECOND, 'late_entry'];
      else if (x < 0.035) [at, kind] = [midnight + DAY + r.int(7 * 60 + 30, 10 * 60) * MINUTE, 'next_morning'];
      if (at !== null && at < nowMs && at > v.occurredAt.getTime()) {
        v.recordedAt = new Date(at);
        truth.push(lookalike(kind, v.id, { lagHours: Math.round(((at - v.occurredAt.getTime()) / HOUR) * 10) / 10 }));
      }
      const c = customers.get(v.customerId);
      if (c && r.chance(0.01)) {
        const km = r.float(0.25, 0.6);
        Object.assign(v, offsetKm(r, c.lat, c.lng, km));
        truth.push(lookalike('poor_fix', v.id, { km: Math.round(km * 1000) / 1000, accuracyM: Math.round(km * 1000 * r.float(0.6, 1.2)) }));
      }
    }
  }
  return truth;
}

export const fabricationPattern: DemoPattern = {
  name: FABRICATION_PATTERN,
  plan,
  apply: (slice, ctx) => applyPattern(slice, ctx.org, ctx.rng),
};

// ── Rows: actions and media of the recent visits ─────────────────────────────────────────

const NEEDS = ['报价', '折扣', '付款方式', '交付周期', '上线时间', '实施', '培训', '售后服务', '数据分析', '移动端', '系统集成', '私有化部署', '权限管理', '报表', '试点', '审批'];
const PAIN_POINTS = ['效率低', '数据不准', '人工录入', '库存积压', '回款慢', '客户流失', '设备停机多', '质量追溯难', '报表靠手工汇总', '跨部门协同慢'];
/** Objections by category code (the field app's codes: web/src/field/objections.ts). */
const OBJECTIONS: [string, string[]][] = [
  ['price', ['报价高于预算', '希望再给一些折扣', '竞品报价更低']],
  ['competitor', ['已在试用其他厂商产品', '现有供应商关系较好', '对比了两家竞品方案']],
  ['decision', ['需要集团审批', '年底前无法立项', '决策人近期出差']],
  ['feature', ['担心与现有系统的接口', '数据迁移风险', '私有化部署要求']],
  ['delivery', ['上线周期太长', '担心实施人员不足', '培训安排不确定']],
];
const COMMITMENTS = ['3 个工作日内提供正式报价', '安排技术交流会', '发送同行业成功案例材料', '提交试点方案', '约高层拜访', '提供合同草稿供法务审阅', '安排产品演示环境'];
const LEGAL_NOTES = ['合同条款已提交客户法务审核', '法务已确认保密协议条款', '付款条款待法务复核', '已按客户法务意见修改违约责任条款'];

export interface ProcessActionRow {
  id: string;
  visitId: string;
  repId: string;
  type: 'appointment' | 'check_in' | 'need_capture' | 'demo' | 'objection' | 'follow_up';
  occurredAt: Date;
  recordedAt: Date;
  fields: Record<string, unknown>;
  note: string;
  lat: number | null;
  lng: number | null;
  accuracyM: number | null;
}

export interface ProcessMediaRow {
  id: string;
  visitId: string;
  actionId: string;
  repId: string;
  kind: 'photo' | 'screenshot';
  sha256: string;
  mime: string;
  claimedAt: Date;
  claimedLat: number;
  claimedLng: number;
  dhash: string;
  dhashBands: string[];
  createdAt: Date;
}

export interface ProcessVisitUpdate {
  id: string;
  checkinSource: 'qr' | 'manual';
  plannedAt: Date | null;
}

export interface ProcessRows {
  visits: ProcessVisitUpdate[];
  actions: ProcessActionRow[];
  media: ProcessMediaRow[];
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const hex = (rng: Rng, words: number) => Array.from({ length: words }, () => hex8(rng.int(0, 0xffffffff))).join('');

/** A 64-bit dHash (16 hex) with the given bits (0 = most significant) flipped. */
export function flipBits(dhash: string, bits: readonly number[]): string {
  let hi = parseInt(dhash.slice(0, 8), 16);
  let lo = parseInt(dhash.slice(8, 16), 16);
  for (const b of bits) {
    if (b < 32) hi ^= 1 << (31 - b);
    else lo ^= 1 << (63 - b);
  }
  return hex8(hi) + hex8(lo);
}

/** A rep's stock photo (the one reused): its dHash and file hash. */
export function stockPhoto(repId: string, stock: number): { dhash: string; sha256: string } {
  const r = createRng(`process/stock/${repId}/${stock}`);
  return { dhash: hex(r, 2), sha256: hex(r, 8) };
}

/**
 * The GPS accuracy (m) a visit's check-in reports: a phone fix, median ~15 m, 3–120 m; a planted
 * poor indoor fix reports its own (pass the 'process.lookalike' poor_fix detail).
 */
export function checkInAccuracy(visitId: string, lookalikeDetail?: Record<string, unknown>): number {
  if (lookalikeDetail?.kind === 'poor_fix' && typeof lookalikeDetail.accuracyM === 'number') return lookalikeDetail.accuracyM;
  const r = createRng(`process/accuracy/${visitId}`);
  return Math.round(Math.min(120, Math.max(3, r.logNormal(Math.log(15), 0.6))) * 10) / 10;
}

/**
 * The process rows for a slice's recent visits (a pure function of the slice and its truth, so
 * the benchmark and tests see exactly what the writer inserts).
 */
export function processRows(slice: RepSlice): ProcessRows {
  const out: ProcessRows = { visits: [], actions: [], media: [] };
  if (!slice.visits.length) return out;
  const from = sliceWindowStart(slice);
  const planted = new Map<string, Map<string, Record<string, unknown> | undefined>>();
  for (const t of slice.truth) {
    if (t.kind !== 'visit' || !t.pattern.startsWith('process.')) continue;
    let m = planted.get(t.id);
    if (!m) planted.set(t.id, (m = new Map()));
    m.set(t.pattern, t.detail);
  }
  const customers = new Map(slice.customers.map((c) => [c.id, c]));
  const opps = new Map(slice.opportunities.map((o) => [o.customerId, o]));
  const storefronts = new Map<string, string[]>();
  const closure = objectionClosureRate(slice);
  for (const v of [...slice.visits].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())) {
    if (v.occurredAt.getTime() < from) continue;
    const c = customers.get(v.customerId);
    if (!c) continue;
    visitRows(v, c, opps.get(c.id)?.products[0], planted.get(v.id), storefronts, out, closure);
  }
  return out;
}

/**
 * The share of a rep's objections resolved on the spot (G2 异议闭环率): ~0.55–0.75, one rate per
 * rep from its own stream (no other draw moves); a fabricating rep's own rate sits at the low end.
 */
export function objectionClosureRate(slice: Pick<RepSlice, 'rep' | 'truth'>): number {
  const fabricating = slice.truth.some((t) => t.pattern === PROCESS_TRUTH.rep && t.id === slice.rep.id);
  const r = createRng(`process/objection-closure/${slice.rep.id}`);
  return fabricating ? r.float(0.55, 0.62) : r.float(0.62, 0.75);
}

/** Another photo of a customer's storefront: 5–8 bits from its base hash, ≥ 5 bits from earlier ones. */
function storefrontPhoto(r: Rng, customerId: string, earlier: string[]): string | null {
  const base = hex(createRng(`process/storefront/${customerId}`), 2);
  for (let attempt = 0; attempt < 8; attempt++) {
    const d = flipBits(base, r.sample(Array.from({ length: 64 }, (_, i) => i), r.int(5, 8)));
    if (earlier.every((e) => hamming(e, d) >= 5)) {
      earlier.push(d);
      return d;
    }
  }
  return null;
}

function visitRows(
  v: DemoVisit,
  c: DemoCustomer,
  sku: string | undefined,
  planted: Map<string, Record<string, unknown> | undefined> | undefined,
  storefronts: Map<string, string[]>,
  out: ProcessRows,
  closureRate: number,
) {
  const r = createRng(`process/visit/${v.id}`);
  const is = (p: string) => planted?.has(p) ?? false;
  const V = v.occurredAt.getTime();
  const R = v.recordedAt.getTime();
  // Typed up later at midnight or on Monday: every action is entered in that sitting, by hand.
  const retimed = is(PROCESS_TRUTH.midnight) || is(PROCESS_TRUTH.backfill);
  const via: 'qr' | 'manual' = retimed || is(PROCESS_TRUTH.far_checkin) || r.chance(0.12) ? 'manual' : 'qr';
  const action = (type: ProcessActionRow['type'], occurredAt: number, recordedAt: number, fields: Record<string, unknown>, note = '', pos?: { lat: number; lng: number; accuracyM: number }) => {
    const row: ProcessActionRow = {
      id: r.uuid(),
      visitId: v.id,
      repId: v.repId,
      type,
      occurredAt: new Date(occurredAt),
      recordedAt: new Date(recordedAt),
      fields,
      note,
      lat: pos?.lat ?? null,
      lng: pos?.lng ?? null,
      accuracyM: pos?.accuracyM ?? null,
    };
    out.actions.push(row);
    return row;
  };

  // Appointment: made 2–72 h ahead by most honest reps; fabricated visits have none.
  let plannedAt: Date | null = null;
  if (!retimed && r.chance(0.6)) {
    plannedAt = new Date(Math.floor(V / (30 * MINUTE)) * 30 * MINUTE);
    const made = V - r.float(2, 72) * HOUR;
    action('appointment', made, made + r.int(5, 60) * SECOND, { customerId: c.id, plannedAt: plannedAt.toISOString(), purpose: v.purpose });
  }

  // Check-in: live (seconds after arriving) unless typed up later. Position as reported; some
  // phones use a Chinese map SDK, which reports GCJ-02 (the raw report keeps its datum; the
  // columns hold WGS-84).
  const accuracyM = checkInAccuracy(v.id, planted?.get(PROCESS_TRUTH.lookalike));
  const datum = r.chance(0.3) ? 'gcj02' : 'wgs84';
  const [rawLng, rawLat] = datum === 'gcj02' ? gcoord.transform<[number, number]>([v.lng, v.lat], gcoord.WGS84, gcoord.GCJ02) : [v.lng, v.lat];
  // Typed-up visits are entered in one sitting starting at R; an honest record's actions end at R.
  const gap = r.int(4, 9) * SECOND;
  const checkInRecorded = retimed ? R : V + r.int(3, 40) * SECOND;
  const checkIn = action(
    'check_in',
    V,
    checkInRecorded,
    { lat: v.lat, lng: v.lng, accuracyM, via, position: { lat: Math.round(rawLat * 1e6) / 1e6, lng: Math.round(rawLng * 1e6) / 1e6, accuracyM, datum } },
    '',
    { lat: v.lat, lng: v.lng, accuracyM },
  );

  // The rest happened during the visit (between arrival and a minute before the record).
  const ka = c.tier === 'KA';
  const types: ProcessActionRow['type'][] = ['need_capture'];
  const demoLikely = ['方案演示', '技术交流', '初次拜访', '需求调研'].includes(v.purpose) ? 0.8 : ka ? 0.6 : 0.3;
  if (r.chance(demoLikely)) types.push('demo');
  if (r.chance(0.4)) types.push('objection');
  if (r.chance(0.75)) types.push('follow_up');
  const endOccurred = Math.max(V + MINUTE, Math.min(V + 75 * MINUTE, R - MINUTE));
  const product = PRODUCTS.find((p) => p.sku === sku) ?? r.pick(PRODUCTS);
  const compliantKa = ka && r.chance(0.65);
  let demoAction: ProcessActionRow | null = null;
  for (let i = 0; i < types.length; i++) {
    const type = types[i];
    const occurred = Math.round(V + MINUTE + ((i + 1) / (types.length + 1)) * (endOccurred - V - MINUTE));
    const recorded = retimed ? R + (i + 1) * gap : R - (types.length - 1 - i) * gap;
    let fields: Record<string, unknown>;
    let note = '';
    switch (type) {
      case 'need_capture':
        fields = { needs: r.sample(NEEDS, r.int(1, 3)), painPoints: r.sample(PAIN_POINTS, compliantKa ? r.int(2, 3) : r.weighted([[0, 30], [1, 45], [2, 25]] as const)) };
        note = v.note;
        break;
      case 'demo':
        fields = { solution: product.name.split(' ')[0] };
        break;
      case 'objection': {
        const [category, contents] = r.pick(OBJECTIONS);
        // Resolved on the spot or still open: a forked stream, so the visit's other draws stay put.
        fields = { category, content: r.pick(contents), status: r.fork('objection-status').chance(closureRate) ? 'closed' : 'open' };
        break;
      }
      default:
        fields = { commitment: r.pick(COMMITMENTS), dueAt: localDate(new Date(V + r.int(2, 14) * DAY)) };
        if (compliantKa || (ka && r.chance(0.2))) fields.legalReviewNote = r.pick(LEGAL_NOTES);
    }
    const row = action(type, occurred, Math.max(occurred, recorded), fields, note);
    if (type === 'demo') demoAction = row;
  }

  // Photos: 0–3 of the site, taken during the visit and uploaded with the record.
  const photo = (actionId: string, kind: 'photo' | 'screenshot', dhash: string, sha256: string) => {
    const claimed = V + r.float(0.05, 0.9) * Math.min(45 * MINUTE, Math.max(MINUTE, R - V));
    out.media.push({
      id: r.uuid(),
      visitId: v.id,
      actionId,
      repId: v.repId,
      kind,
      sha256,
      mime: kind === 'photo' ? 'image/jpeg' : 'image/png',
      claimedAt: new Date(Math.round(claimed)),
      claimedLat: v.lat,
      claimedLng: v.lng,
      dhash,
      dhashBands: hashBands(dhash),
      createdAt: new Date(R),
    });
  };
  const reuse = planted?.get(PROCESS_TRUTH.photo_reuse) as { stock: number; flips: number[] } | undefined;
  if (reuse) {
    const stock = stockPhoto(v.repId, reuse.stock);
    photo(checkIn.id, 'photo', flipBits(stock.dhash, reuse.flips), reuse.flips.length ? hex(r, 8) : stock.sha256);
  }
  const photos = r.weighted([[0, 20], [1, 45], [2, 25], [3, 10]] as const) - (reuse ? 1 : 0);
  for (let i = 0; i < photos; i++) {
    // On about a third of visits the first photo is of the storefront, like last time's.
    let earlier = storefronts.get(c.id);
    if (!earlier) storefronts.set(c.id, (earlier = []));
    const front = i === 0 && !reuse && r.chance(0.35) ? storefrontPhoto(r, c.id, earlier) : null;
    photo(checkIn.id, 'photo', front ?? hex(r, 2), hex(r, 8));
  }
  // A KA visit's custom proposal screenshot (P5), attached to the demo.
  if (ka && demoAction && (compliantKa || r.chance(0.3))) photo(demoAction.id, 'screenshot', hex(r, 2), hex(r, 8));

  out.visits.push({ id: v.id, checkinSource: via, plannedAt });
}

// ── Writer ───────────────────────────────────────────────────────────────────────────────

async function insertRows(tx: Sql, tenantId: string, table: string, columns: [string, string][], rows: unknown[][]) {
  const BATCH = 2000;
  for (let from = 0; from < rows.length; from += BATCH) {
    const chunk = rows.slice(from, from + BATCH);
    const params: unknown[] = [tenantId];
    const sel = columns.map(([, type], i) => {
      params.push(chunk.map((r) => (r[i] instanceof Date ? (r[i] as Date).toISOString() : r[i] === null || r[i] === undefined ? null : String(r[i]))));
      return `unnest($${i + 2}::text[])::${type}`;
    });
    await tx.query(`insert into ${table} (tenant_id, ${columns.map(([c]) => c).join(', ')}) select $1, ${sel.join(', ')}`, params);
  }
}

export const processWriter: DemoWriter = {
  name: 'process',
  async writeSlice(tx, tenantId, slice) {
    const rows = processRows(slice);
    if (!rows.visits.length) return;
    await tx.query(
      `update visits v set checkin_source = u.src, planned_at = u.planned::timestamptz
         from unnest($2::uuid[], $3::text[], $4::text[]) as u(id, src, planned)
        where v.tenant_id = $1 and v.id = u.id`,
      [tenantId, rows.visits.map((x) => x.id), rows.visits.map((x) => x.checkinSource), rows.visits.map((x) => x.plannedAt?.toISOString() ?? null)],
    );
    await insertRows(
      tx,
      tenantId,
      'visit_actions',
      [
        ['id', 'uuid'], ['visit_id', 'uuid'], ['rep_id', 'uuid'], ['type', 'text'], ['occurred_at', 'timestamptz'], ['recorded_at', 'timestamptz'],
        ['fields', 'jsonb'], ['note', 'text'], ['lat', 'float8'], ['lng', 'float8'], ['accuracy_m', 'float8'],
      ],
      rows.actions.map((a) => [a.id, a.visitId, a.repId, a.type, a.occurredAt, a.recordedAt, JSON.stringify(a.fields), a.note, a.lat, a.lng, a.accuracyM]),
    );
    await insertRows(
      tx,
      tenantId,
      'visit_media',
      [
        ['id', 'uuid'], ['visit_id', 'uuid'], ['action_id', 'uuid'], ['rep_id', 'uuid'], ['kind', 'text'], ['sha256', 'text'], ['mime', 'text'],
        ['claimed_at', 'timestamptz'], ['claimed_lat', 'float8'], ['claimed_lng', 'float8'], ['dhash', 'text'], ['dhash_bands', 'text[]'],
        // The demo has no files to analyse: mark the media analysed so the OCR job skips them.
        ['analysed_at', 'timestamptz'], ['created_at', 'timestamptz'],
      ],
      rows.media.map((m) => [m.id, m.visitId, m.actionId, m.repId, m.kind, m.sha256, m.mime, m.claimedAt, m.claimedLat, m.claimedLng, m.dhash, arrayLiteral(m.dhashBands), m.createdAt, m.createdAt]),
    );
  },
};
