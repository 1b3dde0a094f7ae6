import crypto from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/db.js';
import { testDb } from '../../test/harness.js';
import * as org from '../../modules/org/store.js';
import { Problem } from '../http/problem.js';
import { createScheduler, type JobDefinition, type Scheduler } from './scheduler.js';
import { periods } from './periods.js';
import { sessionCleanupJob, SESSION_CLEANUP } from './platform-jobs.js';

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
let db: Db;

beforeAll(async () => {
  db = await testDb();
}, 60_000);

async function tenant(timeZone = 'Asia/Shanghai'): Promise<string> {
  const id = crypto.randomUUID();
  await org.insertTenant(db, { id, slug: `jobs-${id.slice(0, 8)}`, name: '任务测试', timeZone });
  return id;
}

function clock(iso: string) {
  const c = { at: new Date(iso), now: () => new Date(c.at), set: (s: string) => (c.at = new Date(s)) };
  return c;
}

function scheduler(now: () => Date, instanceId = crypto.randomUUID().slice(0, 8)): Scheduler {
  return createScheduler({ db, log, now, instanceId });
}

/** A daily 03:00 job that records each call. */
function dailyJob(calls: { tenantId: string; periodKey: string; attempt: number }[], run?: JobDefinition['run']): JobDefinition {
  return {
    id: 'test.daily',
    title: { 'zh-CN': '测试', 'en-US': 'Test' },
    cron: '0 3 * * *',
    period: periods.day,
    retryDelayMs: 60_000,
    async run(jc) {
      calls.push({ tenantId: jc.tenantId, periodKey: jc.periodKey, attempt: jc.attempt });
      return run ? run(jc) : { ok: true };
    },
  };
}

const runsOf = async (tenantId: string, jobId = 'test.daily') =>
  (await db.query('select period_key, status, attempts, error, output, instance, trigger from job_runs where tenant_id = $1 and job_id = $2 order by period_key', [tenantId, jobId])).rows;

