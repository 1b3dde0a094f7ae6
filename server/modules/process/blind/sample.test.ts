import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assignRoundRobin, authenticityRate, callScript, drawSample, sampleSize, seedFor } from './sample.js';

const TENANT = '3b241101-e2bb-4255-8caf-4136c566a962';
const visits = (n: number, reps = 10) => Array.from({ length: n }, (_, i) => ({ id: crypto.randomUUID(), repId: `rep-${i % reps}` }));

describe('blind sample (pure)', () => {
  it('[P7] the same seed draws the same visits whatever order they come in; another month draws others', () => {
    const pop = visits(400);
    const seed = seedFor(TENANT, '2026-10');
    expect(seed).toMatch(/^[0-9a-f]{64}$/);
    expect(seedFor(TENANT, '2026-10')).toBe(seed);
    const a = drawSample(pop, 0.05, seed).map((v) => v.id);
    const b = drawSample([...pop].reverse(), 0.05, seed).map((v) => v.id);
    expect(a).toHaveLength(20);
    expect(b).toEqual(a);
    const other = drawSample(pop, 0.05, seedFor(TENANT, '2026-11')).map((v) => v.id);
    expect(other).toHaveLength(20);
    expect(other).not.toEqual(a);
    expect(other.filter((id) => a.includes(id)).length).toBeLessThan(10);
    expect(seedFor('another-tenant', '2026-10')).not.toBe(seed);
  });

  it('[P7] 5% of N rounded half up, at least one when there are visits, never more than N', () => {
    expect(sampleSize(0, 0.05)).toBe(0);
    expect(sampleSize(1, 0.05)).toBe(1);
    expect(sampleSize(10, 0.05)).toBe(1);
    expect(sampleSize(29, 0.05)).toBe(1);
    expect(sampleSize(30, 0.05)).toBe(2);
    expect(sampleSize(100, 0.05)).toBe(5);
    expect(sampleSize(1000, 0.05)).toBe(50);
    expect(sampleSize(10, 0.15)).toBe(2);
    expect(sampleSize(7, 1)).toBe(7);
  });

  it('[P7] when the sample is large enough every rep with visits is called about; the rate still decides the size', () => {
    const pop = visits(200, 8); // k = 10 ≥ 8 reps
    const drawn = drawSample(pop, 0.05, seedFor(TENANT, '2026-09'));
    expect(drawn).toHaveLength(10);
    expect(new Set(drawn.map((d) => d.repId)).size).toBe(8);
    const small = drawSample(visits(40, 8), 0.05, seedFor(TENANT, '2026-09')); // k = 2 < 8 reps
    expect(small).toHaveLength(2);
  });

  it('[P7] round-robin over the QA inspectors, unassigned without any', () => {
    expect(assignRoundRobin(5, ['qa1', 'qa2'])).toEqual(['qa1', 'qa2', 'qa1', 'qa2', 'qa1']);
    expect(assignRoundRobin(2, [])).toEqual([null, null]);
  });

  it('[P7] the call script names the date, the customer, the attendees, the needs and the agreed items', () => {
    const at = new Date('2026-10-12T02:00:00Z');
    const s = callScript({
      visitId: 'v1',
      date: '2026-10-12',
      time: '10:00',
      customerId: 'c1',
      customerName: '上海明远机械有限公司',
      repName: '张伟',
      purpose: '需求沟通',
      actions: [
        { type: 'check_in', occurredAt: at, fields: { attendees: [{ name: '李经理', title: '采购部' }, '王工'] }, note: '' },
        { type: 'need_capture', occurredAt: at, fields: { needs: ['库存周转慢', '多仓调拨'], keywords: [{ term: '库存' }] }, note: '' },
        { type: 'demo', occurredAt: at, fields: { solution: 'WMS 多仓方案' }, note: '' },
        { type: 'objection', occurredAt: at, fields: { category: '价格', content: '预算有限' }, note: '' },
        { type: 'follow_up', occurredAt: at, fields: { commitment: '下周三前提交报价', dueAt: '2026-10-21T10:00:00+08:00' }, note: '' },
      ],
    });
    expect(s.attendees).toEqual(['李经理（采购部）', '王工']);
    expect(s.needs).toEqual(['库存周转慢', '多仓调拨']);
    expect(s.demo).toEqual(['WMS 多仓方案']);
    expect(s.objections).toEqual(['价格：预算有限']);
    expect(s.agreedItems).toEqual([{ text: '下周三前提交报价', dueAt: '2026-10-21' }]);
    expect(s.questions.map((q) => q.key)).toEqual(['happened', 'attendees', 'needs', 'items', 'other']);
    expect(s.questions[0]['zh-CN']).toContain('2026-10-12');
    expect(s.questions[0]['zh-CN']).toContain('张伟');
    expect(s.questions[3]['zh-CN']).toContain('下周三前提交报价（2026-10-21 前）');
    // A bare visit still gets a script that asks whether it happened.
    const bare = callScript({ visitId: 'v2', date: '2026-10-13', time: '09:00', customerId: 'c2', customerName: null, repName: null, purpose: '拜访', actions: [] });
    expect(bare.questions.map((q) => q.key)).toEqual(['happened', 'attendees', 'other']);
  });

  it('[P7] authenticity rate = confirmed / (checked − unreachable)', () => {
    expect(authenticityRate({ confirmed: 3, checked: 5, unreachable: 1 })).toBe(0.75);
    expect(authenticityRate({ confirmed: 0, checked: 2, unreachable: 2 })).toBeNull();
    expect(authenticityRate({ confirmed: 0, checked: 0, unreachable: 0 })).toBeNull();
  });
});
