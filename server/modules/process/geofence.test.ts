import { describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { PROCESS_GEOFENCE } from '../../platform/config/defaults.js';
import { distanceM, GEOFENCE_RULE, geofenceVerdict, positionProblem, toWgs84, TRAVEL_RULE, travelVerdict } from './geofence.js';

const { radiusM, maxSpeedKmh } = PROCESS_GEOFENCE.default;
// A customer on the Bund, Shanghai (WGS-84).
const SITE = { lat: 31.2400, lng: 121.4900 };
/** A point `m` metres north of `p`. */
const north = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat + m / 111_195, lng: p.lng });
const at = (min: number) => new Date(Date.UTC(2026, 10, 2, 1, 0) + min * 60_000);

describe('geofence: datum and distance', () => {
  it('[P2] measures great-circle distance in metres', () => {
    // Shanghai People's Square → Beijing Tiananmen is ~1,067 km.
    expect(distanceM({ lat: 31.2304, lng: 121.4737 }, { lat: 39.9087, lng: 116.3975 }) / 1000).toBeCloseTo(1067, -1);
    expect(distanceM(SITE, north(SITE, 300))).toBeCloseTo(300, 0);
    expect(distanceM(SITE, SITE)).toBe(0);
  });

  it('[P2] normalises GCJ-02 to WGS-84: the same spot in two datums is < 20 m apart after, 300–600 m before', () => {
    const [lng, lat] = gcoord.transform<[number, number]>([SITE.lng, SITE.lat], gcoord.WGS84, gcoord.GCJ02);
    const gcj = { lat, lng };
    const raw = distanceM(SITE, gcj);
    expect(raw).toBeGreaterThan(300);
    expect(raw).toBeLessThan(600);
    const normalised = toWgs84({ ...gcj, datum: 'gcj02' });
    expect(distanceM(SITE, normalised)).toBeLessThan(20);
    expect(toWgs84({ ...SITE, datum: 'wgs84' })).toEqual(SITE);
    // Without normalising, a rep standing at the door would be judged ~500 m away; with it, inside.
    expect(geofenceVerdict({ position: { ...gcj, accuracyM: 10 }, site: SITE, radiusM: 300 }).outcome).toBe('flag');
    expect(geofenceVerdict({ position: { ...normalised, accuracyM: 10 }, site: SITE, radiusM: 300 }).outcome).toBe('pass');
  });
});

describe('geofence: absurd positions are refused', () => {
  it('[P2] refuses NaN, Infinity, out-of-range coordinates, negative accuracy and (0,0)', () => {
    expect(positionProblem({ lat: Number.NaN, lng: 121, accuracyM: 5 })).toBe('lat_not_finite');
    expect(positionProblem({ lat: 31, lng: Number.POSITIVE_INFINITY, accuracyM: 5 })).toBe('lng_not_finite');
    expect(positionProblem({ lat: '31' as unknown as number, lng: 121 })).toBe('lat_not_finite');
    expect(positionProblem({ lat: 91, lng: 121, accuracyM: 5 })).toBe('lat_out_of_range');
    expect(positionProblem({ lat: -90.5, lng: 121, accuracyM: 5 })).toBe('lat_out_of_range');
    expect(positionProblem({ lat: 31, lng: 181, accuracyM: 5 })).toBe('lng_out_of_range');
    expect(positionProblem({ lat: 31, lng: 121, accuracyM: -1 })).toBe('accuracy_negative');
    expect(positionProblem({ lat: 31, lng: 121, accuracyM: Number.NaN })).toBe('accuracy_not_finite');
    expect(positionProblem({ lat: 0, lng: 0, accuracyM: 5 })).toBe('null_island');
    expect(positionProblem({ lat: 31.24, lng: 121.49, accuracyM: 12 })).toBeNull();
    expect(positionProblem({ lat: 90, lng: -180, accuracyM: 0 })).toBeNull();
    expect(positionProblem({ lat: 31.24, lng: 121.49 })).toBeNull();
  });

  it('[P2] a verdict on an absurd position flags instead of throwing', () => {
    const v = geofenceVerdict({ position: { lat: Number.NaN, lng: 121, accuracyM: 5 }, site: SITE, radiusM });
    expect(v).toMatchObject({ outcome: 'flag', status: 'unknown', reason: 'position_invalid' });
    expect(JSON.stringify(v.numbers)).not.toContain('NaN');
  });
});

