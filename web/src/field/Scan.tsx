// Scan (/m/scan): the rear camera through getUserMedia, frames drawn to a canvas and decoded with
// jsQR (loaded with this page only). A customer code opens /m/c/<code>, which checks in at once.
// Without a camera (denied, none, or plain-http page): search the rep's customers instead.
import { useEffect, useRef, useState } from 'react';
import { FieldError, get, type CustomerBrief } from './api.js';
import { useField } from './context.js';
import { codeFromScan, navigate } from './router.js';
import { rememberCustomer } from './storage.js';
import { AuthBanner, Icon, TopBar } from './ui.js';

type CamState = { s: 'starting' } | { s: 'on' } | { s: 'off'; reason: string; insecure?: boolean };

/** Longest side of the frame handed to the decoder: enough for a door-plate code, cheap on a phone. */
const MAX_SIDE = 640;

export default function Scan() {
  const { t } = useField();
  const video = useRef<HTMLVideoElement>(null);
  const [cam, setCam] = useState<CamState>({ s: 'starting' });
  const [notCustomer, setNotCustomer] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    let lastWrong = 0;
    const stop = () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((tr) => tr.stop());
    };
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setCam({ s: 'off', reason: t('camUnsupported'), insecure: !window.isSecureContext });
        return;
      }
      try {
        const [s, mod] = await Promise.all([
          navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false }),
          import('jsqr'),
        ]);
        stream = s;
        if (stopped) return stop();
        const v = video.current!;
        v.srcObject = s;
        v.setAttribute('playsinline', 'true');
        await v.play().catch(() => undefined);
        setCam({ s: 'on' });
        const jsQR = mod.default;
        const canvas = document.createElement('canvas');
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        const tick = () => {
          if (stopped) return;
          if (v.readyState >= 2 && v.videoWidth) {
            const k = Math.min(1, MAX_SIDE / Math.max(v.videoWidth, v.videoHeight));
            const w = Math.round(v.videoWidth * k);
            const h = Math.round(v.videoHeight * k);
            if (canvas.width !== w) canvas.width = w;
            if (canvas.height !== h) canvas.height = h;
            ctx.drawImage(v, 0, 0, w, h);
            const img = ctx.getImageData(0, 0, w, h);
            const hit = jsQR(img.data, w, h, { inversionAttempts: 'attemptBoth' });
            if (hit?.data) {
              const code = codeFromScan(hit.data);
              if (code) {
                stop();
                navigator.vibrate?.(40);
                navigate(`/m/c/${encodeURIComponent(code)}`);
                return;
              }
              if (Date.now() - lastWrong > 1500) {
                lastWrong = Date.now();
                setNotCustomer(true);
                setTimeout(() => setNotCustomer(false), 1500);
              }
            }
          }
          timer = setTimeout(tick, 120);
        };
        tick();
      } catch (e) {
        const name = e instanceof DOMException ? e.name : '';
        const reason =
          name === 'NotAllowedError' || name === 'SecurityError'
            ? t('camNotAllowed')
            : name === 'NotFoundError' || name === 'OverconstrainedError'
              ? t('camNotFound')
              : name === 'NotReadableError' || name === 'AbortError'
                ? t('camBusy')
                : e instanceof Error
                  ? e.message
                  : String(e);
        setCam({ s: 'off', reason });
      }
    })();
    return stop;
    // The camera starts once per visit of the page; a language switch only changes the texts.
  }, []);

  return (
    <div className="page">
      <TopBar title={t('scanTitle')} backTo="/m/" />
      <AuthBanner />
      <main className="content">
        {cam.s !== 'off' ? (
          <div className="viewfinder" data-testid="viewfinder" data-state={cam.s}>
            <video ref={video} muted playsInline autoPlay />
            <div className="frame" aria-hidden="true" />
            <p className="vf-hint">{notCustomer ? t('scanNotCustomer') : cam.s === 'starting' ? t('cameraStarting') : t('scanHint')}</p>
          </div>
        ) : (
          <p className="banner warn" data-testid="camera-off">
            {cam.insecure ? t('cameraInsecure') : t('cameraDenied', { reason: cam.reason })}
          </p>
        )}
        <CustomerSearch />
      </main>
    </div>
  );
}

function CustomerSearch() {
  const { t } = useField();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<CustomerBrief[] | null>(null);
  const [msg, setMsg] = useState<string | null>(null);

  useEffect(() => {
    const term = q.trim();
    if (!term) {
      setItems(null);
      setMsg(null);
      return;
    }
    const ac = new AbortController();
    const timer = setTimeout(() => {
      get<{ items: CustomerBrief[] }>(`/customers?q=${encodeURIComponent(term)}&pageSize=20`, { signal: ac.signal })
        .then((r) => {
          setItems(r.items);
          setMsg(r.items.length ? null : t('searchEmpty'));
        })
        .catch((e) => {
          if (ac.signal.aborted) return;
          setItems([]);
          setMsg(e instanceof FieldError && e.network ? t('searchOffline') : String(e instanceof Error ? e.message : e));
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      ac.abort();
    };
  }, [q, t]);

  return (
    <section className="search">
      <h2 className="section-title">{t('searchTitle')}</h2>
      <label className="search-box">
        <Icon name="search" size={18} />
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('searchPlaceholder')} enterKeyHint="search" data-testid="customer-search" />
      </label>
      {msg ? <p className="muted small">{msg}</p> : null}
      {items?.length ? (
        <ul className="list">
          {items.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="list-item"
                data-testid="customer-result"
                onClick={() => {
                  if (c.name) rememberCustomer({ id: c.id, name: c.name, address: c.address ?? null, tier: c.tier ?? null, lat: c.lat ?? null, lng: c.lng ?? null });
                  navigate(`/m/k/${c.id}`);
                }}
              >
                <strong>{c.name ?? c.id}</strong>
                <span className="muted small">{[c.tier, c.city, c.address].filter(Boolean).join(' · ')}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
