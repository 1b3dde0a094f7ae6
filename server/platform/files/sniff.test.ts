import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ELF, PNG } from './test-fixtures.js';
import { contentDisposition, downloadName, isAllowed, looksLikeCsv, sanitizeFileName, sniff, zipEntryNames } from './sniff.js';


describe('[X3] file type sniffing', () => {
  it('[X3] the content decides, not the name: a PNG named .pdf is image/png, an ELF named .txt is application/x-elf', async () => {
    expect(await sniff(PNG, 'report.pdf')).toEqual({ mime: 'image/png', ext: 'png' });
    expect(await sniff(ELF, 'notes.txt')).toEqual({ mime: 'application/x-elf', ext: 'elf' });
    expect(await sniff(Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'), 'photo.jpg')).toMatchObject({ mime: 'application/x-msdownload' });
  });

  it('[X3] text is recognised as UTF-8 or GB18030 without NUL bytes; CSV by its shape or name', async () => {
    expect(await sniff(Buffer.from('客户名称,城市,金额\n上海恒瑞,上海,120\n北京远航,"北京, 朝阳",80\n'), 'x.bin')).toEqual({ mime: 'text/csv', ext: 'csv', charset: 'utf-8' });
    expect(await sniff(iconv.encode('客户名称,城市\n上海恒瑞,上海\n', 'gb18030'), null)).toEqual({ mime: 'text/csv', ext: 'csv', charset: 'gb18030' });
    expect(await sniff(Buffer.from('拜访纪要：客户对报价满意。\n下周二再访。'), 'notes')).toEqual({ mime: 'text/plain', ext: 'txt', charset: 'utf-8' });
    expect(await sniff(Buffer.from('单列\n一\n二\n'), 'list.csv')).toMatchObject({ mime: 'text/csv' });
    expect(await sniff(Buffer.from('abc\u0000def'), 'x.csv')).toEqual({ mime: 'application/octet-stream', ext: 'bin' });
    expect(await sniff(Buffer.from([0xff, 0x80, 0x81, 0x20, 0x90]), 'x.txt')).toEqual({ mime: 'application/octet-stream', ext: 'bin' });
    expect(looksLikeCsv('a,b\n1,2,3\n')).toBe(false);
  });

  it('[X3] names: only the base name is kept, control and bidi characters removed', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('/var/lib/trueline/files/x.txt')).toBe('x.txt');
    expect(sanitizeFileName('C:\\Users\\王芳\\报价单.xlsx')).toBe('报价单.xlsx');
    expect(sanitizeFileName('a\u0000b\r\n\u0007c.txt')).toBe('abc.txt');
    expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName('..')).toBeUndefined();
    expect(sanitizeFileName('  .hidden ')).toBe('hidden');
    expect(sanitizeFileName('a"b<c>.txt')).toBe('a_b_c_.txt');
    const long = sanitizeFileName(`${'长'.repeat(300)}.pdf`)!;
    expect([...long]).toHaveLength(180);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('[X3] downloads carry the name RFC 5987-encoded, with the real extension when the name lies', () => {
    expect(contentDisposition('attachment', '华东区月报 (1).pdf')).toBe(
      `attachment; filename="_____ (1).pdf"; filename*=UTF-8''%E5%8D%8E%E4%B8%9C%E5%8C%BA%E6%9C%88%E6%8A%A5%20%281%29.pdf`,
    );
    expect(downloadName('report.pdf', { mime: 'image/png', ext: 'png' })).toBe('report.pdf.png');
    expect(downloadName('photo.JPEG', { mime: 'image/jpeg', ext: 'jpg' })).toBe('photo.JPEG');
    expect(downloadName(null, { mime: 'text/csv', ext: 'csv' })).toBe('file.csv');
  });

  it('[X3] allow-lists take exact types and type/*', () => {
    expect(isAllowed('image/png', ['image/*'])).toBe(true);
    expect(isAllowed('application/pdf', ['image/*', 'text/csv'])).toBe(false);
  });

  it('[X3] [C2] a large XLSX from a streaming writer (content types after the sheet) is still an XLSX, not a zip', async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out });
    const ws = wb.addWorksheet('客户');
    for (let i = 0; i < 100_000; i++) ws.addRow([`客户${i}`, '13900000000']).commit();
    ws.commit();
    await wb.commit();
    expect(await sniff(Buffer.concat(chunks), 'import.xlsx')).toEqual({ mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' });
    // A plain zip stays a zip.
    const zip = Buffer.from('504b0506000000000000000000000000000000000000', 'hex');
    expect(zipEntryNames(zip).size).toBe(0);
  });
});
