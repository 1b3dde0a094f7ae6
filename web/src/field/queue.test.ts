// P10: the field app's offline queue, with a fake transport, store, clock and timers.
import { describe, expect, it } from 'vitest';
import { backoffDelay, classify, MemoryStore, newId, nextSendable, OutboxQueue, type NewItem, type QueueItem, type SendOutcome } from './queue.js';

/** A fake server that stores records by id (like 0007: a resend with the same id answers 200). */
function fakeServer() {
  const records = new Map<string, unknown>();
  const calls: string[] = [];
  return {
    records,
    calls,
    receive(item: QueueItem): SendOutcome {
      calls.push(item.id);
      const replay = records.has(item.id);
      if (!replay) records.set(item.id, item.json ?? item.form?.fields);
      return { kind: 'ok', status: replay ? 200 : 201, body: { id: item.id } };
    },
  };
}

function harness(opts: { transport?: (item: QueueItem, n: number) => Promise<SendOutcome> | SendOutcome; online?: boolean; store?: MemoryStore } = {}) {
  const server = fakeServer();
  const store = opts.store ?? new MemoryStore();
  const timers: { fn: () => void; ms: number }[] = [];
  let online = opts.online ?? true;
  let now = 1_000_000;
  let n = 0;
  const queue = new OutboxQueue({
    store,
    transport: async (item) => (opts.transport ? opts.transport(item, n++) : server.receive(item)),
    isOnline: () => online,
    now: () => now,
    random: () => 1, // no jitter: delays are exact
    backoff: { baseMs: 1000, maxMs: 8000 },
    setTimer: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  return {
    queue,
    server,
    store,
    timers,
    setOnline: (v: boolean) => (online = v),
    advance: (ms: number) => (now += ms),
    /** Queues an item and waits for the pass it starts. */
    async add(x: NewItem) {
      await queue.enqueue(x);
      await queue.idle();
    },
    /** Fires the pending backoff timer and waits for the pass it starts. */
    async fire() {
      const t = timers.shift();
      if (!t) throw new Error('no timer');
      t.fn();
      await queue.idle();
    },
  };
}

const item = (id: string, extra: Partial<NewItem> = {}): NewItem => ({ id, path: `/process/visits/v/actions`, label: 'need_capture', visitId: 'v', json: { id, type: 'need_capture' }, ...extra });

describe('outbox queue (P10)', () => {
  it('[P10] sends items oldest first and forgets each one the server has stored', async () => {
    const h = harness();
    h.setOnline(false);
    await h.queue.enqueue(item('a', { label: 'visit', path: '/process/visits' }));
    await h.queue.enqueue(item('b', { after: 'a' }));
    await h.queue.enqueue(item('c', { after: 'a' }));
    expect(h.queue.snapshot().pending).toBe(3);
    expect(h.server.calls).toEqual([]);
    h.setOnline(true);
    await h.queue.wake();
    expect(h.server.calls).toEqual(['a', 'b', 'c']);
    expect(h.queue.snapshot().pending).toBe(0);
    expect(await h.store.all()).toEqual([]);
  });

  it('[P10] the same id queued twice is one item (a double tap never makes two records)', async () => {
    const h = harness({ online: false });
    await h.queue.enqueue(item('a'));
    await h.queue.enqueue(item('a', { json: { id: 'a', different: true } }));
    expect(h.queue.snapshot().pending).toBe(1);
    h.setOnline(true);
    await h.queue.wake();
    expect(h.server.records.size).toBe(1);
    expect(h.server.records.get('a')).toEqual({ id: 'a', type: 'need_capture' });
  });

  it('[P10] a response lost on the way back is resent with the same id, and the server keeps one record', async () => {
    const server = fakeServer();
    // First try: the server stores the record but the answer never arrives (timeout, tunnel).
    const h = harness({
      transport: (it, n) => {
        const out = server.receive(it);
        return n === 0 ? { kind: 'retry', status: 0, detail: 'Failed to fetch' } : out;
      },
    });
    await h.add(item('a'));
    expect(h.queue.snapshot().pending).toBe(1);
    expect(h.queue.snapshot().retryAt).toBe(1_000_000 + 1000);
    await h.fire();
    expect(server.calls).toEqual(['a', 'a']);
    expect(server.records.size).toBe(1);
    expect(h.queue.snapshot().pending).toBe(0);
  });

  it('[P10] transient failures back off exponentially (capped) and keep the order', async () => {
    let down = true;
    const server = fakeServer();
    const h = harness({ transport: (it) => (down ? { kind: 'retry', status: 503, detail: 'unavailable' } : server.receive(it)) });
    h.setOnline(false);
    await h.add(item('a'));
    await h.add(item('b'));
    h.setOnline(true);
    await h.queue.wake();
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      delays.push(h.timers[0].ms);
      await h.fire();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    // Only the head was tried while the server was down: b never overtook a.
    const stored = await h.store.all();
    expect(stored.find((x) => x.id === 'a')!.attempts).toBe(6);
    expect(stored.find((x) => x.id === 'b')!.attempts).toBe(0);
    down = false;
    await h.fire();
    expect(server.calls).toEqual(['a', 'b']);
    expect(h.timers).toEqual([]);
  });

  it('[P10] going back online sends at once, without waiting for the backoff', async () => {
    let offline = true;
    const server = fakeServer();
    const h = harness({ transport: (it) => (offline ? { kind: 'retry', status: 0, detail: 'Failed to fetch' } : server.receive(it)) });
    await h.add(item('a'));
    expect(h.timers).toHaveLength(1);
    offline = false;
    await h.queue.wake();
    expect(server.calls).toEqual(['a']);
    expect(h.timers).toHaveLength(0);
    expect(h.queue.snapshot().retryAt).toBeNull();
  });

  it('[P10] nothing is attempted while the browser says it is offline', async () => {
    let calls = 0;
    const h = harness({
      online: false,
      transport: () => {
        calls++;
        return { kind: 'ok', status: 201, body: {} };
      },
    });
    await h.add(item('a'));
    await h.queue.flush();
    expect(calls).toBe(0);
    expect(h.timers).toHaveLength(0); // the `online` event wakes the queue, no polling
    h.setOnline(true);
    await h.queue.wake();
    expect(calls).toBe(1);
  });

  it('[P10] a 4xx refusal is kept with the server’s message, not retried, and only its dependants wait', async () => {
    const server = fakeServer();
    const h = harness({
      transport: (it) => (it.id === 'bad' ? { kind: 'reject', status: 400, code: 'action_fields_missing', detail: '“需求捕捉”缺少必填内容：needs' } : server.receive(it)),
    });
    h.setOnline(false);
    await h.queue.enqueue(item('bad'));
    await h.queue.enqueue(item('photo', { label: 'photo', after: 'bad' }));
    await h.queue.enqueue(item('other'));
    h.setOnline(true);
    await h.queue.wake();
    const s = h.queue.snapshot();
    expect(server.calls).toEqual(['other']);
    expect(s.failed).toBe(1);
    expect(s.pending).toBe(1); // the photo waits for the refused item
    expect(s.items.find((i) => i.id === 'bad')).toMatchObject({ state: 'failed', error: { status: 400, code: 'action_fields_missing' } });
    expect(h.timers).toHaveLength(0); // no automatic retry of a refusal
    await h.queue.flush();
    await h.queue.flush();
    expect(server.calls).toEqual(['other']);
    // The rep gives up on it: its dependants go too, nothing else is touched.
    expect((await h.queue.discard('bad')).sort()).toEqual(['bad', 'photo']);
    expect(h.queue.snapshot().items).toEqual([]);
  });

  it('[P10] a refused item can be retried by the rep', async () => {
    let fixed = false;
    const server = fakeServer();
    const h = harness({ transport: (it) => (fixed ? server.receive(it) : { kind: 'reject', status: 409, code: 'id_conflict', detail: 'conflict' }) });
    await h.add(item('a'));
    expect(h.queue.snapshot().failed).toBe(1);
    fixed = true;
    await h.queue.retry('a');
    expect(server.calls).toEqual(['a']);
    expect(h.queue.snapshot().items).toEqual([]);
  });

  it('[P10] an expired session stops the queue until the rep signs in again', async () => {
    let signedIn = false;
    const server = fakeServer();
    const h = harness({ transport: (it) => (signedIn ? server.receive(it) : { kind: 'auth', status: 401, detail: 'login' }) });
    await h.add(item('a'));
    await h.add(item('b'));
    expect(h.queue.snapshot()).toMatchObject({ authNeeded: true, pending: 2, failed: 0 });
    expect(h.timers).toHaveLength(0);
    signedIn = true;
    await h.queue.wake();
    expect(server.calls).toEqual(['a', 'b']);
    expect(h.queue.snapshot().authNeeded).toBe(false);
  });

  it('[P10] what one page left in the store is sent by the next, in the original order', async () => {
    const store = new MemoryStore();
    const first = harness({ store, online: false });
    await first.queue.enqueue(item('v', { label: 'visit' }));
    await first.queue.enqueue(item('c', { label: 'check_in', after: 'v' }));
    await first.queue.enqueue(item('n', { after: 'v' }));
    const second = harness({ store });
    await second.queue.load();
    expect(second.queue.snapshot().pending).toBe(3);
    await second.add(item('later'));
    expect(second.server.calls).toEqual(['v', 'c', 'n', 'later']);
  });

  it('[P10] concurrent passes never send the same item twice at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const server = fakeServer();
    const h = harness({
      transport: async (it) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return server.receive(it);
      },
    });
    h.setOnline(false);
    for (const id of ['a', 'b', 'c']) await h.queue.enqueue(item(id));
    h.setOnline(true);
    await Promise.all([h.queue.flush(), h.queue.flush(), h.queue.wake(), h.queue.flush()]);
    await h.queue.flush();
    expect(maxInFlight).toBe(1);
    expect(server.calls).toEqual(['a', 'b', 'c']);
  });

  it('[P10] a thrown transport error counts as a transient failure, never as a loss', async () => {
    const h = harness({ transport: () => Promise.reject(new TypeError('Failed to fetch')) });
    await h.add(item('a'));
    expect(h.queue.snapshot()).toMatchObject({ pending: 1, failed: 0, lastError: 'Failed to fetch' });
    expect((await h.store.all())[0].attempts).toBe(1);
  });

  it('[P10] tells the rep when sending resumes and notifies each record the server answered', async () => {
    const h = harness();
    const seen: string[] = [];
    const counts: number[] = [];
    h.queue.onSent((i, body) => seen.push(`${i.id}:${(body as { id: string }).id}`));
    h.queue.subscribe((s) => counts.push(s.pending));
    await h.add(item('a'));
    expect(seen).toEqual(['a:a']);
    expect(counts).toContain(1);
    expect(counts.at(-1)).toBe(0);
  });
});

