// P7 blind verification: the monthly draw (a reproducible sample of last month's visits, assigned
// round-robin to QA inspectors with a call script each), the inspectors' outcomes (optimistic
// version; the script never changes once drawn), and the per-rep authenticity rate that process
// KPIs read through authenticityRates().
import crypto from 'node:crypto';
import type { Db } from '../../../platform/db/db.js';
import type { Ctx } from '../../../platform/context.js';
import type { Deps } from '../../../platform/deps.js';
import { PROCESS_BLIND_SAMPLE } from '../../../platform/config/defaults.js';
import { accessWhere } from '../../../platform/access/sql.js';
import { defineAbilityFor, requireAbility, requireRecord, subject } from '../../../platform/access/abilities.js';
import { Problem, registerMessages, versionConflict } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import { periods, zonedParts } from '../../../platform/jobs/periods.js';
import * as org from '../../org/service.js';
import { customerUnits } from '../../customers/lookup.js';
import { zonedDayStart } from '../lights/lights.js';
import { assignRoundRobin, authenticityRate, callScript, drawSample as draw, SAMPLE_RULE, seedFor, type CallScript } from './sample.js';
import { BLIND_JOB } from './job.js';
import * as store from './store.js';

export { registerProcessBlind, BLIND_JOB } from './job.js';

registerMessages({
  blind_not_assigned: {
    'zh-CN': '这条回访已分配给另一位质检员',
    'en-US': 'This call-back is assigned to another inspector',
  },
  blind_period_open: {
    'zh-CN': '{period} 尚未结束，只能抽取已结束月份的拜访',
    'en-US': '{period} has not ended yet; only a finished month can be sampled',
  },
});

export type BlindDeps = Pick<Deps, 'config' | 'now' | 'notify'>;

const pad = (n: number) => String(n).padStart(2, '0');

