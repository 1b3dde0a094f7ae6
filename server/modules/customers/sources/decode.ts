// Text encoding of an uploaded CSV (C2). Chinese Excel saves CSV as GBK/GB18030 by default,
// other tools as UTF-8 with or without a byte-order mark. Decision order:
//   1. a byte-order mark (UTF-8, UTF-16 LE/BE) decides;
//   2. NUL bytes in the first 8 KB without a UTF-16 mark → binary, not text;
//   3. bytes that are valid UTF-8 → UTF-8 (GBK text almost never is: its lead bytes 0x81–0xFE
//      followed by 0x40–0xFE rarely form valid UTF-8 sequences);
//   4. bytes that decode as GB18030 (a superset of GBK and GB2312) without a replacement
//      character → GB18030;
//   5. otherwise: unknown encoding (the caller refuses the file).
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'gb18030';

export type Decoded = { ok: true; encoding: Encoding; text: string } | { ok: false; reason: 'binary' | 'unknown_encoding' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeText(buf: Buffer): Decoded {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    try {
      return { ok: true, encoding: 'utf-8-bom', text: utf8.decode(buf.subarray(3)) };
    } catch {
      return { ok: false, reason: 'unknown_encoding' };
    }
  }
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return { ok: true, encoding: 'utf-16le', text: iconv.decode(buf.subarray(2), 'utf-16le') };
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return { ok: true, encoding: 'utf-16be', text: iconv.decode(buf.subarray(2), 'utf-16be') };
  if (buf.subarray(0, 8192).includes(0)) return { ok: false, reason: 'binary' };
  try {
    return { ok: true, encoding: 'utf-8', text: utf8.decode(buf) };
  } catch {
    /* not UTF-8: try GB18030 */
  }
  const text = iconv.decode(buf, 'gb18030');
  if (text.includes('\uFFFD')) return { ok: false, reason: 'unknown_encoding' };
  // Control characters other than tab/CR/LF mean this is not a text file in any encoding.
  for (let i = 0; i < Math.min(text.length, 8192); i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x0b) return { ok: false, reason: 'binary' };
  }
  return { ok: true, encoding: 'gb18030', text };
}
