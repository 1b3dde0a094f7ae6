// What a file really is (from its bytes, never its name), what it may be called on disk and
// in a download, and how that name travels in a Content-Disposition header.
import { fileTypeFromBuffer } from 'file-type';

export interface Sniffed {
  mime: string;
  ext: string;
  /** Only for text: the encoding the bytes decode cleanly in. */
  charset?: 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';
}

export const OCTET_STREAM = 'application/octet-stream';

/** Decided by content. The name only chooses between text/csv and text/plain for text that is already text. */
export async function sniff(content: Buffer, nameHint?: string | null): Promise<Sniffed> {
  const detected = await fileTypeFromBuffer(content);
  if (detected?.mime === 'application/zip') return officeFromZip(content) ?? { mime: detected.mime, ext: detected.ext };
  if (detected) return { mime: detected.mime, ext: detected.ext };
  const text = decodeText(content);
  if (text === undefined) return { mime: OCTET_STREAM, ext: 'bin' };
  const nameExt = extOf(nameHint ?? '');
  if (nameExt === 'csv' || looksLikeCsv(text.text)) return { mime: 'text/csv', ext: 'csv', charset: text.charset };
  return { mime: 'text/plain', ext: 'txt', charset: text.charset };
}

// Text may hold tab, line feed, form feed and carriage return; any other C0 control (or NUL) means binary.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BINARY_CONTROLS = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/** Text if the bytes are valid UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030, with no binary control characters. */
export function decodeText(content: Buffer): { text: string; charset: NonNullable<Sniffed['charset']> } | undefined {
  if (content.length === 0) return { text: '', charset: 'utf-8' };
  const attempts: [NonNullable<Sniffed['charset']>, Buffer][] = [];
  if (content[0] === 0xff && content[1] === 0xfe) attempts.push(['utf-16le', content.subarray(2)]);
  else if (content[0] === 0xfe && content[1] === 0xff) attempts.push(['utf-16be', content.subarray(2)]);
  else {
    if (content.includes(0)) return undefined;
    attempts.push(['utf-8', content], ['gb18030', content]);
  }
  for (const [charset, bytes] of attempts) {
    try {
      const text = new TextDecoder(charset, { fatal: true, ignoreBOM: false }).decode(bytes);
      if (BINARY_CONTROLS.test(text)) return undefined;
      return { text, charset };
    } catch {
      /* not this encoding */
    }
  }
  return undefined;
}

/** At least two lines, and the first lines (up to 20) all have the same, non-zero number of commas outside quotes. */
export function looksLikeCsv(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '').slice(0, 20);
  if (lines.length < 2) return false;
  const counts = lines.map(commasOutsideQuotes);
  if (counts.some((c) => c === null)) return false;
  return counts[0]! > 0 && counts.every((c) => c === counts[0]);
}

function commasOutsideQuotes(line: string): number | null {
  let quoted = false;
  let n = 0;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) n++;
  }
  // A quote still open at the end of a line: a multi-line field, so the per-line count means nothing.
  return quoted ? null : n;
}

export function extOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1].toLowerCase() : '';
}

// Invisible and direction-changing characters let "exe.pdf" display as "fdp.exe"; control characters break headers and logs.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const MAX_NAME_CHARS = 180;

/**
 * Keeps only the base name (any directories, `..` and drive letters dropped), removes control
 * and bidi characters and characters Windows forbids, trims dots and spaces. Empty → undefined.
 */
export function sanitizeFileName(name: string | null | undefined): string | undefined {
  if (!name) return undefined;
  let n = name.normalize('NFC').replace(UNSAFE_CHARS, '');
  n = n.split(/[\\/]/).pop() ?? '';
  n = n.replace(/[<>:"|?*]/g, '_');
  n = n.replace(/^[\s.]+|[\s.]+$/g, '');
  if (!n) return undefined;
  const chars = [...n];
  if (chars.length > MAX_NAME_CHARS) {
    const ext = extOf(n);
    const keep = MAX_NAME_CHARS - (ext ? ext.length + 1 : 0);
    n = chars.slice(0, keep).join('') + (ext ? `.${ext}` : '');
  }
  return n;
}

const EXT_ALIASES: Record<string, string[]> = { jpg: ['jpg', 'jpeg', 'jpe'], tif: ['tif', 'tiff'], heic: ['heic', 'heif'], mp4: ['mp4', 'm4v'] };

/**
 * The name a download is offered under: the stored name, with the real extension appended when
 * the name claims another type (a PNG called report.pdf downloads as report.pdf.png).
 */
export function downloadName(name: string | null | undefined, sniffed: { mime: string; ext: string }): string {
  const base = sanitizeFileName(name) ?? 'file';
  if (sniffed.mime.startsWith('text/') || sniffed.mime === OCTET_STREAM) return extOf(base) ? base : `${base}.${sniffed.ext}`;
  const own = extOf(base);
  const accepted = EXT_ALIASES[sniffed.ext] ?? [sniffed.ext];
  return accepted.includes(own) ? base : `${base}.${sniffed.ext}`;
}

/** RFC 6266 header with an ASCII fallback and the UTF-8 name (RFC 5987), so Chinese names survive in every browser. */
export function contentDisposition(type: 'inline' | 'attachment', name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Types a browser may show in the page; anything else (XML, office files, archives…) is downloaded. */
export const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp', 'application/pdf', 'text/plain', 'text/csv', 'audio/mpeg', 'audio/mp4', 'audio/x-m4a', 'audio/wav', 'audio/ogg', 'video/mp4']);

/** The upload allow-list when a caller gives none: documents, images, audio, video. Never executables, scripts or markup. */
export const DEFAULT_ALLOWED_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/heif',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/x-cfb', // legacy .doc / .xls / .ppt
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/wav',
  'audio/x-wav',
  'audio/ogg',
  'audio/amr',
  'video/mp4',
  'video/quicktime',
];

/** `allowed` entries are exact types or `type/*`. */
export function isAllowed(mime: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => a === mime || (a.endsWith('/*') && mime.startsWith(a.slice(0, -1))));
}

const OFFICE_PARTS: [string, Sniffed][] = [
  ['xl/workbook.xml', { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' }],
  ['word/document.xml', { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx' }],
  ['ppt/presentation.xml', { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', ext: 'pptx' }],
];

/**
 * An Office Open XML file is a zip. Streaming writers (e.g. exceljs's) put [Content_Types].xml
 * after a large sheet, where content sniffing of the first entries does not reach, so look the
 * main part up in the zip's central directory at the end of the file.
 */
export function officeFromZip(content: Buffer): Sniffed | undefined {
  const names = zipEntryNames(content);
  if (!names.has('[Content_Types].xml')) return undefined;
  return OFFICE_PARTS.find(([part]) => names.has(part))?.[1];
}

/** Entry names from a zip's central directory (empty when there is none to read). */
export function zipEntryNames(buf: Buffer): Set<string> {
  const names = new Set<string>();
  // End of central directory: 22 bytes plus a comment of up to 65,535 bytes, at the very end.
  const stop = Math.max(0, buf.length - 22 - 65_535);
  let eocd = -1;
  for (let i = buf.length - 22; i >= stop; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return names;
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let n = 0; n < count && p + 46 <= buf.length; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) break;
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    names.add(buf.toString('utf8', p + 46, Math.min(buf.length, p + 46 + nameLen)));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}
