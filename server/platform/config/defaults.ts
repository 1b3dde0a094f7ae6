// The platform's configurable rules with the seed article's numbers as defaults (X2). They are
// starting points a tenant changes in the admin screen, never limits baked into code: modules
// read them with `deps.config.value(tenantId, PROCESS_GEOFENCE)` and so on.
import { z } from 'zod';
import { defineConfigFamily, defineConfigKey, type Bilingual } from './registry.js';
import { registerMessages } from '../http/problem.js';

const int = (min: number, max: number) => z.int().min(min).max(max);
const pct = z.number().min(0).max(100);
const share = z.number().min(0).max(1);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const ident = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,59}$/);
const BilingualText = z.object({ 'zh-CN': z.string().trim().min(1).max(100), 'en-US': z.string().trim().min(1).max(100) }).strict();
const text = (zh: string, en: string): Bilingual => ({ 'zh-CN': zh, 'en-US': en });

// ── P: process ────────────────────────────────────────────────────────────────────────────

export const PROCESS_GEOFENCE = defineConfigKey({
  key: 'process.geofence',
  title: text('签到地理围栏', 'Check-in geofence'),
  description: text(
    '签到位置与客户登记位置的允许距离（米，另计 GPS 精度），以及相邻两次签到之间可信的最高移动速度（公里/小时）。',
    'Allowed distance (m, plus GPS accuracy) between a check-in and the customer’s registered location, and the highest believable speed (km/h) between consecutive check-ins.',
  ),
  schema: z.object({ radiusM: int(10, 50_000), maxSpeedKmh: z.number().min(1).max(1000) }).strict(),
  default: { radiusM: 300, maxSpeedKmh: 120 },
  dualSignoff: false,
});

export const PROCESS_LIGHTS = defineConfigKey({
  key: 'process.lights',
  title: text('过程红黄灯', 'Process red/yellow lights'),
  description: text(
    '销售连续多少天无任何过程动作时亮黄灯、红灯（通知直属主管与 BP）；可只计工作日。',
    'Days without any process action before a rep’s light turns yellow and red (the manager and BP are notified); optionally working days only.',
  ),
  schema: z
    .object({ yellowDays: int(1, 60), redDays: int(1, 90), workingDaysOnly: z.boolean() })
    .strict()
    .refine((v) => v.yellowDays < v.redDays, { message: 'yellowDays must be less than redDays', path: ['yellowDays'] }),
  default: { yellowDays: 2, redDays: 3, workingDaysOnly: true },
  dualSignoff: false,
});

export const PROCESS_BLIND_SAMPLE = defineConfigKey({
  key: 'process.blindSample',
  title: text('过程真实性盲测抽样', 'Blind verification sample'),
  description: text('每月随机抽取交给质检回访的拜访比例（0.05 = 5%）。', 'Share of each month’s visits drawn at random for QA call-backs (0.05 = 5%).'),
  schema: z.object({ rate: z.number().gt(0).max(1) }).strict(),
  default: { rate: 0.05 },
  dualSignoff: false,
});

export const PROCESS_BACKFILL = defineConfigKey({
  key: 'process.backfill',
  title: text('补录与造假识别', 'Back-fill and fabrication detection'),
  description: text(
    '创建时间集中窗口及占比阈值、记录时间滞后于发生时间的小时数上限、备注文本模板相似度阈值。',
    'Creation-time cluster window and share threshold, the largest lag (hours) between occurred-at and recorded-at, and the note-template similarity threshold.',
  ),
  schema: z
    .object({
      clusterWindow: z.object({ from: hhmm, to: hhmm }).strict(),
      clusterShare: share,
      maxLagHours: int(1, 24 * 31),
      templateSimilarity: share,
    })
    .strict(),
  default: { clusterWindow: { from: '23:58', to: '00:03' }, clusterShare: 0.42, maxLagHours: 48, templateSimilarity: 0.91 },
  dualSignoff: false,
});

