// G8 over HTTP and as a job: the month's report per region, its PDF, and the e-mails to the
// regional directors through a real SMTP server. A fresh tenant per test; goals rows are inserted
// with this file's own SQL (the goals core is written concurrently).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { periods } from '../../../platform/jobs/periods.js';
import { createTestApp, makeTenant, signedIn, type TestTenant } from '../../../test/harness.js';
import { decodeWords, leafParts, splitMessage, startSmtp } from '../../../platform/notify/test-support.js';
import { pdfText, pdfToPng } from '../../process/test-support.js';
import { healthReportJob } from './job.js';
import { HEALTH_REPORT_JOB, runHealthReport } from './service.js';

let app: App;
let db: Db;
let deps: Deps;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
// 2 November 2026, 09:00 in Shanghai: the run of days 1–5 covers October.
const NOW = new Date('2026-11-02T01:00:00Z');
const PERIOD = '2026-10';

beforeAll(async () => {
  smtp = await startSmtp();
  ({ app, db, deps } = await createTestApp({
    now: () => NOW,
    settings: { smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true, from: 'Trueline <notify@trueline.test>' } },
  }));
}, 120_000);
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);

// ---- test data (own SQL) ---------------------------------------------------------------------

async function plan(t: TestTenant): Promise<string> {
  const id = crypto.randomUUID();
  await db.query(`insert into goal_plans (tenant_id, id, year, name, created_at) values ($1, $2, 2026, '2026 年度目标', now())`, [t.id, id]);
  return id;
}

async function target(t: TestTenant, planId: string, repId: string, metric: string, value: number, acceptance: string | null, tier = 'process', period = PERIOD) {
  await db.query(
    `insert into goal_targets (tenant_id, id, plan_id, tier, metric, period, node_kind, node_id, value, acceptance, updated_at)
     values ($1, $2, $3, $4, $5, $6, 'rep', $7, $8, $9, now())`,
    [t.id, crypto.randomUUID(), planId, tier, metric, period, repId, value, acceptance],
  );
}

async function attained(t: TestTenant, repId: string, metric: string, numerator: number, denominator: number | null = null) {
  const u = Object.values(t.users).find((x) => x.id === repId)!;
  await db.query(
    `insert into goal_attainment (tenant_id, metric, period, rep_id, team_id, region_id, numerator, denominator, definition_version, computed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 1, now())`,
    [t.id, metric, PERIOD, repId, u.teamId, u.regionId, numerator, denominator],
  );
}

async function canvas(t: TestTenant, repId: string, week: string, resources: string[][]) {
  const u = Object.values(t.users).find((x) => x.id === repId)!;
  await db.query(
    `insert into weekly_canvases (tenant_id, id, rep_id, team_id, region_id, week, items, review, submitted_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, now(), now())`,
    [
      t.id,
      crypto.randomUUID(),
      repId,
      u.teamId,
      u.regionId,
      week,
      JSON.stringify(resources.map((_, i) => ({ action: `动作 ${i + 1}`, goal: 'effectiveVisits' }))),
      JSON.stringify(resources.map((r, i) => ({ index: i, resources: r, note: '' }))),
    ],
  );
}

/** October: 华东区 (rep, rep2, rep3) and 华北区 (rep4). */
async function seed(t: TestTenant) {
  const p = await plan(t);
  const { rep, rep2, rep3, rep4 } = t.users;
  await target(t, p, rep.id, 'effectiveVisits', 20, 'accepted');
  await target(t, p, rep.id, 'objectionClosureRate', 0.8, 'accepted');
  await target(t, p, rep2.id, 'effectiveVisits', 20, 'contested');
  await target(t, p, rep3.id, 'effectiveVisits', 15, null);
  await target(t, p, rep4.id, 'effectiveVisits', 10, 'accepted');
  await target(t, p, rep4.id, 'amount', 500000, 'accepted', 'result');
  await target(t, p, rep4.id, 'effectiveVisits', 99, 'pending', 'process', '2026-11'); // another month
  await attained(t, rep.id, 'effectiveVisits', 24);
  await attained(t, rep.id, 'objectionClosureRate', 9, 10);
  await attained(t, rep2.id, 'effectiveVisits', 12);
  await attained(t, rep4.id, 'effectiveVisits', 11);
  await canvas(t, rep.id, '2026-W41', [['方案支持', '价格审批'], ['方案支持'], []]);
  await canvas(t, rep3.id, '2026-W43', [['技术专家']]);
  await canvas(t, rep4.id, '2026-W44', [['市场物料'], ['技术专家']]);
  await canvas(t, rep4.id, '2026-W45', [['价格审批']]); // November's week
}

