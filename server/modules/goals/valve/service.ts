// G6 elastic valve: the weekly lead-quality score per rep (score.ts, rule lead-quality/1), the
// rep's eligibility with its evidence, reset requests with a market-anomaly brief, and the
// manager's decision. An approved reset writes a new version of each proposed target: the
// original value is kept (first reset only), effective_from is the decision day, and
// goal_target_history and the audit log record it. A rejection changes no target.
import crypto from 'node:crypto';
import type { Db } from '../../../platform/db/db.js';
import type { Ctx } from '../../../platform/context.js';
import type { Deps } from '../../../platform/deps.js';
import { GOALS_VALVE } from '../../../platform/config/defaults.js';
import { defineAbilityFor, requireAbility, requireRecord } from '../../../platform/access/abilities.js';
import { accessWhere } from '../../../platform/access/sql.js';
import { Problem, registerMessages, versionConflict } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import { periods } from '../../../platform/jobs/periods.js';
import * as org from '../../org/service.js';
import { actionFacts } from '../../process/facts.js';
import { addDays, zonedDayStart } from '../../process/lights/lights.js';
import { addWeeks, weekMonday } from '../canvas/week.js';
import { BASELINE_WEEKS, baselineFor, detectDrop, dropPctOf, LEAD_QUALITY_RULE, leadQualityScore, type DropAssessment, type ValveRules } from './score.js';
import * as store from './store.js';

registerMessages({
  valve_not_eligible: {
    'zh-CN': '暂不能申请重置：规则 {rule} 要求线索质量分连续 {weeks} 周较基线下降超过 {dropPct}%，最近几周的下降为：{drops}',
    'en-US': 'A reset cannot be requested yet: rule {rule} needs the lead-quality score more than {dropPct}% below its baseline for {weeks} weeks running; the latest weeks dropped: {drops}',
  },
  valve_not_rep: { 'zh-CN': '只有销售本人可以申请重置自己的目标', 'en-US': 'Only a rep can request a reset of their own targets' },
  valve_month_invalid: { 'zh-CN': '只能申请重置本月（{current}）的过程指标，收到：{month}', 'en-US': 'Only this month’s ({current}) process targets can be reset; got {month}' },
  valve_target_invalid: {
    'zh-CN': '目标 {targetId} 不存在，或不是您本人 {month} 的过程指标',
    'en-US': 'Target {targetId} does not exist or is not one of your process targets of {month}',
  },
  valve_request_open: { 'zh-CN': '本月已有一条待审批的重置申请', 'en-US': 'There is already a pending reset request for this month' },
  valve_request_decided: { 'zh-CN': '该申请已处理（{status}）', 'en-US': 'This request has already been decided ({status})' },
  valve_week_invalid: { 'zh-CN': '周无效：{week}', 'en-US': 'Invalid week: {week}' },
});

export const VALVE_JOB = 'goals.valve.scores';
/** Weeks of scores shown on the rep's trend. */
export const TREND_WEEKS = 16;

const num = (v: string | number | null) => (v === null ? null : Number(v));

async function rulesOf(deps: Pick<Deps, 'config'>, tenantId: string): Promise<{ rules: ValveRules; version: number }> {
  const cfg = await deps.config.get(tenantId, GOALS_VALVE);
  return { rules: cfg.value as ValveRules, version: cfg.version };
}

export interface ScoreRunOutput {
  week: string;
  ruleVersion: string;
  reps: number;
  scored: number;
  noVisits: number;
}

