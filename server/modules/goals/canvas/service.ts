// G5 weekly alignment canvas: each rep states the week's three actions and the goal target each
// supports; the manager marks the support resources on each; the team meeting view shows every rep
// of a team with this week's canvas and last week's compared with what actually happened (the
// rep's process actions of that week, from process/facts.ts).
import crypto from 'node:crypto';
import type { Db } from '../../../platform/db/db.js';
import type { Ctx } from '../../../platform/context.js';
import type { Deps } from '../../../platform/deps.js';
import { defineAbilityFor, requireAbility, requireRecord, requireWritableFields, subject } from '../../../platform/access/abilities.js';
import { accessWhere } from '../../../platform/access/sql.js';
import { Problem, registerMessages, versionConflict } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import { periods } from '../../../platform/jobs/periods.js';
import * as org from '../../org/service.js';
import { actionFacts } from '../../process/facts.js';
import { addDays, zonedDayStart } from '../../process/lights/lights.js';
import { addWeeks, weekMonday } from './week.js';
import * as store from './store.js';

registerMessages({
  canvas_week_invalid: { 'zh-CN': '周无效：{week}（格式 YYYY-Www，如 2026-W48）', 'en-US': 'Invalid week: {week} (YYYY-Www, e.g. 2026-W48)' },
  canvas_not_rep: { 'zh-CN': '只有销售本人可以填写周画布', 'en-US': 'Only a rep fills in their own weekly canvas' },
  canvas_target_invalid: {
    'zh-CN': '第 {index} 项支撑的目标不存在或不是您本人的目标：{targetId}',
    'en-US': 'Item {index} supports a target that does not exist or is not your own: {targetId}',
  },
  canvas_review_index: { 'zh-CN': '资源标注的序号无效：{index}（应为 0–2）', 'en-US': 'Invalid item index in the review: {index} (0–2)' },
  canvas_team_required: { 'zh-CN': '请指定团队（teamId）', 'en-US': 'Please choose a team (teamId)' },
});

export const RESOURCE_TYPES = ['方案支持', '价格审批', '技术专家', '市场物料', '客户高层拜访', '其他'] as const;

function requireWeek(week: string): string {
  const monday = weekMonday(week);
  if (!monday) throw new Problem(400, 'canvas_week_invalid', { week });
  return monday;
}

async function weekRange(db: Db, tenantId: string, week: string) {
  const monday = requireWeek(week);
  const tz = await org.tenantTimeZone(db, tenantId);
  return { tz, from: zonedDayStart(monday, tz), to: zonedDayStart(addDays(monday, 7), tz) };
}

function targetView(t: store.TargetRow) {
  return {
    id: t.id,
    tier: t.tier,
    metric: t.metric,
    period: t.period,
    productLine: t.product_line,
    value: Number(t.value),
    originalValue: t.original_value === null ? null : Number(t.original_value),
    effectiveFrom: t.effective_from,
    version: t.version,
  };
}

function canvasView(c: store.CanvasRow, targets: Map<string, store.TargetRow>) {
  return {
    id: c.id,
    repId: c.rep_id,
    teamId: c.team_id,
    regionId: c.region_id,
    week: c.week,
    items: c.items.map((i, index) => {
      const t = targets.get(i.targetId);
      return { index, action: i.action, targetId: i.targetId, target: t ? targetView(t) : null };
    }),
    review: c.review ?? [],
    submittedAt: c.submitted_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
    version: c.version,
  };
}

async function targetMap(db: Db, tenantId: string, rows: store.CanvasRow[]) {
  const ids = [...new Set(rows.flatMap((r) => r.items.map((i) => i.targetId)))];
  return new Map((await store.targetsByIds(db, tenantId, ids)).map((t) => [t.id, t]));
}

function requireRep(ctx: Ctx): string {
  if (ctx.actor.role !== 'rep' || !ctx.actor.userId) throw new Problem(403, 'canvas_not_rep');
  return ctx.actor.userId;
}

