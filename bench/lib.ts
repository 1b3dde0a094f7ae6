// Shared by the benchmarks: the result row, percentiles, rounding, and a demo user's session.
import type { App } from '../server/app.js';
import { DEMO_PASSWORD, DEMO_TENANT } from '../server/demo/first-run.js';

export interface Row {
  database: string;
  case: string;
  p50: number;
  p95: number;
  max: number;
  n: number;
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const round = (x: number) => Math.round(x * 10) / 10;
export const mb = (b: number) => Math.round(b / 1_048_576);

/** Signs a demo user in; returns the cookie header for app.inject. */
export async function session(app: App, username: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { tenant: DEMO_TENANT, username, password: DEMO_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.body}`);
  return { cookie: res.cookies.map((c) => `${c.name}=${c.value}`).join('; ') };
}
