// The outbox (/m/outbox): what is still on the phone, in sending order. A refused item shows the
// server's reason and waits for the rep (retry or discard); the rest go by themselves.
import { useEffect, useState } from 'react';
import { useField } from './context.js';
import type { FieldKey } from './messages.js';
import { session } from './storage.js';
import { AuthBanner, TopBar } from './ui.js';

const hhmm = (t: number) => {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export default function Outbox() {
  const { t, queue, outbox, online } = useField();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const queued = new Set(outbox.items.map((i) => i.id));

  return (
    <div className="page">
      <TopBar title={t('queueTitle')} backTo="/m/" />
      <AuthBanner />
      <main className="content">
        {!online ? <p className="banner warn">{t('queueOfflineHint')}</p> : null}
        {outbox.retryAt && online ? (
          <p className="muted small" data-testid="outbox-retry-at">
            {t('queueRetryAt', { s: Math.max(0, Math.ceil((outbox.retryAt - now) / 1000)) })}
            {outbox.lastError ? ` · ${outbox.lastError}` : ''}
          </p>
        ) : null}
        {outbox.items.length === 0 ? (
          <p className="empty" data-testid="outbox-empty">
            {t('queueEmpty')}
          </p>
        ) : (
          <ul className="cards">
            {outbox.items.map((i) => {
              const waiting = i.state === 'pending' && !!i.after && queued.has(i.after);
              return (
                <li key={i.id} className={`card ${i.state}`} data-testid="outbox-item" data-state={i.state} data-label={i.label}>
                  <div className="card-head">
                    <strong>{t(`label_${i.label}` as FieldKey)}</strong>
                    <span className="muted small">{session(i.visitId)?.customer.name ?? ''}</span>
                  </div>
                  {i.state === 'failed' ? (
                    <>
                      <p className="error-text" data-testid="outbox-error">
                        {i.error?.detail} {i.error ? `(HTTP ${i.error.status})` : ''}
                      </p>
                      <div className="row">
                        <button type="button" className="btn small" onClick={() => void queue.retry(i.id)} data-testid="outbox-retry">
                          {t('queueRetry')}
                        </button>
                        <button type="button" className="btn small danger" onClick={() => confirm(t('queueDiscardConfirm')) && void queue.discard(i.id)} data-testid="outbox-discard">
                          {t('queueDiscard')}
                        </button>
                      </div>
                    </>
                  ) : (
                    <p className="muted small">
                      {hhmm(i.createdAt)} · {waiting ? t('queueWaiting') : i.error ? t('itemLastError', { detail: i.error.detail }) : online ? t('itemWaiting') : t('offline')}
                      {i.attempts ? ` · ×${i.attempts}` : ''}
                    </p>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </main>
      {outbox.pending ? (
        <footer className="dock">
          <button type="button" className="btn primary big" onClick={() => void queue.wake()} disabled={!online} data-testid="outbox-send-now">
            {t('queueSendNow')}
          </button>
        </footer>
      ) : null}
    </div>
  );
}
