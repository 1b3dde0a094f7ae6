// The manager's side of the evidence engine in a real browser (P2, P4, P8): a manager opens a
// flagged visit from the list and reads why — the verdict's sentence with its numbers, the rule
// version and the raw inputs — and opens a rep's batch finding down to the visits behind it.
// The demo's fabricating reps normally provide both; when the demo has none in manager1's team,
// the test records what it needs through the API as one of that team's reps (a check-in 2 km from
// the customer; a visit entered three days after it happened), so it never depends on luck.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, launch, newContext, signIn } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function call(page: Page, method: 'get' | 'post', url: string, data?: unknown) {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '';
  const res = method === 'get' ? await page.request.get(url) : await page.request.post(url, { data: data ?? {}, headers: { 'x-csrf-token': csrf } });
  const body = await res.text();
  expect(res.ok(), `${method.toUpperCase()} ${url} → ${res.status()} ${body}`).toBe(true);
  return body ? JSON.parse(body) : undefined;
}

async function signedIn(user: string, opts: { phone?: boolean } = {}): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await newContext(browser, opts);
  const page = await ctx.newPage();
  await signIn(page, user);
  return { ctx, page };
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(400); // let antd's expand animations settle
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** A customer of the test's rep with a registered location (read from the customer record). */
async function repCustomerWithLocation(rep: Page) {
  const list = await call(rep, 'get', '/api/v1/customers?pageSize=100&sort=name&order=asc');
  for (const c of list.items) {
    const full = await call(rep, 'get', `/api/v1/customers/${c.id}`);
    if (typeof full.lat === 'number' && typeof full.lng === 'number') return full as { id: string; name: string; lat: number; lng: number };
  }
  throw new Error(`${REP} has no customer with a location`);
}

async function newVisit(rep: Page, customerId: string) {
  const id = crypto.randomUUID();
  await call(rep, 'post', '/api/v1/process/visits', { id, customerId, purpose: '需求沟通' });
  return id;
}

/** A rep of manager1's team (rep001–rep010); not rep001, whom the field-app tests use. */
const REP = 'rep002';

const zhNumber = (n: number) => new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 }).format(n);

