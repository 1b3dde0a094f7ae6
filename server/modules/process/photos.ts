// P4: photo evidence. Reading EXIF (time, offset, GPS, camera) without ever throwing, a 64-bit
// perceptual dHash split into four bands for index lookups, and pure verdict functions that keep
// their inputs and numbers. The process service calls readPhotoMeta + dHash on upload and stores
// the results (visit_media.exif / dhash / dhash_bands); evaluate.ts turns them into verdicts.
//
// Time zones: exifr would turn EXIF wall-clock times into the *server process's* time zone and
// ignores OffsetTimeOriginal, so it is read with `reviveValues: false` and the offset is applied
// here. Without an offset tag (most Android phones, many apps) the wall clock is read in
// PHOTO_DEFAULT_OFFSET (Asia/Shanghai, +08:00, no daylight saving) and `assumedOffset` says so.
import exifr from 'exifr';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { distanceM } from './geofence.js';

export type Outcome = 'pass' | 'warn' | 'flag';

/** What every photo check returns; stored as a visit_verdicts row with the rule version. */
export interface PhotoVerdict {
  outcome: Outcome;
  /** A stable machine code; the UI translates it. */
  reason: string;
  /** What the rule computed. */
  numbers: Record<string, unknown>;
  /** What the rule looked at. */
  inputs: Record<string, unknown>;
}

export interface LatLng {
  lat: number;
  lng: number;
}

// ── EXIF ────────────────────────────────────────────────────────────────────────────────

/** Asia/Shanghai has been +08:00 all year since 1991. */
export const PHOTO_DEFAULT_OFFSET = '+08:00';

export type PhotoMetaError = 'not_image' | 'exif_unreadable';
export type PhotoMetaProblem = 'exif_partial' | 'time_unparseable' | 'offset_invalid' | 'gps_invalid';

export interface PhotoMeta {
  /** The capture instant (DateTimeOriginal, else CreateDate) with the offset applied; null when absent or unparseable. */
  takenAt: Date | null;
  /** The wall-clock time as written in the photo, ISO without offset ('2026-11-02T09:30:00'). */
  localTime: string | null;
  /** The offset applied to localTime (from OffsetTimeOriginal/OffsetTimeDigitized/OffsetTime, or the assumed default). */
  offset: string | null;
  /** True when the photo carried no (valid) offset and PHOTO_DEFAULT_OFFSET was assumed. */
  assumedOffset: boolean;
  /** Which tag the time came from. */
  timeSource: 'DateTimeOriginal' | 'CreateDate' | null;
  /** WGS-84 from the GPS IFD (GPS receivers report WGS-84); null when absent or invalid. */
  lat: number | null;
  lng: number | null;
  /** GPSHPositioningError in metres, when the phone wrote it. */
  gpsAccuracyM: number | null;
  make: string | null;
  model: string | null;
  software: string | null;
  /** From the file's bytes (not its name): 'jpg', 'png', 'heic'… null for a non-image. */
  format: string | null;
  width: number | null;
  height: number | null;
  /** The file had any EXIF tags exifr could read. */
  hasExif: boolean;
  /** Why nothing could be read: a file that is not an image, or an EXIF block exifr could not parse. */
  error: PhotoMetaError | null;
  /** Values that were present but unusable (kept in `raw` as evidence). */
  problems: PhotoMetaProblem[];
  /** The tags read, made JSON-safe (no binary, no NUL characters, strings ≤ 200 chars, ≤ 150 keys). */
  raw: Record<string, unknown>;
}

const EXIFR_OPTIONS = {
  tiff: true,
  exif: true,
  gps: true,
  ifd1: false,
  interop: false,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  translateKeys: true,
  translateValues: false,
  reviveValues: false,
  sanitize: true,
  mergeOutput: true,
} satisfies NonNullable<Parameters<typeof exifr.parse>[1]>;

function emptyMeta(): PhotoMeta {
  return {
    takenAt: null,
    localTime: null,
    offset: null,
    assumedOffset: false,
    timeSource: null,
    lat: null,
    lng: null,
    gpsAccuracyM: null,
    make: null,
    model: null,
    software: null,
    format: null,
    width: null,
    height: null,
    hasExif: false,
    error: null,
    problems: [],
    raw: {},
  };
}