const mailsOf = (t: TestTenant) => smtp.mails.filter((m) => m.to.some((a) => a.endsWith(`@${t.slug}.test`)));
const deliver = (t: TestTenant) => deps.notify.deliverDue(new Date(), { tenantId: t.id });
const outboundCount = async (t: TestTenant) => Number((await db.query(`select count(*) from outbound_messages where tenant_id = $1`, [t.id])).rows[0].count);
const reportRows = async (t: TestTenant) =>
  (await db.query(`select region_id, sent_at, data from goal_health_reports where tenant_id = $1 and period = $2`, [t.id, PERIOD])).rows;

function pdfOf(mailRaw: string) {
  const part = leafParts(mailRaw).find((p) => p.headers['content-type']?.startsWith('application/pdf'));
  return part ? { body: part.body, name: decodeWords(/name="?([^";]+)"?/.exec(part.headers['content-type'])![1]) } : undefined;
}

describe('[G8] goal-health report job', () => {
  it('[G8] the job runs on days 1–5 at 06:00 for the previous month', () => {
    const j = healthReportJob();
    expect(j.id).toBe(HEALTH_REPORT_JOB);
    expect(j.cron).toBe('0 6 1-5 * *');
    expect(j.period(new Date('2026-11-03T22:00:00Z'), 'Asia/Shanghai')).toBe('2026-10');
    expect(j.period(new Date('2026-01-01T00:00:00Z'), 'Asia/Shanghai')).toBe('2025-12');
    expect(j.period).toBe(periods.previousMonth);
    expect(deps.jobs.definitions().some((d) => d.id === HEALTH_REPORT_JOB)).toBe(true);
  });

  it('[G8] each regional director receives exactly their own region’s report with the PDF; a re-run sends nothing', async () => {
    const t = await makeTenant(db);
    await seed(t);
    const run = await deps.jobs.runNow(t.id, HEALTH_REPORT_JOB);
    expect(run.periodKey).toBe(PERIOD);
    expect(run.status, run.error ?? '').toBe('succeeded');
    expect(run.output).toMatchObject({ period: PERIOD, readyByDay: 5, built: 3, alreadySent: 0 });

    const rows = await reportRows(t);
    expect(rows).toHaveLength(3); // company + 2 regions
    expect(rows.every((r) => r.sent_at instanceof Date)).toBe(true);
    const east = rows.find((r) => r.region_id === t.regions[0].id)!.data;
    expect(east.acceptance).toMatchObject({ num: 2, den: 4 });
    expect(east.process.overall).toMatchObject({ num: 1, den: 3 });
    expect(east.heatmap.cells.find((c: any) => c.resource === '方案支持').count).toBe(2);

    const results = await deliver(t);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    const mails = mailsOf(t);
    expect(mails).toHaveLength(2);
    const toDirector = mails.find((m) => m.to.includes(`director@${t.slug}.test`))!;
    const toDirector2 = mails.find((m) => m.to.includes(`director2@${t.slug}.test`))!;
    expect(toDirector.to).toEqual([`director@${t.slug}.test`]);
    expect(toDirector2.to).toEqual([`director2@${t.slug}.test`]);
    expect(decodeWords(splitMessage(toDirector.raw).headers.subject)).toBe('【目标穿透健康度报告】2026年10月 华东区');

    const pdf1 = pdfOf(toDirector.raw)!;
    expect(pdf1.name).toBe('目标穿透健康度报告-华东区-2026-10.pdf');
    const text1 = pdfText(pdf1.body);
    expect(text1).toContain('目标穿透健康度报告');
    expect(text1).toContain('华东区');
    expect(text1).toContain('上海一组');
    expect(text1).not.toContain('华北区');
    expect(text1).not.toContain('北京一组');
    const text2 = pdfText(pdfOf(toDirector2.raw)!.body);
    expect(text2).toContain('华北区');
    expect(text2).toContain('北京一组');
    expect(text2).not.toContain('华东区');

    // Inbox notices too, one each.
    const inbox = await db.query(`select user_id from notifications where tenant_id = $1 and kind = 'goals.health-report'`, [t.id]);
    expect(inbox.rows.map((r) => r.user_id).sort()).toEqual([t.users.director.id, t.users.director2.id].sort());
    const audit = await db.query(`select count(*) from audit_log where tenant_id = $1 and action = 'goals.health-report.send'`, [t.id]);
    expect(Number(audit.rows[0].count)).toBe(3);

    // A forced re-run (and a direct call) sends nothing more.
    const before = await outboundCount(t);
    const again = await deps.jobs.runNow(t.id, HEALTH_REPORT_JOB, { force: true });
    expect(again.status).toBe('succeeded');
    expect(again.output).toMatchObject({ sent: [], alreadySent: 3 });
    await runHealthReport(db, deps, t.id, PERIOD);
    expect(await outboundCount(t)).toBe(before);
    await deliver(t);
    expect(mailsOf(t)).toHaveLength(2);

    // Look at it: the first page rendered at 60 dpi.
    const out = path.join(os.tmpdir(), 'trueline-g8-pdf');
    fs.rmSync(out, { recursive: true, force: true });
    fs.writeFileSync(path.join(os.tmpdir(), 'trueline-g8-east.pdf'), pdf1.body);
    const pngs = pdfToPng(pdf1.body, out);
    expect(pngs.length).toBeGreaterThanOrEqual(1);
  });

  it('[G8] a build that fails halfway sends nothing; a send that fails leaves the unsent reports for the next run', async () => {
    const t = await makeTenant(db);
    await seed(t);
    await expect(
      runHealthReport(db, deps, t.id, PERIOD, {
        afterBuild: (regionId) => {
          if (regionId === t.regions[0].id) throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(await reportRows(t)).toHaveLength(0);
    expect(await outboundCount(t)).toBe(0);

    await expect(
      runHealthReport(db, deps, t.id, PERIOD, {
        beforeSend: (regionId) => {
          if (regionId === t.regions[1].id) throw new Error('renderer crashed');
        },
      }),
    ).rejects.toThrow(/1 report\(s\) not sent.*renderer crashed/);
    let rows = await reportRows(t);
    expect(rows.find((r) => r.region_id === t.regions[0].id)!.sent_at).toBeInstanceOf(Date);
    expect(rows.find((r) => r.region_id === t.regions[1].id)!.sent_at).toBeNull();
    expect(await outboundCount(t)).toBe(1);

    const next = await runHealthReport(db, deps, t.id, PERIOD);
    expect(next.sent.map((s) => s.regionId)).toEqual([t.regions[1].id]);
    rows = await reportRows(t);
    expect(rows.every((r) => r.sent_at)).toBe(true);
    await deliver(t);
    const mails = mailsOf(t);
    expect(mails.map((m) => m.to[0]).sort()).toEqual([`director2@${t.slug}.test`, `director@${t.slug}.test`]);
  });
});

describe('[G8] goal-health report over HTTP', () => {
  it('[G8] admin sees the company and every region; director and BP only their region; others 403; another tenant sees nothing', async () => {
    const t = await makeTenant(db);
    await seed(t);
    const admin = await as(t, 'admin');
    const res = await admin.get(`/api/v1/goals/reports/${PERIOD}`);
    expect(res.statusCode, res.body).toBe(200);
    const v = res.json();
    expect(v).toMatchObject({ period: PERIOD, stored: false, scopes: [{ regionId: null, name: '全公司' }, { name: '华东区' }, { name: '华北区' }] });
    expect(v.report.acceptance).toMatchObject({ num: 4, den: 6 });
    expect(v.report.process.overall).toMatchObject({ num: 2, den: 4 });
    expect(v.report.heatmap.regions.map((r: any) => r.name)).toEqual(['华东区', '华北区']);
    expect(v.report.teams).toHaveLength(3);

    const director = await as(t, 'director');
    const d = (await director.get(`/api/v1/goals/reports/${PERIOD}`)).json();
    expect(d.scopes).toEqual([{ regionId: t.regions[0].id, name: '华东区' }]);
    expect(d.report.scope).toEqual({ regionId: t.regions[0].id, name: '华东区' });
    expect(d.report.teams.map((x: any) => x.teamName).sort()).toEqual(['上海一组', '杭州一组'].sort());
    expect((await director.get(`/api/v1/goals/reports/${PERIOD}?regionId=${t.regions[1].id}`)).statusCode).toBe(404);
    const bp = await as(t, 'bp');
    expect((await bp.get(`/api/v1/goals/reports/${PERIOD}`)).json().report.scope.regionId).toBe(t.regions[0].id);
    for (const u of ['rep', 'manager', 'service']) {
      const r = await (await as(t, u)).get(`/api/v1/goals/reports/${PERIOD}`);
      expect(r.statusCode, u).toBe(403);
    }
    expect((await admin.get(`/api/v1/goals/reports/2026-13`)).statusCode).toBe(400);

    const other = await makeTenant(db);
    const otherAdmin = await as(other, 'admin');
    expect((await otherAdmin.get(`/api/v1/goals/reports/${PERIOD}?regionId=${t.regions[0].id}`)).statusCode).toBe(404);
    const empty = (await otherAdmin.get(`/api/v1/goals/reports/${PERIOD}`)).json();
    expect(empty.report.acceptance).toMatchObject({ num: 0, den: 0, rate: null });
    expect(empty.report.heatmap.total).toBe(0);
  });

  it('[G8] the PDF downloads with correct Chinese; admins run the job, others may not; the stored report is served after the run', async () => {
    const t = await makeTenant(db);
    await seed(t);
    const director = await as(t, 'director');
    const pdf = await director.get(`/api/v1/goals/reports/${PERIOD}/pdf`);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain('attachment');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('目标穿透健康度报告');
    expect(text).toContain('华东区');
    expect(text).toContain('指标承接率');
    expect((await director.get(`/api/v1/goals/reports/${PERIOD}/pdf?regionId=${t.regions[1].id}`)).statusCode).toBe(404);

    expect((await director.post(`/api/v1/goals/reports/${PERIOD}/run`, {})).statusCode).toBe(403);
    const admin = await as(t, 'admin');
    expect((await admin.post(`/api/v1/goals/reports/2026-11/run`, {})).statusCode).toBe(400); // not over yet
    const run = await admin.post(`/api/v1/goals/reports/${PERIOD}/run`, {});
    expect(run.statusCode, run.body).toBe(200);
    expect(run.json()).toMatchObject({ jobId: HEALTH_REPORT_JOB, periodKey: PERIOD, status: 'succeeded' });
    expect((await admin.post(`/api/v1/goals/reports/${PERIOD}/run`, {})).statusCode).toBe(409);
    const forced = await admin.post(`/api/v1/goals/reports/${PERIOD}/run`, { force: true });
    expect(forced.json().output).toMatchObject({ sent: [], alreadySent: 3 });

    const stored = (await director.get(`/api/v1/goals/reports/${PERIOD}`)).json();
    expect(stored.stored).toBe(true);
    expect(stored.sentAt).toBeTruthy();
    expect(stored.report.scope.name).toBe('华东区');
  });
});
