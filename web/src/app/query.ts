// Query strings without empty values: '' / null / undefined are left out so the server's
// strict schemas never see a blank filter.
export type QueryValue = string | number | boolean | null | undefined;

export function toQueryString(params: Record<string, QueryValue> | undefined): string {
  if (!params) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    const s = String(v).trim();
    if (s === '') continue;
    sp.set(k, s);
  }
  const out = sp.toString();
  return out ? `?${out}` : '';
}
