// Where delivery capacity comes from (C7): the internal delivery calendar (default) or an
// external delivery system's JSON API (setting DELIVERY_API_URL). The promise check asks the
// adapter for a team's weeks, decides with capacity.ts, and books through the adapter.
//
// External API (JSON over HTTP), relative to DELIVERY_API_URL:
//   GET  /teams/{teamRef}/capacity?from=2026-W48&to=2026-W60 → 200 {"weeks":[{"week","capacity","booked"}]}
//   POST /teams/{teamRef}/bookings {"week","date","load","reference"} → 201 {"id"} | 409 (no room any more)
//   DELETE /bookings/{id} → 204 (releases a booking; used when a contract's milestones change)
// Any network error, timeout, non-JSON or 5xx answer is "unavailable": the caller refuses with 503
// and writes nothing.
import type { Sql } from '../../platform/db/db.js';
import { Problem } from '../../platform/http/problem.js';
import { weekRange, type WeekLoad } from './capacity.js';
import * as store from './store.js';

export interface DeliveryTeamRef {
  id: string;
  /** The team's id in the external system (defaults to our id). */
  externalId: string | null;
  weeklyCapacity: number;
}

export interface Booking {
  week: string;
  date: string;
  load: number;
  /** Our reference: contract number and milestone sequence. */
  reference: string;
}

export class BookingRefused extends Error {
  constructor(public readonly week: string) {
    super(`delivery system refused the booking in ${week}`);
  }
}

export interface DeliveryCapacity {
  readonly source: 'internal' | 'http';
  /** Capacity and booked load for each week from..to inclusive. */
  capacity(team: DeliveryTeamRef, fromWeek: string, toWeek: string): Promise<WeekLoad[]>;
  /** Books load on a week; returns the external booking id (null for the internal calendar, whose milestone rows are the bookings). */
  book(team: DeliveryTeamRef, booking: Booking): Promise<{ ref: string | null }>;
  /** Releases a booking made earlier (no-op for the internal calendar). */
  release(ref: string): Promise<void>;
}

/** The internal calendar: weekly capacity (default per team, overridable per week) minus promised milestones. */
export function internalCalendar(tx: Sql, tenantId: string): DeliveryCapacity {
  return {
    source: 'internal',
    async capacity(team, fromWeek, toWeek) {
      const weeks = weekRange(fromWeek, toWeek);
      const [over, booked] = await Promise.all([
        store.weekCapacities(tx, tenantId, [team.id], fromWeek, toWeek),
        store.bookedLoads(tx, tenantId, [team.id], fromWeek, toWeek),
      ]);
      const cap = new Map(over.map((r) => [r.week, Number(r.capacity)]));
      const load = new Map(booked.map((r) => [r.week, Number(r.booked)]));
      return weeks.map((week) => ({ week, capacity: cap.get(week) ?? team.weeklyCapacity, booked: load.get(week) ?? 0 }));
    },
    async book() {
      return { ref: null };
    },
    async release() {},
  };
}

const unavailable = (why: string) => new Problem(503, 'delivery_system_unavailable', { why });

/** The external delivery system's JSON API. */
export function httpCalendar(baseUrl: string, opts: { timeoutMs?: number; token?: string } = {}): DeliveryCapacity {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 5000;
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw unavailable((e as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable');
    }
    if (res.status >= 500) throw unavailable(`HTTP ${res.status}`);
    const text = await res.text();
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw unavailable('malformed answer');
      }
    }
    return { status: res.status, json };
  }
  const ref = (team: DeliveryTeamRef) => encodeURIComponent(team.externalId ?? team.id);
  return {
    source: 'http',
    async capacity(team, fromWeek, toWeek) {
      const { status, json } = await call('GET', `/teams/${ref(team)}/capacity?from=${fromWeek}&to=${toWeek}`);
      if (status !== 200 || !Array.isArray(json?.weeks)) throw unavailable(`HTTP ${status}`);
      const got = new Map<string, WeekLoad>();
      for (const w of json.weeks) {
        if (typeof w?.week !== 'string' || !Number.isFinite(w.capacity) || !Number.isFinite(w.booked)) throw unavailable('malformed answer');
        got.set(w.week, { week: w.week, capacity: Number(w.capacity), booked: Number(w.booked) });
      }
      // A week the external system does not list has no capacity there (never invent room).
      return weekRange(fromWeek, toWeek).map((week) => got.get(week) ?? { week, capacity: 0, booked: 0 });
    },
    async book(team, booking) {
      const { status, json } = await call('POST', `/teams/${ref(team)}/bookings`, booking);
      if (status === 409) throw new BookingRefused(booking.week);
      if ((status !== 200 && status !== 201) || typeof json?.id !== 'string') throw unavailable(`HTTP ${status}`);
      return { ref: json.id };
    },
    async release(id) {
      const { status } = await call('DELETE', `/bookings/${encodeURIComponent(id)}`);
      if (status !== 204 && status !== 200 && status !== 404) throw unavailable(`HTTP ${status}`);
    },
  };
}