/**
 * Reads what a photo says about itself. Never throws: a non-image gives `error: 'not_image'`, an
 * EXIF block that cannot be parsed gives `error: 'exif_unreadable'`, a photo without EXIF gives
 * nulls with `hasExif: false`.
 */
export async function readPhotoMeta(buf: Buffer): Promise<PhotoMeta> {
  const meta = emptyMeta();
  try {
    const type = Buffer.isBuffer(buf) && buf.length ? await fileTypeFromBuffer(buf).catch(() => undefined) : undefined;
    if (!type || !type.mime.startsWith('image/')) {
      meta.error = 'not_image';
      return meta;
    }
    meta.format = type.ext;
    try {
      const m = await sharp(buf, { failOn: 'none' }).metadata();
      meta.width = m.width ?? null;
      meta.height = m.height ?? null;
    } catch {
      /* a format sharp cannot decode (e.g. HEIC without libheif's HEVC): EXIF may still be readable */
    }
    let tags: Record<string, unknown> | undefined;
    try {
      tags = (await exifr.parse(buf, EXIFR_OPTIONS)) as Record<string, unknown> | undefined;
    } catch {
      meta.error = 'exif_unreadable';
      return meta;
    }
    if (!tags || typeof tags !== 'object') return meta;
    // exifr reports damage it skipped over in `errors` (silentErrors): nothing else read → unreadable.
    const { errors, ...read } = tags;
    const damaged = Array.isArray(errors) && errors.length > 0;
    if (Object.keys(read).length === 0) {
      if (damaged) {
        meta.error = 'exif_unreadable';
        meta.raw = { errors: errorMessages(errors) };
      }
      return meta;
    }
    tags = read;
    meta.hasExif = true;
    meta.raw = jsonSafe(tags);
    if (damaged) {
      meta.problems.push('exif_partial');
      meta.raw.errors = errorMessages(errors);
    }
    applyTime(meta, tags);
    applyGps(meta, tags);
    meta.make = text(tags.Make);
    meta.model = text(tags.Model);
    meta.software = text(tags.Software);
    return meta;
  } catch {
    // Nothing above should throw; if a library does anyway, the upload is still stored.
    meta.error ??= 'exif_unreadable';
    return meta;
  }
}

function applyTime(meta: PhotoMeta, tags: Record<string, unknown>) {
  const sources = [
    ['DateTimeOriginal', tags.DateTimeOriginal, tags.OffsetTimeOriginal, tags.SubSecTimeOriginal],
    ['CreateDate', tags.CreateDate ?? tags.DateTimeDigitized, tags.OffsetTimeDigitized, tags.SubSecTimeDigitized],
  ] as const;
  const present = sources.find(([, v]) => v !== undefined && v !== null && String(v).trim() !== '');
  if (!present) return;
  const [source, value, offsetTag, subSec] = present;
  const local = parseExifDateTime(value, subSec);
  if (!local) {
    meta.problems.push('time_unparseable');
    return;
  }
  let offset = parseOffset(offsetTag ?? tags.OffsetTime);
  if ((offsetTag ?? tags.OffsetTime) !== undefined && offset === null) meta.problems.push('offset_invalid');
  if (offset === null) {
    offset = PHOTO_DEFAULT_OFFSET;
    meta.assumedOffset = true;
  }
  const takenAt = new Date(`${local}${offset}`);
  if (Number.isNaN(takenAt.getTime())) {
    meta.problems.push('time_unparseable');
    return;
  }
  meta.takenAt = takenAt;
  meta.localTime = local;
  meta.offset = offset;
  meta.timeSource = source;
}

/** 'YYYY:MM:DD HH:MM:SS' (also '-' or '/' in the date, 'T' as separator) → 'YYYY-MM-DDTHH:MM:SS[.sss]', or null. */
export function parseExifDateTime(value: unknown, subSec?: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > days) return null;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const sub = typeof subSec === 'string' || typeof subSec === 'number' ? /^\d{1,3}/.exec(String(subSec).trim())?.[0] : undefined;
  return `${pad(y, 4)}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}${sub ? `.${sub.padEnd(3, '0')}` : ''}`;
}

