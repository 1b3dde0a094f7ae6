// Turns Zod issues into {path, message} in the caller's language. A custom issue whose
// message is a registered message code (e.g. 'invalid_credit_code') is translated.
import { z } from 'zod';
import { hasMessage, translate, type Locale } from './problem.js';

const localeErrors = { 'zh-CN': z.locales.zhCN().localeError, 'en-US': z.locales.en().localeError } as const;

const typeNames: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  string: { 'zh-CN': '文本', 'en-US': 'text' },
  number: { 'zh-CN': '数字', 'en-US': 'a number' },
  int: { 'zh-CN': '整数', 'en-US': 'an integer' },
  boolean: { 'zh-CN': '布尔值', 'en-US': 'true or false' },
  object: { 'zh-CN': '对象', 'en-US': 'an object' },
  array: { 'zh-CN': '数组', 'en-US': 'a list' },
};

export interface IssueLike {
  code: string;
  path: (string | number)[];
  message: string;
  expected?: string;
  input?: unknown;
  [k: string]: unknown;
}

export function describeIssues(
  issues: IssueLike[],
  locale: Locale,
  where?: string,
): { path: string; message: string }[] {
  return issues.map((i) => {
    const segs = i.path.flatMap((p) => (typeof p === 'string' ? p.split('/') : [String(p)])).filter(Boolean);
    const path = [where && where !== 'body' ? where : null, ...segs].filter(Boolean).join('.');
    return { path, message: describeIssue(i, locale) };
  });
}

export function describeIssue(i: IssueLike, locale: Locale): string {
  if (hasMessage(i.message)) return translate(i.message, locale, i as Record<string, unknown>);
  if (i.code === 'invalid_type') {
    const t = typeNames[i.expected ?? ''];
    const missing = /received undefined/.test(i.message);
    if (locale === 'zh-CN') return missing ? '必填' : `应为${t ? t['zh-CN'] : i.expected}`;
    return missing ? 'required' : `must be ${t ? t['en-US'] : i.expected}`;
  }
  try {
    const m = (localeErrors[locale] as (x: unknown) => unknown)(i);
    if (typeof m === 'string') return m;
    if (m && typeof m === 'object' && 'message' in m) return String((m as { message: string }).message);
  } catch {
    /* fall back to Zod's own message */
  }
  return i.message;
}
