// The customer-sources share of the demo company (C2/C5): every customer's fields as reported by
// 2–3 source systems (工商登记, CRM, 客服系统, 市场系统) with their provenance, key profile fields
// (decision chain, budget cycle, technical architecture) entered by the rep at realistic ages —
// some older than the 90-day freshness threshold — and known conflicts planted on a deterministic
// subset of customers (ground truth `sources.conflict`: customer, field and the disagreeing values).
import type { Sql } from '../platform/db/db.js';
import type { DemoCustomer, DemoPattern, RepSlice } from './generate.js';
import type { DemoWriter } from './modules.js';
import { createRng, type Rng } from './rng.js';
import * as store from '../modules/customers/sources/store.js';

export const SOURCES_CONFLICT_PATTERN = 'sources.conflict';
const DAY = 86_400_000;
const CONFLICT_FIELDS = ['name', 'address', 'mobile', 'contactName', 'industry'] as const;
type ConflictField = (typeof CONFLICT_FIELDS)[number];

const DECISION_CHAINS = ['采购经理 → 技术总监 → 总经理', '设备主管提需求，IT 负责人评估，财务总监审批', '项目组评标，董事长拍板', '总部集采，分公司只提需求', '技术部选型，采购部比价，副总签字'];
const BUDGET_CYCLES = ['每年 10 月编制下年预算，次年 3 月下达', '按季度申请，单笔 50 万以上需总部审批', '年初一次性批复，下半年可追加', '项目制预算，立项后 2 个月内采购', '财年 4 月开始，1 月前须完成报价'];
const TECH_ARCH = ['SAP ERP + 自建 MES，私有云部署', '用友 U8 + 钉钉，设备联网率约 40%', '金蝶云星空，正在上 WMS', 'Oracle EBS，计划迁移到国产数据库', '自研系统为主，IT 团队 12 人', '阿里云 + 微服务，数据中台建设中'];
const INDUSTRIES_ALT = ['制造业', '批发零售', '信息技术', '能源化工', '建筑工程', '医药健康'];

/** A value a second system holds that disagrees with the master in a realistic way. */
function disagreeing(field: ConflictField, c: DemoCustomer, rng: Rng): string | null {
  switch (field) {
    case 'name':
      return c.name.endsWith('有限公司') ? c.name.replace(/有限公司$/, '') : `${c.name}有限公司`;
    case 'address':
      return c.address ? c.address.replace(/(\d+)号/, (_, n) => `${Number(n) + rng.int(1, 30)}号`) + (rng.chance(0.5) ? '（新址）' : '') : null;
    case 'mobile':
      return c.mobile ? `1${rng.pick(['36', '38', '58', '86', '39'])}${String(rng.int(0, 99_999_999)).padStart(8, '0')}` : null;
    case 'contactName':
      return c.contactName ? `${c.contactName[0]}${rng.pick(['经理', '总', '工', '主任'])}` : null;
    case 'industry':
      return rng.pick(INDUSTRIES_ALT.filter((i) => i !== c.industry));
  }
}

/** Plants conflicts on ~8% of each rep's customers (at least one per rep with customers). */
export const sourcesConflictPattern: DemoPattern = {
  name: SOURCES_CONFLICT_PATTERN,
  apply(slice, ctx) {
    if (!slice.customers.length) return [];
    const chosen = new Set<string>([ctx.rng.pick(slice.customers).id]);
    for (const c of slice.customers) if (ctx.rng.chance(0.08)) chosen.add(c.id);
    const out = [];
    for (const c of slice.customers) {
      if (!chosen.has(c.id)) continue;
      const fields = CONFLICT_FIELDS.filter((f) => disagreeing(f, c, createRng(`probe/${c.id}/${f}`)) !== null);
      const field = ctx.rng.pick(fields);
      const source = field === 'industry' || field === 'address' ? '市场系统' : '客服系统';
      const other = disagreeing(field, c, ctx.rng)!;
      out.push({ pattern: SOURCES_CONFLICT_PATTERN, kind: 'customer', id: c.id, detail: { field, master: c[field], source, value: other } });
    }
    return out;
  },
};

