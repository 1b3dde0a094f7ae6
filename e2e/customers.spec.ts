// Main customer flows in a real browser against a running server with the demo company
// (scripts/e2e.mjs starts it). The API is asked the same questions to check what the page shows.
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

async function apiGet(page: Page, url: string) {
  const res = await page.request.get(url);
  expect(res.status()).toBe(200);
  return res.json();
}

describe('customers in the browser', () => {
  it('[X6] [X1] a manager signs in, searches, filters by tier, opens a customer and switches to English', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'manager1');
    await page.getByTestId('nav-customers').click();
    await page.waitForURL(/\/customers/);
    const rows = page.getByTestId('customer-row');
    await rows.first().waitFor();

    // The list shows the manager's team only: the same set the API returns for this session.
    const api = await apiGet(page, '/api/v1/customers?pageSize=20');
    expect(api.total).toBeGreaterThan(0);
    const teamIds = new Set(api.items.map((c: any) => c.teamId));
    expect(teamIds.size).toBe(1);
    await expect.poll(() => rows.count()).toBe(Math.min(20, api.total));

    // Search by a fragment of a real customer's name.
    const target = api.items[3] ?? api.items[0];
    // antd puts the test id on the <input> itself or on its affix wrapper, depending on props.
    const search = page.locator('input[data-testid="customer-search"], [data-testid="customer-search"] input').first();
    const fragment = [...target.name].slice(2, 6).join('');
    await search.fill(fragment);
    await search.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('q') === fragment);
    // The previous page stays on screen until the search answers: wait for rows that all match.
    await expect.poll(async () => {
      const texts = await rows.allInnerTexts();
      return texts.length > 0 && texts.every((t) => t.includes(fragment));
    }).toBe(true);

    // Filter by tier KA (after clearing the search).
    await search.fill('');
    await search.press('Enter');
    const param = (k: string) => new URL(page.url()).searchParams.get(k);
    await expect.poll(() => param('q')).toBeNull();
    await page.getByTestId('filter-tier').click();
    const ka = page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="KA"]');
    await ka.waitFor();
    await ka.click();
    await expect.poll(() => param('tier')).toBe('KA');
    const kaList = await apiGet(page, '/api/v1/customers?tier=KA&pageSize=20');
    await expect.poll(async () => {
      const texts = await rows.allInnerTexts();
      return texts.length === Math.min(20, kaList.total) && texts.every((t) => t.includes('KA'));
    }).toBe(true);
    await page.keyboard.press('Escape');
    await screenshot(page, 'customers-desktop-zh');

    // Open one and see its detail.
    const first = kaList.items[0] ?? api.items[0];
    await page.goto(`/customers/${first.id}`);
    await expect.poll(() => page.getByTestId('customer-title').innerText()).toContain(first.name);
    await screenshot(page, 'customer-detail-zh');

    // Switch the language: navigation and labels change, the choice is remembered.
    await page.getByTestId('lang-switch').getByText('English').click();
    await expect.poll(() => page.getByTestId('nav-customers').innerText()).toMatch(/Customers/);
    await page.reload(); // a deep link survives a reload (the server falls back to the app)
    await expect.poll(() => page.getByTestId('nav-customers').innerText()).toMatch(/Customers/);
    await expect.poll(() => page.getByTestId('customer-title').innerText()).toContain(first.name);
    await screenshot(page, 'customer-detail-en');
    await context.close();
  });

  it('[X6] on a phone a rep gets the mobile layout: bottom tab bar, no side menu, own customers as cards', async () => {
    const context = await newContext(browser, { phone: true });
    const page = await context.newPage();
    await signIn(page, 'rep001');
    await page.goto('/customers');
    await page.getByTestId('mobile-tabbar').waitFor();
    expect(await page.locator('.ant-layout-sider').count()).toBe(0);
    const rows = page.getByTestId('customer-row');
    await rows.first().waitFor();
    const api = await apiGet(page, '/api/v1/customers?pageSize=100');
    const me = await apiGet(page, '/api/v1/auth/me');
    expect(api.items.every((c: any) => c.ownerId === me.user.id)).toBe(true);
    const box = await rows.first().boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'customers-phone-zh');
    await context.close();
  });

  it('[C4] marketing sees masked names and phones in the browser', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'marketing1');
    await page.goto('/customers');
    const rows = page.getByTestId('customer-row');
    await rows.first().waitFor();
    const api = await apiGet(page, '/api/v1/customers?pageSize=5');
    expect(api.items[0]._abilities.masked).toEqual(expect.arrayContaining(['name', 'mobile']));
    const text = (await rows.allInnerTexts()).join('\n');
    expect(text).toContain('*');
    expect(text).not.toMatch(/1[3-9]\d{9}/); // no full mobile number anywhere
    await screenshot(page, 'customers-marketing-masked');
    await context.close();
  });

  it('[X1] a wrong password shows the server message and stays on the login page', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByTestId('login-tenant').fill('demo');
    await page.getByTestId('login-username').fill('rep002');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    expect(await page.getByTestId('login-error').innerText()).toContain('密码不正确');
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });
});
