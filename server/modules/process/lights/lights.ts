// P6 red/yellow lights (pure, no I/O).
// Inputs: the local day D the light is for, the local day of the rep's latest process action
// (or, for a rep with none on record, the day before counting starts), and the tenant's
// `process.lights` rules. Output: the idle days counted and the light.
//
// Rule lights/1:
// - The day of an action is the local day of its occurred_at (when it happened, as claimed),
//   not of its recorded_at: an action recorded this morning about yesterday counts for yesterday.
// - Idle days are the days strictly after the last action's day and strictly before D. D is not
//   over when the job runs (08:30), and the action's own day was not idle.
// - With workingDaysOnly, only working days of the State Council calendar count (weekends and
//   public holidays do not, make-up working days do): server/platform/calendar.ts.
// - idle ≥ redDays → red; idle ≥ yellowDays → yellow; otherwise green (defaults 3 and 2).
// Example: last action Monday, D = Friday → Tue, Wed, Thu idle → 3 → red.
import { isWorkingDay } from '../../../platform/calendar.js';
import { zonedParts } from '../../../platform/jobs/periods.js';

export const LIGHTS_RULE = 'lights/1';

export type Light = 'green' | 'yellow' | 'red';

export interface LightRules {
  yellowDays: number;
  redDays: number;
  workingDaysOnly: boolean;
}

/** At most this many counted days are kept in a light's evidence. */
export const EVIDENCE_DAYS = 60;

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' plus n calendar days. */
export function addDays(ymd: string, n: number): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The instant a local calendar day starts in a time zone (no DST in Asia/Shanghai; elsewhere good to the hour). */
export function zonedDayStart(ymd: string, tz: string): Date {
  const guess = Date.parse(`${ymd}T00:00:00Z`);
  const p = zonedParts(new Date(guess), tz);
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - guess;
  return new Date(guess - offset);
}

/** The days strictly between `since` and `day` that count as idle. */
export function idleDays(since: string, day: string, workingDaysOnly: boolean, isWorking: (ymd: string) => boolean = isWorkingDay): string[] {
  const out: string[] = [];
  for (let d = addDays(since, 1); d < day; d = addDays(d, 1)) if (!workingDaysOnly || isWorking(d)) out.push(d);
  return out;
}

export function lightFor(idle: number, rules: Pick<LightRules, 'yellowDays' | 'redDays'>): Light {
  if (idle >= rules.redDays) return 'red';
  if (idle >= rules.yellowDays) return 'yellow';
  return 'green';
}

export interface Assessment {
  light: Light;
  idleDays: number;
  /** The last day that was not idle (the last action's day, or the day before counting started). */
  since: string;
  /** The idle days counted (the most recent EVIDENCE_DAYS of them). */
  countedDays: string[];
}

export function assessLight(day: string, since: string, rules: LightRules, isWorking: (ymd: string) => boolean = isWorkingDay): Assessment {
  const counted = idleDays(since, day, rules.workingDaysOnly, isWorking);
  return { light: lightFor(counted.length, rules), idleDays: counted.length, since, countedDays: counted.slice(-EVIDENCE_DAYS) };
}

/**
 * Where counting starts for a rep: the day of their latest action; with none on record in the
 * look-back window, the day before they were hired (if that is inside the window) or the day
 * before the window starts.
 */
export function sinceDay(o: { lastActionDay: string | null; hiredOn: string | null; windowStartDay: string }): { since: string; basis: 'last_action' | 'hired_on' | 'window' } {
  if (o.lastActionDay) return { since: o.lastActionDay, basis: 'last_action' };
  if (o.hiredOn && o.hiredOn > o.windowStartDay) return { since: addDays(o.hiredOn, -1), basis: 'hired_on' };
  return { since: addDays(o.windowStartDay, -1), basis: 'window' };
}
