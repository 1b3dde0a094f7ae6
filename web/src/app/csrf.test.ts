import { describe, expect, it } from 'vitest';
import { pickCsrfToken, readCookie } from './csrf.js';

describe('CSRF cookie', () => {
  it('[X1] reads tl_csrf among other cookies, trimmed and decoded', () => {
    expect(readCookie('a=1; tl_csrf=abc%2Bdef_-; b=2', 'tl_csrf')).toBe('abc+def_-');
    expect(readCookie('tl_csrf_old=zzz;tl_csrf=x', 'tl_csrf')).toBe('x');
  });

  it('[X1] returns null when the cookie is absent or empty', () => {
    expect(readCookie('', 'tl_csrf')).toBeNull();
    expect(readCookie('other=1', 'tl_csrf')).toBeNull();
    expect(readCookie('tl_csrf=', 'tl_csrf')).toBeNull();
    expect(readCookie(undefined, 'tl_csrf')).toBeNull();
  });

  it('[X1] prefers the cookie over the token remembered from login/me', () => {
    expect(pickCsrfToken('tl_csrf=fromCookie', 'fromLogin')).toBe('fromCookie');
    expect(pickCsrfToken('x=1', 'fromLogin')).toBe('fromLogin');
    expect(pickCsrfToken(null, null)).toBeNull();
  });
});
