// Tiny typed dictionaries (X6): zh-CN is the default and the fallback, en-US is complete
// where a dictionary is declared. No i18n library: a dictionary is a pair of records.
export type Lang = 'zh-CN' | 'en-US';
export const LANGS: readonly Lang[] = ['zh-CN', 'en-US'];
export const DEFAULT_LANG: Lang = 'zh-CN';
export const LANG_STORAGE_KEY = 'tl_lang';

export interface Messages<K extends string> {
  'zh-CN': Record<K, string>;
  'en-US': Partial<Record<K, string>>;
}

/** Declares a dictionary; the en-US side must name every key the zh-CN side has. */
export function defineMessages<K extends string>(zh: Record<K, string>, en: Record<K, string>): Messages<K> {
  return { 'zh-CN': zh, 'en-US': en };
}

/** Accepts 'en', 'en-GB', 'zh', 'zh-Hans-CN' …; anything else is not a UI language. */
export function normaliseLang(v: unknown): Lang | null {
  if (typeof v !== 'string') return null;
  const tag = v.trim().toLowerCase();
  if (tag.startsWith('zh')) return 'zh-CN';
  if (tag.startsWith('en')) return 'en-US';
  return null;
}

/** Stored choice first, then the user's profile locale, then zh-CN. */
export function initialLang(stored: string | null | undefined, profile?: string | null): Lang {
  return normaliseLang(stored) ?? normaliseLang(profile) ?? DEFAULT_LANG;
}

export function interpolate(template: string, params?: Record<string, unknown>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (params[k] === undefined || params[k] === null ? m : String(params[k])));
}

/** Looks a key up in the chosen language, falling back to zh-CN, then to the key itself. */
export function translate<K extends string>(msgs: Messages<K>, lang: Lang, key: K, params?: Record<string, unknown>): string {
  const text = msgs[lang][key] ?? msgs['zh-CN'][key] ?? key;
  return interpolate(text, params);
}

export type Translate<K extends string> = (key: K, params?: Record<string, unknown>) => string;

export function makeT<K extends string>(msgs: Messages<K>, lang: Lang): Translate<K> {
  return (key, params) => translate(msgs, lang, key, params);
}

export type Bilingual = Partial<Record<Lang, string>>;

/** Server texts come either as a plain string or as {'zh-CN','en-US'}; pick one with fallback. */
export function pickText(v: unknown, lang: Lang): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') {
    const b = v as Record<string, unknown>;
    const hit = b[lang] ?? b[DEFAULT_LANG] ?? Object.values(b).find((x) => typeof x === 'string');
    return typeof hit === 'string' ? hit : '';
  }
  return String(v);
}
