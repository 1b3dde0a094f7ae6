// Why a visit is suspect, in words (P1, P2, P4, P5, P8). Pure: turns a stored verdict
// {check, ruleVersion, outcome, inputs, numbers} or a P8 batch flag {detector, numbers, evidence}
// into a short sentence in the UI language carrying the numbers the server computed. The rules
// and their numbers are in server/modules/process (geofence.ts, actions.ts, compliance.ts,
// evaluate.ts, backfill.ts, templates.ts). A check this file does not know, or a verdict whose
// numbers are not the expected ones, falls back to a generic "name: key value" rendering, so a
// new server rule is shown rather than hidden.
import { translate, type Lang } from '../../app/i18n.js';
import { formatDateTime } from '../../app/format.js';
import { processMessages, type ProcessMessageKey } from './messages.js';

export interface VerdictLike {
  check: string;
  ruleVersion?: string;
  outcome?: string;
  inputs?: Record<string, unknown> | null;
  numbers?: Record<string, unknown> | null;
}

export interface BatchFlagLike {
  detector: string;
  numbers?: Record<string, unknown> | null;
  evidence?: unknown[] | null;
}

/** Another visit a sentence refers to (photo reuse, the previous check-in of a travel check). */
export interface VisitRef {
  id: string;
  /** What ties it to this one, e.g. the Hamming distance of the photo. */
  detail?: string;
}

export interface Explained {
  text: string;
  visits: VisitRef[];
}

type Obj = Record<string, unknown>;

const tr = (lang: Lang, key: ProcessMessageKey, params?: Obj) => translate(processMessages, lang, key, params);
const has = (key: string): key is ProcessMessageKey => key in processMessages['zh-CN'];
const colon = (lang: Lang) => (lang === 'zh-CN' ? '：' : ': ');
const paren = (lang: Lang, s: string) => (lang === 'zh-CN' ? `（${s}）` : ` (${s})`);

const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** The first finite number among these keys of these objects. */
function pick(keys: readonly string[], ...objs: (Obj | null | undefined)[]): number | null {
  for (const o of objs) {
    if (!o) continue;
    for (const k of keys) {
      const v = o[k];
      if (isNum(v)) return v;
      if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
    }
  }
  return null;
}

function pickStr(keys: readonly string[], ...objs: (Obj | null | undefined)[]): string | null {
  for (const o of objs) {
    if (!o) continue;
    for (const k of keys) if (typeof o[k] === 'string' && o[k] !== '') return o[k] as string;
  }
  return null;
}

// ── formatting ───────────────────────────────────────────────────────────────────────────

const locale = (lang: Lang) => (lang === 'zh-CN' ? 'zh-CN' : 'en-US');

/** 2013 → "2,013"; 12.345 → "12.3" (at most `digits` decimals). */
export function formatNumber(n: number | null | undefined, lang: Lang, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(n);
}

/** A share 0..1 → "42%" (a value above 1 is taken as already a percentage). */
export function formatShare(x: number | null | undefined, lang: Lang): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  const share = x > 1 ? x / 100 : x;
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** Minutes between happening and recording → "45 分钟" / "2 小时 5 分" / "3 天 4 小时". */
export function formatLag(minutes: number | null | undefined, lang: Lang): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—';
  const m = Math.max(0, Math.round(minutes));
  if (m < 60) return tr(lang, 'lag.minutes', { m });
  if (m < 48 * 60) return tr(lang, 'lag.hours', { h: Math.floor(m / 60), m: m % 60 });
  const h = Math.floor(m / 60);
  return tr(lang, 'lag.days', { d: Math.floor(h / 24), h: h % 24 });
}

const fmtTime = (v: unknown) => (typeof v === 'string' || v instanceof Date ? formatDateTime(v) : '—');

/** The short form of a visit id shown in sentences (links carry the full id). */
export const shortRef = (id: string) => id.slice(0, 8);

/** A check's or detector's name in the UI language; unknown ones stay as they are. */
export function checkLabel(check: string, lang: Lang): string {
  const key = `check.${check}`;
  if (has(key)) return tr(lang, key);
  const det = `detector.${check}`;
  if (has(det)) return tr(lang, det);
  return check;
}

export function actionLabel(type: string, lang: Lang): string {
  const key = `action.${type}`;
  return has(key) ? tr(lang, key) : type;
}

