// P7 blind verification (pure, no I/O): the month's reproducible sample, its round-robin
// assignment to QA inspectors, and the call script generated from a visit's actions.
//
// Sample rule blind/1:
// - seed = sha256("blind/1|<tenant id>|<YYYY-MM>") in hex, stored with the sample; every visit of the
//   population gets the rank key sha256("<seed>|<visit id>"), and visits are taken in rank-key order.
//   The same seed and population give the same sample whatever order the rows arrive in; another
//   month (another seed) gives an unrelated order.
// - size k = round(rate × N) (half up), at least 1 when N > 0, at most N: 5% of 30 → 2, of 10 → 1.
// - When k is at least the number of reps with visits, each rep's best-ranked visit is taken first
//   (every rep gets called about), then the rest by rank; otherwise simply the k best-ranked.
import crypto from 'node:crypto';

export const SAMPLE_RULE = 'blind/1';
export const SCRIPT_RULE = 'script/1';

const sha256 = (s: string) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');

export function seedFor(tenantId: string, period: string): string {
  return sha256(`${SAMPLE_RULE}|${tenantId}|${period}`);
}

export function rankKey(seed: string, id: string): string {
  return sha256(`${seed}|${id}`);
}

export function sampleSize(population: number, rate: number): number {
  if (population <= 0 || !(rate > 0)) return 0;
  return Math.min(population, Math.max(1, Math.floor(population * rate + 0.5 + 1e-9)));
}

export interface Candidate {
  id: string;
  repId: string;
}

