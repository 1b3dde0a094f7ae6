// The monthly calibration meeting (C6) in a real browser: the demo's first start builds this
// month's cards from the real item providers; customer service answers an item on one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launch, newContext, screenshot, signIn } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('calibration meeting', () => {
  it('[C6] customer service opens a card of this month and confirms an item; the answer is recorded for service', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, 'service1');
    await page.goto('/customers/calibration?status=open');
    const rows = page.getByTestId('calibration-row');
    await rows.first().waitFor();
    const list = await (await page.request.get('/api/v1/calibration/cards?status=open&pageSize=50')).json();
    expect(list.total).toBeGreaterThan(0);
    await expect.poll(() => rows.count()).toBe(Math.min(50, list.total));
    await screenshot(page, 'calibration-list-zh');

    await rows.first().getByTestId('calibration-open').click();
    const item = page.getByTestId('calibration-item').first();
    await item.waitFor();
    expect(await item.getByTestId('answer-service').innerText()).toContain('未确认');
    await item.getByTestId('calibration-confirm').click();
    await expect.poll(() => item.getByTestId('answer-service').innerText()).not.toContain('未确认');
    await expect.poll(() => item.getByTestId('calibration-confirm').count()).toBe(0);
    await screenshot(page, 'calibration-card-zh');

    const card = await (await page.request.get(`/api/v1/calibration/cards/${list.items[0].id}`)).json();
    expect(card.items[0].answers).toEqual([expect.objectContaining({ party: 'service', action: 'confirm' })]);
    await ctx.close();
  });

  it('[C6] a rep sees only their own customers’ cards, on a phone', async () => {
    const ctx = await newContext(browser, { phone: true });
    const page = await ctx.newPage();
    await signIn(page, 'rep001');
    await page.goto('/customers/calibration');
    await page.getByTestId('calibration-title').waitFor();
    const me = await (await page.request.get('/api/v1/auth/me')).json();
    const list = await (await page.request.get('/api/v1/calibration/cards?pageSize=200')).json();
    expect(list.items.every((c: any) => c.ownerId === me.user.id)).toBe(true);
    if (list.total > 0) await page.getByTestId('calibration-row').first().waitFor();
    await screenshot(page, 'calibration-phone-zh');
    await ctx.close();
  });
});