function formatValue(v: unknown, lang: Lang): string {
  if (v === null || v === undefined) return '—';
  if (isNum(v)) return formatNumber(v, lang, 3);
  if (typeof v === 'string') return ISO_TIME.test(v) ? formatDateTime(v) : v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string' || isNum(x)) ? v.map((x) => formatValue(x, lang)).join(tr(lang, 'list.comma')) : `[${v.length}]`;
  return JSON.stringify(v);
}

/** "key value, key value" for numbers no sentence knows (nested objects such as `config` left out). */
export function genericNumbers(numbers: Obj | null | undefined, lang: Lang, skip: readonly string[] = ['config']): string {
  if (!numbers) return '';
  return Object.entries(numbers)
    .filter(([k, v]) => !skip.includes(k) && !isObj(v))
    .map(([k, v]) => `${k} ${formatValue(v, lang)}`)
    .join(tr(lang, 'clause.sep'));
}

function generic(v: VerdictLike, lang: Lang): Explained {
  const body = genericNumbers(v.numbers, lang);
  const reason = pickStr(['reason'], v.numbers);
  const text = body ? `${checkLabel(v.check, lang)}${colon(lang)}${body}` : checkLabel(v.check, lang);
  return { text: reason && !body.includes(reason) ? `${text}${tr(lang, 'clause.sep')}${tr(lang, 'ev.reason', { reason })}` : text, visits: [] };
}

const m = (n: number | null, lang: Lang) => formatNumber(n, lang, 0);

// ── per check ────────────────────────────────────────────────────────────────────────────

function geofence(v: VerdictLike, lang: Lang): Explained | null {
  const n = v.numbers ?? {};
  const reason = pickStr(['reason'], n);
  const distance = pick(['distanceM'], n);
  const radius = pick(['radiusM'], n, v.inputs);
  const accuracy = pick(['accuracyM'], n);
  const p = { distance: m(distance, lang), radius: m(radius, lang), accuracy: formatNumber(accuracy, lang, 1) };
  switch (reason) {
    case 'outside_radius':
    case 'inside_radius':
      if (distance === null) return null;
      return { text: tr(lang, `ev.geofence.${reason}${accuracy === null ? '.noAcc' : ''}` as ProcessMessageKey, p), visits: [] };
    case 'uncertain_accuracy':
    case 'accuracy_too_coarse':
    case 'accuracy_implausible':
    case 'site_unknown':
    case 'position_invalid':
      return { text: tr(lang, `ev.geofence.${reason}`, p), visits: [] };
    default:
      return null;
  }
}

function travel(v: VerdictLike, lang: Lang): Explained | null {
  const n = v.numbers ?? {};
  const reason = pickStr(['reason'], n);
  const prev = isObj(v.inputs?.previous) ? (v.inputs!.previous as Obj) : null;
  const prevId = pickStr(['visitId'], prev) ?? pickStr(['prevVisitId'], n);
  const visits = prevId ? [{ id: prevId }] : [];
  const p = {
    km: formatNumber(pick(['distanceKm'], n), lang, 1),
    minutes: formatNumber(pick(['minutes'], n), lang, 1),
    speed: m(pick(['speedKmh'], n), lang),
    max: m(pick(['maxSpeedKmh'], n, v.inputs), lang),
  };
  switch (reason) {
    case 'impossible_travel':
    case 'plausible_travel':
    case 'short_distance':
      return { text: tr(lang, `ev.travel.${reason}`, p), visits };
    case 'first_check_in':
      return { text: tr(lang, 'ev.travel.first_check_in'), visits: [] };
    default:
      return null;
  }
}

function timeliness(v: VerdictLike, lang: Lang): Explained | null {
  const late = v.numbers?.late;
  if (!Array.isArray(late)) return null;
  if (!late.length) return { text: tr(lang, 'ev.timeliness.ok'), visits: [] };
  const items = late.filter(isObj).map((l) =>
    tr(lang, l.state === 'overdue' ? 'ev.late.overdue' : 'ev.late.late', {
      type: actionLabel(String(l.type), lang),
      after: actionLabel(String(l.after), lang),
      hours: formatNumber(pick(['hours'], l), lang, 1),
      limit: formatNumber(pick(['withinHours'], l), lang, 1),
    }),
  );
  return { text: tr(lang, 'ev.timeliness.late', { items: items.join(tr(lang, 'list.sep')) }), visits: [] };
}

