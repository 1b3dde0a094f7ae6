// Freshness of key profile fields (C5): a field's age is the number of whole days since its
// latest value was observed (any source, any channel); a field is stale when its age is at
// least the configured threshold (default 90 days, config `customers.freshness`). A field
// that was never filled has no age and is reported as missing, not stale.
const DAY_MS = 86_400_000;

export function ageDays(lastObservedAt: Date | null, now: Date): number | null {
  if (!lastObservedAt) return null;
  return Math.max(0, Math.floor((now.getTime() - lastObservedAt.getTime()) / DAY_MS));
}

export interface FieldAge {
  field: string;
  lastObservedAt: Date | null;
  ageDays: number | null;
  stale: boolean;
}

export function fieldAges(fields: readonly string[], lastByField: ReadonlyMap<string, Date>, now: Date, staleAfterDays: number): FieldAge[] {
  return fields.map((field) => {
    const last = lastByField.get(field) ?? null;
    const age = ageDays(last, now);
    return { field, lastObservedAt: last, ageDays: age, stale: age !== null && age >= staleAfterDays };
  });
}

/** The latest observation before which a value counts as stale at `now`. */
export function staleBefore(now: Date, staleAfterDays: number): Date {
  return new Date(now.getTime() - staleAfterDays * DAY_MS);
}
