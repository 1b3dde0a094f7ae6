// CSV and XLSX export (X4). Cells that a spreadsheet would run as a formula (= + - @, tab,
// CR at the start) are neutralised with a leading apostrophe (OWASP "CSV injection").
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Locale } from '../../platform/http/problem.js';

export interface Column {
  key: string;
  'zh-CN': string;
  'en-US': string;
}

export const EXPORT_COLUMNS: Column[] = [
  { key: 'name', 'zh-CN': '客户名称', 'en-US': 'Name' },
  { key: 'kind', 'zh-CN': '类型', 'en-US': 'Kind' },
  { key: 'creditCode', 'zh-CN': '统一社会信用代码', 'en-US': 'Credit code' },
  { key: 'mobile', 'zh-CN': '手机', 'en-US': 'Mobile' },
  { key: 'contactName', 'zh-CN': '联系人', 'en-US': 'Contact' },
  { key: 'industry', 'zh-CN': '行业', 'en-US': 'Industry' },
  { key: 'tier', 'zh-CN': '等级', 'en-US': 'Tier' },
  { key: 'stage', 'zh-CN': '阶段', 'en-US': 'Stage' },
  { key: 'regionName', 'zh-CN': '区域', 'en-US': 'Region' },
  { key: 'teamName', 'zh-CN': '团队', 'en-US': 'Team' },
  { key: 'ownerName', 'zh-CN': '负责人', 'en-US': 'Owner' },
  { key: 'province', 'zh-CN': '省份', 'en-US': 'Province' },
  { key: 'city', 'zh-CN': '城市', 'en-US': 'City' },
  { key: 'address', 'zh-CN': '地址', 'en-US': 'Address' },
  { key: 'tags', 'zh-CN': '标签', 'en-US': 'Tags' },
  { key: 'updatedAt', 'zh-CN': '更新时间', 'en-US': 'Updated' },
];

export function neutralise(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (v instanceof Date) return v.toISOString();
  const s = Array.isArray(v) ? v.join(',') : String(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** Only columns the caller actually received (fields the role may not read are absent). */
function visibleColumns(first: Record<string, unknown> | undefined, cols: Column[]) {
  return first ? cols.filter((c) => c.key in first) : cols;
}

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

type Rows = AsyncIterable<Record<string, unknown>[]>;

/** UTF-8 with BOM so Excel opens Chinese text correctly. Streams. */
export async function toCsv(batches: Rows, cols: Column[], locale: Locale): Promise<Readable> {
  const it = batches[Symbol.asyncIterator]();
  const first = await it.next();
  const firstRows = first.done ? [] : first.value;
  const use = visibleColumns(firstRows[0], cols);
  async function* lines() {
    yield '\ufeff' + use.map((c) => csvCell(c[locale])).join(',') + '\r\n';
    const emit = (rows: Record<string, unknown>[]) => rows.map((r) => use.map((c) => csvCell(neutralise(r[c.key]))).join(',') + '\r\n').join('');
    if (firstRows.length) yield emit(firstRows);
    for (let n = await it.next(); !n.done; n = await it.next()) yield emit(n.value);
  }
  return Readable.from(lines());
}

export async function toXlsx(batches: Rows, cols: Column[], locale: Locale): Promise<Readable> {
  const it = batches[Symbol.asyncIterator]();
  const first = await it.next();
  const firstRows = first.done ? [] : first.value;
  const use = visibleColumns(firstRows[0], cols);
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet(locale === 'zh-CN' ? '客户' : 'Customers');
  ws.columns = use.map((c) => ({ header: c[locale], key: c.key, width: 18 }));
  (async () => {
    const add = (rows: Record<string, unknown>[]) => {
      for (const r of rows) ws.addRow(Object.fromEntries(use.map((c) => [c.key, neutralise(r[c.key])]))).commit();
    };
    add(firstRows);
    for (let n = await it.next(); !n.done; n = await it.next()) add(n.value);
    ws.commit();
    await wb.commit();
  })().catch((e) => out.destroy(e));
  return out;
}
