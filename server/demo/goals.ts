// The goals module's share of the demo company (G1–G5, G8): the current year's plan with
//   - amount targets for every rep (year), summed exactly into its team and region, and a company
//     target 5% above the sum of the regions (an unallocated gap, shown in the goal tree);
//   - quarterly health targets (new KA/A customers) per rep, summed into team and region;
//   - monthly process targets per rep (effective visits, solution demos, objection-closure rate),
//     each team's summed for the count metrics — from the month the demo's process data starts
//     (the previous month, see actionWindowStart; a rep hired later starts in their hire month,
//     that month's count targets prorated);
//   - G3 acceptance of every rep target, as the rep would have decided it (decideAcceptance):
//     ~85% accepted, ~8% contested with a reason, ~7% still pending (mostly the current and next
//     month's targets); a decided target is at version 2 with accepted_by/updated_by the rep;
//   - G5 weekly canvases: for each rep, every ISO week from the first week of the previous month
//     (the week holding its first Thursday, as the G8 report counts weeks) to the current week,
//     three actions each supporting one of the rep's process targets of the week's month, and the
//     manager's support resources marked on about a quarter of the actions (a reviewed canvas is
//     at version 2). What actually happened is not stored: the team view reads it from the facts.
// A rep's amount target is their won amount of the year so far, annualised, times a factor drawn
// around 1.15 (0.75–1.6), so attainment spreads from clearly behind to ahead of plan. Effective
// visits (check-ins of visits that pass their checklist, ~90% of the demo's) follow the rep's own
// visit rate of the last 90 days times a factor drawn around 0.78, and solution demos a share of
// that drawn around 0.58 (about half of the visits include a demo): as a month's visits vary
// around the 90-day rate (October has the National Day week), roughly half of the reps meet each
// count target in a month. Targets are written with history rows.
// Attainment is built by the goals rebuild job (GOALS_REBUILD_YEAR_JOB) after the demo is loaded.
import type { Sql } from '../platform/db/db.js';
import { localDate, TZ_OFFSET_MS } from '../platform/calendar.js';
import { RESOURCE_TYPES } from '../modules/goals/canvas/service.js';
import type { ReviewMark } from '../modules/goals/canvas/store.js';
import { addWeeks, weekMonday, weekOf } from '../modules/goals/canvas/week.js';
import { monthOf } from '../modules/goals/metrics.js';
import { monthsOf } from '../modules/goals/tree.js';
import type { DemoWriter } from './modules.js';
import type { DemoCustomer, RepSlice } from './generate.js';
import { PRODUCTS } from './data.js';
import { createRng, type Rng } from './rng.js';
import { actionWindowStart, sliceNow } from './process.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const BJ = TZ_OFFSET_MS;

const yearOf = (d: Date) => new Date(d.getTime() + BJ).getUTCFullYear();
/** 00:00 Beijing time of a 'YYYY-MM-DD' day or the first day of a 'YYYY-MM' month. */
const localStart = (ymd: string) => Date.parse(`${ymd.length === 7 ? `${ymd}-01` : ymd}T00:00:00Z`) - BJ;
const nextMonth = (m: string) => {
  const [y, mm] = m.split('-').map(Number);
  return mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
};
const daysIn = (m: string) => new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0)).getUTCDate();

type Acceptance = 'pending' | 'accepted' | 'contested';
export type Row = {
  tier: 'result' | 'health' | 'process';
  metric: string;
  period: string;
  kind: 'company' | 'region' | 'team' | 'rep';
  nodeId: string | null;
  value: number;
  /** Rep targets only: the rep's decision (G3) as decideAcceptance writes it. */
  acceptance?: { state: Acceptance; reason: string | null; at: Date | null };
};

/** The id of a target row (deterministic, so the canvases can point at a rep's targets). */
export const targetId = (tenantId: string, r: Pick<Row, 'metric' | 'period' | 'kind' | 'nodeId'>) =>
  createRng(`goal-target:${tenantId}:${r.metric}:${r.period}:${r.kind}:${r.nodeId ?? ''}`).uuid();

async function planId(tx: Sql, tenantId: string, year: number, at: Date): Promise<string> {
  await tx.query(
    `insert into goal_plans (tenant_id, id, year, name, created_by, created_at) values ($1, $2, $3, $4, null, $5) on conflict (tenant_id, year) do nothing`,
    [tenantId, createRng(`goals-plan:${tenantId}:${year}`).uuid(), year, `${year} 年度目标`, at],
  );
  return (await tx.query<{ id: string }>('select id from goal_plans where tenant_id = $1 and year = $2', [tenantId, year])).rows[0].id;
}

