// Duplicate review (C1): scan for likely duplicates, list them for review, dismiss ("not a
// duplicate", remembered), merge with per-field choices, and undo a merge exactly. A merge keeps
// the merged-away record (status 'merged', merged_into), moves every other module's rows through
// the registered merge participants and keeps the ids they moved, so undo moves exactly those back.
import crypto from 'node:crypto';
import type { Db } from '../../../platform/db/db.js';
import type { Ctx } from '../../../platform/context.js';
import type { Deps } from '../../../platform/deps.js';
import { accessWhere } from '../../../platform/access/sql.js';
import { defineAbilityFor, requireAbility, requireRecord, requireWritableFields, subject, type AppAbility } from '../../../platform/access/abilities.js';
import { Problem, registerMessages, versionConflict } from '../../../platform/http/problem.js';
import { writeAudit } from '../../../platform/audit/audit.js';
import { periods } from '../../../platform/jobs/periods.js';
import type { JobDefinition } from '../../../platform/jobs/scheduler.js';
import { mergeParticipant, mergeParticipants } from '../merge-participants.js';
import * as customers from '../store.js';
import type { CustomerRow } from '../store.js';
import { presentCustomers, toRecord } from '../service.js';
import { findCandidates, RULE_VERSION, THRESHOLD, type Candidate } from './match.js';
import { presentReasons } from './check.js';
import * as store from './store.js';

registerMessages({
  merge_same_customer: { 'zh-CN': '不能把客户合并到它自己', 'en-US': 'A customer cannot be merged into itself' },
  merge_breaks_identity: {
    'zh-CN': '合并后的客户缺少身份标识（企业需统一社会信用代码，个人需手机号）',
    'en-US': 'The merged customer would lack its identity key (organisations need a credit code, individuals a mobile)',
  },
  merge_already_undone: { 'zh-CN': '该合并已撤销', 'en-US': 'This merge has already been undone' },
  merge_undo_stale: {
    'zh-CN': '合并后保留的客户已被修改（版本 {current}），撤销会丢失这些修改，请先核对',
    'en-US': 'The surviving customer was changed after the merge (version {current}); undoing would lose those changes',
  },
  merge_participant_missing: {
    'zh-CN': '无法撤销：数据模块 {name} 未加载',
    'en-US': 'Cannot undo: data module {name} is not loaded',
  },
  candidate_pair_mismatch: { 'zh-CN': '候选记录与所选客户不一致', 'en-US': 'The candidate pair does not match the chosen customers' },
  candidate_decided: { 'zh-CN': '该候选已处理（{status}）', 'en-US': 'This candidate was already decided ({status})' },
});

/** Fields a merge may take from the merged-away record (the rest stay the survivor's). */
export const MERGEABLE_FIELDS = [
  'name', 'kind', 'creditCode', 'mobile', 'contactName', 'industry', 'tier', 'stage', 'province', 'city', 'address', 'lat', 'lng', 'tags', 'ownerId',
] as const;
export type MergeableField = (typeof MERGEABLE_FIELDS)[number];

export const DUPLICATE_SCAN_JOB = 'customers.duplicate-scan';

const prefixed = (alias: string) => Object.fromEntries(Object.entries(customers.COLUMNS).map(([k, v]) => [k, `${alias}.${v}`]));

// ── Scan ──────────────────────────────────────────────────────────────────────────────────

export interface ScanResult {
  ruleVersion: string;
  threshold: number;
  records: number;
  pairsScored: number;
  candidates: number;
  written: number;
  removed: number;
  oversizedBlocks: number;
  ms: number;
}

/** Scans the whole tenant (all active customers) and writes candidate pairs. */
export async function runScan(db: Db, tenantId: string, now: () => Date = () => new Date()): Promise<ScanResult> {
  const t0 = Date.now();
  const scannedAt = now();
  const records = [];
  for await (const page of store.matchRecords(db, tenantId)) records.push(...page);
  const decided = await store.decidedPairs(db, tenantId);
  const { candidates, stats } = findCandidates(records, { skip: (a, b) => decided.has(`${a}|${b}`) });
  const written = await db.transaction(async (tx) => {
    const n = await store.upsertCandidates(tx, tenantId, candidates.map((c) => ({ ...c, id: crypto.randomUUID() })), scannedAt);
    const removed = await store.dropStale(tx, tenantId, scannedAt);
    return { n, removed };
  });
  return {
    ruleVersion: RULE_VERSION,
    threshold: THRESHOLD,
    records: stats.records,
    pairsScored: stats.pairsScored,
    candidates: candidates.length,
    written: written.n,
    removed: written.removed,
    oversizedBlocks: stats.oversized.length,
    ms: Date.now() - t0,
  };
}

