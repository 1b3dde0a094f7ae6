// Where the field app keeps things on the phone: the outbox in IndexedDB (it holds photo and voice
// Blobs), and small JSON caches in localStorage (who is signed in, today's plan, customers seen,
// visits started on this device) so the pages still make sense without a network.
import { MemoryStore, type QueueItem, type QueueStore } from './queue.js';

const DB_NAME = 'trueline-field';
const STORE = 'outbox';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

class IdbStore implements QueueStore {
  constructor(private readonly db: IDBDatabase) {}
  private tx(mode: IDBTransactionMode) {
    return this.db.transaction(STORE, mode).objectStore(STORE);
  }
  async all(): Promise<QueueItem[]> {
    return request(this.tx('readonly').getAll() as IDBRequest<QueueItem[]>);
  }
  async put(item: QueueItem): Promise<void> {
    await request(this.tx('readwrite').put(item));
  }
  async remove(id: string): Promise<void> {
    await request(this.tx('readwrite').delete(id));
  }
}

/** The outbox store: IndexedDB, or memory when the browser refuses it (some private modes). */
export async function openQueueStore(): Promise<{ store: QueueStore; durable: boolean }> {
  try {
    if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE, { keyPath: 'id' });
    };
    const db = await request(open);
    return { store: new IdbStore(db), durable: true };
  } catch {
    return { store: new MemoryStore(), durable: false };
  }
}

// ── small JSON caches ───────────────────────────────────────────────────────────────────────

const PREFIX = 'tl_m_';

export function readJson<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function writeJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    /* full or private mode: the cache is only a convenience */
  }
}

export interface CustomerCard {
  id: string;
  name: string;
  address?: string | null;
  tier?: string | null;
  lat?: number | null;
  lng?: number | null;
}

/** Customers seen on this device (scan results, today's plan, search), for offline scans. */
export function rememberCustomer(c: CustomerCard): void {
  const all = readJson<Record<string, CustomerCard & { at: number }>>('customers') ?? {};
  all[c.id] = { ...all[c.id], ...c, at: Date.now() };
  // Keep the 300 most recent.
  const keep = Object.values(all)
    .sort((a, b) => b.at - a.at)
    .slice(0, 300);
  writeJson('customers', Object.fromEntries(keep.map((x) => [x.id, x])));
}

export function knownCustomer(id: string): CustomerCard | null {
  return readJson<Record<string, CustomerCard>>('customers')?.[id] ?? null;
}

export type ActionType = 'appointment' | 'check_in' | 'need_capture' | 'demo' | 'objection' | 'follow_up';
export const ACTION_TYPES: readonly ActionType[] = ['appointment', 'check_in', 'need_capture', 'demo', 'objection', 'follow_up'];

/** A visit being recorded on this device. */
export interface VisitSession {
  visitId: string;
  customer: CustomerCard;
  /** Local date (YYYY-MM-DD) the visit started on. */
  day: string;
  code: string | null;
  via: 'qr' | 'manual';
  /** When the visit was opened on this phone. */
  startedAt: number;
  /** When the rep scanned (or tapped check-in): the check-in's occurredAt and the photo timer's zero. */
  checkInAt: number | null;
  checkInId: string | null;
  position: { lat: number; lng: number; accuracyM: number } | null;
  /** The server's geofence verdict on the check-in, once it has answered. */
  fence: { status: string; outcome: string; distanceM: number | null } | null;
  /** Action types recorded on this device (sent or queued). */
  done: ActionType[];
  photos: number;
  firstPhotoAt: number | null;
  finishedAt: number | null;
}

export const localDay = (t: number = Date.now()) => {
  const d = new Date(t);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export function sessions(): VisitSession[] {
  const all = readJson<VisitSession[]>('sessions') ?? [];
  const today = localDay();
  // Older days are of no use on the phone once their items are sent; keep a week for the queue list.
  const weekAgo = localDay(Date.now() - 7 * 86_400_000);
  return all.filter((s) => s.day >= weekAgo || s.day === today);
}

export function session(visitId: string): VisitSession | null {
  return sessions().find((s) => s.visitId === visitId) ?? null;
}

export function saveSession(s: VisitSession): void {
  const rest = sessions().filter((x) => x.visitId !== s.visitId);
  writeJson('sessions', [...rest, s]);
}

/** Today's visit of this customer started on this device, if any. */
export function sessionOfCustomerToday(customerId: string): VisitSession | null {
  const today = localDay();
  return (
    sessions()
      .filter((s) => s.customer.id === customerId && s.day === today)
      .sort((a, b) => b.startedAt - a.startedAt)[0] ?? null
  );
}
