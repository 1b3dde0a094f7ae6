// Scheduled jobs, once per (tenant, job, period), on any number of app instances.
// Each tick, for every tenant (in its own time zone) and job, the most recent cron time at or
// before now names a period; if job_runs has no successful row for it, this instance claims it
// (advisory lock + INSERT … ON CONFLICT DO NOTHING in one short transaction) and runs it outside
// the transaction. So a restart catches up the latest missed period, not every missed one; a
// failure is retried on a later tick (with a growing delay) up to maxAttempts; a success is
// never run again unless an admin forces it.
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { systemCtx, type Ctx } from '../context.js';
import type { Deps } from '../deps.js';
import { Problem, registerMessages } from '../http/problem.js';
import { writeAudit } from '../audit/audit.js';
import { defineAbilityFor, requireAbility } from '../access/abilities.js';
import type { Bilingual } from '../config/registry.js';
import * as org from '../../modules/org/store.js';
import { DEFAULT_TIME_ZONE, assertCron, isValidTimeZone, latestDue, nextDue } from './periods.js';
import * as store from './store.js';
import type { JobRunRow, RunStatus } from './store.js';

registerMessages({
  job_unknown: { 'zh-CN': '没有名为 {jobId} 的定时任务', 'en-US': 'There is no job {jobId}' },
  job_already_succeeded: {
    'zh-CN': '任务 {jobId} 的周期 {periodKey} 已成功运行；如需重新运行请勾选“强制”',
    'en-US': 'Job {jobId} already succeeded for period {periodKey}; force it to run again',
  },
  job_running: { 'zh-CN': '任务 {jobId} 的周期 {periodKey} 正在运行', 'en-US': 'Job {jobId} is running for period {periodKey}' },
});

export interface JobContext {
  tenantId: string;
  timeZone: string;
  periodKey: string;
  /** The cron time of a scheduled run; for a manual run of another period, when it was asked for. */
  scheduledFor: Date;
  attempt: number;
  trigger: 'schedule' | 'manual';
  /** A system actor of the tenant, for services that take a Ctx (audit rows show actor_kind 'system'). */
  ctx: Ctx;
  db: Db;
  log: FastifyBaseLogger;
  now: () => Date;
  /** The app's dependencies, once attachDeps() was called (buildApp does, via registerPlatformJobs). */
  deps?: Deps;
}

export interface JobDefinition<Out = unknown> {
  /** 'module.name', e.g. 'platform.session-cleanup'. */
  id: string;
  title: Bilingual;
  /** croner expression, evaluated in the tenant's time zone. */
  cron: string;
  /** Names the period a scheduled time belongs to, e.g. periods.month → '2026-11'. */
  period: (scheduledFor: Date, timeZone: string) => string;
  /** Does the work for one tenant and period; derive the work from periodKey. Returns JSON-able output. */
  run: (jc: JobContext) => Promise<Out>;
  /** Scheduled attempts per period before giving up (default 3). */
  maxAttempts?: number;
  /** Wait after the n-th failure: n × retryDelayMs (default 5 min). */
  retryDelayMs?: number;
  /** A run still 'running' after this long is taken as abandoned (crashed instance); default 1 h. */
  timeoutMs?: number;
}

export interface JobRun {
  jobId: string;
  periodKey: string;
  status: RunStatus;
  attempts: number;
  scheduledFor: Date;
  startedAt: Date;
  finishedAt: Date | null;
  instance: string | null;
  output: unknown;
  error: string | null;
  trigger: 'schedule' | 'manual';
  triggeredById: string | null;
}

export interface JobOverview {
  id: string;
  title: Bilingual;
  cron: string;
  timeZone: string;
  /** Period of the most recent scheduled time (the one the scheduler is responsible for now). */
  currentPeriodKey: string | null;
  nextRunAt: Date | null;
  lastRun: JobRun | null;
}

export type SkipReason = 'done' | 'running' | 'locked' | 'waiting_retry' | 'gave_up';

export interface TickOutcome {
  tenantId: string;
  jobId: string;
  periodKey: string | null;
  outcome: 'succeeded' | 'failed' | 'skipped' | 'error';
  reason?: SkipReason;
  attempt?: number;
}

