// Customer data from many sources (C2) and its freshness (C5): field values with provenance, the
// golden record written back to the customer master, conflicts and their resolution, the file
// import pipeline (preview → mapping → dry run → commit) and the JSON integration API for every
// registered import target, and the daily freshness reminder job.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { Db, Sql } from '../../../platform/db/db.js';
import type { Deps } from '../../../platform/deps.js';
import { systemCtx, type Ctx } from '../../../platform/context.js';
import { defineAbilityFor, requireAbility, requireRecord, subject, type AppAbility } from '../../../platform/access/abilities.js';
import { accessWhere } from '../../../platform/access/sql.js';
import { maskValue } from '../../../platform/access/mask.js';
import { Problem, registerMessages, translate, versionConflict } from '../../../platform/http/problem.js';
import { describeIssue } from '../../../platform/http/issues.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import { defineConfigKey } from '../../../platform/config/registry.js';
import { periods } from '../../../platform/jobs/periods.js';
import { CUSTOMERS_FRESHNESS } from '../../../platform/config/defaults.js';
import type { JobDefinition } from '../../../platform/jobs/scheduler.js';
import * as org from '../../org/service.js';
import * as visits from '../../process/history.js';
import { checkCreditCode, normaliseMobile } from '../identity.js';
import * as customers from '../service.js';
import * as customerStore from '../store.js';
import type { CustomerRow } from '../store.js';
import { importTarget, importTargets, registerImportTarget, type ImportRow, type ImportSource, type ImportTarget } from '../import-targets.js';
import { registerMergeParticipant } from '../merge-participants.js';
import { registerItemProvider, type ItemCandidate, type ItemProvider } from '../../calibration/providers.js';
import { comparable, isEmpty, pickGolden, PERSON_CHANNELS, type Channel, type FieldValue } from './golden.js';
import { fieldAges, staleBefore } from './freshness.js';
import { missingRequired, suggestMapping } from './mapping.js';
import { parseFile, type ParsedRow } from './parse.js';
import * as store from './store.js';

// ───────────────────────────── fields, rules, messages ─────────────────────────────

/** Customer master fields whose values are kept per source and chosen by the golden rule. */
export const MASTER_FIELDS = ['name', 'creditCode', 'mobile', 'contactName', 'industry', 'tier', 'province', 'city', 'address'] as const;
/** C5 key profile fields: kept only as field values (with provenance), shown with their age. */
export const KEY_PROFILE_FIELDS = ['decisionChain', 'budgetCycle', 'techArchitecture'] as const;
export const TRACKED_FIELDS = [...MASTER_FIELDS, ...KEY_PROFILE_FIELDS] as const;
export type TrackedField = (typeof TRACKED_FIELDS)[number];
type MasterField = (typeof MASTER_FIELDS)[number];
const isMaster = (f: string): f is MasterField => (MASTER_FIELDS as readonly string[]).includes(f);

/** Source system recorded for values a person enters (edits, conflict resolutions). */
export const PERSON_SOURCE = '人工确认';
export const MAX_CELL_CHARS = 10_000;
export const MAX_API_ROWS = 5_000;
const SourceName = z.string().trim().min(1).max(40);

export const SOURCE_TRUST = defineConfigKey({
  key: 'customers.sourceTrust',
  title: { 'zh-CN': '客户字段来源可信度排序', 'en-US': 'Customer field source trust ranking' },
  description: {
    'zh-CN': '多个来源对同一客户字段给出不同取值时，主数据取最可信来源的值（同等可信取最新）；人工确认的值优先。byField 按字段覆盖默认排序。',
    'en-US': 'When sources disagree on a customer field, the master record takes the most trusted source (newest among equals); a value confirmed by a person comes first. byField overrides the default ranking per field.',
  },
  schema: z
    .object({
      default: z.array(SourceName).max(30),
      byField: z.partialRecord(z.enum(TRACKED_FIELDS), z.array(SourceName).max(30)),
    })
    .strict(),
  default: {
    default: ['CRM', '工商登记', '客服系统', '市场系统'],
    byField: {
      name: ['工商登记', 'CRM', '客服系统', '市场系统'],
      creditCode: ['工商登记', 'CRM', '客服系统', '市场系统'],
      address: ['工商登记', 'CRM', '客服系统', '市场系统'],
      province: ['工商登记', 'CRM', '客服系统', '市场系统'],
      city: ['工商登记', 'CRM', '客服系统', '市场系统'],
      industry: ['工商登记', '市场系统', 'CRM', '客服系统'],
      mobile: ['CRM', '客服系统', '市场系统', '工商登记'],
      contactName: ['CRM', '客服系统', '市场系统', '工商登记'],
    },
  },
  dualSignoff: false,
});

/** Fields and days: the platform's `customers.freshness` rule (X2 defaults). How to remind: below. */
export const FRESHNESS = CUSTOMERS_FRESHNESS;

export const FRESHNESS_REMINDERS = defineConfigKey({
  key: 'customers.freshnessReminders',
  title: { 'zh-CN': '客户信息保鲜提醒方式', 'en-US': 'Customer freshness reminders' },
  description: {
    'zh-CN': '关键字段过期时每日任务提醒最近拜访该客户的销售（无拜访则提醒负责人）：每个字段每个周期（周/月）只提醒一次；除站内信外可发邮件或群机器人。',
    'en-US': 'When a key field is stale, a daily job reminds the rep who last visited the customer (or its owner) once per field per period (week/month), in the inbox and optionally by e-mail or group robots.',
  },
  schema: z.object({ remindEvery: z.enum(['week', 'month']), email: z.boolean(), channelIds: z.array(z.uuid()).max(10) }).strict(),
  default: { remindEvery: 'month', email: false, channelIds: [] },
  dualSignoff: false,
});

registerMessages({
  import_binary: { 'zh-CN': '文件不是文本或 XLSX 表格（看起来是二进制文件）', 'en-US': 'The file is neither text nor an XLSX workbook (it looks binary)' },
  import_unknown_encoding: {
    'zh-CN': '无法识别文件编码：请另存为 UTF-8 或 GBK/GB18030 编码的 CSV，或 XLSX',
    'en-US': 'Unknown text encoding: save the file as CSV in UTF-8 or GBK/GB18030, or as XLSX',
  },
  import_broken_xlsx: { 'zh-CN': 'XLSX 文件已损坏或不完整，无法读取', 'en-US': 'The XLSX file is damaged or incomplete and cannot be read' },
  import_legacy_xls: { 'zh-CN': '不支持旧版 .xls 格式：请在 Excel 中另存为 .xlsx 或 CSV', 'en-US': 'The old .xls format is not supported: save as .xlsx or CSV in Excel' },
  import_empty: { 'zh-CN': '文件没有数据', 'en-US': 'The file holds no data' },
  import_no_header: { 'zh-CN': '第一行应为列标题', 'en-US': 'The first row must hold the column headers' },
  import_missing_columns: { 'zh-CN': '缺少必需的列：{columns}', 'en-US': 'Required columns are missing: {columns}' },
  import_unknown_target: { 'zh-CN': '未知的导入类型：{kind}', 'en-US': 'Unknown import target: {kind}' },
  import_bad_mapping: { 'zh-CN': '列映射无效：{detail}', 'en-US': 'Invalid column mapping: {detail}' },
  import_has_errors: {
    'zh-CN': '{count} 行有错误，未导入任何数据；修正后重试，或确认只导入无误的行',
    'en-US': '{count} rows have errors and nothing was imported; fix them, or confirm importing only the valid rows',
  },
  import_no_valid_rows: { 'zh-CN': '没有可导入的有效行', 'en-US': 'There are no valid rows to import' },
  integration_has_errors: { 'zh-CN': '{count} 行有错误，未写入任何数据', 'en-US': '{count} rows have errors; nothing was written' },
  integration_too_many_rows: { 'zh-CN': '一次最多提交 {max} 行', 'en-US': 'At most {max} rows per request' },
  idempotency_key_reused: {
    'zh-CN': '该幂等键已用于另一类数据（{kind}）',
    'en-US': 'This idempotency key was already used for another kind of data ({kind})',
  },
  conflict_not_open: { 'zh-CN': '该字段当前没有待处理的冲突', 'en-US': 'This field has no open conflict' },
  unknown_field: { 'zh-CN': '未知字段：{field}', 'en-US': 'Unknown field: {field}' },
  forbidden_field_write: { 'zh-CN': '你无权修改字段“{field}”', 'en-US': 'You may not change the field "{field}"' },
  freshness_reminder_title: { 'zh-CN': '客户信息待更新：{customer} 的{field}', 'en-US': 'Customer information to refresh: {field} of {customer}' },
  freshness_reminder_body: {
    'zh-CN': '{customer} 的“{field}”已 {days} 天未更新（上次 {last}）。请在下次联系时确认并更新。',
    'en-US': '"{field}" of {customer} has not been updated for {days} days (last {last}). Please confirm and update it at your next contact.',
  },
});

