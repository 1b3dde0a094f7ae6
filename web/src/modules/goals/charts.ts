// G4 board charts as pure ECharts option builders (no DOM, unit-tested): a progress gauge per
// node, a waterfall of reverse attribution (who made the attainment, then the gap), and the trend
// of the year's months against their targets.

export interface GaugeInput {
  pct: number | null;
  title: string;
}

/** Attainment % as a gauge; over 100% the pointer stops at 150 and the label keeps the real value. */
export function gaugeOption(g: GaugeInput) {
  const v = g.pct ?? 0;
  const color = v >= 100 ? '#52c41a' : v >= 70 ? '#faad14' : '#f5222d';
  return {
    series: [
      {
        type: 'gauge',
        min: 0,
        max: 150,
        progress: { show: true, width: 12, itemStyle: { color } },
        axisLine: { lineStyle: { width: 12 } },
        axisLabel: { distance: 16, fontSize: 10 },
        splitNumber: 3,
        pointer: { show: false },
        detail: { valueAnimation: false, fontSize: 20, offsetCenter: [0, '0%'], formatter: g.pct === null ? '—' : `${g.pct}%` },
        title: { offsetCenter: [0, '60%'], fontSize: 12 },
        data: [{ value: Math.min(v, 150), name: g.title }],
      },
    ],
  };
}

export interface WaterfallStep {
  name: string;
  start: number;
  value: number;
  kind: 'item' | 'gap' | 'total';
}

/**
 * Waterfall: an invisible base series lifts each bar to its start. Items blue, the total green,
 * the gap red (or grey when the target was exceeded and the "gap" is the excess).
 */
export function waterfallOption(steps: WaterfallStep[], labels: { attainment: string; gap: string; excess: string }, exceeded = false) {
  const names = steps.map((s) => (s.kind === 'total' ? labels.attainment : s.kind === 'gap' ? (exceeded ? labels.excess : labels.gap) : s.name));
  const colour = (s: WaterfallStep) => (s.kind === 'total' ? '#52c41a' : s.kind === 'gap' ? (exceeded ? '#8c8c8c' : '#f5222d') : '#1677ff');
  // Many steps (a rep's customers) on a phone-wide chart: names truncated and thinned out by
  // ECharts ('auto' interval), values only on the total and the gap (the tooltip has the rest).
  const many = steps.length > 8;
  return {
    grid: { left: 48, right: 16, top: 24, bottom: 72, containLabel: false },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, confine: true },
    xAxis: {
      type: 'category',
      data: names,
      axisLabel: { rotate: names.length > 4 ? 45 : 0, interval: many ? 'auto' : 0, fontSize: 11, width: 64, overflow: 'truncate' },
    },
    yAxis: { type: 'value' },
    series: [
      { type: 'bar', stack: 'w', silent: true, itemStyle: { color: 'transparent', borderColor: 'transparent' }, data: steps.map((s) => s.start), tooltip: { show: false } },
      {
        type: 'bar',
        stack: 'w',
        label: { show: true, position: 'top', fontSize: 11 },
        labelLayout: { hideOverlap: true },
        data: steps.map((s) => ({ value: s.value, itemStyle: { color: colour(s) }, ...(many && s.kind === 'item' ? { label: { show: false } } : {}) })),
      },
    ],
  };
}

export interface TrendPoint {
  period: string;
  target: number | null;
  attainment: number;
}

/** Monthly attainment (line) against the month's target (dashed), months as MM. */
export function trendOption(points: TrendPoint[], labels: { attainment: string; target: string }) {
  return {
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    tooltip: { trigger: 'axis', confine: true },
    legend: { data: [labels.attainment, labels.target], top: 0 },
    xAxis: { type: 'category', data: points.map((p) => p.period.slice(5)) },
    yAxis: { type: 'value' },
    series: [
      { name: labels.attainment, type: 'line', smooth: false, data: points.map((p) => p.attainment) },
      { name: labels.target, type: 'line', lineStyle: { type: 'dashed' }, connectNulls: false, data: points.map((p) => p.target) },
    ],
  };
}
