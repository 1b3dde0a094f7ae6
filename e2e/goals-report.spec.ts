// G8 in a real browser against the demo company: the scheduler's catch-up has built and sent last
// month's goal-health report (one e-mail per region to its director; the demo server has no SMTP,
// so they are written as .eml files); the admin reads the rates the API computed, runs the job
// again from the page without a second e-mail, and downloads the PDF; a regional director sees
// only their own region.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, newContext, screenshot, signIn } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(user: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await signIn(page, user);
  return { ctx, page };
}

async function getJson(page: Page, url: string) {
  const res = await page.request.get(url);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

/** Last month in Shanghai, e.g. 2026-10 (the report is built for a closed month). */
function lastMonth(): string {
  const now = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

const pct = (rate: number | null) => (rate === null ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`);

describe('goal-health report (G8)', () => {
  it('[G8] last month’s report is sent once per region; the admin reads its rates, re-runs it without a second e-mail and downloads a Chinese PDF; a director sees only their region', async () => {
    const period = lastMonth();
    const admin = await signedIn('admin');
    const dir = await signedIn('director1');
    try {
      const page = admin.page;
      // A fresh server's scheduler catches up the job that was due on the 1st–5th: last month's
      // report is built and sent without anyone pressing a button.
      let api = await getJson(page, `/api/v1/goals/reports/${period}`);
      for (let i = 0; i < 60 && !api.sentAt; i++) {
        await page.waitForTimeout(1000);
        api = await getJson(page, `/api/v1/goals/reports/${period}`);
      }
      expect(api.stored).toBe(true);
      expect(api.sentAt).not.toBeNull();
      const subject = `【目标穿透健康度报告】${Number(period.slice(0, 4))}年${Number(period.slice(5))}月`;
      const reportMails = async () =>
        (await getJson(page, '/api/v1/admin/outbox?channel=email&pageSize=200')).items.filter((m: { subject: string }) => m.subject.startsWith(subject));
      const mails = await reportMails();
      const regions = api.scopes.filter((x: { regionId: string | null }) => x.regionId).map((x: { name: string }) => x.name);
      // One e-mail per region (to its director), each about that region only.
      expect(mails.map((m: { subject: string }) => m.subject.slice(subject.length).trim()).sort()).toEqual([...regions].sort());

      await page.goto(`/goals/report?period=${period}`);
      const acceptance = page.getByTestId('goal-report-acceptance');
      await acceptance.waitFor();
      // The page shows the API's numbers, not its own.
      await expect.poll(() => acceptance.innerText()).toContain(pct(api.report.acceptance.rate));
      expect(await page.getByTestId('goal-report-process').innerText()).toContain(pct(api.report.process.overall.rate));
      expect(await page.getByTestId('goal-report-gaps').innerText()).toContain(String(api.report.heatmap.total));
      expect(await page.getByTestId('goal-report-heatmap').locator('canvas').count()).toBeGreaterThan(0);
      const teamRows = await page.getByTestId('goal-report-teams').locator('tbody tr.ant-table-row').count();
      expect(teamRows).toBe(api.report.teams.length);
      await page.getByText(/已发送 \d{4}/).waitFor();

      // Running it again from the page sends nothing: no new e-mail.
      await page.getByTestId('goal-report-run').click();
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/goals/reports/${period}/run`) && r.request().method() === 'POST'),
        page.locator('.ant-popconfirm .ant-btn-primary').click(),
      ]);
      const again = await response.json();
      expect(again.status).toBe('succeeded');
      expect(again.output.sent).toEqual([]);
      expect(again.output.alreadySent).toBeGreaterThanOrEqual(regions.length);
      await page.getByText(`新发送 0 份，此前已发送 ${again.output.alreadySent} 份`).waitFor();
      expect((await reportMails()).map((m: { id: string }) => m.id).sort()).toEqual(mails.map((m: { id: string }) => m.id).sort());
      await screenshot(page, 'goals-report');

      // The PDF: a real PDF whose text is Chinese (read back with poppler's pdftotext).
      const href = await page.getByTestId('goal-report-pdf').getAttribute('href');
      const pdf = await page.request.get(href!);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toContain('application/pdf');
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-g8-')), 'report.pdf');
      fs.writeFileSync(file, await pdf.body());
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('目标穿透健康度报告');
      expect(text).toContain(period);

      // A regional director: their own region only.
      const mine = await getJson(dir.page, `/api/v1/goals/reports/${period}`);
      expect(mine.scopes).toHaveLength(1);
      expect(mine.report.scope.regionId).toBe(mine.scopes[0].regionId);
      // Another region (the e2e company may have only one: then any region that is not theirs).
      const other = api.scopes.find((s: { regionId: string | null }) => s.regionId && s.regionId !== mine.scopes[0].regionId)?.regionId ?? crypto.randomUUID();
      const refused = await dir.page.request.get(`/api/v1/goals/reports/${period}?regionId=${other}`);
      expect([403, 404]).toContain(refused.status());
      expect((await dir.page.request.get(`/api/v1/goals/reports/${period}/pdf?regionId=${other}`)).status()).not.toBe(200);
      await dir.page.goto(`/goals/report?period=${period}`);
      await dir.page.getByTestId('goal-report-acceptance').waitFor();
      expect(await dir.page.getByTestId('goal-report-scope').count()).toBe(0);
      expect(await dir.page.getByTestId('goal-report-run').count()).toBe(0);
    } finally {
      await admin.ctx.close();
      await dir.ctx.close();
    }
  });
});
