// The engagement module's share of the demo company (C2/C3): service tickets (some complaints,
// some SLA misses), marketing touchpoint paths, and key-contact e-mails, meetings and calls at
// realistic frequencies per customer tier. A deterministic set of customers is planted as at
// risk (ground truth `health.atRisk`): many complaints, SLA misses and a silent key contact, so
// the health portfolio has something true to rank first.
import type { Sql } from '../platform/db/db.js';
import type { DemoCustomer, DemoPattern, RepSlice, Tier } from './generate.js';
import type { DemoWriter } from './modules.js';
import { createRng, type Rng } from './rng.js';

export const AT_RISK_PATTERN = 'health.atRisk';

/** Per customer tier: expected e-mails, meetings, calls per 30 days (the health rule's defaults). */
const EXPECTED30: Record<Tier, [number, number, number]> = { KA: [8, 2, 6], A: [6, 1, 4], B: [4, 0.5, 2], C: [2, 0, 1] };
const SLA_HOURS: Record<string, number> = { critical: 4, high: 8, medium: 24, low: 72 };
const TICKET_TITLES: Record<string, string[]> = {
  complaint: ['交付延期投诉', '售后响应慢', '发票多次开错', '现场工程师态度问题', '备件质量投诉'],
  fault: ['设备报警无法复位', '系统登录异常', '数据同步失败', '传感器读数漂移', '打印模块卡纸'],
  consultation: ['升级方案咨询', '保修范围咨询', '培训安排咨询'],
  request: ['新增账号', '安装预约', '资料补发', '巡检预约'],
  other: ['其他事项'],
};
const TOUCH_PATH: [string, string][] = [
  ['搜索广告', '点击广告'],
  ['官网', '浏览产品页'],
  ['白皮书', '下载白皮书'],
  ['公众号', '阅读推文'],
  ['线上研讨会', '报名并参会'],
  ['邮件营销', '打开邮件'],
  ['展会', '到访展台'],
  ['客户案例日', '参加沙龙'],
];
const CAMPAIGNS = ['2025 智能制造峰会', '春季新品发布', '数字化转型白皮书', '行业客户沙龙', '年中促销', '工博会'];
const ROLES = ['采购经理', '技术总监', '财务总监', '总经理', '设备主管', 'IT 负责人'];
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明', '超'];
const SUBJECTS: Record<string, string[]> = {
  email: ['报价跟进', '方案修订稿', '会议纪要确认', '交付进度同步', '续约条款'],
  meeting: ['季度业务回顾', '技术方案评审', '高层拜会', '续约谈判'],
  call: ['需求确认', '回款提醒', '交付问题沟通', '例行关怀'],
};

const DAY = 86_400_000;

/** Plants the at-risk customers: at least one per rep with a customer in delivery or renewal, ~5% more. */
export const atRiskPattern: DemoPattern = {
  name: AT_RISK_PATTERN,
  apply(slice, ctx) {
    const eligible = slice.customers.filter((c) => c.stage === 'delivery' || c.stage === 'renewal');
    if (!eligible.length) return [];
    const chosen = new Set<string>([ctx.rng.pick(eligible).id]);
    for (const c of eligible) if (ctx.rng.chance(0.05)) chosen.add(c.id);
    return [...chosen].map((id) => ({ pattern: AT_RISK_PATTERN, kind: 'customer', id, detail: { why: 'complaints, SLA misses, silent key contact' } }));
  },
};

function personName(rng: Rng) {
  return SURNAMES[rng.int(0, SURNAMES.length - 1)] + rng.pick(GIVEN) + (rng.chance(0.4) ? rng.pick(GIVEN) : '');
}

/** The slice's notion of "now": the newest moment the generator wrote for it. */
function sliceNow(slice: RepSlice): number {
  let t = 0;
  for (const v of slice.visits) t = Math.max(t, v.occurredAt.getTime(), v.recordedAt.getTime());
  for (const c of slice.customers) t = Math.max(t, c.updatedAt.getTime());
  return t || Date.now();
}

interface Rows {
  tickets: unknown[][];
  touchpoints: unknown[][];
  activities: unknown[][];
}

function ticketsFor(c: DemoCustomer, atRisk: boolean, now: number, rng: Rng, seq: () => string, rows: Rows) {
  const active = c.stage === 'delivery' || c.stage === 'renewal';
  const n = atRisk ? rng.int(6, 9) : active ? rng.weighted([[0, 30], [1, 30], [2, 20], [3, 12], [4, 8]] as const) : rng.chance(0.15) ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const category = atRisk && rng.chance(0.55) ? 'complaint' : rng.weighted([['complaint', 6], ['fault', 44], ['consultation', 25], ['request', 22], ['other', 3]] as const);
    const severity = rng.weighted([['low', 30], ['medium', 45], ['high', 20], ['critical', 5]] as const);
    const opened = new Date(now - rng.float(0.5, 170) * DAY);
    const due = new Date(opened.getTime() + SLA_HOURS[severity] * 3_600_000);
    const meet = rng.chance(atRisk ? 0.3 : 0.9);
    const open = rng.chance(atRisk ? 0.3 : 0.08);
    let closed: Date | null = null;
    if (!open) {
      const hours = meet ? rng.float(0.2, 0.95) * SLA_HOURS[severity] : SLA_HOURS[severity] * rng.float(1.2, 4);
      closed = new Date(Math.min(now, opened.getTime() + hours * 3_600_000));
    }
    const status = closed ? (rng.chance(0.7) ? 'closed' : 'resolved') : rng.chance(0.5) ? 'open' : 'in_progress';
    rows.tickets.push([rng.uuid(), c.id, seq(), rng.pick(TICKET_TITLES[category]), category, severity, status, c.contactName ?? personName(rng), opened, closed, due]);
  }
}

