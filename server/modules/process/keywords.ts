// P3: need keywords from a voice transcript or a typed note. Domain terms from the tenant's
// dictionary (config `process.needDictionary`, category → terms, extended by admins) are found
// whole first, longest match wins; the rest of the text is segmented by jieba (@node-rs/jieba,
// HMM on) and its TF-IDF keywords, minus stop words, are offered as `other` terms an admin may
// want to add to the dictionary.
//
// Why not load the terms into jieba: one Jieba instance serves every tenant and `loadDict` only
// adds words, so one tenant's terms would leak into another's segmentation, and removed terms
// would stay. A per-call longest-match pass is exact, costs microseconds and needs no reload.
import { Jieba, TfIdf } from '@node-rs/jieba';
import { dict, idf } from '@node-rs/jieba/dict.js';

/** Bump when the matching or the stop words change: stored keywords say which version made them. */
export const KEYWORDS_VERSION = 'needs/1';
/** Longer text is cut here (≈ 25 minutes of speech); the rest is not analysed. */
export const MAX_NOTE_CHARS = 20_000;
/** How many `other` terms are returned. */
export const OTHER_LIMIT = 10;

export interface NeedKeyword {
  /** The term as written in the dictionary. */
  term: string;
  /** The dictionary category it belongs to (the first one, if an admin put it in two). */
  category: string;
  /** Occurrences in the text. */
  count: number;
}

export interface Needs {
  /** Dictionary terms found, most frequent first, then in order of first appearance. */
  keywords: NeedKeyword[];
  /** Other salient words (TF-IDF over the rest of the text, nouns and the like), stop words and dictionary terms removed. */
  other: string[];
  version: string;
}

let engine: { jieba: Jieba; tfidf: TfIdf } | undefined;

/** One segmenter for the process (≈ 100 ms to build from jieba's bundled dictionaries), created on first use. */
function segmenter() {
  if (!engine) {
    const jieba = Jieba.withDict(dict);
    const tfidf = TfIdf.withDict(idf);
    // Names and unknown words are split without HMM. (setConfig's stopWords cannot be passed
    // from JS in @node-rs/jieba 2.0 — conversion error — so stop words are filtered here.)
    tfidf.setConfig({ useHmm: true, minKeywordLength: 2 });
    engine = { jieba, tfidf };
  }
  return engine;
}

const HAN = '\\p{Script=Han}';
const CJK = `[${HAN}\\u3000-\\u303f\\uff00-\\uffef]`;
const SPACE_BETWEEN_CJK = new RegExp(`(${CJK})\\s+(?=${CJK})`, 'gu');
const HAS_HAN = new RegExp(HAN, 'u');
const ASCII_WORD = /[a-z0-9]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Full-width → half-width (NFKC), lower case, no spaces between Chinese characters (speech services put them there). */
export function foldNote(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(SPACE_BETWEEN_CJK, '$1');
}

/** Parts of speech kept for `other`: nouns, names, places, organisations, verbal nouns, idioms, abbreviations, Latin words. */
const OTHER_POS = ['n', 'nr', 'nrt', 'nrfg', 'ns', 'nt', 'nz', 'nw', 'vn', 'an', 'l', 'i', 'j', 'eng'];

/** Words that say nothing about a customer's needs, common in sales notes. */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  '客户', '我们', '他们', '你们', '公司', '问题', '情况', '方面', '时候', '时间', '东西', '事情', '内容', '部分', '方式', '地方',
  '今天', '明天', '昨天', '下周', '上周', '本周', '月底', '目前', '现在', '之后', '以后', '以前', '期间', '左右', '一下', '一些',
  '这个', '那个', '什么', '怎么', '如何', '可能', '需要', '希望', '表示', '觉得', '认为', '沟通', '交流', '拜访', '见面', '电话',
  '对方', '我方', '双方', '大家', '这边', '那边', '老师', '先生', '女士', '经理', '总监', '同事', '领导', '人员', '工作', '事宜',
  '会议', '进行', '相关', '方案', '产品', '系统', '项目', '业务', '结果', '原因', '关系', '程度', '条件', '要求',
  'the', 'and', 'for', 'with', 'that', 'this', 'are', 'was', 'you', 'ok',
]);

