import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import {
  dHash,
  hamming,
  hashBands,
  PHOTO_DEFAULT_OFFSET,
  PHOTO_PLACE_RULE,
  PHOTO_REUSE_MAX_DISTANCE,
  PHOTO_REUSE_RULE,
  PHOTO_TIME_RULE,
  photoPlaceVerdict,
  photoReuseVerdict,
  photoTimeVerdict,
  readPhotoMeta,
} from './photos.js';
import { distanceM } from './geofence.js';
import { corruptExif, makePhoto, recompress, scrambleExifEntries, textNamedJpg } from './test-photos.js';

// A customer on the Bund, Shanghai (WGS-84), and a visit on 2 Nov 2026 at 09:30 Shanghai time.
const SITE = { lat: 31.24, lng: 121.49 };
const VISIT = new Date('2026-11-02T01:30:00Z');
const min = (n: number) => new Date(VISIT.getTime() + n * 60_000);
/** A point `m` metres north of `p`. */
const north = (p: { lat: number; lng: number }, m: number) => ({ lat: p.lat + m / 111_195, lng: p.lng });

describe('photo EXIF', () => {
  it('[P4] reads the capture time with its OffsetTimeOriginal, GPS (south/east) and camera, whatever the server’s time zone', async () => {
    const photo = await makePhoto({ seed: 1, exif: { takenAt: VISIT, offset: '-05:00', lat: -33.8688, lng: 151.2093, gpsAccuracyM: 12, make: 'Apple', model: 'iPhone 15', software: '17.1' } });
    const before = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      const m = await readPhotoMeta(photo);
      expect(m.takenAt?.toISOString()).toBe(VISIT.toISOString());
      expect(m).toMatchObject({ localTime: '2026-11-01T20:30:00', offset: '-05:00', assumedOffset: false, timeSource: 'DateTimeOriginal', make: 'Apple', model: 'iPhone 15', software: '17.1', format: 'jpg', width: 640, height: 480, hasExif: true, error: null, problems: [] });
      expect(m.lat).toBeCloseTo(-33.8688, 5);
      expect(m.lng).toBeCloseTo(151.2093, 5);
      expect(m.gpsAccuracyM).toBe(12);
      expect(m.raw).toMatchObject({ DateTimeOriginal: '2026:11:01 20:30:00', OffsetTimeOriginal: '-05:00', GPSLatitudeRef: 'S' });
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('[P4] without an offset tag the wall clock is read as Asia/Shanghai (+08:00) and the result says it was assumed', async () => {
    expect(PHOTO_DEFAULT_OFFSET).toBe('+08:00');
    const shanghai = await readPhotoMeta(await makePhoto({ seed: 2, exif: { takenAt: VISIT, offset: '+08:00', omitOffset: true } }));
    expect(shanghai).toMatchObject({ offset: '+08:00', assumedOffset: true, localTime: '2026-11-02T09:30:00' });
    expect(shanghai.takenAt?.toISOString()).toBe(VISIT.toISOString());
    expect(shanghai.raw.OffsetTimeOriginal).toBeUndefined();
    // A phone set to Tokyo time that writes no offset is read one hour late: the assumption is kept as evidence.
    const tokyo = await readPhotoMeta(await makePhoto({ seed: 2, exif: { takenAt: VISIT, offset: '+09:00', omitOffset: true } }));
    expect(tokyo.assumedOffset).toBe(true);
    expect(tokyo.takenAt!.getTime() - VISIT.getTime()).toBe(3_600_000);
  });

  it('[P4] a photo with no EXIF gives nulls, not an error; its time and place checks warn', async () => {
    const m = await readPhotoMeta(await makePhoto({ seed: 3 }));
    expect(m).toMatchObject({ takenAt: null, lat: null, lng: null, make: null, hasExif: false, error: null, format: 'jpg', raw: {} });
    expect(photoTimeVerdict({ exifTakenAt: m.takenAt, claimedAt: VISIT, uploadedAt: min(1), toleranceMin: 30 })).toMatchObject({ outcome: 'warn', reason: 'no_exif' });
    expect(photoPlaceVerdict({ exifLat: m.lat, exifLng: m.lng, site: SITE, radiusM: 300 })).toMatchObject({ outcome: 'warn', reason: 'no_gps' });
  });

  it('[P4] corrupted EXIF never throws: the upload reads as exif_unreadable and the picture still hashes', async () => {
    const good = await makePhoto({ seed: 4, exif: { takenAt: VISIT, lat: SITE.lat, lng: SITE.lng } });
    for (const broken of [corruptExif(good), scrambleExifEntries(good)]) {
      const m = await readPhotoMeta(broken);
      expect(m).toMatchObject({ error: 'exif_unreadable', takenAt: null, lat: null, lng: null, format: 'jpg' });
      expect(JSON.stringify(m.raw)).toContain('errors');
      expect(await dHash(broken)).toBe(await dHash(good));
    }
  });

  it('[P4] impossible EXIF values (0000:00:00 time, GPS at 0,0) are kept as raw evidence but not used', async () => {
    const m = await readPhotoMeta(await makePhoto({ seed: 5, exif: { dateTimeOriginal: '0000:00:00 00:00:00', lat: 0, lng: 0 } }));
    expect(m).toMatchObject({ takenAt: null, lat: null, lng: null, hasExif: true, error: null });
    expect(m.problems).toEqual(['time_unparseable', 'gps_invalid']);
    expect(m.raw.DateTimeOriginal).toBe('0000:00:00 00:00:00');
  });

  it('[P4] a text file named .jpg, an empty upload and random bytes read as not_image; dHash refuses them', async () => {
    for (const bytes of [textNamedJpg(), Buffer.alloc(0), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))]) {
      const m = await readPhotoMeta(bytes);
      expect(m).toMatchObject({ error: 'not_image', takenAt: null, hasExif: false, format: null });
      await expect(dHash(bytes)).rejects.toThrow();
    }
  });

  it('[P4] what is stored is plain JSON: dates as ISO text, binary tags as short hex, round-trips unchanged', async () => {
    const m = await readPhotoMeta(await makePhoto({ seed: 6, exif: { takenAt: VISIT, lat: SITE.lat, lng: SITE.lng, make: 'HUAWEI' } }));
    const stored = JSON.parse(JSON.stringify(m));
    expect(stored.takenAt).toBe(VISIT.toISOString());
    expect(stored.raw.ExifVersion).toBe('hex:30323130');
    expect(JSON.stringify(stored)).not.toMatch(/\\u0000/);
    expect(stored.raw).toEqual(m.raw);
  });
});