/** '+08:00' / '-0530' / 'Z' → '+08:00' / '-05:30' / '+00:00'; anything else (or beyond ±14:00) → null. */
export function parseOffset(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  if (v === 'Z') return '+00:00';
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(v);
  if (!m) return null;
  const h = Number(m[2]);
  const mi = Number(m[3]);
  if (mi > 59 || h * 60 + mi > 14 * 60) return null;
  return `${m[1]}${m[2]}:${m[3]}`;
}

function applyGps(meta: PhotoMeta, tags: Record<string, unknown>) {
  const hasAny = tags.GPSLatitude !== undefined || tags.GPSLongitude !== undefined;
  if (!hasAny) return;
  const lat = dms(tags.GPSLatitude, tags.GPSLatitudeRef, 'S');
  const lng = dms(tags.GPSLongitude, tags.GPSLongitudeRef, 'W');
  if (lat === null || lng === null || Math.abs(lat) > 90 || Math.abs(lng) > 180 || (Math.abs(lat) < 1e-4 && Math.abs(lng) < 1e-4)) {
    // Out of range, unparseable, or (0, 0): what a phone without a fix or an editing tool writes.
    meta.problems.push('gps_invalid');
    return;
  }
  meta.lat = round(lat, 7);
  meta.lng = round(lng, 7);
  const acc = num(tags.GPSHPositioningError);
  meta.gpsAccuracyM = acc !== null && acc >= 0 ? acc : null;
}

/** Degrees/minutes/seconds (as exifr gives them without revival) or decimal degrees, signed by the reference. */
function dms(value: unknown, ref: unknown, negative: 'S' | 'W'): number | null {
  let deg: number | null = null;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const parts = Array.from(value as ArrayLike<unknown>).map(num);
    if (parts.length === 0 || parts.length > 3 || parts.some((p) => p === null || p < 0)) return null;
    const [d, m = 0, s = 0] = parts as number[];
    if (m >= 60 || s >= 60) return null;
    deg = d + m / 60 + s / 3600;
  } else {
    deg = num(value);
  }
  if (deg === null) return null;
  const r = typeof ref === 'string' ? ref.trim().toUpperCase() : '';
  return r.startsWith(negative) ? -Math.abs(deg) : deg;
}

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

// eslint-disable-next-line no-control-regex -- removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function text(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const t = v.replace(CONTROL, '').trim().slice(0, 200);
  return t || null;
}

function errorMessages(errors: unknown[]): string[] {
  return errors.slice(0, 5).map((e) => (e instanceof Error ? e.message : String(e)).replace(CONTROL, '').slice(0, 200));
}

const MAX_RAW_KEYS = 150;

/** EXIF as stored evidence: PostgreSQL jsonb refuses \u0000, binary blobs are replaced by a short hex or a size. */
function jsonSafe(tags: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tags)) {
    if (Object.keys(out).length >= MAX_RAW_KEYS) break;
    if (k === 'latitude' || k === 'longitude') continue; // exifr's derived values; lat/lng are ours
    const safe = jsonValue(v);
    if (safe !== undefined) out[k.replace(CONTROL, '').slice(0, 64)] = safe;
  }
  return out;
}

function jsonValue(v: unknown): unknown {
  if (v === null) return null;
  if (typeof v === 'string') return v.replace(CONTROL, '').slice(0, 200);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (ArrayBuffer.isView(v)) {
    const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    return bytes.length <= 32 ? `hex:${bytes.toString('hex')}` : `<${bytes.length} bytes>`;
  }
  if (Array.isArray(v)) return v.length <= 16 ? v.map((x) => (typeof x === 'number' || typeof x === 'string' ? jsonValue(x) : null)) : `<${v.length} values>`;
  return undefined;
}

// ── perceptual hash ─────────────────────────────────────────────────────────────────────────

const HEX16 = /^[0-9a-f]{16}$/;

export const DHASH_VERSION = 'dhash/1';
/** Neighbours closer than this (grey levels of 255) count as equal, so flat areas give stable 0 bits… */
export const DHASH_DEAD_ZONE = 3;
/** …but only in a picture whose 9×8 grid spans at least this many grey levels (see dHash). */
export const DHASH_DEAD_ZONE_MIN_RANGE = 64;