export async function scanDuplicates(db: Db, ctx: Ctx, now?: () => Date) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'run', 'DuplicateCandidate');
  const result = await runScan(db, ctx.actor.tenantId, now);
  await writeAudit(db, ctx, { action: 'customer.duplicate_scan', resource: 'DuplicateCandidate', after: result });
  return result;
}

/** Nightly at 02:30 tenant time: the scan keeps the review list current. */
export function duplicateScanJob(): JobDefinition<ScanResult> {
  return {
    id: DUPLICATE_SCAN_JOB,
    title: { 'zh-CN': '疑似重复客户扫描', 'en-US': 'Scan for likely duplicate customers' },
    cron: '30 2 * * *',
    period: periods.day,
    async run(jc) {
      const result = await runScan(jc.db, jc.tenantId, jc.now);
      await writeAudit(jc.db, jc.ctx, { action: 'customer.duplicate_scan', resource: 'DuplicateCandidate', after: result });
      return result;
    },
  };
}

export function registerDuplicateJobs(deps: Deps): void {
  deps.jobs.register(duplicateScanJob());
}

// ── Review ────────────────────────────────────────────────────────────────────────────────

function pairAccess(ability: AppAbility) {
  const params: unknown[] = [];
  const a = accessWhere(ability, 'read', 'Customer', prefixed('a'), params);
  const b = accessWhere(ability, 'read', 'Customer', prefixed('b'), params);
  return { sql: `(${a}) and (${b})`, params };
}

async function presentCandidates(db: Db, ctx: Ctx, ability: AppAbility, rows: store.CandidateRow[]) {
  const ids = [...new Set(rows.flatMap((r) => [r.customer_a, r.customer_b]))];
  const recs = new Map<string, CustomerRow>();
  for (const id of ids) {
    const r = await customers.customerById(db, ctx.actor.tenantId, id);
    if (r) recs.set(id, r);
  }
  const presented = await presentCustomers(db, ctx, ability, [...recs.values()], 'detail');
  const byId = new Map(presented.map((p) => [p.id, p]));
  return rows.map((r) => ({
    id: r.id,
    score: Number(r.score),
    reasons: presentReasons(ability, [toRecord(recs.get(r.customer_a)!), toRecord(recs.get(r.customer_b)!)], r.reasons),
    ruleVersion: r.rule_version,
    status: r.status,
    foundAt: r.found_at,
    decidedAt: r.decided_at,
    note: r.note,
    version: r.version,
    a: byId.get(r.customer_a)!,
    b: byId.get(r.customer_b)!,
    _abilities: {
      merge: ability.can('update', 'DuplicateCandidate') && [r.customer_a, r.customer_b].every((id) => ability.can('update', subject('Customer', toRecord(recs.get(id)!)))),
      dismiss: ability.can('update', 'DuplicateCandidate'),
    },
  }));
}

export async function listCandidates(db: Db, ctx: Ctx, q: { status: store.CandidateRow['status']; customerId?: string; page: number; pageSize: number }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'DuplicateCandidate');
  const { rows, total } = await store.listCandidates(db, ctx.actor.tenantId, {
    status: q.status,
    customerId: q.customerId,
    access: pairAccess(ability),
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  return { items: await presentCandidates(db, ctx, ability, rows), total, page: q.page, pageSize: q.pageSize, ruleVersion: RULE_VERSION, threshold: THRESHOLD };
}

/** Loads a candidate the actor may see (both customers readable), else 404. */
async function visibleCandidate(db: Db, ctx: Ctx, ability: AppAbility, id: string) {
  const c = await store.candidateById(db, ctx.actor.tenantId, id);
  if (!c) throw new Problem(404, 'not_found');
  for (const cid of [c.customer_a, c.customer_b]) {
    const row = await customers.customerById(db, ctx.actor.tenantId, cid);
    if (!row || !ability.can('read', subject('Customer', toRecord(row)))) throw new Problem(404, 'not_found');
  }
  return c;
}

export async function getCandidate(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'DuplicateCandidate');
  const c = await visibleCandidate(db, ctx, ability, id);
  return (await presentCandidates(db, ctx, ability, [c]))[0];
}