/** Scores every active rep for `week` from that week's process facts and writes lead_quality_scores. */
export async function scoreWeek(db: Db, deps: Pick<Deps, 'now'>, tenantId: string, week: string): Promise<ScoreRunOutput> {
  const monday = weekMonday(week);
  if (!monday) throw new Problem(400, 'valve_week_invalid', { week });
  const tz = await org.tenantTimeZone(db, tenantId);
  const from = zonedDayStart(monday, tz);
  const to = zonedDayStart(addDays(monday, 7), tz);
  const reps = await store.activeReps(db, tenantId);
  const facts = await actionFacts(db, tenantId, { from, to });
  const out: ScoreRunOutput = { week, ruleVersion: LEAD_QUALITY_RULE, reps: reps.length, scored: 0, noVisits: 0 };
  for (const rep of reps) {
    const { score, inputs } = leadQualityScore(facts.filter((f) => f.repId === rep.id));
    const history = await store.scoresOf(db, tenantId, rep.id, addWeeks(week, -BASELINE_WEEKS), addWeeks(week, -1));
    const base = baselineFor(week, new Map(history.map((h) => [h.week, h.score])));
    await db.transaction(async (tx) => {
      if (score === null) {
        await store.deleteScore(tx, tenantId, rep.id, week);
        return;
      }
      await store.upsertScore(tx, tenantId, {
        rep_id: rep.id,
        week,
        team_id: rep.team_id,
        region_id: rep.region_id,
        score,
        baseline: base.baseline,
        drop_pct: dropPctOf(score, base.baseline),
        inputs: { ...inputs, from: from.toISOString(), to: to.toISOString(), baselineWeeks: base.weeks },
        rule_version: LEAD_QUALITY_RULE,
        computed_at: deps.now(),
      });
    });
    if (score === null) out.noVisits++;
    else out.scored++;
  }
  return out;
}

function scoreView(s: store.ScoreRow) {
  return { week: s.week, score: s.score, baseline: s.baseline, dropPct: s.drop_pct, inputs: s.inputs, ruleVersion: s.rule_version, computedAt: s.computed_at.toISOString() };
}

function targetView(t: { id: string; metric: string; period: string; tier: string; value: string; original_value: string | null; effective_from: string | null; version: number }) {
  return { id: t.id, metric: t.metric, period: t.period, tier: t.tier, value: Number(t.value), originalValue: num(t.original_value), effectiveFrom: t.effective_from, version: t.version };
}

async function requestView(db: Db, tenantId: string, rows: store.RequestRow[]) {
  const names = await org.namesOf(db, tenantId, rows.flatMap((r) => [r.rep_id, r.decided_by]));
  return rows.map((r) => ({
    id: r.id,
    repId: r.rep_id,
    repName: names.get(r.rep_id) ?? null,
    teamId: r.team_id,
    month: r.month,
    brief: r.brief,
    evidence: r.evidence,
    proposed: r.proposed,
    status: r.status,
    decidedBy: r.decided_by,
    decidedByName: r.decided_by ? (names.get(r.decided_by) ?? null) : null,
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    decisionNote: r.decision_note,
    createdAt: r.created_at.toISOString(),
    version: r.version,
  }));
}

async function assess(db: Db, deps: Pick<Deps, 'config' | 'now'>, tenantId: string, repId: string) {
  const tz = await org.tenantTimeZone(db, tenantId);
  const { rules, version } = await rulesOf(deps, tenantId);
  const currentWeek = periods.isoWeek(deps.now(), tz);
  const scores = await store.scoresOf(db, tenantId, repId, addWeeks(currentWeek, -TREND_WEEKS), currentWeek);
  const a: DropAssessment = detectDrop(
    scores.map((s) => ({ week: s.week, score: s.score, baseline: s.baseline, dropPct: s.drop_pct })),
    rules,
    currentWeek,
  );
  return { tz, currentWeek, month: periods.month(deps.now(), tz), scores, assessment: { ...a, configVersion: version } };
}