/**
 * 64-bit difference hash (dhash/1) as 16 lowercase hex characters: the photo turned upright (EXIF
 * orientation), flattened on white, greyscale, resized to 9×8 ignoring the aspect ratio; bit
 * (row, col) is 1 when a pixel is brighter than its right-hand neighbour by more than the dead
 * zone, row-major, most significant bit first. Rejects (throws) a non-image.
 *
 * The dead zone: in flat areas (a wall, the sky) neighbouring cells are equal and JPEG noise
 * decides the bit, so a recompressed copy drifts past 3 bits. Counting differences of ≤ 3 grey
 * levels as "not brighter" keeps those bits stable. In a dark or washed-out picture (grid range
 * < 64 levels) the dead zone would turn most bits to 0 and make unrelated dim photos look alike,
 * so there the plain comparison is kept. Measured on 60 generated scenes × 5 copies (resized
 * 320–1200 px, quality 50–95, brightness +10 %, orientation-rotated): copies within 3 bits
 * 297/300 (plain dHash: 284/300), unrelated pairs never closer than 16 bits.
 */
export async function dHash(buf: Buffer): Promise<string> {
  const { data, info } = await sharp(buf, { failOn: 'error' })
    .rotate()
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const ch = info.channels;
  const px = (x: number, y: number) => data[(y * 9 + x) * ch];
  let lo = 255;
  let hi = 0;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 9; x++) {
      lo = Math.min(lo, px(x, y));
      hi = Math.max(hi, px(x, y));
    }
  }
  const dz = hi - lo >= DHASH_DEAD_ZONE_MIN_RANGE ? DHASH_DEAD_ZONE : 0;
  const bytes = Buffer.alloc(8);
  for (let y = 0; y < 8; y++) {
    let b = 0;
    for (let x = 0; x < 8; x++) b = (b << 1) | (px(x, y) - px(x + 1, y) > dz ? 1 : 0);
    bytes[y] = b;
  }
  return bytes.toString('hex');
}

function checkHash(hex: string): string {
  const h = typeof hex === 'string' ? hex.toLowerCase() : '';
  if (!HEX16.test(h)) throw new RangeError(`not a 64-bit hex hash: ${String(hex).slice(0, 40)}`);
  return h;
}

/**
 * Four 16-bit bands tagged with their position: ['0:xxxx', '1:xxxx', '2:xxxx', '3:xxxx'].
 * Two hashes within Hamming distance 3 differ in at most 3 bands, so they share at least one
 * (pigeonhole): a GIN index on the bands finds every candidate, `hamming` confirms it.
 */
export function hashBands(hex: string): string[] {
  const h = checkHash(hex);
  return [0, 1, 2, 3].map((i) => `${i}:${h.slice(i * 4, i * 4 + 4)}`);
}

const POP4 = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** Number of differing bits between two 16-hex-character hashes; throws a RangeError on anything else. */
export function hamming(a: string, b: string): number {
  const x = checkHash(a);
  const y = checkHash(b);
  let d = 0;
  for (let i = 0; i < 16; i++) d += POP4[Number.parseInt(x[i], 16) ^ Number.parseInt(y[i], 16)];
  return d;
}

function ones(hex: string): number {
  return hamming(hex, '0000000000000000');
}

// ── verdicts ─────────────────────────────────────────────────────────────────────────────

const r1 = (x: number) => Math.round(x * 10) / 10;
function round(x: number, digits: number) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
const iso = (d: Date | null | undefined) => (d && !Number.isNaN(d.getTime()) ? d.toISOString() : null);

export const PHOTO_TIME_RULE = 'photo_time/1';
/** A phone clock may run a little ahead of the server's; beyond this the EXIF time is in the future. */
export const PHOTO_FUTURE_SKEW_MIN = 5;

