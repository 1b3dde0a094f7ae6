import { describe, expect, it } from 'vitest';
import { addWeeks, checkPromise, isoWeekOf, todayIn, weekMonday, weekRange, weeksInYear, type WeekLoad } from './capacity.js';

const weeks = (from: string, n: number, capacity: number, booked: Record<string, number> = {}): WeekLoad[] =>
  weekRange(from, addWeeks(from, n - 1)).map((week) => ({ week, capacity, booked: booked[week] ?? 0 }));

describe('ISO weeks', () => {
  it('[C7] ISO week edges: Monday start, Sunday end, and the year boundary', () => {
    expect(isoWeekOf('2026-11-23')).toBe('2026-W48'); // Monday
    expect(isoWeekOf('2026-11-29')).toBe('2026-W48'); // Sunday
    expect(isoWeekOf('2026-11-30')).toBe('2026-W49');
    // 2026 has 53 ISO weeks (it starts on a Thursday); 1 January 2027 is still in 2026-W53.
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
    expect(isoWeekOf('2026-12-31')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-03')).toBe('2026-W53');
    expect(isoWeekOf('2027-01-04')).toBe('2027-W01');
    // 29 December 2025 (a Monday) already belongs to 2026-W01.
    expect(isoWeekOf('2025-12-29')).toBe('2026-W01');
    expect(weekMonday('2026-W01')).toBe('2025-12-29');
    expect(weekMonday('2026-W53')).toBe('2026-12-28');
    expect(addWeeks('2026-W52', 1)).toBe('2026-W53');
    expect(addWeeks('2026-W53', 1)).toBe('2027-W01');
    expect(addWeeks('2027-W01', -1)).toBe('2026-W53');
    expect(weekRange('2026-W52', '2027-W02')).toEqual(['2026-W52', '2026-W53', '2027-W01', '2027-W02']);
  });

  it('[C7] today is taken in the tenant time zone', () => {
    const instant = new Date('2026-11-29T17:30:00Z'); // Monday 01:30 in Shanghai, still Sunday in UTC
    expect(todayIn('Asia/Shanghai', instant)).toBe('2026-11-30');
    expect(todayIn('UTC', instant)).toBe('2026-11-29');
    expect(isoWeekOf(todayIn('Asia/Shanghai', instant))).toBe('2026-W49');
  });
});

describe('promise check', () => {
  it('[C7] a week with room accepts the promise', () => {
    const v = checkPromise({ weeks: weeks('2026-W48', 10, 10, { '2026-W50': 6 }), date: '2026-12-10', load: 4, today: '2026-11-26' });
    expect(v).toMatchObject({ ok: true, week: '2026-W50', capacity: 10, booked: 6, free: 4, alternatives: [] });
  });

  it('[C7] a full week is refused with the nearest week before and the two nearest after, same weekday', () => {
    const v = checkPromise({
      weeks: weeks('2026-W48', 12, 10, { '2026-W49': 9, '2026-W50': 10, '2026-W51': 8, '2026-W52': 5 }),
      date: '2026-12-10', // Thursday of W50
      load: 3,
      today: '2026-11-26',
    });
    expect(v.ok).toBe(false);
    expect(v).toMatchObject({ week: '2026-W50', free: 0, load: 3 });
    expect(v.alternatives).toEqual([
      { date: '2026-11-26', week: '2026-W48', free: 10, direction: 'before' },
      { date: '2026-12-24', week: '2026-W52', free: 5, direction: 'after' },
      { date: '2026-12-31', week: '2026-W53', free: 10, direction: 'after' },
    ]);
  });

  it('[C7] alternatives cross the year boundary and are never before today', () => {
    const v = checkPromise({
      weeks: weeks('2026-W52', 6, 5, { '2026-W52': 5, '2026-W53': 5, '2027-W01': 4 }),
      date: '2026-12-30',
      load: 2,
      today: '2026-12-23',
    });
    expect(v.ok).toBe(false);
    expect(v.alternatives).toEqual([
      { date: '2027-01-13', week: '2027-W02', free: 5, direction: 'after' },
      { date: '2027-01-20', week: '2027-W03', free: 5, direction: 'after' },
    ]);
  });

  it('[C7] no week with room within the horizon gives no alternatives rather than a made-up date', () => {
    const v = checkPromise({ weeks: weeks('2026-W48', 4, 1), date: '2026-12-01', load: 2, today: '2026-11-26', horizon: 4 });
    expect(v.ok).toBe(false);
    expect(v.alternatives).toEqual([]);
  });
});