/**
 * Adds each row's value to its target (creating it), then writes the version-1 history rows. A rep
 * target the rep has accepted or contested is at version 2, as after decideAcceptance (the decision
 * changes no value, so it adds no history row).
 */
async function addTargets(tx: Sql, tenantId: string, plan: string, rows: Row[], at: Date): Promise<void> {
  if (!rows.length) return;
  const ids = rows.map((r) => targetId(tenantId, r));
  const decided = (r: Row) => r.acceptance && r.acceptance.state !== 'pending';
  await tx.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, value,
                               acceptance, acceptance_reason, accepted_by, accepted_at, version, updated_by, updated_at)
     select $1, u.id, $2, u.tier, u.metric, u.period, u.kind, u.node_id, u.value,
            u.acceptance, u.reason, u.by, u.decided_at, case when u.decided_at is null then 1 else 2 end, u.by, coalesce(u.decided_at, $3)
       from unnest($4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::uuid[], $10::numeric[], $11::text[], $12::text[], $13::uuid[], $14::timestamptz[])
            as u(id, tier, metric, period, kind, node_id, value, acceptance, reason, by, decided_at)
     on conflict (tenant_id, plan_id, metric, period, node_kind, coalesce(node_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(product_line, ''))
     do update set value = goal_targets.value + excluded.value`,
    [
      tenantId, plan, at, ids,
      rows.map((r) => r.tier), rows.map((r) => r.metric), rows.map((r) => r.period), rows.map((r) => r.kind), rows.map((r) => r.nodeId), rows.map((r) => r.value),
      rows.map((r) => r.acceptance?.state ?? null),
      rows.map((r) => r.acceptance?.reason ?? null),
      rows.map((r) => (decided(r) ? r.nodeId : null)),
      rows.map((r) => (decided(r) ? r.acceptance!.at!.toISOString() : null)),
    ],
  );
  await tx.query(
    `insert into goal_target_history (tenant_id, target_id, version, value, reason, changed_by, changed_at)
     select t.tenant_id, t.id, 1, t.value, '演示数据：年度分解', null, $3 from goal_targets t
      where t.tenant_id = $1 and t.plan_id = $2 and t.id = any($4::uuid[])
     on conflict (tenant_id, target_id, version) do update set value = excluded.value`,
    [tenantId, plan, at, ids],
  );
}

// ── G3 acceptance ─────────────────────────────────────────────────────────────────────────

const CONTEST_REASONS: Record<string, string[]> = {
  amount: [
    '年度指标较去年增长过高，辖区两家 KA 客户明年预算缩减',
    '辖区新进竞品低价抢单，申请下调 10%',
    '重点项目延期到明年，今年回款难以达到',
    '负责客户数比去年少了 15 家，指标未同步调整',
  ],
  newHighPotential: ['本季度辖区新开 A 类客户机会有限，建议调整为 1 家', '辖区存量客户多，新客户开发空间小'],
  effectiveVisits: ['本月有一周参加产品培训和展会，拜访天数不足', '客户分布在周边城市，拜访频次难以达到', '本月负责两个项目交付验收，拜访时间受影响'],
  solutionDemos: ['方案演示需售前支持，本月售前资源紧张', '客户多处于商务谈判阶段，演示需求少'],
  objectionClosureRate: ['部分异议涉及价格审批，闭环周期超出本月', '交付周期异议需总部答复，不在本人可控范围'],
};

/**
 * The rep's decision on one target, from the rep's own stream (a fork per target, so adding a
 * target moves no other decision). Still pending: mostly the current and next month's targets.
 */
function acceptanceOf(repId: string, metric: string, period: string, now: Date, planAt: Date): Row['acceptance'] {
  const r = createRng(`goals-acceptance:${repId}`).fork(`${metric}:${period}`);
  const cur = monthOf(now);
  const monthly = /^\d{4}-\d{2}$/.test(period);
  const pPending = monthly && (period === cur || period === nextMonth(cur)) ? 0.15 : monthly && period > cur ? 0.03 : 0.01;
  if (r.chance(pPending)) return { state: 'pending', reason: null, at: null };
  const contested = r.chance(0.08);
  // Yearly and quarterly targets were decided within two weeks of the plan; a month's targets at
  // the monthly kick-off, the week before the month starts. Never after "now".
  const wanted = monthly ? localStart(period) - r.float(1, 7) * DAY : planAt.getTime() + r.float(1, 14) * DAY;
  const at = Math.min(Math.max(wanted, planAt.getTime() + HOUR), now.getTime() - r.float(1, 48) * HOUR);
  const t = new Date(Math.max(at, planAt.getTime() + 10 * 60_000));
  return contested ? { state: 'contested', reason: r.pick(CONTEST_REASONS[metric] ?? ['指标与辖区实际情况不符，申请复核']), at: t } : { state: 'accepted', reason: null, at: t };
}

// ── Targets ───────────────────────────────────────────────────────────────────────────────

/** When the year's plan was made: 3 January (or just before "now" early in January). */
export function planDate(now: Date): Date {
  const year = yearOf(now);
  return new Date(Math.min(Date.UTC(year, 0, 1) - BJ + 2 * DAY, now.getTime() - 2 * HOUR));
}

export function goalRows(slice: RepSlice): { year: number; at: Date; rows: Row[] } {
  const now = sliceNow(slice);
  const year = yearOf(now);
  const at = planDate(now);
  const rng = createRng(`goals:${slice.rep.id}`);
  const yearStart = Date.UTC(year, 0, 1) - BJ;
  const elapsed = Math.min(1, Math.max(1 / 12, (now.getTime() - yearStart) / (365 * DAY)));
  const won = slice.opportunities
    .filter((o) => o.stage === 'won' && (o.closedAt ?? o.updatedAt).getTime() >= yearStart)
    .reduce((s, o) => s + o.amount, 0);
  const factor = Math.min(1.6, Math.max(0.75, rng.normal(1.15, 0.22)));
  const amount = Math.max(200_000, Math.round(((won / elapsed) * factor) / 10_000) * 10_000);
  // The rep's visit rate over the last 90 days (or their tenure, if shorter), per month.
  const hired = localStart(slice.rep.hiredOn);
  const span = Math.max(30 * DAY, Math.min(90 * DAY, now.getTime() - hired));
  const recent = slice.visits.filter((v) => now.getTime() - v.occurredAt.getTime() < span).length;
  const perMonth = (recent / span) * 30.4 * DAY;
  const visitsFactor = Math.min(1.05, Math.max(0.55, rng.normal(0.78, 0.12)));
  const visitsPerMonth = Math.max(6, Math.round(perMonth * visitsFactor));
  // About half of the demo's visits include a solution demo: the demos target is a share of the
  // visits target drawn around that (its own stream, so the draws above stay put).
  const demoShare = Math.min(0.75, Math.max(0.35, rng.fork('demos').normal(0.58, 0.08)));
  const rep = slice.rep.id;
  const rows: Row[] = [];
  const up = (r: Omit<Row, 'kind' | 'nodeId'>, withCompany: number | null) => {
    rows.push(
      { ...r, kind: 'rep', nodeId: rep, acceptance: acceptanceOf(rep, r.metric, r.period, now, at) },
      { ...r, kind: 'team', nodeId: slice.team.id },
      { ...r, kind: 'region', nodeId: slice.region.id },
    );
    if (withCompany !== null) rows.push({ ...r, kind: 'company', nodeId: null, value: withCompany });
  };
  up({ tier: 'result', metric: 'amount', period: String(year), value: amount }, Math.round(amount * 1.05));
  for (let q = 1; q <= 4; q++) up({ tier: 'health', metric: 'newHighPotential', period: `${year}-Q${q}`, value: rng.int(1, 3) }, null);
  // The demo's visits carry their six actions from the start of the previous month (the process
  // module "went live" then), so process targets start in that month: earlier months would read 0.
  // A rep hired since starts in their hire month, its count targets prorated to the days left.
  const live = monthOf(actionWindowStart(now));
  const hireMonth = slice.rep.hiredOn.slice(0, 7);
  for (const m of monthsOf(year).filter((x) => x >= live && x >= hireMonth)) {
    const share = m === hireMonth ? (daysIn(m) - Number(slice.rep.hiredOn.slice(8, 10)) + 1) / daysIn(m) : 1;
    const visits = Math.max(2, Math.round(visitsPerMonth * share));
    up({ tier: 'process', metric: 'effectiveVisits', period: m, value: visits }, null);
    up({ tier: 'process', metric: 'solutionDemos', period: m, value: Math.max(1, Math.round(visits * demoShare)) }, null);
    rows.push({ tier: 'process', metric: 'objectionClosureRate', period: m, kind: 'rep', nodeId: rep, value: 0.7, acceptance: acceptanceOf(rep, 'objectionClosureRate', m, now, at) });
  }
  return { year, at, rows };
}

// ── G5 weekly canvases ────────────────────────────────────────────────────────────────────

export interface CanvasDemo {
  id: string;
  repId: string;
  teamId: string;
  regionId: string;
  week: string;
  items: { action: string; targetId: string }[];
  review: ReviewMark[] | null;
  submittedAt: Date;
  version: number;
  updatedAt: Date;
}

/** 上海恒瑞精密机械有限公司 → 上海恒瑞精密机械; a person's name stays as it is. */
function shortName(c: DemoCustomer): string {
  if (c.kind === 'person') return c.name;
  return c.name.replace(/（[^）]*）/, '').replace(/(集团有限公司|股份有限公司|有限责任公司|有限公司)$/, '');
}

const COUNT = ['两', '三', '四', '五'];

function actionText(r: Rng, metric: string, slice: RepSlice): string {
  const big = slice.customers.filter((c) => c.tier === 'KA' || c.tier === 'A');
  const customer = r.pick(big.length && r.chance(0.7) ? big : slice.customers);
  const who = shortName(customer);
  const city = slice.team.city.replace(/市$/, '');
  // The product of the customer's opportunity, else any product (services are not demonstrated).
  const sku = slice.opportunities.find((o) => o.customerId === customer.id)?.products[0];
  const products = PRODUCTS.filter((p) => p.line !== '专业服务');
  const product = (products.find((p) => p.sku === sku) ?? r.pick(products)).name.split(' ')[0];
  const n = r.pick(COUNT);
  const texts: Record<string, string[]> = {
    effectiveVisits: [
      `拜访${city}${n}家 A 类客户，了解复购意向`,
      `回访${who}，确认上次需求调研结论`,
      `走访${n}家老客户，摸底明年预算`,
      `拜访${who}采购负责人，推进年度框架协议`,
      `新开发${n}家${city}制造业客户，完成首次拜访`,
      `约${who}信息部负责人面谈${product}需求`,
    ],
    solutionDemos: [
      `给${who}做方案演示`,
      `为${who}准备${product}定制方案并现场演示`,
      `约${who}技术负责人做${product}产品演示`,
      `在${who}车间做${product}试用演示`,
      `给${who}管理层演示同行业成功案例`,
    ],
    objectionClosureRate: [
      `跟进${who}的价格异议，争取本周闭环`,
      `就交付周期异议给${who}书面答复`,
      `协调技术团队解答${who}的系统集成顾虑`,
      `处理${who}对付款条件的异议`,
      `回复${who}关于数据安全的疑问`,
    ],
  };
  return r.pick(texts[metric] ?? texts.effectiveVisits);
}

/** The support resources a manager marks on an action, by the target it supports. */
const RESOURCE_WEIGHTS: Record<string, [string, number][]> = {
  effectiveVisits: [['市场物料', 4], ['客户高层拜访', 4], ['方案支持', 1], ['其他', 1]],
  solutionDemos: [['方案支持', 5], ['技术专家', 4], ['市场物料', 1]],
  objectionClosureRate: [['价格审批', 5], ['技术专家', 2], ['客户高层拜访', 2], ['其他', 1]],
};
const RESOURCE_NOTES: Record<string, string[]> = {
  方案支持: ['周三前售前出方案初稿', '用上季度同行业方案改'],
  价格审批: ['折扣超权限，报区域总监审批', '本周内给出价格底线'],
  技术专家: ['周四安排技术专家陪同', '请研发远程支持一次'],
  市场物料: ['申领案例手册和样品', '用新版行业白皮书'],
  客户高层拜访: ['请区域总监一起见对方总经理', '安排高层电话沟通'],
  其他: ['协调财务出具资质证明'],
};

/**
 * The rep's canvases: every ISO week from the first week of the previous month (the week of its
 * first Thursday) to the current week, from the week of hire on. Each action supports one of the
 * rep's process targets of the week's month (the month of its Thursday).
 */
export function canvasRows(tenantId: string, slice: RepSlice, rows: Row[]): CanvasDemo[] {
  const now = sliceNow(slice);
  const rep = slice.rep.id;
  const mine = new Map<string, Map<string, string>>();
  for (const t of rows) {
    if (t.kind !== 'rep' || t.tier !== 'process') continue;
    if (!mine.has(t.period)) mine.set(t.period, new Map());
    mine.get(t.period)!.set(t.metric, targetId(tenantId, t));
  }
  const monthsWith = [...mine.keys()].sort();
  if (!monthsWith.length) return [];
  const prev = monthOf(actionWindowStart(now));
  // The first Thursday of the previous month.
  let first = `${prev}-01`;
  while (new Date(`${first}T00:00:00Z`).getUTCDay() !== 4) first = new Date(Date.parse(`${first}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  const current = weekOf(localDate(now));
  const out: CanvasDemo[] = [];
  for (let week = weekOf(first); week <= current; week = addWeeks(week, 1)) {
    const monday = weekMonday(week)!;
    const thursday = new Date(Date.parse(`${monday}T00:00:00Z`) + 3 * DAY).toISOString().slice(0, 7);
    if (slice.rep.hiredOn > monday) continue;
    const month = mine.has(thursday) ? thursday : monthsWith.filter((m) => m <= thursday).pop() ?? monthsWith[0];
    const targets = mine.get(month)!;
    const r = createRng(`goal-canvas:${rep}:${week}`);
    // Submitted between Friday afternoon and Monday 10:00 (never after "now").
    const mondayStart = localStart(monday);
    const submitted = Math.min(mondayStart + r.float(-62, 10) * HOUR, now.getTime() - r.float(5, 60) * 60_000);
    if (submitted < localStart(slice.rep.hiredOn)) continue;
    const third = r.weighted([['effectiveVisits', 4], ['objectionClosureRate', 3.5], ['solutionDemos', 2.5]] as const);
    const metrics = r.shuffle(['effectiveVisits', 'solutionDemos', third]).filter((m) => targets.has(m));
    while (metrics.length < 3) metrics.push('effectiveVisits');
    const texts = new Set<string>();
    const items = metrics.map((metric) => {
      let action = actionText(r, metric, slice);
      for (let i = 0; i < 4 && texts.has(action); i++) action = actionText(r, metric, slice);
      texts.add(action);
      return { action, targetId: targets.get(metric) ?? targets.values().next().value! };
    });
    // The manager marks resources at the Monday stand-up (10:00–17:00), if it has happened yet.
    const reviewedAt = Math.max(submitted + 10 * 60_000, mondayStart + r.float(10, 17) * HOUR);
    const marks: ReviewMark[] = [];
    metrics.forEach((metric, index) => {
      if (!r.chance(0.25)) return;
      const weights = RESOURCE_WEIGHTS[metric] ?? RESOURCE_WEIGHTS.effectiveVisits;
      const resources = [r.weighted(weights)];
      if (r.chance(0.15)) resources.push(r.weighted(weights));
      const unique = [...new Set(resources)].filter((x) => (RESOURCE_TYPES as readonly string[]).includes(x));
      marks.push({ index, resources: unique, note: r.chance(0.6) ? r.pick(RESOURCE_NOTES[unique[0]] ?? ['']) : '' });
    });
    const reviewed = marks.length > 0 && reviewedAt < now.getTime();
    out.push({
      id: r.uuid(),
      repId: rep,
      teamId: slice.team.id,
      regionId: slice.region.id,
      week,
      items,
      review: reviewed ? marks : null,
      submittedAt: new Date(submitted),
      version: reviewed ? 2 : 1,
      updatedAt: new Date(reviewed ? reviewedAt : submitted),
    });
  }
  return out;
}

