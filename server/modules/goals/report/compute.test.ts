import { describe, expect, it } from 'vitest';
import { computeHealthReport, isMonth, previousMonthOf, resourcesOfReview, weeksOfMonth, type ComputeInput } from './compute.js';

const R1 = 'r1';
const R2 = 'r2';
const org: ComputeInput['org'] = {
  regions: [
    { id: R1, name: '华东区' },
    { id: R2, name: '华北区' },
  ],
  teams: [
    { id: 't1', name: '上海一组', regionId: R1 },
    { id: 't2', name: '杭州一组', regionId: R1 },
    { id: 't3', name: '北京一组', regionId: R2 },
  ],
  reps: new Map([
    ['a', { teamId: 't1', regionId: R1 }],
    ['b', { teamId: 't1', regionId: R1 }],
    ['c', { teamId: 't2', regionId: R1 }],
    ['d', { teamId: 't3', regionId: R2 }],
  ]),
};

let n = 0;
const target = (repId: string, metric: string, value: number, acceptance: string | null, tier = 'process') => ({ id: String(++n), repId, tier, metric, value, acceptance });
const att = (repId: string, metric: string, numerator: number, denominator: number | null = null) => ({ repId, metric, numerator, denominator, teamId: null, regionId: null });

const input: ComputeInput = {
  period: '2026-10',
  regionId: null,
  org,
  targets: [
    target('a', 'effectiveVisits', 20, 'accepted'),
    target('a', 'objectionClosureRate', 80, 'accepted'), // a percentage: 0.8
    target('b', 'effectiveVisits', 20, 'contested'),
    target('c', 'effectiveVisits', 10, null),
    target('d', 'effectiveVisits', 10, 'accepted'),
    target('d', 'amount', 100000, 'accepted', 'result'),
  ],
  attainment: [att('a', 'effectiveVisits', 25), att('a', 'objectionClosureRate', 9, 10), att('b', 'effectiveVisits', 19), att('d', 'effectiveVisits', 10)],
  canvases: [
    { repId: 'a', week: '2026-W41', teamId: 't1', regionId: R1, review: [{ index: 0, resources: ['方案支持', '价格审批'] }, { index: 1, resources: ['方案支持'] }] },
    { repId: 'd', week: '2026-W44', teamId: 't3', regionId: R2, review: [{ index: 0, resources: [{ type: '技术专家' }, '展会名额'] }] },
    // 2026-W45 has its Thursday on 5 November: not October's.
    { repId: 'c', week: '2026-W45', teamId: 't2', regionId: R1, review: [{ index: 0, resources: ['市场物料'] }] },
    { repId: 'b', week: '2026-W42', teamId: 't1', regionId: R1, review: null },
  ],
};

describe('[G8] goal-health report arithmetic', () => {
  it('[G8] months, previous months and the ISO weeks of a month (by Thursday)', () => {
    expect(isMonth('2026-10')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(previousMonthOf('2026-01')).toBe('2025-12');
    expect(weeksOfMonth('2026-10')).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44']);
    // 1 January 2026 is a Thursday: week 1 is January's; 2027-01-01 is a Friday, so 2026-W53 is December's.
    expect(weeksOfMonth('2026-01')[0]).toBe('2026-W01');
    expect(weeksOfMonth('2026-12').at(-1)).toBe('2026-W53');
  });

  it('[G8] acceptance rate = accepted ÷ all rep targets of the month; unanswered counts as pending', () => {
    const r = computeHealthReport(input);
    expect(r.acceptance).toMatchObject({ num: 4, den: 6, accepted: 4, contested: 1, pending: 1 });
    expect(r.acceptance.rate).toBeCloseTo(4 / 6);
  });

  it('[G8] process attainment per metric and overall (every process target met), ratios as numerator ÷ denominator', () => {
    const r = computeHealthReport(input);
    const visits = r.process.byMetric.find((m) => m.metric === 'effectiveVisits')!;
    expect(visits).toMatchObject({ num: 2, den: 4, title: { 'zh-CN': '有效拜访量' } }); // a (25≥20), d (10≥10); b 19<20, c no row
    expect(r.process.byMetric.find((m) => m.metric === 'objectionClosureRate')).toMatchObject({ num: 1, den: 1 }); // 0.9 ≥ 0.8
    expect(r.process.byMetric.some((m) => m.metric === 'amount')).toBe(false); // result targets are not process actions
    expect(r.process.overall).toMatchObject({ num: 2, den: 4, rate: 0.5 });
  });

  it('[G8] resource gaps: canvas review entries of the month, region × resource type, unknown types added after the known ones', () => {
    const r = computeHealthReport(input);
    const cell = (regionId: string, resource: string) => r.heatmap.cells.find((c) => c.regionId === regionId && c.resource === resource)!.count;
    expect(r.heatmap.resources.slice(0, 4)).toEqual(['方案支持', '价格审批', '技术专家', '市场物料']);
    expect(r.heatmap.resources).toContain('展会名额');
    expect(cell(R1, '方案支持')).toBe(2);
    expect(cell(R1, '价格审批')).toBe(1);
    expect(cell(R1, '市场物料')).toBe(0); // W45 is November's
    expect(cell(R2, '技术专家')).toBe(1);
    expect(r.heatmap.total).toBe(5);
    expect(resourcesOfReview({ not: 'an array' })).toEqual([]);
  });

  it('[G8] a region’s report holds only its region; teams are broken down', () => {
    const r = computeHealthReport({ ...input, regionId: R1 });
    expect(r.scope).toEqual({ regionId: R1, name: '华东区' });
    expect(r.acceptance).toMatchObject({ num: 2, den: 4 });
    expect(r.heatmap.regions).toEqual([{ id: R1, name: '华东区' }]);
    expect(r.heatmap.cells.every((c) => c.regionId === R1)).toBe(true);
    expect(r.teams.map((t) => t.teamName)).toEqual(['杭州一组', '上海一组'].sort((a, b) => a.localeCompare(b, 'zh-CN')));
    const sh = r.teams.find((t) => t.teamId === 't1')!;
    expect(sh.acceptance).toMatchObject({ num: 2, den: 3 });
    expect(sh.process).toMatchObject({ num: 1, den: 2 });
    expect(sh.resourceGaps).toBe(3);
    const hz = r.teams.find((t) => t.teamId === 't2')!;
    expect(hz.process).toMatchObject({ num: 0, den: 1 });
  });

  it('[G8] an empty month gives null rates, not 0% or NaN', () => {
    const r = computeHealthReport({ ...input, targets: [], attainment: [], canvases: [] });
    expect(r.acceptance.rate).toBeNull();
    expect(r.process.overall.rate).toBeNull();
    expect(r.heatmap.total).toBe(0);
    expect(r.teams).toHaveLength(3);
  });
});