export interface Scheduler {
  register<Out>(def: JobDefinition<Out>): void;
  definitions(): JobDefinition[];
  /** Gives jobs access to the app's services through jc.deps. */
  attachDeps(deps: Deps): void;
  /** Ticks every tickMs (timer unref'd) and once right away (catch-up after downtime). */
  start(): void;
  /** Stops ticking and waits for the run in progress. */
  stop(): Promise<void>;
  /** One pass over tenants and jobs at `at` (default now). tenantIds narrows it (tests, admin tools). */
  tick(at?: Date, opts?: { tenantIds?: string[] }): Promise<TickOutcome[]>;
  /**
   * Runs a job for a tenant now and waits for it. Default period: the current one. A period that
   * already succeeded runs again only with force. ctx (an admin) is checked and audited.
   */
  runNow(tenantId: string, jobId: string, opts?: { periodKey?: string; force?: boolean; ctx?: Ctx }): Promise<JobRun>;
  overview(tenantId: string): Promise<JobOverview[]>;
  runs(tenantId: string, f: { jobId?: string; status?: RunStatus; page: number; pageSize: number }): Promise<{ items: JobRun[]; total: number }>;
}

const JOB_ID_RE = /^[a-z][a-z0-9]*(\.[a-z0-9][a-z0-9-]*)+$/;
const MAX_ERROR_CHARS = 4000;

export function toJobRun(r: JobRunRow): JobRun {
  return {
    jobId: r.job_id,
    periodKey: r.period_key,
    status: r.status,
    attempts: Number(r.attempts),
    scheduledFor: r.scheduled_for,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    instance: r.instance,
    output: r.output ?? null,
    error: r.error,
    trigger: r.trigger,
    triggeredById: r.triggered_by,
  };
}

function describeError(err: unknown): string {
  const s = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
  return s.length > MAX_ERROR_CHARS ? `${s.slice(0, MAX_ERROR_CHARS)}…` : s;
}

function toJson(out: unknown): string | null {
  if (out === undefined) return null;
  try {
    return JSON.stringify(out);
  } catch (e) {
    return JSON.stringify({ unserialisable: String(e) });
  }
}

type ClaimResult = { ok: true; attempt: number } | { ok: false; reason: SkipReason; row?: JobRunRow };

