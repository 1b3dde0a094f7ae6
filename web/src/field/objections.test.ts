import { describe, expect, it } from 'vitest';
import { objectionCategoryLabel } from './objections.js';

describe('objection categories', () => {
  it('[P1] a stored category code reads in the UI language; "other" and unknown codes stay readable', () => {
    expect(objectionCategoryLabel('price', 'zh-CN')).toBe('价格');
    expect(objectionCategoryLabel('delivery', 'en-US')).toBe('Delivery');
    expect(objectionCategoryLabel('other', 'zh-CN')).toBe('其他');
    expect(objectionCategoryLabel('预算', 'zh-CN')).toBe('预算');
  });
});
