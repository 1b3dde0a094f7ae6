// P10 offline queue (outbox). Every write the field app makes — a visit, an action, a photo — is a
// queue item whose id is the record's own client-chosen UUID, so a resend after a timeout or a
// crash is recognised by the server (200 with the stored record) and never duplicates.
//
// Rules:
//  - Items are sent one at a time, oldest first. An item may name another (`after`) that must reach
//    the server first (an action after its visit); while that one is still queued, it waits.
//  - A network failure, 5xx, 408 or 429 stops the pass and schedules the next one with exponential
//    backoff (with jitter); the `online` event and any new item trigger a pass at once.
//  - 401 stops the pass until the rep signs in again (the items stay).
//  - Any other 4xx is the server refusing the content: the item is kept as `failed` with the
//    server's message, shown to the rep, and not retried until the rep asks (retry / discard).
//
// Pure: storage, transport, clock, timers and the online flag are injected (queue.test.ts uses fakes).

export type ItemState = 'pending' | 'failed';

export interface FormPayload {
  fields: Record<string, string>;
  file: Blob;
  fileName: string;
}

export interface QueueItem {
  /** The record's client id and the idempotency key. */
  id: string;
  /** Order of sending (monotonic per device). */
  seq: number;
  /** API path below /api/v1, e.g. `/process/visits/<id>/actions`. */
  path: string;
  json?: unknown;
  form?: FormPayload;
  /** An item that has to reach the server first. */
  after?: string;
  /** What the rep sees in the list ('visit', an action type, 'photo', 'voice', 'screenshot'). */
  label: string;
  visitId: string;
  createdAt: number;
  attempts: number;
  state: ItemState;
  /** The last error: for `failed` items the refusal, for pending ones the last transient failure. */
  error?: { status: number; code: string; detail: string };
}

export type NewItem = Pick<QueueItem, 'id' | 'path' | 'label' | 'visitId'> & Partial<Pick<QueueItem, 'json' | 'form' | 'after'>>;

export type SendOutcome =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'retry'; status: number; detail: string }
  | { kind: 'auth'; status: number; detail: string }
  | { kind: 'reject'; status: number; code: string; detail: string };

export type Transport = (item: QueueItem) => Promise<SendOutcome>;

export interface QueueStore {
  all(): Promise<QueueItem[]>;
  put(item: QueueItem): Promise<void>;
  remove(id: string): Promise<void>;
}

/** What a response status means for the queue. */
export function classify(status: number): SendOutcome['kind'] {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 401) return 'auth';
  if (status === 0 || status === 408 || status === 425 || status === 429 || status >= 500) return 'retry';
  return 'reject';
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}
export const DEFAULT_BACKOFF: Backoff = { baseMs: 2_000, maxMs: 5 * 60_000 };

/** Delay before the next pass after `attempts` consecutive transient failures: doubling, capped, ±50% jitter. */
export function backoffDelay(attempts: number, b: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const n = Math.max(1, attempts);
  const raw = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(raw * (0.5 + random() / 2));
}

/** Items in sending order. */
export const ordered = (items: readonly QueueItem[]) => [...items].sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);

/** The next item to send: the oldest pending one whose `after` is no longer queued. */
export function nextSendable(items: readonly QueueItem[]): QueueItem | undefined {
  const queued = new Set(items.map((i) => i.id));
  return ordered(items).find((i) => i.state === 'pending' && !(i.after && queued.has(i.after)));
}

export interface QueueSnapshot {
  items: QueueItem[];
  /** Items still to send (pending, including those waiting behind a failed one). */
  pending: number;
  failed: number;
  sending: boolean;
  online: boolean;
  /** The session expired: items wait until the rep signs in again. */
  authNeeded: boolean;
  /** When the next automatic pass runs after a transient failure (epoch ms). */
  retryAt: number | null;
  lastError: string | null;
}

export interface QueueOptions {
  store: QueueStore;
  transport: Transport;
  now?: () => number;
  isOnline?: () => boolean;
  random?: () => number;
  backoff?: Backoff;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Runs a pass under a cross-tab lock when one is available (Web Locks). */
  withLock?: (fn: () => Promise<void>) => Promise<void>;
}

type Listener = (s: QueueSnapshot) => void;
type SentListener = (item: QueueItem, body: unknown) => void;

export class OutboxQueue {
  private items: QueueItem[] = [];
  private seq = 0;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: unknown = null;
  private retryAt: number | null = null;
  private failures = 0;
  private authNeeded = false;
  private lastError: string | null = null;
  private listeners = new Set<Listener>();
  private sentListeners = new Set<SentListener>();
  private readonly o: Required<Omit<QueueOptions, 'withLock'>> & Pick<QueueOptions, 'withLock'>;

  constructor(opts: QueueOptions) {
    this.o = {
      now: () => Date.now(),
      isOnline: () => true,
      random: Math.random,
      backoff: DEFAULT_BACKOFF,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...opts,
    };
  }

  /** Reads what an earlier page (or another tab) left in the store. */
  async load(): Promise<void> {
    this.items = ordered(await this.o.store.all());
    this.seq = Math.max(this.seq, ...this.items.map((i) => i.seq), 0);
    this.emit();
  }

