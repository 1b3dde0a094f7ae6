// Import with conflicts → resolve (C2) in a real browser: a GBK CSV from "工商登记" disagrees with
// an existing customer's name; the conflict shows in the worklist, is resolved with a note, and the
// customer page shows the resolved value with its provenance. Creates its own customer.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
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

async function csrf(page: Page) {
  const cookies = await page.context().cookies();
  return cookies.find((c) => c.name === 'tl_csrf')?.value ?? '';
}

describe('import with conflicts in the browser', () => {
  it('[C2] a GBK CSV that disagrees with a customer opens a conflict; resolving it updates the customer with its provenance', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, 'manager2');
    const suffix = crypto.randomBytes(3).toString('hex').toUpperCase();
    const code = creditCode();
    const oldName = `导入测试${suffix}机械`;
    const newName = `上海导入测试${suffix}精密机械有限公司`;
    const me = await (await page.request.get('/api/v1/auth/me')).json();
    const created = await page.request.post('/api/v1/customers', {
      data: { kind: 'org', name: oldName, creditCode: code, city: '上海', ownerId: me.user.id },
      headers: { 'x-csrf-token': await csrf(page) },
    });
    expect(created.status(), await created.text()).toBe(201);
    const customer = await created.json();

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-import-')), '工商登记.csv');
    fs.writeFileSync(file, iconv.encode(`企业名称,统一社会信用代码,城市\r\n${newName},${code},上海\r\n`, 'gbk'));

    await page.goto('/customers/import');
    await page.getByTestId('import-title').waitFor();
    await page.getByTestId('import-file').setInputFiles(file);
    await expect.poll(() => page.getByTestId('import-detected').innerText(), { timeout: 15_000 }).toContain('GB18030');
    await screenshot(page, 'import-preview-zh');
    await page.getByTestId('import-dry-run').click();
    await expect.poll(() => page.getByTestId('import-report-summary').innerText()).toContain('1 行可导入');
    await page.getByTestId('import-commit').click();
    await expect.poll(() => page.getByTestId('import-result').innerText()).toContain('更新 1');
    await screenshot(page, 'import-done-zh');

    await page.getByTestId('import-to-conflicts').click();
    await page.waitForURL(/\/customers\/conflicts/);
    const row = page.getByTestId('conflict-row').filter({ hasText: oldName });
    await row.first().waitFor({ timeout: 15_000 });
    expect(await row.first().innerText()).toContain(newName);
    await screenshot(page, 'conflicts-zh');
    await row.first().getByTestId('conflict-resolve').click();
    await page.locator('[data-testid^="resolve-option-"]').filter({ hasText: newName }).first().click();
    await page.getByTestId('resolve-note').fill('以营业执照为准');
    await page.getByTestId('resolve-submit').click();
    await expect.poll(() => page.getByTestId('conflict-row').filter({ hasText: oldName }).count()).toBe(0);

    await page.goto(`/customers/${customer.id}?tab=sources`);
    await expect.poll(() => page.getByTestId('customer-title').innerText()).toContain(newName);
    await expect.poll(() => page.getByTestId('golden-name').innerText()).toContain(newName);
    const provenance = await page.getByTestId('golden-source-name').innerText();
    expect(provenance).toContain('人工确认');
    expect(provenance).toContain('冲突解决');
    expect(await page.getByTestId('source-field-name').innerText()).toContain('以营业执照为准');
    await screenshot(page, 'customer-sources-zh');

    const api = await (await page.request.get(`/api/v1/customers/${customer.id}/sources`)).json();
    const name = api.fields.find((f: { field: string }) => f.field === 'name');
    expect(name.conflict.status).toBe('resolved');
    expect(name.values.map((v: { sourceSystem: string }) => v.sourceSystem)).toEqual(expect.arrayContaining(['工商登记', '人工确认', 'CRM']));
    await context.close();
  });

  it('[C2] [C5] on a phone the customer sources tab shows key-field ages and the import page is usable', async () => {
    const context = await newContext(browser, { phone: true });
    const page = await context.newPage();
    await signIn(page, 'manager2');
    // A demo customer whose key fields were filled (the demo writer gives ~70% of them ages).
    const list = await (await page.request.get('/api/v1/customers?pageSize=20&sort=createdAt&order=asc')).json();
    let id = list.items[0].id;
    for (const c of list.items) {
      const src = await (await page.request.get(`/api/v1/customers/${c.id}/sources`)).json();
      if (src.fields.some((f: { field: string; age: { ageDays: number | null } | null }) => f.field === 'decisionChain' && f.age?.ageDays !== null)) {
        id = c.id;
        break;
      }
    }
    await page.goto(`/customers/${id}?tab=sources`);
    await page.getByTestId('sources-tab').waitFor({ timeout: 15_000 });
    await page.getByTestId('key-field-decisionChain').waitFor();
    expect(await page.getByTestId('age-decisionChain').innerText()).toMatch(/\d+ 天前更新/);
    await page.getByTestId('sources-tab').scrollIntoViewIfNeeded();
    await screenshot(page, 'customer-sources-phone');
    await page.goto('/customers/import');
    await page.getByTestId('import-file').waitFor();
    await screenshot(page, 'import-phone');
    await context.close();
  });
});
