// The rep's field app at /m/ (P9 scan-to-record, P10 offline queue) in Chromium on a 390×844
// phone: a fake camera shows the customer's printed QR code, the geolocation is set next to the
// customer, and the server is asked afterwards what it stored. Timings are printed here and
// recorded by bench/mobile.ts, never asserted.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { BASE_URL, launch, newContext, screenshot, signIn } from './browser.js';
import * as fx from './fixtures/field.js';

/** The rep's budget for a complete visit record: scan, photo (button, shutter, use photo), needs, one chip, done = 7. */
const MAX_INTERACTIONS = 8;

let browser: Browser;
let api: fx.RepApi;
let customers: fx.SiteCustomer[];
let photo: string;

beforeAll(async () => {
  api = await fx.repApi(BASE_URL);
  customers = await fx.customersWithSite(api, 3);
  const qr = await fx.customerQr(api, customers[0].id);
  const dir = fx.fixtureDir();
  const video = fx.writeQrY4m(qr.url, path.join(dir, 'door-plate.y4m'));
  photo = await fx.writePhoto(path.join(dir, 'site.jpg'));
  browser = await launch(fx.fakeCameraArgs(video));
});
afterAll(async () => {
  await browser?.close();
});

interface VisitDetail {
  id: string;
  geofence: string | null;
  actions: { id: string; type: string; superseded: boolean; fields: Record<string, any> }[];
  media: { id: string; kind: string; actionId: string | null }[];
}

