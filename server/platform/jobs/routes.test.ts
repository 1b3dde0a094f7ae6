import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../app.js';
import type { Db } from '../db/db.js';
import { createTestApp, makeTenant, type TestTenant, signedIn } from '../../test/harness.js';
import { SESSION_CLEANUP } from './platform-jobs.js';

let app: App;
let db: Db;
const NOW = new Date('2026-11-26T08:00:00Z'); // 16:00 Shanghai

beforeAll(async () => {
  ({ app, db } = await createTestApp({ now: () => NOW }));
}, 60_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

describe('jobs API /api/v1/admin/jobs', () => {
  it('[jobs] lists job definitions with their cron, next run in the tenant time zone and last run', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const res = await admin.get('/api/v1/admin/jobs');
    expect(res.statusCode).toBe(200);
    const job = res.json().items.find((j: any) => j.id === SESSION_CLEANUP);
    expect(job).toMatchObject({
      cron: '0 3 * * *',
      timeZone: 'Asia/Shanghai',
      currentPeriodKey: '2026-11-26',
      nextRunAt: '2026-11-26T19:00:00.000Z', // 03:00 on 27 Nov in Shanghai
      lastRun: null,
      title: { 'zh-CN': '清理过期会话' },
    });
  });

  it('[jobs] an admin runs a job now; a second run of a succeeded period needs force; runs are listed and audited', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const url = `/api/v1/admin/jobs/${SESSION_CLEANUP}/run`;
    const first = await admin.post(url, {});
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ jobId: SESSION_CLEANUP, periodKey: '2026-11-26', status: 'succeeded', attempts: 1, trigger: 'manual', triggeredById: t.users.admin.id });
    const again = await admin.post(url);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'job_already_succeeded' });
    const forced = await admin.post(url, { force: true });
    expect(forced.json()).toMatchObject({ status: 'succeeded', attempts: 2 });
    const older = await admin.post(url, { periodKey: '2026-11-01' });
    expect(older.json()).toMatchObject({ periodKey: '2026-11-01', attempts: 1 });

    const runs = (await admin.get(`/api/v1/admin/jobs/runs?jobId=${SESSION_CLEANUP}&status=succeeded&pageSize=1`)).json();
    expect(runs).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(runs.items).toHaveLength(1);
    const overview = (await admin.get('/api/v1/admin/jobs')).json();
    expect(overview.items.find((j: any) => j.id === SESSION_CLEANUP).lastRun).toMatchObject({ status: 'succeeded' });

    const audit = await db.query(`select action, record_id, after from audit_log where tenant_id = $1 and resource = 'JobRun' order by id`, [t.id]);
    expect(audit.rows.map((r: any) => [r.action, r.record_id, r.after.force])).toEqual([
      ['job.run', `${SESSION_CLEANUP}/2026-11-26`, false],
      ['job.run', `${SESSION_CLEANUP}/2026-11-26`, true],
      ['job.run', `${SESSION_CLEANUP}/2026-11-01`, false],
    ]);
  });

  it('[jobs] bad input and other roles are refused', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    expect((await admin.post('/api/v1/admin/jobs/no.such-job/run', {})).statusCode).toBe(404);
    expect((await admin.post(`/api/v1/admin/jobs/${SESSION_CLEANUP}/run`, { periodKey: 'drop table;' })).statusCode).toBe(400);
    expect((await admin.post(`/api/v1/admin/jobs/${SESSION_CLEANUP}/run`, { force: 'yes' })).statusCode).toBe(400);
    expect((await admin.post(`/api/v1/admin/jobs/${SESSION_CLEANUP}/run`, { extra: 1 })).statusCode).toBe(400);
    expect((await admin.get('/api/v1/admin/jobs/runs?status=exploded')).statusCode).toBe(400);
    for (const role of ['director', 'manager', 'rep']) {
      const u = await as(t, role);
      expect((await u.get('/api/v1/admin/jobs')).statusCode).toBe(403);
      expect((await u.get('/api/v1/admin/jobs/runs')).statusCode).toBe(403);
      expect((await u.post(`/api/v1/admin/jobs/${SESSION_CLEANUP}/run`, {})).statusCode).toBe(403);
    }
    const rows = await db.query('select 1 from job_runs where tenant_id = $1', [t.id]);
    expect(rows.rows).toHaveLength(0);
  });

  it('[jobs] runs of one tenant are not listed for another', async () => {
    const a = await makeTenant(db);
    const b = await makeTenant(db);
    await (await as(a, 'admin')).post(`/api/v1/admin/jobs/${SESSION_CLEANUP}/run`, {});
    const runsB = (await (await as(b, 'admin')).get('/api/v1/admin/jobs/runs')).json();
    expect(runsB.total).toBe(0);
  });
});
