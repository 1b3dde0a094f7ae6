import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, rememberCsrfToken, setApiLanguage, setUnauthorizedHandler } from './api.js';
import { ApiError } from './problem.js';

function stubFetch(status: number, body: unknown, type = 'application/json') {
  const fn = vi.fn(async () => new Response(body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': type } }));
  vi.stubGlobal('fetch', fn);
  return fn;
}
const callOf = (fn: ReturnType<typeof stubFetch>) => (fn.mock.calls[0] as unknown as [string, RequestInit & { headers: Record<string, string> }]);

afterEach(() => {
  vi.unstubAllGlobals();
  rememberCsrfToken(null);
  setApiLanguage('zh-CN');
  setUnauthorizedHandler(() => undefined);
});

describe('API client', () => {
  it('[X1] sends the CSRF token on writes but not on reads, always with credentials', async () => {
    rememberCsrfToken('tok123');
    const fn = stubFetch(200, { ok: true });
    await api.post('/customers', { kind: 'org', name: 'A' });
    const [url, init] = callOf(fn);
    expect(url).toBe('/api/v1/customers');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('include');
    expect(init.headers['x-csrf-token']).toBe('tok123');
    expect(init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ kind: 'org', name: 'A' });

    const get = stubFetch(200, { items: [] });
    await api.get('/customers', { q: '', tier: 'KA', page: 2 });
    const [gurl, ginit] = callOf(get);
    expect(gurl).toBe('/api/v1/customers?tier=KA&page=2');
    expect(ginit.headers['x-csrf-token']).toBeUndefined();
  });

  it('[X6] sends Accept-Language with the current UI language', async () => {
    setApiLanguage('en-US');
    const fn = stubFetch(200, {});
    await api.get('/auth/me');
    expect(callOf(fn)[1].headers['Accept-Language']).toBe('en-US');
  });

  it('[X5] a body-less POST has no JSON content type (the server rejects empty JSON) and 204 gives undefined', async () => {
    const fn = stubFetch(204, undefined);
    await expect(api.post('/notifications/read-all')).resolves.toBeUndefined();
    expect(callOf(fn)[1].headers['Content-Type']).toBeUndefined();
  });

  it('[X5] rejects with an ApiError carrying the problem detail', async () => {
    stubFetch(409, { status: 409, code: 'version_conflict', detail: '记录已被他人修改', currentVersion: 4 }, 'application/problem+json');
    const err = await api.patch('/customers/x', { version: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(409);
    expect((err as ApiError).detail).toBe('记录已被他人修改');
    expect((err as ApiError).body.currentVersion).toBe(4);
  });

  it('[X1] a 401 on an ordinary call reports the lost session; login and me do not', async () => {
    const lost = vi.fn();
    setUnauthorizedHandler(lost);
    stubFetch(401, { status: 401, code: 'unauthenticated', detail: '请先登录' }, 'application/problem+json');
    await expect(api.get('/customers')).rejects.toBeInstanceOf(ApiError);
    expect(lost).toHaveBeenCalledTimes(1);
  });
});