/** [first instant, first instant of the next month) of 'YYYY-MM' in the zone. */
export function monthBounds(period: string, tz: string): { from: Date; to: Date } {
  const [y, m] = period.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`;
  return { from: zonedDayStart(`${period}-01`, tz), to: zonedDayStart(`${next}-01`, tz) };
}

export interface DrawOutput {
  period: string;
  sampleId: string;
  seed: string;
  rate: number;
  population: number;
  drawn: number;
  inspectors: number;
  unassigned: number;
  alreadyDrawn: boolean;
  ruleVersion: string;
}

const sampleOut = (s: store.SampleRow, alreadyDrawn: boolean, inspectors = 0, unassigned = 0): DrawOutput => ({
  period: s.period,
  sampleId: s.id,
  seed: s.seed,
  rate: Number(s.rate),
  population: s.population,
  drawn: s.drawn,
  inspectors,
  unassigned,
  alreadyDrawn,
  ruleVersion: s.rule_version,
});

/**
 * Draws a month's sample once (a second call returns the stored one and draws nothing). `ctx` is the
 * job's system actor or the admin who asked, for the audit row.
 */
export async function drawMonth(db: Db, deps: BlindDeps, ctx: Ctx, period: string): Promise<DrawOutput> {
  const tenantId = ctx.actor.tenantId;
  const existing = await store.sampleOf(db, tenantId, period);
  if (existing) return sampleOut(existing, true);
  const tz = await org.tenantTimeZone(db, tenantId);
  const { from, to } = monthBounds(period, tz);
  const now = deps.now();
  if (to > now) throw new Problem(409, 'blind_period_open', { period });
  const rate = (await deps.config.value(tenantId, PROCESS_BLIND_SAMPLE)).rate;
  const seed = seedFor(tenantId, period);
  const population = await store.populationOf(db, tenantId, from, to);
  const drawn = draw(population.map((v) => ({ ...v, repId: v.rep_id })), rate, seed);
  const inspectors = (await org.activeUserIdsByRole(db, tenantId, ['qa'])).map((u) => u.id);
  const assigned = assignRoundRobin(drawn.length, inspectors);
  const [actions, customers, reps] = await Promise.all([
    store.actionsOf(db, tenantId, drawn.map((d) => d.id)),
    customerUnits(db, tenantId, drawn.map((d) => d.customer_id)),
    org.namesOf(db, tenantId, drawn.map((d) => d.rep_id)),
  ]);
  const scripts = drawn.map((v) => {
    const p = zonedParts(v.at, tz);
    return callScript({
      visitId: v.id,
      date: periods.day(v.at, tz),
      time: `${pad(p.hour)}:${pad(p.minute)}`,
      customerId: v.customer_id,
      customerName: customers.get(v.customer_id)?.name ?? null,
      repName: reps.get(v.rep_id) ?? null,
      purpose: v.purpose,
      actions: actions.filter((a) => a.visit_id === v.id).map((a) => ({ type: a.type, occurredAt: a.occurred_at, fields: a.fields ?? {}, note: a.note ?? '' })),
    });
  });
  const sample: store.SampleRow = {
    id: crypto.randomUUID(),
    period,
    seed,
    rate,
    population: population.length,
    drawn: drawn.length,
    rule_version: SAMPLE_RULE,
    created_at: now,
  };
  const done = await db.transaction(async (tx) => {
    if (!(await store.insertSample(tx, tenantId, sample))) return false; // drawn meanwhile by another run
    for (const [i, v] of drawn.entries()) {
      await store.insertCheck(tx, tenantId, {
        id: crypto.randomUUID(),
        sample_id: sample.id,
        visit_id: v.id,
        rep_id: v.rep_id,
        team_id: v.team_id,
        region_id: v.region_id,
        inspector_id: assigned[i],
        script: scripts[i],
      });
    }
    const perInspector = new Map<string, number>();
    for (const a of assigned) if (a) perInspector.set(a, (perInspector.get(a) ?? 0) + 1);
    for (const [userId, n] of perInspector) {
      await deps.notify.notify(tx, tenantId, {
        userIds: [userId],
        kind: 'process.blind.assigned',
        title: `${period} 过程真实性盲测：${n} 条回访待完成`,
        body: `本月从 ${period} 的 ${population.length} 次拜访中随机抽取了 ${drawn.length} 次（比例 ${Math.round(rate * 1000) / 10}%），其中 ${n} 次分配给你电话回访。请按回访话术核实拜访是否发生、约定事项是否被提及，并记录结果。`,
        link: '/process/blind-checks',
        data: { period, sampleId: sample.id, assigned: n },
        dedupeKey: `process.blind:${period}:assigned`,
      });
    }
    await writeAudit(tx, ctx, {
      action: 'blind.draw',
      resource: 'BlindCheck',
      recordId: sample.id,
      after: { period, seed, rate, population: population.length, drawn: drawn.length, inspectors: inspectors.length, ruleVersion: SAMPLE_RULE },
    });
    return true;
  });
  if (!done) return sampleOut((await store.sampleOf(db, tenantId, period))!, true);
  return sampleOut(sample, false, inspectors.length, assigned.filter((a) => !a).length);
}

/** Admin: draws a finished month now (nothing new if it was drawn already). */
export async function drawNow(db: Db, deps: Pick<Deps, 'jobs' | 'now'>, ctx: Ctx, period: string | undefined) {
  requireAbility(defineAbilityFor(ctx.actor), 'run', 'BlindCheck');
  const tz = await org.tenantTimeZone(db, ctx.actor.tenantId);
  const p = period ?? periods.previousMonth(deps.now(), tz);
  if (monthBounds(p, tz).to > deps.now()) throw new Problem(409, 'blind_period_open', { period: p });
  const run = await deps.jobs.runNow(ctx.actor.tenantId, BLIND_JOB, { periodKey: p, force: true, ctx });
  return { period: p, status: run.status, output: run.output ?? null, error: run.status === 'failed' ? 'job_failed' : null };
}

const scopeOf = (c: store.CheckRow) => ({ id: c.id, repId: c.rep_id, teamId: c.team_id, regionId: c.region_id });

async function present(db: Db, tenantId: string, rows: store.CheckRow[], ctx: Ctx) {
  const ability = defineAbilityFor(ctx.actor);
  const names = await org.namesOf(db, tenantId, rows.flatMap((r) => [r.rep_id, r.inspector_id]));
  return rows.map((c) => ({
    id: c.id,
    period: c.period,
    visitId: c.visit_id,
    repId: c.rep_id,
    repName: names.get(c.rep_id) ?? null,
    teamId: c.team_id,
    inspectorId: c.inspector_id,
    inspectorName: c.inspector_id ? (names.get(c.inspector_id) ?? null) : null,
    script: c.script as CallScript,
    outcome: c.outcome,
    note: c.note,
    checkedAt: c.checked_at ? c.checked_at.toISOString() : null,
    version: c.version,
    canRecord: canRecord(ability, ctx, c),
  }));
}

function canRecord(ability: ReturnType<typeof defineAbilityFor>, ctx: Ctx, c: store.CheckRow): boolean {
  if (!ability.can('update', subject('BlindCheck', scopeOf(c)))) return false;
  return ctx.actor.role === 'admin' || !c.inspector_id || c.inspector_id === ctx.actor.userId;
}

export async function listChecks(
  db: Db,
  ctx: Ctx,
  q: { mine?: boolean; pending?: boolean; period?: string; repId?: string; page: number; pageSize: number },
) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'BlindCheck');
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'BlindCheck', store.CHECK_COLUMNS, params);
  const tenantId = ctx.actor.tenantId;
  const { rows, total } = await store.listChecks(
    db,
    tenantId,
    { sql, params },
    // A system or token actor without a user has no "mine".
    { inspectorId: q.mine ? (ctx.actor.userId ?? '00000000-0000-0000-0000-000000000000') : undefined, pending: q.pending, period: q.period, repId: q.repId },
    q.pageSize,
    (q.page - 1) * q.pageSize,
  );
  return { items: await present(db, tenantId, rows, ctx), total, page: q.page, pageSize: q.pageSize };
}

export async function getCheck(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'BlindCheck');
  const row = await store.checkById(db, ctx.actor.tenantId, id);
  if (!row) throw new Problem(404, 'not_found');
  requireRecord(ability, 'read', 'BlindCheck', scopeOf(row));
  return (await present(db, ctx.actor.tenantId, [row], ctx))[0];
}

/**
 * An inspector records (or, with the current version, re-records) the outcome of a call-back.
 * QA may record checks assigned to them or to nobody (taking them); admins any.
 */
export async function recordCheck(db: Db, ctx: Ctx, id: string, input: { outcome: store.Outcome; note?: string; version: number }, now: Date) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'update', 'BlindCheck');
  const tenantId = ctx.actor.tenantId;
  await db.transaction(async (tx) => {
    const row = await store.checkById(tx, tenantId, id, true);
    if (!row) throw new Problem(404, 'not_found');
    requireRecord(ability, 'update', 'BlindCheck', scopeOf(row));
    if (!canRecord(ability, ctx, row)) throw new Problem(403, 'blind_not_assigned');
    if (row.version !== input.version) throw versionConflict(row.version, input.version);
    const note = input.note ?? '';
    const ok = await store.recordOutcome(tx, tenantId, id, input.version, {
      outcome: input.outcome,
      note,
      inspectorId: row.inspector_id ?? ctx.actor.userId,
      at: now,
    });
    if (!ok) throw versionConflict(row.version + 1, input.version);
    await writeAudit(tx, ctx, {
      action: 'blind.record',
      resource: 'BlindCheck',
      recordId: id,
      before: { outcome: row.outcome, note: row.note, version: row.version },
      after: { outcome: input.outcome, note, version: row.version + 1, visitId: row.visit_id, repId: row.rep_id },
    });
  });
  return getCheck(db, ctx, id);
}

export interface RepAuthenticity {
  repId: string;
  teamId: string | null;
  regionId: string | null;
  drawn: number;
  checked: number;
  pending: number;
  confirmed: number;
  notHappened: number;
  itemsNotMentioned: number;
  unreachable: number;
  /** confirmed / (checked − unreachable); null when nothing reachable was checked yet. */
  rate: number | null;
}

const toRep = (t: store.RepTally): RepAuthenticity => ({
  repId: t.rep_id,
  teamId: t.team_id,
  regionId: t.region_id,
  drawn: t.drawn,
  checked: t.checked,
  pending: t.drawn - t.checked,
  confirmed: t.confirmed,
  notHappened: t.not_happened,
  itemsNotMentioned: t.items_not_mentioned,
  unreachable: t.unreachable,
  rate: authenticityRate(t),
});

/**
 * Per-rep authenticity of a month's blind checks, for process KPIs (the goals module reads this).
 * No access narrowing: the caller decides who sees the numbers.
 */
export async function authenticityRates(db: Db, tenantId: string, period: string): Promise<RepAuthenticity[]> {
  return (await store.tallies(db, tenantId, period)).map(toRep);
}

/** The authenticity report of a month for the actor's scope, with names and totals. */
export async function authenticityReport(db: Db, deps: Pick<Deps, 'now'>, ctx: Ctx, period: string | undefined) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'BlindCheck');
  const tenantId = ctx.actor.tenantId;
  const p = period ?? periods.previousMonth(deps.now(), await org.tenantTimeZone(db, tenantId));
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'BlindCheck', store.CHECK_COLUMNS, params);
  const reps = (await store.tallies(db, tenantId, p, { sql, params })).map(toRep);
  const sample = await store.sampleOf(db, tenantId, p);
  const [names, units] = await Promise.all([org.namesOf(db, tenantId, reps.map((r) => r.repId)), org.orgUnits(db, tenantId)]);
  const teamName = new Map(units.teams.map((t) => [t.id, t.name]));
  const sum = (k: 'drawn' | 'checked' | 'confirmed' | 'unreachable' | 'notHappened' | 'itemsNotMentioned') => reps.reduce((s, r) => s + r[k], 0);
  const totals = {
    drawn: sum('drawn'),
    checked: sum('checked'),
    confirmed: sum('confirmed'),
    notHappened: sum('notHappened'),
    itemsNotMentioned: sum('itemsNotMentioned'),
    unreachable: sum('unreachable'),
  };
  return {
    period: p,
    sample: sample
      ? { id: sample.id, seed: sample.seed, rate: Number(sample.rate), population: sample.population, drawn: sample.drawn, ruleVersion: sample.rule_version, drawnAt: sample.created_at.toISOString() }
      : null,
    formula: {
      'zh-CN': '真实率 = 确认属实 ÷ (已回访 − 无法联系)；“未提及约定事项”与“拜访未发生”计为不属实。',
      'en-US': 'Authenticity = confirmed ÷ (checked − unreachable); “items not mentioned” and “did not happen” count against it.',
    },
    totals: { ...totals, rate: authenticityRate(totals) },
    items: reps.map((r) => ({ ...r, repName: names.get(r.repId) ?? null, teamName: r.teamId ? (teamName.get(r.teamId) ?? null) : null })),
  };
}
