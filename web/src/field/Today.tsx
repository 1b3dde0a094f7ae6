// Today (/m/): the rep's visits planned or started today (GET /process/today, cached for offline),
// merged with visits started on this phone that have not reached the server yet; each shows which
// of the six actions are done, queued here, or missing. The big button opens the scanner.
import { useEffect, useState } from 'react';
import { FieldError, get, type Today as TodayData, type TodayItem } from './api.js';
import { useField } from './context.js';
import { Link, navigate } from './router.js';
import { localDay, readJson, rememberCustomer, sessions, writeJson } from './storage.js';
import { ActionStrip, AuthBanner, Icon, TopBar } from './ui.js';

const hhmm = (iso: string | number | null | undefined) => {
  if (iso === null || iso === undefined) return '';
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export const TODAY_READY = 'tl:today-ready';

interface Row {
  id: string;
  name: string;
  address: string | null;
  at: string;
  planned: boolean;
  done: string[];
  local: boolean;
}

export function Today() {
  const { t, outbox, me } = useField();
  const [data, setData] = useState<TodayData | null>(() => readJson<TodayData>('today'));
  const [error, setError] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const pending = outbox.pending;

  // The plan is on screen and the page answers taps: main.tsx prefetches the other pages then,
  // bench/mobile.ts measures time to interactive from the mark.
  useEffect(() => {
    if (!loaded || performance.getEntriesByName(TODAY_READY).length) return;
    performance.mark(TODAY_READY);
    window.dispatchEvent(new Event(TODAY_READY));
  }, [loaded]);

  useEffect(() => {
    const ac = new AbortController();
    get<TodayData>('/process/today', { signal: ac.signal })
      .then((d) => {
        setData(d);
        setError(null);
        setLoaded(true);
        writeJson('today', d);
        for (const i of d.items) if (i.customerName) rememberCustomer({ id: i.customerId, name: i.customerName, address: i.address });
      })
      .catch((e) => {
        if (ac.signal.aborted) return;
        setLoaded(true);
        if (e instanceof FieldError && e.network) return; // offline: the cached plan stays
        setError(e instanceof Error ? e.message : String(e));
      });
    return () => ac.abort();
    // Refetch when the outbox drains, so what was sent shows as done.
  }, [pending === 0]);

  const today = localDay();
  const serverItems: TodayItem[] = data && data.date === today ? data.items : data?.items ?? [];
  const local = sessions().filter((s) => s.day === today);
  const queuedOf = (visitId: string) => outbox.items.filter((i) => i.visitId === visitId).map((i) => i.label);
  const rows: Row[] = serverItems.map((i) => ({
    id: i.id,
    name: i.customerName ?? '—',
    address: i.address,
    at: i.plannedAt ? t('planned', { t: hhmm(i.plannedAt) }) : t('started', { t: hhmm(i.occurredAt) }),
    planned: !!i.plannedAt,
    done: [...new Set([...i.done, ...(local.find((s) => s.visitId === i.id)?.done ?? [])])],
    local: false,
  }));
  for (const s of local) {
    if (rows.some((r) => r.id === s.visitId)) continue;
    rows.push({ id: s.visitId, name: s.customer.name, address: s.customer.address ?? null, at: t('started', { t: hhmm(s.startedAt) }), planned: false, done: s.done, local: true });
  }

  return (
    <div className="page">
      <TopBar title={t('today')} />
      <AuthBanner />
      <main className="content">
        <p className="muted small">
          {me?.user.displayName ?? ''} · {today}
        </p>
        {error ? (
          <p className="banner bad" data-testid="today-error">
            {t('errorLoad', { detail: error })}
          </p>
        ) : null}
        {rows.length === 0 ? (
          <p className="empty" data-testid="today-empty">
            {t('todayEmpty')}
          </p>
        ) : (
          <ul className="cards" data-testid="today-list">
            {rows.map((r) => {
              const queued = queuedOf(r.id);
              return (
                <li key={r.id}>
                  <Link to={`/m/v/${r.id}`} className="card" data-testid="today-visit" data-visit-id={r.id}>
                    <div className="card-head">
                      <strong className="card-title">{r.name}</strong>
                      <span className={r.planned ? 'tag plan' : 'tag'}>{r.at}</span>
                    </div>
                    {r.address ? (
                      <div className="muted small addr">
                        <Icon name="pin" size={14} /> {r.address}
                      </div>
                    ) : null}
                    <ActionStrip done={r.done.filter((d) => !queued.includes(d))} queued={queued} />
                    {r.local ? <span className="tag local">{t('localOnly')}</span> : null}
                  </Link>
                </li>
              );
            })}
          </ul>
        )}
      </main>
      <footer className="dock">
        <button type="button" className="btn primary big" onClick={() => navigate('/m/scan')} data-testid="scan-button">
          <Icon name="scan" size={26} /> {t('scanButton')}
        </button>
      </footer>
    </div>
  );
}
