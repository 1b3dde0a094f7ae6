// G8 《目标穿透健康度报告》: builds last month's report per region (and for the company) into
// goal_health_reports, renders the PDF, and e-mails each regional director their own region's
// report only. Building is one transaction (all reports or none); sending is one short
// transaction per report (enqueue the e-mails + inbox notices, mark sent_at, audit), after the
// build committed — so a failed build sends nothing, a report is never sent twice, and a failure
// while sending leaves the unsent reports for the next run. Delivery itself is the outbox's job.
import crypto from 'node:crypto';
import type { Db } from '../../../platform/db/db.js';
import { systemCtx, type Ctx } from '../../../platform/context.js';
import type { Deps } from '../../../platform/deps.js';
import { GOALS_HEALTH_REPORT } from '../../../platform/config/defaults.js';
import { defineAbilityFor, requireAbility, subject } from '../../../platform/access/abilities.js';
import { Problem, registerMessages } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import { periods } from '../../../platform/jobs/periods.js';
import * as org from '../../org/service.js';
import { computeHealthReport, isMonth, weeksOfMonth, type HealthReportData, type OrgInput } from './compute.js';
import { periodTitle, renderHealthReportPdf } from './pdf.js';
import * as store from './store.js';

export const HEALTH_REPORT_JOB = 'goals.health-report';

registerMessages({
  goal_report_period_invalid: { 'zh-CN': '月份无效：{period}（格式 YYYY-MM）', 'en-US': 'Invalid month: {period} (YYYY-MM)' },
  goal_report_period_open: {
    'zh-CN': '{period} 尚未结束，月报只能为已结束的月份生成',
    'en-US': '{period} has not ended yet; the report is built for finished months only',
  },
});

export type ReportDeps = Pick<Deps, 'config' | 'now' | 'notify'>;

interface Person {
  id: string;
  displayName: string;
  email: string | null;
  role: string;
  teamId: string | null;
  regionId: string | null;
  active: boolean;
}

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/** The organisation, through org's service functions. */
async function directory(db: Db, tenantId: string) {
  const ctx = systemCtx(tenantId, HEALTH_REPORT_JOB);
  const [users, units] = await Promise.all([org.listUsers(db, ctx, { page: 1, pageSize: 1_000_000 }), org.orgUnits(db, tenantId)]);
  const people = users.items.map((u) => u as unknown as Person);
  const orgInput: OrgInput = {
    regions: units.regions.map((r) => ({ id: r.id, name: r.name })),
    teams: units.teams.map((t) => ({ id: t.id, name: t.name, regionId: t.region_id })),
    reps: new Map(people.map((p) => [p.id, { teamId: p.teamId, regionId: p.regionId }])),
  };
  return { people, units, orgInput };
}
type Directory = Awaited<ReturnType<typeof directory>>;

/** Active users with role 'director' in the region (the region's own director included). */
export function regionDirectors(dir: Directory, regionId: string): Person[] {
  const region = dir.units.regions.find((r) => r.id === regionId);
  return dir.people
    .filter((p) => p.active && p.role === 'director' && (p.regionId === regionId || p.id === region?.director_id))
    .sort((a, b) => a.displayName.localeCompare(b.displayName, 'zh-CN'));
}

/** The month's reports: the company's (regionId null) and each region's. */
async function buildAll(db: Db, tenantId: string, period: string, dir: Directory): Promise<{ regionId: string | null; data: HealthReportData }[]> {
  const [targets, attainment, canvases] = await Promise.all([
    store.repTargets(db, tenantId, period),
    store.attainment(db, tenantId, period),
    store.canvases(db, tenantId, weeksOfMonth(period)),
  ]);
  const input = { period, org: dir.orgInput, targets, attainment, canvases };
  return [null, ...dir.orgInput.regions.map((r) => r.id)].map((regionId) => ({ regionId, data: computeHealthReport({ ...input, regionId }) }));
}

export interface HealthRunOutput {
  period: string;
  readyByDay: number;
  built: number;
  sent: { regionId: string | null; regionName: string; recipients: string[]; emailIds: string[] }[];
  alreadySent: number;
  /** Regions whose report found no director to go to (still marked sent). */
  noDirector: string[];
  /** Directors without a usable e-mail address: inbox notice only. */
  noEmail: string[];
}

