import { describe, expect, it } from 'vitest';
import type { MetricDefinition } from '../../platform/config/defaults.js';
import type { ActionFact } from '../process/facts.js';
import { evaluateCounts, evaluateMetric, hasFieldFilters, matchesFilter, metricValue, monthOf, monthRange } from './metrics.js';

let n = 0;
function fact(over: Partial<ActionFact>): ActionFact {
  n++;
  return {
    actionId: `a${n}`, visitId: `v${n}`, customerId: 'c', repId: 'r1', teamId: null, regionId: null, type: 'check_in',
    occurredAt: new Date('2026-09-10T02:00:00Z'), fields: {}, purpose: 'routine', compliant: null, ...over,
  };
}
const title = { 'zh-CN': 'x', 'en-US': 'x' };
const count = (counts: MetricDefinition['counts'], compliantOnly = true): MetricDefinition => ({ title, kind: 'count', counts, compliantOnly, countsTowardAssessment: true });

describe('metric definitions', () => {
  it('[G7] counts actions of the listed types per rep', () => {
    const facts = [fact({}), fact({}), fact({ repId: 'r2' }), fact({ type: 'demo' })];
    const r = evaluateMetric(count({ actionTypes: ['check_in'], where: {} }), facts);
    expect(r.get('r1')).toEqual({ numerator: 2, denominator: null });
    expect(r.get('r2')).toEqual({ numerator: 1, denominator: null });
  });

  it('[G7] visitType maps to the visit purpose; other where keys to the action fields (arrays: any element)', () => {
    const wrong = count({ actionTypes: ['check_in'], where: { visitType: ['customer_visit'] } });
    const fixed = count({ actionTypes: ['check_in'], where: { visitType: ['routine', 'clinical_research'] } });
    const facts = [fact({}), fact({ purpose: 'clinical_research' }), fact({ purpose: 'other' })];
    expect(evaluateMetric(wrong, facts).get('r1')?.numerator).toBe(0);
    expect(evaluateMetric(fixed, facts).get('r1')?.numerator).toBe(2);
    expect(matchesFilter({ actionTypes: ['objection'], where: { status: ['closed'] } }, fact({ type: 'objection', fields: { status: 'closed' } }))).toBe(true);
    expect(matchesFilter({ actionTypes: ['objection'], where: { status: ['closed'] } }, fact({ type: 'objection', fields: {} }))).toBe(false);
    expect(matchesFilter({ actionTypes: ['need_capture'], where: { needs: ['报表'] } }, fact({ type: 'need_capture', fields: { needs: ['预算', '报表'] } }))).toBe(true);
    expect(matchesFilter({ actionTypes: ['demo'], where: { level: [3] } }, fact({ type: 'demo', fields: { level: '3' } }))).toBe(true);
  });

  it('[G7] compliantOnly leaves out visits that failed their checklist; null (no checklist) counts', () => {
    const facts = [fact({ compliant: false }), fact({ compliant: true }), fact({ compliant: null })];
    expect(evaluateMetric(count({ actionTypes: ['check_in'], where: {} }), facts).get('r1')?.numerator).toBe(2);
    expect(evaluateMetric(count({ actionTypes: ['check_in'], where: {} }, false), facts).get('r1')?.numerator).toBe(3);
  });

  it('[G7] a ratio is counts ÷ of', () => {
    const def: MetricDefinition = {
      title, kind: 'ratio', compliantOnly: true, countsTowardAssessment: true,
      counts: { actionTypes: ['objection'], where: { status: ['closed'] } },
      of: { actionTypes: ['objection'], where: {} },
    };
    const facts = [fact({ type: 'objection', fields: { status: 'closed' } }), fact({ type: 'objection', fields: { status: 'open' } }), fact({ type: 'objection', fields: {} }), fact({})];
    const v = evaluateMetric(def, facts).get('r1')!;
    expect(v).toEqual({ numerator: 1, denominator: 3 });
    expect(metricValue('ratio', v)).toBeCloseTo(1 / 3);
    expect(metricValue('ratio', { numerator: 0, denominator: 0 })).toBeNull();
  });

  it('[G7] months are business months (UTC+8)', () => {
    expect(monthOf(new Date('2026-09-30T17:00:00Z'))).toBe('2026-10');
    expect(monthRange('2026-12')).toEqual({ from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
  });

  it('[G4] [G7] counting in the database gives what evaluating each fact gives, for definitions without field filters', () => {
    const types = ['check_in', 'demo', 'objection', 'need_capture'] as const;
    const facts: ActionFact[] = [];
    for (let i = 0; i < 400; i++) {
      facts.push(fact({ repId: `r${i % 7}`, type: types[(i * 7) % 4], compliant: i % 5 === 0 ? false : i % 3 === 0 ? null : true }));
    }
    // What SQL's group by (rep, type, compliance) returns.
    const grouped = new Map<string, { repId: string; type: string; compliant: boolean | null; n: number }>();
    for (const f of facts) {
      const k = `${f.repId}|${f.type}|${f.compliant}`;
      grouped.set(k, { repId: f.repId, type: f.type, compliant: f.compliant, n: (grouped.get(k)?.n ?? 0) + 1 });
    }
    const defs: MetricDefinition[] = [
      count({ actionTypes: ['check_in'], where: {} }),
      count({ actionTypes: ['check_in', 'demo'], where: {} }, false),
      { title, kind: 'ratio', compliantOnly: true, countsTowardAssessment: true, counts: { actionTypes: ['demo'], where: {} }, of: { actionTypes: ['check_in'], where: {} } },
    ];
    for (const def of defs) {
      expect(hasFieldFilters(def)).toBe(false);
      expect(evaluateCounts(def, [...grouped.values()])).toEqual(evaluateMetric(def, facts));
    }
    expect(hasFieldFilters(count({ actionTypes: ['check_in'], where: { visitType: ['routine'] } }))).toBe(true);
  });
});
