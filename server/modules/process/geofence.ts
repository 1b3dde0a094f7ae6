// P2: geofenced check-in and impossible travel. Pure functions, no I/O: the process service
// normalises the reported position (toWgs84), refuses absurd ones at the edge (positionProblem →
// 400), and stores what geofenceVerdict / travelVerdict return as the visit's evidence
// (rule version, outcome, reason and the numbers behind it).
import gcoord from 'gcoord';

/** Browsers report WGS-84; Chinese map SDKs (AMap, Tencent) report GCJ-02 ("Mars coordinates"). */
export type Datum = 'wgs84' | 'gcj02';

export interface LatLng {
  lat: number;
  lng: number;
}

/** A reported position in WGS-84 (same as LatLng): every stored position uses this datum. */
export function toWgs84(p: LatLng & { datum: Datum }): LatLng {
  if (p.datum === 'wgs84') return { lat: p.lat, lng: p.lng };
  // gcoord works on [lng, lat]; outside mainland China GCJ-02 equals WGS-84 and it returns the input.
  const [lng, lat] = gcoord.transform<[number, number]>([p.lng, p.lat], gcoord.GCJ02, gcoord.WGS84);
  return { lat, lng };
}

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle (haversine) distance in metres between two WGS-84 points. */
export function distanceM(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export type PositionProblem = 'lat_not_finite' | 'lng_not_finite' | 'lat_out_of_range' | 'lng_out_of_range' | 'accuracy_not_finite' | 'accuracy_negative' | 'null_island';

/**
 * Why a reported position cannot be stored at all (the edge answers 400 with this code), or null.
 * A missing accuracy (null/undefined) is not a problem here: the action's required-fields rule
 * reports it. An accuracy of 0 is *valid input* but suspicious: geofenceVerdict flags it.
 */
export function positionProblem(p: { lat: unknown; lng: unknown; accuracyM?: unknown }): PositionProblem | null {
  if (typeof p.lat !== 'number' || !Number.isFinite(p.lat)) return 'lat_not_finite';
  if (typeof p.lng !== 'number' || !Number.isFinite(p.lng)) return 'lng_not_finite';
  if (p.lat < -90 || p.lat > 90) return 'lat_out_of_range';
  if (p.lng < -180 || p.lng > 180) return 'lng_out_of_range';
  if (p.accuracyM !== null && p.accuracyM !== undefined) {
    if (typeof p.accuracyM !== 'number' || !Number.isFinite(p.accuracyM)) return 'accuracy_not_finite';
    if (p.accuracyM < 0) return 'accuracy_negative';
  }
  // (0, 0) is in the Gulf of Guinea: what a failed GPS fix or an uninitialised client sends.
  if (Math.abs(p.lat) < 1e-4 && Math.abs(p.lng) < 1e-4) return 'null_island';
  return null;
}

export type Outcome = 'pass' | 'warn' | 'flag';

/** What every check returns: stored as a visit_verdicts row (outcome, numbers) with its rule version. */
export interface Verdict {
  outcome: Outcome;
  /** A stable machine code; the UI translates it. */
  reason: string;
  /** What the rule computed, rounded for display; null where not applicable. */
  numbers: Record<string, number | null>;
}

export interface GeofenceVerdict extends Verdict {
  /** Creatio-style in/out-of-range status, cached on visits.geofence. */
  status: 'in' | 'out' | 'unknown';
}

export const GEOFENCE_RULE = 'geofence/1';
/** Below this reported accuracy (metres) the fix is not from a real phone GPS: virtual-location apps report 0. */
export const MIN_PLAUSIBLE_ACCURACY_M = 1;
/** Above this (metres) the fix is cell-tower or IP positioning and cannot place a rep at a site. */
export const MAX_USEFUL_ACCURACY_M = 1000;

const r0 = (x: number) => Math.round(x);
const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The geofence rule (geofence/1), in order:
 *  1. a position positionProblem refuses            → flag / unknown  'position_invalid'
 *  2. accuracy < 1 m (0 included)                   → flag            'accuracy_implausible'
 *     Real phone GPS never claims sub-metre accuracy; mock-location tools (the DingTalk
 *     "virtual location" case) do. Flagged even when inside the radius; status still says where.
 *  3. the customer has no registered location        → warn / unknown 'site_unknown'
 *  4. accuracy > 1000 m (cell / IP positioning):
 *     the whole uncertainty circle lies outside the radius (distance − accuracy > radius)
 *                                                    → flag / out     'outside_radius'
 *     otherwise                                      → warn / unknown 'accuracy_too_coarse'
 *  5. distance ≤ radius                              → pass / in      'inside_radius'
 *  6. distance ≤ radius + accuracy (the rep may be inside, the fix cannot tell)
 *                                                    → warn / unknown 'uncertain_accuracy'
 *  7. otherwise                                      → flag / out     'outside_radius'
 * A missing accuracy (null or NaN) is treated as 0 m of known uncertainty for rules 5–7 but never
 * as implausible. Numbers: distance, radius and accuracy in metres; `beyondM` = how far the fix is
 * outside radius + accuracy (≤ 0 when the circles overlap).
 */
export function geofenceVerdict(input: { position: { lat: number; lng: number; accuracyM: number | null }; site: LatLng | null; radiusM: number }): GeofenceVerdict {
  const { position, site, radiusM } = input;
  // A missing accuracy may arrive as null or NaN (a NaN from a client is refused at the edge, so
  // here it can only mean "not reported").
  const reported = position.accuracyM;
  const accuracy = typeof reported === 'number' && Number.isFinite(reported) ? reported : null;
  const numbers: Record<string, number | null> = { distanceM: null, radiusM, accuracyM: accuracy === null ? null : r1(accuracy), beyondM: null };
  const problem = positionProblem({ lat: position.lat, lng: position.lng, accuracyM: accuracy });
  if (problem) return { outcome: 'flag', status: 'unknown', reason: 'position_invalid', numbers: { ...numbers, accuracyM: null } };

  const d = site ? distanceM(site, position) : null;
  const acc = accuracy ?? 0;
  if (d !== null) {
    numbers.distanceM = r0(d);
    numbers.beyondM = r0(d - radiusM - acc);
  }
  const status: GeofenceVerdict['status'] = d === null ? 'unknown' : d <= radiusM ? 'in' : d <= radiusM + acc ? 'unknown' : 'out';

  if (accuracy !== null && accuracy < MIN_PLAUSIBLE_ACCURACY_M) return { outcome: 'flag', status, reason: 'accuracy_implausible', numbers };
  if (d === null) return { outcome: 'warn', status: 'unknown', reason: 'site_unknown', numbers };
  if (acc > MAX_USEFUL_ACCURACY_M) {
    if (d - acc > radiusM) return { outcome: 'flag', status: 'out', reason: 'outside_radius', numbers };
    return { outcome: 'warn', status: 'unknown', reason: 'accuracy_too_coarse', numbers };
  }
  if (d <= radiusM) return { outcome: 'pass', status: 'in', reason: 'inside_radius', numbers };
  if (d <= radiusM + acc) return { outcome: 'warn', status: 'unknown', reason: 'uncertain_accuracy', numbers };
  return { outcome: 'flag', status: 'out', reason: 'outside_radius', numbers };
}

export interface TravelVerdict extends Verdict {
  /** The rep's previous check-in the speed was computed against (null for the first one). */
  prevVisitId: string | null;
}

export const TRAVEL_RULE = 'travel/1';
/** Hops shorter than this never flag: two sites in the same block, GPS jitter, a wrong pin. */
export const TRAVEL_MIN_FLAG_KM = 2;

/**
 * Impossible travel (travel/1) between a rep's previous check-in and this one, both WGS-84:
 * implied speed = great-circle distance / |time between the check-ins|.
 *  - no previous check-in                            → pass 'first_check_in'
 *  - distance < 2 km                                 → pass 'short_distance' (never flags)
 *  - speed > maxSpeedKmh                             → flag 'impossible_travel'
 *    (a zero or negative gap — two places at the same moment, or out of order — is measured as
 *     |gap| with a floor of one second, so the speed stays finite and the check flags)
 *  - otherwise                                       → pass 'plausible_travel'
 * The great-circle distance understates the road distance, so the rule errs towards passing.
 */
export function travelVerdict(prev: { lat: number; lng: number; at: Date; visitId: string } | null, cur: { lat: number; lng: number; at: Date }, maxSpeedKmh: number): TravelVerdict {
  if (!prev) return { outcome: 'pass', reason: 'first_check_in', prevVisitId: null, numbers: { distanceKm: null, minutes: null, speedKmh: null, maxSpeedKmh } };
  const km = distanceM(prev, cur) / 1000;
  const gapMs = cur.at.getTime() - prev.at.getTime();
  const hours = Math.max(Math.abs(gapMs), 1000) / 3_600_000;
  const speed = km / hours;
  const numbers = { distanceKm: r1(km), minutes: r1(gapMs / 60_000), speedKmh: r0(speed), maxSpeedKmh };
  const base = { prevVisitId: prev.visitId, numbers };
  if (km < TRAVEL_MIN_FLAG_KM) return { ...base, outcome: 'pass', reason: 'short_distance' };
  if (speed > maxSpeedKmh) return { ...base, outcome: 'flag', reason: 'impossible_travel' };
  return { ...base, outcome: 'pass', reason: 'plausible_travel' };
}
