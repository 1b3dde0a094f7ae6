import { describe, expect, it } from 'vitest';
import { defineMessages, initialLang, interpolate, makeT, normaliseLang, pickText, translate, type Messages } from './i18n.js';
import { appMessages } from './messages.js';

const msgs = defineMessages({ hello: '你好，{name}', only: '仅中文' }, { hello: 'Hello, {name}', only: 'English only' });

describe('i18n', () => {
  it('[X6] defaults to zh-CN when nothing is stored and the profile says nothing', () => {
    expect(initialLang(null)).toBe('zh-CN');
    expect(initialLang(undefined, undefined)).toBe('zh-CN');
    expect(initialLang('fr-FR', 'de')).toBe('zh-CN');
  });

  it('[X6] a stored choice wins over the profile locale', () => {
    expect(initialLang('en-US', 'zh-CN')).toBe('en-US');
    expect(initialLang(null, 'en-GB')).toBe('en-US');
    expect(normaliseLang('zh-Hans-CN')).toBe('zh-CN');
    expect(normaliseLang(42)).toBeNull();
  });

  it('[X6] translates with parameters in both languages', () => {
    expect(translate(msgs, 'zh-CN', 'hello', { name: '王芳' })).toBe('你好，王芳');
    expect(makeT(msgs, 'en-US')('hello', { name: 'Wang' })).toBe('Hello, Wang');
  });

  it('[X6] falls back to zh-CN for a key missing in en-US, then to the key itself', () => {
    const partial: Messages<'hello' | 'only'> = { 'zh-CN': msgs['zh-CN'], 'en-US': { hello: 'Hello, {name}' } };
    expect(translate(partial, 'en-US', 'only')).toBe('仅中文');
    const broken = { 'zh-CN': {}, 'en-US': {} } as unknown as Messages<'missing'>;
    expect(translate(broken, 'en-US', 'missing')).toBe('missing');
  });

  it('[X6] leaves unknown placeholders visible instead of printing undefined', () => {
    expect(interpolate('{a} / {b}', { a: 1 })).toBe('1 / {b}');
  });

  it('[X6] picks the UI language from bilingual server text, falling back to Chinese', () => {
    expect(pickText({ 'zh-CN': '签到地理围栏', 'en-US': 'Check-in geofence' }, 'en-US')).toBe('Check-in geofence');
    expect(pickText({ 'zh-CN': '签到地理围栏' }, 'en-US')).toBe('签到地理围栏');
    expect(pickText('plain', 'en-US')).toBe('plain');
    expect(pickText(null, 'zh-CN')).toBe('');
  });

  it('[X6] the shell dictionary has an English text for every Chinese key', () => {
    const zh = Object.keys(appMessages['zh-CN']).sort();
    const en = Object.keys(appMessages['en-US']).filter((k) => appMessages['en-US'][k as keyof typeof appMessages['en-US']]).sort();
    expect(en).toEqual(zh);
  });
});
