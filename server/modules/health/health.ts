// The customer health board (C3), computed from its inputs alone: stage, key-contact activity
// and the service-risk index, then one overall risk score used to rank a portfolio. Every part
// returns its value, the formula in words (zh-CN / en-US), the numbers it used and the rule
// version, so the screen can show how each number came about. A missing input (no contract
// data) is reported as not available and left out of the weighting, never replaced by a guess.
import type { HealthRules } from './rules.js';

export type Tier = 'KA' | 'A' | 'B' | 'C';
export type CustomerStage = 'lead' | 'opportunity' | 'delivery' | 'renewal' | 'churned';
export type ActivityKind = 'email' | 'meeting' | 'call';
export const ACTIVITY_KINDS: readonly ActivityKind[] = ['email', 'meeting', 'call'];
export type Bilingual = { 'zh-CN': string; 'en-US': string };
export type Counts = Record<ActivityKind, number>;

export interface HealthInputs {
  stage: CustomerStage;
  tier: Tier;
  tickets: {
    /** Tickets opened within the rule's window. */
    total: number;
    complaints: number;
    /** Of those with an SLA: met, missed (closed late or open past due), still pending. */
    slaMet: number;
    slaMissed: number;
    slaPending: number;
  };
  activity: { d30: Counts; d90: Counts };
  /** Contract-performance deviation (share, 0.1 = 10%); null when no source provides it. */
  contract: { deviation: number | null; detail?: Record<string, unknown> | null };
}

export type Level = 'healthy' | 'watch' | 'at_risk';

export interface ServiceComponent {
  key: 'complaintRate' | 'slaAttainment' | 'contractDeviation';
  /** The measured value (a share); null when not available. */
  value: number | null;
  available: boolean;
  /** Why it is not available (e.g. 'no_contract_data', 'no_sla_tickets'). */
  reason: string | null;
  /** 0–1 risk contribution before weighting; null when not available. */
  risk: number | null;
  weight: number;
  /** The weight after renormalising over the available components. */
  effectiveWeight: number;
  formula: Bilingual;
}

