import { describe, expect, it } from 'vitest';
import { ApiError, formFieldErrors, networkError, problemFromResponse } from './problem.js';

describe('problem+json', () => {
  it('[X5] turns an RFC 9457 body into an ApiError with detail, status, code and errors', () => {
    const e = problemFromResponse(
      400,
      {
        type: 'https://trueline.local/problems/validation-failed',
        title: '请求有误',
        status: 400,
        detail: '提交的内容有误：name 必填',
        code: 'validation_failed',
        errors: [{ path: 'name', message: '必填' }, { path: 'tags.0', message: '过长' }],
      },
      'zh-CN',
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e.message).toBe('提交的内容有误：name 必填');
    expect([e.status, e.code, e.title]).toEqual([400, 'validation_failed', '请求有误']);
    expect(e.errors).toEqual([
      { path: 'name', message: '必填' },
      { path: 'tags.0', message: '过长' },
    ]);
  });

  it('[X1] keeps extra members such as lockedUntil of a locked account', () => {
    const e = problemFromResponse(423, { status: 423, code: 'login_locked', detail: '账号已锁定至 2026-01-01T00:15:00Z', lockedUntil: '2026-01-01T00:15:00Z' }, 'zh-CN');
    expect(e.detail).toContain('已锁定');
    expect(e.body.lockedUntil).toBe('2026-01-01T00:15:00Z');
  });

  it('[X5] recognises an endpoint the server does not have yet', () => {
    expect(problemFromResponse(404, { status: 404, code: 'route_not_found', detail: 'No such endpoint' }, 'en-US').isMissingEndpoint).toBe(true);
    expect(problemFromResponse(404, { status: 404, code: 'not_found', detail: 'Record not found' }, 'en-US').isMissingEndpoint).toBe(false);
  });

  it('[X6] a non-JSON failure (proxy page, empty body) gets a message in the UI language', () => {
    expect(problemFromResponse(502, '<html>Bad gateway</html>', 'zh-CN').detail).toBe('服务器暂时无响应（HTTP 502），请稍后重试');
    expect(problemFromResponse(500, undefined, 'en-US').detail).toBe('Request failed (HTTP 500)');
    expect(networkError('en-US').status).toBe(0);
  });

  it('[C1] maps field errors onto form paths, numeric segments as list indexes', () => {
    const e = new ApiError({ status: 400, code: 'validation_failed', detail: 'x', errors: [{ path: 'creditCode', message: 'bad' }, { path: 'tags.1', message: 'long' }, { path: 'creditCode', message: 'again' }, { path: '', message: 'root' }] });
    expect(formFieldErrors(e)).toEqual([
      { name: ['creditCode'], errors: ['bad', 'again'] },
      { name: ['tags', 1], errors: ['long'] },
    ]);
    expect(formFieldErrors(e, ['tags'])).toEqual([{ name: ['tags', 1], errors: ['long'] }]);
  });

  it('[C1] a problem naming one field (invalid credit code) lands on that field', () => {
    const e = problemFromResponse(400, { status: 400, code: 'invalid_credit_code', detail: '统一社会信用代码无效（GB 32100-2015）：校验位不正确', field: 'creditCode' }, 'zh-CN');
    expect(formFieldErrors(e, ['creditCode', 'name'])).toEqual([{ name: ['creditCode'], errors: ['统一社会信用代码无效（GB 32100-2015）：校验位不正确'] }]);
  });
});
