// RFC 9457 problem+json with a message a person understands, in zh-CN or en-US.
export type Locale = 'zh-CN' | 'en-US';
type Catalog = Record<string, { 'zh-CN': string; 'en-US': string }>;

const catalog: Catalog = {
  bad_request: { 'zh-CN': '请求有误', 'en-US': 'Bad request' },
  validation_failed: { 'zh-CN': '提交的内容有误：{detail}', 'en-US': 'The request is invalid: {detail}' },
  malformed_json: { 'zh-CN': '请求体不是合法的 JSON', 'en-US': 'The request body is not valid JSON' },
  body_too_large: { 'zh-CN': '请求体过大（上限 {limit} 字节）', 'en-US': 'The request body is too large (limit {limit} bytes)' },
  unsupported_media_type: { 'zh-CN': '不支持的内容类型：{type}', 'en-US': 'Unsupported content type: {type}' },
  unauthenticated: { 'zh-CN': '请先登录', 'en-US': 'Please sign in first' },
  forbidden: { 'zh-CN': '你的角色无权执行此操作', 'en-US': 'Your role is not allowed to do this' },
  forbidden_fields: { 'zh-CN': '你的角色无权修改这些字段：{fields}', 'en-US': 'Your role may not change these fields: {fields}' },
  not_found: { 'zh-CN': '找不到该记录', 'en-US': 'Record not found' },
  route_not_found: { 'zh-CN': '接口不存在：{method} {url}', 'en-US': 'No such endpoint: {method} {url}' },
  version_conflict: {
    'zh-CN': '记录已被他人修改（当前版本 {current}，你提交的版本 {given}），请刷新后重试',
    'en-US': 'Someone else changed this record (current version {current}, yours {given}); reload and try again',
  },
  csrf_failed: { 'zh-CN': '安全校验失败，请刷新页面后重试', 'en-US': 'Security check failed; reload the page and try again' },
  login_failed: { 'zh-CN': '企业代码、用户名或密码不正确', 'en-US': 'Company code, username or password is incorrect' },
  login_locked: {
    'zh-CN': '登录失败次数过多，账号已锁定至 {until}',
    'en-US': 'Too many failed sign-ins; the account is locked until {until}',
  },
  rate_limited: { 'zh-CN': '请求过于频繁，请 {seconds} 秒后再试', 'en-US': 'Too many requests; try again in {seconds} s' },
  internal: { 'zh-CN': '服务器内部错误，请联系管理员（请求编号 {requestId}）', 'en-US': 'Internal error; contact your administrator (request {requestId})' },
  unavailable: { 'zh-CN': '服务暂不可用', 'en-US': 'Service unavailable' },
};

const titles: Record<number, { 'zh-CN': string; 'en-US': string }> = {
  400: { 'zh-CN': '请求有误', 'en-US': 'Bad Request' },
  401: { 'zh-CN': '未登录', 'en-US': 'Unauthorized' },
  403: { 'zh-CN': '无权限', 'en-US': 'Forbidden' },
  404: { 'zh-CN': '未找到', 'en-US': 'Not Found' },
  409: { 'zh-CN': '冲突', 'en-US': 'Conflict' },
  413: { 'zh-CN': '内容过大', 'en-US': 'Content Too Large' },
  415: { 'zh-CN': '类型不支持', 'en-US': 'Unsupported Media Type' },
  422: { 'zh-CN': '无法处理', 'en-US': 'Unprocessable Content' },
  423: { 'zh-CN': '已锁定', 'en-US': 'Locked' },
  429: { 'zh-CN': '请求过多', 'en-US': 'Too Many Requests' },
  500: { 'zh-CN': '服务器错误', 'en-US': 'Internal Server Error' },
  503: { 'zh-CN': '服务不可用', 'en-US': 'Service Unavailable' },
};

/** Modules add their own message codes at import time. */
export function registerMessages(more: Catalog): void {
  for (const [k, v] of Object.entries(more)) {
    if (catalog[k] && (catalog[k]['zh-CN'] !== v['zh-CN'] || catalog[k]['en-US'] !== v['en-US'])) throw new Error(`message code ${k} registered twice`);
    catalog[k] = v;
  }
}

export function hasMessage(code: string): boolean {
  return code in catalog;
}

export function translate(code: string, locale: Locale, params: Record<string, unknown> = {}): string {
  const entry = catalog[code];
  const template = entry ? entry[locale] : code;
  return template.replace(/\{(\w+)\}/g, (_, k) => (params[k] === undefined ? `{${k}}` : String(params[k])));
}

export function negotiateLocale(acceptLanguage: string | undefined, fallback: Locale = 'zh-CN'): Locale {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en-US';
  }
  return fallback;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

/** Throw from anywhere; the error handler renders it in the caller's language. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Record<string, unknown> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(translate(code, 'en-US', params));
  }

  toBody(locale: Locale, instance?: string, requestId?: string): ProblemBody {
    return {
      type: `https://trueline.local/problems/${this.code.replace(/_/g, '-')}`,
      title: (titles[this.status] ?? titles[400])[locale],
      status: this.status,
      detail: translate(this.code, locale, this.params),
      code: this.code,
      instance,
      requestId,
      ...this.extra,
    };
  }
}

export const notFound = () => new Problem(404, 'not_found');
export const forbidden = () => new Problem(403, 'forbidden');
export const versionConflict = (current: number, given: number) => new Problem(409, 'version_conflict', { current, given }, { currentVersion: current });
