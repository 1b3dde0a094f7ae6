// PDFs with correct Chinese: Noto Sans CJK SC found through fontconfig (Debian's fonts-noto-cjk),
// embedded as a subset by pdfkit under the names 'cjk' and 'cjk-bold'. Without the font a report
// refuses with a clear 503 rather than printing empty boxes.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Problem, registerMessages } from './http/problem.js';

registerMessages({
  pdf_font_missing: {
    'zh-CN': '服务器缺少中文字体（Noto Sans CJK），无法生成 PDF；请安装 fonts-noto-cjk',
    'en-US': 'The server has no Chinese font (Noto Sans CJK) for the PDF; install fonts-noto-cjk',
  },
});

const fonts: { regular?: string; bold?: string } = {};

function findFont(pattern: string, fallbacks: string[]): string | undefined {
  const candidates: string[] = [];
  try {
    const f = execFileSync('fc-match', ['-f', '%{file}', pattern], { encoding: 'utf8', timeout: 5000 }).trim();
    // fc-match always answers; only a CJK font will do.
    if (/cjk/i.test(f)) candidates.push(f);
  } catch {
    /* no fontconfig: try the Debian paths */
  }
  candidates.push(...fallbacks);
  return candidates.find((f) => fs.existsSync(f));
}

export function cjkFonts(): { regular: string; bold: string } {
  fonts.regular ??= findFont('Noto Sans CJK SC', ['/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc']);
  fonts.bold ??= findFont('Noto Sans CJK SC:bold', ['/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', '/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc']) ?? fonts.regular;
  if (!fonts.regular) throw new Problem(503, 'pdf_font_missing');
  return { regular: fonts.regular, bold: fonts.bold! };
}

/** Registers the fonts as 'cjk' and 'cjk-bold' on a document. */
export function registerCjkFonts(doc: PDFKit.PDFDocument, f = cjkFonts()): void {
  doc.registerFont('cjk', f.regular, 'NotoSansCJKsc-Regular');
  doc.registerFont('cjk-bold', f.bold, f.bold === f.regular ? 'NotoSansCJKsc-Regular' : 'NotoSansCJKsc-Bold');
}