interface Term {
  folded: string;
  term: string;
  category: string;
  latin: boolean;
}

function prepareDictionary(dictionary: Readonly<Record<string, readonly string[]>>): { byFirst: Map<string, Term[]>; folded: Set<string> } {
  const byFirst = new Map<string, Term[]>();
  const folded = new Set<string>();
  for (const [category, terms] of Object.entries(dictionary ?? {})) {
    if (!Array.isArray(terms)) continue;
    for (const term of terms) {
      if (typeof term !== 'string') continue;
      const f = foldNote(term).trim();
      if (!f || folded.has(f)) continue;
      folded.add(f);
      const first = f[0];
      const list = byFirst.get(first) ?? [];
      list.push({ folded: f, term, category, latin: !HAS_HAN.test(f) });
      byFirst.set(first, list);
    }
  }
  for (const list of byFirst.values()) list.sort((a, b) => b.folded.length - a.folded.length);
  return { byFirst, folded };
}

/**
 * Need keywords in a note or transcript (needs/1):
 *  1. the text is folded (NFKC, lower case, spaces between Chinese characters removed) and cut at
 *     MAX_NOTE_CHARS;
 *  2. dictionary terms are matched left to right, longest first, so '交付周期' is one term even
 *     if '交付' is also in the dictionary; Latin terms ('ERP') must stand alone, not inside a
 *     longer Latin word; matched text is removed from what follows;
 *  3. the rest is segmented by jieba with HMM; TF-IDF keywords among nouns, names, verbal nouns,
 *     idioms and Latin words, minus stop words, single characters, numbers and dictionary terms,
 *     are `other` (at most OTHER_LIMIT).
 * Never throws on empty, emoji-only, binary-looking or very long text.
 */
export function extractNeeds(text: string, dictionary: Readonly<Record<string, readonly string[]>>): Needs {
  let source = typeof text === 'string' ? text : '';
  if (source.length > MAX_NOTE_CHARS) source = source.slice(0, MAX_NOTE_CHARS);
  // Lone surrogates (a cut emoji, broken input) become U+FFFD before they reach the native segmenter.
  const folded = foldNote(source.replace(LONE_SURROGATE, '\ufffd'));
  const { byFirst, folded: dictTerms } = prepareDictionary(dictionary);

  const found = new Map<string, { k: NeedKeyword; first: number }>();
  let rest = '';
  let i = 0;
  while (i < folded.length) {
    const candidates = byFirst.get(folded[i]);
    const hit = candidates?.find((t) => folded.startsWith(t.folded, i) && (!t.latin || (!ASCII_WORD.test(folded[i - 1] ?? '') && !ASCII_WORD.test(folded[i + t.folded.length] ?? ''))));
    if (hit) {
      const seen = found.get(hit.folded);
      if (seen) seen.k.count++;
      else found.set(hit.folded, { k: { term: hit.term, category: hit.category, count: 1 }, first: i });
      rest += '，';
      i += hit.folded.length;
    } else {
      rest += folded[i];
      i++;
    }
  }
  const keywords = [...found.values()].sort((a, b) => b.k.count - a.k.count || a.first - b.first).map((x) => x.k);

  let other: string[] = [];
  if (/[\p{L}\p{N}]/u.test(rest)) {
    const { jieba, tfidf } = segmenter();
    other = tfidf
      .extractKeywords(jieba, rest, OTHER_LIMIT * 5, OTHER_POS)
      .map((k) => k.keyword.trim())
      .filter((w) => [...w].length >= 2 && /[\p{L}]/u.test(w) && !/\p{Extended_Pictographic}/u.test(w) && !STOP_WORDS.has(w) && !dictTerms.has(w))
      .slice(0, OTHER_LIMIT);
  }
  return { keywords, other, version: KEYWORDS_VERSION };
}
