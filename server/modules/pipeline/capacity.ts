// Delivery capacity per ISO week and the promise check (C7).
// Inputs: per-week capacity and booked load of one delivery team, the promised date, the load
// the promise needs, and "today" in the tenant's time zone. Output: whether the promised week has
// room, and the nearest weeks that do (the latest one before, the earliest ones after), each as a
// concrete date on the same weekday (never before today). Weeks are ISO-8601 (Monday first;
// the week with the year's first Thursday is week 1), written '2026-W53'.

const DAY = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** 'YYYY-MM-DD' → UTC midnight of that calendar date (the date is already in the tenant's zone). */
export function parseDate(s: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) throw new Error(`bad date ${s}`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (d.toISOString().slice(0, 10) !== s) throw new Error(`bad date ${s}`);
  return d;
}
export const formatDate = (d: Date) => d.toISOString().slice(0, 10);

export function isoWeekOf(date: string): string {
  const d = parseDate(date);
  const dow = d.getUTCDay() || 7;
  const thursday = new Date(d.getTime() + (4 - dow) * DAY);
  const y = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(y, 0, 1)) / DAY / 7) + 1;
  return `${y}-W${pad(week)}`;
}

export function parseWeek(week: string): { year: number; week: number } {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) throw new Error(`bad week ${week}`);
  const w = { year: Number(m[1]), week: Number(m[2]) };
  if (w.week < 1 || w.week > weeksInYear(w.year)) throw new Error(`bad week ${week}`);
  return w;
}

export function isWeek(s: string): boolean {
  try {
    parseWeek(s);
    return true;
  } catch {
    return false;
  }
}

/** 52 or 53: a year has week 53 when 28 December falls in it. */
export function weeksInYear(year: number): number {
  return Number(isoWeekOf(`${year}-12-28`).slice(6));
}

/** The Monday of an ISO week, 'YYYY-MM-DD'. */
export function weekMonday(week: string): string {
  const w = parseWeek(week);
  const jan4 = Date.UTC(w.year, 0, 4);
  const jan4dow = new Date(jan4).getUTCDay() || 7;
  return formatDate(new Date(jan4 - (jan4dow - 1) * DAY + (w.week - 1) * 7 * DAY));
}

export function addWeeks(week: string, n: number): string {
  return isoWeekOf(formatDate(new Date(parseDate(weekMonday(week)).getTime() + n * 7 * DAY)));
}

/** Weeks from..to inclusive (empty when to < from). */
export function weekRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let w = from; w <= to && out.length < 520; w = addWeeks(w, 1)) out.push(w);
  return out;
}

export interface WeekLoad {
  week: string;
  capacity: number;
  booked: number;
}

export const freeOf = (w: WeekLoad) => Math.round((w.capacity - w.booked) * 100) / 100;

export interface Alternative {
  date: string;
  week: string;
  free: number;
  direction: 'before' | 'after';
}

export interface PromiseVerdict {
  ok: boolean;
  week: string;
  capacity: number;
  booked: number;
  free: number;
  load: number;
  /** Empty when ok. */
  alternatives: Alternative[];
}

/** The date in `week` on the same weekday as `date`, moved up to `today` when that is later. */
function sameWeekday(date: string, week: string, today: string): string {
  const dow = (parseDate(date).getUTCDay() || 7) - 1;
  const d = formatDate(new Date(parseDate(weekMonday(week)).getTime() + dow * DAY));
  return d < today ? today : d;
}

/**
 * Checks a promise against a team's weeks. `weeks` must cover from today's week to at least
 * `horizon` weeks after the promised week (missing weeks count as zero capacity).
 * Alternatives: the nearest week before (not earlier than today's week) and the two nearest
 * after, each with room for the whole load.
 */
export function checkPromise(input: { weeks: WeekLoad[]; date: string; load: number; today: string; horizon?: number }): PromiseVerdict {
  const byWeek = new Map(input.weeks.map((w) => [w.week, w]));
  const week = isoWeekOf(input.date);
  const at = byWeek.get(week) ?? { week, capacity: 0, booked: 0 };
  const free = freeOf(at);
  const verdict = { week, capacity: at.capacity, booked: at.booked, free, load: input.load };
  if (input.date >= input.today && free >= input.load) return { ok: true, ...verdict, alternatives: [] };
  const todayWeek = isoWeekOf(input.today);
  const room = (w: string) => {
    const x = byWeek.get(w);
    return x && freeOf(x) >= input.load ? x : undefined;
  };
  const alternatives: Alternative[] = [];
  for (let w = addWeeks(week, -1); w >= todayWeek; w = addWeeks(w, -1)) {
    const x = room(w);
    if (x) {
      alternatives.push({ date: sameWeekday(input.date, w, input.today), week: w, free: freeOf(x), direction: 'before' });
      break;
    }
  }
  const horizon = input.horizon ?? 26;
  let start = week < todayWeek ? todayWeek : addWeeks(week, 1);
  if (week === todayWeek && input.date < input.today) start = todayWeek; // a past day this week: later this week may still fit
  for (let i = 0, w = start; i < horizon && alternatives.filter((a) => a.direction === 'after').length < 2; i++, w = addWeeks(w, 1)) {
    const x = room(w);
    if (x) alternatives.push({ date: sameWeekday(input.date, w, input.today), week: w, free: freeOf(x), direction: 'after' });
  }
  return { ok: false, ...verdict, alternatives };
}

/** Today's calendar date in a time zone, 'YYYY-MM-DD'. */
export function todayIn(timeZone: string, now: Date): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return f.format(now);
}