async function visitOnServer(id: string): Promise<VisitDetail> {
  const r = await api.get<VisitDetail>(`/api/v1/process/visits/${id}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
const active = (v: VisitDetail, type: string) => v.actions.filter((a) => a.type === type && !a.superseded);

describe('field app in the browser', () => {
  it('[P9] [P10] a rep scans a customer’s QR code and records a complete visit', async () => {
    const context = await newContext(browser, { phone: true });
    await context.grantPermissions(['geolocation', 'camera'], { origin: BASE_URL });
    await context.setGeolocation(fx.nearSite(customers[0]));
    const page = await context.newPage();
    await signIn(page, 'rep001');
    await page.goto('/m/');
    await page.getByTestId('scan-button').waitFor();
    expect(await page.getByTestId('scan-button').innerText()).toContain('扫码签到');
    await screenshot(page, 'field-today-zh');

    const walk = await fx.walkScanToRecord(page, { photo, beforeDone: () => screenshot(page, 'field-recorder-zh') });
    console.log(
      `[P9] scan-to-record: ${walk.interactions} interactions (${walk.taps} taps, ${walk.textEntries} text entries), ` +
        `${(walk.ms / 1000).toFixed(1)} s of machine wall time; milestones ${JSON.stringify(walk.marks)}`,
    );
    expect(walk.interactions).toBeLessThanOrEqual(MAX_INTERACTIONS);

    await fx.outboxDrained(page);
    const v = await visitOnServer(walk.visitId);
    const [checkIn] = active(v, 'check_in');
    expect(checkIn, 'check-in on the server').toBeTruthy();
    expect(checkIn.fields.via).toBe('qr');
    expect(checkIn.fields.position).toMatchObject({ datum: 'wgs84', accuracyM: 12 });
    expect(v.geofence).toBe('in');
    const needs = active(v, 'need_capture');
    expect(needs).toHaveLength(1);
    expect(needs[0].fields.needs).toEqual(['希望库存周转看板', '移动端审批']);
    expect(needs[0].fields.painPoints).toEqual([walk.painPoint]);
    const photos = v.media.filter((m) => m.kind === 'photo');
    expect(photos).toHaveLength(1);
    expect(photos[0].actionId).toBe(checkIn.id);

    // Today shows the visit with check-in and need capture done.
    const card = page.locator(`[data-testid="today-visit"][data-visit-id="${walk.visitId}"]`);
    await card.waitFor();
    await expect.poll(() => card.locator('[data-action="need_capture"]').getAttribute('data-state')).toBe('done');
    expect(await card.locator('[data-action="check_in"]').getAttribute('data-state')).toBe('done');
    await screenshot(page, 'field-today-after-zh');

    // The recorder again (from today's list): the check-in is not repeated.
    await card.click();
    await page.getByTestId('visit').waitFor();
    await page.locator('[data-testid="checkin-status"][data-state="sent"]').waitFor();
    await screenshot(page, 'field-visit-zh');

    // English on request, remembered for the main app too.
    await page.getByTestId('lang-switch').click();
    await page.getByTestId('back').click();
    await page.getByTestId('scan-button').waitFor();
    expect(await page.getByTestId('scan-button').innerText()).toContain('Scan to check in');
    expect(await page.evaluate(() => localStorage.getItem('tl_lang'))).toBe('en-US');
    await screenshot(page, 'field-today-en');
    expect(active(await visitOnServer(walk.visitId), 'check_in')).toHaveLength(1);
    await context.close();
  });

  it('[P10] an action sent twice while flaky arrives once', async () => {
    const customer = customers[1];
    const qr = await fx.customerQr(api, customer.id);
    const context = await newContext(browser, { phone: true });
    await context.grantPermissions(['geolocation'], { origin: BASE_URL });
    await context.setGeolocation(fx.nearSite(customer));
    await fx.useSession(context, api);
    const page = await context.newPage();
    // The phone's own camera app opened the printed URL.
    await page.goto(`/m/c/${qr.code}`);
    const visitId = (await page.getByTestId('visit').getAttribute('data-visit-id'))!;
    await page.locator('[data-testid="checkin-status"][data-state="sent"]').waitFor({ timeout: 30_000 });

    await context.setOffline(true);
    await page.getByTestId('needs-input').fill('离线时记录的需求：报表自动化');
    await page.getByTestId('done-button').click();
    await page.waitForURL((u) => u.pathname === '/m/');
    const badge = page.getByTestId('outbox-badge');
    await expect.poll(() => badge.getAttribute('data-pending')).toBe('1');
    expect(await badge.innerText()).toContain('待发送 1');
    expect(active(await visitOnServer(visitId), 'need_capture')).toHaveLength(0);
    await badge.click();
    await page.getByTestId('outbox-item').first().waitFor();
    await screenshot(page, 'field-outbox-offline-zh');

    // Back online, the first send reaches the server but its answer is lost; the queue sends again.
    const posts: string[] = [];
    let dropped = false;
    await page.route('**/api/v1/process/visits/*/actions', async (route) => {
      const req = route.request();
      if (req.method() !== 'POST') return route.continue();
      posts.push(req.postData() ?? '');
      if (!dropped) {
        dropped = true;
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await context.setOffline(false);
    await fx.outboxDrained(page);
    expect(posts).toHaveLength(2);
    expect(posts[1]).toBe(posts[0]);
    const sent = JSON.parse(posts[0]);
    expect(sent.type).toBe('need_capture');

    const v = await visitOnServer(visitId);
    const needs = active(v, 'need_capture');
    expect(needs.map((a) => a.id)).toEqual([sent.id]);
    expect(needs[0].fields.needs).toEqual(['离线时记录的需求：报表自动化']);

    // The same POST replayed by hand: 200 with the stored record, still one action.
    const replay = await api.post<{ action: { id: string; type: string } }>(`/api/v1/process/visits/${visitId}/actions`, sent);
    expect(replay.status).toBe(200);
    expect(replay.body.action).toMatchObject({ id: sent.id, type: 'need_capture' });
    expect(active(await visitOnServer(visitId), 'need_capture')).toHaveLength(1);
    await context.close();
  });

  it('[P9] [G2] without a camera the rep finds the customer by search, checks in by hand and files an objection resolved on the spot', async () => {
    const customer = customers[2];
    const context = await newContext(browser, { phone: true });
    await context.grantPermissions(['geolocation'], { origin: BASE_URL });
    await context.setGeolocation(fx.nearSite(customer));
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined, configurable: true }));
    await fx.useSession(context, api);
    const page = await context.newPage();
    await page.goto('/m/scan');
    await page.getByTestId('camera-off').waitFor();
    await page.getByTestId('customer-search').fill(customer.name);
    const hit = page.getByTestId('customer-result').filter({ hasText: customer.name }).first();
    await hit.waitFor();
    await screenshot(page, 'field-scan-search-zh');
    await hit.click();
    await page.waitForURL(new RegExp(`/m/k/${customer.id}`));
    const visitId = (await page.getByTestId('visit').getAttribute('data-visit-id'))!;
    await page.locator('[data-testid="checkin-status"][data-state="queued"], [data-testid="checkin-status"][data-state="sent"]').first().waitFor({ timeout: 30_000 });
    // An objection: 待跟进 (still open) is preselected; one tap says it was resolved on the spot.
    await page.getByTestId('fold-objection').locator('summary').click();
    await page.getByTestId('objection-content').fill('担心实施周期');
    expect(await page.getByTestId('objection-open').getAttribute('aria-checked')).toBe('true');
    await page.getByTestId('objection-closed').click();
    expect(await page.getByTestId('objection-closed').getAttribute('aria-checked')).toBe('true');
    expect(await page.getByTestId('objection-open').getAttribute('aria-checked')).toBe('false');
    await screenshot(page, 'field-objection-zh');
    await page.getByTestId('done-button').click();
    await page.waitForURL((u) => u.pathname === '/m/');
    await fx.outboxDrained(page);
    const v = await visitOnServer(visitId);
    const [checkIn] = active(v, 'check_in');
    expect(checkIn.fields.via).toBe('manual');
    expect(active(v, 'objection').map((a) => a.fields)).toEqual([{ category: 'other', content: '担心实施周期', status: 'closed' }]);
    await context.close();
  });
});
