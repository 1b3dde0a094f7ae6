import { describe, expect, it } from 'vitest';
import { addWeeks, isWeek, weekMonday, weekOf } from '../canvas/week.js';
import { baselineFor, detectDrop, dropPctOf, leadQualityScore, type WeekScore } from './score.js';

const RULES = { dropPct: 20, consecutiveWeeks: 2 };
const visit = (id: string, opts: { needs?: unknown; demo?: boolean; objection?: 'open' | 'closed' } = {}) => [
  { visitId: id, type: 'check_in', fields: {} },
  ...(opts.needs !== undefined ? [{ visitId: id, type: 'need_capture', fields: { needs: opts.needs } }] : []),
  ...(opts.demo ? [{ visitId: id, type: 'demo', fields: { solution: 'x' } }] : []),
  ...(opts.objection ? [{ visitId: id, type: 'objection', fields: { category: 'price', content: 'y', status: opts.objection } }] : []),
];

describe('lead-quality score (G6, pure)', () => {
  it('[G6] ISO weeks: Monday of a week, the week of a day, week arithmetic across years, malformed weeks', () => {
    expect(weekMonday('2026-W48')).toBe('2026-11-23');
    expect(weekOf('2026-11-27')).toBe('2026-W48');
    expect(addWeeks('2026-W01', -1)).toBe('2025-W52');
    expect(addWeeks('2026-W53', 1)).toBe('2027-W01');
    expect(isWeek('2026-W53')).toBe(true);
    expect(isWeek('2025-W53')).toBe(false);
    expect(isWeek('2026-48')).toBe(false);
    expect(isWeek('2026-W00')).toBe(false);
  });

  it('[G6] score = 100 × (0.4 need share + 0.4 demo share + 0.2 closure share); no objections → renormalised; no visit → no score', () => {
    const facts = [...visit('a', { needs: ['扩产', '自动化'], demo: true, objection: 'closed' }), ...visit('b', { needs: [], objection: 'open' })];
    const r = leadQualityScore(facts);
    expect(r.inputs).toMatchObject({ visits: 2, visitsWithNeeds: 1, visitsWithDemo: 1, objections: 2, objectionsClosed: 1 });
    expect(r.score).toBe(50); // 100 × (0.4·0.5 + 0.4·0.5 + 0.2·0.5)
    expect(leadQualityScore([...visit('a', { needs: '扩产', demo: true })]).score).toBe(100);
    expect(leadQualityScore([...visit('a', { needs: '扩产' }), ...visit('b')]).score).toBe(25); // (0.4·0.5) / 0.8
    expect(leadQualityScore([]).score).toBeNull();
  });

  it('[G6] baseline is the mean of the previous 8 scored weeks; drop % against it', () => {
    const h = new Map<string, number>();
    for (let i = 1; i <= 10; i++) h.set(addWeeks('2026-W40', -i), i <= 8 ? 80 : 10);
    expect(baselineFor('2026-W40', h)).toMatchObject({ baseline: 80 });
    expect(baselineFor('2026-W40', h).weeks).toHaveLength(8);
    expect(baselineFor('2026-W01', new Map())).toEqual({ baseline: null, weeks: [] });
    expect(dropPctOf(60, 80)).toBe(25);
    expect(dropPctOf(60, null)).toBeNull();
  });

  it('[G6] eligible after two weeks running of a drop above 20 %, not after one, not when one week is exactly 20 %', () => {
    const s = (week: string, dropPct: number | null): WeekScore => ({ week, score: 50, baseline: 80, dropPct });
    expect(detectDrop([s('2026-W45', 0), s('2026-W46', 25), s('2026-W47', 30)], RULES, '2026-W48')).toMatchObject({ eligible: true, reason: 'eligible' });
    expect(detectDrop([s('2026-W46', 0), s('2026-W47', 30)], RULES, '2026-W48')).toMatchObject({ eligible: false, reason: 'drop_too_small' });
    expect(detectDrop([s('2026-W47', 30)], RULES)).toMatchObject({ eligible: false, reason: 'not_enough_weeks' });
    expect(detectDrop([s('2026-W46', 20), s('2026-W47', 30)], RULES)).toMatchObject({ eligible: false });
    expect(detectDrop([s('2026-W44', 30), s('2026-W47', 30)], RULES)).toMatchObject({ eligible: false, reason: 'not_consecutive' });
    expect(detectDrop([s('2026-W40', 30), s('2026-W41', 30)], RULES, '2026-W48')).toMatchObject({ eligible: false, reason: 'stale' });
    expect(detectDrop([s('2026-W45', 25), s('2026-W46', 25), s('2026-W47', 30)], { dropPct: 20, consecutiveWeeks: 3 })).toMatchObject({ eligible: true });
  });
});
