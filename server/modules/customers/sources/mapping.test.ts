import { describe, expect, it } from 'vitest';
import { missingRequired, normaliseHeader, suggestMapping, type MappableColumn } from './mapping.js';

const COLS: MappableColumn[] = [
  { key: 'name', label: { 'zh-CN': '客户名称', 'en-US': 'Name' }, aliases: ['企业名称', '公司名称', 'company'], required: true },
  { key: 'creditCode', label: { 'zh-CN': '统一社会信用代码', 'en-US': 'Credit code' }, aliases: ['信用代码', 'USCC'], required: false },
  { key: 'mobile', label: { 'zh-CN': '手机号', 'en-US': 'Mobile' }, aliases: ['手机', '联系电话', 'phone'], required: false },
];

describe('header alias mapping', () => {
  it('[C2] Chinese and English headers map through labels and aliases, ignoring case, width, spaces and "(必填)"', () => {
    expect(normaliseHeader('  Ｃｏｍｐａｎｙ ')).toBe('company');
    expect(suggestMapping(['公司名称(必填)', 'uscc', '联系 电话', '备注'], COLS)).toEqual({ 0: 'name', 1: 'creditCode', 2: 'mobile' });
    expect(suggestMapping(['Name', 'Credit Code'], COLS)).toEqual({ 0: 'name', 1: 'creditCode' });
  });

  it('[C2] a column is suggested once; required columns without a header are reported', () => {
    const m = suggestMapping(['企业名称', '公司名称'], COLS);
    expect(m).toEqual({ 0: 'name' });
    expect(missingRequired({ 1: 'mobile' }, COLS)).toEqual(['name']);
    expect(missingRequired(m, COLS)).toEqual([]);
  });
});