/** The signed-in rep's canvas of the week (null when not yet filled) and the targets to pick from. */
export async function myCanvas(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, week: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'WeeklyCanvas');
  requireWeek(week);
  const repId = requireRep(ctx);
  const tenantId = ctx.actor.tenantId;
  const tz = await org.tenantTimeZone(db, tenantId);
  const row = await store.canvasOf(db, tenantId, repId, week);
  const years = [...new Set([week.slice(0, 4), weekMonday(week)!.slice(0, 4), addDays(weekMonday(week)!, 6).slice(0, 4)])];
  const targets = await store.repTargets(db, tenantId, repId, years);
  const map = row ? await targetMap(db, tenantId, [row]) : new Map();
  return {
    week,
    currentWeek: periods.isoWeek(deps.now(), tz),
    canvas: row ? canvasView(row, map) : null,
    targets: targets.map(targetView),
    resourceTypes: [...RESOURCE_TYPES],
  };
}

/** Writes the rep's three actions of the week (a new week's canvas, or an update with its version). */
export async function saveMyCanvas(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, week: string, body: { items: store.CanvasItem[]; version?: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireWeek(week);
  const repId = requireRep(ctx);
  const tenantId = ctx.actor.tenantId;
  const targets = new Map((await store.targetsByIds(db, tenantId, body.items.map((i) => i.targetId))).map((t) => [t.id, t]));
  body.items.forEach((item, index) => {
    const t = targets.get(item.targetId);
    if (!t || t.node_kind !== 'rep' || t.node_id !== repId) throw new Problem(400, 'canvas_target_invalid', { index: index + 1, targetId: item.targetId });
  });
  const items = body.items.map((i) => ({ action: i.action.trim(), targetId: i.targetId }));
  const me = await store.userById(db, tenantId, repId);
  const record = { repId, teamId: me?.team_id ?? null, regionId: me?.region_id ?? null };
  const now = deps.now();
  const saved = await db.transaction(async (tx) => {
    const existing = await store.canvasOf(tx, tenantId, repId, week);
    if (!existing) {
      requireRecord(ability, 'create', 'WeeklyCanvas', record);
      const row = await store.insertCanvas(tx, tenantId, { id: crypto.randomUUID(), ...record, week, items, at: now });
      await writeAudit(tx, ctx, { action: 'goals.canvas.create', resource: 'WeeklyCanvas', recordId: row.id, after: { week, items } });
      return row;
    }
    const rec = { repId: existing.rep_id, teamId: existing.team_id, regionId: existing.region_id };
    requireRecord(ability, 'update', 'WeeklyCanvas', rec);
    requireWritableFields(ability, 'update', 'WeeklyCanvas', rec, ['items']);
    const version = body.version ?? existing.version;
    if (version !== existing.version) throw versionConflict(existing.version, version);
    const row = await store.updateCanvas(tx, tenantId, existing.id, version, { items }, now);
    if (!row) throw versionConflict(existing.version, version);
    await writeAudit(tx, ctx, { action: 'goals.canvas.update', resource: 'WeeklyCanvas', recordId: row.id, before: { items: existing.items }, after: { items } });
    return row;
  });
  return canvasView(saved, targets);
}

/** The manager marks the support resources on the rep's items of the week. */
export async function reviewCanvas(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, repId: string, week: string, body: { review: store.ReviewMark[]; version: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'WeeklyCanvas');
  requireWeek(week);
  const tenantId = ctx.actor.tenantId;
  const existing = await store.canvasOf(db, tenantId, repId, week);
  if (!existing) throw new Problem(404, 'not_found');
  const rec = { repId: existing.rep_id, teamId: existing.team_id, regionId: existing.region_id };
  requireRecord(ability, 'update', 'WeeklyCanvas', rec);
  requireWritableFields(ability, 'update', 'WeeklyCanvas', rec, ['review']);
  for (const m of body.review) if (m.index < 0 || m.index >= existing.items.length) throw new Problem(400, 'canvas_review_index', { index: m.index });
  if (body.version !== existing.version) throw versionConflict(existing.version, body.version);
  const review = body.review.map((m) => ({ index: m.index, resources: [...new Set(m.resources.map((r) => r.trim()).filter(Boolean))], note: m.note.trim() }));
  const now = deps.now();
  const saved = await db.transaction(async (tx) => {
    const row = await store.updateCanvas(tx, tenantId, existing.id, body.version, { review }, now);
    if (!row) throw versionConflict(existing.version, body.version);
    await writeAudit(tx, ctx, { action: 'goals.canvas.review', resource: 'WeeklyCanvas', recordId: row.id, before: { review: existing.review }, after: { review } });
    return row;
  });
  return canvasView(saved, await targetMap(db, tenantId, [saved]));
}

/** The Monday stand-up: every rep of the team with this week's canvas, and last week's against the facts. */
export async function teamView(db: Db, ctx: Ctx, week: string, q: { teamId?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'WeeklyCanvas');
  requireWeek(week);
  const tenantId = ctx.actor.tenantId;
  const teamId = q.teamId ?? ctx.actor.teamId;
  if (!teamId) throw new Problem(400, 'canvas_team_required');
  const team = await store.teamById(db, tenantId, teamId);
  if (!team) throw new Problem(404, 'not_found');
  // The whole team is shown only to someone who may read the team's canvases.
  if (!ability.can('read', subject('WeeklyCanvas', { repId: null, teamId, regionId: team.region_id }))) throw new Problem(403, 'forbidden');
  const lastWeek = addWeeks(week, -1);
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'WeeklyCanvas', store.CANVAS_COLUMNS, params);
  const [reps, rows, range] = await Promise.all([
    store.teamReps(db, tenantId, teamId),
    store.canvasesOfTeam(db, tenantId, teamId, [week, lastWeek], { sql, params }),
    weekRange(db, tenantId, lastWeek),
  ]);
  const facts = (await actionFacts(db, tenantId, { from: range.from, to: range.to })).filter((f) => f.teamId === teamId || reps.some((r) => r.id === f.repId));
  const targets = await targetMap(db, tenantId, rows);
  const byKey = new Map(rows.map((r) => [`${r.rep_id}|${r.week}`, r]));
  // Reps who left the team but filled a canvas that week still appear.
  const repIds = [...new Set([...reps.map((r) => r.id), ...rows.map((r) => r.rep_id)])];
  const names = await org.namesOf(db, tenantId, repIds);
  const members = repIds.map((repId) => {
    const cur = byKey.get(`${repId}|${week}`);
    const prev = byKey.get(`${repId}|${lastWeek}`);
    const mine = facts.filter((f) => f.repId === repId);
    const byType: Record<string, number> = {};
    for (const f of mine) byType[f.type] = (byType[f.type] ?? 0) + 1;
    return {
      repId,
      repName: names.get(repId) ?? null,
      canvas: cur ? canvasView(cur, targets) : null,
      lastWeek: {
        week: lastWeek,
        canvas: prev ? canvasView(prev, targets) : null,
        actual: { actions: mine.length, visits: new Set(mine.filter((f) => f.type === 'check_in').map((f) => f.visitId)).size, byType },
      },
    };
  });
  const resourceTally: Record<string, number> = {};
  for (const m of members) for (const r of m.canvas?.review ?? []) for (const res of r.resources) resourceTally[res] = (resourceTally[res] ?? 0) + 1;
  return {
    week,
    lastWeek,
    team: { id: team.id, name: team.name, regionId: team.region_id },
    submitted: members.filter((m) => m.canvas).length,
    members,
    resourceTally,
    resourceTypes: [...RESOURCE_TYPES],
  };
}
