// P6 red/yellow lights: the daily assessment of every active rep (idle working days since their
// last process action → green / yellow / red, with evidence), the notice to the rep's direct
// manager and the region's BP when a rep turns red (once per red spell), and the team board.
import type { Db } from '../../../platform/db/db.js';
import { systemCtx, type Ctx } from '../../../platform/context.js';
import type { Deps } from '../../../platform/deps.js';
import { PROCESS_LIGHTS } from '../../../platform/config/defaults.js';
import { accessWhere } from '../../../platform/access/sql.js';
import { defineAbilityFor, requireAbility } from '../../../platform/access/abilities.js';
import { Problem, registerMessages } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import { periods, zonedParts } from '../../../platform/jobs/periods.js';
import * as org from '../../org/service.js';
import { customerHealth } from '../../health/service.js';
import { customerUnits } from '../../customers/lookup.js';
import { addDays, assessLight, LIGHTS_RULE, sinceDay, zonedDayStart, type Light, type LightRules } from './lights.js';
import * as store from './store.js';

import { LIGHTS_JOB } from './job.js';

export { registerProcessLights, LIGHTS_JOB } from './job.js';

registerMessages({
  lights_day_invalid: { 'zh-CN': '日期无效：{day}（格式 YYYY-MM-DD）', 'en-US': 'Invalid day: {day} (YYYY-MM-DD)' },
});

/** How far back the job looks for a rep's last action (calendar days); longer silences are red anyway. */
export const LOOKBACK_DAYS = 200;

export type LightsDeps = Pick<Deps, 'config' | 'now' | 'notify'>;

const ACTION_NAMES: Record<string, string> = {
  appointment: '预约发起',
  check_in: '现场签到',
  need_capture: '需求捕捉',
  demo: '方案演示',
  objection: '异议登记',
  follow_up: '跟进承诺',
};
const LEVEL_NAMES: Record<string, string> = { healthy: '健康', watch: '需关注', at_risk: '高风险' };

interface Person {
  id: string;
  displayName: string;
  role: string;
  teamId: string | null;
  regionId: string | null;
  managerId: string | null;
  hiredOn: string | null;
  active: boolean;
}

/** The organisation as org's service gives it: users, and teams with their managers. */
async function directory(db: Db, tenantId: string) {
  const ctx = systemCtx(tenantId, 'process.lights');
  const [users, units] = await Promise.all([org.listUsers(db, ctx, { page: 1, pageSize: 1_000_000 }), org.orgUnits(db, tenantId)]);
  const people = users.items.map((u) => u as unknown as Person);
  const byId = new Map(people.map((p) => [p.id, p]));
  const teams = new Map(units.teams.map((t) => [t.id, t]));
  return { people, byId, teams, regions: new Map(units.regions.map((r) => [r.id, r])) };
}
type Directory = Awaited<ReturnType<typeof directory>>;

/**
 * The rep's direct manager: the user's own manager if active, else the team's manager, else the
 * active manager-role user of the rep's team (first by name).
 */
export function directManager(dir: Directory, rep: Person): Person | null {
  const activeUser = (id: string | null | undefined) => {
    const p = id ? dir.byId.get(id) : undefined;
    return p?.active ? p : null;
  };
  return (
    activeUser(rep.managerId) ??
    activeUser(rep.teamId ? dir.teams.get(rep.teamId)?.manager_id : null) ??
    dir.people.filter((p) => p.active && p.role === 'manager' && p.teamId && p.teamId === rep.teamId).sort((a, b) => a.displayName.localeCompare(b.displayName))[0] ??
    null
  );
}

/** The BPs of the rep's region (active users with role 'bp' in that region). */
export function regionBps(dir: Directory, rep: Person): Person[] {
  return dir.people.filter((p) => p.active && p.role === 'bp' && !!rep.regionId && p.regionId === rep.regionId);
}

export interface CustomerRisk {
  customerId: string;
  name: string | null;
  lastVisitAt: string;
  riskScore: number | null;
  level: string | null;
  formula: { 'zh-CN': string; 'en-US': string } | null;
  inputs: Record<string, unknown> | null;
  ruleVersion: number | null;
  unavailable?: string;
}