const FIELD_LABELS: Record<TrackedField, { 'zh-CN': string; 'en-US': string }> = {
  name: { 'zh-CN': '客户名称', 'en-US': 'Name' },
  creditCode: { 'zh-CN': '统一社会信用代码', 'en-US': 'Credit code' },
  mobile: { 'zh-CN': '手机号', 'en-US': 'Mobile' },
  contactName: { 'zh-CN': '联系人', 'en-US': 'Contact' },
  industry: { 'zh-CN': '行业', 'en-US': 'Industry' },
  tier: { 'zh-CN': '客户等级', 'en-US': 'Tier' },
  province: { 'zh-CN': '省份', 'en-US': 'Province' },
  city: { 'zh-CN': '城市', 'en-US': 'City' },
  address: { 'zh-CN': '地址', 'en-US': 'Address' },
  decisionChain: { 'zh-CN': '决策链', 'en-US': 'Decision chain' },
  budgetCycle: { 'zh-CN': '预算周期', 'en-US': 'Budget cycle' },
  techArchitecture: { 'zh-CN': '技术架构', 'en-US': 'Technical architecture' },
};

/** Row-level error messages of the dry-run report (both languages travel with each error). */
const ROW_MESSAGES: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  cell_too_long: { 'zh-CN': '单元格超过 {max} 个字符（{length}），已拒绝', 'en-US': 'The cell exceeds {max} characters ({length}) and is refused' },
  formula: {
    'zh-CN': '单元格是公式（{text}）；公式按数据处理、不会被计算，请改为粘贴数值',
    'en-US': 'The cell is a formula ({text}); formulas are data and are not evaluated: paste the values instead',
  },
  required: { 'zh-CN': '必填项“{column}”为空', 'en-US': 'The required column "{column}" is empty' },
  credit_code_length: { 'zh-CN': '统一社会信用代码无效：应为 18 位', 'en-US': 'Invalid credit code: must be 18 characters' },
  credit_code_charset: {
    'zh-CN': '统一社会信用代码无效：含有不允许的字符（不含 I、O、Z、S、V）',
    'en-US': 'Invalid credit code: characters outside the allowed set (no I, O, Z, S, V)',
  },
  credit_code_check_char: { 'zh-CN': '统一社会信用代码无效：校验位不正确（GB 32100-2015）', 'en-US': 'Invalid credit code: wrong check character (GB 32100-2015)' },
  invalid_mobile: { 'zh-CN': '手机号无效：需为中国大陆 11 位手机号', 'en-US': 'Invalid mobile: a mainland China 11-digit number is required' },
  needs_key: {
    'zh-CN': '企业客户需要统一社会信用代码，个人客户需要手机号',
    'en-US': 'An organisation needs its credit code, an individual a mobile number',
  },
  invalid_value: { 'zh-CN': '取值无效：{detail}', 'en-US': 'Invalid value: {detail}' },
  unknown_customer: {
    'zh-CN': '找不到客户（{key}），或你无权访问该客户',
    'en-US': 'No customer found for {key}, or you may not access it',
  },
  out_of_scope: { 'zh-CN': '客户（{key}）已存在，但不在你的权限范围内', 'en-US': 'The customer ({key}) exists but is outside your scope' },
  forbidden_field: { 'zh-CN': '你无权写入字段“{column}”', 'en-US': 'You may not write the field "{column}"' },
  no_owner: {
    'zh-CN': '新客户需要负责人：请填写负责人列或选择默认负责人',
    'en-US': 'A new customer needs an owner: fill the owner column or choose a default owner',
  },
  unknown_owner: { 'zh-CN': '负责人不存在或不是销售人员', 'en-US': 'The owner does not exist or is not a sales user' },
};

export interface RowError {
  rowNo: number;
  column: string | null;
  code: string;
  message: { 'zh-CN': string; 'en-US': string };
}

function rowError(rowNo: number, column: string | null, code: string, params: Record<string, unknown> = {}): RowError {
  const m = ROW_MESSAGES[code];
  const fill = (s: string) => s.replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ''));
  return { rowNo, column, code, message: { 'zh-CN': fill(m['zh-CN']), 'en-US': fill(m['en-US']) } };
}

/** A Db whose transaction() runs inside an already open transaction (so other services' use cases join ours). */
function joinTx(tx: Sql, kind: Db['kind']): Db {
  return { kind, query: (t, p) => tx.query(t, p), transaction: (fn) => fn(tx), close: async () => undefined };
}

const customerScope = (r: CustomerRow) => ({ id: r.id, ownerId: r.owner_id, teamId: r.team_id, regionId: r.region_id });

// ───────────────────────────── the customers import target ─────────────────────────────

const KIND_WORDS: Record<string, 'org' | 'person'> = { org: 'org', person: 'person', 企业: 'org', 组织: 'org', 公司: 'org', 单位: 'org', 个人: 'person', 自然人: 'person' };
const str = (max: number) => z.string().trim().max(max).optional();

const CustomerImportRow = z
  .object({
    kind: z.preprocess((v) => (typeof v === 'string' ? (KIND_WORDS[v.trim().toLowerCase()] ?? v) : v), z.enum(['org', 'person'])).optional(),
    name: str(200),
    creditCode: str(40),
    mobile: str(30),
    contactName: str(50),
    industry: str(50),
    tier: z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(['KA', 'A', 'B', 'C'])).optional(),
    province: str(30),
    city: str(30),
    address: str(300),
    decisionChain: str(2000),
    budgetCycle: str(200),
    techArchitecture: str(2000),
    ownerId: z.uuid().optional(),
  })
  .strict();
export type CustomerImportRow = z.infer<typeof CustomerImportRow>;

const col = (key: string, zh: string, en: string, required: boolean, aliases: string[]) => ({ key, label: { 'zh-CN': zh, 'en-US': en }, required, aliases });

export const CUSTOMER_COLUMNS = [
  col('name', '客户名称', 'Name', true, ['企业名称', '公司名称', '单位名称', '名称', '客户', 'company', 'company name', 'customer', 'customer name']),
  col('creditCode', '统一社会信用代码', 'Credit code', false, ['信用代码', '社会信用代码', '统一代码', 'uscc', 'credit code', 'unified social credit code']),
  col('kind', '客户类型', 'Kind', false, ['类型', '企业/个人', 'type', 'customer type']),
  col('mobile', '手机号', 'Mobile', false, ['手机', '手机号码', '联系电话', '电话', '联系人电话', 'phone', 'mobile phone', 'tel']),
  col('contactName', '联系人', 'Contact', false, ['联系人姓名', '法定代表人', '负责人姓名', 'contact', 'contact person']),
  col('industry', '行业', 'Industry', false, ['所属行业', '行业分类', 'sector']),
  col('tier', '客户等级', 'Tier', false, ['等级', '级别', 'level', 'grade']),
  col('province', '省份', 'Province', false, ['省', '所在省份', 'state']),
  col('city', '城市', 'City', false, ['市', '所在城市', '地市']),
  col('address', '地址', 'Address', false, ['注册地址', '详细地址', '住所', '经营地址', 'registered address']),
  col('decisionChain', '决策链', 'Decision chain', false, ['决策人', '决策流程', 'decision makers']),
  col('budgetCycle', '预算周期', 'Budget cycle', false, ['预算', '预算时间', 'budget']),
  col('techArchitecture', '技术架构', 'Technical architecture', false, ['技术栈', '系统架构', 'tech stack', 'architecture']),
  col('ownerId', '负责人ID', 'Owner id', false, ['负责人编号', 'owner', 'owner id']),
] as const;