export const ACTION_TYPES = ['appointment', 'check_in', 'need_capture', 'demo', 'objection', 'follow_up'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

const ActionRule = z
  .object({
    requiredFields: z.array(ident).max(30),
    /** Must be recorded within `withinHours` of the `after` action; null = no limit. */
    limit: z.object({ after: z.enum(ACTION_TYPES), withinHours: z.number().gt(0).max(24 * 90) }).strict().nullable(),
  })
  .strict();

export const PROCESS_ACTIONS = defineConfigKey({
  key: 'process.actions',
  title: text('六类原子动作', 'Six atomic actions'),
  description: text(
    '预约发起 → 现场签到 → 需求捕捉 → 方案演示 → 异议登记 → 跟进承诺：每类动作的必填字段与时限（相对前一动作的小时数）。',
    'Appointment → check-in → need capture → demo → objection → follow-up: each action type’s required fields and time limit (hours after an earlier action).',
  ),
  schema: z
    .object(Object.fromEntries(ACTION_TYPES.map((t) => [t, ActionRule])) as Record<ActionType, typeof ActionRule>)
    .strict()
    .refine((v) => ACTION_TYPES.every((t) => v[t].limit?.after !== t), { message: 'an action cannot be limited relative to itself' }),
  default: {
    appointment: { requiredFields: ['customerId', 'plannedAt', 'purpose'], limit: null },
    check_in: { requiredFields: ['lat', 'lng', 'accuracyM'], limit: null },
    need_capture: { requiredFields: ['needs'], limit: { after: 'check_in', withinHours: 24 } },
    demo: { requiredFields: ['solution'], limit: { after: 'check_in', withinHours: 24 } },
    objection: { requiredFields: ['category', 'content'], limit: { after: 'check_in', withinHours: 24 } },
    follow_up: { requiredFields: ['commitment', 'dueAt'], limit: { after: 'check_in', withinHours: 48 } },
  },
  dualSignoff: false,
});

export const TIERS = ['KA', 'A', 'B', 'C'] as const;
const Checklist = z.object({ painPoints: int(0, 50), proposalScreenshots: int(0, 50), legalReviewNotes: int(0, 50) }).strict();

export const PROCESS_CHECKLISTS = defineConfigKey({
  key: 'process.checklists',
  title: text('过程合规检查清单', 'Compliance checklists'),
  description: text(
    '按客户等级设定一次拜访至少要有的业务痛点、定制方案截图、法务审核记录数量；不合规的拜访不计入考核指标。',
    'Per customer tier, the least number of business pain points, custom-proposal screenshots and legal review notes a visit needs; non-compliant visits do not count toward assessed metrics.',
  ),
  schema: z.partialRecord(z.enum(TIERS), Checklist),
  default: { KA: { painPoints: 2, proposalScreenshots: 1, legalReviewNotes: 1 } },
  dualSignoff: true,
});

const term = z.string().trim().min(1).max(40);

export const PROCESS_COMPETITORS = defineConfigKey({
  key: 'process.competitors',
  title: text('竞品词典', 'Competitor dictionary'),
  description: text(
    '拍照中识别出的文字与这些竞品名称及别名匹配时，照片标记为竞品资料。',
    'When text read from a photo matches one of these competitor names or aliases, the photo is tagged as competitor material.',
  ),
  schema: z.array(z.object({ name: term, aliases: z.array(term).max(20) }).strict()).max(500),
  default: [
    { name: '金蝶', aliases: ['Kingdee', '金蝶云'] },
    { name: '用友', aliases: ['Yonyou', '用友网络'] },
    { name: '销售易', aliases: ['Neocrm'] },
    { name: '纷享销客', aliases: ['Fxiaoke'] },
    { name: 'Salesforce', aliases: ['赛富时'] },
  ],
  dualSignoff: false,
});

export const PROCESS_NEED_DICTIONARY = defineConfigKey({
  key: 'process.needDictionary',
  title: text('需求关键词词典', 'Need keyword dictionary'),
  description: text(
    '从语音转写或文字记录中提取客户需求关键词时使用的行业词汇（分词时作为整词），按类别归组。',
    'Domain terms used when extracting need keywords from transcripts or typed notes (kept whole when segmenting), grouped by category.',
  ),
  schema: z.record(z.string().trim().min(1).max(20), z.array(term).max(500)),
  default: {
    预算: ['预算', '报价', '价格', '折扣', '付款方式'],
    交付: ['交付周期', '上线时间', '实施', '培训', '售后服务'],
    产品: ['数据分析', '移动端', '系统集成', '私有化部署', '权限管理', '报表'],
    决策: ['决策人', '招标', '采购流程', '审批', '试点'],
    痛点: ['效率低', '数据不准', '人工录入', '库存积压', '回款慢', '客户流失'],
  },
  dualSignoff: false,
});

// ── C: customers ──────────────────────────────────────────────────────────────────────────

export const CUSTOMERS_FRESHNESS = defineConfigKey({
  key: 'customers.freshness',
  title: text('客户信息保鲜规则', 'Customer freshness rule'),
  description: text(
    '这些关键字段超过设定天数未更新时，提醒最近一次接触该客户的销售核实。',
    'When these key fields have not been updated for the given days, the rep who last contacted the customer is reminded to verify them.',
  ),
  schema: z.object({ fields: z.array(ident).min(1).max(50), days: int(1, 3650) }).strict(),
  default: { fields: ['decisionChain', 'budgetCycle', 'techArchitecture'], days: 90 },
  dualSignoff: false,
});

// ── G: goals ──────────────────────────────────────────────────────────────────────────────

export const GOALS_VALVE = defineConfigKey({
  key: 'goals.valve',
  title: text('目标弹性调节阀', 'Elastic target valve'),
  description: text(
    '线索质量分较基线下降超过该百分比并连续若干周时，销售可申请重置当月过程指标（须附《市场异常分析简报》）。',
    'When the lead-quality score falls more than this percentage below baseline for this many weeks running, the rep may request a reset of the month’s process targets (with a market-anomaly brief).',
  ),
  schema: z.object({ dropPct: pct, consecutiveWeeks: int(1, 12) }).strict(),
  default: { dropPct: 20, consecutiveWeeks: 2 },
  dualSignoff: false,
});

export const GOALS_HEALTH_REPORT = defineConfigKey({
  key: 'goals.healthReport',
  title: text('目标穿透健康度报告', 'Goal-health report'),
  description: text('上月报告最迟在本月几号生成并发送。', 'Day of the month by which last month’s report is ready and sent.'),
  schema: z.object({ readyByDay: int(1, 28) }).strict(),
  default: { readyByDay: 5 },
  dualSignoff: false,
});

/**
 * G7: the fields each action type carries (what the field app and the API write), so a metric can
 * only filter on a field that exists; `visitType` (the visit's purpose) applies to every type.
 */
export const ACTION_FIELDS: Record<ActionType, readonly string[]> = {
  appointment: ['customerId', 'plannedAt', 'purpose'],
  check_in: ['lat', 'lng', 'accuracyM', 'via', 'position'],
  need_capture: ['needs', 'painPoints', 'keywords'],
  demo: ['solution', 'legalReviewNote'],
  objection: ['category', 'content', 'status'],
  follow_up: ['commitment', 'dueAt', 'legalReviewNote'],
};
export const VISIT_TYPE_FIELD = 'visitType';

registerMessages({
  metric_unknown_field: {
    'zh-CN': '字段“{field}”不属于所选动作类型（{types}），可用字段：{allowed}',
    'en-US': 'Field “{field}” is not a field of the chosen action types ({types}); fields you can use: {allowed}',
  },
});

const ActivityFilter = z
  .object({
    actionTypes: z.array(z.enum(ACTION_TYPES)).min(1),
    /** Field → values that count, e.g. { visitType: ['clinical_research'] }; empty = all. */
    where: z.record(ident, z.array(z.union([z.string().max(100), z.number(), z.boolean()])).min(1)).default({}),
  })
  .strict()
  .superRefine((f, ctx) => {
    // A field none of the chosen action types has would silently count nothing.
    const allowed = [VISIT_TYPE_FIELD, ...new Set(f.actionTypes.flatMap((t) => ACTION_FIELDS[t]))];
    for (const field of Object.keys(f.where)) {
      if (!allowed.includes(field)) {
        ctx.addIssue({ code: 'custom', message: 'metric_unknown_field', path: ['where', field], field, types: f.actionTypes.join(', '), allowed: allowed.join(', ') } as never);
      }
    }
  });

export const MetricDefinition = z
  .object({
    title: BilingualText,
    kind: z.enum(['count', 'ratio']),
    counts: ActivityFilter,
    /** Denominator of a ratio. */
    of: ActivityFilter.optional(),
    /** P5: visits that fail their checklist do not count. */
    compliantOnly: z.boolean().default(true),
    /** 是否纳入考核 (G7). */
    countsTowardAssessment: z.boolean(),
  })
  .strict()
  .refine((m) => (m.kind === 'ratio') === (m.of !== undefined), { message: 'a ratio needs "of", a count must not have it', path: ['of'] });
export type MetricDefinition = z.infer<typeof MetricDefinition>;

/** G7: every process metric is data; changing one (or its assessment flag) needs two sign-offs. */
export const GOALS_METRICS = defineConfigFamily({
  prefix: 'goals.metrics.',
  title: text('指标定义', 'Metric definition'),
  description: text(
    '哪些动作类型与字段取值计入该指标，以及是否纳入考核；修改须业务负责人与管理员双签，生效后自动重算受影响的历史周期。',
    'Which action types and field values count toward the metric, and whether it counts toward assessment; changes need the business owner’s and the administrator’s sign-off, and affected past periods are recomputed.',
  ),
  schema: MetricDefinition,
  dualSignoff: true,
});

export const METRIC_EFFECTIVE_VISITS = defineConfigKey({
  key: 'goals.metrics.effectiveVisits',
  title: text('有效拜访量', 'Effective visits'),
  description: GOALS_METRICS.description,
  schema: MetricDefinition,
  default: {
    title: text('有效拜访量', 'Effective visits'),
    kind: 'count',
    counts: { actionTypes: ['check_in'], where: {} },
    compliantOnly: true,
    countsTowardAssessment: true,
  },
  dualSignoff: true,
});

export const METRIC_SOLUTION_DEMOS = defineConfigKey({
  key: 'goals.metrics.solutionDemos',
  title: text('方案演示次数', 'Solution demos'),
  description: GOALS_METRICS.description,
  schema: MetricDefinition,
  default: {
    title: text('方案演示次数', 'Solution demos'),
    kind: 'count',
    counts: { actionTypes: ['demo'], where: {} },
    compliantOnly: true,
    countsTowardAssessment: true,
  },
  dualSignoff: true,
});

export const METRIC_OBJECTION_CLOSURE = defineConfigKey({
  key: 'goals.metrics.objectionClosureRate',
  title: text('异议闭环率', 'Objection-closure rate'),
  description: GOALS_METRICS.description,
  schema: MetricDefinition,
  default: {
    title: text('异议闭环率', 'Objection-closure rate'),
    kind: 'ratio',
    counts: { actionTypes: ['objection'], where: { status: ['closed'] } },
    of: { actionTypes: ['objection'], where: {} },
    compliantOnly: true,
    countsTowardAssessment: true,
  },
  dualSignoff: true,
});

// ── F: forecast ───────────────────────────────────────────────────────────────────────────

export const FORECAST_COLOURS = defineConfigKey({
  key: 'forecast.colours',
  title: text('滚动三色预测阈值', 'Three-colour forecast thresholds'),
  description: text(
    '确定性高于 red% 为红色（已签合同+预付款到账），yellow%–red% 为黄色，低于 yellow% 为绿色。',
    'Above red% is red (contract signed, prepayment received), yellow%–red% is yellow, below yellow% is green.',
  ),
  schema: z
    .object({ red: pct, yellow: pct })
    .strict()
    .refine((v) => v.yellow < v.red, { message: 'yellow must be less than red', path: ['yellow'] }),
  default: { red: 85, yellow: 60 },
  dualSignoff: false,
});

export const FORECAST_REVIEW = defineConfigKey({
  key: 'forecast.review',
  title: text('预测归因复盘', 'Forecast attribution review'),
  description: text('偏差超过该百分比的预测项须填写《偏差根因分析表》。', 'Forecast items off by more than this percentage need a root-cause form.'),
  schema: z.object({ deviationPct: pct }).strict(),
  default: { deviationPct: 15 },
  dualSignoff: false,
});

// ── R: churn ──────────────────────────────────────────────────────────────────────────────

const ChurnCondition = z
  .object({
    /** Signal series, e.g. 'email.openRatePct', 'meeting.attendanceDropPct'. */
    signal: z.string().regex(/^[a-z][a-zA-Z]*\.[a-zA-Z]+$/),
    /** Whose signal: the customer's technical lead, that lead's reports, any contact, the account. */
    who: z.enum(['techLead', 'techLeadReports', 'anyContact', 'account']),
    op: z.enum(['<', '<=', '>', '>=']),
    value: z.number(),
    /** Holds on this many consecutive days. */
    consecutiveDays: int(1, 365).optional(),
    /** Holds for at least this many people (for group subjects). */
    minPeople: int(1, 100).optional(),
    weight: z.number().min(0).max(100).default(1),
  })
  .strict();

const ChurnRule = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/),
    title: BilingualText,
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    conditions: z.array(ChurnCondition).min(1).max(20),
    /** Absent: every condition must hold (AND). Present: the weights of the holding conditions must reach it. */
    minScore: z.number().min(0).optional(),
    rescuePlan: z.string().max(2000).default(''),
    enabled: z.boolean().default(true),
  })
  .strict();

