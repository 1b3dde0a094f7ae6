// Masking applied before a value leaves the service: 138****1234, 张*, 9131****XX.
export function maskPhone(v: string): string {
  const d = v.replace(/\D/g, '');
  if (d.length < 7) return '*'.repeat(d.length);
  return `${d.slice(0, 3)}****${d.slice(-4)}`;
}

export function maskName(v: string): string {
  const chars = [...v];
  if (chars.length <= 1) return '*';
  // Chinese personal names keep the surname; organisation names keep the first two characters.
  const keep = chars.length <= 3 ? 1 : 2;
  return chars.slice(0, keep).join('') + '*'.repeat(Math.min(chars.length - keep, 6));
}

export function maskCode(v: string): string {
  if (v.length <= 6) return '*'.repeat(v.length);
  return `${v.slice(0, 4)}${'*'.repeat(v.length - 6)}${v.slice(-2)}`;
}

export function maskAddress(v: string): string {
  const chars = [...v];
  return chars.slice(0, Math.min(6, Math.ceil(chars.length / 3))).join('') + '****';
}

export function maskValue(field: string, v: unknown): unknown {
  if (v === null || v === undefined || v === '') return v;
  const s = String(v);
  if (/mobile|phone/i.test(field)) return maskPhone(s);
  if (/creditCode|idNumber/i.test(field)) return maskCode(s);
  if (/address/i.test(field)) return maskAddress(s);
  if (/name/i.test(field)) return maskName(s);
  if (/email/i.test(field)) return s.replace(/^(.).*(@.*)$/, '$1***$2');
  return '***';
}
