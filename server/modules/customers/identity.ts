// Customer identity keys (C1): organisations are rooted at the unified social credit code
// (统一社会信用代码) of GB 32100-2015 «法人和其他组织统一社会信用代码编码规则», individuals at a
// mainland mobile number. Pure functions only, so the service, the importer and the demo
// generator all agree on what counts as the same customer.
//
// GB 32100-2015 layout (18 characters):
//   1     registration authority (登记管理部门代码, e.g. 9 = 工商/市场监管)
//   2     organisation type (机构类别代码, e.g. 1 = 企业)
//   3–8   administrative division of the registering authority (GB/T 2260, e.g. 310000 上海)
//   9–17  organisation code (主体标识码, GB 11714: 8 body characters + its own check character)
//   18    check character over the first 17, modulo 31 (the only check this file enforces,
//         because it is what the standard defines for the code as a whole)

/** The 31 characters the standard allows: digits and capitals without I, O, Z, S, V. */
export const CREDIT_CODE_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type CreditCodeCheck =
  | { ok: true; normalised: string }
  | { ok: false; reason: 'length' | 'charset' | 'check_char'; expected?: string };

/**
 * Full-width forms (ＡＢＣ１２３, the ideographic space) are what Chinese IMEs often produce;
 * fold them to ASCII before anything else so a pasted value is not "wrong" for invisible reasons.
 */
export function toHalfWidth(input: string): string {
  let out = '';
  for (const ch of input) {
    const c = ch.codePointAt(0)!;
    if (c === 0x3000) out += ' ';
    else if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else out += ch;
  }
  return out;
}

/** The check character (position 18) for the first 17 characters; throws on a malformed body. */
export function creditCodeCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError(`credit code body must be 17 characters, got ${first17.length}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_CHARSET.indexOf(first17[i]);
    if (v < 0) throw new RangeError(`credit code body contains '${first17[i]}', which GB 32100-2015 does not allow`);
    sum += v * CREDIT_CODE_WEIGHTS[i];
  }
  return CREDIT_CODE_CHARSET[(31 - (sum % 31)) % 31];
}

/** Validates and normalises a unified social credit code (trim, half-width, upper case, inner spaces removed). */
export function checkCreditCode(code: string): CreditCodeCheck {
  const normalised = toHalfWidth(code).replace(/\s+/g, '').toUpperCase();
  if (normalised.length !== 18) return { ok: false, reason: 'length' };
  for (const ch of normalised) if (!CREDIT_CODE_CHARSET.includes(ch)) return { ok: false, reason: 'charset' };
  const expected = creditCodeCheckChar(normalised.slice(0, 17));
  if (normalised[17] !== expected) return { ok: false, reason: 'check_char', expected };
  return { ok: true, normalised };
}

/**
 * GB 11714 check character of the 9-character organisation code inside a credit code
 * (positions 9–17): weights 3,7,9,10,5,8,4,2 over digit/letter values (A = 10 … Z = 35),
 * 11 − sum mod 11, where 10 → 'X' and 11 → '0'. Not enforced by checkCreditCode (GB 32100
 * only defines the 18th character), but generated codes satisfy it so they look like real ones.
 */
export function orgCodeCheckChar(first8: string): string {
  if (first8.length !== 8) throw new RangeError(`organisation code body must be 8 characters, got ${first8.length}`);
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = parseInt(first8[i], 36);
    if (Number.isNaN(v)) throw new RangeError(`organisation code body contains '${first8[i]}'`);
    sum += v * weights[i];
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A complete credit code from its first 17 characters (e.g. drawn by the demo generator). */
export function makeCreditCode(first17: string): string {
  return first17 + creditCodeCheckChar(first17);
}

export type MobileCheck = { ok: true; normalised: string } | { ok: false; reason: 'empty' | 'charset' | 'length' | 'prefix' };

/**
 * Normalises a mainland China mobile number to its 11 digits: drops spaces, dashes, dots and
 * brackets (also full-width), and a +86 / 0086 / 86 country prefix. Valid numbers match
 * ^1[3-9]\d{9}$ (the MIIT mobile number ranges 13x–19x).
 */
export function normaliseMobile(input: string): MobileCheck {
  let s = toHalfWidth(input).replace(/[\s\-–—.()]/g, '');
  if (!s) return { ok: false, reason: 'empty' };
  if (s.startsWith('+86')) s = s.slice(3);
  else if (s.startsWith('0086')) s = s.slice(4);
  else if (s.length === 13 && s.startsWith('86')) s = s.slice(2);
  if (!/^\d+$/.test(s)) return { ok: false, reason: 'charset' };
  if (s.length !== 11) return { ok: false, reason: 'length' };
  if (!/^1[3-9]\d{9}$/.test(s)) return { ok: false, reason: 'prefix' };
  return { ok: true, normalised: s };
}