export async function dismissCandidate(db: Db, ctx: Ctx, id: string, version: number, note: string | null) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'update', 'DuplicateCandidate');
  const current = await visibleCandidate(db, ctx, ability, id);
  const row = await db.transaction(async (tx) => {
    const c = await store.candidateById(tx, ctx.actor.tenantId, id, true);
    if (c.version !== version) throw versionConflict(c.version, version);
    if (c.status !== 'open') throw new Problem(409, 'candidate_decided', { status: c.status });
    const updated = await store.decideCandidate(tx, ctx.actor.tenantId, id, 'dismissed', ctx.actor.userId, note);
    await writeAudit(tx, ctx, {
      action: 'customer.duplicate_dismiss',
      resource: 'DuplicateCandidate',
      recordId: id,
      before: { status: current.status },
      after: { status: 'dismissed', note, customers: [c.customer_a, c.customer_b], score: Number(c.score) },
    });
    return updated;
  });
  return (await presentCandidates(db, ctx, ability, [row]))[0];
}

// ── Merge and undo ────────────────────────────────────────────────────────────────────────

export interface MergeInput {
  survivorId: string;
  mergedId: string;
  survivorVersion: number;
  mergedVersion: number;
  /** Fields whose value comes from the merged-away record. */
  take: MergeableField[];
  candidateId?: string;
}

function keyOk(r: CustomerRow) {
  return r.kind === 'org' ? !!r.credit_code : !!r.mobile;
}

function toMergeOut(m: store.MergeRow) {
  const moved = Object.fromEntries(Object.entries(m.moved).map(([k, ids]) => [k, ids.length]));
  return {
    id: m.id,
    survivorId: m.survivor_id,
    mergedId: m.merged_id,
    candidateId: m.candidate_id,
    fieldsTaken: m.fields_taken,
    moved,
    status: m.status,
    mergedBy: m.merged_by,
    mergedAt: m.merged_at,
    undoneBy: m.undone_by,
    undoneAt: m.undone_at,
  };
}

export async function mergeCustomers(db: Db, ctx: Ctx, input: MergeInput) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'update', 'DuplicateCandidate');
  if (input.survivorId === input.mergedId) throw new Problem(400, 'merge_same_customer');
  const tenantId = ctx.actor.tenantId;
  const merge = await db.transaction(async (tx) => {
    // Lock both rows in id order (two merges of the same pair cannot deadlock).
    const [first, second] = [input.survivorId, input.mergedId].sort();
    const locked = new Map<string, CustomerRow>();
    for (const id of [first, second]) {
      const r = await customers.customerForUpdate(tx, tenantId, id);
      if (!r) throw new Problem(404, 'not_found');
      locked.set(id, r);
    }
    const s = locked.get(input.survivorId)!;
    const m = locked.get(input.mergedId)!;
    requireRecord(ability, 'update', 'Customer', toRecord(s));
    requireRecord(ability, 'update', 'Customer', toRecord(m));
    if (s.status !== 'active' || m.status !== 'active') throw new Problem(409, 'customer_already_merged');
    if (s.version !== input.survivorVersion) throw versionConflict(s.version, input.survivorVersion);
    if (m.version !== input.mergedVersion) throw versionConflict(m.version, input.mergedVersion);
    const take = [...new Set(input.take)];
    requireWritableFields(ability, 'update', 'Customer', toRecord(s), take);
    let candidate = input.candidateId ? await store.candidateById(tx, tenantId, input.candidateId, true) : await store.candidateForPair(tx, tenantId, s.id, m.id);
    if (input.candidateId) {
      if (!candidate) throw new Problem(404, 'not_found');
      const pair = [candidate.customer_a, candidate.customer_b].sort().join('|');
      if (pair !== [s.id, m.id].sort().join('|')) throw new Problem(400, 'candidate_pair_mismatch');
    }
    const from = toRecord(m) as Record<string, unknown>;
    const values: Partial<Record<customers.CustomerField, unknown>> = {};
    for (const f of take) values[f] = from[f];
    if (take.includes('ownerId')) {
      values.teamId = m.team_id;
      values.regionId = m.region_id;
    }
    const preview = { ...s, kind: (values.kind as CustomerRow['kind']) ?? s.kind, credit_code: take.includes('creditCode') ? m.credit_code : s.credit_code, mobile: take.includes('mobile') ? m.mobile : s.mobile };
    if (!keyOk(preview)) throw new Problem(400, 'merge_breaks_identity');
    if (!ability.can('update', subject('Customer', { ...toRecord(s), ...values }))) throw new Problem(403, 'owner_out_of_scope', {}, { field: 'ownerId' });

    // The merged record leaves the active set first, so the survivor may take its identity keys.
    const mergedRow = await customers.markMerged(tx, tenantId, m.id, s.id);
    const survivorRow = take.length ? await customers.updateCustomer(tx, tenantId, s.id, s.version, values) : s;
    if (!survivorRow) throw versionConflict(s.version + 1, s.version);
    const moved: Record<string, string[]> = {};
    for (const p of mergeParticipants()) moved[p.name] = await p.move(tx, tenantId, m.id, s.id);
    if (candidate) candidate = await store.decideCandidate(tx, tenantId, candidate.id, 'merged', ctx.actor.userId, null);
    const superseded = await store.supersedeOpen(tx, tenantId, m.id, candidate?.id ?? null);
    const row = await store.insertMerge(tx, tenantId, {
      id: crypto.randomUUID(),
      survivor_id: s.id,
      merged_id: m.id,
      candidate_id: candidate?.id ?? null,
      survivor_before: s as unknown as Record<string, unknown>,
      merged_before: m as unknown as Record<string, unknown>,
      survivor_after: survivorRow as unknown as Record<string, unknown>,
      fields_taken: take,
      moved,
      superseded,
      merged_by: ctx.actor.userId,
    });
    await writeAudit(tx, ctx, {
      action: 'customer.merge',
      resource: 'Customer',
      recordId: s.id,
      before: { survivor: toRecord(s), merged: toRecord(m) },
      after: {
        mergeId: row.id,
        survivor: toRecord(survivorRow),
        merged: toRecord(mergedRow),
        fieldsTaken: take,
        moved: Object.fromEntries(Object.entries(moved).map(([k, ids]) => [k, ids.length])),
        candidateId: candidate?.id ?? null,
      },
    });
    return row;
  });
  return toMergeOut(merge);
}