/** Pipeline columns identifying the customer of a row, for targets that attach to a customer. */
const CUSTOMER_KEY_COLUMNS = [
  col('customerCreditCode', '客户统一社会信用代码', 'Customer credit code', false, ['统一社会信用代码', '信用代码', '客户信用代码', 'credit code', 'uscc']),
  col('customerMobile', '客户手机号', 'Customer mobile', false, ['客户手机', '手机号', '手机', 'customer mobile', 'mobile']),
];

/** Values each row carries for the golden rule, keyed by tracked field. */
function valuesOfRow(row: CustomerImportRow): { field: TrackedField; value: unknown }[] {
  return TRACKED_FIELDS.filter((f) => row[f] !== undefined && row[f] !== '').map((f) => ({ field: f, value: row[f] }));
}

interface SourceWithRules extends ImportSource {
  importerId?: string | null;
  rules?: Rules;
  note?: string | null;
}

function customersTarget(): ImportTarget<CustomerImportRow> {
  return {
    kind: 'customers',
    label: { 'zh-CN': '客户主数据（工商登记等）', 'en-US': 'Customer master data (business registration …)' },
    resource: 'Customer',
    columns: CUSTOMER_COLUMNS,
    schema: CustomerImportRow,
    resolvesCustomer: false,
    async apply(tx, ctx, rows, source) {
      const src = source as SourceWithRules;
      const rules = src.rules ?? DEFAULT_RULES;
      const kind = (tx as Partial<Db>).kind ?? 'postgres';
      let created = 0;
      let updated = 0;
      let unchanged = 0;
      // Customers created by earlier rows of this batch (a file may name a customer twice).
      const madeHere = new Map<string, string>();
      for (const r of rows) {
        const key = r.data.creditCode ?? r.data.mobile ?? '';
        const id = r.customerId ?? madeHere.get(key);
        const current = id ? await customerStore.customerById(tx, ctx.actor.tenantId, id) : undefined;
        if (!current) {
          // New: the customer service applies the create rules again and audits the creation.
          const { ownerId, kind: k, decisionChain: _d, budgetCycle: _b, techArchitecture: _t, ...master } = r.data;
          const input = Object.fromEntries(Object.entries({ ...master, kind: k ?? (r.data.creditCode ? 'org' : 'person'), ownerId }).filter(([, v]) => v !== undefined));
          const made = await customers.createCustomer(joinTx(tx, kind), ctx, input as customers.CustomerInput);
          madeHere.set(key, made.id);
          created++;
          const row = { id: made.id, owner_id: made.ownerId ?? null, team_id: made.teamId ?? null, region_id: made.regionId ?? null, version: made.version ?? 1 } as CustomerRow;
          await recordValues(tx, kind, ctx, row, valuesOfRow(r.data), valueSource(src), rules, { baseline: false, isNew: true });
          continue;
        }
        const res = await recordValues(tx, kind, ctx, current, valuesOfRow(r.data), valueSource(src), rules);
        if (res.inserted) updated++;
        else unchanged++;
      }
      return { created, updated, unchanged };
    },
  };
}

async function findByKey(db: Sql, tenantId: string, d: { creditCode?: string; mobile?: string; kind?: string }) {
  if (d.creditCode) return customerStore.customerByCreditCode(db, tenantId, d.creditCode);
  if (d.mobile && (d.kind ?? 'person') === 'person') return customerStore.personByMobile(db, tenantId, d.mobile);
  return undefined;
}

// ───────────────────────────── provenance and golden record ─────────────────────────────

export interface Rules {
  trust: { default: string[]; byField: Partial<Record<string, string[]>> };
  trustVersion: number;
}
const DEFAULT_RULES: Rules = { trust: SOURCE_TRUST.default as Rules['trust'], trustVersion: 0 };

/** Last rules read per tenant, for writers that run inside another module's transaction (calibration). */
const rulesSeen = new Map<string, Rules>();

async function loadRules(deps: Pick<Deps, 'config'>, tenantId: string): Promise<Rules> {
  const v = await deps.config.get(tenantId, SOURCE_TRUST);
  const rules = { trust: v.value as Rules['trust'], trustVersion: v.version };
  rulesSeen.set(tenantId, rules);
  return rules;
}

const rankingFor = (rules: Rules, field: string) => rules.trust.byField[field] ?? rules.trust.default;

interface ValueSource {
  system: string;
  channel: Channel;
  batchId: string | null;
  importerId: string | null;
  observedAt: Date;
  note?: string | null;
}

function valueSource(s: SourceWithRules): ValueSource {
  return { system: s.system, channel: s.channel, batchId: s.batchId, importerId: s.importerId ?? null, observedAt: s.receivedAt, note: s.note ?? null };
}

const toFieldValue = (r: store.ValueRow): FieldValue => ({
  id: r.id,
  sourceSystem: r.source_system,
  channel: r.channel,
  value: r.value,
  observedAt: new Date(r.observed_at),
  recordedAt: new Date(r.recorded_at),
});

const masterValue = (row: CustomerRow, f: MasterField): unknown => (customers.toRecord(row) as Record<string, unknown>)[f];

/**
 * Records a source's values for one customer: a value equal to that source's latest one is not
 * recorded again; then every touched field's golden value is recomputed, conflicts opened or
 * closed, and master fields that changed are written through the customer service.
 */
async function recordValues(
  tx: Sql,
  kind: Db['kind'],
  ctx: Ctx,
  customer: CustomerRow,
  entries: { field: TrackedField; value: unknown }[],
  src: ValueSource,
  rules: Rules,
  opts: { baseline?: boolean; isNew?: boolean } = {},
): Promise<{ inserted: number; masterChanged: string[]; conflicts: string[] }> {
  const tenantId = ctx.actor.tenantId;
  if (!entries.length) return { inserted: 0, masterChanged: [], conflicts: [] };
  const fields = [...new Set(entries.map((e) => e.field))];
  const existing = opts.isNew ? [] : await store.valuesOf(tx, tenantId, customer.id, fields);
  const person = PERSON_CHANNELS.includes(src.channel);
  const now = new Date();
  const fresh: store.NewValue[] = [];
  for (const e of entries) {
    if (!person) {
      const latest = existing.find((x) => x.field === e.field && x.source_system === src.system);
      if (latest && comparable(latest.value) === comparable(e.value)) continue;
    }
    fresh.push({
      id: crypto.randomUUID(),
      customerId: customer.id,
      field: e.field,
      value: e.value ?? null,
      sourceSystem: src.system,
      channel: src.channel,
      batchId: src.batchId,
      importerId: src.importerId,
      note: src.note ?? null,
      observedAt: src.observedAt,
      recordedAt: now,
    });
  }
  if (!fresh.length) return { inserted: 0, masterChanged: [], conflicts: [] };
  // The master record's own value takes part as the CRM's value entered by people: when it has no
  // recorded value yet, or was edited since the last golden choice, record it first.
  if (opts.baseline !== false) {
    for (const field of new Set(fresh.map((f) => f.field))) {
      if (!isMaster(field)) continue;
      const m = masterValue(customer, field);
      if (isEmpty(m)) continue;
      const prior = existing.filter((x) => x.field === field);
      const g = prior.length ? pickGolden(prior.map(toFieldValue), rankingFor(rules, field)) : null;
      if (g?.chosen && comparable(g.chosen.value) === comparable(m)) continue;
      const base = {
        id: crypto.randomUUID(),
        customerId: customer.id,
        field,
        value: m,
        sourceSystem: 'CRM',
        channel: 'manual' as const,
        batchId: null,
        importerId: null,
        note: '主数据原值 / master record value',
        observedAt: new Date(customer.updated_at),
        recordedAt: new Date(now.getTime() - 1),
      };
      await store.insertValues(tx, tenantId, [base]);
      existing.push({
        id: base.id,
        customer_id: base.customerId,
        field,
        value: m,
        source_system: base.sourceSystem,
        channel: base.channel,
        batch_id: null,
        importer_id: null,
        note: base.note,
        observed_at: base.observedAt,
        recorded_at: base.recordedAt,
      });
    }
  }
  await store.insertValues(tx, tenantId, fresh);
  const all = [
    ...existing.map(toFieldValue),
    ...fresh.map((f) => ({ id: f.id, sourceSystem: f.sourceSystem, channel: f.channel, value: f.value, observedAt: f.observedAt, recordedAt: f.recordedAt })),
  ];
  const fieldOf = new Map<string, string>([...existing.map((x) => [x.id, x.field] as const), ...fresh.map((x) => [x.id, x.field] as const)]);
  const openConflicts = new Set(opts.isNew ? [] : (await store.conflictsOf(tx, tenantId, customer.id)).filter((c) => c.status === 'open').map((c) => c.field));
  const patch: Record<string, unknown> = {};
  const conflicts: string[] = [];
  for (const field of new Set(fresh.map((f) => f.field))) {
    const g = pickGolden(
      all.filter((v) => fieldOf.get(v.id) === field),
      rankingFor(rules, field),
    );
    if (g.conflict) {
      conflicts.push(field);
      await store.openConflict(tx, tenantId, {
        customerId: customer.id,
        field,
        ownerId: customer.owner_id,
        teamId: customer.team_id,
        regionId: customer.region_id,
        candidates: g.candidates.map((c) => ({ valueId: c.id, value: c.value, sourceSystem: c.sourceSystem, channel: c.channel, observedAt: c.observedAt })),
      });
    } else if (openConflicts.has(field)) {
      await store.closeConflict(tx, tenantId, customer.id, field, {
        by: person ? ctx.actor.userId : null,
        note: src.note ?? (person ? '' : '来源已一致 / sources agree'),
        value: g.chosen?.value ?? null,
      });
    }
    if (!opts.isNew && isMaster(field) && g.chosen && !isEmpty(g.chosen.value) && comparable(g.chosen.value) !== comparable(masterValue(customer, field))) {
      patch[field] = g.chosen.value;
    }
  }
  if (Object.keys(patch).length) {
    await customers.updateCustomer(joinTx(tx, kind), { ...systemCtx(tenantId, ctx.requestId), locale: ctx.locale }, customer.id, customer.version, patch as customers.CustomerInput);
  }
  return { inserted: fresh.length, masterChanged: Object.keys(patch), conflicts };
}

