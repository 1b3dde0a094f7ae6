// The health board's rule (C3) as a versioned configuration key (X2): the expected key-contact
// activity per customer tier, the service-risk weights and ceilings, and the risk levels.
// Defaults are starting points in the seed's spirit; a tenant changes them in the admin screen.
import { z } from 'zod';
import { defineConfigKey } from '../../platform/config/registry.js';

const share = z.number().min(0).max(1);
const perMonth = z.number().min(0).max(100);
const Expected = z.object({ email: perMonth, meeting: perMonth, call: perMonth }).strict();

export const HealthRulesSchema = z
  .object({
    /** Tickets opened in the last N days count toward the complaint rate and SLA attainment. */
    ticketWindowDays: z.int().min(7).max(1095),
    /** Expected key-contact activities per 30 days, by customer tier. */
    expected30: z.object({ KA: Expected, A: Expected, B: Expected, C: Expected }).strict(),
    /** Weights of the service-risk components (renormalised over the components available). */
    weights: z.object({ complaint: share, sla: share, contract: share }).strict(),
    /** A complaint rate at or above this counts as full complaint risk. */
    complaintRateCeiling: z.number().gt(0).max(1),
    /** SLA attainment at or above this target carries no risk; 0% attainment is full risk. */
    slaTarget: z.number().gt(0).max(1),
    /** A contract-performance deviation at or above this counts as full risk. */
    contractDeviationCeiling: z.number().gt(0).max(10),
    /** Share of the overall risk score taken by the key-contact activity shortfall. */
    activityWeight: share,
    /** Overall risk score (0–100) from which a customer is "watch" and "at risk". */
    thresholds: z
      .object({ watch: z.number().min(0).max(100), atRisk: z.number().min(0).max(100) })
      .strict()
      .refine((t) => t.watch < t.atRisk, { message: 'watch must be below atRisk', path: ['watch'] }),
  })
  .strict()
  .refine((r) => r.weights.complaint + r.weights.sla + r.weights.contract > 0, { message: 'at least one weight must be positive', path: ['weights'] });
export type HealthRules = z.infer<typeof HealthRulesSchema>;

export const HEALTH_RULES = defineConfigKey({
  key: 'health.rules',
  title: { 'zh-CN': '客户健康度规则', 'en-US': 'Customer health rules' },
  description: {
    'zh-CN':
      '关键联系人互动的期望频次（按客户等级，每 30 天的邮件/会议/电话次数），服务风险指数的权重（投诉率、SLA 达成率、合同履约偏差）与上限，活跃度在总风险中的占比，以及“关注”“高风险”阈值。',
    'en-US':
      'Expected key-contact activity per customer tier (e-mails/meetings/calls per 30 days), the service-risk weights (complaint rate, SLA attainment, contract-performance deviation) and ceilings, the activity share of the overall risk, and the "watch" and "at risk" thresholds.',
  },
  schema: HealthRulesSchema,
  default: {
    ticketWindowDays: 180,
    expected30: {
      KA: { email: 8, meeting: 2, call: 6 },
      A: { email: 6, meeting: 1, call: 4 },
      B: { email: 4, meeting: 0.5, call: 2 },
      C: { email: 2, meeting: 0, call: 1 },
    },
    weights: { complaint: 0.4, sla: 0.35, contract: 0.25 },
    complaintRateCeiling: 0.25,
    slaTarget: 0.95,
    contractDeviationCeiling: 0.2,
    activityWeight: 0.3,
    thresholds: { watch: 35, atRisk: 55 },
  },
  dualSignoff: false,
});