describe('scheduler on a real database', () => {
  it('[jobs] runs a job once per period in the tenant time zone, and again in the next period', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z'); // 03:30 on 27 Nov in Shanghai
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const s = scheduler(c.now);
    s.register(dailyJob(calls));
    const first = await s.tick(undefined, { tenantIds: [t] });
    expect(first).toEqual([{ tenantId: t, jobId: 'test.daily', periodKey: '2026-11-27', outcome: 'succeeded', attempt: 1 }]);
    c.set('2026-11-27T10:00:00Z');
    const again = await s.tick(undefined, { tenantIds: [t] });
    expect(again[0]).toMatchObject({ periodKey: '2026-11-27', outcome: 'skipped', reason: 'done' });
    c.set('2026-11-27T19:00:00Z'); // exactly 03:00 on 28 Nov
    await s.tick(undefined, { tenantIds: [t] });
    expect(calls.map((x) => x.periodKey)).toEqual(['2026-11-27', '2026-11-28']);
    const rows = await runsOf(t);
    expect(rows.map((r: any) => [r.period_key, r.status, r.attempts, r.trigger])).toEqual([
      ['2026-11-27', 'succeeded', 1, 'schedule'],
      ['2026-11-28', 'succeeded', 1, 'schedule'],
    ]);
    expect(rows[0].output).toEqual({ ok: true });
  });

  it('[jobs] each tenant’s period follows its own time zone', async () => {
    const sh = await tenant('Asia/Shanghai');
    const ld = await tenant('Europe/London');
    const c = clock('2026-11-27T04:00:00Z'); // 12:00 on 27 Nov in Shanghai, 04:00 on 27 Nov in London
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const s = scheduler(c.now);
    s.register({ ...dailyJob(calls), cron: '0 5 * * *' }); // 05:00 local
    await s.tick(undefined, { tenantIds: [sh, ld] });
    const byTenant = Object.fromEntries(calls.map((x) => [x.tenantId, x.periodKey]));
    expect(byTenant[sh]).toBe('2026-11-27'); // 05:00 Shanghai has passed today
    expect(byTenant[ld]).toBe('2026-11-26'); // 05:00 London has not: yesterday's period
  });

  it('[jobs] two scheduler instances on one database ticking at the same time run a period once', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const job = dailyJob(calls, async () => {
      await gate; // hold the run open so the other instance's claim happens while it runs
      return { ok: true };
    });
    const a = scheduler(c.now, 'instance-a');
    const b = scheduler(c.now, 'instance-b');
    a.register(job);
    b.register(job);
    const pa = a.tick(undefined, { tenantIds: [t] });
    const pb = b.tick(undefined, { tenantIds: [t] });
    const firstDone = await Promise.race([pa, pb]); // the instance that did not get the period
    expect(firstDone[0]).toMatchObject({ outcome: 'skipped' });
    expect(['running', 'locked']).toContain(firstDone[0].reason);
    release();
    const [ra, rb] = await Promise.all([pa, pb]);
    expect([ra[0].outcome, rb[0].outcome].sort()).toEqual(['skipped', 'succeeded']);
    expect(calls).toHaveLength(1);
    // and neither runs it again later
    await Promise.all([a.tick(undefined, { tenantIds: [t] }), b.tick(undefined, { tenantIds: [t] })]);
    expect(calls).toHaveLength(1);
    const rows = await runsOf(t);
    expect(rows).toHaveLength(1);
    expect(['instance-a', 'instance-b']).toContain(rows[0].instance);
  });

  it('[jobs] three instances ticking together over three tenants run each tenant’s period exactly once', async () => {
    const tenants = [await tenant(), await tenant(), await tenant()];
    const c = clock('2026-11-26T19:30:00Z');
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const instances = ['x', 'y', 'z'].map((n) => {
      const s = scheduler(c.now, `instance-${n}`);
      s.register(dailyJob(calls));
      return s;
    });
    await Promise.all(instances.flatMap((s) => [s.tick(undefined, { tenantIds: tenants }), s.tick(undefined, { tenantIds: tenants })]));
    expect(calls.map((x) => x.tenantId).sort()).toEqual([...tenants].sort());
    for (const t of tenants) expect(await runsOf(t)).toMatchObject([{ period_key: '2026-11-27', status: 'succeeded', attempts: 1 }]);
  });

  it('[jobs] after downtime, start() catches up the latest missed period only', async () => {
    const t = await tenant();
    const c = clock('2026-11-20T20:00:00Z'); // 21 Nov 04:00 Shanghai
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const before = scheduler(c.now);
    before.register(dailyJob(calls));
    await before.tick(undefined, { tenantIds: [t] });
    // the instance is down for four days; a new one starts on 25 Nov 10:00 Shanghai
    c.set('2026-11-25T02:00:00Z');
    const after = scheduler(c.now);
    after.register(dailyJob(calls));
    after.start();
    await vi.waitFor(async () => expect((await runsOf(t)).map((r: any) => r.period_key)).toEqual(['2026-11-21', '2026-11-25']), { timeout: 20_000, interval: 50 });
    await after.stop();
    expect(calls.filter((x) => x.tenantId === t).map((x) => x.periodKey)).toEqual(['2026-11-21', '2026-11-25']);
  });

  it('[jobs] a failed run is recorded with its error and retried on a later tick with attempts+1, up to maxAttempts', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const s = scheduler(c.now);
    s.register(
      dailyJob(calls, async (jc) => {
        if (jc.attempt < 3) throw new Error(`邮件服务器不可用 (attempt ${jc.attempt})`);
        return { sent: 1 };
      }),
    );
    const tick = () => s.tick(undefined, { tenantIds: [t] });
    expect((await tick())[0]).toMatchObject({ outcome: 'failed', attempt: 1 });
    let [row] = await runsOf(t);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.error).toContain('邮件服务器不可用 (attempt 1)');
    // not before the retry delay (1 × 60 s) has passed
    expect((await tick())[0]).toMatchObject({ outcome: 'skipped', reason: 'waiting_retry' });
    c.set('2026-11-26T19:31:00Z');
    expect((await tick())[0]).toMatchObject({ outcome: 'failed', attempt: 2 });
    c.set('2026-11-26T19:33:00Z'); // 2 × 60 s after the second failure
    expect((await tick())[0]).toMatchObject({ outcome: 'succeeded', attempt: 3 });
    [row] = await runsOf(t);
    expect(row).toMatchObject({ status: 'succeeded', attempts: 3, error: null, output: { sent: 1 } });
    c.set('2026-11-26T23:00:00Z');
    expect((await tick())[0]).toMatchObject({ outcome: 'skipped', reason: 'done' });
    expect(calls.map((x) => x.attempt)).toEqual([1, 2, 3]);
  });

  it('[jobs] a run that keeps failing stops after maxAttempts; an admin can still run it explicitly', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const s = scheduler(c.now);
    s.register({
      ...dailyJob(calls, async () => {
        throw new Error('always broken');
      }),
      maxAttempts: 2,
    });
    await s.tick(undefined, { tenantIds: [t] });
    c.set('2026-11-26T19:40:00Z');
    await s.tick(undefined, { tenantIds: [t] });
    c.set('2026-11-26T22:00:00Z');
    expect((await s.tick(undefined, { tenantIds: [t] }))[0]).toMatchObject({ outcome: 'skipped', reason: 'gave_up' });
    expect(calls).toHaveLength(2);
    const run = await s.runNow(t, 'test.daily');
    expect(run).toMatchObject({ periodKey: '2026-11-27', status: 'failed', attempts: 3, trigger: 'manual' });
  });

  it('[jobs] a succeeded period is re-run only when forced', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const s = scheduler(c.now);
    s.register(dailyJob(calls));
    await s.tick(undefined, { tenantIds: [t] });
    const refused = await s.runNow(t, 'test.daily').catch((e) => e);
    expect(refused).toBeInstanceOf(Problem);
    expect(refused).toMatchObject({ status: 409, code: 'job_already_succeeded' });
    const forced = await s.runNow(t, 'test.daily', { force: true });
    expect(forced).toMatchObject({ periodKey: '2026-11-27', status: 'succeeded', attempts: 2, trigger: 'manual' });
    // an explicit older period runs as asked, and the scheduler leaves it alone afterwards
    const older = await s.runNow(t, 'test.daily', { periodKey: '2026-11-01' });
    expect(older).toMatchObject({ periodKey: '2026-11-01', status: 'succeeded', attempts: 1 });
    expect(calls.map((x) => x.periodKey)).toEqual(['2026-11-27', '2026-11-27', '2026-11-01']);
    await expect(s.runNow(t, 'no.such-job')).rejects.toMatchObject({ status: 404, code: 'job_unknown' });
  });

  it('[jobs] a run left "running" by a crashed instance is claimed again after its timeout', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    await db.query(
      `insert into job_runs (tenant_id, job_id, period_key, status, attempts, scheduled_for, started_at, instance)
       values ($1, 'test.daily', '2026-11-27', 'running', 1, '2026-11-26T19:00:00Z', '2026-11-26T19:00:05Z', 'crashed')`,
      [t],
    );
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    const s = scheduler(c.now);
    s.register({ ...dailyJob(calls), timeoutMs: 3_600_000 });
    expect((await s.tick(undefined, { tenantIds: [t] }))[0]).toMatchObject({ outcome: 'skipped', reason: 'running' });
    c.set('2026-11-26T20:00:05Z');
    expect((await s.tick(undefined, { tenantIds: [t] }))[0]).toMatchObject({ outcome: 'succeeded', attempt: 2 });
    expect(calls).toHaveLength(1);
  });

  it('[jobs] stop() waits for the run in progress', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    const calls: { tenantId: string; periodKey: string; attempt: number }[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = scheduler(c.now);
    s.register(dailyJob(calls, async () => gate.then(() => ({ ok: true }))));
    const ticking = s.tick(undefined, { tenantIds: [t] });
    await vi.waitFor(() => expect(calls).toHaveLength(1), { timeout: 10_000, interval: 10 });
    let stopped = false;
    const stopping = s.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
    expect((await ticking)[0]).toMatchObject({ outcome: 'succeeded' });
    expect((await runsOf(t))[0].status).toBe('succeeded');
  });

  it('[jobs] refuses a job with a bad cron or a duplicate id', () => {
    const s = scheduler(() => new Date());
    s.register(dailyJob([]));
    expect(() => s.register(dailyJob([]))).toThrow(/twice/);
    expect(() => s.register({ ...dailyJob([]), id: 'test.bad', cron: 'at three' })).toThrow();
  });
});