export interface RunHooks {
  /** Test seam: called inside the build transaction after each report is written. */
  afterBuild?: (regionId: string | null) => void | Promise<void>;
  /** Test seam: called before each report is sent. */
  beforeSend?: (regionId: string | null) => void | Promise<void>;
}

/**
 * Builds the month's reports (if not sent yet) and sends each unsent one. Throws when a report
 * could not be sent (the scheduler retries; the sent ones stay sent).
 */
export async function runHealthReport(db: Db, deps: ReportDeps, tenantId: string, period: string, hooks: RunHooks = {}): Promise<HealthRunOutput> {
  if (!isMonth(period)) throw new Problem(400, 'goal_report_period_invalid', { period });
  const ctx = systemCtx(tenantId, `${HEALTH_REPORT_JOB}:${period}`);
  // Configuration and the organisation are read before any transaction.
  const cfg = await deps.config.get(tenantId, GOALS_HEALTH_REPORT);
  const readyByDay = (cfg.value as { readyByDay: number }).readyByDay;
  const tz = await org.tenantTimeZone(db, tenantId);
  const dir = await directory(db, tenantId);
  const reports = await buildAll(db, tenantId, period, dir);
  const builtAt = deps.now();

  await db.transaction(async (tx) => {
    for (const r of reports) {
      await store.upsertReport(tx, tenantId, { id: crypto.randomUUID(), period, regionId: r.regionId, data: r.data, at: builtAt });
      await hooks.afterBuild?.(r.regionId);
    }
  });

  const out: HealthRunOutput = { period, readyByDay, built: reports.length, sent: [], alreadySent: 0, noDirector: [], noEmail: [] };
  const rows = await store.reportsOf(db, tenantId, period);
  const failures: string[] = [];
  for (const row of rows) {
    if (row.sent_at) {
      out.alreadySent++;
      continue;
    }
    const name = row.data.scope.name;
    try {
      await hooks.beforeSend?.(row.region_id);
      const directors = row.region_id ? regionDirectors(dir, row.region_id) : [];
      // The PDF is rendered before the transaction (it needs no database).
      const pdf = directors.length ? await renderHealthReportPdf(row.data, { generatedAt: row.created_at, timeZone: tz }) : null;
      const filename = `目标穿透健康度报告-${name}-${row.period}.pdf`;
      const sent = await db.transaction(async (tx) => {
        const current = await store.reportOf(tx, tenantId, period, row.region_id, true);
        if (!current || current.sent_at) return null;
        const emailIds: string[] = [];
        const recipients: string[] = [];
        for (const d of directors) {
          const subjectLine = `【目标穿透健康度报告】${periodTitle(period)} ${name}`;
          const body = [
            `${d.displayName}，您好：`,
            '',
            `附件是${name} ${periodTitle(period)}的《目标穿透健康度报告》。`,
            `指标承接率：${rateText(row.data.acceptance.rate)}（${row.data.acceptance.num}/${row.data.acceptance.den}）`,
            `过程动作达标率：${rateText(row.data.process.overall.rate)}（${row.data.process.overall.num}/${row.data.process.overall.den}）`,
            `资源缺口：${row.data.heatmap.total} 条`,
          ].join('\n');
          await deps.notify.notify(tx, tenantId, {
            userIds: [d.id],
            kind: 'goals.health-report',
            title: subjectLine,
            body,
            link: `/goals/report?period=${period}`,
            data: { period, regionId: row.region_id, reportId: row.id },
            dedupeKey: `goals.health-report:${period}:${row.region_id}`,
          });
          if (d.email && EMAIL.test(d.email)) {
            const id = await deps.notify.enqueueEmail(tx, tenantId, {
              to: d.email,
              subject: subjectLine,
              text: body,
              attachments: [{ filename, contentType: 'application/pdf', base64: pdf!.toString('base64') }],
              dedupeKey: `goals.health-report:${period}:${row.region_id}:${d.id}`,
            });
            if (id) emailIds.push(id);
          } else out.noEmail.push(d.id);
          recipients.push(d.id);
        }
        await store.markSent(tx, tenantId, row.id, deps.now());
        await writeAudit(tx, ctx, {
          action: 'goals.health-report.send',
          resource: 'GoalReport',
          recordId: row.id,
          after: { period, regionId: row.region_id, recipients, emailIds },
        });
        return { recipients, emailIds };
      });
      if (!sent) {
        out.alreadySent++;
        continue;
      }
      if (row.region_id && !directors.length) out.noDirector.push(row.region_id);
      out.sent.push({ regionId: row.region_id, regionName: name, ...sent });
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (failures.length) throw new Error(`goal-health report ${period}: ${failures.length} report(s) not sent (${failures.join('; ')}); they are sent on the next run`);
  return out;
}

const rateText = (r: number | null) => (r === null ? '—' : `${(Math.round(r * 1000) / 10).toFixed(1)}%`);

// ---- web -----------------------------------------------------------------------------------

export interface ReportView {
  period: string;
  /** true: the stored report of the month; false: computed now (not built or not sent yet). */
  stored: boolean;
  createdAt: string | null;
  sentAt: string | null;
  /** The scopes this viewer may open: null = the company. */
  scopes: { regionId: string | null; name: string }[];
  report: HealthReportData;
}

/** Which report the viewer asked for, as far as they may read it. */
async function resolveScope(db: Db, ctx: Ctx, regionId: string | undefined) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'GoalReport');
  const tenantId = ctx.actor.tenantId;
  const units = await org.orgUnits(db, tenantId);
  const all = ability.can('read', subject('GoalReport', { regionId: '00000000-0000-0000-0000-000000000001' }));
  const readable = units.regions.filter((r) => ability.can('read', subject('GoalReport', { regionId: r.id })));
  const scopes = [...(all ? [{ regionId: null, name: '全公司' }] : []), ...readable.map((r) => ({ regionId: r.id as string | null, name: r.name }))];
  let chosen: string | null;
  if (regionId) {
    // Another tenant's region, or one the viewer may not read: not found.
    if (!readable.some((r) => r.id === regionId)) throw new Problem(404, 'not_found');
    chosen = regionId;
  } else if (all) chosen = null;
  else if (readable.length) chosen = readable[0].id;
  else throw new Problem(404, 'not_found');
  return { scopes, chosen };
}

