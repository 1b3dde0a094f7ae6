import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from './decode.js';

const TEXT = '客户名称,统一社会信用代码,地址\n上海恒瑞精密机械有限公司,91310000MA1FL0XX1X,上海市浦东新区世纪大道100号\n';

describe('encoding detection', () => {
  it('[C2] GBK bytes from Chinese Excel are detected as GB18030 and decoded exactly', () => {
    const d = decodeText(iconv.encode(TEXT, 'gbk'));
    expect(d).toEqual({ ok: true, encoding: 'gb18030', text: TEXT });
  });

  it('[C2] GB18030-only characters (outside GBK) decode too', () => {
    const s = '名称\n𠀀科技有限公司\n';
    expect(decodeText(iconv.encode(s, 'gb18030'))).toEqual({ ok: true, encoding: 'gb18030', text: s });
  });

  it('[C2] UTF-8 with and without BOM is UTF-8, never mistaken for GBK', () => {
    expect(decodeText(Buffer.from(TEXT, 'utf8'))).toEqual({ ok: true, encoding: 'utf-8', text: TEXT });
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]);
    expect(decodeText(bom)).toEqual({ ok: true, encoding: 'utf-8-bom', text: TEXT });
  });

  it('[C2] UTF-16 with a byte-order mark is decoded', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(TEXT, 'utf-16le')]);
    expect(decodeText(le)).toMatchObject({ ok: true, encoding: 'utf-16le', text: TEXT });
  });

  it('[C2] binary content and undecodable bytes are refused', () => {
    expect(decodeText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]))).toEqual({ ok: false, reason: 'binary' });
    // 0xFF is not a lead byte in UTF-8 or GB18030.
    expect(decodeText(Buffer.from([0x41, 0xff, 0xff, 0x42]))).toMatchObject({ ok: false });
  });
});
