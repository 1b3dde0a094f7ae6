// Customer use cases: list/search, detail, create, edit, export. Every read and write goes
// through the ability layer (record scope in SQL, fields on output), every change and every
// unmasked read of personal data is audited in the same transaction.
import crypto from 'node:crypto';
import type { Db, Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import { accessWhere } from '../../platform/access/sql.js';
import {
  defineAbilityFor,
  presentFor,
  requireAbility,
  requireRecord,
  requireWritableFields,
  subject,
  type AppAbility,
} from '../../platform/access/abilities.js';
import { Problem, registerMessages, versionConflict } from '../../platform/http/problem.js';
import { diff, writeAudit, writeSensitiveRead } from '../../platform/audit/audit.js';
import * as org from '../org/service.js';
import * as visits from '../process/history.js';
import { checkCreditCode, normaliseMobile } from './identity.js';
import * as store from './store.js';
import type { CustomerField, CustomerRow } from './store.js';
import { likelyDuplicates, mergeInfoFor } from './duplicates/check.js';
import { RULE_VERSION } from './duplicates/match.js';

registerMessages({
  invalid_credit_code: {
    'zh-CN': '统一社会信用代码无效（GB 32100-2015）：{why}',
    'en-US': 'Invalid unified social credit code (GB 32100-2015): {why}',
  },
  invalid_mobile: { 'zh-CN': '手机号无效：需为中国大陆 11 位手机号', 'en-US': 'Invalid mobile number: a mainland China 11-digit number is required' },
  org_needs_credit_code: { 'zh-CN': '企业客户必须填写统一社会信用代码', 'en-US': 'An organisation needs its unified social credit code' },
  person_needs_mobile: { 'zh-CN': '个人客户必须填写手机号', 'en-US': 'An individual customer needs a mobile number' },
  duplicate_customer: {
    'zh-CN': '该客户已存在（{key}），请打开已有客户而不是重复创建',
    'en-US': 'This customer already exists ({key}); open the existing record instead of creating a duplicate',
  },
  unknown_owner: { 'zh-CN': '负责人不存在或不是销售人员', 'en-US': 'The owner does not exist or is not a sales user' },
  owner_out_of_scope: { 'zh-CN': '你无权把客户分配给该负责人', 'en-US': 'You may not assign customers to that owner' },
});

const CREDIT_REASONS: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  length: { 'zh-CN': '应为 18 位', 'en-US': 'must be 18 characters' },
  charset: { 'zh-CN': '含有不允许的字符（不含 I、O、Z、S、V）', 'en-US': 'contains characters outside the allowed set (no I, O, Z, S, V)' },
  check_char: { 'zh-CN': '校验位不正确', 'en-US': 'the check character is wrong' },
};

export type Customer = ReturnType<typeof toRecord> & { ownerName?: string | null; teamName?: string | null; regionName?: string | null };

export function toRecord(r: CustomerRow) {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    creditCode: r.credit_code,
    mobile: r.mobile,
    contactName: r.contact_name,
    industry: r.industry,
    tier: r.tier,
    stage: r.stage,
    regionId: r.region_id,
    teamId: r.team_id,
    ownerId: r.owner_id,
    province: r.province,
    city: r.city,
    address: r.address,
    lat: r.lat,
    lng: r.lng,
    tags: r.tags,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
    status: r.status,
    mergedInto: r.merged_into,
  };
}

const access = (ability: AppAbility, action: 'read' | 'update' | 'export') => {
  const params: unknown[] = [];
  const sql = accessWhere(ability, action, 'Customer', store.COLUMNS, params);
  return { sql, params };
};

/** Fields whose raw value this actor may read on some customer: only those are searchable and sortable. */
const rawReadable = (ability: AppAbility, field: CustomerField) => ability.can('read', 'Customer', field);