export async function getReport(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, period: string, regionId?: string): Promise<ReportView> {
  if (!isMonth(period)) throw new Problem(400, 'goal_report_period_invalid', { period });
  const { scopes, chosen } = await resolveScope(db, ctx, regionId);
  const tenantId = ctx.actor.tenantId;
  const row = await store.reportOf(db, tenantId, period, chosen);
  if (row) {
    return { period, stored: true, createdAt: row.created_at.toISOString(), sentAt: row.sent_at?.toISOString() ?? null, scopes, report: row.data };
  }
  const dir = await directory(db, tenantId);
  const [targets, attainment, canvases] = await Promise.all([
    store.repTargets(db, tenantId, period),
    store.attainment(db, tenantId, period),
    store.canvases(db, tenantId, weeksOfMonth(period)),
  ]);
  const report = computeHealthReport({ period, regionId: chosen, org: dir.orgInput, targets, attainment, canvases });
  void deps;
  return { period, stored: false, createdAt: null, sentAt: null, scopes, report };
}

export async function reportPdf(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, period: string, regionId?: string): Promise<{ pdf: Buffer; filename: string }> {
  const view = await getReport(db, deps, ctx, period, regionId);
  const tz = await org.tenantTimeZone(db, ctx.actor.tenantId);
  const pdf = await renderHealthReportPdf(view.report, { generatedAt: view.createdAt ? new Date(view.createdAt) : deps.now(), timeZone: tz });
  return { pdf, filename: `目标穿透健康度报告-${view.report.scope.name}-${period}.pdf` };
}

/** Admin: runs the job for a finished month now (force re-runs a succeeded period; it still never sends twice). */
export async function runNow(db: Db, deps: Pick<Deps, 'jobs' | 'now'>, ctx: Ctx, period: string, force: boolean) {
  requireAbility(defineAbilityFor(ctx.actor), 'run', 'GoalReport');
  if (!isMonth(period)) throw new Problem(400, 'goal_report_period_invalid', { period });
  const tz = await org.tenantTimeZone(db, ctx.actor.tenantId);
  if (period >= periods.month(deps.now(), tz)) throw new Problem(400, 'goal_report_period_open', { period });
  return deps.jobs.runNow(ctx.actor.tenantId, HEALTH_REPORT_JOB, { periodKey: period, force, ctx });
}