export const CHURN_RULES = defineConfigKey({
  key: 'churn.rules',
  title: text('流失动态权重预警规则', 'Churn compound rules'),
  description: text(
    '复合条件与权重：满足时对客户发出相应级别的流失预警，并附定制化挽救方案。',
    'Compound conditions and weights: when met, the customer gets a churn alert of the rule’s level with its tailored rescue plan.',
  ),
  schema: z
    .object({ rules: z.array(ChurnRule).max(100) })
    .strict()
    .refine((v) => new Set(v.rules.map((r) => r.id)).size === v.rules.length, { message: 'rule ids must be unique', path: ['rules'] }),
  default: {
    rules: [
      {
        id: 'tech-lead-disengaging',
        title: text('技术负责人疏离', 'Technical lead disengaging'),
        level: 1,
        conditions: [
          { signal: 'email.openRatePct', who: 'techLead', op: '<', value: 15, consecutiveDays: 5, weight: 1 },
          { signal: 'meeting.attendanceDropPct', who: 'techLeadReports', op: '>', value: 40, minPeople: 3, weight: 1 },
        ],
        rescuePlan: '48 小时内完成客户健康度诊断，72 小时内输出《价值重申方案》。',
        enabled: true,
      },
    ],
  },
  dualSignoff: true,
});

