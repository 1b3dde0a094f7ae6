// P4: text in photos, read locally by the Debian `tesseract` CLI (packages `tesseract-ocr`,
// `tesseract-ocr-chi-sim`), and matched against the competitor dictionary (config
// `process.competitors`) to tag competitor material (竞品资料). Runs in a background job: the
// upload answered long before. Nothing leaves the machine and nothing is downloaded.
import { spawn } from 'node:child_process';
import sharp from 'sharp';

export const OCR_VERSION = 'ocr/1';
export const COMPETITOR_MATCH_VERSION = 'competitor-match/1';

export type OcrErrorCode = 'not_image' | 'ocr_unavailable' | 'ocr_timeout' | 'ocr_failed';

/** A failed recognition; `message` starts with the code, so storing `message` (visit_media.analysis_error) keeps it. */
export class OcrError extends Error {
  constructor(
    readonly code: OcrErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'OcrError';
  }
}

export interface OcrOptions {
  /** Tesseract language list, default 'chi_sim+eng'. */
  langs?: string;
  /** The process is killed after this long, default 60 s. */
  timeoutMs?: number;
  /** The tesseract executable, default `tesseract` on PATH (Debian: /usr/bin/tesseract). */
  bin?: string;
  /** Pictures are scaled down to this longest side before recognition, default 2400 px. */
  maxSide?: number;
}

export interface OcrResult {
  /** The recognised text, spaces Tesseract puts between Chinese characters removed, blank lines dropped. */
  text: string;
  /** Tesseract's output as it came. */
  raw: string;
  /** Wall time of the whole call (preparing the picture + tesseract). */
  ms: number;
  langs: string;
}

const DEFAULT_LANGS = 'chi_sim+eng';
const DEFAULT_BIN = 'tesseract';
const MAX_OUTPUT = 1 << 20;

/**
 * Reads the text in a photo or screenshot. The picture is turned upright (EXIF orientation),
 * flattened, greyscaled and scaled to ≤ maxSide by sharp, then piped to `tesseract stdin stdout`
 * with one OpenMP thread (OMP_THREAD_LIMIT=1: the server shares two cores). Throws an OcrError:
 * 'not_image' (sharp cannot decode it), 'ocr_unavailable' (no binary or no language data),
 * 'ocr_timeout' (killed after timeoutMs), 'ocr_failed' (tesseract exited with an error).
 */
export async function recognise(buf: Buffer, opts: OcrOptions = {}): Promise<OcrResult> {
  const started = performance.now();
  const langs = opts.langs ?? DEFAULT_LANGS;
  if (!/^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$/.test(langs)) throw new OcrError('ocr_failed', `invalid language list ${JSON.stringify(langs)}`);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const maxSide = opts.maxSide ?? 2400;
  let png: Buffer;
  try {
    png = await sharp(buf, { failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .png({ compressionLevel: 1 })
      .toBuffer();
  } catch (e) {
    throw new OcrError('not_image', e instanceof Error ? e.message : String(e));
  }
  const raw = await runTesseract(opts.bin ?? DEFAULT_BIN, ['stdin', 'stdout', '-l', langs, '--psm', '3'], png, timeoutMs);
  return { text: cleanOcrText(raw), raw, ms: Math.round(performance.now() - started), langs };
}

function runTesseract(bin: string, args: string[], input: Buffer | null, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
    } catch (e) {
      reject(new OcrError('ocr_unavailable', e instanceof Error ? e.message : String(e)));
      return;
    }
    const out: Buffer[] = [];
    let outLen = 0;
    let err = '';
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new OcrError('ocr_timeout', `tesseract did not finish within ${timeoutMs} ms and was killed`)));
    }, timeoutMs);
    child.stdout!.on('data', (d: Buffer) => {
      outLen += d.length;
      if (outLen <= MAX_OUTPUT) out.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (err.length < 4000) err += d.toString('utf8');
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      finish(() => reject(new OcrError(e.code === 'ENOENT' ? 'ocr_unavailable' : 'ocr_failed', e.code === 'ENOENT' ? `${bin} not found (install tesseract-ocr and tesseract-ocr-chi-sim)` : e.message)));
    });
    child.on('close', (code, signal) => {
      if (code === 0) finish(() => resolve(Buffer.concat(out).toString('utf8')));
      else {
        const detail = err.trim().split('\n').slice(-3).join(' ').slice(0, 300);
        const missingData = /Failed loading language|Error opening data file|Could not initialize tesseract/i.test(err);
        finish(() => reject(new OcrError(missingData ? 'ocr_unavailable' : 'ocr_failed', `tesseract exited with ${code ?? signal}: ${detail}`)));
      }
    });
    // tesseract may exit before reading everything (bad arguments): ignore the broken pipe, 'close' reports.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input ?? undefined);
  });
}

