import { describe, expect, it } from 'vitest';
import { assertCron, isoWeek, latestDue, nextDue, periods, zonedParts } from './periods.js';

const SH = 'Asia/Shanghai';
const MONTHLY_9AM = '0 9 1 * *';

describe('periods and cron times in the tenant time zone', () => {
  it('[G8] at 2026-11-30T17:00Z it is already December in Shanghai, and the 1st-of-month 09:00 run that comes next is December’s', () => {
    const at = new Date('2026-11-30T17:00:00Z'); // 2026-12-01 01:00 in Shanghai
    expect(zonedParts(at, SH)).toMatchObject({ year: 2026, month: 12, day: 1, hour: 1 });
    expect(periods.month(at, SH)).toBe('2026-12');
    expect(periods.month(at, 'UTC')).toBe('2026-11');
    const next = nextDue(MONTHLY_9AM, SH, at)!;
    expect(next.toISOString()).toBe('2026-12-01T01:00:00.000Z'); // 09:00 Shanghai, not 09:00 UTC
    expect(periods.month(next, SH)).toBe('2026-12');
    // 09:00 has not come yet in Shanghai: the period the scheduler is responsible for is still November's.
    const due = latestDue(MONTHLY_9AM, SH, at)!;
    expect(due.toISOString()).toBe('2026-11-01T01:00:00.000Z');
    expect(periods.month(due, SH)).toBe('2026-11');
  });

  it('[G8] a 1st-of-month 00:30 job is due for December in Shanghai while UTC would still say November', () => {
    const at = new Date('2026-11-30T17:00:00Z');
    const sh = latestDue('30 0 1 * *', SH, at)!;
    expect(sh.toISOString()).toBe('2026-11-30T16:30:00.000Z');
    expect(periods.month(sh, SH)).toBe('2026-12');
    const utc = latestDue('30 0 1 * *', 'UTC', at)!;
    expect(periods.month(utc, 'UTC')).toBe('2026-11');
  });

  it('[jobs] the most recent scheduled time includes a run exactly at "now"', () => {
    const exactly = new Date('2026-11-26T19:00:00.000Z'); // 03:00 Shanghai
    expect(latestDue('0 3 * * *', SH, exactly)!.toISOString()).toBe('2026-11-26T19:00:00.000Z');
    const justBefore = new Date('2026-11-26T18:59:59.999Z');
    expect(latestDue('0 3 * * *', SH, justBefore)!.toISOString()).toBe('2026-11-25T19:00:00.000Z');
  });

  it('[jobs] day, hour, ISO-week and previous-month keys follow the local calendar', () => {
    const lateUtc = new Date('2026-12-31T16:30:00Z'); // 2027-01-01 00:30 in Shanghai
    expect(periods.day(lateUtc, SH)).toBe('2027-01-01');
    expect(periods.day(lateUtc, 'UTC')).toBe('2026-12-31');
    expect(periods.hour(lateUtc, SH)).toBe('2027-01-01T00');
    expect(periods.isoWeek(lateUtc, SH)).toBe('2026-W53'); // 1 Jan 2027 is a Friday of 2026's week 53
    expect(periods.previousMonth(lateUtc, SH)).toBe('2026-12');
    expect(periods.previousMonth(new Date('2026-03-15T00:00:00Z'), SH)).toBe('2026-02');
    expect(isoWeek(2021, 1, 3)).toEqual({ year: 2020, week: 53 });
    expect(isoWeek(2026, 11, 26)).toEqual({ year: 2026, week: 48 });
    expect(isoWeek(2024, 12, 30)).toEqual({ year: 2025, week: 1 });
  });

  it('[jobs] an invalid cron expression is refused when a job is defined', () => {
    expect(() => assertCron('every day')).toThrow();
    expect(() => assertCron('0 3 * * *')).not.toThrow();
  });
});
