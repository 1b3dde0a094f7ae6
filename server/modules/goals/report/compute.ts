// G8 《目标穿透健康度报告》: the pure arithmetic of one month's report for one region (or the whole
// company). No I/O: the service reads the rows and the org units and hands them in.
//
// Definitions (also shown in the report, see DEFINITIONS):
// - 指标承接率 (target acceptance rate) = rep targets of the month (node_kind 'rep', period = the
//   month, any tier and metric) whose acceptance is 'accepted' ÷ all rep targets of the month. A
//   target without an acceptance state counts as pending. No rep targets → rate null ("—").
// - 过程动作达标率 (process-action attainment rate), per metric = reps whose attainment of that
//   process metric in the month ≥ their target ÷ reps with a process target of that metric in the
//   month. Attainment of a count is the numerator; of a ratio (denominator present) numerator ÷
//   denominator (0 when the denominator is 0); a ratio target above 1 is read as a percentage
//   (80 → 0.8). A rep with no attainment row attained 0. Overall = reps who met every process
//   target they have in the month ÷ reps with at least one process target.
// - 资源缺口 (resource gap), per region × resource type = the number of weekly-canvas review
//   entries of the month's weeks in which the manager marked that support resource as needed
//   (weekly_canvases.review[].resources). A week belongs to the month holding its Thursday (the
//   ISO-8601 rule, so each week belongs to exactly one month). Every marked resource is counted as
//   a gap: the canvas records what the rep's action needed from outside the team, not what was
//   eventually supplied.
// - A rep belongs to the team and region the organisation gives them now; an attainment row or
//   a canvas without a known rep falls back to the team/region stored on it.

export const REPORT_RULE = 'G8-v1';

export const KNOWN_RESOURCES = ['方案支持', '价格审批', '技术专家', '市场物料'] as const;

export type Bilingual = { 'zh-CN': string; 'en-US': string };

export const DEFINITIONS: { key: 'acceptance' | 'process' | 'resources'; title: Bilingual; text: Bilingual }[] = [
  {
    key: 'acceptance',
    title: { 'zh-CN': '指标承接率', 'en-US': 'Target acceptance rate' },
    text: {
      'zh-CN': '当月所有销售个人指标中，状态为“已承接”的指标数 ÷ 当月销售个人指标总数（未表态的计为待承接）。',
      'en-US': 'Rep targets of the month marked accepted ÷ all rep targets of the month (no answer counts as pending).',
    },
  },
  {
    key: 'process',
    title: { 'zh-CN': '过程动作达标率', 'en-US': 'Process-action attainment rate' },
    text: {
      'zh-CN': '分指标：当月该过程指标完成值 ≥ 目标值的销售人数 ÷ 有该指标目标的销售人数；比率类指标完成值 = 分子 ÷ 分母。总体：当月全部过程指标均达标的销售人数 ÷ 有过程指标目标的销售人数。',
      'en-US': 'Per metric: reps whose attainment ≥ target ÷ reps with a target of that metric (ratios: numerator ÷ denominator). Overall: reps meeting every process target ÷ reps with any process target.',
    },
  },
  {
    key: 'resources',
    title: { 'zh-CN': '资源缺口', 'en-US': 'Resource gaps' },
    text: {
      'zh-CN': '当月各周（以周四所在月份归属）目标对齐画布中，主管在复盘里标注需要的支持资源条数，按区域 × 资源类型统计。',
      'en-US': 'Weekly-canvas review entries of the month’s weeks (a week belongs to the month of its Thursday) in which the manager marked a support resource as needed, by region × resource type.',
    },
  },
];

export interface RepTarget {
  id: string;
  repId: string;
  tier: string;
  metric: string;
  value: number;
  acceptance: string | null;
}

export interface AttainmentRow {
  repId: string;
  metric: string;
  numerator: number;
  denominator: number | null;
  teamId: string | null;
  regionId: string | null;
}

export interface CanvasRow {
  repId: string;
  week: string;
  teamId: string | null;
  regionId: string | null;
  review: unknown;
}

export interface Unit {
  id: string;
  name: string;
}

export interface OrgInput {
  regions: Unit[];
  teams: (Unit & { regionId: string | null })[];
  /** rep id → current team and region */
  reps: Map<string, { teamId: string | null; regionId: string | null }>;
}

export interface Rate {
  num: number;
  den: number;
  rate: number | null;
}

export interface TeamRow {
  teamId: string | null;
  teamName: string;
  regionId: string | null;
  regionName: string;
  acceptance: Rate;
  process: Rate;
  resourceGaps: number;
}

export interface HealthReportData {
  rule: string;
  period: string;
  weeks: string[];
  scope: { regionId: string | null; name: string };
  acceptance: Rate & { accepted: number; contested: number; pending: number };
  process: { overall: Rate; byMetric: (Rate & { metric: string; title: Bilingual })[] };
  heatmap: { regions: Unit[]; resources: string[]; cells: { regionId: string; resource: string; count: number }[]; total: number };
  teams: TeamRow[];
  definitions: typeof DEFINITIONS;
}