  snapshot(): QueueSnapshot {
    const items = ordered(this.items);
    const failed = items.filter((i) => i.state === 'failed').length;
    return {
      items,
      pending: items.length - failed,
      failed,
      sending: this.running !== null,
      online: this.o.isOnline(),
      authNeeded: this.authNeeded,
      retryAt: this.retryAt,
      lastError: this.lastError,
    };
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Called with the server's answer for every item that reached it. */
  onSent(fn: SentListener): () => void {
    this.sentListeners.add(fn);
    return () => this.sentListeners.delete(fn);
  }

  /** Resolves when the current pass (if any) has finished. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  has(id: string): boolean {
    return this.items.some((i) => i.id === id);
  }

  /** Queues a write (persisted before it is sent) and starts a pass. An id already queued is kept as it is. */
  async enqueue(input: NewItem): Promise<QueueItem> {
    const existing = this.items.find((i) => i.id === input.id);
    if (existing) return existing;
    const item: QueueItem = { ...input, seq: ++this.seq, createdAt: this.o.now(), attempts: 0, state: 'pending' };
    await this.o.store.put(item);
    this.items.push(item);
    this.emit();
    void this.flush();
    return item;
  }

  /** A failed item goes back to pending and a pass starts. */
  async retry(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    if (!item) return;
    const next: QueueItem = { ...item, state: 'pending', attempts: 0, error: undefined };
    await this.o.store.put(next);
    this.items = this.items.map((i) => (i.id === id ? next : i));
    this.emit();
    await this.flush();
  }

  /** The rep gives up on an item (and on everything that had to wait for it). */
  async discard(id: string): Promise<string[]> {
    const gone = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const i of this.items) {
        if (i.after && gone.has(i.after) && !gone.has(i.id)) {
          gone.add(i.id);
          grew = true;
        }
      }
    }
    for (const g of gone) await this.o.store.remove(g);
    this.items = this.items.filter((i) => !gone.has(i.id));
    this.emit();
    return [...gone];
  }

  /** The network came back (or the rep signed in again): forget the backoff and send now. */
  wake(): Promise<void> {
    this.failures = 0;
    this.authNeeded = false;
    this.cancelTimer();
    return this.flush();
  }

  /** One pass: send what can be sent, in order. Concurrent calls share the pass (and run once more after it). */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          await (this.o.withLock ? this.o.withLock(() => this.pass()) : this.pass());
        } while (this.again && !this.authNeeded && this.retryAt === null);
      } finally {
        // Synchronously after the last check of `again`: a flush() arriving later starts a new pass.
        this.running = null;
        this.emit();
      }
    };
    this.running = run();
    this.emit();
    return this.running;
  }

  private async pass(): Promise<void> {
    // The store is the truth: another tab may have sent or added items.
    this.items = ordered(await this.o.store.all());
    this.seq = Math.max(this.seq, ...this.items.map((i) => i.seq), 0);
    for (;;) {
      if (!this.o.isOnline()) {
        this.lastError = null;
        return; // the `online` event wakes us
      }
      const item = nextSendable(this.items);
      if (!item) {
        this.retryAt = null;
        return;
      }
      let out: SendOutcome;
      try {
        out = await this.o.transport(item);
      } catch (e) {
        out = { kind: 'retry', status: 0, detail: e instanceof Error ? e.message : String(e) };
      }
      if (out.kind === 'ok') {
        await this.o.store.remove(item.id);
        this.items = this.items.filter((i) => i.id !== item.id);
        this.failures = 0;
        this.retryAt = null;
        this.lastError = null;
        this.authNeeded = false;
        this.emit();
        for (const fn of this.sentListeners) fn(item, out.body);
        continue;
      }
      if (out.kind === 'reject') {
        const failed: QueueItem = { ...item, attempts: item.attempts + 1, state: 'failed', error: { status: out.status, code: out.code, detail: out.detail } };
        await this.o.store.put(failed);
        this.items = this.items.map((i) => (i.id === item.id ? failed : i));
        this.emit();
        continue; // the rest of the queue still goes; items after this one wait
      }
      const again: QueueItem = { ...item, attempts: item.attempts + 1, error: { status: out.status, code: out.kind, detail: out.detail } };
      await this.o.store.put(again);
      this.items = this.items.map((i) => (i.id === item.id ? again : i));
      this.lastError = out.detail;
      if (out.kind === 'auth') {
        this.authNeeded = true;
        this.retryAt = null;
        return;
      }
      this.failures += 1;
      this.schedule(backoffDelay(this.failures, this.o.backoff, this.o.random));
      return;
    }
  }

  private schedule(ms: number) {
    this.cancelTimer();
    this.retryAt = this.o.now() + ms;
    this.timer = this.o.setTimer(() => {
      this.timer = null;
      this.retryAt = null;
      void this.flush();
    }, ms);
  }

  private cancelTimer() {
    if (this.timer !== null) this.o.clearTimer(this.timer);
    this.timer = null;
    this.retryAt = null;
  }

  private emit() {
    const s = this.snapshot();
    for (const fn of this.listeners) fn(s);
  }
}

/** Keeps items in memory (tests, and browsers without IndexedDB: private mode). */
export class MemoryStore implements QueueStore {
  readonly map = new Map<string, QueueItem>();
  async all() {
    return [...this.map.values()].map((i) => ({ ...i }));
  }
  async put(item: QueueItem) {
    this.map.set(item.id, { ...item });
  }
  async remove(id: string) {
    this.map.delete(id);
  }
}

/** crypto.randomUUID needs a secure context; a phone on http://<LAN address> gets a v4 UUID from getRandomValues. */
export function newId(c: Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string } = globalThis.crypto): string {
  if (typeof c.randomUUID === 'function') {
    try {
      return c.randomUUID();
    } catch {
      /* insecure context */
    }
  }
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
