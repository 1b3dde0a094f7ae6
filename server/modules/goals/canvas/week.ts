// ISO weeks ('YYYY-Www', Monday first) for the G5 canvas and the G6 valve (pure, no I/O).
import { isoWeek } from '../../../platform/jobs/periods.js';
import { addDays } from '../../process/lights/lights.js';

export const WEEK_RE = /^(\d{4})-W(\d{2})$/;

/** The Monday ('YYYY-MM-DD') of an ISO week, or null when the week does not exist (e.g. 2026-W54). */
export function weekMonday(week: string): string | null {
  const m = WEEK_RE.exec(week);
  if (!m) return null;
  const year = Number(m[1]);
  const w = Number(m[2]);
  if (w < 1 || w > 53) return null;
  // 4 January is always in week 1.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const dow = jan4.getUTCDay() || 7;
  const monday = new Date(jan4.getTime() + ((w - 1) * 7 - (dow - 1)) * 86_400_000).toISOString().slice(0, 10);
  return weekOf(monday) === week ? monday : null;
}

export const isWeek = (week: string) => weekMonday(week) !== null;

/** The ISO week of a calendar day 'YYYY-MM-DD'. */
export function weekOf(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  const w = isoWeek(y, m, d);
  return `${w.year}-W${String(w.week).padStart(2, '0')}`;
}

/** The week n weeks after (negative: before) `week`. */
export function addWeeks(week: string, n: number): string {
  const monday = weekMonday(week);
  if (!monday) throw new Error(`invalid ISO week ${week}`);
  return weekOf(addDays(monday, n * 7));
}

/** The weeks [from … to], ascending. */
export function weeksBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let w = from; w <= to && out.length < 1000; w = addWeeks(w, 1)) out.push(w);
  return out;
}
