// Builds the PATCH body: only writable fields whose value changed, blanks as null.
import type { Customer, CustomerInput } from './api.js';

export const FORM_FIELDS = [
  'kind',
  'name',
  'creditCode',
  'mobile',
  'contactName',
  'industry',
  'tier',
  'stage',
  'ownerId',
  'province',
  'city',
  'address',
  'lat',
  'lng',
  'tags',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

function norm(v: unknown): unknown {
  if (typeof v === 'string') {
    const s = v.trim();
    return s === '' ? null : s;
  }
  if (v === undefined) return null;
  return v;
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return norm(a) === norm(b);
}

export function changedFields(original: Customer, values: Partial<Record<FormField, unknown>>, writable: readonly string[]): CustomerInput {
  const out: Record<string, unknown> = {};
  for (const f of FORM_FIELDS) {
    if (!writable.includes(f) || !(f in values)) continue;
    const v = values[f];
    if (same((original as unknown as Record<string, unknown>)[f], v)) continue;
    out[f] = Array.isArray(v) ? v.map((x) => String(x).trim()).filter(Boolean) : norm(v);
  }
  return out as CustomerInput;
}

/** The create body: blanks left out (the server fills defaults), strings trimmed. */
export function createBody(values: Partial<Record<FormField, unknown>>): CustomerInput {
  const out: Record<string, unknown> = {};
  for (const f of FORM_FIELDS) {
    const v = values[f];
    if (Array.isArray(v)) {
      const tags = v.map((x) => String(x).trim()).filter(Boolean);
      if (tags.length) out[f] = tags;
      continue;
    }
    const n = norm(v);
    if (n !== null) out[f] = n;
  }
  return out as CustomerInput;
}