/** The rep's 3 most recently visited customers with their overall risk score from the health module. */
async function riskOfRecentCustomers(db: Db, deps: LightsDeps, tenantId: string, repId: string, asOf: Date): Promise<CustomerRisk[]> {
  const recent = await store.recentCustomers(db, tenantId, repId, asOf, 3);
  const names = await customerUnits(db, tenantId, recent.map((r) => r.customer_id));
  const ctx = systemCtx(tenantId, 'process.lights');
  const out: CustomerRisk[] = [];
  for (const r of recent) {
    const base = { customerId: r.customer_id, name: names.get(r.customer_id)?.name ?? null, lastVisitAt: r.last_at.toISOString() };
    try {
      const h = await customerHealth(db, deps, ctx, r.customer_id);
      out.push({ ...base, riskScore: h.overall.riskScore, level: h.overall.level, formula: h.overall.formula, inputs: h.overall.inputs, ruleVersion: h.ruleVersion });
    } catch (e) {
      // A merged-away or deleted customer has no board any more: say so rather than drop it.
      if (!(e instanceof Problem && e.status === 404)) throw e;
      out.push({ ...base, riskScore: null, level: null, formula: null, inputs: null, ruleVersion: null, unavailable: 'customer_not_active' });
    }
  }
  return out;
}

