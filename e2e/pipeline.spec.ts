// Pipeline and promise check in a real browser (C8, C7). The records acted on are created here
// through the API (a customer and an opportunity for rep007, a delivery team with one full week),
// so no other spec's data is touched.
import crypto from 'node:crypto';
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

async function call(page: Page, method: 'get' | 'post' | 'put', url: string, data?: unknown) {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '';
  const res = method === 'get' ? await page.request.get(url) : await page.request[method](url, { data: data ?? {}, headers: { 'x-csrf-token': csrf } });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res.json();
}

/** A valid unified social credit code (GB 32100-2015 check character). */
function creditCode(): string {
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const body = '913100' + Array.from({ length: 11 }, () => chars[crypto.randomInt(0, chars.length)]).join('');
  const sum = [...body].reduce((s, c, i) => s + chars.indexOf(c) * weights[i], 0);
  return body + chars[(31 - (sum % 31)) % 31];
}

const shanghaiToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const plusDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

interface Setup {
  customerId: string;
  opportunityId: string;
  teamName: string;
  fullDate: string;
}

async function setUp(): Promise<Setup> {
  const repCtx = await newContext(browser);
  const repPage = await repCtx.newPage();
  await signIn(repPage, 'rep007');
  const rep = (await call(repPage, 'get', '/api/v1/auth/me')).user as { id: string };
  await repCtx.close();
  const ctx = await newContext(browser);
  const admin = await ctx.newPage();
  await signIn(admin, 'admin');
  const tag = crypto.randomUUID().slice(0, 6);
  const customer = await call(admin, 'post', '/api/v1/customers', { kind: 'org', name: `E2E管线客户${tag}有限公司`, creditCode: creditCode(), ownerId: rep.id });
  const opp = await call(admin, 'post', '/api/v1/opportunities', {
    customerId: customer.id,
    name: `E2E商机${tag}`,
    amount: 880_000,
    expectedClose: '2025-01-02', // sorts first in its column
    ownerId: rep.id,
  });
  const teamName = `E2E交付${tag}`;
  const team = await call(admin, 'post', '/api/v1/delivery/teams', { name: teamName, weeklyCapacity: 5 });
  // Three weeks ahead, a Wednesday-ish date whose whole week the admin fills.
  const fullDate = plusDays(shanghaiToday(), 21);
  await call(admin, 'post', '/api/v1/contracts', {
    customerId: customer.id,
    number: `E2E-HT-${tag}-0`,
    amount: 100_000,
    milestones: [{ promisedDate: fullDate, scope: '占满该周', deliveryTeamId: team.id, load: 5 }],
  });
  await ctx.close();
  return { customerId: customer.id, opportunityId: opp.id, teamName, fullDate };
}

