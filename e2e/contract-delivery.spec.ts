// Contract performance (C3) in a real browser: delivery staff record when an overdue promised
// milestone was delivered; the contract shows it as late and the customer's health board counts it.
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

const get = async (page: Page, url: string) => {
  const r = await page.request.get(url);
  expect(r.status(), url).toBe(200);
  return r.json();
};

/** A contract milestone of the demo that is past its date and not delivered (the demo keeps one per delivery team). */
async function findOverdue(page: Page, today: string) {
  const won = await get(page, '/api/v1/opportunities?stage=won&pageSize=200');
  for (const customerId of [...new Set<string>(won.items.map((o: any) => o.customerId))]) {
    const contracts = await get(page, `/api/v1/customers/${customerId}/contracts`);
    for (const c of contracts.items) {
      const seq = (c.milestones ?? []).findIndex((m: any) => m.promisedDate < today && !m.deliveredOn);
      if (seq >= 0) return { customerId, contract: c, seq: seq + 1 };
    }
  }
  throw new Error('the demo has no overdue milestone');
}

describe('contract performance', () => {
  it('[C3] [C8] delivery staff record an overdue delivery; it shows as late and enters the health board', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, 'delivery1');
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const { customerId, contract, seq } = await findOverdue(page, today);
    const before = await get(page, `/api/v1/customers/${customerId}/health`);
    const devBefore = before.serviceRisk.inputs.contractDetail;
    expect(devBefore.overdue).toBeGreaterThan(0);

    await page.goto(`/customers/${customerId}?tab=contracts`);
    const picker = page.getByTestId(`milestone-deliver-${contract.number}-${seq}`);
    await picker.waitFor();
    const row = page.getByTestId('contract-row').filter({ hasText: contract.number });
    expect(await row.innerText()).toContain('到期未交付');
    await picker.click();
    await page.keyboard.type(today);
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await row.innerText()).includes('逾期')).toBe(true);
    await screenshot(page, 'contract-delivery-zh');

    const after = await get(page, `/api/v1/customers/${customerId}/health`);
    expect(after.serviceRisk.inputs.contractDetail).toMatchObject({ due: devBefore.due, overdue: devBefore.overdue - 1, late: devBefore.late + 1 });
    const saved = await get(page, `/api/v1/contracts/${contract.id}`);
    expect(saved.milestones[seq - 1].deliveredOn).toBe(today);
    await ctx.close();
  });
});