export async function getMerge(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Customer');
  const m = await store.mergeById(db, ctx.actor.tenantId, id);
  if (!m) throw new Problem(404, 'not_found');
  for (const cid of [m.survivor_id, m.merged_id]) {
    const r = await customers.customerById(db, ctx.actor.tenantId, cid);
    if (!r || !ability.can('read', subject('Customer', toRecord(r)))) throw new Problem(404, 'not_found');
  }
  return toMergeOut(m);
}

export async function undoMerge(db: Db, ctx: Ctx, id: string) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'update', 'DuplicateCandidate');
  const tenantId = ctx.actor.tenantId;
  const merge = await db.transaction(async (tx) => {
    const mg = await store.mergeById(tx, tenantId, id, true);
    if (!mg) throw new Problem(404, 'not_found');
    const [first, second] = [mg.survivor_id, mg.merged_id].sort();
    const locked = new Map<string, CustomerRow>();
    for (const cid of [first, second]) locked.set(cid, await customers.customerForUpdate(tx, tenantId, cid));
    const s = locked.get(mg.survivor_id)!;
    const m = locked.get(mg.merged_id)!;
    requireRecord(ability, 'update', 'Customer', toRecord(s));
    requireRecord(ability, 'update', 'Customer', toRecord(m));
    if (mg.status === 'undone') throw new Problem(409, 'merge_already_undone');
    const afterVersion = Number(mg.survivor_after.version);
    if (s.version !== afterVersion || s.status !== 'active') throw new Problem(409, 'merge_undo_stale', { current: s.version });
    if (m.status !== 'merged' || m.merged_into !== s.id) throw new Problem(409, 'merge_undo_stale', { current: s.version });
    const names = Object.keys(mg.moved);
    for (const name of names) if (!mergeParticipant(name)) throw new Problem(409, 'merge_participant_missing', { name });
    for (const name of names.reverse()) await mergeParticipant(name)!.restore(tx, tenantId, mg.moved[name], m.id);
    // Survivor first: it gives back any identity key it took before the other record is active again.
    const survivor = await customers.restoreCustomer(tx, tenantId, mg.survivor_before);
    const restored = await customers.restoreCustomer(tx, tenantId, mg.merged_before);
    await store.reopen(tx, tenantId, [...mg.superseded, ...(mg.candidate_id ? [mg.candidate_id] : [])]);
    await store.markUndone(tx, tenantId, mg.id, ctx.actor.userId);
    await writeAudit(tx, ctx, {
      action: 'customer.merge_undo',
      resource: 'Customer',
      recordId: s.id,
      before: { survivor: toRecord(s), merged: toRecord(m) },
      after: { mergeId: mg.id, survivor: toRecord(survivor), merged: toRecord(restored) },
    });
    return (await store.mergeById(tx, tenantId, mg.id))!;
  });
  return toMergeOut(merge);
}

export type { Candidate };