/** The drawn candidates in rank order. */
export function drawSample<T extends Candidate>(candidates: readonly T[], rate: number, seed: string): T[] {
  const ranked = candidates.map((c) => ({ c, key: rankKey(seed, c.id) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const k = sampleSize(ranked.length, rate);
  const reps = new Set(ranked.map((r) => r.c.repId));
  let chosen: typeof ranked;
  if (k >= reps.size) {
    const firstOfRep = new Set<string>();
    const picked = new Set<string>();
    for (const r of ranked) {
      if (!firstOfRep.has(r.c.repId)) {
        firstOfRep.add(r.c.repId);
        picked.add(r.c.id);
      }
    }
    for (const r of ranked) {
      if (picked.size >= k) break;
      picked.add(r.c.id);
    }
    chosen = ranked.filter((r) => picked.has(r.c.id));
  } else chosen = ranked.slice(0, k);
  return chosen.map((r) => r.c);
}

/** Inspector for each item in turn (items in rank order, inspectors in the given order); null when there is no inspector. */
export function assignRoundRobin(count: number, inspectorIds: readonly string[]): (string | null)[] {
  return Array.from({ length: count }, (_, i) => (inspectorIds.length ? inspectorIds[i % inspectorIds.length] : null));
}

// ---- call script ---------------------------------------------------------------------------

export interface ScriptAction {
  type: string;
  occurredAt: Date;
  fields: Record<string, unknown>;
  note: string;
}

export interface ScriptInput {
  visitId: string;
  /** Local date and time of the visit (its first action that is not the appointment). */
  date: string;
  time: string;
  customerId: string;
  customerName: string | null;
  repName: string | null;
  purpose: string;
  actions: readonly ScriptAction[];
}

export interface Question {
  key: 'happened' | 'attendees' | 'needs' | 'items' | 'other';
  'zh-CN': string;
  'en-US': string;
}

export interface CallScript {
  rule: string;
  visitId: string;
  date: string;
  time: string;
  customerId: string;
  customerName: string | null;
  repName: string | null;
  purpose: string;
  attendees: string[];
  needs: string[];
  demo: string[];
  objections: string[];
  agreedItems: { text: string; dueAt: string | null }[];
  questions: Question[];
}

const MAX_TEXT = 200;
const clip = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s);

/** Strings out of a field that may be a string, a list of strings, or objects with a name/text. */
function texts(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (typeof v === 'string') return v.trim() ? [clip(v.trim())] : [];
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  if (Array.isArray(v)) return v.flatMap(texts);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const main = o.name ?? o.text ?? o.content ?? o.title ?? o.term;
    if (typeof main !== 'string' || !main.trim()) return [];
    const role = o.name && typeof o.title === 'string' && o.title.trim() ? `（${o.title.trim()}）` : o.name && typeof o.role === 'string' && o.role.trim() ? `（${o.role.trim()}）` : '';
    return [clip(`${main.trim()}${role}`)];
  }
  return [];
}

const uniq = (xs: string[]) => [...new Set(xs)];
const ATTENDEE_FIELDS = ['attendees', 'participants', 'contacts', 'contact', 'contactName', 'metWith'];

/** The script a QA inspector reads on the phone to the customer, built from the visit as recorded. */
export function callScript(v: ScriptInput): CallScript {
  const of = (type: string) => v.actions.filter((a) => a.type === type);
  const attendees = uniq(v.actions.flatMap((a) => ATTENDEE_FIELDS.flatMap((f) => texts(a.fields[f]))));
  const needCaptures = of('need_capture');
  let needs = uniq(needCaptures.flatMap((a) => [...texts(a.fields.needs), ...texts(a.fields.painPoints)]));
  if (!needs.length) needs = uniq(needCaptures.flatMap((a) => texts(a.note)));
  const demo = uniq(of('demo').flatMap((a) => texts(a.fields.solution)));
  const objections = uniq(
    of('objection').flatMap((a) => {
      const c = texts(a.fields.content).join('；');
      const cat = texts(a.fields.category).join('、');
      return c || cat ? [clip(cat && c ? `${cat}：${c}` : c || cat)] : [];
    }),
  );
  const agreedItems: CallScript['agreedItems'] = [];
  for (const a of of('follow_up')) {
    const due = typeof a.fields.dueAt === 'string' && a.fields.dueAt ? a.fields.dueAt.slice(0, 10) : null;
    for (const text of uniq([...texts(a.fields.commitment), ...texts(a.fields.agreedItems), ...texts(a.fields.items)])) agreedItems.push({ text, dueAt: due });
    if (!agreedItems.length && a.note.trim()) agreedItems.push({ text: clip(a.note.trim()), dueAt: due });
  }

  const who = v.repName ?? '我司销售';
  const questions: Question[] = [
    {
      key: 'happened',
      'zh-CN': `您好，我们是客户服务回访。请问 ${v.date} 前后，我司销售 ${who} 是否到贵司拜访过？大约是什么时间？`,
      'en-US': `Hello, this is a customer service call. Around ${v.date}, did our sales representative ${who} visit you? At about what time?`,
    },
    {
      key: 'attendees',
      'zh-CN': attendees.length ? `当时贵司有哪些人参加了沟通？（记录为：${attendees.join('、')}）` : '当时贵司有哪些人参加了沟通？（拜访记录未填写参与人）',
      'en-US': attendees.length ? `Who from your side took part? (recorded: ${attendees.join(', ')})` : 'Who from your side took part? (no attendees recorded)',
    },
  ];
  if (needs.length || demo.length) {
    const topics = [...needs, ...demo];
    questions.push({
      key: 'needs',
      'zh-CN': `沟通中是否谈到以下内容：${topics.join('；')}？`,
      'en-US': `Did the conversation cover: ${topics.join('; ')}?`,
    });
  }
  if (agreedItems.length) {
    questions.push({
      key: 'items',
      'zh-CN': `双方是否约定了以下事项：${agreedItems.map((i) => `${i.text}${i.dueAt ? `（${i.dueAt} 前）` : ''}`).join('；')}？`,
      'en-US': `Did you agree on: ${agreedItems.map((i) => `${i.text}${i.dueAt ? ` (by ${i.dueAt})` : ''}`).join('; ')}?`,
    });
  }
  questions.push({ key: 'other', 'zh-CN': '对这次拜访还有什么补充或意见吗？', 'en-US': 'Anything else about the visit you would like to add?' });

  return {
    rule: SCRIPT_RULE,
    visitId: v.visitId,
    date: v.date,
    time: v.time,
    customerId: v.customerId,
    customerName: v.customerName,
    repName: v.repName,
    purpose: v.purpose,
    attendees,
    needs,
    demo,
    objections,
    agreedItems,
    questions,
  };
}

/** Authenticity = confirmed / (checked − unreachable); null when nothing reachable was checked. */
export function authenticityRate(c: { confirmed: number; checked: number; unreachable: number }): number | null {
  const den = c.checked - c.unreachable;
  return den > 0 ? Math.round((c.confirmed / den) * 10_000) / 10_000 : null;
}