const rate = (num: number, den: number): Rate => ({ num, den, rate: den > 0 ? num / den : null });

const METRIC_TITLES: Record<string, Bilingual> = {
  effectiveVisits: { 'zh-CN': '有效拜访量', 'en-US': 'Effective visits' },
  solutionDemos: { 'zh-CN': '方案演示次数', 'en-US': 'Solution demos' },
  objectionClosureRate: { 'zh-CN': '异议闭环率', 'en-US': 'Objection-closure rate' },
};

export function metricTitle(metric: string, titles: Record<string, Bilingual> = {}): Bilingual {
  return titles[metric] ?? METRIC_TITLES[metric] ?? { 'zh-CN': metric, 'en-US': metric };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** True for 'YYYY-MM' with a real month. */
export function isMonth(period: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(period);
}

/** The ISO weeks ('2026-W44') whose Thursday falls in the month. */
export function weeksOfMonth(period: string): string[] {
  const [y, m] = period.split('-').map(Number);
  const out: string[] = [];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  for (let d = 1; d <= days; d++) {
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCDay() !== 4) continue; // Thursday
    const jan1 = Date.UTC(y, 0, 1);
    const week = Math.ceil(((date.getTime() - jan1) / 86_400_000 + 1) / 7);
    out.push(`${y}-W${pad(week)}`);
  }
  return out;
}

