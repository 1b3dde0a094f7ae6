// Header → target column suggestion for the import wizard (C2). A header matches a column when,
// after normalising both (case, full-width forms, spaces, punctuation, a trailing "(必填)"/"*"),
// it equals the column's key, one of its labels, or one of its aliases. Each column is suggested
// for at most one header (the first match, left to right); unmatched headers stay unmapped.
export interface MappableColumn {
  key: string;
  label: { 'zh-CN': string; 'en-US': string };
  aliases: readonly string[];
  required: boolean;
}

export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[（(][^）)]*[）)]$/, '') // "手机号(必填)" → "手机号"
    .replace(/[\s_\-.:：*/\\·'"]+/g, '');
}

/** header index → column key (only headers with a suggestion appear). */
export function suggestMapping(headers: readonly string[], columns: readonly MappableColumn[]): Record<number, string> {
  const lookup = new Map<string, string>();
  for (const c of columns) {
    for (const name of [c.key, c.label['zh-CN'], c.label['en-US'], ...c.aliases]) {
      const n = normaliseHeader(name);
      if (n && !lookup.has(n)) lookup.set(n, c.key);
    }
  }
  const used = new Set<string>();
  const out: Record<number, string> = {};
  headers.forEach((h, i) => {
    const key = lookup.get(normaliseHeader(h));
    if (key && !used.has(key)) {
      used.add(key);
      out[i] = key;
    }
  });
  return out;
}

/** Required columns that no header is mapped to. */
export function missingRequired(mapping: Record<number, string>, columns: readonly MappableColumn[]): string[] {
  const mapped = new Set(Object.values(mapping));
  return columns.filter((c) => c.required && !mapped.has(c.key)).map((c) => c.key);
}