// ───────────────────────────── import pipeline ─────────────────────────────

type Mapping = Record<string, string>;

export interface ImportOptions {
  sha256: string;
  target: string;
  mapping?: Mapping;
  sourceSystem: string;
  defaultOwnerId?: string;
  allowPartial?: boolean;
}

function targetOrThrow(kind: string): ImportTarget {
  const t = importTarget(kind);
  if (!t) throw new Problem(404, 'import_unknown_target', { kind });
  return t;
}

/** The columns a mapping may use: the target's own, plus the customer key for targets that attach to a customer. */
function columnsOf(t: ImportTarget) {
  return t.resolvesCustomer ? [...t.columns, ...CUSTOMER_KEY_COLUMNS.filter((c) => !t.columns.some((x) => x.key === c.key))] : [...t.columns];
}

export function listTargets(ctx: Ctx) {
  const ability = defineAbilityFor(ctx.actor);
  return {
    items: importTargets().map((t) => ({
      kind: t.kind,
      label: t.label,
      allowed: ability.can('create', t.resource),
      resolvesCustomer: t.resolvesCustomer,
      columns: columnsOf(t).map((c) => ({ key: c.key, label: c.label, required: c.required })),
    })),
  };
}

async function loadFile(deps: Deps, ctx: Ctx, sha256: string) {
  const { meta, buffer } = await deps.files.read(ctx, sha256);
  const parsed = await parseFile(buffer);
  if (!parsed.ok) throw new Problem(422, `import_${parsed.reason}`, {}, { reason: parsed.reason });
  return { meta, parsed };
}

export async function previewImport(deps: Deps, ctx: Ctx, sha256: string, kind?: string) {
  const { meta, parsed } = await loadFile(deps, ctx, sha256);
  const targets = kind ? [targetOrThrow(kind)] : importTargets();
  const suggestions = targets.map((t) => {
    const mapping = suggestMapping(parsed.headers, columnsOf(t));
    return { target: t.kind, mapping: Object.fromEntries(Object.entries(mapping).map(([i, k]) => [String(i), k])), score: Object.keys(mapping).length };
  });
  suggestions.sort((a, b) => b.score - a.score);
  return {
    sha256: meta.sha256,
    fileName: meta.originalName,
    format: parsed.format,
    encoding: parsed.encoding,
    headers: parsed.headers,
    totalRows: parsed.rows.length,
    rows: parsed.rows.slice(0, 20).map((r) => ({ rowNo: r.rowNo, cells: r.cells.map((c) => (c.length > 200 ? c.slice(0, 200) + '…' : c)) })),
    suggestions,
  };
}

interface Prepared {
  valid: ImportRow<Record<string, unknown>>[];
  errors: RowError[];
  errorRows: number;
  total: number;
}

/** Checks the mapping against the target's columns; missing required columns refuse the whole file. */
function checkMapping(t: ImportTarget, headers: readonly string[] | null, mapping: Mapping) {
  const cols = columnsOf(t);
  const known = new Set(cols.map((c) => c.key));
  const seen = new Set<string>();
  for (const [idx, key] of Object.entries(mapping)) {
    if (!known.has(key)) throw new Problem(400, 'import_bad_mapping', { detail: key });
    if (headers && (!/^\d+$/.test(idx) || Number(idx) >= headers.length)) throw new Problem(400, 'import_bad_mapping', { detail: idx });
    if (seen.has(key)) throw new Problem(400, 'import_bad_mapping', { detail: `${key} ×2` });
    seen.add(key);
  }
  const missing = missingRequired(Object.fromEntries(Object.entries(mapping).map(([i, k]) => [Number(i), k])), cols);
  if (t.kind === 'customers' && !seen.has('creditCode') && !seen.has('mobile')) missing.push('creditCode / mobile');
  if (t.resolvesCustomer && !seen.has('customerCreditCode') && !seen.has('customerMobile')) missing.push('customerCreditCode / customerMobile');
  if (missing.length) {
    const label = (k: string) => cols.find((c) => c.key === k)?.label['zh-CN'] ?? k;
    throw new Problem(422, 'import_missing_columns', { columns: missing.map((k) => `${label(k)}（${k}）`).join('、') }, { missing });
  }
}

/**
 * Validates raw rows (key → cell) for a target: cell checks (length, formulas), the target's schema,
 * the customer key, and the field rules of the actor (C4) — the same for file imports and the API.
 */
async function prepareRows(
  db: Db,
  ctx: Ctx,
  t: ImportTarget,
  raw: { rowNo: number; data: Record<string, unknown>; formulas?: string[] }[],
  opts: { defaultOwnerId?: string },
): Promise<Prepared> {
  const ability = defineAbilityFor(ctx.actor);
  const tenantId = ctx.actor.tenantId;
  const errors: RowError[] = [];
  const valid: ImportRow<Record<string, unknown>>[] = [];
  const labelOf = (k: string) => columnsOf(t).find((c) => c.key === k)?.label[ctx.locale] ?? k;
  const seenKeys = new Set<string>();
  const owners = new Map<string, Awaited<ReturnType<typeof org.userUnits>>>();
  const salesActor = ['rep', 'manager', 'director'].includes(ctx.actor.role) && !!ctx.actor.userId;
  for (const r of raw) {
    const rowErrors: RowError[] = [];
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.data)) {
      const s = typeof v === 'string' ? v : v === null || v === undefined ? '' : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
      if (s.length > MAX_CELL_CHARS) rowErrors.push(rowError(r.rowNo, k, 'cell_too_long', { max: MAX_CELL_CHARS, length: s.length }));
      else if (r.formulas?.includes(k)) rowErrors.push(rowError(r.rowNo, k, 'formula', { text: s.slice(0, 60) }));
      else if (s.trim() !== '') data[k] = typeof v === 'number' && t.kind !== 'customers' ? v : s.trim();
    }
    if (rowErrors.length) {
      errors.push(...rowErrors);
      continue;
    }
    let customerId: string | null = null;
    let rowData: Record<string, unknown>;
    if (t.kind === 'customers') {
      const res = await prepareCustomerRow(db, ctx, ability, r.rowNo, data, labelOf, seenKeys, opts, owners, salesActor);
      if ('errors' in res) {
        errors.push(...res.errors);
        continue;
      }
      customerId = res.customerId;
      rowData = res.data;
    } else {
      const { customerCreditCode, customerMobile, ...rest } = data as Record<string, string>;
      if (t.resolvesCustomer) {
        const key = customerCreditCode ?? customerMobile;
        if (!key) {
          errors.push(rowError(r.rowNo, 'customerCreditCode', 'required', { column: labelOf('customerCreditCode') }));
          continue;
        }
        const found = await resolveCustomer(db, tenantId, customerCreditCode, customerMobile);
        if (!found || !ability.can('read', subject('Customer', customers.toRecord(found)))) {
          errors.push(rowError(r.rowNo, customerCreditCode ? 'customerCreditCode' : 'customerMobile', 'unknown_customer', { key }));
          continue;
        }
        customerId = found.id;
        if (t.columns.some((c) => c.key === 'customerCreditCode')) rest.customerCreditCode = customerCreditCode;
        if (t.columns.some((c) => c.key === 'customerMobile')) rest.customerMobile = customerMobile;
      }
      const parsed = t.schema.safeParse(rest);
      if (!parsed.success) {
        for (const i of parsed.error.issues) {
          const column = i.path.length ? String(i.path[0]) : null;
          const detail = (l: 'zh-CN' | 'en-US') => `${column ? (columnsOf(t).find((c) => c.key === column)?.label[l] ?? column) + '：' : ''}${describeIssue(i as never, l)}`;
          errors.push({ rowNo: r.rowNo, column, code: 'invalid_value', message: { 'zh-CN': `取值无效：${detail('zh-CN')}`, 'en-US': `Invalid value: ${detail('en-US')}` } });
        }
        continue;
      }
      rowData = parsed.data as Record<string, unknown>;
    }
    valid.push({ rowNo: r.rowNo, customerId, data: rowData });
  }
  return { valid, errors, errorRows: new Set(errors.map((e) => e.rowNo)).size, total: raw.length };
}

