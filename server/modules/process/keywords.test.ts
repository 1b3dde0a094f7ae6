import { describe, expect, it } from 'vitest';
import { PROCESS_NEED_DICTIONARY } from '../../platform/config/defaults.js';
import { extractNeeds, KEYWORDS_VERSION, MAX_NOTE_CHARS, STOP_WORDS } from './keywords.js';

const DICT = PROCESS_NEED_DICTIONARY.default;
const NOTE = '客户王总表示今年预算有限，希望我们在交付周期上给出承诺，上线时间最好在三月前。他们目前用Excel做报表，人工录入效率低，库存积压严重。预算审批要走采购流程，下周安排决策人参加演示。';

describe('need keywords', () => {
  it('[P3] extracts 预算 and 交付周期 from a typed note', () => {
    const r = extractNeeds(NOTE, DICT);
    expect(r.version).toBe(KEYWORDS_VERSION);
    expect(r.keywords[0]).toEqual({ term: '预算', category: '预算', count: 2 });
    expect(r.keywords).toContainEqual({ term: '交付周期', category: '交付', count: 1 });
    expect(r.keywords.map((k) => k.term)).toEqual(['预算', '交付周期', '上线时间', '报表', '人工录入', '效率低', '库存积压', '审批', '采购流程', '决策人']);
    // Salient words outside the dictionary are offered to the admin; no stop words, no dictionary terms.
    expect(r.other).toContain('excel');
    for (const w of r.other) {
      expect(STOP_WORDS.has(w)).toBe(false);
      expect(r.keywords.map((k) => k.term)).not.toContain(w);
      expect([...w].length).toBeGreaterThanOrEqual(2);
    }
  });

  it('[P3] a term an admin added is found whole, in its category; the longest dictionary term wins', () => {
    const text = '他们想要多组织架构和私有云部署，交付周期三个月。';
    // Without the admin's terms jieba cuts them into pieces.
    const before = extractNeeds(text, DICT);
    expect(before.keywords.map((k) => k.term)).toEqual(['交付周期']);
    expect(before.other).not.toContain('多组织架构');
    const dictionary = { ...DICT, 产品: [...DICT.产品, '多组织架构', '私有云部署'], 交付: ['交付', ...DICT.交付] };
    const after = extractNeeds(text, dictionary);
    expect(after.keywords).toEqual([
      { term: '多组织架构', category: '产品', count: 1 },
      { term: '私有云部署', category: '产品', count: 1 },
      { term: '交付周期', category: '交付', count: 1 },
    ]);
    // One segmenter serves every tenant: another tenant's dictionary does not see these terms.
    expect(extractNeeds(text, DICT).keywords.map((k) => k.term)).toEqual(['交付周期']);
  });

  it('[P3] transcripts with spaces between characters, full-width letters and Latin terms are matched', () => {
    const dictionary = { 产品: ['ERP', '系统集成'], 交付: ['交付周期'] };
    const r = extractNeeds('客户说 交 付 周 期 太长，ＥＲＰ的系统 集成很难；erpnext 不考虑', dictionary);
    expect(r.keywords).toEqual([
      { term: '交付周期', category: '交付', count: 1 },
      { term: 'ERP', category: '产品', count: 1 },
      { term: '系统集成', category: '产品', count: 1 },
    ]);
  });

  it('[P3] empty text, emoji, broken characters, non-text and very long notes do not crash', () => {
    expect(extractNeeds('', DICT)).toEqual({ keywords: [], other: [], version: KEYWORDS_VERSION });
    expect(extractNeeds('😀🎉👍🏻 ！！！ 123', DICT)).toEqual({ keywords: [], other: [], version: KEYWORDS_VERSION });
    expect(extractNeeds('预算\ud83d有限\udc00', DICT).keywords).toEqual([{ term: '预算', category: '预算', count: 1 }]);
    expect(extractNeeds('预算\u0000\u0007报价', DICT).keywords.map((k) => k.term)).toEqual(['预算', '报价']);
    expect(extractNeeds(undefined as unknown as string, DICT).keywords).toEqual([]);
    expect(extractNeeds(NOTE, {}).keywords).toEqual([]);
    expect(extractNeeds(NOTE, { 坏: [null, 42, ' '] } as unknown as Record<string, string[]>).keywords).toEqual([]);
    // 1,000 copies of the note: only the first MAX_NOTE_CHARS characters are analysed.
    const long = NOTE.repeat(1000);
    const r = extractNeeds(long, DICT);
    const copies = MAX_NOTE_CHARS / NOTE.length;
    expect(r.keywords[0].term).toBe('预算');
    expect(r.keywords[0].count).toBeGreaterThanOrEqual(Math.floor(copies) * 2);
    expect(r.keywords[0].count).toBeLessThanOrEqual(Math.ceil(copies) * 2);
    // A cut in the middle of an emoji leaves no broken character behind.
    expect(() => extractNeeds('😀'.repeat(MAX_NOTE_CHARS), DICT)).not.toThrow();
  });
});