export interface ListInput {
  q?: string;
  tier?: string;
  stage?: string;
  industry?: string;
  regionId?: string;
  teamId?: string;
  ownerId?: string;
  city?: string;
  kind?: string;
  sort: 'updatedAt' | 'createdAt' | 'name' | 'tier';
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

function searchFor(ability: AppAbility, q: string | undefined): store.ListQuery['search'] {
  const term = q?.trim();
  if (!term) return undefined;
  const s: NonNullable<store.ListQuery['search']> = {};
  if (rawReadable(ability, 'name')) s.name = term;
  const compact = term.replace(/[\s-]/g, '').toUpperCase();
  if (rawReadable(ability, 'creditCode') && /^[0-9A-HJ-NPQRTUWXY]{4,18}$/.test(compact)) s.creditCodePrefix = compact;
  const digits = term.replace(/^\+?86/, '').replace(/[\s-]/g, '');
  if (rawReadable(ability, 'mobile') && /^1\d{2,10}$/.test(digits)) s.mobilePrefix = digits;
  return s;
}

function filtersOf(f: ListInput): store.ListQuery['filters'] {
  const { tier, stage, industry, regionId, teamId, ownerId, city, kind } = f;
  return { tier, stage, industry, regionId, teamId, ownerId, city, kind };
}

async function withNames(db: Db, tenantId: string, records: ReturnType<typeof toRecord>[]) {
  const [names, units] = await Promise.all([org.namesOf(db, tenantId, records.map((r) => r.ownerId)), org.orgUnits(db, tenantId)]);
  const teams = new Map(units.teams.map((t) => [t.id, t.name]));
  const regions = new Map(units.regions.map((r) => [r.id, r.name]));
  return records.map((r) => ({
    ...r,
    ownerName: r.ownerId ? (names.get(r.ownerId) ?? null) : null,
    teamName: r.teamId ? (teams.get(r.teamId) ?? null) : null,
    regionName: r.regionId ? (regions.get(r.regionId) ?? null) : null,
  }));
}

/** Masks, strips and attaches abilities; logs unmasked sensitive reads. */
export async function presentCustomers(db: Db, ctx: Ctx, ability: AppAbility, rows: CustomerRow[], purpose: 'list' | 'detail' | 'search' | 'export') {
  const named = await withNames(db, ctx.actor.tenantId, rows.map(toRecord));
  const out = named.map((r) => {
    const p = presentFor(ability, 'Customer', r);
    // Display names follow their id field: an owner the actor may not see stays unnamed.
    if (!('ownerId' in p.value)) delete (p.value as Record<string, unknown>).ownerName;
    if (!('teamId' in p.value)) delete (p.value as Record<string, unknown>).teamName;
    if (!('regionId' in p.value)) delete (p.value as Record<string, unknown>).regionName;
    // A merged-away record is closed for edits (undo brings it back); the UI offers none.
    if (r.status === 'merged') p.value._abilities = { ...p.value._abilities, update: false, delete: false, writable: [] };
    return p;
  });
  const shown = new Set(out.flatMap((p) => p.sensitiveShown));
  if (shown.size) {
    const ids = out.filter((p) => p.sensitiveShown.length).map((p) => p.value.id as string);
    await writeSensitiveRead(db, ctx, { resource: 'Customer', purpose, recordIds: ids, fields: [...shown].sort() });
  }
  return out.map((p) => p.value);
}

export async function listCustomers(db: Db, ctx: Ctx, f: ListInput) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Customer');
  const sort = f.sort === 'name' && !rawReadable(ability, 'name') ? 'updatedAt' : f.sort;
  const search = searchFor(ability, f.q);
  const { rows, total } = await store.listCustomers(db, ctx.actor.tenantId, {
    access: access(ability, 'read'),
    search,
    filters: filtersOf(f),
    sort,
    order: f.order,
    limit: f.pageSize,
    offset: (f.page - 1) * f.pageSize,
  });
  const items = await presentCustomers(db, ctx, ability, rows, search ? 'search' : 'list');
  return { items, total, page: f.page, pageSize: f.pageSize };
}

export async function getCustomer(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Customer');
  const row = await store.customerById(db, ctx.actor.tenantId, id, access(ability, 'read'));
  if (!row) throw new Problem(404, 'not_found');
  const out = (await presentCustomers(db, ctx, ability, [row], 'detail'))[0];
  // C1: a merged-away record still answers, saying where it went (and whether this actor may undo).
  const merge = await mergeInfoFor(db, ability, ctx.actor.tenantId, row);
  return merge ? { ...out, merge } : out;
}

export interface CustomerInput {
  kind?: 'org' | 'person';
  name?: string;
  creditCode?: string | null;
  mobile?: string | null;
  contactName?: string | null;
  industry?: string | null;
  tier?: 'KA' | 'A' | 'B' | 'C';
  stage?: 'lead' | 'opportunity' | 'delivery' | 'renewal' | 'churned';
  province?: string | null;
  city?: string | null;
  address?: string | null;
  lat?: number | null;
  lng?: number | null;
  tags?: string[];
  ownerId?: string | null;
  /** C1: create even though likely duplicates exist (the user looked at them). */
  confirmNotDuplicate?: boolean;
}