export const CHURN_RESCUE = defineConfigKey({
  key: 'churn.rescue',
  title: text('挽救动作倒计时', 'Rescue countdown'),
  description: text(
    '一级预警后完成健康度诊断、输出《价值重申方案》的时限（小时），超时自动升级至销售总监。',
    'Hours after a level-1 alert to finish the health diagnosis and the value-restatement plan; overdue escalates to the sales director.',
  ),
  schema: z
    .object({ diagnosisHours: int(1, 24 * 30), planHours: int(1, 24 * 60) })
    .strict()
    .refine((v) => v.diagnosisHours <= v.planHours, { message: 'diagnosisHours must not exceed planHours', path: ['diagnosisHours'] }),
  default: { diagnosisHours: 48, planHours: 72 },
  dualSignoff: false,
});

// ── T: coaching ───────────────────────────────────────────────────────────────────────────

export const COACHING_LEAD_TIERS = defineConfigKey({
  key: 'coaching.leadTiers',
  title: text('线索分级带教', 'Lead tiers for new hires'),
  description: text(
    '新人首月只分配该等级的线索；每赢单若干单解锁下一级。',
    'In the first month a new hire receives only leads of this tier; every N won deals unlock the next tier.',
  ),
  schema: z.object({ firstMonthTier: z.enum(['L1', 'L2', 'L3', 'L4', 'L5']), winsPerUnlock: int(1, 100) }).strict(),
  default: { firstMonthTier: 'L1', winsPerUnlock: 3 },
  dualSignoff: false,
});