function sequence(v: VerdictLike, lang: Lang): Explained | null {
  const list = v.numbers?.outOfOrder;
  if (!Array.isArray(list)) return null;
  if (!list.length) return { text: tr(lang, 'ev.sequence.ok'), visits: [] };
  const items = list.filter(isObj).map((o) =>
    tr(lang, 'ev.sequence.item', { type: actionLabel(String(o.type), lang), before: actionLabel(String(o.before), lang), minutes: formatNumber(pick(['minutes'], o), lang, 0) }),
  );
  return { text: tr(lang, 'ev.sequence.bad', { items: items.join(tr(lang, 'list.sep')) }), visits: [] };
}

const MISSING_EXIF = /no_exif|exif_missing|missing_exif|no_time|no_gps|no_position/;

function photoTime(v: VerdictLike, lang: Lang): Explained | null {
  const n = v.numbers ?? {};
  const i = v.inputs ?? {};
  const reason = pickStr(['reason'], n) ?? '';
  const minutes = pick(['diffMin', 'diffMinutes', 'deltaMinutes', 'offsetMinutes'], n);
  const tolerance = pick(['toleranceMin', 'toleranceMinutes'], n, i);
  if (reason === 'no_exif' || (minutes === null && MISSING_EXIF.test(reason))) return { text: tr(lang, 'ev.photoTime.noExif'), visits: [] };
  if (minutes === null) return null;
  const taken = pickStr(['exifTakenAt', 'takenAt'], i, n);
  const claimed = pickStr(['claimedAt'], i, n);
  const p = {
    minutes: formatNumber(Math.abs(minutes), lang, 0),
    tolerance: formatNumber(tolerance, lang, 0),
    taken: fmtTime(taken),
    claimed: fmtTime(claimed),
    ahead: formatNumber(pick(['aheadMin'], n), lang, 0),
  };
  let text: string;
  if (reason === 'exif_in_future') text = tr(lang, 'ev.photoTime.future', p);
  else if (reason === 'time_match' || (!reason && v.outcome === 'pass')) text = tr(lang, 'ev.photoTime.match', p);
  else text = tr(lang, taken && claimed ? 'ev.photoTime.diffAt' : 'ev.photoTime.diff', p);
  return { text: i.assumedOffset === true ? text + tr(lang, 'ev.photoTime.assumedOffset') : text, visits: [] };
}

function photoPlace(v: VerdictLike, lang: Lang): Explained | null {
  const n = v.numbers ?? {};
  const reason = pickStr(['reason'], n) ?? '';
  const distance = pick(['distanceM'], n);
  const radius = pick(['radiusM'], n, v.inputs);
  const accuracy = pick(['accuracyM'], n);
  if (reason === 'site_unknown') return { text: tr(lang, 'ev.photoPlace.noSite'), visits: [] };
  if (reason === 'gps_invalid') return { text: tr(lang, 'ev.photoPlace.invalid'), visits: [] };
  if (reason === 'no_gps' || (distance === null && MISSING_EXIF.test(reason))) return { text: tr(lang, 'ev.photoPlace.noExif'), visits: [] };
  if (distance === null) return null;
  const ref = tr(lang, v.inputs?.against === 'claimed' ? 'ev.ref.claimed' : 'ev.ref.site');
  const p = { distance: m(distance, lang), radius: m(radius, lang), accuracy: formatNumber(accuracy, lang, 1), ref };
  if (reason === 'uncertain_accuracy') return { text: tr(lang, 'ev.photoPlace.uncertain', p), visits: [] };
  const inside = reason ? reason === 'inside_radius' : radius !== null ? distance <= radius : v.outcome === 'pass';
  return { text: tr(lang, inside ? 'ev.photoPlace.in' : 'ev.photoPlace.out', p), visits: [] };
}

/** The other visits a reuse verdict names: arrays of {visitId, distance?} or of visit ids. */
function reuseMatches(...objs: (Obj | null | undefined)[]): VisitRef[] {
  const out = new Map<string, VisitRef>();
  for (const o of objs) {
    if (!o) continue;
    for (const val of Object.values(o)) {
      if (!Array.isArray(val)) continue;
      for (const x of val) {
        if (isObj(x) && typeof x.visitId === 'string') {
          const d = pick(['distance', 'hamming', 'hammingDistance'], x);
          if (!out.has(x.visitId)) out.set(x.visitId, { id: x.visitId, detail: d === null ? undefined : String(d) });
        }
      }
    }
    for (const k of ['visitIds', 'otherVisitIds', 'reusedOn']) {
      const ids = o[k];
      if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string' && !out.has(id)) out.set(id, { id });
    }
  }
  return [...out.values()];
}