export interface HealthBoard {
  ruleVersion: number;
  stage: { value: CustomerStage; formula: Bilingual; inputs: { stage: CustomerStage } };
  activity: {
    /** 0–100: how far the last 90 days meet the tier's expected frequency. */
    value: number;
    formula: Bilingual;
    inputs: { tier: Tier; last30: Counts; last90: Counts; expected30: Counts };
    perKind: { kind: ActivityKind; last30: number; last90: number; expected30: number; expected90: number; coverage: number | null }[];
  };
  serviceRisk: {
    /** 0–100, higher is riskier. */
    value: number;
    formula: Bilingual;
    inputs: HealthInputs['tickets'] & { windowDays: number; contractDeviation: number | null; contractDetail: Record<string, unknown> | null };
    components: ServiceComponent[];
  };
  overall: {
    /** 0–100, higher is riskier; ranks the portfolio. */
    riskScore: number;
    level: Level;
    formula: Bilingual;
    inputs: { serviceRisk: number; activity: number; activityWeight: number; thresholds: { watch: number; atRisk: number } };
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const pct = (x: number) => `${round1(x * 100)}%`;

/** Activity score: expectation-weighted coverage of the 90-day expectation, per kind capped at 100%. */
export function activityScore(tier: Tier, d30: Counts, d90: Counts, rules: HealthRules): HealthBoard['activity'] {
  const expected30 = rules.expected30[tier];
  let weighted = 0;
  let expectedSum = 0;
  const perKind = ACTIVITY_KINDS.map((kind) => {
    const e30 = expected30[kind];
    const e90 = e30 * 3;
    const coverage = e90 > 0 ? clamp01(d90[kind] / e90) : null;
    if (coverage !== null) {
      weighted += e30 * coverage;
      expectedSum += e30;
    }
    return { kind, last30: d30[kind], last90: d90[kind], expected30: e30, expected90: e90, coverage: coverage === null ? null : round4(coverage) };
  });
  // Nothing expected for this tier → nothing can be short.
  const value = expectedSum > 0 ? round1((100 * weighted) / expectedSum) : 100;
  return {
    value,
    formula: {
      'zh-CN': '活跃度 = 100 × Σ(每类期望次数 × min(1, 近90天次数 ÷ (每30天期望 × 3))) ÷ Σ每类期望次数；类别为邮件、会议、电话，期望按客户等级配置；无期望的类别不计。',
      'en-US': 'Activity = 100 × Σ(expected per kind × min(1, last-90-day count ÷ (expected per 30 days × 3))) ÷ Σ expected per kind; kinds are e-mail, meeting, call; expectations per customer tier; kinds with no expectation are left out.',
    },
    inputs: { tier, last30: { ...d30 }, last90: { ...d90 }, expected30: { ...expected30 } },
    perKind,
  };
}

/** Service-risk index from complaint rate, SLA attainment and contract-performance deviation. */
export function serviceRisk(inputs: Pick<HealthInputs, 'tickets' | 'contract'>, rules: HealthRules): HealthBoard['serviceRisk'] {
  const t = inputs.tickets;
  const decided = t.slaMet + t.slaMissed;
  const complaintRate = t.total > 0 ? t.complaints / t.total : 0;
  const sla = decided > 0 ? t.slaMet / decided : null;
  const dev = inputs.contract.deviation;
  const parts: Omit<ServiceComponent, 'effectiveWeight'>[] = [
    {
      key: 'complaintRate',
      value: round4(complaintRate),
      available: true,
      reason: t.total === 0 ? 'no_tickets' : null,
      risk: round4(clamp01(complaintRate / rules.complaintRateCeiling)),
      weight: rules.weights.complaint,
      formula: {
        'zh-CN': `投诉率 = 窗口内投诉工单数 ÷ 工单总数（无工单时为 0）；风险 = min(1, 投诉率 ÷ ${pct(rules.complaintRateCeiling)})`,
        'en-US': `Complaint rate = complaints ÷ tickets in the window (0 when there are no tickets); risk = min(1, rate ÷ ${pct(rules.complaintRateCeiling)})`,
      },
    },
    {
      key: 'slaAttainment',
      value: sla === null ? null : round4(sla),
      available: sla !== null,
      reason: sla === null ? 'no_sla_tickets' : null,
      risk: sla === null ? null : round4(sla >= rules.slaTarget ? 0 : (rules.slaTarget - sla) / rules.slaTarget),
      weight: rules.weights.sla,
      formula: {
        'zh-CN': `SLA 达成率 = 按时解决数 ÷ (按时 + 超时)（未到期的不计）；达成率 ≥ ${pct(rules.slaTarget)} 时风险为 0，否则风险 = (${pct(rules.slaTarget)} − 达成率) ÷ ${pct(rules.slaTarget)}`,
        'en-US': `SLA attainment = met ÷ (met + missed) (tickets not yet due are left out); risk 0 at or above ${pct(rules.slaTarget)}, else (${pct(rules.slaTarget)} − attainment) ÷ ${pct(rules.slaTarget)}`,
      },
    },
    {
      key: 'contractDeviation',
      value: dev === null ? null : round4(dev),
      available: dev !== null,
      reason: dev === null ? 'no_contract_data' : null,
      risk: dev === null ? null : round4(clamp01(Math.abs(dev) / rules.contractDeviationCeiling)),
      weight: rules.weights.contract,
      formula: {
        'zh-CN': `合同履约偏差 = (逾期交付 + 到期未交付的承诺里程碑) ÷ 已到期的承诺里程碑；风险 = min(1, 偏差 ÷ ${pct(rules.contractDeviationCeiling)})`,
        'en-US': `Contract-performance deviation = (milestones delivered late + due but not delivered) ÷ promised milestones due; risk = min(1, deviation ÷ ${pct(rules.contractDeviationCeiling)})`,
      },
    },
  ];
  const availableWeight = parts.filter((p) => p.available).reduce((s, p) => s + p.weight, 0);
  const components: ServiceComponent[] = parts.map((p) => ({
    ...p,
    effectiveWeight: p.available && availableWeight > 0 ? round4(p.weight / availableWeight) : 0,
  }));
  const value = availableWeight > 0 ? round1((100 * components.reduce((s, c) => s + (c.available ? c.weight * (c.risk ?? 0) : 0), 0)) / availableWeight) : 0;
  return {
    value,
    formula: {
      'zh-CN': `服务风险指数 = 100 × Σ(权重 × 分项风险) ÷ Σ可用分项的权重；权重：投诉率 ${rules.weights.complaint}、SLA ${rules.weights.sla}、合同履约偏差 ${rules.weights.contract}；不可用的分项不参与加权。工单窗口：近 ${rules.ticketWindowDays} 天。`,
      'en-US': `Service-risk index = 100 × Σ(weight × component risk) ÷ Σ weights of the available components; weights: complaint rate ${rules.weights.complaint}, SLA ${rules.weights.sla}, contract deviation ${rules.weights.contract}; unavailable components are left out. Ticket window: last ${rules.ticketWindowDays} days.`,
    },
    inputs: { ...inputs.tickets, windowDays: rules.ticketWindowDays, contractDeviation: dev, contractDetail: inputs.contract.detail ?? null },
    components,
  };
}

export function levelOf(riskScore: number, thresholds: { watch: number; atRisk: number }): Level {
  if (riskScore >= thresholds.atRisk) return 'at_risk';
  if (riskScore >= thresholds.watch) return 'watch';
  return 'healthy';
}

/** The whole board for one customer. */
export function healthBoard(inputs: HealthInputs, rules: HealthRules, ruleVersion: number): HealthBoard {
  const activity = activityScore(inputs.tier, inputs.activity.d30, inputs.activity.d90, rules);
  const service = serviceRisk(inputs, rules);
  const a = rules.activityWeight;
  const riskScore = round1((1 - a) * service.value + a * (100 - activity.value));
  return {
    ruleVersion,
    stage: {
      value: inputs.stage,
      formula: { 'zh-CN': '阶段取自客户主记录的阶段字段（商机 / 交付 / 续约）。', 'en-US': 'Stage is the customer master record’s stage (opportunity / delivery / renewal).' },
      inputs: { stage: inputs.stage },
    },
    activity,
    serviceRisk: service,
    overall: {
      riskScore,
      level: levelOf(riskScore, rules.thresholds),
      formula: {
        'zh-CN': `总风险 = (1 − ${a}) × 服务风险指数 + ${a} × (100 − 活跃度)；≥ ${rules.thresholds.atRisk} 为高风险，≥ ${rules.thresholds.watch} 为需关注。`,
        'en-US': `Overall risk = (1 − ${a}) × service-risk index + ${a} × (100 − activity); ≥ ${rules.thresholds.atRisk} is at risk, ≥ ${rules.thresholds.watch} is watch.`,
      },
      inputs: { serviceRisk: service.value, activity: activity.value, activityWeight: a, thresholds: { ...rules.thresholds } },
    },
  };
}