/** The rep's scores and eligibility (a manager may ask for one rep of theirs), requests in scope and the month's targets. */
export async function valveOverview(db: Db, deps: Pick<Deps, 'config' | 'now'>, ctx: Ctx, q: { repId?: string; status?: 'pending' | 'approved' | 'rejected' }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'ValveRequest');
  const tenantId = ctx.actor.tenantId;
  const repId = q.repId ?? (ctx.actor.role === 'rep' ? ctx.actor.userId : null);
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'ValveRequest', store.REQUEST_COLUMNS, params);
  const requests = await requestView(db, tenantId, await store.listRequests(db, tenantId, { sql, params }, { status: q.status, repId: q.repId }));
  let rep: null | Record<string, unknown> = null;
  if (repId) {
    const u = await org.userUnits(db, tenantId, repId);
    if (!u) throw new Problem(404, 'not_found');
    requireRecord(ability, 'read', 'ValveRequest', { repId, teamId: u.teamId, regionId: u.regionId });
    const a = await assess(db, deps, tenantId, repId);
    const targets = await store.repMonthTargets(db, tenantId, repId, a.month);
    rep = {
      repId,
      currentWeek: a.currentWeek,
      month: a.month,
      scores: a.scores.map(scoreView),
      eligibility: a.assessment,
      targets: targets.map(targetView),
    };
  }
  return {
    rule: LEAD_QUALITY_RULE,
    formula: {
      'zh-CN': '线索质量分 = 100 ×（0.4 × 有需求关键词的拜访占比 + 0.4 × 进入方案演示的拜访占比 + 0.2 × 异议闭环占比）；当周无异议时后一项不计、权重按比例放大；基线 = 前 8 周有分数周的均值。',
      'en-US': 'Lead-quality score = 100 × (0.4 × share of visits whose need capture has ≥1 need + 0.4 × share of visits reaching a demo + 0.2 × objection-closure share); without objections the last term is left out and the weights renormalised; baseline = mean of the previous 8 scored weeks.',
    },
    rep,
    requests,
  };
}

export interface RequestBody {
  month: string;
  brief: { summary: string; marketSignals: string[]; affectedCustomers?: string[]; proposedTargets: { targetId: string; value: number }[] };
}

/** The rep asks to reset this month's process targets; refused unless the rule says they are eligible. */
export async function createRequest(db: Db, deps: Pick<Deps, 'config' | 'now'>, ctx: Ctx, body: RequestBody) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'ValveRequest');
  if (ctx.actor.role !== 'rep' || !ctx.actor.userId) throw new Problem(403, 'valve_not_rep');
  const tenantId = ctx.actor.tenantId;
  const repId = ctx.actor.userId;
  const a = await assess(db, deps, tenantId, repId);
  if (body.month !== a.month) throw new Problem(400, 'valve_month_invalid', { month: body.month, current: a.month });
  const targets = new Map((await store.repMonthTargets(db, tenantId, repId, body.month)).map((t) => [t.id, t]));
  for (const p of body.brief.proposedTargets) if (!targets.has(p.targetId)) throw new Problem(400, 'valve_target_invalid', { targetId: p.targetId, month: body.month });
  if (!a.assessment.eligible) {
    const drops = a.assessment.weeks.map((w) => `${w.week} ${w.dropPct === null ? '—' : `${w.dropPct}%`}`).join(', ') || '—';
    throw new Problem(
      409,
      'valve_not_eligible',
      { rule: a.assessment.rule, weeks: a.assessment.config.consecutiveWeeks, dropPct: a.assessment.config.dropPct, drops },
      { eligibility: a.assessment },
    );
  }
  if (await store.openRequest(db, tenantId, repId, body.month)) throw new Problem(409, 'valve_request_open');
  const u = await org.userUnits(db, tenantId, repId);
  const record = { repId, teamId: u?.teamId ?? null, regionId: u?.regionId ?? null };
  requireRecord(ability, 'create', 'ValveRequest', record);
  const proposed = body.brief.proposedTargets.map((p) => ({ targetId: p.targetId, metric: targets.get(p.targetId)!.metric, from: Number(targets.get(p.targetId)!.value), value: p.value }));
  const brief = {
    summary: body.brief.summary.trim(),
    marketSignals: body.brief.marketSignals.map((s) => s.trim()),
    affectedCustomers: (body.brief.affectedCustomers ?? []).map((s) => s.trim()),
    proposedTargets: body.brief.proposedTargets,
  };
  const evidence = { ...a.assessment, scores: a.scores.slice(-(BASELINE_WEEKS + a.assessment.config.consecutiveWeeks)).map(scoreView) };
  const row = await db.transaction(async (tx) => {
    const r = await store.insertRequest(tx, tenantId, {
      id: crypto.randomUUID(),
      rep_id: repId,
      team_id: record.teamId,
      region_id: record.regionId,
      month: body.month,
      brief,
      evidence,
      proposed,
      created_at: deps.now(),
    });
    await writeAudit(tx, ctx, { action: 'goals.valve.request', resource: 'ValveRequest', recordId: r.id, after: { month: body.month, brief, proposed, eligibility: a.assessment } });
    return r;
  });
  return (await requestView(db, tenantId, [row]))[0];
}

