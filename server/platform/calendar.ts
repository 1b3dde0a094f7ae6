// The tenant's working-day calendar (Asia/Shanghai, State Council holidays). Process lights (P6)
// count working days with it; the demo generator plans visits on it.

const DAY = 86_400_000;
/** Asia/Shanghai has no daylight saving: local time is always UTC+8. */
export const TZ_OFFSET_MS = 8 * 3_600_000;
const TZ_OFFSET = TZ_OFFSET_MS;

/**
 * Official non-working days and make-up working days (调休上班) from the State Council's annual
 * holiday notices for 2024–2026. Dates outside these years fall back to Monday–Friday.
 */
export const HOLIDAYS: Record<number, { off: string[]; work: string[] }> = {
  2024: {
    off: [
      '01-01', '02-10', '02-11', '02-12', '02-13', '02-14', '02-15', '02-16', '02-17', '04-04', '04-05', '04-06',
      '05-01', '05-02', '05-03', '05-04', '05-05', '06-10', '09-15', '09-16', '09-17',
      '10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07',
    ],
    work: ['02-04', '02-18', '04-07', '04-28', '05-11', '09-14', '09-29', '10-12'],
  },
  2025: {
    off: [
      '01-01', '01-28', '01-29', '01-30', '01-31', '02-01', '02-02', '02-03', '02-04', '04-04', '04-05', '04-06',
      '05-01', '05-02', '05-03', '05-04', '05-05', '05-31', '06-01', '06-02',
      '10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07', '10-08',
    ],
    work: ['01-26', '02-08', '04-27', '09-28', '10-11'],
  },
  2026: {
    off: [
      '01-01', '01-02', '01-03', '02-15', '02-16', '02-17', '02-18', '02-19', '02-20', '02-21', '02-22', '02-23',
      '04-04', '04-05', '04-06', '05-01', '05-02', '05-03', '05-04', '05-05', '06-19', '06-20', '06-21',
      '09-25', '09-26', '09-27', '10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07',
    ],
    work: ['01-04', '02-14', '02-28', '05-09', '09-20', '10-10'],
  },
};

/** YYYY-MM-DD of an instant in Asia/Shanghai. */
export function localDate(d: Date): string {
  return new Date(d.getTime() + TZ_OFFSET).toISOString().slice(0, 10);
}

/** Whether a local calendar day is a working day under the State Council calendar (weekends otherwise). */
export function isWorkingDay(localYmd: string): boolean {
  const y = Number(localYmd.slice(0, 4));
  const md = localYmd.slice(5);
  const cal = HOLIDAYS[y];
  if (cal?.off.includes(md)) return false;
  if (cal?.work.includes(md)) return true;
  const dow = new Date(`${localYmd}T00:00:00Z`).getUTCDay();
  return dow >= 1 && dow <= 5;
}

/** Local midnights (as UTC instants) of working days from `from` up to and including the day of `to`. */
export function* workingDays(from: Date, to: Date): Generator<Date> {
  let ymd = localDate(from);
  const last = localDate(to);
  while (ymd <= last) {
    if (isWorkingDay(ymd)) yield new Date(Date.parse(`${ymd}T00:00:00Z`) - TZ_OFFSET);
    const next = new Date(Date.parse(`${ymd}T00:00:00Z`) + DAY);
    ymd = next.toISOString().slice(0, 10);
  }
}
