import { describe, expect, it } from 'vitest';
import { activityScore, healthBoard, levelOf, serviceRisk, type HealthInputs } from './health.js';
import { HEALTH_RULES, HealthRulesSchema, type HealthRules } from './rules.js';

const rules: HealthRules = HEALTH_RULES.default;
const zero = { email: 0, meeting: 0, call: 0 };
const noTickets = { total: 0, complaints: 0, slaMet: 0, slaMissed: 0, slaPending: 0 };

const inputs = (over: Partial<HealthInputs> = {}): HealthInputs => ({
  stage: 'delivery',
  tier: 'A',
  tickets: noTickets,
  activity: { d30: zero, d90: zero },
  contract: { deviation: null },
  ...over,
});

describe('health board (pure)', () => {
  it('[C3] the default rule satisfies its own schema and weights sum to 1', () => {
    expect(HealthRulesSchema.safeParse(rules).success).toBe(true);
    expect(rules.weights.complaint + rules.weights.sla + rules.weights.contract).toBeCloseTo(1);
  });

  it('[C3] complaint rate = complaints ÷ tickets, risk capped at 1 beyond the ceiling', () => {
    const s = serviceRisk({ tickets: { total: 10, complaints: 1, slaMet: 0, slaMissed: 0, slaPending: 0 }, contract: { deviation: null } }, rules);
    const c = s.components.find((x) => x.key === 'complaintRate')!;
    expect(c.value).toBe(0.1);
    expect(c.risk).toBe(0.4); // 0.1 ÷ 0.25
    // SLA and contract not available → complaint carries the whole weight.
    expect(c.effectiveWeight).toBe(1);
    expect(s.value).toBe(40);
    const heavy = serviceRisk({ tickets: { total: 4, complaints: 3, slaMet: 0, slaMissed: 0, slaPending: 0 }, contract: { deviation: null } }, rules);
    expect(heavy.components[0].risk).toBe(1);
    expect(heavy.value).toBe(100);
  });

  it('[C3] SLA attainment = met ÷ (met + missed); pending tickets do not count; at or above target no risk', () => {
    const s = serviceRisk({ tickets: { total: 10, complaints: 0, slaMet: 6, slaMissed: 2, slaPending: 2 }, contract: { deviation: null } }, rules);
    const sla = s.components.find((x) => x.key === 'slaAttainment')!;
    expect(sla.value).toBe(0.75);
    expect(sla.risk).toBeCloseTo((0.95 - 0.75) / 0.95, 4);
    // weights 0.4 (complaint, risk 0) and 0.35 (sla) renormalised over 0.75
    expect(s.value).toBeCloseTo(Math.round(((100 * 0.35 * ((0.95 - 0.75) / 0.95)) / 0.75) * 10) / 10, 5);
    const good = serviceRisk({ tickets: { total: 20, complaints: 0, slaMet: 19, slaMissed: 1, slaPending: 0 }, contract: { deviation: null } }, rules);
    expect(good.components[1].risk).toBe(0);
    expect(good.value).toBe(0);
  });

  it('[C3] contract-performance deviation joins the index when a source provides it, with all three weights', () => {
    const s = serviceRisk({ tickets: { total: 10, complaints: 1, slaMet: 5, slaMissed: 5, slaPending: 0 }, contract: { deviation: -0.1 } }, rules);
    const d = s.components.find((x) => x.key === 'contractDeviation')!;
    expect(d.available).toBe(true);
    expect(d.risk).toBe(0.5); // |−0.1| ÷ 0.2
    const expected = 100 * (0.4 * 0.4 + 0.35 * ((0.95 - 0.5) / 0.95) + 0.25 * 0.5);
    expect(s.value).toBeCloseTo(Math.round(expected * 10) / 10, 5);
    expect(s.components.map((c) => c.effectiveWeight)).toEqual([0.4, 0.35, 0.25]);
  });

  it('[C3] no contract: the deviation is reported not available (null, reason), never a made-up number', () => {
    const s = serviceRisk({ tickets: { total: 2, complaints: 0, slaMet: 2, slaMissed: 0, slaPending: 0 }, contract: { deviation: null } }, rules);
    const d = s.components.find((x) => x.key === 'contractDeviation')!;
    expect(d).toMatchObject({ value: null, available: false, reason: 'no_contract_data', risk: null, effectiveWeight: 0 });
    expect(s.inputs.contractDeviation).toBeNull();
  });

  it('[C3] no tickets: complaint rate 0 marked "no_tickets", SLA not available, service risk 0', () => {
    const s = serviceRisk({ tickets: noTickets, contract: { deviation: null } }, rules);
    expect(s.components[0]).toMatchObject({ value: 0, reason: 'no_tickets', risk: 0 });
    expect(s.components[1]).toMatchObject({ value: null, available: false, reason: 'no_sla_tickets' });
    expect(s.value).toBe(0);
  });

  it('[C3] activity = expectation-weighted coverage of the 90-day expectation, each kind capped at 100%', () => {
    // Tier A expects 6 e-mails, 1 meeting, 4 calls per 30 days → 18 / 3 / 12 in 90 days.
    const a = activityScore('A', { email: 3, meeting: 0, call: 1 }, { email: 9, meeting: 6, call: 3 }, rules);
    expect(a.perKind.map((k) => k.coverage)).toEqual([0.5, 1, 0.25]);
    expect(a.value).toBe(Math.round(((100 * (6 * 0.5 + 1 * 1 + 4 * 0.25)) / 11) * 10) / 10);
    expect(a.inputs.last30).toEqual({ email: 3, meeting: 0, call: 1 });
    expect(a.inputs.expected30).toEqual({ email: 6, meeting: 1, call: 4 });
  });

  it('[C3] zero activity scores 0; a kind with no expectation (tier C meetings) is left out', () => {
    expect(activityScore('KA', zero, zero, rules).value).toBe(0);
    const c = activityScore('C', zero, { email: 6, meeting: 0, call: 3 }, rules);
    expect(c.perKind.find((k) => k.kind === 'meeting')!.coverage).toBeNull();
    expect(c.value).toBe(100);
  });

  it('[C3] a tier with no expectation at all cannot be short: activity 100', () => {
    const r: HealthRules = { ...rules, expected30: { ...rules.expected30, C: { email: 0, meeting: 0, call: 0 } } };
    expect(activityScore('C', zero, zero, r).value).toBe(100);
  });

  it('[C3] overall risk = (1 − a) × service risk + a × (100 − activity), with its level and rule version', () => {
    const b = healthBoard(
      inputs({ tickets: { total: 10, complaints: 1, slaMet: 0, slaMissed: 0, slaPending: 0 }, activity: { d30: zero, d90: zero } }),
      rules,
      7,
    );
    expect(b.ruleVersion).toBe(7);
    expect(b.serviceRisk.value).toBe(40);
    expect(b.activity.value).toBe(0);
    expect(b.overall.riskScore).toBe(Math.round((0.7 * 40 + 0.3 * 100) * 10) / 10); // 58
    expect(b.overall.level).toBe('at_risk');
    expect(b.overall.formula['zh-CN']).toContain('服务风险指数');
    expect(b.overall.formula['en-US']).toContain('service-risk index');
    expect(b.stage).toMatchObject({ value: 'delivery', inputs: { stage: 'delivery' } });
  });

  it('[C3] zero activity and no tickets: only the activity shortfall counts', () => {
    const b = healthBoard(inputs(), rules, 0);
    expect(b.serviceRisk.value).toBe(0);
    expect(b.overall.riskScore).toBe(30);
    expect(b.overall.level).toBe('healthy');
  });

  it('[C3] levels follow the configured thresholds (inclusive)', () => {
    expect(levelOf(34.9, rules.thresholds)).toBe('healthy');
    expect(levelOf(35, rules.thresholds)).toBe('watch');
    expect(levelOf(55, rules.thresholds)).toBe('at_risk');
  });

  it('[C3] the rule schema refuses thresholds out of order and all-zero weights', () => {
    expect(HealthRulesSchema.safeParse({ ...rules, thresholds: { watch: 60, atRisk: 40 } }).success).toBe(false);
    expect(HealthRulesSchema.safeParse({ ...rules, weights: { complaint: 0, sla: 0, contract: 0 } }).success).toBe(false);
  });
});
