// Real Tesseract (Debian tesseract-ocr + tesseract-ocr-chi-sim) on real JPEGs rendered here with
// the Noto CJK font (fonts-noto-cjk): nothing is mocked.
import { describe, expect, it } from 'vitest';
import { PROCESS_COMPETITORS } from '../../platform/config/defaults.js';
import { cleanOcrText, competitorTags, OcrError, ocrAvailable, recognise } from './ocr.js';
import { makeDocumentPhoto, makePhoto, textNamedJpg } from './test-photos.js';

const DICTIONARY = PROCESS_COMPETITORS.default;

async function ocrError(p: Promise<unknown>): Promise<OcrError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(OcrError);
    return e as OcrError;
  }
  throw new Error('expected an OcrError');
}

describe('OCR of photos', () => {
  it('[P4] the machine has Tesseract with Chinese (chi_sim) and English data', async () => {
    const a = await ocrAvailable();
    expect(a).toMatchObject({ ok: true, missing: [] });
    expect(a.langs).toEqual(expect.arrayContaining(['chi_sim', 'eng']));
    expect(a.version).toMatch(/tesseract \d/);
    const none = await ocrAvailable({ bin: '/nonexistent/tesseract' });
    expect(none).toMatchObject({ ok: false, missing: ['chi_sim', 'eng'] });
  });

  it('[P4] a photographed brochure “金蝶云星空 报价方案” is read and tagged as 金蝶 competitor material', async () => {
    const brochure = await makeDocumentPhoto(['金蝶云星空 报价方案', '适用于制造业客户 2026 版']);
    const r = await recognise(brochure, { timeoutMs: 60_000 });
    expect(r.text).toContain('金蝶云星空');
    expect(r.text).toContain('报价方案');
    expect(r.langs).toBe('chi_sim+eng');
    expect(r.ms).toBeGreaterThan(0);
    const tags = competitorTags(r.text, DICTIONARY);
    expect(tags.map((t) => t.name)).toEqual(['金蝶']);
    expect(tags[0].matched).toEqual(['金蝶', '金蝶云']);
  });

  it('[P4] Latin and full-width competitor names (Kingdee, ＹＯＮＹＯＵ) are found in a photo too', async () => {
    const page = await makeDocumentPhoto(['Kingdee Cloud Galaxy', 'ＹＯＮＹＯＵ　ＢＩＰ 用友网络']);
    const r = await recognise(page, { timeoutMs: 60_000 });
    const tags = competitorTags(r.text, DICTIONARY);
    expect(tags.map((t) => t.name)).toEqual(['金蝶', '用友']);
    expect(tags[0].matched).toEqual(['Kingdee']);
    expect(tags[1].matched).toEqual(expect.arrayContaining(['Yonyou', '用友']));
  });

  it('[P4] a site photo with a sign but no competitor text is read and gets no tags', async () => {
    const photo = await makePhoto({ seed: 3, text: '客户现场 会议纪要' });
    const r = await recognise(photo, { timeoutMs: 60_000 });
    expect(r.text.replace(/\s/g, '')).toContain('客户现场');
    expect(competitorTags(r.text, DICTIONARY)).toEqual([]);
    // A picture with no text at all: empty text, no tags, no error.
    const blank = await recognise(await makePhoto({ seed: 4 }), { timeoutMs: 60_000 });
    expect(competitorTags(blank.text, DICTIONARY)).toEqual([]);
  });

  it('[P4] a text file named .jpg, a missing binary, missing language data and a timeout give clear errors', async () => {
    expect((await ocrError(recognise(textNamedJpg()))).code).toBe('not_image');
    const doc = await makeDocumentPhoto(['金蝶云星空 报价方案']);
    const noBin = await ocrError(recognise(doc, { bin: '/nonexistent/tesseract' }));
    expect(noBin.code).toBe('ocr_unavailable');
    expect(noBin.message).toMatch(/^ocr_unavailable: .*not found/);
    expect((await ocrError(recognise(doc, { langs: 'zzz_missing' }))).code).toBe('ocr_unavailable');
    expect((await ocrError(recognise(doc, { langs: 'chi_sim; rm -rf /' }))).code).toBe('ocr_failed');
    // Tesseract needs far more than 1 ms to load its Chinese model: the process is killed.
    const slow = await ocrError(recognise(await makeDocumentPhoto(['金蝶云星空 报价方案'], { width: 2400, fontSize: 120 }), { timeoutMs: 1 }));
    expect(slow.code).toBe('ocr_timeout');
    expect(slow.message).toContain('killed');
  });
});

describe('competitor matching', () => {
  it('[P4] ignores the spaces Tesseract puts between Chinese characters, and line breaks inside a name', () => {
    expect(cleanOcrText('金 蝶 云 星 空  报 价 方 案\n\n  Kingdee  Cloud \n')).toBe('金蝶云星空报价方案\nKingdee Cloud');
    expect(competitorTags('金 蝶 云 星 空', DICTIONARY)).toEqual([{ name: '金蝶', matched: ['金蝶', '金蝶云'], count: 2 }]);
    expect(competitorTags('本方案对比了金\n蝶的产品', DICTIONARY).map((t) => t.name)).toEqual(['金蝶']);
    expect(competitorTags('纷 享 销 客 CRM', DICTIONARY).map((t) => t.name)).toEqual(['纷享销客']);
  });

  it('[P4] folds full-width letters and case; Latin names must stand alone', () => {
    expect(competitorTags('ＳＡＬＥＳＦＯＲＣＥ 报价', DICTIONARY).map((t) => t.name)).toEqual(['Salesforce']);
    expect(competitorTags('kingdee与yonyou的对比', DICTIONARY).map((t) => t.name)).toEqual(['金蝶', '用友']);
    expect(competitorTags('kingdeecloud neocrm2', DICTIONARY)).toEqual([]);
    const dict = [{ name: 'SAP', aliases: ['S 4 HANA', '思爱普'] }];
    expect(competitorTags('sapphire blue', dict)).toEqual([]);
    expect(competitorTags('SAP S4HANA 方案', dict)).toEqual([{ name: 'SAP', matched: ['SAP', 'S 4 HANA'], count: 2 }]);
    expect(competitorTags('思 爱 普', dict)).toEqual([{ name: 'SAP', matched: ['思爱普'], count: 1 }]);
  });

  it('[P4] empty text, an empty dictionary and blank terms tag nothing', () => {
    expect(competitorTags('', DICTIONARY)).toEqual([]);
    expect(competitorTags('金蝶', [])).toEqual([]);
    expect(competitorTags('金蝶', [{ name: ' ', aliases: [''] }])).toEqual([]);
    expect(competitorTags('a(b)c [金蝶*]', [{ name: 'a(b)c', aliases: [] }])).toEqual([{ name: 'a(b)c', matched: ['a(b)c'], count: 1 }]);
  });
});