const two = (n: number) => String(n).padStart(2, '0');
function localTime(iso: string, tz: string): string {
  const p = zonedParts(new Date(iso), tz);
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

function noticeText(o: {
  tz: string;
  repName: string;
  teamName: string | null;
  day: string;
  idleDays: number;
  rules: LightRules;
  lastAction: { type: string; occurredAt: string; customerName: string | null } | null;
  customers: CustomerRisk[];
}) {
  const unit = o.rules.workingDaysOnly ? '个工作日' : '天';
  const lines = [
    `${o.repName}${o.teamName ? `（${o.teamName}）` : ''}截至 ${o.day} 已连续 ${o.idleDays} ${unit}没有任何过程动作，亮红灯（规则：${o.rules.yellowDays} ${unit}黄灯、${o.rules.redDays} ${unit}红灯${o.rules.workingDaysOnly ? '，只计工作日' : ''}）。`,
    o.lastAction
      ? `最近一次过程动作：${localTime(o.lastAction.occurredAt, o.tz)} ${ACTION_NAMES[o.lastAction.type] ?? o.lastAction.type}${o.lastAction.customerName ? `，客户 ${o.lastAction.customerName}` : ''}。`
      : '近期没有任何过程动作记录。',
    o.customers.length ? `最近拜访的 ${o.customers.length} 位客户及流失风险分（0–100，越高越危险）：` : '该销售近期没有拜访过客户。',
    ...o.customers.map(
      (c, i) =>
        `${i + 1}. ${c.name ?? c.customerId}：${c.riskScore === null ? '风险分暂不可用（客户已合并或停用）' : `风险分 ${c.riskScore}（${LEVEL_NAMES[c.level ?? ''] ?? c.level}）`}，最近拜访 ${localTime(c.lastVisitAt, o.tz).slice(0, 10)}`,
    ),
  ];
  const formula = o.customers.find((c) => c.formula)?.formula;
  if (formula) lines.push(`风险分算法（客户健康规则 v${o.customers.find((c) => c.formula)!.ruleVersion}）：${formula['zh-CN']}`);
  lines.push('请尽快与该销售沟通，确认客户跟进情况。');
  return lines.join('\n');
}

export interface LightsRunOutput {
  day: string;
  asOf: string;
  ruleVersion: string;
  configVersion: number;
  reps: number;
  green: number;
  yellow: number;
  red: number;
  notified: number;
  /** Reds whose notice found no manager or BP to go to. */
  noRecipients: string[];
}

/**
 * Assesses every active rep for `day` as of `asOf` and writes the day's lights. A rep who is red
 * and whose red spell (same last action) has not been notified yet gets one notice to the direct
 * manager and the BP(s); re-running the same day, or the next days of the same spell, sends nothing.
 */
export async function computeLights(db: Db, deps: LightsDeps, tenantId: string, day: string, asOf: Date): Promise<LightsRunOutput> {
  const ctx = systemCtx(tenantId, `process.lights:${day}`);
  const tz = await org.tenantTimeZone(db, tenantId);
  const cfg = await deps.config.get(tenantId, PROCESS_LIGHTS);
  const rules = cfg.value as LightRules;
  const dir = await directory(db, tenantId);
  const reps = dir.people.filter((p) => p.active && p.role === 'rep');
  const windowStartDay = addDays(day, -LOOKBACK_DAYS);
  const latest = await store.latestActions(db, tenantId, reps.map((r) => r.id), asOf, zonedDayStart(windowStartDay, tz));
  // Spells notified within the look-back window (plus a margin): older ones cannot still be running.
  const notified = await store.notifiedSpells(db, tenantId, addDays(windowStartDay, -30));
  const lastCustomers = await customerUnits(db, tenantId, [...latest.values()].map((a) => a.customer_id));
  const out: LightsRunOutput = { day, asOf: asOf.toISOString(), ruleVersion: LIGHTS_RULE, configVersion: cfg.version, reps: reps.length, green: 0, yellow: 0, red: 0, notified: 0, noRecipients: [] };
  const counts: Record<Light, number> = { green: 0, yellow: 0, red: 0 };

  for (const rep of reps) {
    const last = latest.get(rep.id) ?? null;
    const start = sinceDay({ lastActionDay: last ? periods.day(last.occurred_at, tz) : null, hiredOn: rep.hiredOn, windowStartDay });
    const a = assessLight(day, start.since, rules);
    counts[a.light]++;
    const lastAction = last
      ? {
          id: last.id,
          visitId: last.visit_id,
          customerId: last.customer_id,
          customerName: lastCustomers.get(last.customer_id)?.name ?? null,
          type: last.type,
          occurredAt: last.occurred_at.toISOString(),
          recordedAt: last.recorded_at.toISOString(),
        }
      : null;
    const spellKey = last ? last.id : `none:${start.basis}`;
    const evidence = {
      rule: LIGHTS_RULE,
      config: { ...rules },
      configVersion: cfg.version,
      asOf: asOf.toISOString(),
      lastAction,
      since: start.since,
      sinceBasis: start.basis,
      idleDays: a.idleDays,
      countedDays: a.countedDays,
      spellKey,
    };

    // Everything a notice needs is read before the transaction (PGlite runs one statement stream).
    let notice: { userIds: string[]; title: string; body: string; data: unknown; recipients: unknown } | null = null;
    if (a.light === 'red' && !notified.has(`${rep.id}|${spellKey}`)) {
      const manager = directManager(dir, rep);
      const bps = regionBps(dir, rep);
      const userIds = [...new Set([manager?.id, ...bps.map((b) => b.id)].filter((x): x is string => !!x))];
      if (!userIds.length) out.noRecipients.push(rep.id);
      else {
        const customers = await riskOfRecentCustomers(db, deps, tenantId, rep.id, asOf);
        const teamName = rep.teamId ? (dir.teams.get(rep.teamId)?.name ?? null) : null;
        const unit = rules.workingDaysOnly ? '个工作日' : '天';
        notice = {
          userIds,
          title: `过程红灯：${rep.displayName} 已连续 ${a.idleDays} ${unit}无过程动作`,
          body: noticeText({ tz, repName: rep.displayName, teamName, day, idleDays: a.idleDays, rules, lastAction, customers }),
          data: {
            repId: rep.id,
            repName: rep.displayName,
            teamId: rep.teamId,
            day,
            light: a.light,
            idleDays: a.idleDays,
            lastAction,
            rule: LIGHTS_RULE,
            config: rules,
            configVersion: cfg.version,
            customers,
            riskScore: {
              source: 'health.overall.riskScore',
              'zh-CN': '客户健康看板的总风险分（0–100，越高越危险），由服务风险指数与活跃度加权得出；流失预警模块上线后将细化。',
              'en-US': 'The customer health board’s overall risk score (0–100, higher is riskier), weighted from the service-risk index and activity; the churn module will refine it.',
            },
          },
          recipients: { managerId: manager?.id ?? null, bpIds: bps.map((b) => b.id) },
        };
      }
    }

    await db.transaction(async (tx) => {
      await store.upsertLight(tx, tenantId, {
        day,
        rep_id: rep.id,
        team_id: rep.teamId,
        region_id: rep.regionId,
        light: a.light,
        idle_days: a.idleDays,
        last_action_at: last?.occurred_at ?? null,
        evidence,
      });
      if (!notice) return;
      const r = await deps.notify.notify(tx, tenantId, {
        userIds: notice.userIds,
        kind: 'process.light.red',
        title: notice.title,
        body: notice.body,
        link: `/process/lights?day=${day}${rep.teamId ? `&teamId=${rep.teamId}` : ''}`,
        data: notice.data,
        // The same spell never notifies twice, even if two runs raced past the notified-spells read.
        dedupeKey: `process.light.red:${rep.id}:${spellKey}`,
        email: true,
      });
      await store.markNotified(tx, tenantId, day, rep.id, deps.now(), { ...(notice.recipients as object), notificationIds: r.notificationIds });
      await writeAudit(tx, ctx, {
        action: 'process.light.notify',
        resource: 'ProcessLight',
        recordId: `${rep.id}/${day}`,
        after: { repId: rep.id, day, idleDays: a.idleDays, spellKey, recipients: notice.recipients, notificationIds: r.notificationIds },
      });
      if (r.notificationIds.length) out.notified++;
    });
  }
  Object.assign(out, counts);
  return out;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The team board: every rep in the actor's scope with the day's light (latest assessed day by default). */
export async function lightsBoard(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, q: { day?: string; teamId?: string; regionId?: string }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'ProcessLight');
  const tenantId = ctx.actor.tenantId;
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'ProcessLight', store.LIGHT_COLUMNS, params);
  const access = { sql, params };
  const today = periods.day(deps.now(), await org.tenantTimeZone(db, tenantId));
  const asked = q.day ?? today;
  const parsed = new Date(`${asked}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== asked) throw new Problem(400, 'lights_day_invalid', { day: asked });
  const day = await store.latestDay(db, tenantId, asked, access);
  const rows = day ? await store.listLights(db, tenantId, day, access, q) : [];
  const [names, units] = await Promise.all([org.namesOf(db, tenantId, rows.map((r) => r.rep_id)), org.orgUnits(db, tenantId)]);
  const teamName = new Map(units.teams.map((t) => [t.id, t.name]));
  const regionName = new Map(units.regions.map((r) => [r.id, r.name]));
  const counts: Record<Light, number> = { green: 0, yellow: 0, red: 0 };
  for (const r of rows) counts[r.light]++;
  return {
    day,
    requestedDay: asked,
    counts,
    items: rows.map((r) => ({
      repId: r.rep_id,
      repName: names.get(r.rep_id) ?? null,
      teamId: r.team_id,
      teamName: r.team_id ? (teamName.get(r.team_id) ?? null) : null,
      regionId: r.region_id,
      regionName: r.region_id ? (regionName.get(r.region_id) ?? null) : null,
      light: r.light,
      idleDays: r.idle_days,
      lastActionAt: iso(r.last_action_at),
      notifiedAt: iso(r.notified_at),
      evidence: r.evidence,
    })),
  };
}

/** Admin: runs today's assessment now (again, if it already ran) and returns the run. */
export async function runLightsNow(db: Db, deps: Pick<Deps, 'jobs' | 'now'>, ctx: Ctx) {
  requireAbility(defineAbilityFor(ctx.actor), 'run', 'ProcessLight');
  const day = periods.day(deps.now(), await org.tenantTimeZone(db, ctx.actor.tenantId));
  const run = await deps.jobs.runNow(ctx.actor.tenantId, LIGHTS_JOB, { periodKey: day, force: true, ctx });
  return { day, status: run.status, output: run.output ?? null, error: run.status === 'failed' ? 'job_failed' : null };
}