async function resolveCustomer(db: Sql, tenantId: string, creditCode?: string, mobile?: string) {
  if (creditCode) {
    const c = checkCreditCode(creditCode);
    return c.ok ? customerStore.customerByCreditCode(db, tenantId, c.normalised) : undefined;
  }
  if (mobile) {
    const m = normaliseMobile(mobile);
    return m.ok ? customerStore.personByMobile(db, tenantId, m.normalised) : undefined;
  }
  return undefined;
}

async function prepareCustomerRow(
  db: Db,
  ctx: Ctx,
  ability: AppAbility,
  rowNo: number,
  data: Record<string, unknown>,
  labelOf: (k: string) => string,
  seenKeys: Set<string>,
  opts: { defaultOwnerId?: string },
  owners: Map<string, Awaited<ReturnType<typeof org.userUnits>>>,
  salesActor: boolean,
): Promise<{ errors: RowError[] } | { customerId: string | null; data: CustomerImportRow }> {
  const errs: RowError[] = [];
  const parsed = CustomerImportRow.safeParse(data);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const column = i.path.length ? String(i.path[0]) : null;
      const detail = (l: 'zh-CN' | 'en-US') => `${column ? labelOf(column) + '：' : ''}${describeIssue(i as never, l)}`;
      errs.push({ rowNo, column, code: 'invalid_value', message: { 'zh-CN': `取值无效：${detail('zh-CN')}`, 'en-US': `Invalid value: ${detail('en-US')}` } });
    }
    return { errors: errs };
  }
  const row = { ...parsed.data };
  if (row.creditCode) {
    const c = checkCreditCode(row.creditCode);
    if (!c.ok) errs.push(rowError(rowNo, 'creditCode', `credit_code_${c.reason}`));
    else row.creditCode = c.normalised;
  }
  if (row.mobile) {
    const m = normaliseMobile(row.mobile);
    if (!m.ok) errs.push(rowError(rowNo, 'mobile', 'invalid_mobile'));
    else row.mobile = m.normalised;
  }
  if (!row.name) errs.push(rowError(rowNo, 'name', 'required', { column: labelOf('name') }));
  row.kind ??= row.creditCode ? 'org' : 'person';
  if ((row.kind === 'org' && !row.creditCode) || (row.kind === 'person' && !row.mobile)) errs.push(rowError(rowNo, row.kind === 'org' ? 'creditCode' : 'mobile', 'needs_key'));
  if (errs.length) return { errors: errs };
  const key = row.kind === 'org' ? row.creditCode! : row.mobile!;
  const existing = await findByKey(db, ctx.actor.tenantId, row);
  const given = TRACKED_FIELDS.filter((f) => row[f] !== undefined);
  if (existing) {
    const rec = customers.toRecord(existing);
    if (!ability.can('read', subject('Customer', rec))) return { errors: [rowError(rowNo, row.kind === 'org' ? 'creditCode' : 'mobile', 'out_of_scope', { key })] };
    for (const f of given) {
      const allowed = isMaster(f) ? ability.can('update', subject('Customer', rec), f) : ability.can('create', subject('CustomerSource', customerScope(existing)));
      // The key that matched the row is not a change.
      if (!allowed && !(f === 'creditCode' && row.creditCode === existing.credit_code) && !(f === 'mobile' && row.kind === 'person')) {
        errs.push(rowError(rowNo, f, 'forbidden_field', { column: labelOf(f) }));
      }
    }
    if (row.ownerId !== undefined && row.ownerId !== existing.owner_id) errs.push(rowError(rowNo, 'ownerId', 'forbidden_field', { column: labelOf('ownerId') }));
    return errs.length ? { errors: errs } : { customerId: existing.id, data: { ...row, ownerId: undefined } };
  }
  // A new customer (or one created by an earlier row of the same file).
  const firstInFile = !seenKeys.has(key);
  seenKeys.add(key);
  if (!ability.can('create', 'Customer')) return { errors: [rowError(rowNo, null, 'forbidden_field', { column: labelOf('name') })] };
  for (const f of given) {
    const allowed = isMaster(f) ? ability.can('create', 'Customer', f) : ability.can('create', 'CustomerSource');
    if (!allowed) errs.push(rowError(rowNo, f, 'forbidden_field', { column: labelOf(f) }));
  }
  const ownerId = row.ownerId ?? opts.defaultOwnerId ?? (salesActor ? ctx.actor.userId! : undefined);
  if (firstInFile) {
    if (!ownerId) errs.push(rowError(rowNo, 'ownerId', 'no_owner'));
    else {
      if (!owners.has(ownerId)) owners.set(ownerId, await org.userUnits(db, ctx.actor.tenantId, ownerId));
      const o = owners.get(ownerId);
      if (!o || !o.active || !['rep', 'manager', 'director'].includes(o.role)) errs.push(rowError(rowNo, 'ownerId', 'unknown_owner'));
      else if (!ability.can('create', subject('Customer', { id: 'new', ownerId: o.id, teamId: o.teamId, regionId: o.regionId }))) {
        errs.push(rowError(rowNo, 'ownerId', 'forbidden_field', { column: labelOf('ownerId') }));
      }
    }
  }
  return errs.length ? { errors: errs } : { customerId: null, data: { ...row, ownerId: firstInFile ? ownerId : undefined } };
}

function rowsFromFile(rows: ParsedRow[], mapping: Mapping) {
  const entries = Object.entries(mapping).map(([i, k]) => [Number(i), k] as const);
  return rows.map((r) => {
    const data: Record<string, unknown> = {};
    const formulas: string[] = [];
    for (const [i, k] of entries) {
      data[k] = r.cells[i] ?? '';
      if (r.formulas?.includes(i)) formulas.push(k);
    }
    return { rowNo: r.rowNo, data, formulas };
  });
}

const MAX_REPORTED_ERRORS = 1000;

export async function dryRunImport(deps: Deps, ctx: Ctx, o: ImportOptions) {
  const t = targetOrThrow(o.target);
  requireAbility(defineAbilityFor(ctx.actor), 'create', t.resource);
  const { meta, parsed } = await loadFile(deps, ctx, o.sha256);
  const mapping = o.mapping ?? Object.fromEntries(Object.entries(suggestMapping(parsed.headers, columnsOf(t))).map(([i, k]) => [String(i), k]));
  checkMapping(t, parsed.headers, mapping);
  const already = await store.batchByFile(deps.db, ctx.actor.tenantId, t.kind, meta.sha256);
  const p = await prepareRows(deps.db, ctx, t, rowsFromFile(parsed.rows, mapping), { defaultOwnerId: o.defaultOwnerId });
  return {
    target: t.kind,
    mapping,
    format: parsed.format,
    encoding: parsed.encoding,
    totalRows: p.total,
    validRows: p.valid.length,
    errorRows: p.errorRows,
    newCustomers: t.kind === 'customers' ? p.valid.filter((v) => !v.customerId).length : undefined,
    errors: p.errors.slice(0, MAX_REPORTED_ERRORS),
    errorsTruncated: p.errors.length > MAX_REPORTED_ERRORS,
    alreadyImported: already ? presentBatch(already) : null,
  };
}

