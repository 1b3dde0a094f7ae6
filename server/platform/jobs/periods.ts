// Business periods and cron times in a tenant's time zone (pure; no I/O).
// A job's period key names the run: the scheduler runs each (tenant, job, period) once.
import { Cron } from 'croner';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export interface ZonedParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields of an instant in a time zone. */
export function zonedParts(d: Date, tz: string): ZonedParts {
  const get = (parts: Intl.DateTimeFormatPart[], type: string) => Number(parts.find((p) => p.type === type)!.value);
  const parts = formatter(tz).formatToParts(d);
  return { year: get(parts, 'year'), month: get(parts, 'month'), day: get(parts, 'day'), hour: get(parts, 'hour') % 24, minute: get(parts, 'minute') };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO-8601 week-numbering year and week of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const d = new Date(Date.UTC(year, month - 1, day));
  const dow = d.getUTCDay() || 7; // Monday=1 … Sunday=7
  d.setUTCDate(d.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const y = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 + 1) / 7);
  return { year: y, week };
}

/** Period-key functions for job definitions: (scheduledFor, timeZone) → key. */
export const periods = {
  /** '2026-11-26' */
  day: (d: Date, tz: string) => {
    const p = zonedParts(d, tz);
    return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  },
  /** '2026-11-26T09' */
  hour: (d: Date, tz: string) => {
    const p = zonedParts(d, tz);
    return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}`;
  },
  /** '2026-W48' (ISO week, Monday first) */
  isoWeek: (d: Date, tz: string) => {
    const p = zonedParts(d, tz);
    const w = isoWeek(p.year, p.month, p.day);
    return `${w.year}-W${pad(w.week)}`;
  },
  /** '2026-11' */
  month: (d: Date, tz: string) => {
    const p = zonedParts(d, tz);
    return `${p.year}-${pad(p.month)}`;
  },
  /** The month before the one containing d: a report run on 1 December covers '2026-11'. */
  previousMonth: (d: Date, tz: string) => {
    const p = zonedParts(d, tz);
    return p.month === 1 ? `${p.year - 1}-12` : `${p.year}-${pad(p.month - 1)}`;
  },
} satisfies Record<string, (d: Date, tz: string) => string>;

const crons = new Map<string, Cron>();

/** A paused croner instance (no timer) used only to compute times. Throws on a bad pattern. */
export function cronFor(pattern: string, tz: string): Cron {
  const k = `${tz}\u0000${pattern}`;
  let c = crons.get(k);
  if (!c) {
    c = new Cron(pattern, { timezone: tz, paused: true });
    crons.set(k, c);
  }
  return c;
}

/** Throws a readable error when the pattern is not a valid croner expression. */
export function assertCron(pattern: string): void {
  const c = new Cron(pattern, { timezone: DEFAULT_TIME_ZONE, paused: true });
  if (!c.nextRun(new Date())) throw new Error(`cron '${pattern}' never fires`);
}

/** The most recent scheduled time at or before `at` in the zone; null when there is none. */
export function latestDue(pattern: string, tz: string, at: Date): Date | null {
  // croner's previousRuns excludes a run exactly at the reference instant; +1 ms makes it "≤ at".
  return cronFor(pattern, tz).previousRuns(1, new Date(at.getTime() + 1))[0] ?? null;
}

/** The first scheduled time strictly after `after`. */
export function nextDue(pattern: string, tz: string, after: Date): Date | null {
  return cronFor(pattern, tz).nextRun(after);
}