describe('queue helpers', () => {
  it('[P10] classifies statuses: 2xx sent, 401 sign-in, 0/408/429/5xx retry, other 4xx refused', () => {
    expect([200, 201].map(classify)).toEqual(['ok', 'ok']);
    expect(classify(401)).toBe('auth');
    expect([0, 408, 429, 500, 502, 503].map(classify)).toEqual(Array(6).fill('retry'));
    expect([400, 403, 404, 409, 413, 415, 422].map(classify)).toEqual(Array(7).fill('reject'));
  });

  it('[P10] backoff doubles from the base, caps, and jitters within ±50 %', () => {
    const b = { baseMs: 2000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, b, () => 1))).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(backoffDelay(3, b, () => 0)).toBe(4000);
    expect(backoffDelay(1000, b, () => 1)).toBe(60_000);
  });

  it('[P10] the next item skips ones waiting for a queued predecessor', () => {
    const base = { path: '/x', label: 'x', visitId: 'v', createdAt: 0, attempts: 0 };
    const items: QueueItem[] = [
      { ...base, id: 'v', seq: 1, state: 'failed' },
      { ...base, id: 'c', seq: 2, state: 'pending', after: 'v' },
      { ...base, id: 'd', seq: 3, state: 'pending' },
    ];
    expect(nextSendable(items)?.id).toBe('d');
    expect(nextSendable(items.slice(1))?.id).toBe('c');
  });

  it('[P10] client ids are v4 UUIDs, also where crypto.randomUUID is missing (plain-http page)', () => {
    const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(newId()).toMatch(re);
    const insecure = { getRandomValues: <T extends ArrayBufferView | null>(a: T) => globalThis.crypto.getRandomValues(a as Uint8Array) as unknown as T };
    const ids = new Set(Array.from({ length: 200 }, () => newId(insecure as Pick<Crypto, 'getRandomValues'>)));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(re);
  });
});
