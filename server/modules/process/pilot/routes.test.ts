// P11 pilot comparison over HTTP: studies, the report and its PDF, on a fresh tenant per test.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app.js';
import type { Db } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { createTestApp, makeTenant, signedIn, type TestTenant, type TestUser } from '../../../test/harness.js';
import { ACTION_TYPES_ALL, insertProcessFlag, insertVisit, makeCustomer, pdfText, pdfToPng, type SeedAction } from '../test-support.js';
import { BLIND_JOB } from '../blind/job.js';

let app: App;
let db: Db;
let deps: Deps;
const NOW = new Date('2026-11-02T01:00:00Z');

beforeAll(async () => {
  ({ app, db, deps } = await createTestApp({ now: () => NOW }));
}, 120_000);
afterAll(async () => {
  await app?.close();
});

const as = (t: TestTenant, username: string) => signedIn(app, t, username);
const sh = (local: string) => new Date(`${local}+08:00`);
const HOUR = 3_600_000;

const NOTHING_MISSING = { actions: [], late: [], outOfOrder: [], checklist: [] };

function study(t: TestTenant, over: Record<string, unknown> = {}) {
  return { name: '2026年10月 扫码即录试点', pilotTeamIds: [t.teams[0].id], controlTeamIds: [t.teams[2].id], periodFrom: '2026-10-01', periodTo: '2026-10-31', ...over };
}