export function createScheduler(o: { db: Db; log: FastifyBaseLogger; now: () => Date; instanceId: string; tickMs?: number }): Scheduler {
  const { db, log, now, instanceId } = o;
  const tickMs = o.tickMs ?? 30_000;
  const defs = new Map<string, JobDefinition>();
  let deps: Deps | undefined;
  let interval: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let stopping = false;
  let ticking = false;
  /** Ticks run one after another; stop() waits for the chain and for manual runs. */
  let chain: Promise<unknown> = Promise.resolve();
  const inflight = new Set<Promise<unknown>>();

  function def(jobId: string): JobDefinition {
    const d = defs.get(jobId);
    if (!d) throw new Problem(404, 'job_unknown', { jobId });
    return d;
  }

  function zoneOf(t: { id: string; time_zone: string | null }): string {
    if (t.time_zone && isValidTimeZone(t.time_zone)) return t.time_zone;
    if (t.time_zone) log.warn({ tenantId: t.id, timeZone: t.time_zone }, `invalid tenant time zone; using ${DEFAULT_TIME_ZONE}`);
    return DEFAULT_TIME_ZONE;
  }

  async function tenantZone(tenantId: string): Promise<string> {
    const t = await org.tenantById(db, tenantId);
    if (!t) throw new Problem(404, 'not_found');
    return zoneOf(t);
  }

  /** Short transaction: lock (tenant, job), then claim the period's row or decide not to run. */
  async function claim(
    tenantId: string,
    d: JobDefinition,
    periodKey: string,
    scheduledFor: Date,
    manual: { force: boolean; ctx?: Ctx } | null,
  ): Promise<ClaimResult> {
    return db.transaction(async (tx): Promise<ClaimResult> => {
      if (!(await store.tryLock(tx, tenantId, d.id))) return { ok: false, reason: 'locked' };
      const at = now();
      const c: store.Claim = {
        jobId: d.id,
        periodKey,
        scheduledFor,
        at,
        instance: instanceId,
        trigger: manual ? 'manual' : 'schedule',
        triggeredBy: manual?.ctx?.actor.userId ?? null,
      };
      const audit = async (attempt: number, before?: JobRunRow) => {
        if (manual?.ctx) {
          await writeAudit(tx, manual.ctx, {
            action: 'job.run',
            resource: 'JobRun',
            recordId: `${d.id}/${periodKey}`,
            before: before ? { status: before.status, attempts: before.attempts } : undefined,
            after: { jobId: d.id, periodKey, attempt, force: manual.force },
          });
        }
      };
      if (await store.insertClaim(tx, tenantId, c)) {
        await audit(1);
        return { ok: true, attempt: 1 };
      }
      const row = (await store.runRow(tx, tenantId, d.id, periodKey, true))!;
      const max = d.maxAttempts ?? 3;
      if (row.status === 'running') {
        const stale = at.getTime() - new Date(row.started_at).getTime() >= (d.timeoutMs ?? 3_600_000);
        if (!stale) return { ok: false, reason: 'running', row };
        if (!manual && row.attempts >= max) {
          await store.abandon(tx, tenantId, d.id, periodKey, at, `abandoned: still running after ${d.timeoutMs ?? 3_600_000} ms (instance ${row.instance})`);
          return { ok: false, reason: 'gave_up', row };
        }
      } else if (row.status === 'succeeded') {
        if (!manual?.force) return { ok: false, reason: 'done', row };
      } else if (!manual) {
        if (row.attempts >= max) return { ok: false, reason: 'gave_up', row };
        const readyAt = new Date(row.finished_at ?? row.started_at).getTime() + row.attempts * (d.retryDelayMs ?? 300_000);
        if (at.getTime() < readyAt) return { ok: false, reason: 'waiting_retry', row };
      }
      const attempt = await store.reclaim(tx, tenantId, c);
      await audit(attempt, row);
      return { ok: true, attempt };
    });
  }

  /** Runs the claimed attempt outside any transaction and records its outcome. */
  async function execute(
    tenantId: string,
    timeZone: string,
    d: JobDefinition,
    periodKey: string,
    scheduledFor: Date,
    attempt: number,
    trigger: 'schedule' | 'manual',
  ): Promise<'succeeded' | 'failed'> {
    const jlog = log.child({ tenantId, jobId: d.id, periodKey, attempt });
    const jc: JobContext = {
      tenantId,
      timeZone,
      periodKey,
      scheduledFor,
      attempt,
      trigger,
      ctx: systemCtx(tenantId, `job:${d.id}:${periodKey}:${attempt}`),
      db,
      log: jlog,
      now,
      deps,
    };
    let status: 'succeeded' | 'failed';
    let output: string | null = null;
    let error: string | null = null;
    try {
      output = toJson(await d.run(jc));
      status = 'succeeded';
    } catch (err) {
      status = 'failed';
      error = describeError(err);
      jlog.error({ err }, 'job failed');
    }
    const recorded = await store.finish(db, tenantId, { jobId: d.id, periodKey, attempt, instance: instanceId }, { status, at: now(), output, error });
    if (!recorded) jlog.warn('job outcome not recorded: the run was claimed again meanwhile');
    else jlog.info({ status }, 'job run finished');
    return status;
  }

  async function tickOnce(at: Date, opts: { tenantIds?: string[] }): Promise<TickOutcome[]> {
    const out: TickOutcome[] = [];
    let tenants = await org.listTenants(db);
    if (opts.tenantIds) tenants = tenants.filter((t) => opts.tenantIds!.includes(t.id));
    for (const t of tenants) {
      const tz = zoneOf(t);
      for (const d of defs.values()) {
        if (stopping) return out;
        let periodKey: string | null = null;
        try {
          const due = latestDue(d.cron, tz, at);
          if (!due) continue;
          periodKey = d.period(due, tz);
          const c = await claim(t.id, d, periodKey, due, null);
          if (!c.ok) {
            out.push({ tenantId: t.id, jobId: d.id, periodKey, outcome: 'skipped', reason: c.reason });
            continue;
          }
          const status = await execute(t.id, tz, d, periodKey, due, c.attempt, 'schedule');
          out.push({ tenantId: t.id, jobId: d.id, periodKey, outcome: status, attempt: c.attempt });
        } catch (err) {
          // A database hiccup on one tenant must not stop the others; the next tick tries again.
          log.error({ err, tenantId: t.id, jobId: d.id, periodKey }, 'scheduler tick failed for job');
          out.push({ tenantId: t.id, jobId: d.id, periodKey, outcome: 'error' });
        }
      }
    }
    return out;
  }

  const scheduler: Scheduler = {
    register(jobDef) {
      if (!JOB_ID_RE.test(jobDef.id)) throw new Error(`job id '${jobDef.id}' is not of the form module.name`);
      if (defs.has(jobDef.id)) throw new Error(`job '${jobDef.id}' registered twice`);
      assertCron(jobDef.cron);
      defs.set(jobDef.id, jobDef as JobDefinition);
    },

    definitions() {
      return [...defs.values()];
    },

    attachDeps(d) {
      deps = d;
    },

    start() {
      if (interval) return;
      stopping = false;
      const fire = () => {
        if (ticking || stopping) return;
        ticking = true;
        scheduler
          .tick()
          .catch((err) => log.error({ err }, 'scheduler tick failed'))
          .finally(() => {
            ticking = false;
          });
      };
      first = setTimeout(fire, 0);
      first.unref();
      interval = setInterval(fire, tickMs);
      interval.unref();
      log.info({ instanceId, jobs: [...defs.keys()], tickMs }, 'scheduler started');
    },

    async stop() {
      stopping = true;
      if (first) clearTimeout(first);
      if (interval) clearInterval(interval);
      first = interval = undefined;
      await chain.catch(() => undefined);
      await Promise.allSettled([...inflight]);
      stopping = false;
    },

    tick(at, opts = {}) {
      const p = chain.catch(() => undefined).then(() => tickOnce(at ?? now(), opts));
      chain = p;
      return p;
    },

    async runNow(tenantId, jobId, opts = {}) {
      if (opts.ctx) requireAbility(defineAbilityFor(opts.ctx.actor), 'run', 'JobRun');
      const d = def(jobId);
      const tz = await tenantZone(tenantId);
      const at = now();
      const due = latestDue(d.cron, tz, at);
      const periodKey = opts.periodKey ?? (due ? d.period(due, tz) : d.period(at, tz));
      const existing = await store.runRow(db, tenantId, jobId, periodKey);
      const scheduledFor = existing?.scheduled_for ?? (due && d.period(due, tz) === periodKey ? due : at);
      const c = await claim(tenantId, d, periodKey, scheduledFor, { force: !!opts.force, ctx: opts.ctx });
      if (!c.ok) {
        if (c.reason === 'done') throw new Problem(409, 'job_already_succeeded', { jobId, periodKey });
        throw new Problem(409, 'job_running', { jobId, periodKey });
      }
      const p = execute(tenantId, tz, d, periodKey, scheduledFor, c.attempt, 'manual');
      inflight.add(p);
      try {
        await p;
      } finally {
        inflight.delete(p);
      }
      return toJobRun((await store.runRow(db, tenantId, jobId, periodKey))!);
    },

    async overview(tenantId) {
      const tz = await tenantZone(tenantId);
      const at = now();
      const last = new Map((await store.lastRuns(db, tenantId)).map((r) => [r.job_id, r]));
      return [...defs.values()]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((d) => {
          const due = latestDue(d.cron, tz, at);
          const l = last.get(d.id);
          return {
            id: d.id,
            title: d.title,
            cron: d.cron,
            timeZone: tz,
            currentPeriodKey: due ? d.period(due, tz) : null,
            nextRunAt: nextDue(d.cron, tz, at),
            lastRun: l ? toJobRun(l) : null,
          };
        });
    },

    async runs(tenantId, f) {
      const { rows, total } = await store.listRuns(db, tenantId, { jobId: f.jobId, status: f.status, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
      return { items: rows.map(toJobRun), total };
    },
  };
  return scheduler;
}
