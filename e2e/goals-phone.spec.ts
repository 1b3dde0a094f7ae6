// G1/G4/G5 on a phone (issue 5: "a rep sees their own tree and canvas on a phone"). A demo rep signs
// in at 390 × 844 (touch, DPR 2), opens the goals board and reads their own node: the target,
// attainment and gap shown are the ones GET /api/v1/goals/board answers for them, the page never
// scrolls sideways and every ECharts chart is as wide as its card. Their own targets (目标分解) are
// cards with Chinese metric names, not a table wider than the screen. On the weekly canvas they
// write this week's three key actions, each tied to one of their targets, save, reload and see them
// again (and the API holds exactly those items). Controls are at least 40 px tall to tap.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, newContext, screenshot, signIn } from './browser.js';

const REP = 'rep003';
const METRIC_ZH: Record<string, string> = {
  effectiveVisits: '有效拜访量',
  solutionDemos: '方案演示次数',
  objectionClosureRate: '异议闭环率',
  amount: '签约金额',
  newHighPotential: '新增高潜客户',
  repurchaseRate: '复购率',
};

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function call(page: Page, method: 'GET' | 'PUT', url: string, data?: unknown) {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '';
  const res = await page.request.fetch(url, { method, data, headers: { 'x-csrf-token': csrf } });
  const body = await res.text();
  expect(res.ok(), `${method} ${url} → ${res.status()} ${body}`).toBe(true);
  return body ? JSON.parse(body) : undefined;
}

/** This month in Shanghai, e.g. 2026-11. */
function thisMonth(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
}

/** The board's number format (BoardPage fmt) in the zh-CN browser. */
function fmt(v: number | null, ratio: boolean): string {
  return v === null ? '—' : ratio ? `${Math.round(v * 1000) / 10}%` : v.toLocaleString('zh-CN');
}

