// Reads the double-submit CSRF token the server sets as the readable cookie tl_csrf.
export const CSRF_COOKIE = 'tl_csrf';

export function readCookie(cookieHeader: string | null | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    if (!raw) return null;
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  }
  return null;
}

/** The cookie wins (it follows re-logins in other tabs); the token from login/me is the fallback. */
export function pickCsrfToken(cookieHeader: string | null | undefined, remembered: string | null): string | null {
  return readCookie(cookieHeader, CSRF_COOKIE) ?? remembered;
}
