import { describe, expect, it } from 'vitest';
import { addDays, assessLight, idleDays, lightFor, sinceDay, zonedDayStart } from './lights.js';

const RULES = { yellowDays: 2, redDays: 3, workingDaysOnly: true };

describe('process lights (pure)', () => {
  it('[P6] last action Monday → Friday is red after Tue, Wed, Thu without an action (the action’s day and D itself are not idle)', () => {
    // 2026-11-02 is a Monday.
    const a = assessLight('2026-11-06', '2026-11-02', RULES);
    expect(a).toMatchObject({ light: 'red', idleDays: 3, countedDays: ['2026-11-03', '2026-11-04', '2026-11-05'] });
    expect(assessLight('2026-11-05', '2026-11-02', RULES)).toMatchObject({ light: 'yellow', idleDays: 2 });
    expect(assessLight('2026-11-04', '2026-11-02', RULES)).toMatchObject({ light: 'green', idleDays: 1 });
    expect(assessLight('2026-11-03', '2026-11-02', RULES)).toMatchObject({ light: 'green', idleDays: 0 });
    expect(assessLight('2026-11-02', '2026-11-02', RULES)).toMatchObject({ light: 'green', idleDays: 0 });
  });

  it('[P6] weekends do not count as idle working days; with workingDaysOnly off they do', () => {
    // Thursday 2026-11-05 → Tuesday 2026-11-10: Fri and Mon count, Sat/Sun do not.
    expect(idleDays('2026-11-05', '2026-11-10', true)).toEqual(['2026-11-06', '2026-11-09']);
    expect(assessLight('2026-11-10', '2026-11-05', RULES).light).toBe('yellow');
    expect(assessLight('2026-11-10', '2026-11-05', { ...RULES, workingDaysOnly: false })).toMatchObject({ light: 'red', idleDays: 4 });
  });

  it('[P6] public holidays do not count and make-up working days do (State Council calendar 2026)', () => {
    // National Day: 10-01…10-07 off, Saturday 10-10 is a make-up working day.
    expect(idleDays('2026-09-30', '2026-10-09', true)).toEqual(['2026-10-08']);
    expect(assessLight('2026-10-09', '2026-09-30', RULES).light).toBe('green');
    expect(idleDays('2026-10-08', '2026-10-12', true)).toEqual(['2026-10-09', '2026-10-10']);
  });

  it('[P6] thresholds come from the rules', () => {
    expect(lightFor(4, { yellowDays: 3, redDays: 5 })).toBe('yellow');
    expect(lightFor(5, { yellowDays: 3, redDays: 5 })).toBe('red');
    expect(lightFor(2, { yellowDays: 3, redDays: 5 })).toBe('green');
  });

  it('[P6] a rep with no action on record counts from the hire date inside the window, else from the window start', () => {
    expect(sinceDay({ lastActionDay: '2026-11-02', hiredOn: '2026-01-01', windowStartDay: '2026-05-01' })).toEqual({ since: '2026-11-02', basis: 'last_action' });
    expect(sinceDay({ lastActionDay: null, hiredOn: '2026-11-02', windowStartDay: '2026-05-01' })).toEqual({ since: '2026-11-01', basis: 'hired_on' });
    expect(sinceDay({ lastActionDay: null, hiredOn: null, windowStartDay: '2026-05-01' })).toEqual({ since: '2026-04-30', basis: 'window' });
    // Hired Monday, no action since: Mon, Tue, Wed are idle → red on Thursday.
    expect(assessLight('2026-11-05', addDays('2026-11-02', -1), RULES)).toMatchObject({ light: 'red', idleDays: 3 });
  });

  it('[P6] local days start at midnight in the tenant’s zone', () => {
    expect(zonedDayStart('2026-11-06', 'Asia/Shanghai').toISOString()).toBe('2026-11-05T16:00:00.000Z');
    expect(zonedDayStart('2026-11-06', 'UTC').toISOString()).toBe('2026-11-06T00:00:00.000Z');
  });
});
