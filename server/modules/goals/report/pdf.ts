// 《目标穿透健康度报告》 as PDF (G8): pdfkit with Noto Sans CJK SC, found and registered the same
// way as the P11 report (platform/pdf.ts: fontconfig, Debian paths, 503 without it).
import PDFDocument from 'pdfkit';
import { zonedParts } from '../../../platform/jobs/periods.js';
import { cjkFonts, registerCjkFonts } from '../../../platform/pdf.js';
import type { HealthReportData, Rate } from './compute.js';

const pct = (r: Rate) => (r.rate === null ? '—' : `${(Math.round(r.rate * 1000) / 10).toFixed(1)}%`);
const frac = (r: Rate) => `${r.num}/${r.den}`;

function localTime(d: Date, tz: string): string {
  const p = zonedParts(d, tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/** Heat colour from white to deep orange by share of the maximum. */
function heat(count: number, max: number): string {
  if (count <= 0 || max <= 0) return '#ffffff';
  const t = Math.min(1, count / max);
  const from = [255, 247, 230];
  const to = [212, 56, 13];
  const c = from.map((f, i) => Math.round(f + (to[i] - f) * t));
  return `#${c.map((x) => x.toString(16).padStart(2, '0')).join('')}`;
}

export function periodTitle(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return `${y}年${m}月`;
}

/** Renders one report; resolves with the PDF bytes. */
export function renderHealthReportPdf(r: HealthReportData, o: { generatedAt: Date; timeZone: string }): Promise<Buffer> {
  const f = cjkFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 50, right: 50 },
    bufferPages: true,
    info: { Title: `目标穿透健康度报告 — ${r.scope.name} ${r.period}`, Author: 'Trueline', Subject: 'Goal-health report (G8)' },
  });
  registerCjkFonts(doc, f);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const grey = '#666666';
  const bottomLimit = () => doc.page.height - doc.page.margins.bottom;

  doc.font('cjk-bold').fontSize(20).fillColor('#000000').text('《目标穿透健康度报告》', { align: 'center' });
  doc.moveDown(0.2);
  doc.font('cjk').fontSize(10).fillColor(grey).text('Goal-health report', { align: 'center' });
  doc.moveDown(0.6);
  doc.font('cjk-bold').fontSize(14).fillColor('#000000').text(`${r.scope.name} · ${periodTitle(r.period)}`, { align: 'center' });
  doc.moveDown(0.4);
  doc
    .font('cjk')
    .fontSize(10)
    .fillColor(grey)
    .text(`统计月份：${r.period}\u3000\u3000统计周：${r.weeks.join('、') || '—'}\u3000\u3000生成时间：${localTime(o.generatedAt, o.timeZone)}\u3000\u3000口径：${r.rule}`, { align: 'center' });
  doc.moveDown(1.2);

  const heading = (t: string) => {
    if (doc.y + 80 > bottomLimit()) doc.addPage();
    doc.x = left;
    doc.font('cjk-bold').fontSize(13).fillColor('#000000').text(t);
    doc.moveDown(0.4);
  };

  // 一、核心指标 — three boxes.
  heading('一、核心指标');
  const boxes = [
    { title: '指标承接率', value: pct(r.acceptance), sub: `已承接 ${r.acceptance.accepted} / 共 ${r.acceptance.den}（有异议 ${r.acceptance.contested}，待承接 ${r.acceptance.pending}）` },
    { title: '过程动作达标率', value: pct(r.process.overall), sub: `全部过程指标达标 ${frac(r.process.overall)} 人` },
    { title: '资源缺口', value: String(r.heatmap.total), sub: '画布复盘中标注需要的支持资源（条）' },
  ];
  const gap = 10;
  const bw = (width - gap * 2) / 3;
  const by = doc.y;
  boxes.forEach((b, i) => {
    const x = left + i * (bw + gap);
    doc.roundedRect(x, by, bw, 78, 4).lineWidth(0.8).strokeColor('#d9d9d9').stroke();
    doc.font('cjk').fontSize(10).fillColor(grey).text(b.title, x + 8, by + 8, { width: bw - 16, lineBreak: false });
    doc.font('cjk-bold').fontSize(22).fillColor('#1f1f1f').text(b.value, x + 8, by + 24, { width: bw - 16, lineBreak: false });
    doc.font('cjk').fontSize(7.5).fillColor(grey).text(b.sub, x + 8, by + 54, { width: bw - 16, height: 22 });
  });
  doc.x = left;
  doc.y = by + 96;

  // Tables.
  const table = (cols: { title: string; w: number; align?: 'left' | 'right' | 'center' }[], rows: { cells: string[]; fills?: (string | undefined)[] }[], rowH = 22) => {
    let y = doc.y;
    const draw = (cells: string[], header: boolean, fills?: (string | undefined)[]) => {
      if (y + rowH > bottomLimit()) {
        doc.addPage();
        y = doc.page.margins.top;
      }
      if (header) doc.rect(left, y, width, rowH).fill('#f0f0f0');
      let x = left;
      cells.forEach((c, i) => {
        const w = cols[i].w;
        if (fills?.[i]) doc.rect(x, y, w, rowH).fill(fills[i]!);
        doc.font(header ? 'cjk-bold' : 'cjk').fontSize(9).fillColor('#000000');
        doc.text(c, x + 4, y + 6, { width: w - 8, lineBreak: false, ellipsis: true, align: cols[i].align ?? 'left' });
        x += w;
      });
      doc.moveTo(left, y + rowH).lineTo(left + width, y + rowH).lineWidth(0.5).strokeColor('#d9d9d9').stroke();
      y += rowH;
    };
    draw(cols.map((c) => c.title), true);
    for (const row of rows) draw(row.cells, false, row.fills);
    doc.x = left;
    doc.y = y + 14;
  };

  heading('二、过程动作达标率（分指标）');
  if (r.process.byMetric.length) {
    table(
      [
        { title: '过程指标', w: width - 240 },
        { title: '达标人数 / 有目标人数', w: 140, align: 'right' },
        { title: '达标率', w: 100, align: 'right' },
      ],
      r.process.byMetric.map((m) => ({ cells: [m.title['zh-CN'], frac(m), pct(m)] })),
    );
  } else {
    doc.font('cjk').fontSize(10).fillColor(grey).text('本月没有销售个人的过程指标目标。');
    doc.moveDown(1);
  }

  heading('三、资源缺口热力图（区域 × 资源类型）');
  const max = Math.max(0, ...r.heatmap.cells.map((c) => c.count));
  const resW = Math.min(80, (width - 90) / Math.max(1, r.heatmap.resources.length));
  table(
    [{ title: '区域', w: width - resW * r.heatmap.resources.length }, ...r.heatmap.resources.map((res) => ({ title: res, w: resW, align: 'center' as const }))],
    r.heatmap.regions.map((reg) => {
      const counts = r.heatmap.resources.map((res) => r.heatmap.cells.find((c) => c.regionId === reg.id && c.resource === res)?.count ?? 0);
      return { cells: [reg.name, ...counts.map(String)], fills: [undefined, ...counts.map((c) => heat(c, max))] };
    }),
    24,
  );

  heading('四、分团队明细');
  table(
    [
      { title: '团队', w: 130 },
      { title: '区域', w: 90 },
      { title: '指标承接率', w: (width - 220) / 3, align: 'right' },
      { title: '过程动作达标率', w: (width - 220) / 3, align: 'right' },
      { title: '资源缺口（条）', w: (width - 220) / 3, align: 'right' },
    ],
    r.teams.map((t) => ({
      cells: [t.teamName, t.regionName, `${pct(t.acceptance)}（${frac(t.acceptance)}）`, `${pct(t.process)}（${frac(t.process)}）`, String(t.resourceGaps)],
    })),
  );

  heading('五、口径说明');
  doc.font('cjk').fontSize(9.5).fillColor('#333333');
  for (const d of r.definitions) {
    doc.font('cjk-bold').text(`${d.title['zh-CN']}：`, { continued: true, width }).font('cjk').text(d.text['zh-CN'], { width, lineGap: 2 });
    doc.moveDown(0.4);
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('cjk')
      .fontSize(8)
      .fillColor(grey)
      .text(`Trueline · 目标穿透健康度报告 · ${r.scope.name} · ${r.period} · 第 ${i + 1} 页 / 共 ${range.count} 页`, left, doc.page.height - 36, {
        width,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