export interface OcrAvailability {
  ok: boolean;
  bin: string;
  /** First line of `tesseract --version`, e.g. 'tesseract 5.3.0'. */
  version: string | null;
  langs: string[];
  /** Required languages without data files. */
  missing: string[];
  error?: string;
}

/** For the startup log line: is the binary there, and the chi_sim and eng language data? Never throws. */
export async function ocrAvailable(opts: { bin?: string; langs?: string } = {}): Promise<OcrAvailability> {
  const bin = opts.bin ?? DEFAULT_BIN;
  const need = (opts.langs ?? DEFAULT_LANGS).split('+');
  try {
    const [versionOut, langsOut] = await Promise.all([runCapture(bin, ['--version']), runCapture(bin, ['--list-langs'])]);
    const version = versionOut.split('\n').find((l) => /tesseract/i.test(l))?.trim() ?? null;
    // Tesseract 5 lists languages on stdout after a header line; older versions on stderr.
    const langs = langsOut
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !/^List of available languages/i.test(l));
    const missing = need.filter((l) => !langs.includes(l));
    return { ok: missing.length === 0, bin, version, langs, missing };
  } catch (e) {
    return { ok: false, bin, version: null, langs: [], missing: need, error: e instanceof Error ? e.message : String(e) };
  }
}

function runCapture(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout.on('data', (d: Buffer) => (text += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (text += d.toString('utf8')));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new OcrError('ocr_unavailable', e.code === 'ENOENT' ? `${bin} not found` : e.message));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(text);
      else reject(new OcrError('ocr_unavailable', `${bin} ${args.join(' ')} exited with ${code}`));
    });
  });
}

// ── text normalisation and competitor matching ─────────────────────────────────────────────

const HAN = '\\p{Script=Han}';
/** Chinese characters, CJK punctuation and full-width forms: Tesseract puts spaces between them that mean nothing. */
const CJK = `[${HAN}\\u3000-\\u303f\\uff00-\\uffef]`;
const SPACE_BETWEEN_CJK = new RegExp(`(${CJK})[ \\t\\u00a0\\u3000]+(?=${CJK})`, 'gu');

/** OCR output for storing and showing: no spaces between Chinese characters, trimmed lines, no blank lines. */
export function cleanOcrText(raw: string): string {
  return raw
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(SPACE_BETWEEN_CJK, '$1').replace(/[ \t]+/g, ' ').trim())
    .filter((l) => l && !/^\f+$/.test(l))
    .join('\n');
}

/** Full-width → half-width (NFKC: ＫＩＮＧＤＥＥ → KINGDEE, ideographic space U+3000 → space), lower case. */
export function foldText(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}

const HAS_CJK = new RegExp(HAN, 'u');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface CompetitorTag {
  /** The competitor's name as in the dictionary. */
  name: string;
  /** The dictionary strings (name or aliases, as written there) found in the text. */
  matched: string[];
  /** How many times they were found in all. */
  count: number;
}

/**
 * The competitors whose name or an alias appears in the text (competitor-match/1). Both sides are
 * folded (NFKC full-/half-width, lower case). Terms with Chinese characters are looked for in the
 * text with all whitespace removed (Tesseract splits 金 蝶, a line break may too). Latin terms
 * must stand alone: not preceded or followed by a Latin letter or digit (so 'SAP' is not found in
 * 'sapphire'); spaces inside a Latin term match any run of spaces or none ('Sales force').
 * Returns competitors in dictionary order; empty or whitespace-only terms are ignored.
 */
export function competitorTags(text: string, dictionary: readonly { name: string; aliases?: readonly string[] }[]): CompetitorTag[] {
  const folded = foldText(text ?? '');
  const compact = folded.replace(/\s+/gu, '');
  const spaced = folded.replace(/\s+/gu, ' ');
  const out: CompetitorTag[] = [];
  for (const entry of dictionary ?? []) {
    const matched: string[] = [];
    let count = 0;
    for (const term of [entry.name, ...(entry.aliases ?? [])]) {
      if (typeof term !== 'string' || matched.includes(term)) continue;
      const t = foldText(term).trim();
      if (!t) continue;
      let n = 0;
      if (HAS_CJK.test(t)) {
        const needle = t.replace(/\s+/gu, '');
        for (let i = compact.indexOf(needle); i >= 0; i = compact.indexOf(needle, i + needle.length)) n++;
      } else {
        const pattern = t.split(/\s+/u).map(escapeRe).join('\\s*');
        n = (spaced.match(new RegExp(`(?<![a-z0-9])${pattern}(?![a-z0-9])`, 'gu')) ?? []).length;
      }
      if (n > 0) {
        matched.push(term);
        count += n;
      }
    }
    if (matched.length) out.push({ name: entry.name, matched, count });
  }
  return out;
}
