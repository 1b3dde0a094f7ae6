// The one fetch wrapper: cookies, JSON, CSRF header on writes, Accept-Language, problem+json
// errors, and a hook for "session gone" (401) so the app can send the user to the login page.
import { pickCsrfToken } from './csrf.js';
import { DEFAULT_LANG, type Lang } from './i18n.js';
import { ApiError, networkError, problemFromResponse } from './problem.js';
import { toQueryString, type QueryValue } from './query.js';

export const API_BASE = '/api/v1';

const state: { lang: Lang; csrf: string | null; onUnauthorized: () => void } = {
  lang: DEFAULT_LANG,
  csrf: null,
  onUnauthorized: () => undefined,
};

export function setApiLanguage(lang: Lang): void {
  state.lang = lang;
}
export function rememberCsrfToken(token: string | null | undefined): void {
  state.csrf = token ?? null;
}
export function setUnauthorizedHandler(fn: () => void): void {
  state.onUnauthorized = fn;
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Login and the initial /auth/me treat 401 as an answer, not as an expired session. */
  expectUnauthorized?: boolean;
}

export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  return `${API_BASE}${path}${toQueryString(query)}`;
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', 'Accept-Language': state.lang };
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = pickCsrfToken(typeof document === 'undefined' ? null : document.cookie, state.csrf);
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  // Fastify rejects an empty body sent as JSON, so the content type goes only with a body.
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, opts.query), { method, headers, body, credentials: 'include', signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw networkError(state.lang);
  }
  const data = await readBody(res);
  if (!res.ok) {
    const err = problemFromResponse(res.status, data, state.lang);
    if (res.status === 401 && !opts.expectUnauthorized) state.onUnauthorized();
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  del: <T = void>(path: string) => request<T>('DELETE', path),
};

export { ApiError };
