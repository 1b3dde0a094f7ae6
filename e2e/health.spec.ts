// Health board (C3) and scenario permissions on engagement records (C4) in a real browser against
// the demo company. The API is asked the same questions to check what the page shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newContext, screenshot, signIn } from './browser.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a tab of the customer page; on a phone a tab that does not fit sits in the overflow menu. */
async function openTab(page: Page, name: string) {
  await page.locator('.ant-tabs-nav').first().waitFor();
  const more = page.locator('.ant-tabs-nav-more');
  if ((await more.count()) && (await more.first().isVisible())) {
    await more.first().click();
    const item = page.locator('.ant-tabs-dropdown-menu-item', { hasText: name });
    await page.locator('.ant-tabs-dropdown-menu').first().waitFor();
    if (await item.count()) {
      await item.first().click();
      return;
    }
    await page.keyboard.press('Escape');
  }
  await page.getByRole('tab', { name }).click();
}

async function apiGet(page: Page, url: string) {
  const res = await page.request.get(url);
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

describe('health board in the browser', () => {
  it('[C3] a manager opens the portfolio; the riskiest customer shows stage, activity, service risk and the formula panel', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'manager1');
    await page.goto('/customers');
    await page.getByTestId('section-health').click();
    await page.waitForURL(/\/customers\/health/);
    const rows = page.getByTestId('portfolio-row');
    await rows.first().waitFor();
    const api = await apiGet(page, '/api/v1/health/portfolio?pageSize=20');
    expect(api.scope).toBe('team');
    expect(api.total).toBeGreaterThan(0);
    // The demo plants at-risk customers in every rep's book: the ranking puts one first.
    expect(api.items[0].level).toBe('at_risk');
    await expect.poll(() => rows.count()).toBe(Math.min(20, api.total));
    await expect.poll(() => page.getByTestId('portfolio-risk').first().innerText()).toBe(String(api.items[0].riskScore));
    await screenshot(page, 'health-portfolio-zh');

    await page.getByTestId('portfolio-customer').first().click();
    await page.waitForURL(new RegExp(`/customers/${api.items[0].customerId}`));
    const board = page.getByTestId('health-board');
    await board.waitFor();
    const h = await apiGet(page, `/api/v1/customers/${api.items[0].customerId}/health`);
    await expect.poll(() => page.getByTestId('health-risk').innerText()).toBe(String(h.overall.riskScore));
    for (const part of ['health-stage', 'health-activity', 'health-service']) expect(await page.getByTestId(part).isVisible()).toBe(true);
    // No contract-performance source yet: shown as not available, never a number.
    expect(await page.getByTestId('health-comp-contractDeviation').innerText()).toContain('暂无数据');

    await page.getByTestId('health-how').click();
    const evidence = page.getByTestId('evidence-service-formula');
    await evidence.waitFor();
    await page.waitForTimeout(400); // let the drawer finish sliding in before the screenshot
    expect(await evidence.innerText()).toBe(h.serviceRisk.formula['zh-CN']);
    expect(await page.getByTestId('health-rule-version').innerText()).toBe(`v${h.ruleVersion}`);
    expect(await page.getByTestId('evidence-overall-formula').innerText()).toBe(h.overall.formula['zh-CN']);
    await screenshot(page, 'health-evidence-zh');
    await context.close();
  });

  it('[C4] a rep sees service tickets in the timeline without an edit button; customer service gets one', async () => {
    const context = await newContext(browser, { phone: true });
    const page = await context.newPage();
    await signIn(page, 'rep001');
    const mine = await apiGet(page, '/api/v1/health/portfolio?pageSize=200');
    const withTickets = mine.items.find((i: { tickets: number }) => i.tickets > 0);
    expect(withTickets).toBeTruthy();
    await page.goto(`/customers/${withTickets.customerId}`);
    await page.getByTestId('health-board').waitFor();
    await screenshot(page, 'health-overview-phone-zh');
    await openTab(page, '时间线');
    await page.getByTestId('timeline').waitFor();
    // Page through until a ticket shows (the timeline merges every kind by time).
    for (let i = 0; i < 10 && (await page.getByTestId('timeline-ticket').count()) === 0; i++) {
      if (!(await page.getByTestId('timeline-more').count())) break;
      await page.getByTestId('timeline-more').click();
      await page.waitForTimeout(300);
    }
    expect(await page.getByTestId('timeline-ticket').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('ticket-edit').count()).toBe(0);
    const tickets = await apiGet(page, `/api/v1/customers/${withTickets.customerId}/tickets`);
    expect(tickets.items.every((t: { _abilities: { update: boolean } }) => !t._abilities.update)).toBe(true);
    const patch = await page.request.patch(`/api/v1/tickets/${tickets.items[0].id}`, {
      data: { version: tickets.items[0].version, status: 'closed' },
      headers: { 'x-csrf-token': (await context.cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '' },
    });
    expect(patch.status()).toBe(403);
    await screenshot(page, 'health-timeline-rep-phone-zh');

    // The rep logs a call with a key contact: it tops the timeline and counts toward activity.
    const before = await apiGet(page, `/api/v1/customers/${withTickets.customerId}/health`);
    await page.getByTestId('activity-add').click();
    await page.getByTestId('activity-contact').fill('丁主管');
    await page.getByTestId('activity-subject').fill('E2E 回访电话');
    await page.getByTestId('activity-save').click();
    await expect.poll(async () => (await page.getByTestId('timeline-item').first().innerText()).includes('E2E 回访电话')).toBe(true);
    const after = await apiGet(page, `/api/v1/customers/${withTickets.customerId}/health`);
    expect(after.activity.inputs.last30.call).toBe(before.activity.inputs.last30.call + 1);
    await context.close();

    const svc = await newContext(browser);
    const sp = await svc.newPage();
    await signIn(sp, 'service1');
    await sp.goto(`/customers/${withTickets.customerId}`);
    await openTab(sp, '时间线');
    await sp.getByTestId('timeline').waitFor();
    for (let i = 0; i < 10 && (await sp.getByTestId('ticket-edit').count()) === 0; i++) {
      if (!(await sp.getByTestId('timeline-more').count())) break;
      await sp.getByTestId('timeline-more').click();
      await sp.waitForTimeout(300);
    }
    expect(await sp.getByTestId('ticket-edit').count()).toBeGreaterThan(0);
    await svc.close();
  });

  it('[C4] marketing sees touchpoint paths with the contact masked, and no health board or tickets', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'marketing1');
    const list = await apiGet(page, '/api/v1/customers?pageSize=5');
    const target = list.items[0];
    // Record our own touchpoint so the check does not depend on what the demo drew.
    const csrf = (await context.cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '';
    const created = await page.request.post(`/api/v1/customers/${target.id}/touchpoints`, {
      data: { channel: '线上研讨会', campaign: 'E2E 健康度', action: '报名并参会', contactName: '欧阳娜娜', occurredAt: new Date().toISOString() },
      headers: { 'x-csrf-token': csrf },
    });
    expect(created.status(), await created.text()).toBe(201);
    expect((await created.json()).contactName).not.toContain('娜娜');
    await page.goto(`/customers/${target.id}`);
    await openTab(page, '时间线');
    const tp = page.getByTestId('timeline-touchpoint').first();
    await tp.waitFor();
    const text = await tp.innerText();
    expect(text).toContain('线上研讨会');
    expect(text).not.toContain('欧阳娜娜');
    expect(await tp.getByTestId('masked-hint').count()).toBe(1);
    expect(await page.getByTestId('timeline-ticket').count()).toBe(0);
    expect(await page.getByTestId('health-board').count()).toBe(0);
    expect((await page.request.get(`/api/v1/customers/${target.id}/tickets`)).status()).toBe(403);
    await screenshot(page, 'health-timeline-marketing-zh');
    await context.close();
  });
});