export async function commitImport(deps: Deps, ctx: Ctx, o: ImportOptions) {
  const t = targetOrThrow(o.target);
  requireAbility(defineAbilityFor(ctx.actor), 'create', t.resource);
  const { meta, parsed } = await loadFile(deps, ctx, o.sha256);
  const already = await store.batchByFile(deps.db, ctx.actor.tenantId, t.kind, meta.sha256);
  if (already) return { alreadyImported: true, batch: presentBatch(already) };
  const mapping = o.mapping ?? Object.fromEntries(Object.entries(suggestMapping(parsed.headers, columnsOf(t))).map(([i, k]) => [String(i), k]));
  checkMapping(t, parsed.headers, mapping);
  const p = await prepareRows(deps.db, ctx, t, rowsFromFile(parsed.rows, mapping), { defaultOwnerId: o.defaultOwnerId });
  if (p.errors.length && !o.allowPartial) {
    throw new Problem(422, 'import_has_errors', { count: p.errorRows }, { errors: p.errors.slice(0, 200), errorRows: p.errorRows, validRows: p.valid.length });
  }
  if (!p.valid.length) throw new Problem(422, 'import_no_valid_rows', {}, { errors: p.errors.slice(0, 200) });
  const rules = await loadRules(deps, ctx.actor.tenantId);
  const batchId = crypto.randomUUID();
  const result = await deps.db.transaction(async (tx) => {
    const fresh = await store.insertBatch(tx, ctx.actor.tenantId, {
      id: batchId,
      target: t.kind,
      channel: 'import',
      sha256: meta.sha256,
      idempotency_key: null,
      source_system: o.sourceSystem,
      file_name: meta.originalName,
      encoding: parsed.encoding,
      format: parsed.format,
      total_rows: p.total,
      error_rows: p.errorRows,
      errors: p.errors.slice(0, 200),
      created_by: ctx.actor.userId,
    });
    if (!fresh) return null; // a concurrent import of the same file won
    const source: SourceWithRules = { channel: 'import', batchId, system: o.sourceSystem, receivedAt: new Date(), importerId: ctx.actor.userId, rules };
    const counts = await t.apply(tx, ctx, p.valid as never, source);
    const response = { batchId, ...counts, appliedRows: p.valid.length, errorRows: p.errorRows };
    await store.finishBatch(tx, ctx.actor.tenantId, batchId, { applied: p.valid.length, ...counts, response });
    await writeAudit(tx, ctx, {
      action: 'customer.import',
      resource: t.resource,
      recordId: batchId,
      after: { target: t.kind, sha256: meta.sha256, fileName: meta.originalName, sourceSystem: o.sourceSystem, rows: p.total, applied: p.valid.length, errorRows: p.errorRows, ...counts },
    });
    return response;
  });
  if (!result) {
    const b = await store.batchByFile(deps.db, ctx.actor.tenantId, t.kind, meta.sha256);
    return { alreadyImported: true, batch: b ? presentBatch(b) : null };
  }
  return { alreadyImported: false, ...result, errors: p.errors.slice(0, 200) };
}

function presentBatch(b: store.BatchRow) {
  return {
    id: b.id,
    target: b.target,
    channel: b.channel,
    sourceSystem: b.source_system,
    fileName: b.file_name,
    encoding: b.encoding,
    format: b.format,
    totalRows: b.total_rows,
    appliedRows: b.applied_rows,
    errorRows: b.error_rows,
    created: b.created,
    updated: b.updated,
    unchanged: b.unchanged,
    createdAt: b.created_at,
  };
}

export async function listImports(db: Db, ctx: Ctx) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'CustomerSource');
  // Admins see every batch; others their own.
  const rows = await store.listBatches(db, ctx.actor.tenantId, ctx.actor.role === 'admin' ? null : ctx.actor.userId, 50);
  return { items: rows.map(presentBatch) };
}

// ───────────────────────────── integration API ─────────────────────────────

export async function integrate(deps: Deps, ctx: Ctx, kind: string, rows: Record<string, unknown>[], o: { idempotencyKey?: string; sourceSystem: string }) {
  const t = targetOrThrow(kind);
  requireAbility(defineAbilityFor(ctx.actor), 'create', t.resource);
  if (rows.length > MAX_API_ROWS) throw new Problem(413, 'integration_too_many_rows', { max: MAX_API_ROWS });
  const tenantId = ctx.actor.tenantId;
  if (o.idempotencyKey) {
    const prior = await store.batchByKey(deps.db, tenantId, ctx.actor.userId, o.idempotencyKey);
    if (prior) {
      if (prior.target !== t.kind) throw new Problem(409, 'idempotency_key_reused', { kind: prior.target });
      return { replayed: true, ...(prior.response as Record<string, unknown>) };
    }
  }
  const known = new Set(columnsOf(t).map((c) => c.key));
  const raw = rows.map((r, i) => ({ rowNo: i + 1, data: r }));
  const unknownCols = [...new Set(rows.flatMap((r) => Object.keys(r)).filter((k) => !known.has(k)))];
  if (unknownCols.length) throw new Problem(400, 'import_bad_mapping', { detail: unknownCols.join(', ') }, { unknownColumns: unknownCols });
  if (t.kind === 'customers' && rows.some((r) => !('name' in r))) throw new Problem(422, 'import_missing_columns', { columns: 'name' }, { missing: ['name'] });
  const p = await prepareRows(deps.db, ctx, t, raw, {});
  if (p.errors.length) throw new Problem(422, 'integration_has_errors', { count: p.errorRows }, { errors: p.errors.slice(0, 200) });
  const rules = await loadRules(deps, tenantId);
  const batchId = crypto.randomUUID();
  const result = await deps.db.transaction(async (tx) => {
    const fresh = await store.insertBatch(tx, tenantId, {
      id: batchId,
      target: t.kind,
      channel: 'api',
      sha256: null,
      idempotency_key: o.idempotencyKey ?? null,
      source_system: o.sourceSystem,
      file_name: null,
      encoding: null,
      format: 'json',
      total_rows: rows.length,
      error_rows: 0,
      errors: [],
      created_by: ctx.actor.userId,
    });
    if (!fresh) return null;
    const counts = await t.apply(tx, ctx, p.valid as never, { channel: 'api', batchId, system: o.sourceSystem, receivedAt: new Date(), importerId: ctx.actor.userId, rules } as SourceWithRules);
    const response = { batchId, ...counts, appliedRows: p.valid.length };
    await store.finishBatch(tx, tenantId, batchId, { applied: p.valid.length, ...counts, response });
    await writeAudit(tx, ctx, { action: 'customer.integration', resource: t.resource, recordId: batchId, after: { target: t.kind, sourceSystem: o.sourceSystem, rows: rows.length, ...counts } });
    return response;
  });
  if (!result && o.idempotencyKey) {
    const prior = await store.batchByKey(deps.db, tenantId, ctx.actor.userId, o.idempotencyKey);
    return { replayed: true, ...((prior?.response as Record<string, unknown>) ?? {}) };
  }
  return { replayed: false, ...result };
}

// ───────────────────────────── per-customer sources, profile, conflicts ─────────────────────────────

/** Reads the customer as the actor may (404 outside scope), with the Customer access fragment. */
async function readableCustomer(db: Sql, ctx: Ctx, ability: AppAbility, id: string) {
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'Customer', customerStore.COLUMNS, params);
  const row = await customerStore.customerById(db, ctx.actor.tenantId, id, { sql, params });
  if (!row) throw new Problem(404, 'not_found');
  return row;
}

/** A field value as this actor may see it: Customer field rules (masking) apply to master fields. */
function visibleValue(ability: AppAbility, rec: Record<string, unknown>, field: string, value: unknown): { value: unknown; masked: boolean } | null {
  if (!isMaster(field)) return { value, masked: false };
  const s = subject('Customer', rec);
  if (ability.can('read', s, field)) return { value, masked: false };
  if (ability.can('read_masked', s, field)) return { value: maskValue(field, value), masked: true };
  return null;
}