describe('geofence verdict (geofence/1)', () => {
  it('[P2] has a versioned rule name', () => {
    expect(GEOFENCE_RULE).toBe('geofence/1');
    expect(TRAVEL_RULE).toBe('travel/1');
  });

  it('[P2] passes a check-in inside the radius and keeps the distance as evidence', () => {
    const v = geofenceVerdict({ position: { ...north(SITE, 120), accuracyM: 15 }, site: SITE, radiusM });
    expect(v).toEqual({ outcome: 'pass', status: 'in', reason: 'inside_radius', numbers: { distanceM: 120, radiusM: 300, accuracyM: 15, beyondM: -195 } });
  });

  it('[P2] flags a check-in 2 km from the customer', () => {
    const v = geofenceVerdict({ position: { ...north(SITE, 2000), accuracyM: 20 }, site: SITE, radiusM });
    expect(v.outcome).toBe('flag');
    expect(v.status).toBe('out');
    expect(v.reason).toBe('outside_radius');
    expect(v.numbers.distanceM).toBe(2000);
    expect(v.numbers.beyondM).toBe(1680);
  });

  it('[P2] warns (uncertain) when outside the radius but within the reported GPS accuracy', () => {
    const v = geofenceVerdict({ position: { ...north(SITE, 350), accuracyM: 80 }, site: SITE, radiusM });
    expect(v).toMatchObject({ outcome: 'warn', status: 'unknown', reason: 'uncertain_accuracy' });
    // The same distance with a tight fix is out.
    expect(geofenceVerdict({ position: { ...north(SITE, 350), accuracyM: 20 }, site: SITE, radiusM })).toMatchObject({ outcome: 'flag', status: 'out' });
  });

  it('[P2] the radius is configuration, not a constant', () => {
    const p = { ...north(SITE, 450), accuracyM: 10 };
    expect(geofenceVerdict({ position: p, site: SITE, radiusM: 300 }).outcome).toBe('flag');
    expect(geofenceVerdict({ position: p, site: SITE, radiusM: 500 }).outcome).toBe('pass');
  });

  it('[P2] flags accuracy 0 or below 1 m as a virtual location even when in range', () => {
    for (const accuracyM of [0, 0.4]) {
      const v = geofenceVerdict({ position: { ...north(SITE, 30), accuracyM }, site: SITE, radiusM });
      expect(v).toMatchObject({ outcome: 'flag', status: 'in', reason: 'accuracy_implausible' });
    }
    expect(geofenceVerdict({ position: { ...north(SITE, 30), accuracyM: 1 }, site: SITE, radiusM }).outcome).toBe('pass');
  });

  it('[P2] warns when the customer has no registered location', () => {
    const v = geofenceVerdict({ position: { ...SITE, accuracyM: 10 }, site: null, radiusM });
    expect(v).toMatchObject({ outcome: 'warn', status: 'unknown', reason: 'site_unknown' });
    expect(v.numbers.distanceM).toBeNull();
  });

  it('[P2] cell/IP-grade accuracy (> 1 km) cannot place the rep: warn, unless even the whole circle is outside', () => {
    expect(geofenceVerdict({ position: { ...north(SITE, 100), accuracyM: 1500 }, site: SITE, radiusM })).toMatchObject({
      outcome: 'warn',
      status: 'unknown',
      reason: 'accuracy_too_coarse',
    });
    expect(geofenceVerdict({ position: { ...north(SITE, 1200), accuracyM: 1500 }, site: SITE, radiusM }).reason).toBe('accuracy_too_coarse');
    expect(geofenceVerdict({ position: { ...north(SITE, 20_000), accuracyM: 1500 }, site: SITE, radiusM })).toMatchObject({ outcome: 'flag', status: 'out' });
  });

  it('[P2] without a reported accuracy the distance alone decides', () => {
    expect(geofenceVerdict({ position: { ...north(SITE, 100), accuracyM: null }, site: SITE, radiusM }).outcome).toBe('pass');
    expect(geofenceVerdict({ position: { ...north(SITE, 400), accuracyM: null }, site: SITE, radiusM }).outcome).toBe('flag');
    expect(geofenceVerdict({ position: { ...north(SITE, 100), accuracyM: Number.NaN }, site: SITE, radiusM })).toMatchObject({ outcome: 'pass', numbers: { accuracyM: null } });
  });
});

describe('impossible travel (travel/1)', () => {
  const prev = { ...SITE, at: at(0), visitId: 'v1' };

  it('[P2] the first check-in has nothing to compare with', () => {
    expect(travelVerdict(null, { ...SITE, at: at(0) }, maxSpeedKmh)).toMatchObject({ outcome: 'pass', reason: 'first_check_in', prevVisitId: null });
  });

  it('[P2] flags 100 km in 30 minutes and keeps distance, time and speed', () => {
    const v = travelVerdict(prev, { ...north(SITE, 100_000), at: at(30) }, maxSpeedKmh);
    expect(v).toEqual({ outcome: 'flag', reason: 'impossible_travel', prevVisitId: 'v1', numbers: { distanceKm: 100, minutes: 30, speedKmh: 200, maxSpeedKmh: 120 } });
  });

  it('[P2] passes a plausible drive across town', () => {
    expect(travelVerdict(prev, { ...north(SITE, 15_000), at: at(45) }, maxSpeedKmh)).toMatchObject({ outcome: 'pass', reason: 'plausible_travel', numbers: { speedKmh: 20 } });
  });

  it('[P2] never flags hops under 2 km, even at the same minute', () => {
    expect(travelVerdict(prev, { ...north(SITE, 1500), at: at(0) }, maxSpeedKmh)).toMatchObject({ outcome: 'pass', reason: 'short_distance' });
  });

  it('[P2] zero or negative time gaps flag far hops with a finite speed', () => {
    const same = travelVerdict(prev, { ...north(SITE, 10_000), at: at(0) }, maxSpeedKmh);
    expect(same.outcome).toBe('flag');
    expect(Number.isFinite(same.numbers.speedKmh)).toBe(true);
    const before = travelVerdict(prev, { ...north(SITE, 50_000), at: at(-10) }, maxSpeedKmh);
    expect(before).toMatchObject({ outcome: 'flag', numbers: { minutes: -10, speedKmh: 300 } });
    // 50 km two hours earlier is a plausible drive in either direction.
    expect(travelVerdict(prev, { ...north(SITE, 50_000), at: at(-120) }, maxSpeedKmh).outcome).toBe('pass');
  });

  it('[P2] the speed limit is configuration', () => {
    const cur = { ...north(SITE, 100_000), at: at(30) };
    expect(travelVerdict(prev, cur, 250).outcome).toBe('pass');
  });
});
