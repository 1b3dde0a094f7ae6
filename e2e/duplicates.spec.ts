// Duplicate review in a real browser (C1): a manager scans, sees a likely duplicate with its
// evidence, compares and merges it, opens the merged record (it says where it went), and undoes
// the merge. The pair is created here through the API (owned by manager3, whose customers no
// other spec reads), so the demo's own planted pairs stay untouched.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newContext, screenshot, signIn } from './browser.js';
import { creditCodeCheckChar } from '../server/modules/customers/identity.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

function creditCode(): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const body = '913100' + Array.from({ length: 11 }, () => chars[crypto.randomInt(0, chars.length)]).join('');
  return body + creditCodeCheckChar(body);
}

async function call(page: Page, method: 'get' | 'post', url: string, data?: unknown) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'tl_csrf')?.value ?? '';
  const res = method === 'get' ? await page.request.get(url) : await page.request.post(url, { data: data ?? {}, headers: { 'x-csrf-token': csrf } });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res.json();
}

describe('duplicate review in the browser', () => {
  it('[C1] a manager sees a likely duplicate with its evidence, merges it, follows the merged record, and undoes the merge', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'manager3');
    const trade = `澄${String.fromCodePoint(0x4e00 + crypto.randomInt(0, 2000))}${String.fromCodePoint(0x4e00 + crypto.randomInt(0, 2000))}精密仪器`;
    const phone = `139${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`;
    const base = { kind: 'org', mobile: phone, contactName: '周敏', city: '上海', tier: 'B' };
    const a = await call(page, 'post', '/api/v1/customers', { ...base, name: `上海${trade}有限公司`, creditCode: creditCode(), address: '上海市浦东新区张江路100号' });
    const b = await call(page, 'post', '/api/v1/customers', {
      ...base,
      name: `${trade}（上海）股份有限公司`,
      creditCode: creditCode(),
      address: '上海市闵行区人民路8号',
      confirmNotDuplicate: true,
    });

    await page.goto('/customers/duplicates');
    await page.getByTestId('duplicates-title').waitFor();
    await page.getByTestId('duplicates-scan').click();
    const list = await call(page, 'get', '/api/v1/customers/duplicates?pageSize=100');
    const pair = list.items.find((p: any) => [p.a.id, p.b.id].includes(a.id) && [p.a.id, p.b.id].includes(b.id));
    expect(pair, 'the planted pair is proposed').toBeTruthy();
    expect(pair.reasons.map((r: any) => r.rule)).toEqual(['name_same', 'phone_same', 'contact_city']);

    // The card shows the score and each reason with both values.
    await page.reload();
    const card = page.locator(`[data-pair-id="${pair.id}"]`);
    await card.waitFor();
    expect(await card.getByTestId('duplicate-score').innerText()).toContain('1.00');
    const reasons = await card.getByTestId('duplicate-reason').allInnerTexts();
    expect(reasons).toHaveLength(3);
    expect(reasons.join(' ')).toContain(a.name);
    expect(reasons.join(' ')).toContain('手机号相同');
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'duplicates-list-zh');

    // Compare: keep A, but take B's address.
    await card.getByTestId('duplicate-compare').click();
    const drawer = page.getByTestId('compare-drawer');
    await drawer.waitFor();
    const sideA = pair.a.id === a.id ? 'a' : 'b';
    const sideB = sideA === 'a' ? 'b' : 'a';
    await page.getByTestId(`survivor-${sideA}`).click();
    await page.getByTestId(`pick-address-${sideB}`).click();
    await screenshot(page, 'duplicates-compare-zh');
    await page.getByTestId('merge-submit').click();
    await card.waitFor({ state: 'detached' });

    const survivor = await call(page, 'get', `/api/v1/customers/${a.id}`);
    expect(survivor.address).toBe(b.address);
    expect(survivor.name).toBe(a.name);

    // The merged record's page says where it went and links there.
    await page.goto(`/customers/${b.id}`);
    const banner = page.getByTestId('merged-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toContain(a.name);
    await screenshot(page, 'duplicates-merged-record-zh');
    await page.getByTestId('merged-into-link').click();
    await page.waitForURL((u) => u.pathname === `/customers/${a.id}`);
    await expect.poll(() => page.getByTestId('customer-title').innerText()).toContain(a.name);

    // Undo from the merged record: both come back as they were.
    await page.goto(`/customers/${b.id}`);
    await page.getByTestId('merge-undo').click();
    await page.getByTestId('merged-banner').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('customer-title').innerText()).toContain(b.name);
    const restoredA = await call(page, 'get', `/api/v1/customers/${a.id}`);
    const restoredB = await call(page, 'get', `/api/v1/customers/${b.id}`);
    expect(restoredA.address).toBe(a.address);
    expect(restoredB.status).toBe('active');
    const again = await call(page, 'get', '/api/v1/customers/duplicates?pageSize=100');
    expect(again.items.some((p: any) => p.id === pair.id)).toBe(true);
    await context.close();
  });

  it('[C1] the review list works on a phone, in Chinese and English', async () => {
    const context = await newContext(browser, { phone: true });
    const page = await context.newPage();
    await signIn(page, 'manager3');
    await page.goto('/customers/duplicates');
    await page.getByTestId('duplicates-title').waitFor();
    await page.getByTestId('duplicate-pair').first().waitFor();
    const box = await page.getByTestId('duplicate-pair').first().boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    await screenshot(page, 'duplicates-phone-zh');
    await page.getByTestId('lang-switch').getByText('English').click();
    await expect.poll(() => page.getByTestId('duplicates-title').innerText()).toMatch(/Likely duplicate customers/);
    await expect.poll(() => page.getByTestId('duplicate-compare').first().innerText()).toMatch(/Compare and merge/);
    await screenshot(page, 'duplicates-phone-en');
    await context.close();
  });
});