describe('pipeline in the browser', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
  });

  it('[C8] a rep moves an opportunity on the board with the move menu and by dragging; the phone shows a stage-by-stage list', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, 'rep007');
    await page.goto('/customers/pipeline');
    const card = page.getByTestId(`opp-card-${s.opportunityId}`);
    await page.getByTestId('column-discovery').getByTestId(`opp-card-${s.opportunityId}`).waitFor();
    await card.getByTestId(`move-${s.opportunityId}`).click();
    await page.getByTestId(`move-${s.opportunityId}-qualified`).click();
    await page.getByTestId('column-qualified').getByTestId(`opp-card-${s.opportunityId}`).waitFor();
    const opp = await call(page, 'get', `/api/v1/opportunities/${s.opportunityId}`);
    expect(opp.stage).toBe('qualified');
    expect(opp.history.at(-1)).toMatchObject({ fromStage: 'discovery', toStage: 'qualified' });

    // Dragging the card onto the next column moves it too.
    // (HTML5 drag and drop: playwright's dragTo sends the dragstart/dragover/drop events.)
    const moving = page.getByTestId('column-qualified').getByTestId(`opp-card-${s.opportunityId}`);
    await moving.scrollIntoViewIfNeeded();
    await moving.dragTo(page.getByTestId('column-proposal'), { targetPosition: { x: 40, y: 40 } });
    await page.getByTestId('column-proposal').getByTestId(`opp-card-${s.opportunityId}`).waitFor();
    expect((await call(page, 'get', `/api/v1/opportunities/${s.opportunityId}`)).stage).toBe('proposal');
    await screenshot(page, 'pipeline-board-desktop-zh');

    // On a phone the board is a stage picker with that stage's list.
    const phone = await newContext(browser, { phone: true });
    const p = await phone.newPage();
    await signIn(p, 'rep007');
    await p.goto('/customers/pipeline');
    await p.getByTestId('pipeline-phone').waitFor();
    await p.getByTestId('phone-stage-proposal').click();
    await p.getByTestId(`opp-card-${s.opportunityId}`).waitFor();
    await screenshot(p, 'pipeline-board-phone-zh');
    await phone.close();
    await ctx.close();
  });

  it('[C7] a promised date in a full week shows the alternatives, cannot be submitted, and an alternative saves', async () => {
    const ctx = await newContext(browser);
    const page = await ctx.newPage();
    await signIn(page, 'rep007');
    await page.goto(`/customers/${s.customerId}`);
    await page.getByRole('tab', { name: '合同' }).click();
    await page.getByTestId('contract-new').click();
    const drawer = page.getByTestId('contract-drawer');
    const number = `E2E-HT-${crypto.randomUUID().slice(0, 6)}`;
    await drawer.getByTestId('contract-number').fill(number);
    await drawer.locator('input[data-testid="contract-amount"], [data-testid="contract-amount"] input').first().fill('120000');
    await drawer.getByTestId('milestone-add').click();
    await drawer.getByTestId('milestone-0-date').fill(s.fullDate);
    await drawer.getByTestId('milestone-0-scope').fill('系统上线');
    await drawer.getByTestId('milestone-0-team').click();
    await page.locator(`.ant-select-item-option[title^="${s.teamName}"]`).click();

    const conflict = drawer.getByTestId('milestone-0-conflict');
    await conflict.waitFor();
    expect(await drawer.getByTestId('contract-save').isDisabled()).toBe(true);
    const alts = conflict.locator('[data-testid^="milestone-0-alt-"]');
    expect(await alts.count()).toBeGreaterThan(0);
    await screenshot(page, 'promise-conflict-desktop-zh');

    // The API refuses the same date too (the form is not the only guard).
    const check = await call(page, 'post', '/api/v1/delivery/promise-check', {
      deliveryTeamId: (await call(page, 'get', '/api/v1/delivery/teams')).items.find((t: { name: string }) => t.name === s.teamName).id,
      promisedDate: s.fullDate,
      load: 1,
    });
    expect(check.ok).toBe(false);

    const later = conflict.locator('[data-testid^="milestone-0-alt-"]').last();
    const picked = (await later.getAttribute('data-date'))!;
    expect(check.alternatives.map((a: { date: string }) => a.date)).toContain(picked);
    await later.click();
    await drawer.getByTestId('milestone-0-ok').waitFor();
    expect(await drawer.getByTestId('milestone-0-date').inputValue()).toBe(picked);
    await expect.poll(() => drawer.getByTestId('contract-save').isEnabled()).toBe(true);
    await drawer.getByTestId('contract-save').click();
    await drawer.waitFor({ state: 'hidden' });

    const contracts = await call(page, 'get', `/api/v1/customers/${s.customerId}/contracts`);
    const saved = contracts.items.find((c: { number: string }) => c.number === number);
    expect(saved.milestones[0]).toMatchObject({ promisedDate: picked, scope: '系统上线', load: 1 });
    await page.getByText(number).first().waitFor();
    await screenshot(page, 'contracts-tab-desktop-zh');
    await ctx.close();
  });

  it('[C8] [C4] a rep creates an opportunity with a draft quote on the customer page; customer service never sees the draft', async () => {
    const ctx = await newContext(browser, { phone: true });
    const page = await ctx.newPage();
    await signIn(page, 'rep007');
    await page.goto(`/customers/${s.customerId}`);
    await page.getByRole('tab', { name: '商机' }).click();
    await page.getByTestId('opportunity-new').click();
    const drawer = page.getByTestId('opportunity-drawer');
    const name = `E2E手机商机${crypto.randomUUID().slice(0, 4)}`;
    await drawer.getByTestId('opportunity-name').fill(name);
    await drawer.locator('input[data-testid="opportunity-amount"], [data-testid="opportunity-amount"] input').first().fill('250000');
    await drawer.getByTestId('opportunity-close').fill(plusDays(shanghaiToday(), 60));
    await drawer.getByTestId('opportunity-quote-status').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '草稿' }).click();
    await drawer.locator('input[data-testid="opportunity-quote-amount"], [data-testid="opportunity-quote-amount"] input').first().fill('238000');
    await screenshot(page, 'opportunity-form-phone-zh');
    await drawer.getByTestId('opportunity-save').click();
    await drawer.waitFor({ state: 'hidden' });
    await page.getByText(name).first().waitFor();
    const mine = await call(page, 'get', `/api/v1/opportunities?customerId=${s.customerId}`);
    const created = mine.items.find((o: { name: string }) => o.name === name);
    expect(created).toMatchObject({ amount: 250_000, stage: 'discovery', draftQuote: { amount: 238_000, status: 'draft' } });
    await ctx.close();

    const svc = await newContext(browser);
    const sp = await svc.newPage();
    await signIn(sp, 'service1');
    const seen = await call(sp, 'get', `/api/v1/opportunities/${created.id}`);
    expect(seen).not.toHaveProperty('draftQuote');
    await sp.goto(`/customers/${s.customerId}`);
    await sp.getByRole('tab', { name: '商机' }).click();
    await sp.getByText(name).first().waitFor();
    expect(await sp.getByText('238,000').count()).toBe(0);
    await svc.close();
  });

  it('[C7] the delivery calendar shows weeks × teams with the full week marked', async () => {
    const ctx = await newContext(browser, { locale: 'en-US' });
    const page = await ctx.newPage();
    await signIn(page, 'rep007');
    await page.goto('/customers/delivery');
    const row = page.getByTestId(`delivery-row-${s.teamName}`);
    await row.waitFor();
    const cal = await call(page, 'get', '/api/v1/delivery/calendar');
    const team = cal.teams.find((t: { name: string }) => t.name === s.teamName);
    const full = team.weeks.find((w: { free: number }) => w.free === 0);
    expect(full).toBeTruthy();
    expect(await row.getByTestId(`cell-${team.id}-${full.week}`).innerText()).toContain('5/5');
    await screenshot(page, 'delivery-calendar-desktop');
    await ctx.close();
  });
});
