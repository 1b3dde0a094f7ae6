// G3 in a real browser against the demo company: a manager splits a team target with the
// allocation assistant (adjusting one share, watching the gap), and the rep accepts their part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
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
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

async function csrf(page: Page) {
  return (await page.context().cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '';
}

async function apiWrite(page: Page, method: 'post' | 'put', url: string, data: unknown) {
  const res = await page.request[method](url, { data, headers: { 'x-csrf-token': await csrf(page) } });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res.json();
}

/** antd may put the test id on the InputNumber's wrapper or on its input. */
async function inputOf(l: Locator): Promise<Locator> {
  return (await l.evaluate((e) => e.tagName)) === 'INPUT' ? l : l.locator('input').first();
}

const zh = (n: number) => n.toLocaleString('zh-CN', { maximumFractionDigits: 2 });

describe('goal allocation in the browser', () => {
  it('[G3] a manager applies a proposed allocation and the rep accepts it', async () => {
    const year = new Date().getFullYear();
    const period = String(year);
    const productLine = `E2E-${Date.now()}`;
    const parentValue = 1_200_000;

    // The manager's team and its reps.
    const mctx = await newContext(browser);
    const manager = await mctx.newPage();
    await signIn(manager, 'manager1');
    const me = await apiGet(manager, '/api/v1/auth/me');
    const teamId: string = me.user.teamId;
    expect(teamId).toBeTruthy();
    const reps = (await apiGet(manager, `/api/v1/org/users?teamId=${teamId}&role=rep&pageSize=100`)).items.filter((u: any) => u.active);
    expect(reps.length).toBeGreaterThan(0);

    // The parent target, set by the admin through the goals API (a product line of its own).
    const actx = await newContext(browser);
    const admin = await actx.newPage();
    await signIn(admin, 'admin');
    await apiWrite(admin, 'post', '/api/v1/goals/plans', { year });
    const parent = await apiWrite(admin, 'put', '/api/v1/goals/targets', { metric: 'amount', period, nodeKind: 'team', nodeId: teamId, productLine, value: parentValue });
    expect(parent.id).toBeTruthy();
    await actx.close();

    // The manager proposes, checks the basis, adjusts one share and sees the gap, then applies.
    await manager.goto('/goals/allocation');
    await manager.getByTestId('goals-allocation').waitFor();
    await manager.getByTestId('alloc-parent').click();
    await manager.locator('.ant-select-item-option', { hasText: productLine }).first().click();
    await manager.getByTestId('alloc-propose').click();
    await manager.getByTestId('alloc-proposal').waitFor();
    await expect.poll(() => manager.getByTestId('alloc-child-name').count()).toBe(reps.length);
    await expect.poll(() => manager.getByTestId('alloc-sum').innerText()).toBe(zh(parentValue));
    await expect.poll(() => manager.getByTestId('alloc-gap').innerText()).toBe('0');

    const proposal = await apiWrite(manager, 'post', '/api/v1/goals/allocation/propose', { year, metric: 'amount', period, parentTargetId: parent.id });
    expect(proposal.children.reduce((s: number, c: any) => s + c.proposedValue, 0)).toBe(parentValue);
    const first = proposal.children[0];

    await manager.locator('.ant-table-row-expand-icon').first().click();
    const basis = manager.getByTestId('alloc-basis').first();
    await basis.waitFor();
    for (const f of ['历史达成', '产品动销', '客户组合潜力', '渠道覆盖密度', '平均份额']) expect(await basis.innerText()).toContain(f);

    const input0 = await inputOf(manager.getByTestId('alloc-value-0'));
    const adjusted = first.proposedValue + 10_000;
    await input0.fill(String(adjusted));
    await input0.blur();
    await expect.poll(() => manager.getByTestId('alloc-sum').innerText()).toBe(zh(parentValue + 10_000));
    await expect.poll(() => manager.getByTestId('alloc-gap').innerText()).toBe(zh(-10_000));
    await screenshot(manager, 'goals-allocation-proposal-zh');
    await manager.getByTestId('alloc-apply').click();
    await manager.locator('.ant-message', { hasText: '已下发' }).waitFor();

    const written = await apiGet(manager, `/api/v1/goals/allocation/parents?year=${year}`);
    expect(written.items.some((x: any) => x.id === parent.id)).toBe(true);
    const rate0 = await apiGet(manager, `/api/v1/goals/acceptance?period=${period}`);
    const team0 = rate0.teams.find((x: any) => x.id === teamId);
    expect(team0.total).toBeGreaterThanOrEqual(reps.length);
    await mctx.close();

    // The rep whose share was adjusted accepts it.
    const repUser = reps.find((r: any) => r.id === first.nodeId);
    expect(repUser).toBeTruthy();
    const rctx = await newContext(browser);
    const rep = await rctx.newPage();
    await signIn(rep, repUser.username);
    const mine = await apiGet(rep, `/api/v1/goals/allocation/mine?period=${period}`);
    const target = mine.items.find((x: any) => x.parentId === parent.id);
    expect(target).toMatchObject({ value: adjusted, proposedValue: first.proposedValue, acceptance: 'pending' });
    await rep.goto('/goals/allocation');
    const row = rep.locator(`tr[data-row-key="${target.id}"]`);
    await row.waitFor();
    expect(await row.getByTestId('mine-value').innerText()).toBe(zh(adjusted));
    await row.getByTestId('mine-accept').click();
    await row.getByTestId('mine-acceptance-accepted').waitFor();
    await screenshot(rep, 'goals-allocation-accepted-zh');
    const after = (await apiGet(rep, `/api/v1/goals/allocation/mine?period=${period}`)).items.find((x: any) => x.id === target.id);
    expect(after).toMatchObject({ acceptance: 'accepted', acceptedBy: repUser.id });
    const rate1 = await apiGet(rep, `/api/v1/goals/acceptance?period=${period}`);
    expect(rate1.teams).toEqual([]); // a rep reads only their own targets, not a team's rate
    await rctx.close();

    // Another rep of the team contests their share: the reason is required before it can be sent.
    const other = reps.find((r: any) => r.id !== first.nodeId);
    if (other) {
      const octx = await newContext(browser);
      const o = await octx.newPage();
      await signIn(o, other.username);
      const theirs = (await apiGet(o, `/api/v1/goals/allocation/mine?period=${period}`)).items.find((x: any) => x.parentId === parent.id);
      await o.goto('/goals/allocation');
      const orow = o.locator(`tr[data-row-key="${theirs.id}"]`);
      await orow.waitFor();
      await orow.getByTestId('mine-contest').click();
      const ok = o.getByTestId('contest-ok');
      await ok.waitFor();
      expect(await ok.isDisabled()).toBe(true);
      await o.getByTestId('contest-reason').fill('负责区域内两家 KA 客户已流失');
      await expect.poll(() => ok.isDisabled()).toBe(false);
      await ok.click();
      await orow.getByTestId('mine-acceptance-contested').waitFor();
      const saved = (await apiGet(o, `/api/v1/goals/allocation/mine?period=${period}`)).items.find((x: any) => x.id === theirs.id);
      expect(saved).toMatchObject({ acceptance: 'contested', acceptanceReason: '负责区域内两家 KA 客户已流失' });
      await octx.close();
    }
  }, 180_000);
});
