import { describe, expect, it } from 'vitest';
import { jsonDiff, parseJsonInput, showValue } from './diff.js';

describe('audit diff', () => {
  it('[X1] lists changed, added and removed fields of an update', () => {
    const rows = jsonDiff({ name: 'A', tier: 'B', city: '杭州' }, { name: 'A', tier: 'KA', stage: 'renewal' });
    expect(rows).toEqual([
      { path: 'city', kind: 'removed', before: '杭州' },
      { path: 'stage', kind: 'added', after: 'renewal' },
      { path: 'tier', kind: 'changed', before: 'B', after: 'KA' },
    ]);
  });

  it('[X1] walks nested objects and compares lists as a whole', () => {
    const rows = jsonDiff({ rule: { radiusM: 300, days: [1, 2] } }, { rule: { radiusM: 500, days: [1, 2] } });
    expect(rows).toEqual([{ path: 'rule.radiusM', kind: 'changed', before: 300, after: 500 }]);
    expect(jsonDiff({ tags: ['a'] }, { tags: ['a', 'b'] })).toEqual([{ path: 'tags', kind: 'changed', before: ['a'], after: ['a', 'b'] }]);
  });

  it('[X1] a create has only additions and a read-only record has no changes', () => {
    expect(jsonDiff(null, { name: 'A' })).toEqual([{ path: 'name', kind: 'added', after: 'A' }]);
    expect(jsonDiff(null, null)).toEqual([]);
    expect(jsonDiff(1, 2)).toEqual([{ path: '', kind: 'changed', before: 1, after: 2 }]);
  });

  it('[X2] parses a proposed configuration value and reports bad JSON', () => {
    expect(parseJsonInput('{"radiusM": 500}')).toEqual({ ok: true, value: { radiusM: 500 } });
    expect(parseJsonInput('{radiusM: 500}').ok).toBe(false);
    expect(showValue({ a: 1 })).toBe('{"a":1}');
    expect(showValue('文本')).toBe('文本');
  });
});
