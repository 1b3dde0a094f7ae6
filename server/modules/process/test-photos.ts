// Test support (P4): real JPEG files built in memory, for unit, API and browser tests. Scenes are
// drawn from a seed as SVG and rendered by sharp (librsvg), so different seeds give different
// pictures and the same seed gives the same one. EXIF is written with sharp's `withExif`
// (libexif), GPS included — verified with exiftool, so CI needs no extra package for fixtures.
// Text uses the Noto CJK font (Debian `fonts-noto-cjk`) through fontconfig.
import sharp from 'sharp';

export interface PhotoExif {
  /** The capture instant; written as the wall clock in `offset`. */
  takenAt?: Date;
  /** The phone's UTC offset, default '+08:00'. */
  offset?: string;
  /** Write DateTimeOriginal without OffsetTimeOriginal (most Android phones). */
  omitOffset?: boolean;
  /** Written as DateTimeOriginal exactly as given (forged or garbage values), instead of takenAt. */
  dateTimeOriginal?: string;
  lat?: number;
  lng?: number;
  gpsAccuracyM?: number;
  make?: string;
  model?: string;
  software?: string;
}

export interface PhotoOptions {
  /** Picks the scene: different seeds give unrelated pictures. */
  seed: number;
  /** Drawn large across the picture (Noto Sans CJK SC). */
  text?: string;
  width?: number;
  height?: number;
  quality?: number;
  exif?: PhotoExif;
}

