// The rep's field app at /m/ (P9 scan-to-record, P10 offline queue): plain React and one small CSS
// file, no antd. Boot: the outbox from IndexedDB → the page for the path, while "who is signed in"
// is asked in parallel with the page's own first request (401 → /login?next=…; offline → the last
// rep seen on this phone). Scan and the recorder are lazy chunks fetched when idle; jsQR only loads
// with the camera.
import { Component, lazy, StrictMode, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Lang } from '../app/i18n.js';
import { FieldError, get, goToLogin, sendItem, setCsrf, setLang as setApiLang, type Me } from './api.js';
import { FieldContext, type Field } from './context.js';
import { pickLang, rememberLang, translator } from './messages.js';
import { newId, OutboxQueue, type QueueSnapshot } from './queue.js';
import { matchRoute, usePath } from './router.js';
import { openQueueStore, readJson, writeJson } from './storage.js';
import { Today, TODAY_READY } from './Today.js';
import Outbox from './Outbox.js';
import { Toast, TopBar } from './ui.js';
import './field.css';

const loadScan = () => import('./Scan.js');
const loadVisit = () => import('./Visit.js');
const Scan = lazy(loadScan);
const Visit = lazy(loadVisit);

/** A lazy page that cannot load (offline before it was ever fetched): say so instead of a blank screen. */
class PageBoundary extends Component<{ children: ReactNode; text: string }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <p className="banner bad" style={{ margin: 16 }}>
        {this.props.text}{' '}
        <button type="button" className="btn small" onClick={() => location.reload()}>
          ↻
        </button>
      </p>
    );
  }
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

function App({ queue, me: mePromise }: { queue: OutboxQueue; me: Promise<Me | null> }) {
  const [me, setMe] = useState<Me | null>(() => readJson<Me>('me'));
  const [lang, setLangState] = useState<Lang>(() => pickLang());
  const [outbox, setOutbox] = useState<QueueSnapshot>(() => queue.snapshot());
  const [toastText, setToastText] = useState<string | null>(null);
  const toastTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const online = useOnline();
  const path = usePath();
  const route = matchRoute(path);
  setApiLang(lang);

  useEffect(() => {
    void mePromise.then((m) => m && setMe(m));
  }, [mePromise]);
  useEffect(() => queue.subscribe(setOutbox), [queue]);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  useEffect(() => {
    if (online) void queue.wake();
  }, [online, queue]);
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === 'visible') void queue.flush();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [queue]);

  const setLang = useCallback((l: Lang) => {
    rememberLang(l);
    setLangState(l);
  }, []);
  const toast = useCallback((text: string) => {
    setToastText(text);
    if (toastTimer.current) clearTimeout(toastTimer.current);
    toastTimer.current = setTimeout(() => setToastText(null), 3500);
  }, []);

  const value = useMemo<Field>(
    () => ({ t: translator(lang), lang, setLang, me, queue, outbox, online, toast, newId: () => newId() }),
    [lang, setLang, me, queue, outbox, online, toast],
  );

  let page;
  switch (route.name) {
    case 'scan':
      page = <Scan />;
      break;
    case 'code':
    case 'customer':
    case 'visit':
      page = <Visit key={path} route={route} />;
      break;
    case 'outbox':
      page = <Outbox />;
      break;
    default:
      page = <Today />;
  }
  return (
    <FieldContext.Provider value={value}>
      <PageBoundary key={path} text={value.t('network')}>
        <Suspense
          fallback={
            <div className="page">
              <TopBar title={value.t('appName')} backTo="/m/" />
              <p className="loading">…</p>
            </div>
          }
        >
          {page}
        </Suspense>
      </PageBoundary>
      <Toast text={toastText} />
    </FieldContext.Provider>
  );
}

async function whoAmI(): Promise<Me | null> {
  try {
    const me = await get<Me>('/auth/me', { onUnauthorized: 'throw' });
    setCsrf(me.csrfToken);
    writeJson('me', me);
    return me;
  } catch (e) {
    if (e instanceof FieldError && (e.status === 401 || e.status === 403)) {
      goToLogin();
      return new Promise<Me | null>(() => undefined); // leaving the page
    }
    // Offline (or the server is away): the last rep seen on this phone; the outbox waits.
    return readJson<Me>('me');
  }
}

async function boot() {
  const { store } = await openQueueStore();
  // Two tabs share the IndexedDB outbox: Web Locks keep their passes apart (ids make overlap harmless anyway).
  const locks: LockManager | undefined = navigator.locks;
  const queue = new OutboxQueue({
    store,
    transport: sendItem,
    isOnline: () => navigator.onLine,
    withLock: locks
      ? async (fn) => {
          await locks.request('trueline-field-outbox', fn);
        }
      : undefined,
  });
  setApiLang(pickLang());
  // Who is signed in is asked in parallel with the page's own first request (one round trip less
  // on a slow network); a 401 from either sends the rep to the login page.
  const me = whoAmI();
  await queue.load();
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App queue={queue} me={me} />
    </StrictMode>,
  );
  // Writes need the CSRF token: the outbox starts once the session is known.
  void me.then(() => queue.flush());
  // Once today's plan is on screen (or after 8 s on other pages), fetch the recorder, the scanner and
  // its QR decoder while the rep looks at the plan: they then open at once, and offline too.
  const idle = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 4000 }) : setTimeout(fn, 500));
  let prefetched = false;
  const prefetch = () => {
    if (prefetched) return;
    prefetched = true;
    idle(() => void Promise.all([loadVisit(), loadScan(), import('jsqr')]).catch(() => undefined));
  };
  window.addEventListener(TODAY_READY, prefetch, { once: true });
  setTimeout(prefetch, 8000);
}

void boot();
