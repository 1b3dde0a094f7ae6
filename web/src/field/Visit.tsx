// The recorder: /m/c/<code> (a scanned or camera-app-opened QR), /m/k/<customerId> (picked in
// search), /m/v/<visitId> (from today's plan). A scan resolves the customer and the rep's open visit,
// then — without another tap — takes the position, creates the visit if there is none, queues the
// check-in and starts the photo timer. Photo, voice, needs with pain-point chips and the optional
// demo / objection / follow-up go out through the outbox when the rep taps Done.
import { useCallback, useEffect, useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { FieldError, get, type ActionResponse, type CustomerBrief, type ScanResult, type Today } from './api.js';
import { useField, type Field } from './context.js';
import { OBJECTION_CATEGORIES, PAIN_POINTS, type T } from './messages.js';
import { checkInItem, doneActions, emptyForm, mediaItem, visitItem, type DoneForm, type Position } from './record.js';
import type { QueueItem } from './queue.js';
import { navigate, type Route } from './router.js';
import { knownCustomer, localDay, readJson, rememberCustomer, saveSession, session, sessionOfCustomerToday, type ActionType, type CustomerCard, type VisitSession } from './storage.js';
import { ActionStrip, AuthBanner, Icon, TopBar } from './ui.js';

type Geo = { s: 'idle' } | { s: 'locating' } | { s: 'failed'; reason: string } | { s: 'done' };
type Init = { s: 'loading' } | { s: 'error'; text: string } | { s: 'ready' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function geoReason(t: T, e: unknown): string {
  const code = (e as GeolocationPositionError | undefined)?.code;
  if (code === 1) return t('geoDenied');
  if (code === 2) return t('geoUnavailable');
  if (code === 3) return t('geoTimeout');
  return e instanceof Error ? e.message : t('geoUnsupported');
}

/** High accuracy first (8 s); on a timeout or no fix, one coarse try that accepts a recent position. */
function locate(): Promise<Position> {
  if (!('geolocation' in navigator)) return Promise.reject(new Error('no geolocation'));
  const once = (high: boolean) =>
    new Promise<GeolocationPosition>((resolve, reject) =>
      navigator.geolocation.getCurrentPosition(resolve, reject, { enableHighAccuracy: high, timeout: 8_000, maximumAge: high ? 0 : 60_000 }),
    );
  return once(true)
    .catch((e: GeolocationPositionError) => (e?.code === 1 ? Promise.reject(e) : once(false)))
    .then((p) => ({ lat: p.coords.latitude, lng: p.coords.longitude, accuracyM: Math.round(p.coords.accuracy * 10) / 10 }));
}

interface Resolved {
  customer: CustomerCard;
  /** The rep's open visit on the server, if any, and what it already has. */
  open: { id: string; done: string[] } | null;
  code: string | null;
}

async function resolve(route: Route, f: Field): Promise<Resolved> {
  const { t } = f;
  if (route.name === 'code') {
    const customerId = route.code.split('.')[0];
    try {
      const r = await get<ScanResult>(`/process/scan/${encodeURIComponent(route.code)}`);
      const customer = { id: r.customer.id, name: r.customer.name, address: r.customer.address, tier: r.customer.tier ?? null, lat: r.customer.lat, lng: r.customer.lng };
      rememberCustomer(customer);
      return { customer, open: r.openVisit ? { id: r.openVisit.id, done: r.openVisit.done } : null, code: route.code };
    } catch (e) {
      if (e instanceof FieldError && e.network && UUID.test(customerId)) {
        // Offline: the code names the customer; the server checks its signature when the check-in arrives.
        return { customer: knownCustomer(customerId) ?? { id: customerId, name: t('offlineCustomer') }, open: null, code: route.code };
      }
      if (e instanceof FieldError && (e.status === 404 || e.status === 400)) throw new Error(t('qrInvalid'));
      if (!UUID.test(customerId)) throw new Error(t('qrInvalid'));
      throw e;
    }
  }
  if (route.name === 'customer') {
    const cached = knownCustomer(route.customerId);
    const planned = (readJson<Today>('today')?.items ?? []).find((i) => i.customerId === route.customerId);
    try {
      const c = await get<CustomerBrief>(`/customers/${route.customerId}`);
      const customer = { id: c.id, name: c.name ?? cached?.name ?? '—', address: c.address ?? null, tier: c.tier ?? null, lat: c.lat ?? null, lng: c.lng ?? null };
      rememberCustomer(customer);
      return { customer, open: planned ? { id: planned.id, done: planned.done } : null, code: null };
    } catch (e) {
      if (e instanceof FieldError && e.network) return { customer: cached ?? { id: route.customerId, name: t('offlineCustomer') }, open: planned ? { id: planned.id, done: planned.done } : null, code: null };
      throw e;
    }
  }
  if (route.name === 'visit') {
    const local = session(route.visitId);
    const planned = (readJson<Today>('today')?.items ?? []).find((i) => i.id === route.visitId);
    try {
      const v = await get<{ id: string; customer: CustomerCard | null; customerId: string; customerName: string | null; actions: { type: string; superseded: boolean }[] }>(`/process/visits/${route.visitId}`);
      const customer = v.customer ?? { id: v.customerId, name: v.customerName ?? '—' };
      rememberCustomer(customer);
      return { customer, open: { id: v.id, done: [...new Set(v.actions.filter((a) => !a.superseded).map((a) => a.type))] }, code: null };
    } catch (e) {
      // Not on the server yet (queued on this phone) or offline: what this phone knows.
      if (local) return { customer: local.customer, open: null, code: local.code };
      if (planned) return { customer: { id: planned.customerId, name: planned.customerName ?? '—', address: planned.address }, open: { id: planned.id, done: planned.done }, code: null };
      throw e;
    }
  }
  throw new Error('route');
}

function useTick(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

const mmss = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

export default function Visit({ route }: { route: Route }) {
  const f = useField();
  const { t, lang, queue, outbox, toast, newId } = f;
  const [init, setInit] = useState<Init>({ s: 'loading' });
  const [sess, setSess] = useState<VisitSession | null>(null);
  const [serverDone, setServerDone] = useState<string[]>([]);
  const [geo, setGeo] = useState<Geo>({ s: 'idle' });
  const [form, setForm] = useState<DoneForm>(() => emptyForm());
  const [photos, setPhotos] = useState<{ id: string; url: string }[]>([]);
  const [saving, setSaving] = useState(false);
  const sessRef = useRef<VisitSession | null>(null);
  const checkIn = useRef<Promise<void> | null>(null);
  const started = useRef(false);
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const update = useCallback((patch: Partial<VisitSession>) => {
    const cur = sessRef.current;
    if (!cur) return;
    const next = { ...cur, ...patch };
    sessRef.current = next;
    saveSession(next);
    setSess(next);
  }, []);

  const startCheckIn = useCallback(
    (code: string | null) => {
      const s = sessRef.current;
      if (!s || s.checkInId) return;
      const at = s.checkInAt ?? Date.now();
      update({ checkInAt: at, code, via: code ? 'qr' : 'manual' });
      setGeo({ s: 'locating' });
      checkIn.current = locate().then(
        async (position) => {
          const cur = sessRef.current!;
          if (cur.checkInId) return;
          const id = newId();
          await queue.enqueue(checkInItem({ id, visitId: cur.visitId, at: new Date(at), position, code, after: cur.visitId }));
          update({ checkInId: id, position, done: [...new Set<ActionType>([...cur.done, 'check_in'])] });
          setGeo({ s: 'done' });
        },
        (e) => setGeo({ s: 'failed', reason: geoReason(t, e) }),
      );
    },
    [newId, queue, t, update],
  );

  // Resolve once, then check in without another tap.
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    (async () => {
      try {
        const r = await resolve(route, f);
        const visitIdOfRoute = route.name === 'visit' ? route.visitId : null;
        let s = visitIdOfRoute ? session(visitIdOfRoute) : sessionOfCustomerToday(r.customer.id);
        // The server's open visit wins over this phone's, unless this phone's has not reached it yet.
        if (s && r.open && s.visitId !== r.open.id && !visitIdOfRoute && !queue.has(s.visitId)) s = null;
        if (!s) {
          const visitId = visitIdOfRoute ?? r.open?.id ?? newId();
          s = {
            visitId,
            customer: r.customer,
            day: localDay(),
            code: r.code,
            via: r.code ? 'qr' : 'manual',
            startedAt: Date.now(),
            checkInAt: null,
            checkInId: null,
            position: null,
            fence: null,
            done: [],
            photos: 0,
            firstPhotoAt: null,
            finishedAt: null,
          };
          if (!r.open && !visitIdOfRoute) await queue.enqueue(visitItem(visitId, r.customer.id));
        } else {
          s = { ...s, customer: { ...s.customer, ...r.customer } };
        }
        sessRef.current = s;
        saveSession(s);
        setSess(s);
        const done = r.open?.done ?? [];
        setServerDone(done);
        setInit({ s: 'ready' });
        const checkedIn = done.includes('check_in') || !!s.checkInId;
        if (checkedIn) setGeo({ s: 'done' });
        else if (route.name === 'code' || route.name === 'customer') startCheckIn(r.code);
      } catch (e) {
        setInit({ s: 'error', text: e instanceof Error ? e.message : String(e) });
      }
    })();
  }, []);

  // The check-in's geofence verdict, when the server answers.
  useEffect(
    () =>
      queue.onSent((item, body) => {
        const s = sessRef.current;
        if (!s || item.id !== s.checkInId) return;
        const r = body as ActionResponse | undefined;
        const v = r?.verdicts?.find((x) => x.check === 'geofence');
        if (v || r?.visit) update({ fence: { status: r?.visit?.geofence ?? String(v?.numbers.status ?? 'unknown'), outcome: v?.outcome ?? 'pass', distanceM: typeof v?.numbers.distanceM === 'number' ? v.numbers.distanceM : null } });
      }),
    [queue, update],
  );


  const timing = !!sess?.checkInAt && !sess.finishedAt;
  const now = useTick(timing);

  const onPhoto = async (e: ChangeEvent<HTMLInputElement>, kind: 'photo' | 'screenshot' = 'photo') => {
    const file = e.target.files?.[0];
    e.target.value = '';
    const s = sessRef.current;
    if (!file || !s) return;
    const id = newId();
    const actionId = kind === 'photo' ? s.checkInId : null;
    await queue.enqueue(
      mediaItem({ id, visitId: s.visitId, kind, file, fileName: file.name || `${kind}.jpg`, claimedAt: new Date(), actionId, position: s.position, after: actionId ?? s.visitId }),
    );
    if (kind === 'photo') {
      const url = URL.createObjectURL(file);
      urls.current.push(url);
      setPhotos((p) => [...p, { id, url }]);
      update({ photos: s.photos + 1, firstPhotoAt: s.firstPhotoAt ?? Date.now() });
    } else toast(t('label_screenshot') + ' ✓');
  };

  const onDone = async () => {
    setSaving(true);
    try {
      if (checkIn.current) await Promise.race([checkIn.current, new Promise((r) => setTimeout(r, 17_000))]);
      const s = sessRef.current!;
      const acts = doneActions({ visitId: s.visitId, at: new Date(), form, newId, after: s.visitId });
      for (const a of acts) await queue.enqueue(a.item);
      update({ done: [...new Set<ActionType>([...s.done, ...acts.map((a) => a.type)])], finishedAt: Date.now() });
      const n = acts.length + photos.length + (s.checkInId ? 1 : 0);
      toast(acts.length ? t('savedToast', { n }) : t('nothingToSave'));
      navigate('/m/');
    } finally {
      setSaving(false);
    }
  };

  if (init.s !== 'ready' || !sess) {
    return (
      <div className="page">
        <TopBar title={t('appName')} backTo="/m/" />
        <main className="content">
          {init.s === 'error' ? (
            <div className="banner bad" data-testid="visit-error">
              {init.text}
              <p>
                <button type="button" className="btn" onClick={() => navigate('/m/scan', { replace: true })}>
                  {t('scanButton')}
                </button>
              </p>
            </div>
          ) : (
            <p className="loading" data-testid="visit-loading">
              {t('resolving')}
            </p>
          )}
        </main>
      </div>
    );
  }

  const queuedTypes = outbox.items.filter((i) => i.visitId === sess.visitId).map((i) => i.label);
  const checkedIn = serverDone.includes('check_in') || !!sess.checkInId;
  const set = <K extends keyof DoneForm>(k: K, v: DoneForm[K]) => setForm((x) => ({ ...x, [k]: v }));
  const togglePain = (v: string) => set('painPoints', form.painPoints.includes(v) ? form.painPoints.filter((x) => x !== v) : [...form.painPoints, v]);

  return (
    <div className="page visit" data-testid="visit" data-visit-id={sess.visitId}>
      <TopBar title={sess.customer.name} backTo="/m/" />
      <AuthBanner />
      <main className="content">
        <section className="hero">
          <div className="hero-main">
            <div className="muted small addr">
              {sess.customer.tier ? <span className="tag">{sess.customer.tier}</span> : null}
              {sess.customer.address ? (
                <>
                  <Icon name="pin" size={14} /> {sess.customer.address}
                </>
              ) : null}
            </div>
            <CheckInLine sess={sess} geo={geo} checkedIn={checkedIn} item={sess.checkInId ? outbox.items.find((i) => i.id === sess.checkInId) : undefined} />
          </div>
          {sess.checkInAt ? (
            <div className="timer" data-testid="photo-timer">
              <span className="timer-num">{mmss((sess.finishedAt ?? now) - sess.checkInAt)}</span>
              <span className="timer-label">{sess.finishedAt ? t('recordTime') : t('sinceCheckIn')}</span>
            </div>
          ) : null}
        </section>

        {geo.s === 'failed' ? (
          <div className="banner warn" data-testid="geo-failed">
            {t('locateFailed', { reason: geo.reason })}{' '}
            <button type="button" className="btn small" onClick={() => startCheckIn(sess.code)}>
              {t('locateRetry')}
            </button>
          </div>
        ) : null}

        {!checkedIn && geo.s === 'idle' ? (
          <div className="row">
            <button type="button" className="btn primary" onClick={() => navigate('/m/scan')} data-testid="visit-scan">
              <Icon name="scan" /> {t('scanButton')}
            </button>
            <button type="button" className="btn" onClick={() => startCheckIn(null)} data-testid="visit-manual-checkin">
              <Icon name="pin" /> {t('checkInNow')}
            </button>
          </div>
        ) : null}

        <div className="row">
          <label className="btn primary big grow" data-testid="photo-button">
            <Icon name="camera" size={24} /> {sess.photos ? t('morePhoto') : t('takePhoto')}
            <input type="file" accept="image/*" capture="environment" className="hidden-input" onChange={(e) => void onPhoto(e)} data-testid="photo-input" />
          </label>
          <VoiceNote sess={sess} />
        </div>
        {!photos.length && sess.photos ? <p className="muted small">{t('photosTaken', { n: sess.photos })}</p> : null}
        {photos.length ? (
          <div className="thumbs" data-testid="photos">
            {photos.map((p) => (
              <img key={p.id} src={p.url} alt="" />
            ))}
            {sess.firstPhotoAt && sess.checkInAt ? (
              <span className="muted small">{t('photoTaken', { n: photos.length, s: Math.max(0, Math.round((sess.firstPhotoAt - sess.checkInAt) / 1000)) })}</span>
            ) : null}
          </div>
        ) : null}

        <ActionStrip done={[...new Set([...serverDone, ...sess.done.filter((d) => !queuedTypes.includes(d))])]} queued={queuedTypes} />

        <section className="block">
          <label className="label" htmlFor="needs">
            {t('needs')}
          </label>
          <textarea id="needs" rows={3} value={form.needsText} onChange={(e) => set('needsText', e.target.value)} placeholder={t('needsPlaceholder')} data-testid="needs-input" />
          <div className="label small">{t('painPoints')}</div>
          <div className="chips">
            {PAIN_POINTS.map((p) => (
              <button
                key={p.value}
                type="button"
                className={form.painPoints.includes(p.value) ? 'chip on' : 'chip'}
                aria-pressed={form.painPoints.includes(p.value)}
                onClick={() => togglePain(p.value)}
                data-testid="pain-chip"
                data-value={p.value}
              >
                {lang === 'zh-CN' ? p.value : p.en}
              </button>
            ))}
          </div>
          {sess.customer.tier === 'KA' ? <p className="muted small">{t('kaHint')}</p> : null}
        </section>

        <Fold title={t('demo')} testid="fold-demo">
          <input type="text" value={form.solution} onChange={(e) => set('solution', e.target.value)} placeholder={t('demoSolution')} data-testid="demo-solution" />
          <input type="text" value={form.legalReviewNote} onChange={(e) => set('legalReviewNote', e.target.value)} placeholder={t('legalNote')} data-testid="legal-note" />
          <label className="btn small">
            {t('demoScreenshot')}
            <input type="file" accept="image/*" className="hidden-input" onChange={(e) => void onPhoto(e, 'screenshot')} data-testid="screenshot-input" />
          </label>
        </Fold>
        <Fold title={t('objection')} testid="fold-objection">
          <div className="chips">
            {OBJECTION_CATEGORIES.map((c) => (
              <button key={c.value} type="button" className={form.objectionCategory === c.value ? 'chip on' : 'chip'} onClick={() => set('objectionCategory', form.objectionCategory === c.value ? '' : c.value)}>
                {lang === 'zh-CN' ? c.zh : c.en}
              </button>
            ))}
          </div>
          <input type="text" value={form.objectionContent} onChange={(e) => set('objectionContent', e.target.value)} placeholder={t('objectionContent')} data-testid="objection-content" />
          <div className="label small" id="objection-status-label">
            {t('objectionStatus')}
          </div>
          <div className="chips" role="radiogroup" aria-labelledby="objection-status-label" data-testid="objection-status">
            {([true, false] as const).map((resolved) => (
              <button
                key={String(resolved)}
                type="button"
                role="radio"
                aria-checked={form.objectionResolved === resolved}
                className={form.objectionResolved === resolved ? 'chip on' : 'chip'}
                onClick={() => set('objectionResolved', resolved)}
                data-testid={resolved ? 'objection-closed' : 'objection-open'}
              >
                {t(resolved ? 'objectionClosed' : 'objectionOpen')}
              </button>
            ))}
          </div>
        </Fold>
        <Fold title={t('followUp')} testid="fold-followup">
          <input type="text" value={form.commitment} onChange={(e) => set('commitment', e.target.value)} placeholder={t('followUpCommitment')} data-testid="followup-commitment" />
          <label className="inline">
            <span className="small muted">{t('followUpDue')}</span>
            <input type="date" value={form.dueDate} onChange={(e) => set('dueDate', e.target.value)} data-testid="followup-due" />
          </label>
        </Fold>
      </main>
      <footer className="dock">
        <button type="button" className="btn done big" disabled={saving} onClick={() => void onDone()} data-testid="done-button">
          <Icon name="check" size={24} /> {saving ? (geo.s === 'locating' ? t('waitingPosition') : t('saving')) : t('done')}
        </button>
      </footer>
    </div>
  );
}

function Fold({ title, testid, children }: { title: string; testid: string; children: ReactNode }) {
  const { t } = useField();
  return (
    <details className="fold" data-testid={testid}>
      <summary>
        {title} <span className="muted small">{t('optional')}</span>
      </summary>
      <div className="fold-body">{children}</div>
    </details>
  );
}

function CheckInLine({ sess, geo, checkedIn, item }: { sess: VisitSession; geo: Geo; checkedIn: boolean; item: QueueItem | undefined }) {
  const { t } = useField();
  const queued = !!item;
  if (item?.state === 'failed') {
    return (
      <div className="checkin bad" data-testid="checkin-status" data-state="failed">
        {t('label_check_in')}: {item.error?.detail}
      </div>
    );
  }
  if (geo.s === 'locating') {
    return (
      <div className="checkin wait" data-testid="checkin-status" data-state="locating">
        <Icon name="pin" size={16} /> {t('locating')}
      </div>
    );
  }
  if (!checkedIn) {
    return (
      <div className="checkin" data-testid="checkin-status" data-state="none">
        {t('notCheckedIn')}
      </div>
    );
  }
  const parts = [queued ? t('checkInQueued') : t('checkedIn')];
  if (sess.via === 'manual' && sess.checkInId) parts.push(t('manualCheckIn'));
  if (sess.position) parts.push(t('accuracy', { m: Math.round(sess.position.accuracyM) }));
  if (sess.fence?.distanceM !== null && sess.fence?.distanceM !== undefined) {
    const d = Math.round(sess.fence.distanceM);
    parts.push(sess.fence.status === 'in' ? t('fenceIn', { d }) : sess.fence.status === 'out' ? t('fenceOut', { d }) : t('fenceUnknown', { d }));
  }
  return (
    <div className={`checkin ${queued ? 'wait' : sess.fence?.status === 'out' ? 'bad' : 'ok'}`} data-testid="checkin-status" data-state={queued ? 'queued' : 'sent'}>
      <Icon name="check" size={16} /> {parts.join(' · ')}
    </div>
  );
}

/** A voice note (optional): MediaRecorder while the button is held on, uploaded as kind 'voice'. */
function VoiceNote({ sess }: { sess: VisitSession }) {
  const { t, queue, newId, toast } = useField();
  const [rec, setRec] = useState<{ r: MediaRecorder; at: number } | null>(null);
  const now = useTick(!!rec);
  const supported = typeof window !== 'undefined' && 'MediaRecorder' in window && !!navigator.mediaDevices?.getUserMedia;

  const start = async () => {
    if (!supported) return toast(t('voiceUnsupported'));
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const r = new MediaRecorder(stream);
      const chunks: Blob[] = [];
      const at = Date.now();
      r.ondataavailable = (e) => e.data.size && chunks.push(e.data);
      r.onstop = () => {
        stream.getTracks().forEach((x) => x.stop());
        const type = r.mimeType || 'audio/webm';
        const blob = new Blob(chunks, { type });
        const ext = type.includes('mp4') ? 'm4a' : type.includes('ogg') ? 'ogg' : 'webm';
        const id = newId();
        void queue.enqueue(mediaItem({ id, visitId: sess.visitId, kind: 'voice', file: blob, fileName: `voice.${ext}`, claimedAt: new Date(at), actionId: null, position: sess.position, after: sess.visitId }));
        toast(t('voiceSaved', { s: Math.round((Date.now() - at) / 1000) }));
      };
      r.start();
      setRec({ r, at });
    } catch (e) {
      toast(t('voiceUnsupported') + (e instanceof Error ? `: ${e.message}` : ''));
    }
  };
  const stop = () => {
    rec?.r.stop();
    setRec(null);
  };
  return (
    <button type="button" className={rec ? 'btn rec' : 'btn'} onClick={() => (rec ? stop() : void start())} data-testid="voice-button">
      <Icon name="mic" size={22} /> {rec ? t('voiceStop', { s: Math.floor((now - rec.at) / 1000) }) : t('voice')}
    </button>
  );
}
