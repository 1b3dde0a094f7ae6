import { describe, expect, it } from 'vitest';
import { gaugeOption, trendOption, waterfallOption } from './charts.js';

describe('goals board charts (G4)', () => {
  it('[G4] the gauge shows the real percentage and caps the pointer at 150', () => {
    const g = gaugeOption({ pct: 180, title: '华东' }).series[0];
    expect(g.data[0]).toEqual({ value: 150, name: '华东' });
    expect(g.detail.formatter).toBe('180%');
    expect(g.progress.itemStyle.color).toBe('#52c41a');
    expect(gaugeOption({ pct: null, title: 'x' }).series[0].detail.formatter).toBe('—');
    expect(gaugeOption({ pct: 50, title: 'x' }).series[0].progress.itemStyle.color).toBe('#f5222d');
  });

  it('[G4] the waterfall lifts each bar to its start and colours items, total and gap', () => {
    const o = waterfallOption(
      [
        { name: '一组', start: 0, value: 30, kind: 'item' },
        { name: '二组', start: 30, value: 12, kind: 'item' },
        { name: 'attainment', start: 0, value: 42, kind: 'total' },
        { name: 'gap', start: 42, value: 28, kind: 'gap' },
      ],
      { attainment: '完成', gap: '缺口', excess: '超额' },
    );
    expect(o.xAxis.data).toEqual(['一组', '二组', '完成', '缺口']);
    expect(o.series[0].data).toEqual([0, 30, 0, 42]);
    expect((o.series[1].data as { value: number; itemStyle: { color: string } }[]).map((d) => [d.value, d.itemStyle.color])).toEqual([
      [30, '#1677ff'],
      [12, '#1677ff'],
      [42, '#52c41a'],
      [28, '#f5222d'],
    ]);
    const over = waterfallOption([{ name: 'gap', start: 10, value: 2, kind: 'gap' }], { attainment: 'A', gap: 'G', excess: 'E' }, true);
    expect(over.xAxis.data).toEqual(['E']);
  });

  it('[G4] the trend has a month axis and keeps months without a target empty', () => {
    const o = trendOption(
      [
        { period: '2026-01', target: 10, attainment: 8 },
        { period: '2026-02', target: null, attainment: 5 },
      ],
      { attainment: '完成', target: '目标' },
    );
    expect(o.xAxis.data).toEqual(['01', '02']);
    expect(o.series[0].data).toEqual([8, 5]);
    expect(o.series[1].data).toEqual([10, null]);
  });
});
