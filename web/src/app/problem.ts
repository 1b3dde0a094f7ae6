// RFC 9457 problem+json → ApiError, and ApiError → antd Form field errors.
import { defineMessages, translate, type Lang } from './i18n.js';

export interface FieldIssue {
  path: string;
  message: string;
}

const msgs = defineMessages(
  {
    network: '网络连接失败，请检查网络后重试',
    gateway: '服务器暂时无响应（HTTP {status}），请稍后重试',
    generic: '请求失败（HTTP {status}）',
  },
  {
    network: 'Network error; check your connection and try again',
    gateway: 'The server is not responding (HTTP {status}); try again shortly',
    generic: 'Request failed (HTTP {status})',
  },
);

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly title: string;
  readonly errors: FieldIssue[];
  /** The whole problem body (extra members such as currentVersion, lockedUntil, field). */
  readonly body: Record<string, unknown>;

  constructor(init: { status: number; code: string; detail: string; title?: string; errors?: FieldIssue[]; body?: Record<string, unknown> }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.title = init.title ?? '';
    this.errors = init.errors ?? [];
    this.body = init.body ?? {};
  }

  /** The server has no such endpoint yet (module not shipped). */
  get isMissingEndpoint(): boolean {
    return this.status === 404 && this.code === 'route_not_found';
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

function issuesOf(v: unknown): FieldIssue[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((x): x is Record<string, unknown> => !!x && typeof x === 'object')
    .map((x) => ({ path: typeof x.path === 'string' ? x.path : Array.isArray(x.path) ? x.path.join('.') : '', message: String(x.message ?? '') }))
    .filter((x) => x.message !== '');
}

/** Builds the error for a non-2xx response; `body` is the parsed JSON (or text, or null). */
export function problemFromResponse(status: number, body: unknown, lang: Lang): ApiError {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    const detail = typeof b.detail === 'string' && b.detail ? b.detail : typeof b.title === 'string' && b.title ? b.title : typeof b.message === 'string' ? b.message : '';
    if (detail) {
      return new ApiError({
        status: typeof b.status === 'number' ? b.status : status,
        code: typeof b.code === 'string' ? b.code : `http_${status}`,
        detail,
        title: typeof b.title === 'string' ? b.title : '',
        errors: issuesOf(b.errors),
        body: b,
      });
    }
  }
  const key = status === 502 || status === 503 || status === 504 ? 'gateway' : 'generic';
  return new ApiError({ status, code: `http_${status}`, detail: translate(msgs, lang, key, { status }) });
}

export function networkError(lang: Lang): ApiError {
  return new ApiError({ status: 0, code: 'network', detail: translate(msgs, lang, 'network') });
}

export interface FormFieldError {
  name: (string | number)[];
  errors: string[];
}

/**
 * Field errors for antd `form.setFields`. Paths are dotted ('tags.0', 'value.radiusM');
 * a problem with a single `field` member (e.g. invalid_credit_code) maps its detail there.
 * Only fields the form knows are returned, the rest stay in the page-level message.
 */
export function formFieldErrors(err: ApiError, known?: readonly string[]): FormFieldError[] {
  const byPath = new Map<string, string[]>();
  const add = (path: string, message: string) => {
    if (!path) return;
    if (known && !known.includes(path.split('.')[0])) return;
    byPath.set(path, [...(byPath.get(path) ?? []), message]);
  };
  for (const e of err.errors) add(e.path, e.message);
  if (!err.errors.length && typeof err.body.field === 'string') add(err.body.field, err.detail);
  return [...byPath].map(([path, errors]) => ({
    name: path.split('.').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg)),
    errors,
  }));
}