export async function customerSources(deps: Deps, ctx: Ctx, customerId: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'CustomerSource');
  const tenantId = ctx.actor.tenantId;
  const row = await readableCustomer(deps.db, ctx, ability, customerId);
  requireRecord(ability, 'read', 'CustomerSource', customerScope(row));
  const rec = customers.toRecord(row) as unknown as Record<string, unknown>;
  const [values, conflicts, rules, fresh] = await Promise.all([
    store.valuesOf(deps.db, tenantId, customerId),
    store.conflictsOf(deps.db, tenantId, customerId),
    loadRules(deps, tenantId),
    deps.config.get(tenantId, FRESHNESS),
  ]);
  const names = await org.namesOf(deps.db, tenantId, [...values.map((v) => v.importer_id), ...conflicts.map((c) => c.resolved_by)]);
  const canResolve = ability.can('update', subject('CustomerSource', customerScope(row)));
  const now = deps.now();
  const lastByField = new Map<string, Date>();
  for (const v of values) {
    const t = new Date(v.observed_at);
    if (!lastByField.has(v.field) || t > lastByField.get(v.field)!) lastByField.set(v.field, t);
  }
  const ages = new Map(fieldAges(fresh.value.fields, lastByField, now, fresh.value.days).map((a) => [a.field, a]));
  const fields = TRACKED_FIELDS.flatMap((field) => {
    const own = values.filter((v) => v.field === field);
    const visible = visibleValue(ability, rec, field, null);
    if (!visible && isMaster(field)) return [];
    const show = (v: unknown) => visibleValue(ability, rec, field, v)?.value ?? null;
    const g = pickGolden(own.map(toFieldValue), rankingFor(rules, field));
    const c = conflicts.find((x) => x.field === field);
    const writable = isMaster(field) ? ability.can('update', subject('Customer', rec), field) : canResolve;
    return [
      {
        field,
        label: FIELD_LABELS[field],
        keyField: (KEY_PROFILE_FIELDS as readonly string[]).includes(field),
        masterValue: isMaster(field) ? show(rec[field]) : undefined,
        golden: g.chosen
          ? { value: show(g.chosen.value), sourceSystem: g.chosen.sourceSystem, channel: g.chosen.channel, observedAt: g.chosen.observedAt, reason: g.reason }
          : null,
        ranking: rankingFor(rules, field),
        values: own.slice(0, 30).map((v) => ({
          id: v.id,
          value: show(v.value),
          sourceSystem: v.source_system,
          channel: v.channel,
          batchId: v.batch_id,
          importerId: v.importer_id,
          importerName: v.importer_id ? (names.get(v.importer_id) ?? null) : null,
          note: v.note,
          observedAt: v.observed_at,
          recordedAt: v.recorded_at,
        })),
        conflict: c
          ? {
              status: c.status,
              version: c.version,
              detectedAt: c.detected_at,
              resolvedAt: c.resolved_at,
              resolvedByName: c.resolved_by ? (names.get(c.resolved_by) ?? null) : null,
              note: c.resolution_note,
              candidates: presentCandidates(c.candidates, show),
            }
          : null,
        age: ages.get(field) ?? null,
        canEdit: writable && canResolve,
      },
    ];
  });
  return {
    customerId,
    customerName: visibleValue(ability, rec, 'name', rec.name)?.value ?? null,
    fields,
    rule: { key: SOURCE_TRUST.key, version: rules.trustVersion, description: SOURCE_TRUST.description },
    freshness: { key: FRESHNESS.key, version: fresh.version, staleAfterDays: fresh.value.days, fields: fresh.value.fields },
    canResolve,
  };
}

function presentCandidates(raw: unknown, show: (v: unknown) => unknown) {
  return ((raw as { valueId: string; value: unknown; sourceSystem: string; channel: string; observedAt: string }[]) ?? []).map((c) => ({ ...c, value: show(c.value) }));
}

/** Records a value a person entered (key profile edit or conflict resolution), audited. */
async function recordByPerson(
  deps: Deps,
  ctx: Ctx,
  customerId: string,
  field: string,
  value: string | null,
  channel: 'manual' | 'resolution',
  note: string,
  expectVersion?: number,
) {
  if (!(TRACKED_FIELDS as readonly string[]).includes(field)) throw new Problem(400, 'unknown_field', { field });
  const ability = defineAbilityFor(ctx.actor);
  const tenantId = ctx.actor.tenantId;
  let normalised: unknown = value === null ? null : value.trim();
  if (field === 'creditCode' && normalised) {
    const c = checkCreditCode(String(normalised));
    if (!c.ok) throw new Problem(400, 'invalid_credit_code', { why: c.reason }, { field });
    normalised = c.normalised;
  }
  if (field === 'mobile' && normalised) {
    const m = normaliseMobile(String(normalised));
    if (!m.ok) throw new Problem(400, 'invalid_mobile', {}, { field });
    normalised = m.normalised;
  }
  if (field === 'tier' && normalised && !['KA', 'A', 'B', 'C'].includes(String(normalised))) throw new Problem(400, 'unknown_field', { field: `tier=${String(normalised)}` });
  const rules = await loadRules(deps, tenantId);
  return deps.db.transaction(async (tx) => {
    const row = await readableCustomer(tx, ctx, ability, customerId);
    requireRecord(ability, 'update', 'CustomerSource', customerScope(row));
    if (isMaster(field) && !ability.can('update', subject('Customer', customers.toRecord(row)), field)) {
      throw new Problem(403, 'forbidden_field_write', { field: FIELD_LABELS[field as TrackedField][ctx.locale] }, { fields: [field] });
    }
    const before = (await store.conflictsOf(tx, tenantId, customerId)).find((c) => c.field === field);
    if (channel === 'resolution') {
      if (!before || before.status !== 'open') throw new Problem(409, 'conflict_not_open');
      if (expectVersion !== undefined && before.version !== expectVersion) throw versionConflict(before.version, expectVersion);
    }
    const res = await recordValues(
      tx,
      deps.db.kind,
      ctx,
      row,
      [{ field: field as TrackedField, value: normalised }],
      { system: PERSON_SOURCE, channel, batchId: null, importerId: ctx.actor.userId, observedAt: deps.now(), note },
      rules,
    );
    await writeAudit(tx, ctx, {
      action: channel === 'resolution' ? 'customer.conflict.resolve' : 'customer.profile.update',
      resource: 'CustomerSource',
      recordId: customerId,
      before: before ? { field, status: before.status, candidates: before.candidates } : { field },
      after: { field, value: normalised, note, masterChanged: res.masterChanged },
    });
    return { field, value: normalised, masterChanged: res.masterChanged };
  });
}

export async function resolveConflict(deps: Deps, ctx: Ctx, customerId: string, field: string, b: { value: string | null; note: string; version?: number }) {
  return recordByPerson(deps, ctx, customerId, field, b.value, 'resolution', b.note, b.version);
}

export async function updateProfileField(deps: Deps, ctx: Ctx, customerId: string, field: string, b: { value: string | null; note?: string }) {
  if (!(KEY_PROFILE_FIELDS as readonly string[]).includes(field)) throw new Problem(400, 'unknown_field', { field });
  return recordByPerson(deps, ctx, customerId, field, b.value, 'manual', b.note ?? '');
}

