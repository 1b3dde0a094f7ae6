// The field app's fetch: same-origin cookie session as the main app (tl_session), the double-submit
// CSRF header on writes, Accept-Language, problem+json errors. A 401 on a read sends the rep to the
// main app's login page and back here; the outbox's writes go through `sendItem`.
import { pickCsrfToken } from '../app/csrf.js';
import type { Lang } from '../app/i18n.js';
import { classify, type QueueItem, type SendOutcome } from './queue.js';

export const API_BASE = '/api/v1';

const state: { lang: Lang; csrf: string | null } = { lang: 'zh-CN', csrf: null };

export function setLang(l: Lang) {
  state.lang = l;
}
export function setCsrf(token: string | null | undefined) {
  state.csrf = token ?? null;
}

export class FieldError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FieldError';
  }
  /** No answer from the server (offline, DNS, timeout). */
  get network() {
    return this.status === 0;
  }
}

/** Where to sign in so that the rep comes back to this page. */
export const loginUrl = (path = location.pathname + location.search) => `/login?next=${encodeURIComponent(path.startsWith('/m') ? path : '/m/')}`;

export function goToLogin(): void {
  location.assign(loginUrl());
}

function headers(write: boolean): Record<string, string> {
  const h: Record<string, string> = { Accept: 'application/json, application/problem+json', 'Accept-Language': state.lang };
  if (write) {
    const csrf = pickCsrfToken(typeof document === 'undefined' ? null : document.cookie, state.csrf);
    if (csrf) h['x-csrf-token'] = csrf;
  }
  return h;
}

async function body(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function problemOf(status: number, data: unknown): { code: string; detail: string } {
  if (data && typeof data === 'object') {
    const b = data as Record<string, unknown>;
    const detail = [b.detail, b.title, b.message].find((x) => typeof x === 'string' && x) as string | undefined;
    return { code: typeof b.code === 'string' ? b.code : typeof b.type === 'string' ? String(b.type).split('/').pop()! : `http_${status}`, detail: detail ?? `HTTP ${status}` };
  }
  return { code: `http_${status}`, detail: typeof data === 'string' && data.length < 200 && data ? data : `HTTP ${status}` };
}

/** GET below /api/v1. `onUnauthorized: 'login'` (default) leaves for the login page on a 401. */
export async function get<T>(path: string, opts: { signal?: AbortSignal; onUnauthorized?: 'login' | 'throw' } = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { headers: headers(false), credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new FieldError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const data = await body(res);
  if (!res.ok) {
    const p = problemOf(res.status, data);
    if (res.status === 401 && (opts.onUnauthorized ?? 'login') === 'login') goToLogin();
    throw new FieldError(res.status, p.code, p.detail);
  }
  return data as T;
}

/** The outbox's transport: one POST (JSON or multipart) → what the queue should do next. */
export async function sendItem(item: QueueItem): Promise<SendOutcome> {
  if (typeof navigator !== 'undefined' && navigator.onLine === false) return { kind: 'retry', status: 0, detail: 'offline' };
  const h = headers(true);
  let payload: BodyInit | undefined;
  if (item.form) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(item.form.fields)) fd.append(k, v);
    fd.append('file', item.form.file, item.form.fileName);
    payload = fd;
  } else {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(item.json ?? {});
  }
  let res: Response;
  try {
    res = await fetch(API_BASE + item.path, { method: 'POST', headers: h, body: payload, credentials: 'same-origin' });
  } catch (e) {
    return { kind: 'retry', status: 0, detail: e instanceof Error ? e.message : String(e) };
  }
  const data = await body(res);
  const kind = classify(res.status);
  if (kind === 'ok') return { kind, status: res.status, body: data };
  const p = problemOf(res.status, data);
  // A stale CSRF token (signed in again in another tab) is a session matter, not a bad record.
  if (p.code === 'csrf_failed') return { kind: 'auth', status: res.status, detail: p.detail };
  if (kind === 'reject') return { kind, status: res.status, code: p.code, detail: p.detail };
  return { kind, status: res.status, detail: p.detail };
}

// ── the server's shapes (0007) ─────────────────────────────────────────────────────────────

export interface Me {
  user: { id: string; username: string; displayName: string; role: string; locale: string };
  tenant: { id: string; slug: string; name: string; timeZone: string };
  csrfToken: string | null;
}

export interface TodayItem {
  id: string;
  customerId: string;
  customerName: string | null;
  purpose: string;
  plannedAt: string | null;
  occurredAt: string;
  address: string | null;
  done: string[];
  missing?: unknown;
  geofence?: string | null;
}
export interface Today {
  date: string;
  items: TodayItem[];
}

export interface ScanResult {
  code: string;
  customer: { id: string; name: string; tier?: string | null; stage?: string | null; address: string | null; lat: number | null; lng: number | null };
  openVisit: { id: string; purpose: string; done: string[] } | null;
}

export interface CustomerBrief {
  id: string;
  name?: string;
  tier?: string;
  address?: string | null;
  city?: string | null;
  lat?: number | null;
  lng?: number | null;
}

export interface Verdict {
  check: string;
  outcome: 'pass' | 'warn' | 'flag';
  actionId: string | null;
  numbers: Record<string, unknown>;
}
export interface ActionResponse {
  action: { id: string; type: string };
  verdicts: Verdict[];
  visit: { id: string; geofence: string | null };
}
