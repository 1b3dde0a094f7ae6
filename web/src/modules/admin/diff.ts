// Before → after of an audit row as a list of changed paths. Objects are walked key by key;
// arrays and scalars compare as whole values (a reordered list is one change, not many).
export type DiffKind = 'added' | 'removed' | 'changed';
export interface DiffRow {
  path: string;
  kind: DiffKind;
  before?: unknown;
  after?: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

export function jsonDiff(before: unknown, after: unknown, path = ''): DiffRow[] {
  const b = before ?? undefined;
  const a = after ?? undefined;
  if (isPlainObject(b) || isPlainObject(a)) {
    if ((b !== undefined && !isPlainObject(b)) || (a !== undefined && !isPlainObject(a))) {
      return equal(b, a) ? [] : [{ path, kind: 'changed', before: b, after: a }];
    }
    const bo = (b ?? {}) as Record<string, unknown>;
    const ao = (a ?? {}) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(bo), ...Object.keys(ao)])].sort();
    return keys.flatMap((k) => {
      const p = path ? `${path}.${k}` : k;
      const inB = k in bo && bo[k] !== undefined;
      const inA = k in ao && ao[k] !== undefined;
      if (inB && !inA) return isPlainObject(bo[k]) ? jsonDiff(bo[k], undefined, p) : [{ path: p, kind: 'removed' as const, before: bo[k] }];
      if (!inB && inA) return isPlainObject(ao[k]) ? jsonDiff(undefined, ao[k], p) : [{ path: p, kind: 'added' as const, after: ao[k] }];
      return jsonDiff(bo[k], ao[k], p);
    });
  }
  if (b === undefined && a === undefined) return [];
  if (b === undefined) return [{ path, kind: 'added', after: a }];
  if (a === undefined) return [{ path, kind: 'removed', before: b }];
  return equal(b, a) ? [] : [{ path, kind: 'changed', before: b, after: a }];
}

/** Compact one-line rendering of a JSON value for a diff cell. */
export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Parses the JSON an admin typed for a configuration proposal. */
export function parseJsonInput(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
