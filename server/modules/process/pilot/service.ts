// P11 pilot studies: pilot teams against control teams over a period, compared on process data
// quality (authenticity flags, timeliness, completeness), as JSON for the web page and as the
// 《过程数据质量对比报告》 PDF.
import crypto from 'node:crypto';
import type { Db } from '../../../platform/db/db.js';
import type { Ctx } from '../../../platform/context.js';
import { defineAbilityFor, requireAbility } from '../../../platform/access/abilities.js';
import { Problem, registerMessages } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import * as org from '../../org/service.js';
import { addDays, zonedDayStart } from '../lights/lights.js';
import { compareGroups, COMPARE_RULE, METHOD, type Bilingual, type GroupStats, type Metric } from './compare.js';
import { renderPilotPdf } from './pdf.js';
import * as store from './store.js';

registerMessages({
  pilot_team_unknown: { 'zh-CN': '团队不存在：{ids}', 'en-US': 'No such team: {ids}' },
  pilot_groups_overlap: {
    'zh-CN': '试点组与对照组不能包含同一个团队：{names}',
    'en-US': 'The pilot and control groups cannot share a team: {names}',
  },
  pilot_group_empty: { 'zh-CN': '试点组和对照组都至少要有一个团队', 'en-US': 'Both the pilot and the control group need at least one team' },
  pilot_period_order: { 'zh-CN': '开始日期不能晚于结束日期', 'en-US': 'The start date cannot be after the end date' },
  pilot_period_too_long: {
    'zh-CN': '对比期间最长一年（{from} 起最晚到 {latest}）',
    'en-US': 'The period can be at most one year (from {from}, {latest} at the latest)',
  },
});

export interface NewPilot {
  name: string;
  pilotTeamIds: string[];
  controlTeamIds: string[];
  periodFrom: string;
  periodTo: string;
}

/** The last day a period starting on `from` may end on: the day before the same date a year later. */
export function latestEnd(from: string): string {
  const [y, m, d] = from.split('-').map(Number);
  const nextYear = new Date(Date.UTC(y + 1, m - 1, d)); // 29 Feb → 1 Mar
  return addDays(nextYear.toISOString().slice(0, 10), -1);
}

async function teamNames(db: Db, tenantId: string) {
  const units = await org.orgUnits(db, tenantId);
  return new Map(units.teams.map((t) => [t.id, t.name]));
}

function present(s: store.StudyRow, names: Map<string, string>) {
  const teams = (ids: string[]) => ids.map((id) => ({ id, name: names.get(id) ?? id }));
  return {
    id: s.id,
    name: s.name,
    pilotTeams: teams(s.pilot_team_ids),
    controlTeams: teams(s.control_team_ids),
    periodFrom: s.period_from,
    periodTo: s.period_to,
    createdBy: s.created_by,
    createdAt: s.created_at.toISOString(),
  };
}

export async function createPilot(db: Db, ctx: Ctx, input: NewPilot, now: Date) {
  requireAbility(defineAbilityFor(ctx.actor), 'create', 'PilotStudy');
  const tenantId = ctx.actor.tenantId;
  const pilot = [...new Set(input.pilotTeamIds)];
  const control = [...new Set(input.controlTeamIds)];
  if (!pilot.length || !control.length) throw new Problem(400, 'pilot_group_empty');
  if (input.periodFrom > input.periodTo) throw new Problem(400, 'pilot_period_order', {}, { field: 'periodTo' });
  const latest = latestEnd(input.periodFrom);
  if (input.periodTo > latest) throw new Problem(400, 'pilot_period_too_long', { from: input.periodFrom, latest }, { field: 'periodTo' });
  const names = await teamNames(db, tenantId);
  const unknown = [...pilot, ...control].filter((id) => !names.has(id));
  if (unknown.length) throw new Problem(400, 'pilot_team_unknown', { ids: unknown.join(', ') }, { teamIds: unknown });
  const shared = pilot.filter((id) => control.includes(id));
  if (shared.length) throw new Problem(400, 'pilot_groups_overlap', { names: shared.map((id) => names.get(id)).join('、') }, { teamIds: shared });
  const row: store.StudyRow = {
    id: crypto.randomUUID(),
    name: input.name,
    pilot_team_ids: pilot,
    control_team_ids: control,
    period_from: input.periodFrom,
    period_to: input.periodTo,
    created_by: ctx.actor.userId,
    created_at: now,
  };
  await db.transaction(async (tx) => {
    await store.insertStudy(tx, tenantId, row);
    await writeAudit(tx, ctx, {
      action: 'pilot.create',
      resource: 'PilotStudy',
      recordId: row.id,
      after: { name: row.name, pilotTeamIds: pilot, controlTeamIds: control, periodFrom: row.period_from, periodTo: row.period_to },
    });
  });
  return present(row, names);
}

export async function listPilots(db: Db, ctx: Ctx) {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'PilotStudy');
  const [rows, names] = await Promise.all([store.listStudies(db, ctx.actor.tenantId), teamNames(db, ctx.actor.tenantId)]);
  return { items: rows.map((r) => present(r, names)) };
}

export interface PilotGroup {
  label: Bilingual;
  teams: { id: string; name: string }[];
  stats: GroupStats;
}

export interface PilotReport {
  study: ReturnType<typeof present>;
  generatedAt: string;
  /** The tenant's zone: the period's days are local days in it. */
  timeZone: string;
  ruleVersion: string;
  groups: { pilot: PilotGroup; control: PilotGroup };
  metrics: Metric[];
  method: Bilingual;
}

export async function pilotReport(db: Db, ctx: Ctx, id: string, now: Date): Promise<PilotReport> {
  requireAbility(defineAbilityFor(ctx.actor), 'read', 'PilotStudy');
  const tenantId = ctx.actor.tenantId;
  const s = await store.studyById(db, tenantId, id);
  if (!s) throw new Problem(404, 'not_found');
  const [names, tz] = await Promise.all([teamNames(db, tenantId), org.tenantTimeZone(db, tenantId)]);
  const from = zonedDayStart(s.period_from, tz);
  const to = zonedDayStart(addDays(s.period_to, 1), tz);
  const stats = async (teamIds: string[]) => store.groupStats(db, tenantId, teamIds, from, to, s.period_from, s.period_to);
  const pilot = await stats(s.pilot_team_ids);
  const control = await stats(s.control_team_ids);
  const study = present(s, names);
  return {
    study,
    generatedAt: now.toISOString(),
    timeZone: tz,
    ruleVersion: COMPARE_RULE,
    groups: {
      pilot: { label: { 'zh-CN': '试点组', 'en-US': 'Pilot group' }, teams: study.pilotTeams, stats: pilot },
      control: { label: { 'zh-CN': '对照组', 'en-US': 'Control group' }, teams: study.controlTeams, stats: control },
    },
    metrics: compareGroups(pilot, control),
    method: METHOD,
  };
}

export async function pilotReportPdf(db: Db, ctx: Ctx, id: string, now: Date): Promise<{ pdf: Buffer; filename: string }> {
  const report = await pilotReport(db, ctx, id, now);
  const pdf = await renderPilotPdf(report);
  return { pdf, filename: `过程数据质量对比报告-${report.study.name}-${report.study.periodFrom}_${report.study.periodTo}.pdf` };
}