/** A month before `period` ('2026-01' → '2025-12'). */
export function previousMonthOf(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${pad(m - 1)}`;
}

/**
 * The resources of one canvas review: review is an array of entries, each with `resources` as
 * strings (or objects with `type`/`name`). Anything else is ignored. Each entry counts a resource once.
 */
export function resourcesOfReview(review: unknown): string[][] {
  if (!Array.isArray(review)) return [];
  const out: string[][] = [];
  for (const e of review) {
    const rs = e && typeof e === 'object' ? (e as { resources?: unknown }).resources : undefined;
    if (!Array.isArray(rs)) continue;
    const names = new Set<string>();
    for (const r of rs) {
      const name = typeof r === 'string' ? r : r && typeof r === 'object' ? ((r as { type?: unknown }).type ?? (r as { name?: unknown }).name) : undefined;
      if (typeof name === 'string' && name.trim()) names.add(name.trim().slice(0, 50));
    }
    if (names.size) out.push([...names]);
  }
  return out;
}

/** A ratio target above 1 is a percentage. */
function targetOf(value: number, isRatio: boolean): number {
  return isRatio && value > 1 ? value / 100 : value;
}

export interface ComputeInput {
  period: string;
  /** null: the whole company. */
  regionId: string | null;
  org: OrgInput;
  targets: RepTarget[];
  attainment: AttainmentRow[];
  canvases: CanvasRow[];
  metricTitles?: Record<string, Bilingual>;
  companyName?: string;
}

/** One report (a region's or the company's) from the month's rows. */
export function computeHealthReport(i: ComputeInput): HealthReportData {
  const regionName = new Map(i.org.regions.map((r) => [r.id, r.name]));
  const teamName = new Map(i.org.teams.map((t) => [t.id, t.name]));
  const teamRegion = new Map(i.org.teams.map((t) => [t.id, t.regionId]));
  const unitOf = (repId: string, fallback?: { teamId: string | null; regionId: string | null }) => {
    const u = i.org.reps.get(repId) ?? fallback ?? { teamId: null, regionId: null };
    const regionId = u.regionId ?? (u.teamId ? (teamRegion.get(u.teamId) ?? null) : null);
    return { teamId: u.teamId, regionId };
  };
  const inScope = (regionId: string | null) => i.regionId === null || regionId === i.regionId;

  // Attainment per rep and metric (fallback units from the rows).
  const att = new Map<string, AttainmentRow>();
  const attUnits = new Map<string, { teamId: string | null; regionId: string | null }>();
  for (const a of i.attainment) {
    att.set(`${a.repId}|${a.metric}`, a);
    if (!attUnits.has(a.repId)) attUnits.set(a.repId, { teamId: a.teamId, regionId: a.regionId });
  }

  const targets = i.targets.map((t) => ({ ...t, unit: unitOf(t.repId, attUnits.get(t.repId)) })).filter((t) => inScope(t.unit.regionId));

  // Team accumulators.
  type Acc = { teamId: string | null; regionId: string | null; accepted: number; targets: number; repsMet: Set<string>; repsWith: Set<string>; gaps: number };
  const teams = new Map<string, Acc>();
  const acc = (teamId: string | null, regionId: string | null): Acc => {
    const k = `${teamId ?? ''}|${teamId ? '' : (regionId ?? '')}`;
    let a = teams.get(k);
    if (!a) teams.set(k, (a = { teamId, regionId, accepted: 0, targets: 0, repsMet: new Set(), repsWith: new Set(), gaps: 0 }));
    return a;
  };

  // Acceptance.
  let accepted = 0;
  let contested = 0;
  for (const t of targets) {
    if (t.acceptance === 'accepted') accepted++;
    else if (t.acceptance === 'contested') contested++;
    const a = acc(t.unit.teamId, t.unit.regionId);
    a.targets++;
    if (t.acceptance === 'accepted') a.accepted++;
  }

  // Process attainment.
  const byMetric = new Map<string, { met: number; with: number }>();
  const repAll = new Map<string, { met: boolean; unit: { teamId: string | null; regionId: string | null } }>();
  for (const t of targets) {
    if (t.tier !== 'process') continue;
    const a = att.get(`${t.repId}|${t.metric}`);
    const isRatio = a ? a.denominator !== null : false;
    const value = !a ? 0 : isRatio ? (Number(a.denominator) > 0 ? a.numerator / Number(a.denominator) : 0) : a.numerator;
    const met = value + 1e-9 >= targetOf(t.value, isRatio);
    const m = byMetric.get(t.metric) ?? { met: 0, with: 0 };
    m.with++;
    if (met) m.met++;
    byMetric.set(t.metric, m);
    const r = repAll.get(t.repId);
    repAll.set(t.repId, { met: (r?.met ?? true) && met, unit: t.unit });
  }
  let repsMet = 0;
  for (const [repId, r] of repAll) {
    const a = acc(r.unit.teamId, r.unit.regionId);
    a.repsWith.add(repId);
    if (r.met) {
      repsMet++;
      a.repsMet.add(repId);
    }
  }

  // Resource gaps.
  const weeks = weeksOfMonth(i.period);
  const weekSet = new Set(weeks);
  const cells = new Map<string, number>();
  const resources = new Set<string>(KNOWN_RESOURCES);
  let total = 0;
  for (const c of i.canvases) {
    if (!weekSet.has(c.week)) continue;
    const unit = unitOf(c.repId, { teamId: c.teamId, regionId: c.regionId ?? (c.teamId ? (teamRegion.get(c.teamId) ?? null) : null) });
    if (!inScope(unit.regionId)) continue;
    for (const entry of resourcesOfReview(c.review)) {
      for (const r of entry) {
        resources.add(r);
        const k = `${unit.regionId ?? ''}|${r}`;
        cells.set(k, (cells.get(k) ?? 0) + 1);
        acc(unit.teamId, unit.regionId).gaps++;
        total++;
      }
    }
  }
  const regions = i.org.regions.filter((r) => inScope(r.id));
  const hasUnassigned = [...cells.keys()].some((k) => k.startsWith('|'));
  const heatRegions: Unit[] = [...regions, ...(hasUnassigned ? [{ id: '', name: '未分配区域' }] : [])];
  const resourceList = [...KNOWN_RESOURCES, ...[...resources].filter((r) => !(KNOWN_RESOURCES as readonly string[]).includes(r)).sort()];

  // Every team of the scope is listed, even without data.
  for (const t of i.org.teams) if (inScope(t.regionId)) acc(t.id, t.regionId);

  const teamRows: TeamRow[] = [...teams.values()]
    .map((a) => ({
      teamId: a.teamId,
      teamName: a.teamId ? (teamName.get(a.teamId) ?? a.teamId) : '未分配团队',
      regionId: a.regionId,
      regionName: a.regionId ? (regionName.get(a.regionId) ?? a.regionId) : '未分配区域',
      acceptance: rate(a.accepted, a.targets),
      process: rate(a.repsMet.size, a.repsWith.size),
      resourceGaps: a.gaps,
    }))
    .sort((x, y) => x.regionName.localeCompare(y.regionName, 'zh-CN') || x.teamName.localeCompare(y.teamName, 'zh-CN'));

  return {
    rule: REPORT_RULE,
    period: i.period,
    weeks,
    scope: { regionId: i.regionId, name: i.regionId ? (regionName.get(i.regionId) ?? i.regionId) : (i.companyName ?? '全公司') },
    acceptance: { ...rate(accepted, targets.length), accepted, contested, pending: targets.length - accepted - contested },
    process: {
      overall: rate(repsMet, repAll.size),
      byMetric: [...byMetric.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([metric, m]) => ({ metric, title: metricTitle(metric, i.metricTitles), ...rate(m.met, m.with) })),
    },
    heatmap: {
      regions: heatRegions,
      resources: resourceList,
      cells: heatRegions.flatMap((r) => resourceList.map((res) => ({ regionId: r.id, resource: res, count: cells.get(`${r.id}|${res}`) ?? 0 }))),
      total,
    },
    teams: teamRows,
    definitions: DEFINITIONS,
  };
}