/** The rep's manager approves (the reset is applied) or rejects (nothing changes, recorded). */
export async function decideRequest(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, id: string, body: { decision: 'approve' | 'reject'; note: string; version: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'approve', 'ValveRequest');
  const tenantId = ctx.actor.tenantId;
  const existing = await store.requestById(db, tenantId, id);
  if (!existing) throw new Problem(404, 'not_found');
  requireRecord(ability, 'approve', 'ValveRequest', { repId: existing.rep_id, teamId: existing.team_id, regionId: existing.region_id });
  if (existing.status !== 'pending') throw new Problem(409, 'valve_request_decided', { status: existing.status });
  if (existing.version !== body.version) throw versionConflict(existing.version, body.version);
  const tz = await org.tenantTimeZone(db, tenantId);
  const now = deps.now();
  const day = periods.day(now, tz);
  const status = body.decision === 'approve' ? 'approved' : 'rejected';
  const row = await db.transaction(async (tx) => {
    const decided = await store.decide(tx, tenantId, id, body.version, { status, by: ctx.actor.userId, at: now, note: body.note.trim() });
    if (!decided) {
      const cur = await store.requestById(tx, tenantId, id);
      if (cur && cur.status !== 'pending') throw new Problem(409, 'valve_request_decided', { status: cur.status });
      throw versionConflict(cur?.version ?? existing.version, body.version);
    }
    const applied: unknown[] = [];
    if (status === 'approved') {
      for (const p of existing.proposed) {
        const t = await store.targetForUpdate(tx, tenantId, p.targetId);
        if (!t || t.node_kind !== 'rep' || t.node_id !== existing.rep_id) throw new Problem(409, 'valve_target_invalid', { targetId: p.targetId, month: existing.month });
        // The version before the reset is kept in the history too (the core module may not have written it).
        await store.insertHistory(tx, tenantId, { targetId: t.id, version: t.version, value: t.value, reason: '', by: null, at: now });
        const updated = await store.resetTarget(tx, tenantId, { id: t.id, version: t.version, value: p.value, effectiveFrom: day, by: ctx.actor.userId, at: now });
        if (!updated) throw versionConflict(t.version, t.version);
        await store.insertHistory(tx, tenantId, {
          targetId: t.id,
          version: updated.version,
          value: p.value,
          reason: `弹性调节阀重置 valve reset (${id})${body.note.trim() ? `：${body.note.trim()}` : ''}`,
          by: ctx.actor.userId,
          at: now,
        });
        await writeAudit(tx, ctx, {
          action: 'goals.target.reset',
          resource: 'GoalTarget',
          recordId: t.id,
          before: { value: Number(t.value), originalValue: num(t.original_value), effectiveFrom: t.effective_from, version: t.version },
          after: { value: Number(updated.value), originalValue: num(updated.original_value), effectiveFrom: updated.effective_from, version: updated.version, valveRequestId: id },
        });
        applied.push({ targetId: t.id, from: Number(t.value), to: Number(updated.value), originalValue: num(updated.original_value), effectiveFrom: updated.effective_from, version: updated.version });
      }
    }
    await writeAudit(tx, ctx, {
      action: `goals.valve.${status === 'approved' ? 'approve' : 'reject'}`,
      resource: 'ValveRequest',
      recordId: id,
      before: { status: existing.status },
      after: { status, note: body.note.trim(), applied },
    });
    return decided;
  });
  return (await requestView(db, tenantId, [row]))[0];
}


