// G6 elastic valve in a real browser. A fresh rep in manager1's team is set up through the API:
// two monthly process targets, one visit a week for the last 10 weeks (8 weeks with a captured need
// and a demo, then 2 weeks with a bare check-in), and the weekly lead-quality job run for each week.
// The rep then files a reset request with the market-anomaly brief on a phone and manager1 approves it.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext, Browser, BrowserContext } from 'playwright-core';
import { launch, newContext, screenshot, signIn } from './browser.js';
import { makeCreditCode } from '../server/modules/customers/identity.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

async function call(ctx: BrowserContext, req: APIRequestContext, method: 'GET' | 'POST' | 'PUT', url: string, data?: unknown) {
  const csrf = (await ctx.cookies()).find((c) => c.name === 'tl_csrf')?.value ?? '';
  const res = await req.fetch(url, { method, data, headers: { 'x-csrf-token': csrf } });
  expect(res.status(), `${method} ${url}: ${await res.text()}`).toBeLessThan(300);
  return res.json();
}

/** ISO week of an instant in Shanghai. */
function isoWeek(d: Date): string {
  const bj = new Date(d.getTime() + 8 * 3_600_000);
  const t = new Date(Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const y = t.getUTCFullYear();
  return `${y}-W${String(Math.ceil(((t.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 + 1) / 7)).padStart(2, '0')}`;
}

/** Tuesday 10:00 (Shanghai) of the week n weeks before the current one. */
function tuesdayWeeksAgo(n: number): Date {
  const now = new Date();
  const bj = new Date(now.getTime() + 8 * 3_600_000);
  const dow = bj.getUTCDay() || 7;
  const monday = Date.UTC(bj.getUTCFullYear(), bj.getUTCMonth(), bj.getUTCDate()) - (dow - 1) * 86_400_000;
  return new Date(monday - n * 7 * 86_400_000 + 86_400_000 + 2 * 3_600_000); // Tue 02:00Z = 10:00 +08:00
}

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const creditCode = () => makeCreditCode('913100' + Array.from({ length: 11 }, () => CODE_CHARS[crypto.randomInt(0, CODE_CHARS.length)]).join(''));

describe('elastic valve', () => {
  it('[G6] a rep whose lead quality fell two weeks running requests a reset with a brief and the manager approves it', async () => {
    const adminCtx = await newContext(browser);
    const admin = await adminCtx.newPage();
    await signIn(admin, 'admin');
    const A = (m: 'GET' | 'POST' | 'PUT', url: string, data?: unknown) => call(adminCtx, admin.request, m, url, data);

    const managers = await A('GET', '/api/v1/org/users?q=manager1&role=manager');
    const manager1 = managers.items.find((u: any) => u.username === 'manager1');
    expect(manager1?.teamId).toBeTruthy();
    const username = `valve${crypto.randomInt(1e6)}`;
    const rep = await A('POST', '/api/v1/org/users', { username, displayName: '阀门测试销售', role: 'rep', password: 'Trueline#2026', teamId: manager1.teamId });
    const customer = await A('POST', '/api/v1/customers', { kind: 'org', name: `弹性阀测试客户${crypto.randomInt(1e6)}有限公司`, creditCode: creditCode(), ownerId: rep.id });
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    const visitsTarget = await A('PUT', '/api/v1/goals/targets', { metric: 'effectiveVisits', period: month, nodeKind: 'rep', nodeId: rep.id, value: 40 });
    await A('PUT', '/api/v1/goals/targets', { metric: 'solutionDemos', period: month, nodeKind: 'rep', nodeId: rep.id, value: 8 });

    // The rep's visits: weeks 10…3 ago good (need + demo), the last two weeks a bare check-in.
    const repCtx = await newContext(browser, { phone: true });
    const repPage = await repCtx.newPage();
    await signIn(repPage, username);
    const R = (m: 'GET' | 'POST' | 'PUT', url: string, data?: unknown) => call(repCtx, repPage.request, m, url, data);
    const weeks: string[] = [];
    for (let n = 10; n >= 1; n--) {
      const at = tuesdayWeeksAgo(n);
      weeks.push(isoWeek(at));
      const visitId = crypto.randomUUID();
      await R('POST', '/api/v1/process/visits', { id: visitId, customerId: customer.id, purpose: '需求沟通' });
      const act = (type: string, minutes: number, fields: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
        R('POST', `/api/v1/process/visits/${visitId}/actions`, { id: crypto.randomUUID(), type, occurredAt: new Date(at.getTime() + minutes * 60_000).toISOString(), fields, ...extra });
      await act('check_in', 0, {}, { position: { lat: 31.23, lng: 121.47, accuracyM: 15, datum: 'wgs84' } });
      if (n > 2) {
        await act('need_capture', 10, { needs: ['扩产', '自动化改造'] });
        await act('demo', 30, { solution: '自动化产线方案' });
      }
    }
    for (const week of weeks) {
      const run = await A('POST', '/api/v1/goals/valve/run', { week });
      expect(run.status).toBe('succeeded');
    }

    await repPage.goto('/goals/valve');
    await repPage.getByTestId('valve-eligible').waitFor();
    await screenshot(repPage, 'goals-valve-eligible-phone');
    await repPage.getByTestId('valve-summary').fill('华东区制造业客户集中推迟扩产，近两周拜访中有明确需求的客户明显减少。');
    await repPage.getByTestId('valve-signals').fill('10 月 PMI 回落至 49.2\n两家头部客户冻结 Q4 采购预算');
    await repPage.getByTestId('valve-customers').fill(customer.name);
    await repPage.getByTestId('valve-value-effectiveVisits').locator('input').fill('30');
    await repPage.getByTestId('valve-submit').click();
    await repPage.getByTestId('valve-request-pending').waitFor();
    await screenshot(repPage, 'goals-valve-requested-phone');

    const mgrCtx = await newContext(browser);
    const mgr = await mgrCtx.newPage();
    await signIn(mgr, 'manager1');
    await mgr.goto('/goals/valve');
    const card = mgr.getByTestId('valve-request-pending').filter({ hasText: '阀门测试销售' });
    await card.waitFor();
    await card.getByTestId('valve-note').fill('市场信号属实，同意调整');
    await card.getByTestId('valve-approve').click();
    await mgr.getByTestId('valve-request-approved').filter({ hasText: '阀门测试销售' }).waitFor();
    await screenshot(mgr, 'goals-valve-approved');

    const after = await call(mgrCtx, mgr.request, 'GET', `/api/v1/goals/valve?repId=${rep.id}`);
    const target = after.rep.targets.find((x: any) => x.id === visitsTarget.id);
    expect(target).toMatchObject({ value: 30, originalValue: 40 });
    expect(target.effectiveFrom).toBeTruthy();
    await Promise.all([adminCtx.close(), repCtx.close(), mgrCtx.close()]);
  }, 240_000);

  it('[G5] a rep fills the week’s three actions on a phone and the manager sees them in the team meeting view', async () => {
    const adminCtx = await newContext(browser);
    const admin = await adminCtx.newPage();
    await signIn(admin, 'admin');
    const A = (m: 'GET' | 'POST' | 'PUT', url: string, data?: unknown) => call(adminCtx, admin.request, m, url, data);
    const managers = await A('GET', '/api/v1/org/users?q=manager1&role=manager');
    const manager1 = managers.items.find((u: any) => u.username === 'manager1');
    const username = `canvas${crypto.randomInt(1e6)}`;
    const rep = await A('POST', '/api/v1/org/users', { username, displayName: '画布测试销售', role: 'rep', password: 'Trueline#2026', teamId: manager1.teamId });
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    await A('PUT', '/api/v1/goals/targets', { metric: 'effectiveVisits', period: month, nodeKind: 'rep', nodeId: rep.id, value: 40 });
    await A('PUT', '/api/v1/goals/targets', { metric: 'solutionDemos', period: month, nodeKind: 'rep', nodeId: rep.id, value: 8 });

    const repCtx = await newContext(browser, { phone: true });
    const repPage = await repCtx.newPage();
    await signIn(repPage, username);
    await repPage.goto('/goals/canvas');
    await repPage.getByTestId('canvas-rep').waitFor();
    const actions = ['拜访明远机械，确认二期扩产需求', '给云帆科技做自动化产线方案演示', '回访恒达物流，闭环价格异议'];
    for (const [i, text] of actions.entries()) {
      await repPage.getByTestId(`canvas-action-${i}`).fill(text);
      await repPage.getByTestId(`canvas-target-${i}`).click();
      if (i % 2) await repPage.keyboard.press('ArrowDown');
      await repPage.keyboard.press('Enter');
    }
    await repPage.getByTestId('canvas-save').click();
    await repPage.getByText('已保存').first().waitFor();
    await screenshot(repPage, 'goals-canvas-rep-phone');

    const mgrCtx = await newContext(browser);
    const mgr = await mgrCtx.newPage();
    await signIn(mgr, 'manager1');
    await mgr.goto('/goals/canvas');
    const card = mgr.getByTestId(`team-rep-${rep.id}`);
    await card.getByText(actions[1]).waitFor();
    await screenshot(mgr, 'goals-canvas-team');
    await Promise.all([adminCtx.close(), repCtx.close(), mgrCtx.close()]);
  }, 120_000);
});
