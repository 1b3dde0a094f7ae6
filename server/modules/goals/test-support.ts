// Test helpers for the goals module and its sub-modules: a year's plan and targets through the API,
// and a metric definition changed through the config API with both sign-offs (X2).
import type { App } from '../../app.js';
import { signedIn, type TestTenant } from '../../test/harness.js';

export type Client = Awaited<ReturnType<typeof signedIn>>;

export async function makePlan(admin: Client, year: number): Promise<string> {
  const r = await admin.post('/api/v1/goals/plans', { year });
  if (r.statusCode !== 201 && r.statusCode !== 200) throw new Error(`plan not created: ${r.statusCode} ${r.body}`);
  return r.json().id as string;
}

export interface TargetInput {
  metric: string;
  period: string;
  nodeKind: 'company' | 'region' | 'team' | 'rep';
  nodeId?: string | null;
  value: unknown;
  productLine?: string;
  reason?: string;
}

export const putTarget = (who: Client, t: TargetInput, lang = 'zh-CN') => who.call('PUT', '/api/v1/goals/targets', t, { 'accept-language': lang });

export async function setTarget(who: Client, t: TargetInput): Promise<{ id: string; value: number; version: number }> {
  const r = await putTarget(who, t);
  if (r.statusCode !== 201 && r.statusCode !== 200) throw new Error(`target not set: ${r.statusCode} ${r.body}`);
  return r.json();
}

export function treeUrl(year: number, q: { metric: string; period: string; nodeKind?: string; nodeId?: string }): string {
  const p = new URLSearchParams({ metric: q.metric, period: q.period, nodeKind: q.nodeKind ?? 'company', ...(q.nodeId ? { nodeId: q.nodeId } : {}) });
  return `/api/v1/goals/plans/${year}/tree?${p}`;
}

/** Proposes a new version of a config key as `proposer` and has `signers` approve it (proposer signs too). */
export async function changeConfig(app: App, t: TestTenant, key: string, value: unknown, proposer = 'admin', signers = ['admin', 'director']): Promise<number> {
  const p = await signedIn(app, t, proposer);
  const r = await p.post(`/api/v1/admin/config/${key}/proposals`, { value, reason: '测试：修正指标口径' });
  if (r.statusCode !== 201) throw new Error(`proposal refused: ${r.statusCode} ${r.body}`);
  const version = r.json().version as number;
  for (const s of signers) {
    const a = await (await signedIn(app, t, s)).post(`/api/v1/admin/config/${key}/versions/${version}/approve`);
    if (a.statusCode !== 200) throw new Error(`approval by ${s} refused: ${a.statusCode} ${a.body}`);
  }
  return version;
}
