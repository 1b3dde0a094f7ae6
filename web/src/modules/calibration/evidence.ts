// Turns a card item's evidence (the numbers behind it) into short readable lines: known keys get
// a label in the UI language, ISO timestamps become dates, everything else is shown as it is.
import type { Lang } from '../../app/i18n.js';

const LABELS: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  ageDays: { 'zh-CN': '距上次更新（天）', 'en-US': 'Days since last update' },
  staleAfterDays: { 'zh-CN': '过期阈值（天）', 'en-US': 'Stale after (days)' },
  lastObservedAt: { 'zh-CN': '上次更新', 'en-US': 'Last updated' },
  rule: { 'zh-CN': '规则', 'en-US': 'Rule' },
  contract: { 'zh-CN': '合同', 'en-US': 'Contract' },
  promisedDate: { 'zh-CN': '承诺日期', 'en-US': 'Promised date' },
  daysFromNow: { 'zh-CN': '距今（天，负数为已过）', 'en-US': 'Days from now (negative = passed)' },
  contractStatus: { 'zh-CN': '合同状态', 'en-US': 'Contract status' },
  window: { 'zh-CN': '提前窗口（天）', 'en-US': 'Window (days)' },
  sources: { 'zh-CN': '来源数', 'en-US': 'Sources' },
  detectedAt: { 'zh-CN': '发现冲突', 'en-US': 'Conflict found' },
};

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

export function evidenceLines(evidence: Record<string, unknown>, lang: Lang): { label: string; value: string }[] {
  return Object.entries(evidence).map(([k, v]) => ({
    label: LABELS[k]?.[lang] ?? k,
    value: v === null || v === undefined ? '—' : typeof v === 'string' && ISO_TIME.test(v) ? v.slice(0, 10) : typeof v === 'object' ? JSON.stringify(v) : String(v),
  }));
}
