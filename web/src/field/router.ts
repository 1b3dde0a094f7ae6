// A router of a few lines (no react-router in the field page): the path is state, links push it.
import { createElement, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((fn) => fn());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

function subscribe(fn: () => void) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
const current = () => location.pathname;

export function usePath(): string {
  return useSyncExternalStore(subscribe, current, current);
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  window.scrollTo(0, 0);
  notify();
}

export function back(fallback = '/m/'): void {
  if (history.length > 1 && document.referrer.startsWith(location.origin)) history.back();
  else navigate(fallback);
}

export type Route =
  | { name: 'today' }
  | { name: 'scan' }
  | { name: 'code'; code: string }
  | { name: 'customer'; customerId: string }
  | { name: 'visit'; visitId: string }
  | { name: 'outbox' };

/** /m/ · /m/scan · /m/c/<code> (what the printed QR opens) · /m/k/<customerId> · /m/v/<visitId> · /m/outbox */
export function matchRoute(path: string): Route {
  const p = path.replace(/\/+$/, '');
  let m: RegExpExecArray | null;
  if ((m = /^\/m\/c\/([A-Za-z0-9._-]{1,80})$/.exec(p))) return { name: 'code', code: decodeURIComponent(m[1]) };
  if ((m = /^\/m\/k\/([0-9a-f-]{36})$/.exec(p))) return { name: 'customer', customerId: m[1] };
  if ((m = /^\/m\/v\/([0-9a-f-]{36})$/.exec(p))) return { name: 'visit', visitId: m[1] };
  if (p === '/m/scan') return { name: 'scan' };
  if (p === '/m/outbox') return { name: 'outbox' };
  return { name: 'today' };
}

/** The customer code in a scanned text: `<origin>/m/c/<code>` from any host, or the bare code. */
export function codeFromScan(text: string): string | null {
  const t = text.trim();
  const bare = /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{12}$/;
  if (bare.test(t)) return t;
  let path = t;
  try {
    path = new URL(t, 'http://x').pathname;
  } catch {
    return null;
  }
  const m = /\/m\/c\/([^/?#]+)\/?$/.exec(path);
  if (!m) return null;
  const code = decodeURIComponent(m[1]);
  return bare.test(code) ? code : null;
}

export function Link({ to, replace, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string; replace?: boolean }) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to, { replace });
  };
  return createElement('a', { ...rest, href: to, onClick: click });
}