function sliceNow(slice: RepSlice): number {
  let t = 0;
  for (const v of slice.visits) t = Math.max(t, v.occurredAt.getTime(), v.recordedAt.getTime());
  for (const c of slice.customers) t = Math.max(t, c.updatedAt.getTime());
  return t || Date.now();
}

export const sourcesWriter: DemoWriter = {
  name: 'customer-sources',
  async writeSlice(tx: Sql, tenantId: string, slice: RepSlice) {
    const now = sliceNow(slice);
    const planted = new Map(slice.truth.filter((x) => x.pattern === SOURCES_CONFLICT_PATTERN).map((x) => [x.id, x.detail as { field: ConflictField; source: string; value: string }]));
    const values: store.NewValue[] = [];
    const conflicts: Parameters<typeof store.openConflict>[2][] = [];
    for (const c of slice.customers) {
      const rng = createRng(`sources/${c.id}`);
      const created = c.createdAt.getTime();
      const at = (from: number) => new Date(rng.float(Math.min(from, now - DAY), now));
      const add = (field: string, value: unknown, sourceSystem: string, channel: store.NewValue['channel'], observedAt: Date, importerId: string | null = null) => {
        if (value === null || value === undefined || value === '') return undefined;
        const v: store.NewValue = { id: rng.uuid(), customerId: c.id, field, value, sourceSystem, channel, batchId: null, importerId, observedAt, recordedAt: observedAt };
        values.push(v);
        return v;
      };
      // The CRM's own record (what people typed), then the systems that report on the customer.
      const crmAt = new Date(created);
      for (const f of ['name', 'creditCode', 'mobile', 'contactName', 'industry', 'tier', 'province', 'city', 'address'] as const) {
        add(f, c[f], 'CRM', 'manual', crmAt, c.createdBy);
      }
      if (c.kind === 'org') {
        const t = at(created);
        for (const f of ['name', 'creditCode', 'address', 'province', 'city', 'industry'] as const) add(f, c[f], '工商登记', 'import', t);
      }
      if (rng.chance(0.5)) {
        const t = at(created);
        add('mobile', c.mobile, '客服系统', 'api', t);
        add('contactName', c.contactName, '客服系统', 'api', t);
      }
      if (rng.chance(0.3)) {
        const t = at(created);
        add('industry', c.industry, '市场系统', 'import', t);
        add('city', c.city, '市场系统', 'import', t);
      }
      // Key profile fields, entered by the owner at some visit: ages from a few days to ~7 months.
      for (const [field, pool] of [
        ['decisionChain', DECISION_CHAINS],
        ['budgetCycle', BUDGET_CYCLES],
        ['techArchitecture', TECH_ARCH],
      ] as const) {
        if (!rng.chance(0.7)) continue;
        add(field, rng.pick(pool), '人工确认', 'manual', new Date(now - rng.float(3, 210) * DAY), c.ownerId);
      }
      const p = planted.get(c.id);
      if (p) {
        // After the CRM's own entry (a person's value stands against anything older).
        const t = new Date(Math.max(now - rng.float(1, 40) * DAY, created + 60_000));
        const master = values.find((v) => v.customerId === c.id && v.field === p.field && v.sourceSystem === 'CRM');
        const other = add(p.field, p.value, p.source, p.source === '客服系统' ? 'api' : 'import', t);
        if (master && other) {
          conflicts.push({
            customerId: c.id,
            field: p.field,
            ownerId: c.ownerId,
            teamId: c.teamId,
            regionId: c.regionId,
            candidates: [master, other].map((v) => ({ valueId: v.id, value: v.value, sourceSystem: v.sourceSystem, channel: v.channel, observedAt: v.observedAt })),
          });
        }
      }
    }
    await store.insertValues(tx, tenantId, values);
    for (const k of conflicts) await store.openConflict(tx, tenantId, k);
  },
};
