// File → header + rows (C2). Format by content: a ZIP container is XLSX (read with exceljs'
// streaming reader, first worksheet), an OLE2 container is the old binary XLS (refused), and
// anything that decodes as text (decode.ts) is CSV with its delimiter guessed from the header
// line (comma, semicolon or tab). Cells come out as strings; formulas are never evaluated:
// an XLSX formula cell, or a CSV cell that starts like one (=, +, -, @ followed by a
// function or reference), is kept as its literal text and reported by the validator.
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { decodeText, type Encoding } from './decode.js';

export type Format = 'csv' | 'xlsx';

export interface ParsedRow {
  /** 1-based row number in the file (the header row is 1). */
  rowNo: number;
  cells: string[];
  /** Column indexes holding a formula (kept as text, never evaluated). */
  formulas?: number[];
}

export interface ParsedFile {
  format: Format;
  encoding: Encoding | 'xlsx';
  headers: string[];
  rows: ParsedRow[];
}

export type ParseFailure = { ok: false; reason: 'binary' | 'unknown_encoding' | 'broken_xlsx' | 'legacy_xls' | 'empty' | 'no_header' };

export function sniffFormat(buf: Buffer): 'xlsx' | 'xls' | 'text' {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return 'xlsx';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'xls';
  return 'text';
}

/** A cell that a spreadsheet would run as a formula (CSV injection), e.g. =SUM(A1), +A1, @cmd. */
export function looksLikeFormula(s: string): boolean {
  return /^[=+\-@]\s*[A-Za-z_$(]/.test(s) && !/^[-+]\s*\d/.test(s);
}

export function guessDelimiter(firstLine: string): string {
  const counts = [',', ';', '\t'].map((d) => ({ d, n: countOutsideQuotes(firstLine, d) }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0].n > 0 ? counts[0].d : ',';
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === d && !quoted) n++;
  }
  return n;
}

export function parseCsvText(text: string): { headers: string[]; rows: ParsedRow[] } | ParseFailure {
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trim()) return { ok: false, reason: 'empty' };
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const records: string[][] = parseCsvSync(body, {
    delimiter: guessDelimiter(firstLine),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    info: false,
  });
  return fromMatrix(records.map((cells, i) => ({ rowNo: i + 1, cells: cells.map((c) => c ?? '') })), true);
}

function fromMatrix(all: ParsedRow[], flagCsvFormulas: boolean): { headers: string[]; rows: ParsedRow[] } | ParseFailure {
  const nonEmpty = all.filter((r) => r.cells.some((c) => c.trim() !== ''));
  if (!nonEmpty.length) return { ok: false, reason: 'empty' };
  const [head, ...rest] = nonEmpty;
  const headers = head.cells.map((h) => h.trim());
  if (!headers.some(Boolean)) return { ok: false, reason: 'no_header' };
  const rows = rest.map((r) => {
    if (!flagCsvFormulas) return r;
    const f = r.cells.flatMap((c, i) => (looksLikeFormula(c) ? [i] : []));
    return f.length ? { ...r, formulas: [...(r.formulas ?? []), ...f] } : r;
  });
  return { headers, rows };
}

function cellText(v: unknown): { text: string; formula: boolean } {
  if (v === null || v === undefined) return { text: '', formula: false };
  if (typeof v === 'string') return { text: v, formula: false };
  if (typeof v === 'number') return { text: String(v), formula: false };
  if (typeof v === 'boolean') return { text: v ? 'TRUE' : 'FALSE', formula: false };
  if (v instanceof Date) {
    const iso = v.toISOString();
    return { text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso, formula: false };
  }
  if (typeof v === 'object') {
    const o = v as Record<string, any>;
    if (typeof o.formula === 'string' || typeof o.sharedFormula === 'string') return { text: `=${o.formula ?? o.sharedFormula}`, formula: true };
    if (Array.isArray(o.richText)) return { text: o.richText.map((t: { text: string }) => t.text).join(''), formula: false };
    if (typeof o.text === 'string') return { text: o.text, formula: false };
    if (o.error) return { text: String(o.error), formula: false };
  }
  return { text: String(v), formula: false };
}

export async function parseXlsx(buf: Buffer): Promise<{ headers: string[]; rows: ParsedRow[] } | ParseFailure> {
  const rows: ParsedRow[] = [];
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buf]), {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'ignore',
      entries: 'ignore',
    });
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = (row.values as unknown[]) ?? [];
        const cells: string[] = [];
        const formulas: number[] = [];
        for (let c = 1; c < values.length; c++) {
          const { text, formula } = cellText(values[c]);
          cells[c - 1] = text;
          if (formula) formulas.push(c - 1);
        }
        for (let i = 0; i < cells.length; i++) cells[i] ??= '';
        rows.push(formulas.length ? { rowNo: row.number, cells, formulas } : { rowNo: row.number, cells });
      }
      break; // first worksheet only
    }
  } catch {
    return { ok: false, reason: 'broken_xlsx' };
  }
  return fromMatrix(rows, false);
}

export async function parseFile(buf: Buffer): Promise<({ ok: true } & ParsedFile) | ParseFailure> {
  if (!buf.length) return { ok: false, reason: 'empty' };
  const kind = sniffFormat(buf);
  if (kind === 'xls') return { ok: false, reason: 'legacy_xls' };
  if (kind === 'xlsx') {
    const r = await parseXlsx(buf);
    return 'ok' in r ? r : { ok: true, format: 'xlsx', encoding: 'xlsx', ...r };
  }
  const d = decodeText(buf);
  if (!d.ok) return d;
  const r = parseCsvText(d.text);
  return 'ok' in r ? r : { ok: true, format: 'csv', encoding: d.encoding, ...r };
}