function photoReuse(v: VerdictLike, lang: Lang): Explained | null {
  const n = v.numbers ?? {};
  const reason = pickStr(['reason'], n) ?? '';
  if (reason === 'low_detail') return { text: tr(lang, 'ev.photoReuse.lowDetail'), visits: [] };
  if (reason === 'hash_invalid') return { text: tr(lang, 'ev.photoReuse.noHash'), visits: [] };
  const visits = reuseMatches(n, v.inputs);
  if (!visits.length) return v.outcome === 'pass' || reason === 'no_match' ? { text: tr(lang, 'ev.photoReuse.none'), visits: [] } : null;
  const list = visits.map((r) => (r.detail !== undefined ? `${shortRef(r.id)}${paren(lang, tr(lang, 'ev.photoReuse.bits', { distance: r.detail }))}` : shortRef(r.id))).join(tr(lang, 'list.comma'));
  return { text: tr(lang, 'ev.photoReuse.found', { count: formatNumber(visits.length, lang, 0), visits: list }), visits };
}

function competitor(v: VerdictLike, lang: Lang): Explained | null {
  const names = v.numbers?.competitors;
  if (!Array.isArray(names) || !names.length) return null;
  return { text: tr(lang, 'ev.competitor', { names: names.map(String).join(tr(lang, 'list.comma')) }), visits: [] };
}

function compliance(v: VerdictLike, lang: Lang): Explained | null {
  const items = v.numbers?.items;
  if (!Array.isArray(items)) return null;
  const list = items.filter(isObj);
  const tier = pickStr(['tier'], v.inputs) ?? '';
  const missing = list.filter((i) => i.ok === false);
  const shown = (missing.length ? missing : list).map((i) => {
    const key = `item.${String(i.item)}`;
    return tr(lang, 'ev.compliance.item', { name: has(key) ? tr(lang, key) : String(i.item), have: formatNumber(pick(['have'], i), lang, 0), need: formatNumber(pick(['need'], i), lang, 0) });
  });
  return { text: tr(lang, missing.length ? 'ev.compliance.missing' : 'ev.compliance.ok', { tier, items: shown.join(tr(lang, 'list.sep')) }).trim(), visits: [] };
}

const CHECKS: Record<string, (v: VerdictLike, lang: Lang) => Explained | null> = {
  geofence,
  travel,
  timeliness,
  sequence,
  photo_time: photoTime,
  photo_place: photoPlace,
  photo_reuse: photoReuse,
  competitor,
  compliance,
};

/** The sentence for a verdict, and the other visits it names. */
export function explainVerdict(v: VerdictLike, lang: Lang): Explained {
  const known = CHECKS[v.check]?.(v, lang);
  if (known) return known;
  return generic(v, lang);
}

// ── P8 batch flags ───────────────────────────────────────────────────────────────────────

function clauses(lang: Lang, parts: (string | null)[]): string {
  return parts.filter((p): p is string => !!p).join(tr(lang, 'clause.sep'));
}

