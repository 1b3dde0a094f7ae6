// Display of times and money. Times are shown in the tenant's time zone (default
// Asia/Shanghai), not the browser's, so a manager abroad sees the same business day.
import type { Lang } from './i18n.js';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

function parts(value: string | number | Date, timeZone: string): Record<string, string> | null {
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(d).map((p) => [p.type, p.value]));
}

/** 'YYYY-MM-DD HH:mm' in the given zone; '' for empty, the raw value if unparseable. */
export function formatDateTime(value: string | number | Date | null | undefined, timeZone = DEFAULT_TIME_ZONE): string {
  if (value === null || value === undefined || value === '') return '';
  const p = parts(value, timeZone);
  if (!p) return String(value);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** A calendar date ('2026-03-31') stays as it is; a timestamp becomes its date in the zone. */
export function formatDate(value: string | number | Date | null | undefined, timeZone = DEFAULT_TIME_ZONE): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const p = parts(value, timeZone);
  if (!p) return String(value);
  return `${p.year}-${p.month}-${p.day}`;
}

export function formatMoney(amount: number | null | undefined, lang: Lang): string {
  if (amount === null || amount === undefined || Number.isNaN(amount)) return '';
  return new Intl.NumberFormat(lang, { style: 'currency', currency: 'CNY', maximumFractionDigits: 0 }).format(amount);
}