/** Validates and normalises identity fields (GB 32100-2015 credit code, mainland mobile). */
function normaliseIdentity(ctx: Ctx, input: CustomerInput): CustomerInput {
  const out = { ...input };
  if (out.creditCode !== undefined && out.creditCode !== null && out.creditCode !== '') {
    const c = checkCreditCode(out.creditCode);
    if (!c.ok) throw new Problem(400, 'invalid_credit_code', { why: CREDIT_REASONS[c.reason]?.[ctx.locale] ?? c.reason }, { field: 'creditCode' });
    out.creditCode = c.normalised;
  } else if (out.creditCode === '') out.creditCode = null;
  if (out.mobile !== undefined && out.mobile !== null && out.mobile !== '') {
    const m = normaliseMobile(out.mobile);
    if (!m.ok) throw new Problem(400, 'invalid_mobile', {}, { field: 'mobile' });
    out.mobile = m.normalised;
  } else if (out.mobile === '') out.mobile = null;
  return out;
}

function requireKeyFor(kind: string, v: { creditCode?: string | null; mobile?: string | null }) {
  if (kind === 'org' && !v.creditCode) throw new Problem(400, 'org_needs_credit_code', {}, { field: 'creditCode' });
  if (kind === 'person' && !v.mobile) throw new Problem(400, 'person_needs_mobile', {}, { field: 'mobile' });
}

async function findDuplicate(db: Sql, tenantId: string, kind: string, v: { creditCode?: string | null; mobile?: string | null }, exceptId?: string) {
  const byCode = v.creditCode ? await store.customerByCreditCode(db, tenantId, v.creditCode) : undefined;
  if (byCode && byCode.id !== exceptId) return { row: byCode, key: v.creditCode! };
  const byMobile = kind === 'person' && v.mobile ? await store.personByMobile(db, tenantId, v.mobile) : undefined;
  if (byMobile && byMobile.id !== exceptId) return { row: byMobile, key: v.mobile! };
  return null;
}

async function ownerUnits(db: Sql, tenantId: string, ownerId: string) {
  const owner = await org.userUnits(db, tenantId, ownerId);
  if (!owner || !owner.active || !['rep', 'manager', 'director'].includes(owner.role)) throw new Problem(400, 'unknown_owner', {}, { field: 'ownerId' });
  return { ownerId: owner.id, teamId: owner.teamId, regionId: owner.regionId };
}

/**
 * `likelyCheck` (the interactive create, C1): refuse with the likely duplicates the actor can see
 * unless `confirmNotDuplicate` is set. Bulk paths (imports) leave it off: the exact-key check
 * still applies and the nightly scan proposes what they bring in for review.
 */
export async function createCustomer(db: Db, ctx: Ctx, raw: CustomerInput, opts: { likelyCheck?: boolean } = {}) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'Customer');
  const { confirmNotDuplicate, ...fields } = raw;
  raw = fields;
  const input = normaliseIdentity(ctx, raw);
  const kind = input.kind ?? 'org';
  requireKeyFor(kind, input);
  return db.transaction(async (tx) => {
    const dup = await findDuplicate(tx, ctx.actor.tenantId, kind, input);
    if (dup) {
      const visible = ability.can('read', subject('Customer', toRecord(dup.row)));
      throw new Problem(409, 'duplicate_customer', { key: dup.key }, visible ? { existingId: dup.row.id } : {});
    }
    if (opts.likelyCheck && !confirmNotDuplicate) {
      const likely = await likelyDuplicates(
        tx,
        ability,
        ctx.actor.tenantId,
        { id: 'new', kind, name: input.name ?? '', mobile: input.mobile, contactName: input.contactName, province: input.province, city: input.city, address: input.address },
        RULE_VERSION,
      );
      if (likely.length) throw new Problem(409, 'likely_duplicate', { count: likely.length }, { candidates: likely });
    }
    const units = await ownerUnits(tx, ctx.actor.tenantId, input.ownerId ?? ctx.actor.userId!);
    const values: Partial<Record<CustomerField, unknown>> = { ...input, kind, ...units };
    const given = Object.keys(raw).filter((k) => raw[k as keyof CustomerInput] !== undefined);
    const candidate = { id: 'new', ...values };
    requireWritableFields(ability, 'create', 'Customer', candidate, given);
    if (!ability.can('create', subject('Customer', candidate))) throw new Problem(403, 'owner_out_of_scope', {}, { field: 'ownerId' });
    const row = await store.insertCustomer(tx, ctx.actor.tenantId, crypto.randomUUID(), values, ctx.actor.userId);
    await writeAudit(tx, ctx, { action: 'customer.create', resource: 'Customer', recordId: row.id, after: toRecord(row) });
    return row;
  }).then(async (row) => (await presentCustomers(db, ctx, ability, [row], 'detail'))[0]);
}

