import { describe, expect, it } from 'vitest';
import { evidenceLines } from './evidence.js';

describe('calibration evidence', () => {
  it('[C6] known numbers get labels in the UI language, timestamps become dates, unknown keys stay as they are', () => {
    const ev = { ageDays: 194, lastObservedAt: '2026-05-16T16:34:37.506Z', staleAfterDays: 90, custom: { a: 1 }, missing: null };
    expect(evidenceLines(ev, 'zh-CN')).toEqual([
      { label: '距上次更新（天）', value: '194' },
      { label: '上次更新', value: '2026-05-16' },
      { label: '过期阈值（天）', value: '90' },
      { label: 'custom', value: '{"a":1}' },
      { label: 'missing', value: '—' },
    ]);
    expect(evidenceLines({ ageDays: 5 }, 'en-US')).toEqual([{ label: 'Days since last update', value: '5' }]);
  });
});