/** Nothing wider than the phone: no sideways page scroll and no element past the right edge. */
async function assertFitsPhone(page: Page, where: string) {
  const r = await page.evaluate(() => {
    const over: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const b = el.getBoundingClientRect();
      if (b.width > 0 && b.height > 0 && b.right > window.innerWidth + 1 && !el.closest('.ant-table-content, .ant-table-body')) over.push(`${el.tagName}.${String((el as HTMLElement).className).slice(0, 40)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, over: over.slice(0, 5) };
  });
  expect(r.innerWidth, where).toBe(390);
  expect(r.scrollWidth, `${where}: page scrolls sideways`).toBeLessThanOrEqual(r.innerWidth);
  expect(r.over, `${where}: elements past the right edge`).toEqual([]);
}

describe('goals on a phone (issue 5)', () => {
  it('[G1] [G4] [G5] a rep on a phone sees their own goal tree and states this week’s three actions, each tied to a goal sub-item', async () => {
    const month = thisMonth();
    const year = Number(month.slice(0, 4));
    const metric = 'effectiveVisits';
    const ctx = await newContext(browser, { phone: true });
    const page = await ctx.newPage();
    try {
      await signIn(page, REP);
      await page.getByTestId('mobile-tabbar').waitFor();

      // The rep's own node, as the API reports it (a rep's default node is themselves).
      const boardUrl = `/api/v1/goals/board?${new URLSearchParams({ year: String(year), period: month, metric })}`;
      let board = await call(page, 'GET', boardUrl);
      if (board.node.target === null) {
        const adminCtx = await newContext(browser);
        const admin = await adminCtx.newPage();
        await signIn(admin, 'admin');
        await call(admin, 'PUT', '/api/v1/goals/targets', { metric, period: month, nodeKind: 'rep', nodeId: board.node.id, value: Math.ceil(board.node.attainment * 1.2 + 10), reason: 'e2e phone' });
        await adminCtx.close();
        board = await call(page, 'GET', boardUrl);
      }
      const node = board.node;
      expect(node.kind).toBe('rep');
      expect(node.target).toEqual(expect.any(Number));
      expect(node.attainment).toEqual(expect.any(Number));

      await page.goto(`/goals?metric=${metric}&period=${month}&year=${year}`);
      await page.getByTestId('goals-board').waitFor();
      await expect.poll(() => page.getByTestId('board-node-name').textContent(), { timeout: 20_000 }).toBe(node.name);
      const stat = (id: string) => page.getByTestId(id).locator('.ant-statistic-content').innerText();
      expect(await stat('board-target')).toBe(fmt(node.target, board.ratio));
      expect(await stat('board-attainment')).toBe(fmt(node.attainment, board.ratio));
      expect(await stat('board-gap')).toBe(node.gap === null ? '—' : fmt(Math.abs(node.gap), board.ratio));
      for (const id of ['board-target', 'board-attainment', 'board-gap']) expect(await page.getByTestId(id).isVisible(), id).toBe(true);
      await page.getByTestId('board-customers').waitFor();

      // Charts follow the card's width (no 1,000 px canvas hanging off a 390 px screen).
      await page.waitForTimeout(800);
      const charts = await page.evaluate(() =>
        Array.from(document.querySelectorAll('.echarts-for-react')).map((el) => ({ box: el.getBoundingClientRect().width, canvas: el.querySelector('canvas')?.getBoundingClientRect().width ?? 0 })),
      );
      expect(charts.length).toBeGreaterThanOrEqual(3);
      for (const c of charts) {
        expect(c.box).toBeGreaterThan(250);
        expect(c.box).toBeLessThanOrEqual(390);
        expect(Math.abs(c.canvas - c.box)).toBeLessThanOrEqual(2);
      }
      await assertFitsPhone(page, 'board');
      await screenshot(page, 'goals-phone-board');

      // Their own targets (the tree's leaf they own): cards, Chinese metric names, nothing to scroll sideways.
      const mine = await call(page, 'GET', `/api/v1/goals/allocation/mine`);
      expect(mine.items.length).toBeGreaterThan(0);
      await page.getByTestId('goals-tab-allocation').click();
      await page.getByTestId('mine-cards').waitFor();
      const own = mine.items.find((x: any) => x.metric === metric && x.period === month) ?? mine.items[0];
      const card = page.getByTestId(`mine-card-${own.id}`);
      await card.waitFor();
      expect(await card.locator('.ant-card-head-title').innerText()).toBe(`${METRIC_ZH[own.metric] ?? own.metric} · ${own.period}`);
      expect(await card.getByTestId('mine-value').innerText()).toBe(own.value.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));
      await assertFitsPhone(page, 'allocation');
      await screenshot(page, 'goals-phone-mine');

      // This week's canvas: three actions, each tied to one of the rep's targets.
      await page.getByTestId('goals-tab-canvas').click();
      await page.getByTestId('canvas-rep').waitFor();
      const week = (await page.getByTestId('canvas-week').innerText()).trim();
      expect(week).toMatch(/^\d{4}-W\d{2}$/);
      const before = await call(page, 'GET', `/api/v1/goals/canvas/${week}`);
      expect(before.targets.length).toBeGreaterThanOrEqual(3);
      const picked = before.targets.slice(0, 3);
      const tag = crypto.randomInt(1e6);
      const actions = [`拜访明远机械，确认二期扩产需求 #${tag}`, `给云帆科技做自动化产线方案演示 #${tag}`, `回访恒达物流，闭环价格异议 #${tag}`];
      const label = (tg: any) => `${METRIC_ZH[tg.metric] ?? tg.metric} · ${tg.period} · ${tg.value}`;
      for (const [i, text] of actions.entries()) {
        await page.getByTestId(`canvas-action-${i}`).fill(text);
        await page.getByTestId(`canvas-target-${i}`).click();
        // Pick the option by its label (the demo may already have filled this week's canvas).
        await page.locator(`.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${label(picked[i])}"]`).click();
        await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
      }
      const save = page.getByTestId('canvas-save');
      for (const el of [save, page.getByTestId('canvas-target-0'), page.getByTestId('canvas-prev')]) expect((await el.boundingBox())!.height).toBeGreaterThanOrEqual(40);
      await assertFitsPhone(page, 'canvas');
      await save.click();
      await page.getByText('已保存').first().waitFor();

      const saved = await call(page, 'GET', `/api/v1/goals/canvas/${week}`);
      expect(saved.canvas.items.map((x: any) => [x.action, x.targetId])).toEqual(actions.map((a, i) => [a, picked[i].id]));

      await page.reload();
      await page.getByTestId('canvas-rep').waitFor();
      await expect.poll(() => page.getByTestId('canvas-action-0').inputValue(), { timeout: 20_000 }).toBe(actions[0]);
      for (const [i, text] of actions.entries()) {
        expect(await page.getByTestId(`canvas-action-${i}`).inputValue()).toBe(text);
        expect(await page.getByTestId(`canvas-target-${i}`).innerText()).toBe(label(picked[i]));
      }
      await assertFitsPhone(page, 'canvas after reload');
      await screenshot(page, 'goals-phone-canvas');
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