async function addCanvases(tx: Sql, tenantId: string, canvases: CanvasDemo[]): Promise<void> {
  if (!canvases.length) return;
  await tx.query(
    `insert into weekly_canvases (tenant_id, id, rep_id, team_id, region_id, week, items, review, submitted_at, version, updated_at)
     select $1, u.id, u.rep_id, u.team_id, u.region_id, u.week, u.items::jsonb, u.review::jsonb, u.submitted_at, u.version, u.updated_at
       from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::int[], $11::timestamptz[])
            as u(id, rep_id, team_id, region_id, week, items, review, submitted_at, version, updated_at)
     on conflict (tenant_id, rep_id, week) do nothing`,
    [
      tenantId,
      canvases.map((c) => c.id), canvases.map((c) => c.repId), canvases.map((c) => c.teamId), canvases.map((c) => c.regionId), canvases.map((c) => c.week),
      canvases.map((c) => JSON.stringify(c.items)), canvases.map((c) => (c.review ? JSON.stringify(c.review) : null)),
      canvases.map((c) => c.submittedAt.toISOString()), canvases.map((c) => c.version), canvases.map((c) => c.updatedAt.toISOString()),
    ],
  );
}

export const goalsWriter: DemoWriter = {
  name: 'goals',
  async writeSlice(tx, tenantId, slice) {
    const { year, at, rows } = goalRows(slice);
    const plan = await planId(tx, tenantId, year, at);
    await addTargets(tx, tenantId, plan, rows, at);
    await addCanvases(tx, tenantId, canvasRows(tenantId, slice, rows));
  },
};