describe('the manager’s evidence pages', () => {
  it('[P2] [P4] a manager opens a flagged visit and sees why', async () => {
    const { ctx, page } = await signedIn('manager1');
    await page.setViewportSize({ width: 1366, height: 900 });
    let flagged = await call(page, 'get', '/api/v1/process/visits?check=geofence&pageSize=50');
    if (!flagged.items.length) {
      // No geofence-flagged visit in manager1's team yet: the rep checks in 2 km north of a customer.
      const { ctx: repCtx, page: rep } = await signedIn(REP);
      const customer = await repCustomerWithLocation(rep);
      const visitId = await newVisit(rep, customer.id);
      await call(rep, 'post', `/api/v1/process/visits/${visitId}/actions`, {
        id: crypto.randomUUID(),
        type: 'check_in',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        fields: {},
        position: { lat: customer.lat + 2000 / 111_320, lng: customer.lng, accuracyM: 15, datum: 'wgs84' },
      });
      await repCtx.close();
      flagged = await call(page, 'get', '/api/v1/process/visits?check=geofence&pageSize=50');
    }
    expect(flagged.items.length).toBeGreaterThan(0);
    const expected = flagged.items[0];

    // The list: flagged only is on for a manager; narrow it to geofence flags and open the first.
    await page.goto('/process');
    await page.getByTestId('visit-row').first().waitFor();
    expect(await page.getByTestId('visits-flagged').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('visits-check').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '签到围栏' }).click();
    await expect.poll(() => page.url()).toContain('check=geofence');
    await expect.poll(() => page.getByTestId('visit-row').count()).toBe(flagged.items.length);
    await expect.poll(async () => (await page.getByTestId('visit-row').first().getByTestId('visit-flag').allInnerTexts()).join(' ')).toContain('签到围栏');
    await page.getByTestId('visit-row').first().click();
    await page.waitForURL(`**/process/visits/${expected.id}`);

    // The evidence panel: the geofence verdict in words, with the numbers the server stored.
    const detail = await call(page, 'get', `/api/v1/process/visits/${expected.id}`);
    const geofence = detail.verdicts.find((v: any) => v.check === 'geofence' && v.outcome === 'flag');
    expect(geofence).toBeTruthy();
    const verdict = page.locator('[data-testid="verdict"][data-check="geofence"]');
    await verdict.waitFor();
    expect(await verdict.getAttribute('data-outcome')).toBe('flag');
    const sentence = await verdict.getByTestId('verdict-sentence').innerText();
    expect(sentence).toMatch(/\d[\d,]* 米/);
    expect(sentence).toContain(`${zhNumber(geofence.numbers.radiusM)} 米`);
    if (geofence.numbers.distanceM !== null) expect(sentence).toContain(`${zhNumber(geofence.numbers.distanceM)} 米`);
    if (geofence.numbers.reason === 'outside_radius') expect(sentence).toContain(`超出 ${zhNumber(geofence.numbers.radiusM)} 米围栏`);
    expect(await verdict.getByTestId('verdict-rule').innerText()).toContain(geofence.ruleVersion);
    expect(geofence.ruleVersion).toMatch(/^geofence\//);
    // The raw inputs and numbers open below the sentence.
    await verdict.getByTestId('verdict-raw-toggle').click();
    await verdict.getByTestId('verdict-numbers').waitFor({ state: 'visible' });
    const raw = await verdict.getByTestId('verdict-numbers').innerText();
    expect(raw).toContain(`"radiusM": ${geofence.numbers.radiusM}`);
    expect(await page.getByTestId('steps-panel').innerText()).toContain('现场签到');
    await shot(page, 'process-visit-evidence-desktop');

    // The same visit on a phone.
    const { ctx: phoneCtx, page: phone } = await signedIn('manager1', { phone: true });
    await phone.goto(`/process/visits/${expected.id}`);
    const phoneVerdict = phone.locator('[data-testid="verdict"][data-check="geofence"]');
    await phoneVerdict.waitFor();
    expect(await phoneVerdict.getByTestId('verdict-sentence').innerText()).toBe(sentence);
    // Nothing wider than the screen.
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(phone, 'process-visit-evidence-phone');
    await phoneCtx.close();
    await ctx.close();
  });

  it('[P8] a manager sees a rep’s batch flag with the visits behind it', async () => {
    const { ctx, page } = await signedIn('manager1');
    await page.setViewportSize({ width: 1366, height: 900 });
    let flags = await call(page, 'get', '/api/v1/process/flags');
    if (!flags.items.length) {
      const { ctx: adminCtx, page: admin } = await signedIn('admin');
      await call(admin, 'post', '/api/v1/process/flags/run');
      flags = await call(page, 'get', '/api/v1/process/flags');
      if (!flags.items.length) {
        // Still nothing in manager1's team: the rep enters a visit three days after it happened.
        const { ctx: repCtx, page: rep } = await signedIn(REP);
        const customer = await repCustomerWithLocation(rep);
        const visitId = await newVisit(rep, customer.id);
        const happened = Date.now() - 72 * 3_600_000;
        await call(rep, 'post', `/api/v1/process/visits/${visitId}/actions`, {
          id: crypto.randomUUID(),
          type: 'check_in',
          occurredAt: new Date(happened).toISOString(),
          fields: {},
          position: { lat: customer.lat, lng: customer.lng, accuracyM: 12, datum: 'wgs84' },
        });
        await call(rep, 'post', `/api/v1/process/visits/${visitId}/actions`, {
          id: crypto.randomUUID(),
          type: 'need_capture',
          occurredAt: new Date(happened + 30 * 60_000).toISOString(),
          fields: { needs: ['报表自动化'] },
          note: '客户希望把月度报表自动化，预算在审批中',
        });
        await repCtx.close();
        await call(admin, 'post', '/api/v1/process/flags/run');
        flags = await call(page, 'get', '/api/v1/process/flags');
      }
      await adminCtx.close();
    }
    expect(flags.items.length).toBeGreaterThan(0);
    const flag = flags.items[0];
    expect(flag.evidence.length).toBeGreaterThan(0);

    await page.goto('/process/flags');
    const row = page.getByTestId('flag-row').first();
    await row.waitFor();
    await expect.poll(() => page.getByTestId('flag-row').count()).toBe(flags.items.length);
    const sentence = await row.getByTestId('flag-sentence').innerText();
    if (typeof flag.numbers.count === 'number' && typeof flag.numbers.total === 'number') expect(sentence).toContain(`${flag.numbers.count}/${flag.numbers.total}`);
    expect(sentence).toContain(flag.ruleVersion);
    expect(await page.getByTestId('team-row').count()).toBe(flags.teams.length);

    // The finding opens to its records, each a link to the visit.
    await row.locator('.ant-table-row-expand-icon').click();
    const evidence = page.getByTestId('flag-evidence').first();
    await evidence.waitFor();
    await expect.poll(() => evidence.getByTestId('flag-evidence-row').count()).toBe(flag.evidence.length);
    await shot(page, 'process-flags-desktop');
    const first = flag.evidence[0].visitId as string;
    await evidence.getByTestId('flag-visit-link').first().click();
    await page.waitForURL(`**/process/visits/${first}`);

    // On the visit, the batch finding is listed with this visit among its records.
    const batch = page.locator(`[data-testid="batch-flag"][data-detector="${flag.detector}"]`).first();
    await batch.waitFor();
    expect(await batch.getByTestId('batch-sentence').innerText()).toBe(sentence.replace(flag.ruleVersion, '').trim());
    expect(await batch.getByTestId('batch-row').count()).toBe(flag.evidence.length);
    expect(await batch.getByTestId('batch-row').first().innerText()).toContain('本次');
    await shot(page, 'process-visit-batch-desktop');
    await ctx.close();
  });

  it('[P1] [G2] a manager marks a rep’s open objection resolved; the correction keeps the rep and the closure rate rises', async () => {
    // The rep records a visit with an objection still open (待跟进).
    const { ctx: repCtx, page: rep } = await signedIn(REP);
    const customer = await repCustomerWithLocation(rep);
    const visitId = await newVisit(rep, customer.id);
    const at = Date.now() - 2 * 3_600_000;
    await call(rep, 'post', `/api/v1/process/visits/${visitId}/actions`, {
      id: crypto.randomUUID(),
      type: 'check_in',
      occurredAt: new Date(at).toISOString(),
      fields: {},
      position: { lat: customer.lat, lng: customer.lng, accuracyM: 10, datum: 'wgs84' },
    });
    const objectionId = crypto.randomUUID();
    await call(rep, 'post', `/api/v1/process/visits/${visitId}/actions`, {
      id: objectionId,
      type: 'objection',
      occurredAt: new Date(at + 20 * 60_000).toISOString(),
      fields: { category: 'price', content: '报价比竞品高 15%', status: 'open' },
    });
    const me = await call(rep, 'get', '/api/v1/auth/me');
    await repCtx.close();

    const { ctx, page } = await signedIn('manager1');
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const rate = async () =>
      (await call(page, 'get', `/api/v1/goals/board?year=${month.slice(0, 4)}&period=${month}&metric=objectionClosureRate&nodeKind=rep&nodeId=${me.user.id}`)).node;
    const before = await rate();
    await page.goto(`/process/visits/${visitId}`);
    const open = page.getByTestId('objection-status');
    await expect.poll(() => open.getAttribute('data-status')).toBe('open');
    await page.getByTestId('objection-close').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await expect.poll(() => page.locator('[data-testid="action"] [data-testid="objection-status"]').getAttribute('data-status')).toBe('closed');
    expect(await page.getByTestId('objection-close').count()).toBe(0);
    // Attainment follows at once: one more closed objection, same number of objections, still the rep's.
    const after = await rate();
    expect(after.numerator).toBe(before.numerator + 1);
    expect(after.denominator).toBe(before.denominator);
    const detail = await call(page, 'get', `/api/v1/process/visits/${visitId}`);
    const objections = detail.actions.filter((a: { type: string }) => a.type === 'objection');
    expect(objections.find((a: { id: string }) => a.id === objectionId).superseded).toBe(true);
    expect(objections.find((a: { superseded: boolean }) => !a.superseded)).toMatchObject({ fields: { status: 'closed' } });
    await shot(page, 'process-objection-closed');
    await ctx.close();
  });
});