export async function listConflicts(deps: Deps, ctx: Ctx, f: { status?: 'open' | 'resolved'; field?: string; customerId?: string; page: number; pageSize: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'CustomerSource');
  const tenantId = ctx.actor.tenantId;
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'CustomerSource', store.CONFLICT_COLUMNS, params);
  const { rows, total } = await store.listConflicts(deps.db, tenantId, {
    access: { sql, params },
    status: f.status,
    field: f.field,
    customerId: f.customerId,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  // The scope copied onto the conflict may be stale (owner changed): check each customer again.
  const cParams: unknown[] = [];
  const cSql = accessWhere(ability, 'read', 'Customer', customerStore.COLUMNS, cParams);
  const custs = new Map<string, CustomerRow>();
  for (const id of new Set(rows.map((r) => r.customer_id))) {
    const c = await customerStore.customerById(deps.db, tenantId, id, { sql: cSql, params: cParams });
    if (c) custs.set(id, c);
  }
  const names = await org.namesOf(deps.db, tenantId, rows.map((r) => r.resolved_by));
  const items = rows.flatMap((r) => {
    const c = custs.get(r.customer_id);
    if (!c) return [];
    const rec = customers.toRecord(c) as unknown as Record<string, unknown>;
    if (isMaster(r.field) && !visibleValue(ability, rec, r.field, null)) return [];
    const show = (v: unknown) => visibleValue(ability, rec, r.field, v)?.value ?? null;
    return [
      {
        customerId: r.customer_id,
        customerName: visibleValue(ability, rec, 'name', rec.name)?.value ?? null,
        field: r.field,
        label: FIELD_LABELS[r.field as TrackedField] ?? { 'zh-CN': r.field, 'en-US': r.field },
        status: r.status,
        version: r.version,
        detectedAt: r.detected_at,
        resolvedAt: r.resolved_at,
        resolvedByName: r.resolved_by ? (names.get(r.resolved_by) ?? null) : null,
        note: r.resolution_note,
        candidates: presentCandidates(r.candidates, show),
        canResolve: ability.can('update', subject('CustomerSource', customerScope(c))) && (!isMaster(r.field) || ability.can('update', subject('Customer', rec), r.field)),
      },
    ];
  });
  return { items, total, page: f.page, pageSize: f.pageSize };
}

// ───────────────────────────── C5 freshness job ─────────────────────────────

export const FRESHNESS_JOB = 'customers.freshness-reminders';

export function freshnessJob(): JobDefinition<{ stale: number; reminded: number; alreadyReminded: number; periodKey: string; staleAfterDays: number }> {
  return {
    id: FRESHNESS_JOB,
    title: { 'zh-CN': '客户关键信息保鲜提醒', 'en-US': 'Customer key-field freshness reminders' },
    cron: '0 9 * * *',
    period: periods.day,
    async run(jc) {
      const deps = jc.deps!;
      const fr = await deps.config.value(jc.tenantId, FRESHNESS);
      const how = await deps.config.value(jc.tenantId, FRESHNESS_REMINDERS);
      const rule = { fields: fr.fields, staleAfterDays: fr.days, ...how };
      const now = jc.now();
      const periodKey = rule.remindEvery === 'week' ? periods.isoWeek(now, jc.timeZone) : periods.month(now, jc.timeZone);
      const stale = await store.staleFields(jc.db, jc.tenantId, rule.fields, staleBefore(now, rule.staleAfterDays));
      let reminded = 0;
      let alreadyReminded = 0;
      const byCustomer = new Map<string, typeof stale>();
      for (const s of stale) byCustomer.set(s.customer_id, [...(byCustomer.get(s.customer_id) ?? []), s]);
      for (const [customerId, items] of byCustomer) {
        const customer = await customerStore.customerById(jc.db, jc.tenantId, customerId);
        if (!customer) continue;
        const lastVisit = (await visits.visitsOfCustomer(jc.db, jc.ctx, customerId)).items[0];
        const userId = lastVisit?.repId ?? customer.owner_id;
        await jc.db.transaction(async (tx) => {
          for (const s of items) {
            const claimed = await store.claimReminder(tx, jc.tenantId, { customerId, field: s.field, periodKey, userId, lastValueAt: s.last });
            if (!claimed) {
              alreadyReminded++;
              continue;
            }
            if (!userId) continue;
            const label = FIELD_LABELS[s.field as TrackedField]?.['zh-CN'] ?? s.field;
            const days = Math.floor((now.getTime() - new Date(s.last).getTime()) / 86_400_000);
            const params = { customer: customer.name, field: label, days, last: new Date(s.last).toISOString().slice(0, 10) };
            await deps.notify.notify(tx, jc.tenantId, {
              userIds: [userId],
              kind: 'customer.freshness',
              title: translate('freshness_reminder_title', 'zh-CN', params),
              body: translate('freshness_reminder_body', 'zh-CN', params),
              link: `/customers/${customerId}?tab=sources`,
              data: { customerId, field: s.field, ageDays: days, lastObservedAt: s.last, staleAfterDays: rule.staleAfterDays, periodKey, rule: FRESHNESS.key },
              dedupeKey: `freshness:${customerId}:${s.field}:${periodKey}`,
              email: rule.email,
              channelIds: rule.channelIds,
            });
            reminded++;
          }
        });
      }
      return { stale: stale.length, reminded, alreadyReminded, periodKey, staleAfterDays: rule.staleAfterDays };
    },
  };
}

// ───────────────────────────── C6 calibration items ─────────────────────────────

/**
 * Calibration cards (C6) ask about this module's open conflicts and stale key fields; an answer is
 * recorded as a 'calibration' value (a confirmation refreshes the value's date) and goes through
 * the golden rule like any other value, so the master record and the conflict follow.
 */
export function calibrationProvider(deps: Deps): ItemProvider {
  return {
    name: 'customer-sources',
    async candidates(db, tenantId, asOf) {
      const out = new Map<string, ItemCandidate[]>();
      const push = (id: string, it: ItemCandidate) => out.set(id, [...(out.get(id) ?? []), it]);
      const { rows } = await store.listConflicts(db, tenantId, { access: { sql: 'true', params: [] }, status: 'open', limit: 20_000, offset: 0 });
      for (const c of rows) {
        const cands = (c.candidates as { value: unknown; sourceSystem: string; observedAt: string }[]) ?? [];
        push(c.customer_id, {
          kind: 'conflict',
          ref: `field:${c.field}`,
          label: FIELD_LABELS[c.field as TrackedField] ?? { 'zh-CN': c.field, 'en-US': c.field },
          current: cands[0]?.value ?? null,
          options: cands.map((x) => ({ value: x.value, source: x.sourceSystem, observedAt: x.observedAt })),
          urgency: 1000 + cands.length * 10 + Math.floor((asOf.getTime() - new Date(c.detected_at).getTime()) / 86_400_000),
          evidence: { rule: SOURCE_TRUST.key, sources: cands.length, detectedAt: c.detected_at },
        });
      }
      const fr = await deps.config.value(tenantId, FRESHNESS);
      for (const s of await store.staleFields(db, tenantId, fr.fields, staleBefore(asOf, fr.days))) {
        if (out.get(s.customer_id)?.some((i) => i.ref === `field:${s.field}`)) continue;
        const vals = await store.valuesOf(db, tenantId, s.customer_id, [s.field]);
        const g = pickGolden(vals.map(toFieldValue), rankingFor(rulesSeen.get(tenantId) ?? DEFAULT_RULES, s.field));
        const days = Math.floor((asOf.getTime() - new Date(s.last).getTime()) / 86_400_000);
        push(s.customer_id, {
          kind: 'stale',
          ref: `field:${s.field}`,
          label: FIELD_LABELS[s.field as TrackedField] ?? { 'zh-CN': s.field, 'en-US': s.field },
          current: g.chosen?.value ?? null,
          urgency: days,
          evidence: { rule: FRESHNESS.key, ageDays: days, staleAfterDays: fr.days, lastObservedAt: s.last },
        });
      }
      return out;
    },
    async apply(tx, ctx, customerId, item, response) {
      const field = item.ref.replace(/^field:/, '');
      if (!(TRACKED_FIELDS as readonly string[]).includes(field)) throw new Problem(400, 'unknown_field', { field });
      const customer = await customerStore.customerById(tx, ctx.actor.tenantId, customerId);
      if (!customer) throw new Problem(404, 'not_found');
      const value = response.action === 'correct' ? response.value : item.current;
      await recordValues(
        tx,
        deps.db.kind,
        ctx,
        customer,
        [{ field: field as TrackedField, value: typeof value === 'string' ? value.trim() : (value ?? null) }],
        { system: PERSON_SOURCE, channel: 'calibration', batchId: null, importerId: ctx.actor.userId, observedAt: new Date(), note: response.note ?? `校准会 ${response.party}` },
        rulesSeen.get(ctx.actor.tenantId) ?? DEFAULT_RULES,
      );
    },
  };
}

// ───────────────────────────── registration ─────────────────────────────

/** Called once from buildApp: the customers import target, the freshness job, the merge participant. */
export function registerCustomerSources(deps: Deps): void {
  deps.jobs.register(freshnessJob());
  registerItemProvider(calibrationProvider(deps));
  registerImportTarget(customersTarget());
  registerMergeParticipant({
    name: 'customer-sources',
    move: (tx, tenantId, fromId, toId) => store.moveValues(tx, tenantId, fromId, toId),
    restore: (tx, tenantId, ids, toId) => store.restoreValues(tx, tenantId, ids, toId),
  });
}
