// 《过程数据质量对比报告》 as PDF (P11): pdfkit with Noto Sans CJK SC embedded (subset), so Chinese
// renders on any reader. The font is found with fontconfig (`fc-match 'Noto Sans CJK SC'`, Debian's
// fonts-noto-cjk); without it the report refuses with a clear 503 rather than printing empty boxes.
import PDFDocument from 'pdfkit';
import { cjkFonts, registerCjkFonts } from '../../../platform/pdf.js';
import { zonedParts } from '../../../platform/jobs/periods.js';
import { METHOD, type Metric } from './compare.js';
import type { PilotReport } from './service.js';


/** 'YYYY-MM-DD HH:mm' in the tenant's zone. */
function localTime(iso: string, tz: string): string {
  const p = zonedParts(new Date(iso), tz);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

const pct = (v: number | null) => (v === null ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`);

function cell(m: Metric, side: 'pilot' | 'control'): { main: string; sub: string } {
  const s = m[side];
  if (m.kind === 'share') return { main: pct(s.value), sub: s.den !== undefined ? `${s.num}/${s.den}` : '' };
  if (m.kind === 'hours') return { main: s.value === null ? '—' : `${s.value} 小时`, sub: '' };
  return { main: s.value === null ? '—' : String(s.value), sub: '' };
}

function diffText(m: Metric): string {
  if (m.diff === null) return '—';
  const sign = m.diff > 0 ? '+' : '';
  if (m.kind === 'share') return `${sign}${(Math.round(m.diff * 1000) / 10).toFixed(1)} 个百分点`;
  if (m.kind === 'hours') return `${sign}${m.diff} 小时`;
  return `${sign}${m.diff}`;
}

const pText = (p: number) => (p < 0.001 ? 'p<0.001' : `p=${p.toFixed(3)}`);

function significance(m: Metric): string {
  switch (m.verdict) {
    case 'better':
      return `显著更好（${pText(m.test!.pValue)}）`;
    case 'worse':
      return `显著更差（${pText(m.test!.pValue)}）`;
    case 'no_difference':
      return `无显著差异（${pText(m.test!.pValue)}）`;
    case 'insufficient':
      return '样本不足';
    default:
      return m.better === 'lower' ? '不检验（越低越好）' : '不检验（越高越好）';
  }
}

const SECTION_NAMES: Record<Metric['section'], string> = { authenticity: '真实性', timeliness: '及时性', completeness: '完整性' };
const DETECTOR_NAMES: Record<string, string> = { recording_cluster: '录入时间扎堆', backfill_lag: '事后补录', template: '模板化文本' };

/** Renders the report; resolves with the PDF bytes. */
export function renderPilotPdf(r: PilotReport): Promise<Buffer> {
  const f = cjkFonts();
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 50, right: 50 },
    bufferPages: true,
    info: { Title: `过程数据质量对比报告 — ${r.study.name}`, Author: 'Trueline', Subject: 'Process data quality comparison (P11)' },
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

  doc.font('cjk-bold').fontSize(20).fillColor('#000000').text('《过程数据质量对比报告》', { align: 'center' });
  doc.moveDown(0.2);
  doc.font('cjk').fontSize(10).fillColor(grey).text('Process data quality comparison report', { align: 'center' });
  doc.moveDown(0.6);
  doc.font('cjk-bold').fontSize(14).fillColor('#000000').text(r.study.name, { align: 'center' });
  doc.moveDown(0.4);
  doc
    .font('cjk')
    .fontSize(10)
    .fillColor(grey)
    .text(`对比期间：${r.study.periodFrom} 至 ${r.study.periodTo}\u3000\u3000生成时间：${localTime(r.generatedAt, r.timeZone)}\u3000\u3000规则：${r.ruleVersion}`, { align: 'center' });
  doc.moveDown(1.2);

  const heading = (t: string) => {
    doc.x = left;
    doc.font('cjk-bold').fontSize(13).fillColor('#000000').text(t);
    doc.moveDown(0.4);
  };

  heading('一、分组');
  for (const g of [r.groups.pilot, r.groups.control]) {
    doc
      .font('cjk-bold')
      .fontSize(11)
      .fillColor('#000000')
      .text(`${g.label['zh-CN']}：`, { continued: true })
      .font('cjk')
      .text(`${g.teams.map((t) => t.name).join('、')}\u3000（拜访 ${g.stats.visits} 次，销售 ${g.stats.reps} 人，过程动作 ${g.stats.actions} 条）`);
    doc.moveDown(0.3);
  }
  doc.moveDown(0.8);

  heading('二、指标对比（差值 = 试点组 − 对照组）');
  const cols = [
    { title: '指标', w: 175 },
    { title: r.groups.pilot.label['zh-CN'], w: 70 },
    { title: r.groups.control.label['zh-CN'], w: 70 },
    { title: '差值', w: 78 },
    { title: '显著性', w: width - 175 - 70 - 70 - 78 },
  ];
  const rowH = 26;
  let y = doc.y;
  const ensure = (h: number) => {
    if (y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      y = doc.page.margins.top;
    }
  };
  const row = (cells: { main: string; sub?: string }[], opts: { header?: boolean; fill?: string } = {}) => {
    ensure(rowH);
    if (opts.fill) doc.rect(left, y, width, rowH).fill(opts.fill);
    let x = left;
    cells.forEach((c, i) => {
      const w = cols[i].w;
      doc.font(opts.header ? 'cjk-bold' : 'cjk').fontSize(9.5).fillColor('#000000');
      doc.text(c.main, x + 4, y + (c.sub ? 2 : 7), { width: w - 8, lineBreak: false, ellipsis: true });
      if (c.sub) doc.font('cjk').fontSize(7.5).fillColor(grey).text(c.sub, x + 4, y + 15, { width: w - 8, lineBreak: false });
      x += w;
    });
    doc.moveTo(left, y + rowH).lineTo(left + width, y + rowH).lineWidth(0.5).strokeColor('#d9d9d9').stroke();
    y += rowH;
  };
  row(cols.map((c) => ({ main: c.title })), { header: true, fill: '#f0f0f0' });
  let section: Metric['section'] | null = null;
  for (const m of r.metrics) {
    if (m.section !== section) {
      section = m.section;
      ensure(rowH * 2);
      doc.rect(left, y, width, 18).fill('#fafafa');
      doc.font('cjk-bold').fontSize(9.5).fillColor('#1f1f1f').text(SECTION_NAMES[m.section], left + 4, y + 3, { lineBreak: false });
      y += 18;
    }
    row([{ main: m.label['zh-CN'] }, cell(m, 'pilot'), cell(m, 'control'), { main: diffText(m) }, { main: significance(m) }]);
  }
  doc.x = left;
  doc.y = y + 16;
  y = doc.y;

  const detectors = [...new Set([...Object.keys(r.groups.pilot.stats.p8ByDetector), ...Object.keys(r.groups.control.stats.p8ByDetector)])];
  if (detectors.length) {
    ensure(60);
    doc.y = y;
    heading('三、补录/造假批量标记明细');
    for (const d of detectors) {
      doc
        .font('cjk')
        .fontSize(10)
        .fillColor('#000000')
        .text(`${DETECTOR_NAMES[d] ?? d}：${r.groups.pilot.label['zh-CN']} ${r.groups.pilot.stats.p8ByDetector[d] ?? 0} 条，${r.groups.control.label['zh-CN']} ${r.groups.control.stats.p8ByDetector[d] ?? 0} 条`);
    }
    doc.moveDown(1);
  }

  if (doc.y + 60 > doc.page.height - doc.page.margins.bottom) doc.addPage(); // keep the heading with its text
  heading(detectors.length ? '四、方法说明' : '三、方法说明');
  doc.font('cjk').fontSize(9.5).fillColor('#333333');
  for (const line of [
    '真实性：存疑拜访指任一拜访校验（地理围栏、照片、时间等）未通过的拜访；批量标记来自补录/造假识别（录入时间扎堆、事后补录、模板化文本）；盲测真实率 = 确认属实 ÷（已回访 − 无法联系）。',
    '及时性：录入滞后 = 服务器收到时间 − 动作发生时间（负值按 0 计），只计当前有效（未被更正）的动作。',
    '完整性：六个动作为预约发起、现场签到、需求捕捉、方案演示、异议登记、跟进承诺；无缺项占比只计已经过校验的拜访，指有动作且没有缺失的动作与检查清单项；合规占比只计有检查清单的拜访。',
    METHOD['zh-CN'],
  ]) {
    doc.text(line, { width, lineGap: 2 });
    doc.moveDown(0.4);
  }

  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing in the footer area must not add a page
    doc
      .font('cjk')
      .fontSize(8)
      .fillColor(grey)
      .text(`Trueline · 过程数据质量对比报告 · 第 ${i + 1} 页 / 共 ${range.count} 页`, left, doc.page.height - 36, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