/**
 * EXIF capture time against the claimed time (photo_time/1), in order:
 *  1. no usable EXIF time                                      → warn 'no_exif'
 *  2. EXIF time later than the upload (+5 min clock skew)      → flag 'exif_in_future'
 *     A photo cannot be taken after it was uploaded: the EXIF was written by hand.
 *     Without `uploadedAt`, the claimed time stands in for it.
 *  3. |EXIF − claimed| > toleranceMin                          → flag 'time_mismatch'
 *  4. otherwise                                                → pass 'time_match'
 * Numbers: diffMin = EXIF − claimed in minutes (negative: photo older than claimed),
 * aheadMin = EXIF − upload in minutes, toleranceMin. `assumedOffset` (no offset tag in the
 * photo, +08:00 assumed) is kept in the inputs so the panel can say the time may be off by the
 * phone's time-zone difference.
 */
export function photoTimeVerdict(input: { exifTakenAt: Date | null; claimedAt: Date; uploadedAt?: Date | null; toleranceMin: number; assumedOffset?: boolean }): PhotoVerdict {
  const { exifTakenAt, claimedAt, toleranceMin } = input;
  const uploadedAt = input.uploadedAt ?? null;
  const inputs = { exifTakenAt: iso(exifTakenAt), claimedAt: iso(claimedAt), uploadedAt: iso(uploadedAt), toleranceMin, assumedOffset: input.assumedOffset ?? false };
  const taken = exifTakenAt && !Number.isNaN(exifTakenAt.getTime()) ? exifTakenAt.getTime() : null;
  if (taken === null) return { outcome: 'warn', reason: 'no_exif', inputs, numbers: { diffMin: null, aheadMin: null, toleranceMin } };
  const diffMin = r1((taken - claimedAt.getTime()) / 60_000);
  const ref = uploadedAt ?? claimedAt;
  const aheadMin = r1((taken - ref.getTime()) / 60_000);
  const numbers = { diffMin, aheadMin, toleranceMin, futureSkewMin: PHOTO_FUTURE_SKEW_MIN };
  if (aheadMin > PHOTO_FUTURE_SKEW_MIN) return { outcome: 'flag', reason: 'exif_in_future', inputs, numbers };
  if (Math.abs(diffMin) > toleranceMin) return { outcome: 'flag', reason: 'time_mismatch', inputs, numbers };
  return { outcome: 'pass', reason: 'time_match', inputs, numbers };
}

export const PHOTO_PLACE_RULE = 'photo_place/1';

const validPoint = (p: LatLng | null | undefined): p is LatLng =>
  !!p && Number.isFinite(p.lat) && Number.isFinite(p.lng) && Math.abs(p.lat) <= 90 && Math.abs(p.lng) <= 180 && !(Math.abs(p.lat) < 1e-4 && Math.abs(p.lng) < 1e-4);

/**
 * EXIF GPS against the customer's site (photo_place/1); without a registered site, against the
 * position the phone claimed with the upload. In order:
 *  1. no GPS in the photo                                  → warn 'no_gps'
 *  2. GPS present but impossible (out of range, 0,0)       → warn 'gps_invalid'
 *  3. neither a site nor a claimed position                → warn 'site_unknown'
 *  4. distance ≤ radius                                    → pass 'inside_radius'
 *  5. distance ≤ radius + GPSHPositioningError             → warn 'uncertain_accuracy'
 *  6. otherwise                                            → flag 'outside_radius'
 * Numbers: distanceM (to the reference), radiusM, accuracyM, claimedDistanceM (photo GPS to the
 * claimed upload position, when both exist). Inputs say which reference was used.
 */