function rng(seed: number) {
  let a = (seed * 2654435761) >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A seeded scene: a gradient sky, ground, and a dozen coloured shapes. */
export function sceneSvg(opts: PhotoOptions): string {
  const w = opts.width ?? 640;
  const h = opts.height ?? 480;
  const r = rng(opts.seed);
  const c = () => `rgb(${Math.floor(r() * 256)},${Math.floor(r() * 256)},${Math.floor(r() * 256)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 12; i++) {
    const x = Math.floor(r() * w);
    const y = Math.floor(r() * h);
    const s = Math.floor(30 + r() * (w / 3));
    shapes.push(r() < 0.5 ? `<rect x="${x - s / 2}" y="${y - s / 2}" width="${s}" height="${Math.floor(s * (0.4 + r()))}" fill="${c()}"/>` : `<circle cx="${x}" cy="${y}" r="${s / 2}" fill="${c()}"/>`);
  }
  const horizon = Math.floor(h * (0.3 + r() * 0.4));
  const label = opts.text
    ? `<rect x="${w * 0.05}" y="${h * 0.35}" width="${w * 0.9}" height="${h * 0.3}" fill="white"/><text x="${w / 2}" y="${h * 0.55}" font-family="Noto Sans CJK SC" font-size="${Math.floor(h / 10)}" text-anchor="middle" fill="black">${esc(opts.text)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${c()}"/><stop offset="1" stop-color="${c()}"/></linearGradient></defs>
<rect width="${w}" height="${horizon}" fill="url(#g)"/><rect y="${horizon}" width="${w}" height="${h - horizon}" fill="${c()}"/>
${shapes.join('\n')}
${label}
</svg>`;
}

const pad = (n: number, w = 2) => String(Math.trunc(n)).padStart(w, '0');

/** The wall clock of `at` in a UTC offset ('+08:00'), in EXIF format 'YYYY:MM:DD HH:MM:SS'. */
export function exifWallClock(at: Date, offset: string): string {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) throw new Error(`bad offset ${offset}`);
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const d = new Date(at.getTime() + minutes * 60_000);
  return `${pad(d.getUTCFullYear(), 4)}:${pad(d.getUTCMonth() + 1)}:${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Decimal degrees → EXIF rational triple 'd/1 m/1 s×10000/10000'. */
function rational(deg: number): string {
  const a = Math.abs(deg);
  const d = Math.floor(a);
  const mFull = (a - d) * 60;
  const m = Math.floor(mFull);
  const s = Math.round((mFull - m) * 60 * 10_000);
  return `${d}/1 ${m}/1 ${s}/10000`;
}

/** The IFD tables sharp's withExif takes (all values as strings; libvips converts them). */
export function exifTables(e: PhotoExif): Record<string, Record<string, string>> {
  const IFD0: Record<string, string> = {};
  const IFD2: Record<string, string> = {};
  const IFD3: Record<string, string> = {};
  if (e.make) IFD0.Make = e.make;
  if (e.model) IFD0.Model = e.model;
  if (e.software) IFD0.Software = e.software;
  const offset = e.offset ?? '+08:00';
  if (e.dateTimeOriginal !== undefined) IFD2.DateTimeOriginal = e.dateTimeOriginal;
  else if (e.takenAt) IFD2.DateTimeOriginal = exifWallClock(e.takenAt, offset);
  if ((e.takenAt || e.dateTimeOriginal !== undefined) && !e.omitOffset) IFD2.OffsetTimeOriginal = offset;
  if (e.lat !== undefined && e.lng !== undefined) {
    IFD3.GPSLatitudeRef = e.lat < 0 ? 'S' : 'N';
    IFD3.GPSLatitude = rational(e.lat);
    IFD3.GPSLongitudeRef = e.lng < 0 ? 'W' : 'E';
    IFD3.GPSLongitude = rational(e.lng);
    if (e.gpsAccuracyM !== undefined) IFD3.GPSHPositioningError = `${Math.round(e.gpsAccuracyM * 100)}/100`;
  }
  return { IFD0, IFD2, IFD3 };
}

/** A JPEG photo of a seeded scene, optionally with text and EXIF. */
export async function makePhoto(opts: PhotoOptions): Promise<Buffer> {
  let img = sharp(Buffer.from(sceneSvg(opts))).jpeg({ quality: opts.quality ?? 88 });
  if (opts.exif) img = img.withExif(exifTables(opts.exif));
  return img.toBuffer();
}

/** A printed page: black text lines on white (Noto Sans CJK SC), as a JPEG — a brochure or a proposal. */
export async function makeDocumentPhoto(lines: string[], opts: { width?: number; fontSize?: number; quality?: number } = {}): Promise<Buffer> {
  const fontSize = opts.fontSize ?? 48;
  const width = opts.width ?? 900;
  const lineH = Math.round(fontSize * 1.6);
  const height = lineH * lines.length + fontSize * 2;
  const body = lines.map((l, i) => `<text x="${fontSize}" y="${fontSize * 1.5 + i * lineH}" font-family="Noto Sans CJK SC" font-size="${fontSize}" fill="#111">${esc(l)}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fdfdf8"/>${body}</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: opts.quality ?? 90 }).toBuffer();
}

/** The same photo resized and recompressed (what a messaging app or a screenshot does); metadata is dropped. */
export async function recompress(buf: Buffer, opts: { width?: number; quality?: number } = {}): Promise<Buffer> {
  return sharp(buf).resize({ width: opts.width ?? 480 }).jpeg({ quality: opts.quality ?? 60 }).toBuffer();
}

/** A text file that claims to be a photo. */
export function textNamedJpg(): Buffer {
  return Buffer.from('这不是照片 — just text in a file called photo.jpg\n', 'utf8');
}

/**
 * The photo with its EXIF block damaged: the TIFF byte-order mark and the first IFD's offset
 * inside the APP1 segment are overwritten with garbage; the JPEG image data is untouched.
 */
export function corruptExif(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  const at = out.indexOf(Buffer.from('Exif\0\0', 'latin1'));
  if (at < 0) throw new Error('no EXIF block to corrupt');
  const tiff = at + 6;
  out.write('ZZ', tiff, 'latin1');
  out.writeUInt32BE(0xfffffff0, tiff + 4);
  return out;
}

/** The photo with the IFD entries' type fields scrambled (the header survives, the tags do not). */
export function scrambleExifEntries(buf: Buffer): Buffer {
  const out = Buffer.from(buf);
  const at = out.indexOf(Buffer.from('Exif\0\0', 'latin1'));
  if (at < 0) throw new Error('no EXIF block to corrupt');
  const tiff = at + 6;
  const le = out.toString('latin1', tiff, tiff + 2) === 'II';
  const ifd0 = tiff + (le ? out.readUInt32LE(tiff + 4) : out.readUInt32BE(tiff + 4));
  const n = le ? out.readUInt16LE(ifd0) : out.readUInt16BE(ifd0);
  for (let i = 0; i < n; i++) {
    const e = ifd0 + 2 + i * 12;
    out.writeUInt16BE(0xeeee, e + 2); // type
    out.writeUInt32BE(0x7fffffff, e + 4); // count
    out.writeUInt32BE(0x7ffffff0, e + 8); // value / offset
  }
  return out;
}