export async function updateCustomer(db: Db, ctx: Ctx, id: string, version: number, raw: CustomerInput) {
  const ability = defineAbilityFor(ctx.actor);
  const patch = normaliseIdentity(ctx, raw);
  const row = await db.transaction(async (tx) => {
    const current = await store.customerById(tx, ctx.actor.tenantId, id);
    if (!current) throw new Problem(404, 'not_found');
    const before = toRecord(current);
    requireRecord(ability, 'update', 'Customer', before);
    if (current.status === 'merged') throw new Problem(409, 'customer_already_merged');
    requireWritableFields(ability, 'update', 'Customer', before, Object.keys(raw));
    if (current.version !== version) throw versionConflict(current.version, version);
    const kind = patch.kind ?? current.kind;
    const merged = { creditCode: patch.creditCode !== undefined ? patch.creditCode : current.credit_code, mobile: patch.mobile !== undefined ? patch.mobile : current.mobile };
    requireKeyFor(kind, merged);
    const dup = await findDuplicate(tx, ctx.actor.tenantId, kind, merged, id);
    if (dup) throw new Problem(409, 'duplicate_customer', { key: dup.key });
    const values: Partial<Record<CustomerField, unknown>> = { ...patch };
    if (patch.ownerId && patch.ownerId !== current.owner_id) Object.assign(values, await ownerUnits(tx, ctx.actor.tenantId, patch.ownerId));
    // The changed record must still be inside the actor's scope (a manager cannot hand a customer to another team).
    if (!ability.can('update', subject('Customer', { ...before, ...values }))) throw new Problem(403, 'owner_out_of_scope', {}, { field: 'ownerId' });
    const updated = await store.updateCustomer(tx, ctx.actor.tenantId, id, version, values);
    if (!updated) throw versionConflict(current.version + 1, version);
    const d = diff(before, toRecord(updated));
    await writeAudit(tx, ctx, { action: 'customer.update', resource: 'Customer', recordId: id, ...d });
    return updated;
  });
  return (await presentCustomers(db, ctx, ability, [row], 'detail'))[0];
}

/** Rows for export, already masked by the read rules; the caller formats them. */
export async function* exportCustomers(db: Db, ctx: Ctx, f: Omit<ListInput, 'page' | 'pageSize' | 'sort' | 'order'>) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'export', 'Customer');
  const scope = access(ability, 'export');
  const readScope = access(ability, 'read');
  // Export rows must satisfy both export and read scope.
  const offset = scope.params.length;
  const combined = { sql: `(${scope.sql}) and (${readScope.sql.replace(/\$(\d+)/g, (_, n) => `$${Number(n) + offset}`)})`, params: [...scope.params, ...readScope.params] };
  let count = 0;
  const sensitive = new Set<string>();
  for await (const rows of store.iterateCustomers(db, ctx.actor.tenantId, { access: combined, search: searchFor(ability, f.q), filters: filtersOf(f as ListInput) })) {
    const named = await withNames(db, ctx.actor.tenantId, rows.map(toRecord));
    const presented = named.map((r) => presentFor(ability, 'Customer', r));
    presented.forEach((p) => p.sensitiveShown.forEach((s) => sensitive.add(s)));
    count += rows.length;
    yield presented.map((p) => p.value);
  }
  await writeAudit(db, ctx, {
    action: 'customer.export',
    resource: 'Customer',
    after: { count, filters: f, sensitiveFields: [...sensitive].sort() },
  });
}

export async function customerVisits(db: Db, ctx: Ctx, customerId: string) {
  await getCustomer(db, ctx, customerId);
  return visits.visitsOfCustomer(db, ctx, customerId);
}
