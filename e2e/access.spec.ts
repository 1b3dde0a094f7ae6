// Per-role access adjustments (C4) in a real browser: an admin proposes one, a director signs
// it off, and the adjusted role's screens change. The change is reverted at the end so the other
// specs see the default matrix.
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

async function csrfPost(page: Page, url: string, data: unknown) {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((c) => c.name === 'tl_csrf')?.value ?? '';
  const res = await page.request.post(url, { data, headers: { 'x-csrf-token': csrf } });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res.json();
}

describe('data access adjustments', () => {
  it('[C4] an admin takes customer access away from BP; after the director signs, BP no longer sees customers', async () => {
    const adminCtx = await newContext(browser);
    const admin = await adminCtx.newPage();
    await signIn(admin, 'admin');
    await admin.goto('/admin/access');
    await admin.getByTestId('access-role').getByText('HRBP').click();
    await admin.getByTestId('access-Customer-read').click();
    await admin.locator('.ant-select-dropdown:visible .ant-select-item-option[title="无权限"]').click();
    await admin.getByTestId('access-propose').click();
    await admin.getByTestId('access-reason').fill('BP 只看组织与人员数据');
    await admin.getByTestId('access-submit').click();
    await admin.getByTestId('access-pending').waitFor();
    await screenshot(admin, 'access-pending-zh');

    const cfg = await (await admin.request.get('/api/v1/admin/config')).json();
    const pending = cfg.items.find((i: any) => i.key === 'access.roleOverrides').pending;
    expect(pending.value).toEqual({ bp: { Customer: { actions: { read: 'none' } } } });
    await csrfPost(admin, `/api/v1/admin/config/access.roleOverrides/versions/${pending.version}/approve`, {});

    const bpCtx = await newContext(browser);
    const bp = await bpCtx.newPage();
    await signIn(bp, 'bp1');
    await expect.poll(() => bp.getByTestId('nav-customers').count()).toBe(1); // still pending: one sign-off

    const dirCtx = await newContext(browser);
    const director = await dirCtx.newPage();
    await signIn(director, 'director1');
    await csrfPost(director, `/api/v1/admin/config/access.roleOverrides/versions/${pending.version}/approve`, {});

    await bp.reload();
    await bp.getByTestId('nav-goals').waitFor();
    expect(await bp.getByTestId('nav-customers').count()).toBe(0);
    expect((await bp.request.get('/api/v1/customers')).status()).toBe(403);

    // Revert, with the same two sign-offs.
    const revert = await csrfPost(admin, '/api/v1/admin/config/access.roleOverrides/proposals', { value: {}, reason: '恢复默认' });
    await csrfPost(admin, `/api/v1/admin/config/access.roleOverrides/versions/${revert.version}/approve`, {});
    await csrfPost(director, `/api/v1/admin/config/access.roleOverrides/versions/${revert.version}/approve`, {});
    expect((await bp.request.get('/api/v1/customers')).status()).toBe(200);
    await Promise.all([adminCtx.close(), bpCtx.close(), dirCtx.close()]);
  });
});
