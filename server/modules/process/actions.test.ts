import { describe, expect, it } from 'vitest';
import { PROCESS_ACTIONS } from '../../platform/config/defaults.js';
import { missingFields, visitProgress, type ActionFact, type ActionRules } from './actions.js';
import { checkCompliance, countEvidence } from './compliance.js';

const rules = PROCESS_ACTIONS.default as ActionRules;
const at = (h: number) => new Date(Date.UTC(2026, 10, 2, 1, 0) + h * 3_600_000);
const act = (id: string, type: ActionFact['type'], h: number): ActionFact => ({ id, type, occurredAt: at(h), recordedAt: at(h) });

describe('six atomic actions', () => {
  it('[P1] lists the required fields an action leaves empty', () => {
    expect(missingFields(rules.objection, { category: '价格', content: '  ' })).toEqual(['content']);
    expect(missingFields(rules.need_capture, { needs: [] })).toEqual(['needs']);
    expect(missingFields(rules.check_in, { lat: 31.2, lng: 121.4, accuracyM: 12 })).toEqual([]);
  });

  it('[P1] a visit shows which actions are missing and which came too late after the check-in', () => {
    const p = visitProgress(rules, [act('a', 'appointment', -24), act('c', 'check_in', 0), act('n', 'need_capture', 30)], at(31));
    expect(p.done).toEqual(['appointment', 'check_in', 'need_capture']);
    expect(p.missing).toEqual(['demo', 'objection', 'follow_up']);
    // Need capture 30 h after check-in breaks its 24 h limit; demo and objection are overdue.
    expect(p.late).toEqual([
      { type: 'need_capture', actionId: 'n', after: 'check_in', withinHours: 24, hours: 30, state: 'late' },
      { type: 'demo', actionId: null, after: 'check_in', withinHours: 24, hours: 31, state: 'overdue' },
      { type: 'objection', actionId: null, after: 'check_in', withinHours: 24, hours: 31, state: 'overdue' },
    ]);
  });

  it('[P1] a step claiming to have happened before the check-in is out of order; the appointment is not', () => {
    const p = visitProgress(rules, [act('a', 'appointment', -5), act('n', 'need_capture', -1), act('c', 'check_in', 0)], at(1));
    expect(p.outOfOrder).toEqual([{ actionId: 'n', type: 'need_capture', before: 'check_in', minutes: 60 }]);
    expect(p.late).toEqual([]);
  });
});

describe('compliance checklists', () => {
  const ka = { painPoints: 2, proposalScreenshots: 1, legalReviewNotes: 1 };

  it('[P5] a KA visit with one pain point and no legal note is not compliant and says what is missing', () => {
    const have = countEvidence([{ fields: { painPoints: ['库存积压', '库存积压'] } }, { fields: { solution: '方案A' } }], [{ kind: 'screenshot' }, { kind: 'photo' }]);
    expect(have).toEqual({ painPoints: 1, proposalScreenshots: 1, legalReviewNotes: 0 });
    const r = checkCompliance(ka, have);
    expect(r.compliant).toBe(false);
    expect(r.items.filter((i) => !i.ok).map((i) => i.item)).toEqual(['painPoints', 'legalReviewNotes']);
  });

  it('[P5] a complete KA visit is compliant; a tier without a checklist is not assessed', () => {
    const have = countEvidence([{ fields: { painPoints: ['回款慢', '人工录入'], legalReviewNote: '合同条款已由法务确认' } }], [{ kind: 'screenshot' }]);
    expect(checkCompliance(ka, have).compliant).toBe(true);
    expect(checkCompliance(undefined, have)).toEqual({ applies: false, compliant: null, items: [] });
  });
});
