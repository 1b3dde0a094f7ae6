import { describe, expect, it } from 'vitest';
import { checkCreditCode, creditCodeCheckChar, makeCreditCode, normaliseMobile, orgCodeCheckChar, toHalfWidth } from './identity.js';

// Published unified social credit codes. Each also satisfies the independent GB 11714 check of
// its embedded organisation code (positions 9–17), which a made-up code passes only by chance.
const REAL_CODES = [
  ['91350100M000100Y43', 'GB 32100-2015 worked example'],
  ['91110000802100433B', '北京百度网讯科技有限公司'],
  ['914403001922038216', '华为技术有限公司'],
  ['91440300708461136T', '深圳市腾讯计算机系统有限公司'],
  ['91330100799655058B', '阿里巴巴（中国）有限公司'],
  ['91110108551385082Q', '小米科技有限责任公司'],
] as const;

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(REAL_CODES)('[C1] accepts a valid unified social credit code %s (%s)', (code) => {
    expect(checkCreditCode(code)).toEqual({ ok: true, normalised: code });
    expect(creditCodeCheckChar(code.slice(0, 17))).toBe(code[17]);
    expect(orgCodeCheckChar(code.slice(8, 16))).toBe(code[16]);
  });

  it('[C1] rejects a credit code whose check character is wrong and names the expected one', () => {
    expect(checkCreditCode('91350100M000100Y44')).toEqual({ ok: false, reason: 'check_char', expected: '3' });
    expect(checkCreditCode('91110000802100433C')).toEqual({ ok: false, reason: 'check_char', expected: 'B' });
    // One transposed pair in the body changes the expected check character.
    expect(checkCreditCode('914403001922038126')).toMatchObject({ ok: false, reason: 'check_char' });
  });

  it('[C1] detects every single-character substitution in a valid code', () => {
    const code = '91440300708461136T';
    const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 18; i++) {
      for (const ch of charset) {
        if (ch === code[i]) continue;
        const mutated = code.slice(0, i) + ch + code.slice(i + 1);
        expect(checkCreditCode(mutated).ok, mutated).toBe(false);
      }
    }
  });

  it('[C1] normalises lower case, surrounding and inner spaces and full-width characters', () => {
    expect(checkCreditCode('  91110000802100433b ')).toEqual({ ok: true, normalised: '91110000802100433B' });
    expect(checkCreditCode('９１１１００００８０２１００４３３Ｂ')).toEqual({ ok: true, normalised: '91110000802100433B' });
    expect(checkCreditCode('9111 0000 8021 0043 3B')).toEqual({ ok: true, normalised: '91110000802100433B' });
    expect(checkCreditCode('\u30009135 0100M000100Y43\u3000')).toEqual({ ok: true, normalised: '91350100M000100Y43' });
  });

  it('[C1] rejects a credit code of the wrong length', () => {
    expect(checkCreditCode('')).toEqual({ ok: false, reason: 'length' });
    expect(checkCreditCode('91110000802100433')).toEqual({ ok: false, reason: 'length' });
    expect(checkCreditCode('91110000802100433BB')).toEqual({ ok: false, reason: 'length' });
    // The old 15-digit business registration number is not a credit code.
    expect(checkCreditCode('110000000000001')).toEqual({ ok: false, reason: 'length' });
  });

  it('[C1] rejects characters outside the GB 32100 charset (I, O, Z, S, V, punctuation)', () => {
    for (const bad of ['I', 'O', 'Z', 'S', 'V', '-', '*']) {
      expect(checkCreditCode(`9135010${bad}M000100Y43`)).toEqual({ ok: false, reason: 'charset' });
    }
  });

  it('[C1] makeCreditCode appends the check character and rejects a malformed body', () => {
    expect(makeCreditCode('91350100M000100Y4')).toBe('91350100M000100Y43');
    expect(checkCreditCode(makeCreditCode('91310000MA1FL0000')).ok).toBe(true);
    expect(() => creditCodeCheckChar('9135010')).toThrow(RangeError);
    expect(() => creditCodeCheckChar('91350100M000100O4')).toThrow(RangeError);
  });

  it('[C1] toHalfWidth folds full-width letters, digits and the ideographic space', () => {
    expect(toHalfWidth('ＡＢＣ１２３\u3000＋８６')).toBe('ABC123 +86');
    expect(toHalfWidth('上海（浦东）')).toBe('上海(浦东)');
  });
});

describe('mainland mobile numbers', () => {
  it.each([
    ['13912345678', '13912345678'],
    ['139 1234 5678', '13912345678'],
    ['139-1234-5678', '13912345678'],
    ['+86 139 1234 5678', '13912345678'],
    ['+86-13912345678', '13912345678'],
    ['0086 13912345678', '13912345678'],
    ['8613912345678', '13912345678'],
    ['(+86) 139.1234.5678', '13912345678'],
    ['１３９１２３４５６７８', '13912345678'],
    ['＋８６　１８８－０００１－２２３３', '18800012233'],
    [' 19912345678 ', '19912345678'],
  ])('[C1] normalises the mobile variant %j to %s', (input, expected) => {
    expect(normaliseMobile(input)).toEqual({ ok: true, normalised: expected });
  });

  it('[C1] rejects numbers that are not mainland mobiles', () => {
    expect(normaliseMobile('')).toEqual({ ok: false, reason: 'empty' });
    expect(normaliseMobile(' - ')).toEqual({ ok: false, reason: 'empty' });
    expect(normaliseMobile('1391234567')).toEqual({ ok: false, reason: 'length' });
    expect(normaliseMobile('139123456789')).toEqual({ ok: false, reason: 'length' });
    // Landline with area code, and numbers starting 10/11/12 (no such mobile ranges).
    expect(normaliseMobile('021-12345678')).toEqual({ ok: false, reason: 'prefix' });
    expect(normaliseMobile('12912345678')).toEqual({ ok: false, reason: 'prefix' });
    expect(normaliseMobile('10086000000')).toEqual({ ok: false, reason: 'prefix' });
    expect(normaliseMobile('139l2345678')).toEqual({ ok: false, reason: 'charset' });
    expect(normaliseMobile('+852 9123 4567')).toEqual({ ok: false, reason: 'charset' });
  });
});