export function photoPlaceVerdict(input: { exifLat: number | null; exifLng: number | null; exifAccuracyM?: number | null; site: LatLng | null; claimed?: LatLng | null; radiusM: number }): PhotoVerdict {
  const { exifLat, exifLng, site, radiusM } = input;
  const claimed = input.claimed ?? null;
  const accuracy = input.exifAccuracyM !== undefined && input.exifAccuracyM !== null && Number.isFinite(input.exifAccuracyM) && input.exifAccuracyM >= 0 ? input.exifAccuracyM : null;
  const photo = exifLat === null || exifLng === null ? null : { lat: exifLat, lng: exifLng };
  const reference = validPoint(site) ? site : validPoint(claimed) ? claimed : null;
  const inputs = { photo, site, claimed, against: reference === null ? null : reference === site ? 'site' : 'claimed', radiusM, accuracyM: accuracy };
  const numbers: Record<string, number | null> = { distanceM: null, radiusM, accuracyM: accuracy === null ? null : r1(accuracy), claimedDistanceM: null };
  if (!photo || !Number.isFinite(photo.lat) || !Number.isFinite(photo.lng)) return { outcome: 'warn', reason: 'no_gps', inputs, numbers };
  if (!validPoint(photo)) return { outcome: 'warn', reason: 'gps_invalid', inputs, numbers };
  if (validPoint(claimed)) numbers.claimedDistanceM = Math.round(distanceM(photo, claimed));
  if (!reference) return { outcome: 'warn', reason: 'site_unknown', inputs, numbers };
  const d = distanceM(photo, reference);
  numbers.distanceM = Math.round(d);
  if (d <= radiusM) return { outcome: 'pass', reason: 'inside_radius', inputs, numbers };
  if (d <= radiusM + (accuracy ?? 0)) return { outcome: 'warn', reason: 'uncertain_accuracy', inputs, numbers };
  return { outcome: 'flag', reason: 'outside_radius', inputs, numbers };
}

export const PHOTO_REUSE_RULE = 'photo_reuse/1';
/** Resized or recompressed copies of one photo measure 0–3 bits apart; unrelated photos ~20–40. */
export const PHOTO_REUSE_MAX_DISTANCE = 3;
/**
 * A hash with fewer than this many 1 bits (or 0 bits) comes from a nearly featureless picture
 * (lens covered, a blank wall, a flat screenshot): such photos all look alike to dHash, so no
 * reuse judgement is made.
 */
export const PHOTO_MIN_DETAIL_BITS = 4;

/**
 * Same or near-identical photo on other visits (photo_reuse/1). `candidates` are the photos of
 * *other* visits sharing a band with this one (the store finds them by the GIN index).
 *  - this photo's hash is not a 64-bit hex hash          → warn 'hash_invalid'
 *  - nearly featureless picture                          → warn 'low_detail'
 *  - any candidate within maxDistance bits               → flag 'photo_reused', numbers.matches
 *    lists {visitId, mediaId, distance}, closest first
 *  - otherwise                                           → pass 'no_match'
 * Candidates with malformed hashes are ignored (counted in numbers.ignored).
 */
export function photoReuseVerdict(candidates: { mediaId: string; visitId: string; dhash: string | null }[], own: string, maxDistance = PHOTO_REUSE_MAX_DISTANCE): PhotoVerdict {
  const inputs = { dhash: typeof own === 'string' ? own.toLowerCase() : null, maxDistance, candidates: candidates.length };
  if (typeof own !== 'string' || !HEX16.test(own.toLowerCase())) return { outcome: 'warn', reason: 'hash_invalid', inputs, numbers: { matches: [], count: 0, visits: 0, minDistance: null, ignored: 0 } };
  const bits = ones(own);
  if (bits < PHOTO_MIN_DETAIL_BITS || 64 - bits < PHOTO_MIN_DETAIL_BITS) return { outcome: 'warn', reason: 'low_detail', inputs, numbers: { matches: [], count: 0, visits: 0, minDistance: null, ignored: 0, setBits: bits } };
  let ignored = 0;
  const matches: { visitId: string; mediaId: string; distance: number }[] = [];
  for (const c of candidates) {
    if (typeof c.dhash !== 'string' || !HEX16.test(c.dhash.toLowerCase())) {
      ignored++;
      continue;
    }
    const distance = hamming(own, c.dhash);
    if (distance <= maxDistance) matches.push({ visitId: c.visitId, mediaId: c.mediaId, distance });
  }
  matches.sort((a, b) => a.distance - b.distance || a.visitId.localeCompare(b.visitId) || a.mediaId.localeCompare(b.mediaId));
  const numbers = { matches, count: matches.length, visits: new Set(matches.map((m) => m.visitId)).size, minDistance: matches.length ? matches[0].distance : null, ignored };
  if (matches.length) return { outcome: 'flag', reason: 'photo_reused', inputs, numbers };
  return { outcome: 'pass', reason: 'no_match', inputs, numbers };
}
