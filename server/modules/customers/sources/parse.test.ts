import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { guessDelimiter, looksLikeFormula, parseFile } from './parse.js';

describe('CSV and XLSX parsing', () => {
  it('[C2] CSV quoting: quoted commas, doubled quotes and line breaks inside a cell', async () => {
    const csv = '名称,地址,备注\n"恒瑞, 有限公司","上海市""浦东""新区","第一行\n第二行"\n简单公司,北京,\n';
    const r = await parseFile(Buffer.from(csv, 'utf8'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.headers).toEqual(['名称', '地址', '备注']);
    expect(r.rows[0].cells).toEqual(['恒瑞, 有限公司', '上海市"浦东"新区', '第一行\n第二行']);
    expect(r.rows[1].cells).toEqual(['简单公司', '北京', '']);
  });

  it('[C2] semicolon- and tab-separated files are recognised', () => {
    expect(guessDelimiter('名称;地址;电话')).toBe(';');
    expect(guessDelimiter('名称\t地址')).toBe('\t');
    expect(guessDelimiter('"a;b",c')).toBe(',');
  });

  it('[C2] a GBK CSV decodes and parses', async () => {
    const r = await parseFile(iconv.encode('客户名称,城市\n杭州云栖科技有限公司,杭州\n', 'gbk'));
    expect(r).toMatchObject({ ok: true, format: 'csv', encoding: 'gb18030', headers: ['客户名称', '城市'] });
    if (r.ok) expect(r.rows[0].cells).toEqual(['杭州云栖科技有限公司', '杭州']);
  });

  it('[C2] CSV cells that look like formulas are flagged, numbers with signs are not', async () => {
    expect(looksLikeFormula('=SUM(A1:A3)')).toBe(true);
    expect(looksLikeFormula('@cmd')).toBe(true);
    expect(looksLikeFormula('-12.5')).toBe(false);
    expect(looksLikeFormula('+86 138')).toBe(false);
    const r = await parseFile(Buffer.from('名称,备注\nA公司,=HYPERLINK("http://x")\n', 'utf8'));
    if (r.ok) expect(r.rows[0]).toMatchObject({ cells: ['A公司', '=HYPERLINK("http://x")'], formulas: [1] });
  });

  it('[C2] XLSX: header, rows with their sheet row numbers, formulas kept as text', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow(['客户名称', '统一社会信用代码', '员工数']);
    ws.addRow(['恒瑞精密', '91310000MA1FL0XX1X', 120]);
    ws.addRow([]);
    ws.addRow(['云栖科技', { formula: 'A2&"x"', result: '恒瑞精密x' }, 5]);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await parseFile(buf);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.format).toBe('xlsx');
    expect(r.headers).toEqual(['客户名称', '统一社会信用代码', '员工数']);
    expect(r.rows).toEqual([
      { rowNo: 2, cells: ['恒瑞精密', '91310000MA1FL0XX1X', '120'] },
      { rowNo: 4, cells: ['云栖科技', '=A2&"x"', '5'], formulas: [1] },
    ]);
  });

  it('[C2] a broken XLSX, an old binary XLS and an empty file are refused with a reason', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('a').addRow(['x']);
    const good = Buffer.from(await wb.xlsx.writeBuffer());
    expect(await parseFile(good.subarray(0, Math.floor(good.length / 2)))).toEqual({ ok: false, reason: 'broken_xlsx' });
    expect(await parseFile(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]))).toEqual({ ok: false, reason: 'legacy_xls' });
    expect(await parseFile(Buffer.from('\n\n', 'utf8'))).toEqual({ ok: false, reason: 'empty' });
  });
});
