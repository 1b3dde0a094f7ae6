import { describe, expect, it } from 'vitest';
import { pickGolden, type FieldValue } from './golden.js';

const RANK = ['工商登记', 'CRM', '客服系统'];
let n = 0;
const v = (sourceSystem: string, value: unknown, day: number, channel: FieldValue['channel'] = 'import'): FieldValue => ({
  id: `v${++n}`,
  sourceSystem,
  channel,
  value,
  observedAt: new Date(Date.UTC(2026, 0, day)),
  recordedAt: new Date(Date.UTC(2026, 0, day)),
});

describe('golden record rule', () => {
  it('[C2] the most trusted source wins over a newer, less trusted one; disagreement is a conflict', () => {
    const g = pickGolden([v('CRM', '上海恒瑞机械', 20), v('工商登记', '上海恒瑞精密机械有限公司', 1)], RANK);
    expect(g.chosen?.value).toBe('上海恒瑞精密机械有限公司');
    expect(g.reason).toBe('trust');
    expect(g.conflict).toBe(true);
    expect(g.candidates.map((c) => c.sourceSystem)).toEqual(['工商登记', 'CRM']);
  });

  it('[C2] only each source\'s latest value counts; equal values after trimming are no conflict', () => {
    const g = pickGolden([v('CRM', '旧名', 1), v('CRM', ' 恒瑞  精密 ', 5), v('工商登记', '恒瑞 精密', 3)], RANK);
    expect(g.conflict).toBe(false);
    expect(g.chosen?.sourceSystem).toBe('工商登记');
  });

  it('[C2] unranked sources come after ranked ones, then newest first; empty values are ignored', () => {
    const g = pickGolden([v('市场系统', 'A', 9), v('某系统', 'B', 10), v('工商登记', '', 11)], RANK);
    expect(g.chosen?.value).toBe('B');
    expect(g.reason).toBe('newest');
    expect(g.conflict).toBe(true);
  });

  it('[C2] a resolution newer than every source wins and closes the conflict; a later disagreeing source reopens it', () => {
    const base = [v('CRM', 'X', 1), v('工商登记', 'Y', 2)];
    const resolved = pickGolden([...base, v('人工', 'Y', 3, 'resolution')], RANK);
    expect(resolved).toMatchObject({ reason: 'person', conflict: false });
    expect(resolved.chosen?.value).toBe('Y');
    const reopened = pickGolden([...base, v('人工', 'Y', 3, 'resolution'), v('CRM', 'Z', 4)], RANK);
    expect(reopened.chosen?.value).toBe('Y');
    expect(reopened.conflict).toBe(true);
    expect(reopened.candidates.map((c) => c.value)).toEqual(['Y', 'Z']);
    const agreeing = pickGolden([...base, v('人工', 'Y', 3, 'resolution'), v('CRM', 'Y', 4)], RANK);
    expect(agreeing.conflict).toBe(false);
  });

  it('[C2] no values → nothing chosen', () => {
    expect(pickGolden([], RANK)).toEqual({ chosen: null, reason: 'none', conflict: false, candidates: [] });
  });
});