function touchpointsFor(c: DemoCustomer, now: number, rng: Rng, seq: () => string, rows: Rows) {
  if (!rng.chance(0.6)) return;
  const campaign = rng.pick(CAMPAIGNS);
  const steps = rng.int(1, 5);
  let at = now - rng.float(30, 360) * DAY;
  const contact = rng.chance(0.7) ? (c.contactName ?? personName(rng)) : personName(rng);
  let from = rng.int(0, 3);
  for (let i = 0; i < steps && at < now; i++) {
    const [channel, action] = TOUCH_PATH[Math.min(TOUCH_PATH.length - 1, from++)];
    rows.touchpoints.push([rng.uuid(), c.id, seq(), channel, campaign, action, contact, new Date(at)]);
    at += rng.float(1, 20) * DAY;
  }
}

function activitiesFor(c: DemoCustomer, atRisk: boolean, repId: string, now: number, rng: Rng, rows: Rows) {
  if (c.stage === 'churned') return;
  const contacts = Array.from({ length: c.tier === 'KA' ? 3 : c.tier === 'A' ? 2 : 1 }, (_, i) => ({
    name: i === 0 && c.contactName ? c.contactName : personName(rng),
    role: rng.pick(ROLES),
  }));
  // Most customers get 40–110% of the tier's expected frequency; at-risk ones have gone quiet.
  const factor = atRisk ? 0.05 : rng.float(0.4, 1.1);
  (['email', 'meeting', 'call'] as const).forEach((kind, k) => {
    const perDay = (EXPECTED30[c.tier][k] * factor) / 30;
    // 120 days of history: the last 90 count toward the health board.
    const count = Math.round(perDay * 120 * rng.float(0.8, 1.2));
    for (let i = 0; i < count; i++) {
      const who = rng.pick(contacts);
      rows.activities.push([rng.uuid(), c.id, kind, who.name, who.role, rng.pick(SUBJECTS[kind]), new Date(now - rng.float(0.2, 120) * DAY), repId]);
    }
  });
}

async function insertRows(tx: Sql, tenantId: string, table: string, columns: [string, string][], rows: unknown[][]) {
  if (!rows.length) return;
  const params: unknown[] = [tenantId];
  const sel = columns.map(([, type], i) => {
    params.push(rows.map((r) => (r[i] instanceof Date ? (r[i] as Date).toISOString() : r[i] === null || r[i] === undefined ? null : String(r[i]))));
    return `unnest($${i + 2}::text[])::${type}`;
  });
  await tx.query(`insert into ${table} (tenant_id, ${columns.map(([c]) => c).join(', ')}) select $1, ${sel.join(', ')}`, params);
}

export const engagementWriter: DemoWriter = {
  name: 'engagement',
  async writeSlice(tx, tenantId, slice) {
    const rng = createRng(`engagement:${slice.rep.id}`);
    const now = sliceNow(slice);
    const atRisk = new Set(slice.truth.filter((t) => t.pattern === AT_RISK_PATTERN).map((t) => t.id));
    let n = 0;
    let m = 0;
    const ticketNo = () => `KF-${slice.rep.username}-${String(++n).padStart(5, '0')}`;
    const touchId = () => `MA-${slice.rep.username}-${String(++m).padStart(5, '0')}`;
    const rows: Rows = { tickets: [], touchpoints: [], activities: [] };
    for (const c of slice.customers) {
      const risky = atRisk.has(c.id);
      ticketsFor(c, risky, now, rng.fork(`t:${c.id}`), ticketNo, rows);
      touchpointsFor(c, now, rng.fork(`p:${c.id}`), touchId, rows);
      activitiesFor(c, risky, slice.rep.id, now, rng.fork(`a:${c.id}`), rows);
    }
    await insertRows(
      tx,
      tenantId,
      'service_tickets',
      [
        ['id', 'uuid'], ['customer_id', 'uuid'], ['ticket_no', 'text'], ['title', 'text'], ['category', 'text'], ['severity', 'text'], ['status', 'text'],
        ['contact_name', 'text'], ['opened_at', 'timestamptz'], ['closed_at', 'timestamptz'], ['sla_due_at', 'timestamptz'],
      ],
      rows.tickets,
    );
    await insertRows(
      tx,
      tenantId,
      'marketing_touchpoints',
      [['id', 'uuid'], ['customer_id', 'uuid'], ['external_id', 'text'], ['channel', 'text'], ['campaign', 'text'], ['action', 'text'], ['contact_name', 'text'], ['occurred_at', 'timestamptz']],
      rows.touchpoints,
    );
    await insertRows(
      tx,
      tenantId,
      'contact_activities',
      [['id', 'uuid'], ['customer_id', 'uuid'], ['kind', 'text'], ['contact_name', 'text'], ['contact_role', 'text'], ['subject', 'text'], ['occurred_at', 'timestamptz'], ['rep_id', 'uuid']],
      rows.activities,
    );
  },
};
