// Shared bits of the field pages: the top bar with the outbox badge, icons (inline SVG: no icon
// font, no emoji font needed on the phone), the six-action strip.
import type { ReactNode } from 'react';
import { useField } from './context.js';
import { back, Link } from './router.js';
import { ACTION_TYPES, type ActionType } from './storage.js';

const PATHS = {
  back: 'M15.5 4.5 8 12l7.5 7.5',
  camera: 'M4 8h3l2-3h6l2 3h3v11H4zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  mic: 'M12 3a3 3 0 0 1 3 3v6a3 3 0 0 1-6 0V6a3 3 0 0 1 3-3zM6 11a6 6 0 0 0 12 0M12 17v4',
  scan: 'M4 8V4h4M16 4h4v4M20 16v4h-4M8 20H4v-4M4 12h16',
  check: 'M5 12.5 10 17l9-10',
  pin: 'M12 21s-6.5-6-6.5-11a6.5 6.5 0 0 1 13 0c0 5-6.5 11-6.5 11zM12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
  cloud: 'M7 18h10a4 4 0 0 0 .5-8 6 6 0 0 0-11.5 1.5A3.3 3.3 0 0 0 7 18z',
  search: 'M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13zM15.5 15.5 20 20',
} as const;

export function Icon({ name, size = 20 }: { name: keyof typeof PATHS; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round">
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The outbox state in one glance: offline / N to send / N failed / synced. Opens the outbox list. */
export function OutboxBadge() {
  const { t, outbox, online } = useField();
  let cls = 'badge ok';
  let text = t('synced');
  if (outbox.failed) {
    cls = 'badge bad';
    text = t('failedCount', { n: outbox.failed });
  } else if (outbox.pending) {
    cls = online ? 'badge wait' : 'badge off';
    text = t('pending', { n: outbox.pending });
  } else if (!online) {
    cls = 'badge off';
    text = t('offline');
  }
  return (
    <Link to="/m/outbox" className={cls} data-testid="outbox-badge" data-pending={outbox.pending} data-failed={outbox.failed} aria-live="polite">
      {!online ? <span className="dot" /> : null}
      {text}
    </Link>
  );
}

export function TopBar({ title, backTo, children }: { title: ReactNode; backTo?: string; children?: ReactNode }) {
  const { t, lang, setLang } = useField();
  return (
    <header className="top">
      {backTo ? (
        <button type="button" className="icon-btn" aria-label={t('back')} onClick={() => back(backTo)} data-testid="back">
          <Icon name="back" size={22} />
        </button>
      ) : null}
      <h1 className="top-title">{title}</h1>
      {children}
      <OutboxBadge />
      <button type="button" className="lang" onClick={() => setLang(lang === 'zh-CN' ? 'en-US' : 'zh-CN')} data-testid="lang-switch">
        {t('lang')}
      </button>
    </header>
  );
}

export function AuthBanner() {
  const { t, outbox } = useField();
  if (!outbox.authNeeded) return null;
  return (
    <a className="banner bad" href={`/login?next=${encodeURIComponent(location.pathname)}`} data-testid="auth-banner">
      {t('signInAgain')}
    </a>
  );
}

const SHORT: Record<'zh-CN' | 'en-US', Record<ActionType, string>> = {
  'zh-CN': { appointment: '预约', check_in: '签到', need_capture: '需求', demo: '演示', objection: '异议', follow_up: '跟进' },
  'en-US': { appointment: 'Appt', check_in: 'In', need_capture: 'Needs', demo: 'Demo', objection: 'Obj.', follow_up: 'Next' },
};

/** The six atomic actions of a visit: done on the server, queued on this phone, or missing. */
export function ActionStrip({ done, queued }: { done: readonly string[]; queued: readonly string[] }) {
  const { lang } = useField();
  return (
    <ol className="strip" aria-label="actions">
      {ACTION_TYPES.map((a) => {
        const state = done.includes(a) ? 'done' : queued.includes(a) ? 'queued' : 'missing';
        return (
          <li key={a} className={`step ${state}`} data-action={a} data-state={state}>
            {SHORT[lang][a]}
          </li>
        );
      })}
    </ol>
  );
}

export function Toast({ text }: { text: string | null }) {
  return text ? (
    <div className="toast" role="status" data-testid="toast">
      {text}
    </div>
  ) : null;
}
