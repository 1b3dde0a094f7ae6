// G4 in a real browser: the admin rebuilds this month's attainment from the demo's visits and sets
// this month's effective-visit targets through the API (PUT /goals/targets); a regional director
// then opens the board on their region (the company node is above a director's scope: the API
// answers 403 and the board opens the director's own region), drills into a team and a rep, and
// reads what made the gap: the reverse attribution with each shortfall against its share.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ARTIFACTS, launch, newContext, signIn } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function call(page: Page, method: 'get' | 'post' | 'put', url: string, data?: unknown, ok = true) {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '';
  const res =
    method === 'get'
      ? await page.request.get(url)
      : await page.request[method](url, { data: data ?? {}, headers: { 'x-csrf-token': csrf } });
  const body = await res.text();
  if (ok) expect(res.ok(), `${method.toUpperCase()} ${url} → ${res.status()} ${body}`).toBe(true);
  return { status: res.status(), json: body ? JSON.parse(body) : undefined };
}

async function signedIn(user: string): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  await signIn(page, user);
  return { ctx, page };
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** This month in Shanghai, e.g. 2026-11. */
function thisMonth(): string {
  return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
}

describe('goals board (G4)', () => {
  it('[G4] a director drills down from the company to a rep and sees what made the gap', async () => {
    const month = thisMonth();
    const year = Number(month.slice(0, 4));
    const metric = 'effectiveVisits';
    const board = (q: Record<string, string>) => `/api/v1/goals/board?${new URLSearchParams({ year: String(year), period: month, metric, ...q })}`;

    const admin = await signedIn('admin');
    const dir = await signedIn('director1');
    try {
      // Live numbers from the demo's facts, then targets above them so there is a gap to explain.
      await call(admin.page, 'post', '/api/v1/admin/jobs/goals.attainment-rebuild/run', { force: true });
      await call(admin.page, 'post', '/api/v1/goals/plans', { year });
      expect((await call(dir.page, 'get', board({ nodeKind: 'company' }), undefined, false)).status).toBe(403);
      const region = (await call(dir.page, 'get', board({}))).json;
      expect(region.node.kind).toBe('region');
      const put = (nodeKind: string, nodeId: string | null, value: number) =>
        call(admin.page, 'put', '/api/v1/goals/targets', { metric, period: month, nodeKind, nodeId, value: Math.ceil(value), reason: 'e2e G4' });
      const company = (await call(admin.page, 'get', board({}))).json;
      await put('company', null, company.node.attainment * 1.5 + 40);
      const regionTarget = Math.ceil(region.node.attainment * 1.5 + 20);
      await put('region', region.node.id, regionTarget);
      expect(region.children.length).toBeGreaterThan(0);
      for (const team of region.children) await put('team', team.id, regionTarget / region.children.length);
      const team0 = region.children[0];
      const team = (await call(dir.page, 'get', board({ nodeKind: 'team', nodeId: team0.id }))).json;
      expect(team.children.length).toBeGreaterThan(0);
      for (const rep of team.children) await put('rep', rep.id, regionTarget / region.children.length / team.children.length);

      // The director's board opens on the region: target, attainment and the gap, teams below.
      const page = dir.page;
      await page.goto(`/goals?metric=${metric}&period=${month}&year=${year}`);
      await page.getByTestId('goals-board').waitFor();
      await expect.poll(() => page.getByTestId('board-node-name').textContent(), { timeout: 20_000 }).toBe(region.node.name);
      expect(await page.getByTestId('board-crumb-company').count()).toBe(0);
      expect(await page.getByTestId('board-target').textContent()).toContain(String(regionTarget));
      await page.getByTestId(`board-child-${team0.id}`).getByTestId('board-drill').click();
      await expect.poll(() => page.getByTestId('board-node-name').textContent(), { timeout: 20_000 }).toBe(team0.name);
      await page.getByTestId('board-crumb-region').waitFor();

      // What made the team's gap: its reps below their share, with the numbers.
      const teamNow = (await call(dir.page, 'get', board({ nodeKind: 'team', nodeId: team0.id }))).json;
      expect(teamNow.node.gap).toBeGreaterThan(0);
      expect(teamNow.children.reduce((s: number, c: any) => s + c.attainment, 0)).toBeCloseTo(teamNow.node.attainment, 5);
      const worst = teamNow.attribution.children.topShortfalls[0];
      expect(worst.delta).toBeLessThan(0);
      const shortfalls = page.getByTestId('board-shortfalls');
      await shortfalls.waitFor();
      expect(await shortfalls.textContent()).toContain(worst.name);
      await shot(page, 'goals-board-team');

      await page.getByTestId(`board-child-${worst.id}`).getByTestId('board-drill').click();
      await expect.poll(() => page.getByTestId('board-node-name').textContent(), { timeout: 20_000 }).toBe(worst.name);
      await page.getByTestId('board-customers').waitFor();
      await page.getByTestId('board-gap').waitFor();
      const crumbs = await page.getByTestId('board-breadcrumb').textContent();
      expect(crumbs).toContain(region.node.name);
      expect(crumbs).toContain(team0.name);
      await shot(page, 'goals-board-rep');
    } finally {
      await admin.ctx.close();
      await dir.ctx.close();
    }
  });
});
