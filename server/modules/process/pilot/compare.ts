// P11 pilot comparison (pure, no I/O): pilot group minus control group on process data quality,
// with a simple significance indication for shares.
//
// Rule pilot/1:
// - Authenticity: share of visits carrying any active non-pass verdict (visits.flags); share of
//   visits listed in a P8 batch flag; number of P8 flags; blind-check authenticity
//   (confirmed ÷ (checked − unreachable)).
// - Timeliness: lag = recorded_at − occurred_at of each current action (negative lags count as 0);
//   median and 90th percentile in hours; share recorded within 24 h.
// - Completeness: share of visits with all six action types; among visits the checks evaluated, the
//   share with actions and nothing missing (no missing action, no missing checklist item); share
//   compliant among visits with a checklist.
// - Significance: two-proportion z-test with the pooled proportion,
//   z = (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)), two-sided p from the normal CDF; "significant" at
//   p < 0.05. Only where the normal approximation holds (each group has ≥ 5 expected successes and
//   failures under p̂); otherwise "insufficient". Records of one rep are not independent, so read it as
//   an indication, not proof. Medians, percentiles and counts get no test.
export const COMPARE_RULE = 'pilot/1';
export const ALPHA = 0.05;

export interface GroupStats {
  visits: number;
  reps: number;
  flaggedVisits: number;
  p8Visits: number;
  p8Flags: number;
  p8ByDetector: Record<string, number>;
  blindChecked: number;
  blindConfirmed: number;
  blindUnreachable: number;
  actions: number;
  within24h: number;
  /** seconds */
  lagMedian: number | null;
  /** seconds */
  lagP90: number | null;
  complete: number;
  /** Visits the checks have evaluated (their missing/late summary exists). */
  evaluated: number;
  noMissing: number;
  complianceAssessed: number;
  compliant: number;
}

export interface ZTest {
  z: number;
  pValue: number;
  significant: boolean;
}

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export interface Side {
  value: number | null;
  num?: number;
  den?: number;
}

export interface Metric {
  key: string;
  section: 'authenticity' | 'timeliness' | 'completeness';
  label: Bilingual;
  kind: 'share' | 'hours' | 'count';
  better: 'higher' | 'lower';
  pilot: Side;
  control: Side;
  /** pilot − control */
  diff: number | null;
  test: ZTest | null;
  verdict: 'better' | 'worse' | 'no_difference' | 'insufficient' | null;
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Two-proportion z-test (pooled); null when the normal approximation does not hold. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ZTest | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  for (const n of [n1, n2]) if (n * pooled < 5 || n * (1 - pooled) < 5) return null;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return null;
  const z = (x1 / n1 - x2 / n2) / se;
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.abs(z))));
  return { z: round(z, 3), pValue: round(pValue, 4), significant: pValue < ALPHA };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const share = (num: number, den: number): Side => ({ value: den > 0 ? round(num / den, 4) : null, num, den });
const hours = (sec: number | null): Side => ({ value: sec === null ? null : round(sec / 3600, 1) });

function metric(
  key: string,
  section: Metric['section'],
  label: Bilingual,
  kind: Metric['kind'],
  better: Metric['better'],
  pilot: Side,
  control: Side,
): Metric {
  const diff = pilot.value !== null && control.value !== null ? round(pilot.value - control.value, kind === 'share' ? 4 : 1) : null;
  let test: ZTest | null = null;
  let verdict: Metric['verdict'] = null;
  if (kind === 'share') {
    test = pilot.den && control.den ? twoProportionZTest(pilot.num!, pilot.den, control.num!, control.den) : null;
    if (!test) verdict = 'insufficient';
    else if (!test.significant || diff === 0) verdict = 'no_difference';
    else verdict = (diff! > 0) === (better === 'higher') ? 'better' : 'worse';
  }
  return { key, section, label, kind, better, pilot, control, diff, test, verdict };
}

/** The comparison table: one row per metric, pilot minus control. */
export function compareGroups(p: GroupStats, c: GroupStats): Metric[] {
  const blind = (g: GroupStats) => share(g.blindConfirmed, g.blindChecked - g.blindUnreachable);
  return [
    metric('flaggedShare', 'authenticity', { 'zh-CN': '存疑拜访占比（任一校验未通过）', 'en-US': 'Visits with any flag' }, 'share', 'lower', share(p.flaggedVisits, p.visits), share(c.flaggedVisits, c.visits)),
    metric('p8Share', 'authenticity', { 'zh-CN': '补录/造假批量标记涉及的拜访占比', 'en-US': 'Visits in a back-fill/fabrication flag' }, 'share', 'lower', share(p.p8Visits, p.visits), share(c.p8Visits, c.visits)),
    metric('p8Flags', 'authenticity', { 'zh-CN': '补录/造假批量标记数', 'en-US': 'Back-fill/fabrication flags' }, 'count', 'lower', { value: p.p8Flags }, { value: c.p8Flags }),
    metric('blindRate', 'authenticity', { 'zh-CN': '盲测回访真实率', 'en-US': 'Blind-check authenticity' }, 'share', 'higher', blind(p), blind(c)),
    metric('lagMedianHours', 'timeliness', { 'zh-CN': '录入滞后中位数（小时）', 'en-US': 'Median recording lag (h)' }, 'hours', 'lower', hours(p.lagMedian), hours(c.lagMedian)),
    metric('lagP90Hours', 'timeliness', { 'zh-CN': '录入滞后 P90（小时）', 'en-US': 'P90 recording lag (h)' }, 'hours', 'lower', hours(p.lagP90), hours(c.lagP90)),
    metric('within24hShare', 'timeliness', { 'zh-CN': '24 小时内录入的动作占比', 'en-US': 'Actions recorded within 24 h' }, 'share', 'higher', share(p.within24h, p.actions), share(c.within24h, c.actions)),
    metric('completeShare', 'completeness', { 'zh-CN': '六个动作齐全的拜访占比', 'en-US': 'Visits with all six actions' }, 'share', 'higher', share(p.complete, p.visits), share(c.complete, c.visits)),
    metric('noMissingShare', 'completeness', { 'zh-CN': '无缺项的拜访占比（已校验者）', 'en-US': 'Evaluated visits with nothing missing' }, 'share', 'higher', share(p.noMissing, p.evaluated), share(c.noMissing, c.evaluated)),
    metric('compliantShare', 'completeness', { 'zh-CN': '合规拜访占比（有检查清单者）', 'en-US': 'Compliant visits (with a checklist)' }, 'share', 'higher', share(p.compliant, p.complianceAssessed), share(c.compliant, c.complianceAssessed)),
  ];
}

export const METHOD: Bilingual = {
  'zh-CN':
    '差值 = 试点组 − 对照组。占比类指标用两比例 z 检验（合并比例，双侧，p < 0.05 为显著）；样本不足（任一组预期成功或失败数少于 5）时标为“样本不足”。同一销售的记录并不独立，显著性仅作参考。中位数、P90 与计数不做检验。',
  'en-US':
    'Difference = pilot − control. Shares are compared with a two-proportion z-test (pooled, two-sided, significant at p < 0.05); with fewer than 5 expected successes or failures in a group it says “insufficient”. Records of one rep are not independent, so read significance as an indication. Medians, P90 and counts are not tested.',
};