describe('photo perceptual hash', () => {
  it('[P4] dHash is 16 hex characters and the same for the same picture', async () => {
    const a = await makePhoto({ seed: 11 });
    const h = await dHash(a);
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(await dHash(Buffer.from(a))).toBe(h);
  });

  it('[P4] a resized, recompressed copy stays within 3 bits and shares a band; different pictures are far apart', async () => {
    const original = await makePhoto({ seed: 12, width: 800, height: 600, exif: { takenAt: VISIT } });
    const h = await dHash(original);
    const small = await dHash(await recompress(original, { width: 320, quality: 50 }));
    const large = await dHash(await recompress(original, { width: 1200, quality: 95 }));
    for (const copy of [small, large]) {
      expect(hamming(h, copy)).toBeLessThanOrEqual(PHOTO_REUSE_MAX_DISTANCE);
      expect(hashBands(h).some((b) => hashBands(copy).includes(b))).toBe(true);
    }
    const others = await Promise.all([13, 14, 15, 16].map(async (seed) => dHash(await makePhoto({ seed, width: 800, height: 600 }))));
    for (const o of others) expect(hamming(h, o)).toBeGreaterThan(10);
    // The same scene with a sign added is a different photo.
    expect(hamming(h, await dHash(await makePhoto({ seed: 12, width: 800, height: 600, text: '客户现场 会议室' })))).toBeGreaterThan(PHOTO_REUSE_MAX_DISTANCE);
  });

  it('[P4] different dim or dark photos are not taken for one another (no false reuse in low contrast)', async () => {
    const dim = await Promise.all([41, 42, 43, 44, 45, 46].map(async (seed) => dHash(await sharp(await makePhoto({ seed })).linear(0.3, 8).jpeg({ quality: 85 }).toBuffer())));
    const dark = await Promise.all([41, 42, 43, 44, 45, 46].map(async (seed) => dHash(await sharp(await makePhoto({ seed })).linear(0.04, 2).jpeg({ quality: 85 }).toBuffer())));
    for (const set of [dim, dark]) {
      for (let i = 0; i < set.length; i++) for (let j = i + 1; j < set.length; j++) expect(hamming(set[i], set[j])).toBeGreaterThan(PHOTO_REUSE_MAX_DISTANCE);
    }
  });

  it('[P4] a photo turned by its EXIF orientation hashes like the upright one', async () => {
    const upright = await makePhoto({ seed: 17 });
    // Pixels rotated 90° clockwise, with Orientation 8 telling viewers to turn them back.
    const turned = await sharp(upright).rotate(90).withMetadata({ orientation: 8 }).jpeg({ quality: 92 }).toBuffer();
    expect(hamming(await dHash(upright), await dHash(turned))).toBeLessThanOrEqual(PHOTO_REUSE_MAX_DISTANCE);
  });

  it('[P4] hashBands gives four tagged 16-bit bands; any two hashes within distance 3 share one', () => {
    expect(hashBands('0123456789ABCDEF')).toEqual(['0:0123', '1:4567', '2:89ab', '3:cdef']);
    expect(() => hashBands('xyz')).toThrow(RangeError);
    expect(hamming('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hamming('8000000000000001', '0000000000000000')).toBe(2);
    expect(() => hamming('00', '00')).toThrow(RangeError);
    // Flip up to 3 random bits of random hashes: a shared band every time (pigeonhole), checked by brute force.
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const bits = Array.from({ length: 64 }, () => (rnd() < 0.5 ? 1 : 0));
      const flipped = [...bits];
      const flips = 1 + Math.floor(rnd() * 3);
      for (let f = 0; f < flips; f++) flipped[Math.floor(rnd() * 64)] ^= 1;
      const hex = (b: number[]) => Array.from({ length: 16 }, (_, k) => parseInt(b.slice(k * 4, k * 4 + 4).join(''), 2).toString(16)).join('');
      const [a, b] = [hex(bits), hex(flipped)];
      expect(hamming(a, b)).toBeLessThanOrEqual(3);
      expect(hashBands(a).some((x) => hashBands(b).includes(x))).toBe(true);
    }
  });
});

describe('photo verdicts', () => {
  it('[P4] photo time: within tolerance passes; an old photo is flagged with the difference; the evidence is kept', () => {
    expect(PHOTO_TIME_RULE).toBe('photo_time/1');
    const ok = photoTimeVerdict({ exifTakenAt: min(-12), claimedAt: VISIT, uploadedAt: min(2), toleranceMin: 30 });
    expect(ok).toMatchObject({ outcome: 'pass', reason: 'time_match', numbers: { diffMin: -12, toleranceMin: 30 } });
    expect(ok.inputs).toMatchObject({ exifTakenAt: min(-12).toISOString(), claimedAt: VISIT.toISOString(), uploadedAt: min(2).toISOString(), toleranceMin: 30 });
    const old = photoTimeVerdict({ exifTakenAt: min(-3 * 24 * 60), claimedAt: VISIT, uploadedAt: min(1), toleranceMin: 30, assumedOffset: true });
    expect(old).toMatchObject({ outcome: 'flag', reason: 'time_mismatch', numbers: { diffMin: -4320 }, inputs: { assumedOffset: true } });
    expect(photoTimeVerdict({ exifTakenAt: min(31), claimedAt: VISIT, uploadedAt: min(60), toleranceMin: 30 })).toMatchObject({ outcome: 'flag', reason: 'time_mismatch' });
    expect(photoTimeVerdict({ exifTakenAt: min(30), claimedAt: VISIT, uploadedAt: min(60), toleranceMin: 30 }).outcome).toBe('pass');
  });

  it('[P4] forged EXIF: a photo “taken” after it was uploaded is flagged exif_in_future, even when it matches the claimed time', () => {
    // The rep claims a time two hours after uploading, and wrote the same time into the photo.
    const forged = photoTimeVerdict({ exifTakenAt: min(120), claimedAt: min(120), uploadedAt: VISIT, toleranceMin: 30 });
    expect(forged).toMatchObject({ outcome: 'flag', reason: 'exif_in_future', numbers: { aheadMin: 120, diffMin: 0 } });
    // A phone clock a couple of minutes fast is not forgery.
    expect(photoTimeVerdict({ exifTakenAt: min(2), claimedAt: VISIT, uploadedAt: VISIT, toleranceMin: 30 }).outcome).toBe('pass');
  });

  it('[P4] photo place: GPS near the customer passes, 2 km away is flagged with the distance, missing or absurd GPS warns', () => {
    expect(PHOTO_PLACE_RULE).toBe('photo_place/1');
    const near = north(SITE, 120);
    expect(photoPlaceVerdict({ exifLat: near.lat, exifLng: near.lng, site: SITE, radiusM: 300 })).toMatchObject({ outcome: 'pass', reason: 'inside_radius', numbers: { distanceM: 120, radiusM: 300 }, inputs: { against: 'site' } });
    const far = north(SITE, 2000);
    const v = photoPlaceVerdict({ exifLat: far.lat, exifLng: far.lng, site: SITE, radiusM: 300 });
    expect(v).toMatchObject({ outcome: 'flag', reason: 'outside_radius', numbers: { distanceM: 2000 } });
    expect(photoPlaceVerdict({ exifLat: north(SITE, 350).lat, exifLng: SITE.lng, exifAccuracyM: 80, site: SITE, radiusM: 300 })).toMatchObject({ outcome: 'warn', reason: 'uncertain_accuracy' });
    expect(photoPlaceVerdict({ exifLat: null, exifLng: null, site: SITE, radiusM: 300 })).toMatchObject({ outcome: 'warn', reason: 'no_gps' });
    expect(photoPlaceVerdict({ exifLat: 0, exifLng: 0, site: SITE, radiusM: 300 })).toMatchObject({ outcome: 'warn', reason: 'gps_invalid' });
    expect(photoPlaceVerdict({ exifLat: Number.NaN, exifLng: 121, site: SITE, radiusM: 300 })).toMatchObject({ outcome: 'warn', reason: 'no_gps' });
    expect(photoPlaceVerdict({ exifLat: 95, exifLng: 121, site: SITE, radiusM: 300 })).toMatchObject({ outcome: 'warn', reason: 'gps_invalid' });
    expect(photoPlaceVerdict({ exifLat: far.lat, exifLng: far.lng, site: null, radiusM: 300 })).toMatchObject({ outcome: 'warn', reason: 'site_unknown' });
    // Without a registered site the position claimed with the upload is the reference.
    expect(photoPlaceVerdict({ exifLat: far.lat, exifLng: far.lng, site: null, claimed: SITE, radiusM: 300 })).toMatchObject({ outcome: 'flag', reason: 'outside_radius', inputs: { against: 'claimed' }, numbers: { claimedDistanceM: 2000 } });
    expect(distanceM({ lat: 31.2304, lng: 121.4737 }, { lat: 39.9087, lng: 116.3975 }) / 1000).toBeCloseTo(1067, -1);
  });

  it('[P4] photo reuse: a near-identical photo on other visits is flagged with those visits and distances, closest first', async () => {
    expect(PHOTO_REUSE_RULE).toBe('photo_reuse/1');
    const original = await makePhoto({ seed: 21 });
    const own = await dHash(await recompress(original, { width: 400, quality: 70 }));
    const candidates = [
      { mediaId: 'm-other', visitId: 'v-other', dhash: await dHash(await makePhoto({ seed: 22 })) },
      { mediaId: 'm-orig', visitId: 'v-1', dhash: await dHash(original) },
      { mediaId: 'm-same', visitId: 'v-2', dhash: own },
      { mediaId: 'm-bad', visitId: 'v-3', dhash: 'not-a-hash' },
    ];
    const v = photoReuseVerdict(candidates, own);
    expect(v.outcome).toBe('flag');
    expect(v.reason).toBe('photo_reused');
    const matches = v.numbers.matches as { visitId: string; mediaId: string; distance: number }[];
    expect(matches.map((m) => m.visitId)).toEqual(['v-2', 'v-1']);
    expect(matches[0].distance).toBe(0);
    expect(matches[1].distance).toBeLessThanOrEqual(3);
    expect(v.numbers).toMatchObject({ count: 2, visits: 2, minDistance: 0, ignored: 1 });
    expect(v.inputs).toMatchObject({ dhash: own, maxDistance: 3, candidates: 4 });
    expect(photoReuseVerdict([candidates[0]], own)).toMatchObject({ outcome: 'pass', reason: 'no_match', numbers: { count: 0 } });
    expect(photoReuseVerdict([], own)).toMatchObject({ outcome: 'pass', reason: 'no_match' });
  });

  it('[P4] a featureless picture (lens covered) is not judged for reuse; a malformed own hash warns', async () => {
    const black = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const h = await dHash(black);
    expect(photoReuseVerdict([{ mediaId: 'm', visitId: 'v', dhash: h }], h)).toMatchObject({ outcome: 'warn', reason: 'low_detail' });
    expect(photoReuseVerdict([], 'zzz')).toMatchObject({ outcome: 'warn', reason: 'hash_invalid' });
  });

  it('[P4] end to end on real files: an old photo passed off as today’s, taken elsewhere, is flagged on time and place', async () => {
    const elsewhere = north(SITE, 5000);
    const photo = await makePhoto({ seed: 31, exif: { takenAt: new Date('2026-10-20T06:00:00Z'), lat: elsewhere.lat, lng: elsewhere.lng } });
    const m = await readPhotoMeta(photo);
    const stored = JSON.parse(JSON.stringify(m)) as { takenAt: string; lat: number; lng: number };
    const t = photoTimeVerdict({ exifTakenAt: new Date(stored.takenAt), claimedAt: VISIT, uploadedAt: min(1), toleranceMin: 30 });
    const p = photoPlaceVerdict({ exifLat: stored.lat, exifLng: stored.lng, site: SITE, radiusM: 300 });
    expect(t).toMatchObject({ outcome: 'flag', reason: 'time_mismatch' });
    expect(p).toMatchObject({ outcome: 'flag', reason: 'outside_radius' });
    expect(p.numbers.distanceM).toBeGreaterThan(4900);
    expect(p.numbers.distanceM).toBeLessThan(5100);
  });
});