describe('pilot comparison (P11)', () => {
  it('[P11] admins and directors create pilot studies; unknown, overlapping or empty groups and bad periods are refused', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const created = await admin.post('/api/v1/process/pilots', study(t, { pilotTeamIds: [t.teams[0].id, t.teams[1].id] }));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      name: '2026年10月 扫码即录试点',
      pilotTeams: [{ id: t.teams[0].id, name: '上海一组' }, { id: t.teams[1].id, name: '杭州一组' }],
      controlTeams: [{ id: t.teams[2].id, name: '北京一组' }],
      periodFrom: '2026-10-01',
      periodTo: '2026-10-31',
      createdBy: t.users.admin.id,
    });
    const audit = await db.query(`select after from audit_log where tenant_id = $1 and action = 'pilot.create'`, [t.id]);
    expect(audit.rows[0].after).toMatchObject({ controlTeamIds: [t.teams[2].id] });

    const refused = async (body: Record<string, unknown>, code: string, lang = 'zh-CN') => {
      const r = await admin.post('/api/v1/process/pilots', study(t, body), lang);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe(code);
      return r.json().detail as string;
    };
    expect(await refused({ controlTeamIds: ['00000000-0000-4000-8000-000000000000'] }, 'pilot_team_unknown')).toContain('团队不存在');
    expect(await refused({ controlTeamIds: [t.teams[0].id, t.teams[2].id] }, 'pilot_groups_overlap')).toContain('上海一组');
    expect(await refused({ controlTeamIds: [t.teams[0].id] }, 'pilot_groups_overlap', 'en-US')).toContain('cannot share a team');
    await refused({ pilotTeamIds: [] }, 'validation_failed');
    await refused({ periodFrom: '2026-11-01', periodTo: '2026-10-31' }, 'pilot_period_order');
    expect(await refused({ periodFrom: '2026-01-01', periodTo: '2027-01-01' }, 'pilot_period_too_long')).toContain('2026-12-31');
    await refused({ periodTo: '2026-02-30x' }, 'validation_failed');
    await refused({ periodFrom: '2026-02-30' }, 'validation_failed');
    await refused({ extra: 1 }, 'validation_failed');
    expect((await admin.post('/api/v1/process/pilots', study(t, { periodFrom: '2026-01-01', periodTo: '2026-12-31' }))).statusCode).toBe(201);
    expect((await (await as(t, 'director')).post('/api/v1/process/pilots', study(t))).statusCode).toBe(201);
    expect((await (await as(t, 'manager')).post('/api/v1/process/pilots', study(t))).statusCode).toBe(403);

    const list = await (await as(t, 'manager')).get('/api/v1/process/pilots');
    expect(list.statusCode).toBe(200);
    expect(list.json().items).toHaveLength(3);
    for (const who of ['rep', 'marketing', 'service']) expect((await (await as(t, who)).get('/api/v1/process/pilots')).statusCode, who).toBe(403);
    const other = await makeTenant(db);
    const foreign = await as(other, 'admin');
    expect((await foreign.get('/api/v1/process/pilots')).json().items).toEqual([]);
    expect((await foreign.get(`/api/v1/process/pilots/${created.json().id}/report`)).statusCode).toBe(404);
    expect((await foreign.get(`/api/v1/process/pilots/${created.json().id}/report.pdf`)).statusCode).toBe(404);
    // Another tenant's teams do not exist here.
    expect((await foreign.post('/api/v1/process/pilots', study(t))).json().code).toBe('pilot_team_unknown');
  });

  it('[P11] the report compares pilot and control on authenticity flags, timeliness and completeness, pilot minus control with a significance indication; the PDF is in Chinese', async () => {
    const t = await makeTenant(db);
    const admin = await as(t, 'admin');
    const customer = await makeCustomer(admin, t.users.rep, '上海明远机械有限公司');
    const visit = (rep: TestUser, at: Date, o: { types: readonly (typeof ACTION_TYPES_ALL)[number][]; lagMs: number; flags?: string[]; missing?: unknown; compliant?: boolean | null }) =>
      insertVisit(db, t.id, {
        customerId: customer,
        rep,
        occurredAt: at,
        flags: o.flags,
        missing: o.missing,
        compliant: o.compliant,
        actions: o.types.map((type, i): SeedAction => {
          const occurredAt = new Date(at.getTime() + i * 10 * 60_000);
          return { type, occurredAt, recordedAt: new Date(occurredAt.getTime() + o.lagMs) };
        }),
      });
    // Pilot (上海一组: rep, rep2): complete visits recorded within 5 minutes, half with a checklist, all compliant.
    for (let i = 0; i < 20; i++) {
      await visit(i % 2 ? t.users.rep2 : t.users.rep, sh(`2026-10-${String(1 + i).padStart(2, '0')}T10:00:00`), {
        types: ACTION_TYPES_ALL,
        lagMs: 5 * 60_000,
        missing: NOTHING_MISSING,
        compliant: i < 10 ? true : null,
      });
    }
    // Control (北京一组: rep4): two actions entered three days later, 12 of 20 flagged, nothing compliant.
    const control: string[] = [];
    for (let i = 0; i < 20; i++) {
      control.push(
        await visit(t.users.rep4, sh(`2026-10-${String(1 + i).padStart(2, '0')}T10:00:00`), {
          types: ['check_in', 'need_capture'],
          lagMs: 72 * HOUR,
          flags: i < 12 ? ['geofence'] : [],
          missing: { ...NOTHING_MISSING, actions: ['demo', 'objection', 'follow_up'] },
          compliant: i < 10 ? false : null,
        }),
      );
    }
    // Two pilot visits the checks have not evaluated yet (the summary is still the empty default).
    await visit(t.users.rep, sh('2026-10-25T10:00:00'), { types: ['check_in'], lagMs: 60_000 });
    await visit(t.users.rep2, sh('2026-10-26T10:00:00'), { types: ['check_in'], lagMs: 60_000 });
    // Outside the comparison: a pilot visit in November, a visit of a team in neither group.
    await visit(t.users.rep, sh('2026-11-01T10:00:00'), { types: ACTION_TYPES_ALL, lagMs: 0 });
    await visit(t.users.rep3, sh('2026-10-05T10:00:00'), { types: ['check_in'], lagMs: 0, flags: ['geofence'] });
    await insertProcessFlag(db, t.id, { rep: t.users.rep4, detector: 'backfill_lag', from: '2026-10-01', to: '2026-10-31', visitIds: control.slice(0, 8) });
    await insertProcessFlag(db, t.id, { rep: t.users.rep4, detector: 'template', from: '2026-08-01', to: '2026-08-31', visitIds: control.slice(8, 10) });
    // Blind checks of every October visit: pilot all confirmed; control 10 confirmed, 5 did not happen, 5 unreachable.
    await (await as(t, 'admin')).post('/api/v1/admin/config/process.blindSample/proposals', { value: { rate: 1 }, reason: '测试' });
    expect((await deps.jobs.runNow(t.id, BLIND_JOB, { periodKey: '2026-10' })).output).toMatchObject({ drawn: 43 });
    await db.query(`update blind_checks set outcome = 'confirmed' where tenant_id = $1 and rep_id <> $2`, [t.id, t.users.rep4.id]);
    for (const [i, id] of control.entries()) {
      await db.query(`update blind_checks set outcome = $3 where tenant_id = $1 and visit_id = $2`, [t.id, id, i < 10 ? 'confirmed' : i < 15 ? 'not_happened' : 'unreachable']);
    }

    const s = (await admin.post('/api/v1/process/pilots', study(t))).json();
    const r = await (await as(t, 'bp')).get(`/api/v1/process/pilots/${s.id}/report`);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json();
    expect(report.ruleVersion).toBe('pilot/1');
    expect(report.groups.pilot).toMatchObject({ label: { 'zh-CN': '试点组' }, teams: [{ name: '上海一组' }] });
    expect(report.groups.pilot.stats).toMatchObject({
      visits: 22,
      reps: 2,
      flaggedVisits: 0,
      p8Visits: 0,
      actions: 122,
      within24h: 122,
      lagMedian: 300,
      complete: 20,
      evaluated: 20,
      noMissing: 20,
      complianceAssessed: 10,
      compliant: 10,
      blindChecked: 22,
      blindConfirmed: 22,
    });
    expect(report.groups.control.stats).toMatchObject({
      visits: 20,
      reps: 1,
      flaggedVisits: 12,
      p8Visits: 8,
      p8Flags: 1,
      p8ByDetector: { backfill_lag: 1 },
      actions: 40,
      within24h: 0,
      lagMedian: 259_200,
      lagP90: 259_200,
      complete: 0,
      evaluated: 20,
      noMissing: 0,
      complianceAssessed: 10,
      compliant: 0,
      blindChecked: 20,
      blindConfirmed: 10,
      blindUnreachable: 5,
    });
    const m = Object.fromEntries(report.metrics.map((x: any) => [x.key, x]));
    expect(m.flaggedShare).toMatchObject({ pilot: { value: 0, num: 0, den: 22 }, control: { value: 0.6, num: 12, den: 20 }, diff: -0.6, verdict: 'better' });
    expect(m.flaggedShare.test.significant).toBe(true);
    expect(m.p8Share).toMatchObject({ diff: -0.4 });
    expect(m.blindRate).toMatchObject({ pilot: { value: 1 }, control: { value: 0.6667, num: 10, den: 15 }, verdict: 'insufficient' });
    expect(m.lagMedianHours).toMatchObject({ pilot: { value: 0.1 }, control: { value: 72 }, diff: -71.9, test: null });
    expect(m.within24hShare).toMatchObject({ pilot: { value: 1 }, control: { value: 0 }, diff: 1, verdict: 'better' });
    expect(m.completeShare).toMatchObject({ pilot: { value: 0.9091, num: 20, den: 22 }, diff: 0.9091, verdict: 'better' });
    expect(m.noMissingShare).toMatchObject({ pilot: { value: 1, den: 20 }, control: { value: 0, den: 20 } });
    expect(m.compliantShare).toMatchObject({ pilot: { value: 1, den: 10 }, control: { value: 0, den: 10 }, diff: 1 });
    expect(report.method['zh-CN']).toContain('z 检验');

    const pdf = await (await as(t, 'qa')).get(`/api/v1/process/pilots/${s.id}/report.pdf`);
    expect(pdf.statusCode, pdf.body).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(String(pdf.headers['content-disposition'])).toContain("filename*=UTF-8''%E8%BF%87%E7%A8%8B");
    const bytes = pdf.rawPayload;
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(bytes);
    for (const s2 of ['过程数据质量对比报告', '2026年10月 扫码即录试点', '试点组', '对照组', '上海一组', '北京一组', '六个动作齐全的拜访占比', '显著更好', '样本不足', '事后补录']) {
      expect(text, s2).toContain(s2.replace(/\s/g, ' '));
    }
    if (process.env.TRUELINE_PDF_OUT) {
      fs.mkdirSync(process.env.TRUELINE_PDF_OUT, { recursive: true });
      fs.writeFileSync(path.join(process.env.TRUELINE_PDF_OUT, 'pilot-report.pdf'), bytes);
      pdfToPng(bytes, process.env.TRUELINE_PDF_OUT);
    }
    expect((await (await as(t, 'rep')).get(`/api/v1/process/pilots/${s.id}/report.pdf`)).statusCode).toBe(403);
    expect((await admin.get('/api/v1/process/pilots/not-a-uuid/report')).statusCode).toBe(400);
  });
});