/** The sentence for a P8 flag from its stored numbers (backfill.ts, templates.ts). */
export function explainBatchFlag(f: BatchFlagLike, lang: Lang): string {
  const n = f.numbers ?? {};
  const cfg = isObj(n.config) ? n.config : {};
  const count = pick(['count'], n);
  const total = pick(['total'], n);
  const share = pick(['share'], n);
  const base = { count: formatNumber(count, lang, 0), total: formatNumber(total, lang, 0), share: formatShare(share, lang) };
  if (f.detector === 'recording_cluster' && count !== null && total !== null) {
    const window = isObj(cfg.clusterWindow) ? cfg.clusterWindow : {};
    const from = pickStr(['windowFrom'], n) ?? pickStr(['from'], window);
    const to = pickStr(['windowTo'], n) ?? pickStr(['to'], window);
    const inWindow = pick(['inWindow'], n);
    const inBatches = pick(['inBatches'], n);
    const threshold = pick(['shareThreshold'], n) ?? pick(['clusterShare'], cfg);
    return clauses(lang, [
      tr(lang, 'ev.p8.cluster', base),
      inWindow && from && to ? tr(lang, 'ev.p8.clusterWindow', { n: formatNumber(inWindow, lang, 0), from, to }) : null,
      inBatches ? tr(lang, 'ev.p8.clusterBatches', { n: formatNumber(inBatches, lang, 0), batches: formatNumber(pick(['batches'], n), lang, 0), largest: formatNumber(pick(['largestBatch'], n), lang, 0) }) : null,
      threshold !== null ? tr(lang, 'ev.p8.threshold', { threshold: formatShare(threshold, lang) }) : null,
    ]);
  }
  if (f.detector === 'backfill_lag' && count !== null && total !== null) {
    const limit = pick(['maxLagHours'], n, cfg);
    const longest = pick(['longestLagHours'], n);
    const median = pick(['medianLagHours'], n);
    const weekend = pick(['weekendShare'], n);
    return clauses(lang, [
      tr(lang, 'ev.p8.lag', { ...base, limit: formatNumber(limit, lang, 1) }),
      longest !== null ? tr(lang, 'ev.p8.lagLongest', { hours: formatNumber(longest, lang, 1) }) : null,
      median !== null ? tr(lang, 'ev.p8.lagMedian', { hours: formatNumber(median, lang, 1) }) : null,
      weekend ? tr(lang, 'ev.p8.lagWeekend', { share: formatShare(weekend, lang) }) : null,
    ]);
  }
  if (f.detector === 'template' && count !== null && total !== null) {
    const threshold = pick(['similarity'], n) ?? pick(['templateSimilarity'], cfg);
    return clauses(lang, [
      tr(lang, 'ev.p8.template', { ...base, groups: formatNumber(pick(['groups'], n), lang, 0), largest: formatNumber(pick(['largestGroup'], n), lang, 0) }),
      threshold !== null
        ? tr(lang, 'ev.p8.templateSim', { threshold: formatNumber(threshold, lang, 3), min: formatNumber(pick(['minSimilarity'], n), lang, 3), mean: formatNumber(pick(['meanSimilarity'], n), lang, 3) })
        : null,
    ]);
  }
  const body = genericNumbers(n, lang);
  return body ? `${checkLabel(f.detector, lang)}${colon(lang)}${body}` : checkLabel(f.detector, lang);
}

/** One evidence row of a P8 flag: the visit it names and what about it counted. */
export function explainEvidenceRow(detector: string, row: unknown, lang: Lang, numbers?: Obj | null): { visitId: string | null; text: string } {
  if (!isObj(row)) return { visitId: typeof row === 'string' ? row : null, text: typeof row === 'string' ? shortRef(row) : formatValue(row, lang) };
  const visitId = typeof row.visitId === 'string' ? row.visitId : null;
  const occurred = fmtTime(row.occurredAt);
  const recorded = fmtTime(row.recordedAt);
  if (detector === 'recording_cluster' && row.recordedAt) {
    const from = pickStr(['windowFrom'], numbers);
    const to = pickStr(['windowTo'], numbers);
    if (row.why === 'window') return { visitId, text: tr(lang, 'ev.row.window', { recorded, occurred, window: from && to ? `${from}–${to}` : '' }) };
    if (row.why === 'batch') return { visitId, text: tr(lang, 'ev.row.batch', { recorded, occurred }) };
    return { visitId, text: tr(lang, 'ev.row.recorded', { recorded, occurred }) };
  }
  const lag = pick(['lagHours'], row);
  if (lag !== null && row.recordedAt) return { visitId, text: tr(lang, 'ev.row.lag', { occurred, recorded, hours: formatNumber(lag, lang, 1) }) };
  const sim = pick(['similarity'], row);
  if (sim !== null) {
    const group = pick(['group'], row);
    return { visitId, text: group !== null ? tr(lang, 'ev.row.template', { group: group + 1, similarity: formatNumber(sim, lang, 3) }) : tr(lang, 'ev.row.similarity', { similarity: formatNumber(sim, lang, 3) }) };
  }
  return { visitId, text: genericNumbers(Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'visitId')), lang) };
}

/** "key numbers" of a flag for a table cell: the detector's sentence without the visit rows. */
export const flagKeyNumbers = explainBatchFlag;
