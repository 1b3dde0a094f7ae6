import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatMoney } from './format.js';

describe('display formats', () => {
  it('[X6] shows times in the tenant time zone, not the browser’s', () => {
    expect(formatDateTime('2026-03-31T16:30:00Z', 'Asia/Shanghai')).toBe('2026-04-01 00:30');
    expect(formatDateTime('2026-03-31T16:30:00Z', 'UTC')).toBe('2026-03-31 16:30');
    expect(formatDate('2026-03-31T16:30:00Z', 'Asia/Shanghai')).toBe('2026-04-01');
  });

  it('[X6] keeps calendar dates as they are and tolerates empty or bad input', () => {
    expect(formatDate('2026-06-30')).toBe('2026-06-30');
    expect(formatDateTime(null)).toBe('');
    expect(formatDateTime('not a date')).toBe('not a date');
  });

  it('[C8] formats amounts in yuan in either language', () => {
    expect(formatMoney(1234567, 'zh-CN')).toBe('¥1,234,567');
    expect(formatMoney(1234567, 'en-US')).toContain('1,234,567');
    expect(formatMoney(null, 'zh-CN')).toBe('');
  });
});
