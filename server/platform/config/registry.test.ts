import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './defaults.js';
import { defineConfigKey, listConfigKeys, resolveConfigKey } from './registry.js';

const DUAL = ['churn.rules', 'process.checklists', 'goals.metrics.effectiveVisits', 'goals.metrics.solutionDemos', 'goals.metrics.objectionClosureRate'];

describe('configuration registry and defaults', () => {
  it('[X2] registers the seed’s numbers as defaults of configurable rules', () => {
    const d = Object.fromEntries(listConfigKeys().map((k) => [k.key, k.default]));
    expect(d['process.geofence']).toEqual({ radiusM: 300, maxSpeedKmh: 120 });
    expect(d['process.lights']).toEqual({ yellowDays: 2, redDays: 3, workingDaysOnly: true });
    expect(d['process.blindSample']).toEqual({ rate: 0.05 });
    expect(d['process.backfill']).toEqual({ clusterWindow: { from: '23:58', to: '00:03' }, clusterShare: 0.42, maxLagHours: 48, templateSimilarity: 0.91 });
    expect(Object.keys(d['process.actions'] as object)).toEqual(['appointment', 'check_in', 'need_capture', 'demo', 'objection', 'follow_up']);
    expect(d['process.checklists']).toEqual({ KA: { painPoints: 2, proposalScreenshots: 1, legalReviewNotes: 1 } });
    expect(d['customers.freshness']).toEqual({ fields: ['decisionChain', 'budgetCycle', 'techArchitecture'], days: 90 });
    expect(d['goals.valve']).toEqual({ dropPct: 20, consecutiveWeeks: 2 });
    expect(d['goals.healthReport']).toEqual({ readyByDay: 5 });
    expect(d['forecast.colours']).toEqual({ red: 85, yellow: 60 });
    expect(d['forecast.review']).toEqual({ deviationPct: 15 });
    expect(d['churn.rescue']).toEqual({ diagnosisHours: 48, planHours: 72 });
    expect(d['coaching.leadTiers']).toEqual({ firstMonthTier: 'L1', winsPerUnlock: 3 });
    const rule = (d['churn.rules'] as any).rules[0];
    expect(rule.level).toBe(1);
    expect(rule.minScore).toBeUndefined(); // every condition must hold (AND)
    expect(rule.conditions).toMatchObject([
      { signal: 'email.openRatePct', who: 'techLead', op: '<', value: 15, consecutiveDays: 5 },
      { signal: 'meeting.attendanceDropPct', who: 'techLeadReports', op: '>', value: 40, minPeople: 3 },
    ]);
  });

  it('[G7] metric definitions, checklists and churn rules need dual sign-off; the other rules do not', () => {
    for (const k of listConfigKeys()) expect([k.key, k.dualSignoff]).toEqual([k.key, DUAL.includes(k.key)]);
    expect(resolveConfigKey('goals.metrics.anyNewMetric')).toMatchObject({ dualSignoff: true, hasDefault: false, family: 'goals.metrics.' });
    expect(resolveConfigKey('goals.metrics.')).toBeUndefined();
    expect(resolveConfigKey('no.such')).toBeUndefined();
  });

  it('[X2] a key whose default breaks its own schema, or that is defined twice, is refused at start', () => {
    expect(() => defineConfigKey({ key: 'test.bad', title: { 'zh-CN': 'x', 'en-US': 'x' }, description: { 'zh-CN': 'x', 'en-US': 'x' }, schema: z.object({ n: z.int().min(1) }), default: { n: 0 }, dualSignoff: false })).toThrow(/does not match/);
    expect(() => defineConfigKey({ key: 'process.geofence', title: { 'zh-CN': 'x', 'en-US': 'x' }, description: { 'zh-CN': 'x', 'en-US': 'x' }, schema: z.object({}), default: {}, dualSignoff: false })).toThrow(/twice/);
    expect(() => defineConfigKey({ key: 'goals.metrics.sneaky', title: { 'zh-CN': 'x', 'en-US': 'x' }, description: { 'zh-CN': 'x', 'en-US': 'x' }, schema: z.object({}), default: {}, dualSignoff: false })).toThrow(/dualSignoff/);
  });
});