describe('platform housekeeping job', () => {
  it('[X1] platform.session-cleanup deletes expired sessions in bounded batches and keeps live ones', async () => {
    const t = await tenant();
    const other = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    const user = crypto.randomUUID();
    const insert = (tenantId: string, id: string, expires: string) =>
      db.query('insert into sessions (tenant_id, id, user_id, csrf_token, expires_at) values ($1,$2,$3,$4,$5)', [tenantId, id, user, 'csrf', expires]);
    for (let i = 0; i < 5; i++) await insert(t, `expired-${i}`, '2026-11-25T00:00:00Z');
    await insert(t, 'live', '2026-11-27T00:00:00Z');
    await insert(other, 'expired-elsewhere', '2026-11-25T00:00:00Z');
    const s = scheduler(c.now);
    s.register(sessionCleanupJob({ batchSize: 2, maxBatches: 10 }));
    const [r] = await s.tick(undefined, { tenantIds: [t] });
    expect(r).toMatchObject({ jobId: SESSION_CLEANUP, periodKey: '2026-11-27', outcome: 'succeeded' });
    const [run] = await runsOf(t, SESSION_CLEANUP);
    expect(run.output).toMatchObject({ deleted: 5, batches: 3, complete: true });
    const left = await db.query('select tenant_id, id from sessions where tenant_id = any($1) order by id', [[t, other]]);
    expect(left.rows.map((x: any) => x.id)).toEqual(['expired-elsewhere', 'live']);
  });

  it('[X1] a session backlog larger than one run’s budget is reported incomplete and finished later', async () => {
    const t = await tenant();
    const c = clock('2026-11-26T19:30:00Z');
    const user = crypto.randomUUID();
    for (let i = 0; i < 5; i++) {
      await db.query('insert into sessions (tenant_id, id, user_id, csrf_token, expires_at) values ($1,$2,$3,$4,$5)', [t, `old-${i}`, user, 'x', '2026-11-01T00:00:00Z']);
    }
    const s = scheduler(c.now);
    s.register(sessionCleanupJob({ batchSize: 2, maxBatches: 1 }));
    await s.tick(undefined, { tenantIds: [t] });
    expect((await runsOf(t, SESSION_CLEANUP))[0].output).toMatchObject({ deleted: 2, batches: 1, complete: false });
    c.set('2026-11-27T19:30:00Z');
    await s.tick(undefined, { tenantIds: [t] });
    c.set('2026-11-28T19:30:00Z');
    await s.tick(undefined, { tenantIds: [t] });
    expect(Number((await db.query('select count(*)::int as n from sessions where tenant_id = $1', [t])).rows[0].n)).toBe(0);
  });
});
