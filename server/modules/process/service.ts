// Visit use cases (P1–P5, P9, P10): a visit made of six atomic actions, recorded from the field
// app with idempotent client ids, checked on ingest (geofence, impossible travel, sequence, time
// limits, photo EXIF and reuse) and evaluated again whenever something is added. Every verdict is
// stored with its rule version, inputs and numbers; the visit caches a summary for lists.
import crypto from 'node:crypto';
import type { Db, Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';
import type { Deps } from '../../platform/deps.js';
import { accessWhere } from '../../platform/access/sql.js';
import { defineAbilityFor, requireAbility, requireRecord, subject } from '../../platform/access/abilities.js';
import { Problem, registerMessages } from '../../platform/http/problem.js';
import { writeAudit } from '../../platform/audit/audit.js';
import { PROCESS_ACTIONS, PROCESS_NEED_DICTIONARY } from '../../platform/config/defaults.js';
import { localDate, TZ_OFFSET_MS } from '../../platform/calendar.js';
import type { Before } from '../../platform/db/keyset.js';
import * as org from '../org/service.js';
import { customerBrief, customerSites, type CustomerSite } from '../customers/lookup.js';
import { ACTION_TYPES, missingFields, type ActionRules, type ActionType } from './actions.js';
import { positionProblem, toWgs84, type Datum } from './geofence.js';
import { dHash, hashBands, readPhotoMeta } from './photos.js';
import { checkVoiceNote, VOICE_SNIFFED_TYPES } from './voice.js';
import { evaluateVisit, loadEvalRules } from './evaluate.js';
import { enqueueAnalysis } from './analysis.js';
import { emitActionRecorded } from './facts.js';
import { extractNeeds } from './keywords.js';
import { qrCode, qrSvg, qrUrl, verifyQrCode } from './qr.js';
import * as store from './store.js';
import type { ActionRow, MediaRow, VerdictRow, VisitRow } from './store.js';

export { evaluateVisit };

registerMessages({
  id_conflict: {
    'zh-CN': '编号 {id} 已被另一条记录使用（重复提交的内容与原记录不一致）',
    'en-US': 'The id {id} already belongs to another record (the resent content differs from the original)',
  },
  time_in_future: { 'zh-CN': '时间不能晚于当前时间：{field}', 'en-US': 'The time cannot be in the future: {field}' },
  action_fields_missing: {
    'zh-CN': '“{typeName}”缺少必填内容：{fields}',
    'en-US': '“{typeName}” is missing required fields: {fields}',
  },
  position_invalid: {
    'zh-CN': '定位数据无效（{reason}）：纬度须在 -90 至 90、经度须在 -180 至 180 之间，精度不能为负',
    'en-US': 'The position is invalid ({reason}): latitude must be within ±90, longitude within ±180, and accuracy not negative',
  },
  action_exists: {
    'zh-CN': '这次拜访已有“{typeName}”记录；如需更正，请提交更正记录（corrects）',
    'en-US': 'This visit already has a “{typeName}”; to change it, send a correction (corrects)',
  },
  correction_invalid: {
    'zh-CN': '被更正的记录不存在、不属于这次拜访、类型不同或已被更正过',
    'en-US': 'The record being corrected does not exist, belongs to another visit, has another type, or was already corrected',
  },
  qr_invalid: { 'zh-CN': '二维码无效或不属于本企业', 'en-US': 'The QR code is not valid for this company' },
  qr_mismatch: { 'zh-CN': '扫描的二维码属于另一位客户', 'en-US': 'The scanned QR code belongs to another customer' },
  media_action_invalid: { 'zh-CN': '附件指向的动作不属于这次拜访', 'en-US': 'The attachment points at an action of another visit' },
  objection_status_invalid: {
    'zh-CN': '异议的处理结果（status）只能是 open（待跟进）或 closed（当场化解），收到的是：{value}',
    'en-US': 'An objection’s status must be open (still open) or closed (resolved); received: {value}',
  },
  objection_close_forbidden: {
    'zh-CN': '只有拜访的销售本人或其主管可以标记异议已化解',
    'en-US': 'Only the rep who made the visit or their manager can mark an objection as resolved',
  },
  objection_not_open: {
    'zh-CN': '这条异议不存在、已被更正或已经化解',
    'en-US': 'This objection does not exist, was corrected, or is already resolved',
  },
});

/** G2: an objection is open (待跟进) or closed (当场化解 / 已化解); 异议闭环率 counts the closed ones. */
export const OBJECTION_STATUSES = ['open', 'closed'] as const;

export const ACTION_NAMES: Record<ActionType, { 'zh-CN': string; 'en-US': string }> = {
  appointment: { 'zh-CN': '预约发起', 'en-US': 'Appointment' },
  check_in: { 'zh-CN': '现场签到', 'en-US': 'Check-in' },
  need_capture: { 'zh-CN': '需求捕捉', 'en-US': 'Need capture' },
  demo: { 'zh-CN': '方案演示', 'en-US': 'Solution demo' },
  objection: { 'zh-CN': '异议登记', 'en-US': 'Objection' },
  follow_up: { 'zh-CN': '跟进承诺', 'en-US': 'Follow-up commitment' },
};

/** Allowed clock skew between a phone and the server for "not in the future". */
const SKEW_MS = 5 * 60_000;
/** Actions a visit has at most one of (a change is a correction). */
const SINGLE: ReadonlySet<ActionType> = new Set(['appointment', 'check_in']);
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif'] as const;

export type ProcessDeps = Pick<Deps, 'config' | 'files' | 'settings' | 'now' | 'log'>;

const visitScope = (v: Pick<VisitRow, 'rep_id' | 'team_id' | 'region_id'>) => ({ repId: v.rep_id, teamId: v.team_id, regionId: v.region_id });

/** The visit if the actor may do `action` on it; a visit outside the actor's read scope reads as not found. */
async function visitFor(db: Sql, ctx: Ctx, id: string, action: 'read' | 'update', forUpdate = false): Promise<VisitRow> {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, action, 'Visit');
  const v = await store.visitById(db, ctx.actor.tenantId, id, forUpdate);
  if (!v || !ability.can('read', subject('Visit', visitScope(v)))) throw new Problem(404, 'not_found');
  requireRecord(ability, action, 'Visit', visitScope(v));
  return v;
}

function notInFuture(at: Date, now: Date, field: string) {
  if (at.getTime() > now.getTime() + SKEW_MS) throw new Problem(400, 'time_in_future', { field });
}

// ── create ───────────────────────────────────────────────────────────────────────────────

export interface NewVisit {
  id: string;
  customerId: string;
  purpose: string;
  plannedAt?: Date | null;
  note?: string;
}

/** Creates a visit (with its appointment action when planned ahead). Returns `replayed` for a resent id. */
export async function createVisit(db: Db, deps: ProcessDeps, ctx: Ctx, input: NewVisit): Promise<{ visit: VisitDetail; replayed: boolean }> {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'create', 'Visit');
  const tenantId = ctx.actor.tenantId;
  const repId = ctx.actor.userId;
  if (!repId) throw new Problem(403, 'forbidden');
  const existing = await store.visitById(db, tenantId, input.id);
  if (existing) {
    if (existing.rep_id !== repId || existing.customer_id !== input.customerId) throw new Problem(409, 'id_conflict', { id: input.id });
    return { visit: await visitDetail(db, deps, ctx, input.id), replayed: true };
  }
  const customer = await customerBrief(db, ctx, input.customerId);
  const now = deps.now();
  const plannedAt = input.plannedAt ?? null;
  requireRecord(ability, 'create', 'Visit', { repId, teamId: ctx.actor.teamId, regionId: ctx.actor.regionId });
  const evalRules = await loadEvalRules(deps, tenantId);
  await db.transaction(async (tx) => {
    await store.insertVisit(tx, tenantId, {
      id: input.id,
      customerId: customer.id,
      repId,
      teamId: ctx.actor.teamId,
      regionId: ctx.actor.regionId,
      purpose: input.purpose,
      note: input.note ?? '',
      occurredAt: plannedAt ?? now,
      recordedAt: now,
      plannedAt,
    });
    if (plannedAt) {
      await store.insertAction(tx, tenantId, {
        id: derivedId(input.id, 'appointment'),
        visitId: input.id,
        repId,
        type: 'appointment',
        occurredAt: now,
        recordedAt: now,
        fields: { customerId: customer.id, plannedAt: plannedAt.toISOString(), purpose: input.purpose },
        note: input.note ?? '',
        lat: null,
        lng: null,
        accuracyM: null,
        corrects: null,
      });
    }
    await evaluateVisit(tx, evalRules, tenantId, input.id);
    await writeAudit(tx, ctx, { action: 'visit.create', resource: 'Visit', recordId: input.id, after: { customerId: customer.id, purpose: input.purpose, plannedAt } });
  });
  return { visit: await visitDetail(db, deps, ctx, input.id), replayed: false };
}

/** A stable id for an action the server creates on the client's behalf, so a replay finds it again. */
function derivedId(visitId: string, what: string): string {
  const h = crypto.createHash('sha256').update(`${visitId}:${what}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface NewAction {
  id: string;
  type: ActionType;
  occurredAt: Date;
  fields: Record<string, unknown>;
  note?: string;
  position?: { lat: number; lng: number; accuracyM: number; datum: Datum };
  via?: 'qr' | 'manual';
  code?: string;
  corrects?: string;
}

export async function addAction(db: Db, deps: ProcessDeps, ctx: Ctx, visitId: string, input: NewAction) {
  const tenantId = ctx.actor.tenantId;
  const visit = await visitFor(db, ctx, visitId, 'update');
  const existing = await store.actionById(db, tenantId, input.id);
  if (existing) {
    const same = existing.visit_id === visitId && existing.type === input.type && existing.rep_id === ctx.actor.userId && existing.occurred_at.getTime() === input.occurredAt.getTime();
    if (!same) throw new Problem(409, 'id_conflict', { id: input.id });
    return { replayed: true, ...(await actionResult(db, deps, ctx, visitId, input.id)) };
  }
  const now = deps.now();
  notInFuture(input.occurredAt, now, 'occurredAt');
  const rules = (await deps.config.value(tenantId, PROCESS_ACTIONS)) as ActionRules;
  const typeName = ACTION_NAMES[input.type][ctx.locale];

  let position: { lat: number; lng: number; accuracyM: number } | null = null;
  const fields: Record<string, unknown> = { ...input.fields };
  if (input.position) {
    const problem = positionProblem(input.position);
    if (problem) throw new Problem(400, 'position_invalid', { reason: problem });
    const wgs = toWgs84(input.position);
    position = { lat: wgs.lat, lng: wgs.lng, accuracyM: input.position.accuracyM };
    fields.position = { ...input.position };
  }
  const values = { ...fields, lat: position?.lat, lng: position?.lng, accuracyM: position?.accuracyM, customerId: visit.customer_id, plannedAt: visit.planned_at, purpose: visit.purpose };
  const missing = missingFields(rules[input.type], values);
  if (missing.length) throw new Problem(400, 'action_fields_missing', { typeName, fields: missing.join('、') }, { missingFields: missing });
  if (input.type === 'objection' && fields.status !== undefined && !(OBJECTION_STATUSES as readonly unknown[]).includes(fields.status)) {
    throw new Problem(400, 'objection_status_invalid', { value: JSON.stringify(fields.status).slice(0, 60) });
  }

  if (input.type === 'check_in') {
    fields.via = input.via ?? 'manual';
    if (input.code) {
      const customerId = verifyQrCode(deps.settings.qrSecret, tenantId, input.code);
      if (!customerId) throw new Problem(400, 'qr_invalid');
      if (customerId !== visit.customer_id) throw new Problem(400, 'qr_mismatch');
      fields.via = 'qr';
    } else if (input.via === 'qr') fields.via = 'manual';
  }
  if (input.type === 'need_capture') {
    const dictionary = await deps.config.value(tenantId, PROCESS_NEED_DICTIONARY);
    const text = [input.note ?? '', ...(Array.isArray(fields.needs) ? fields.needs.map(String) : []), ...(Array.isArray(fields.painPoints) ? fields.painPoints.map(String) : [])].join('。');
    const needs = extractNeeds(text, dictionary);
    fields.keywords = needs.keywords;
    fields.keywordsFrom = 'text';
    fields.keywordsVersion = needs.version;
  }

  await commitAction(db, deps, ctx, {
    id: input.id,
    visitId,
    repId: ctx.actor.userId!,
    type: input.type,
    occurredAt: input.occurredAt,
    recordedAt: now,
    fields,
    note: input.note ?? '',
    lat: position?.lat ?? null,
    lng: position?.lng ?? null,
    accuracyM: position?.accuracyM ?? null,
    corrects: input.corrects ?? null,
  });
  return { replayed: false, ...(await actionResult(db, deps, ctx, visitId, input.id)) };
}

type ActionInsert = Parameters<typeof store.insertAction>[2];

/**
 * Writes one action in the visit's lock: a correction (`corrects`) supersedes the active record of
 * the same type it points at (`accept` may refuse that record), a second appointment or check-in is
 * refused; the visit is evaluated again, audited, and listeners (live goal attainment) are told.
 */
async function commitAction(db: Db, deps: ProcessDeps, ctx: Ctx, a: ActionInsert, accept?: (old: ActionRow) => void, audit?: Record<string, unknown>) {
  const tenantId = ctx.actor.tenantId;
  const typeName = ACTION_NAMES[a.type][ctx.locale];
  const evalRules = await loadEvalRules(deps, tenantId);
  await db.transaction(async (tx) => {
    const locked = await store.visitById(tx, tenantId, a.visitId, true);
    if (!locked) throw new Problem(404, 'not_found');
    const actions = (await store.actionsOfVisits(tx, tenantId, [a.visitId])).filter((x) => !x.superseded);
    if (a.corrects) {
      const old = actions.find((x) => x.id === a.corrects);
      if (!old || old.type !== a.type) throw new Problem(409, 'correction_invalid');
      accept?.(old);
      await store.markSuperseded(tx, tenantId, old.id);
    } else if (SINGLE.has(a.type) && actions.some((x) => x.type === a.type)) {
      throw new Problem(409, 'action_exists', { typeName });
    }
    await store.insertAction(tx, tenantId, a);
    await evaluateVisit(tx, evalRules, tenantId, a.visitId);
    await writeAudit(tx, ctx, {
      action: a.corrects ? 'visit.action.correct' : 'visit.action.create',
      resource: 'Visit',
      recordId: a.visitId,
      after: { actionId: a.id, type: a.type, corrects: a.corrects ?? null, ...audit },
    });
  });
  await emitActionRecorded({ tenantId, repId: a.repId, visitId: a.visitId, actionId: a.id, type: a.type, occurredAt: a.occurredAt }, (err) =>
    deps.log.warn({ err, actionId: a.id }, 'action listener failed'),
  );
}

/**
 * Whether the actor may mark the visit's open objections as resolved: whoever may record on the
 * visit (the rep who owns it), or who may approve on it (the manager of the rep's team, who reads
 * the team's visits but does not record them).
 */
function mayCloseObjections(ability: ReturnType<typeof defineAbilityFor>, v: VisitRow): boolean {
  const scope = subject('Visit', visitScope(v));
  return ability.can('update', scope) || ability.can('approve', scope);
}

/**
 * G2: an open objection resolved later (标记已化解). A correction of the objection — same fields,
 * same time it was raised, status 'closed' — so the objection keeps its month and its rep (also when
 * the rep's manager closes it), the old record is kept as superseded, and attainment follows at once.
 * `id` is the client-chosen id of the correction: a resend answers with the stored record.
 */
export async function closeObjection(db: Db, deps: ProcessDeps, ctx: Ctx, visitId: string, objectionId: string, id: string) {
  const tenantId = ctx.actor.tenantId;
  const visit = await visitFor(db, ctx, visitId, 'read');
  if (!mayCloseObjections(defineAbilityFor(ctx.actor), visit)) throw new Problem(403, 'objection_close_forbidden');
  const existing = await store.actionById(db, tenantId, id);
  if (existing) {
    if (existing.visit_id !== visitId || existing.corrects !== objectionId) throw new Problem(409, 'id_conflict', { id });
    return { replayed: true, ...(await actionResult(db, deps, ctx, visitId, id)) };
  }
  const old = await store.actionById(db, tenantId, objectionId);
  if (!old || old.visit_id !== visitId || old.type !== 'objection' || old.superseded || old.fields.status === 'closed') throw new Problem(409, 'objection_not_open');
  await commitAction(
    db,
    deps,
    ctx,
    {
      id,
      visitId,
      repId: old.rep_id,
      type: 'objection',
      occurredAt: old.occurred_at,
      recordedAt: deps.now(),
      fields: { ...old.fields, status: 'closed' },
      note: old.note,
      lat: old.lat,
      lng: old.lng,
      accuracyM: old.accuracy_m,
      corrects: old.id,
    },
    // Re-checked in the visit's lock: two people closing the same objection at once.
    (locked) => {
      if (locked.fields.status === 'closed') throw new Problem(409, 'objection_not_open');
    },
    { status: 'closed', before: { status: old.fields.status ?? null }, closedBy: ctx.actor.userId },
  );
  return { replayed: false, ...(await actionResult(db, deps, ctx, visitId, id)) };
}

async function actionResult(db: Db, deps: ProcessDeps, ctx: Ctx, visitId: string, actionId: string) {
  const visit = await visitDetail(db, deps, ctx, visitId);
  const action = visit.actions.find((a) => a.id === actionId)!;
  return { action, verdicts: visit.verdicts.filter((v) => v.actionId === actionId), visit };
}

export interface NewMedia {
  id: string;
  kind: 'photo' | 'voice' | 'screenshot';
  actionId?: string;
  claimedAt: Date;
  lat?: number;
  lng?: number;
  buffer: Buffer;
  fileName?: string;
}

export async function addMedia(db: Db, deps: ProcessDeps, ctx: Ctx, visitId: string, input: NewMedia) {
  const tenantId = ctx.actor.tenantId;
  await visitFor(db, ctx, visitId, 'update');
  const existing = await store.mediaById(db, tenantId, input.id);
  if (existing) {
    if (existing.visit_id !== visitId || existing.rep_id !== ctx.actor.userId || existing.kind !== input.kind) throw new Problem(409, 'id_conflict', { id: input.id });
    return { replayed: true, media: (await visitDetail(db, deps, ctx, visitId)).media.find((m) => m.id === input.id)! };
  }
  const now = deps.now();
  notInFuture(input.claimedAt, now, 'claimedAt');
  if (input.lat !== undefined || input.lng !== undefined) {
    const problem = positionProblem({ lat: input.lat ?? Number.NaN, lng: input.lng ?? Number.NaN, accuracyM: 1 });
    if (problem) throw new Problem(400, 'position_invalid', { reason: problem });
  }
  if (input.actionId) {
    const a = await store.actionById(db, tenantId, input.actionId);
    if (!a || a.visit_id !== visitId) throw new Problem(400, 'media_action_invalid');
  }
  const file = await deps.files.save(ctx, { buffer: input.buffer, originalName: input.fileName, allowed: input.kind === 'voice' ? VOICE_SNIFFED_TYPES : IMAGE_TYPES });
  let exif: unknown = null;
  let hash: string | null = null;
  let mime = file.mime;
  if (input.kind === 'voice') {
    // A phone's recording may arrive in a video container; one with a picture track is not a voice note.
    const voice = checkVoiceNote(input.buffer, file.mime);
    if (!voice.ok) throw new Problem(415, 'file_type_not_allowed', { type: file.mime, ext: file.ext, allowed: 'audio/*' });
    mime = voice.mime;
  } else {
    exif = await readPhotoMeta(input.buffer);
    hash = await dHash(input.buffer).catch(() => null);
  }
  const evalRules = await loadEvalRules(deps, tenantId);
  await db.transaction(async (tx) => {
    await store.insertMedia(tx, tenantId, {
      id: input.id,
      visitId,
      actionId: input.actionId ?? null,
      repId: ctx.actor.userId!,
      kind: input.kind,
      sha256: file.sha256,
      mime,
      claimedAt: input.claimedAt,
      claimedLat: input.lat ?? null,
      claimedLng: input.lng ?? null,
      exif,
      dhash: hash,
      bands: hash ? hashBands(hash) : null,
      createdAt: now,
    });
    await evaluateVisit(tx, evalRules, tenantId, visitId);
    await writeAudit(tx, ctx, { action: 'visit.media.create', resource: 'Visit', recordId: visitId, after: { mediaId: input.id, kind: input.kind, sha256: file.sha256 } });
  });
  enqueueAnalysis(tenantId, input.id);
  await emitActionRecorded({ tenantId, repId: ctx.actor.userId!, visitId, actionId: input.id, type: 'media', occurredAt: input.claimedAt }, (err) =>
    deps.log.warn({ err, mediaId: input.id }, 'action listener failed'),
  );
  return { replayed: false, media: (await visitDetail(db, deps, ctx, visitId)).media.find((m) => m.id === input.id)! };
}

// ── read ─────────────────────────────────────────────────────────────────────────────────

export type VisitDetail = Awaited<ReturnType<typeof presentVisit>>;

async function presentVisit(db: Sql, deps: Pick<ProcessDeps, 'settings'>, ctx: Ctx, v: VisitRow, site: CustomerSite | undefined, actions: ActionRow[], media: MediaRow[], verdicts: VerdictRow[], flags: store.FlagRow[]) {
  const names = await org.namesOf(db as Db, ctx.actor.tenantId, [v.rep_id]);
  const ability = defineAbilityFor(ctx.actor);
  const summary = visitSummary(v, names.get(v.rep_id) ?? null, site);
  return {
    ...summary,
    customer: site ? { id: site.id, name: site.name, tier: site.tier, address: site.address, lat: site.lat, lng: site.lng } : null,
    actions: actions.map((a) => ({
      id: a.id,
      type: a.type,
      occurredAt: a.occurred_at,
      recordedAt: a.recorded_at,
      lagMinutes: Math.round((a.recorded_at.getTime() - a.occurred_at.getTime()) / 60_000),
      fields: a.fields,
      note: a.note,
      lat: a.lat,
      lng: a.lng,
      accuracyM: a.accuracy_m,
      corrects: a.corrects,
      superseded: a.superseded,
    })),
    media: media.map((m) => ({
      id: m.id,
      kind: m.kind,
      actionId: m.action_id,
      url: `/api/v1/files/${m.sha256}`,
      mime: m.mime,
      claimedAt: m.claimed_at,
      claimedLat: m.claimed_lat,
      claimedLng: m.claimed_lng,
      exif: m.exif,
      dhash: m.dhash,
      ocrText: m.ocr_text,
      transcript: m.transcript,
      tags: m.tags,
      analysedAt: m.analysed_at,
      analysisError: m.analysis_error,
    })),
    verdicts: verdicts.map((d) => ({
      id: d.id,
      check: d.check_name,
      ruleVersion: d.rule_version,
      outcome: d.outcome,
      actionId: d.action_id,
      mediaId: d.media_id,
      inputs: d.inputs,
      numbers: d.numbers,
      createdAt: d.created_at,
    })),
    batchFlags: ability.can('read', 'ProcessFlag')
      ? flags.map((f) => ({ id: f.id, detector: f.detector, ruleVersion: f.rule_version, periodFrom: f.period_from, periodTo: f.period_to, numbers: f.numbers, evidence: f.evidence, visitCount: f.visit_ids.length }))
      : [],
    qrUrl: site ? qrUrl(deps.settings.publicUrl, qrCode(deps.settings.qrSecret, ctx.actor.tenantId, site.id)) : null,
    /** G2: whether this actor may mark the visit's open objections as resolved. */
    canCloseObjections: mayCloseObjections(ability, v),
  };
}

function visitSummary(v: VisitRow, repName: string | null, site: Pick<CustomerSite, 'name'> | undefined) {
  return {
    id: v.id,
    customerId: v.customer_id,
    customerName: site?.name ?? null,
    repId: v.rep_id,
    repName,
    teamId: v.team_id,
    purpose: v.purpose,
    note: v.note,
    occurredAt: v.occurred_at,
    recordedAt: v.recorded_at,
    plannedAt: v.planned_at,
    checkinSource: v.checkin_source,
    geofence: v.geofence,
    compliant: v.compliant,
    missing: v.missing,
    flags: v.flags,
    counts: v.counts,
  };
}

export async function visitDetail(db: Db, deps: Pick<ProcessDeps, 'settings'>, ctx: Ctx, id: string): Promise<VisitDetail> {
  const v = await visitFor(db, ctx, id, 'read');
  const tenantId = ctx.actor.tenantId;
  const [sites, actions, media, verdicts, flags] = await Promise.all([
    customerSites(db, tenantId, [v.customer_id]),
    store.actionsOfVisits(db, tenantId, [id]),
    store.mediaOfVisits(db, tenantId, [id]),
    store.activeVerdicts(db, tenantId, [id]),
    store.flagsOfVisit(db, tenantId, id),
  ]);
  return presentVisit(db, deps, ctx, v, sites.get(v.customer_id), actions, media, verdicts, flags);
}

/** Visits in the actor's scope, newest first, with filters (flagged, a check, a rep, a team, a period). */
export async function listVisits(db: Db, ctx: Ctx, f: store.VisitFilter, page: { limit: number; before?: Before }) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Visit');
  const params: unknown[] = [];
  const sql = accessWhere(ability, 'read', 'Visit', store.VISIT_COLUMNS, params);
  const rows = await store.listVisits(db, ctx.actor.tenantId, { sql, params }, f, page.limit + 1, page.before);
  const more = rows.length > page.limit;
  const items = rows.slice(0, page.limit);
  const [names, sites, actions] = await Promise.all([
    org.namesOf(db, ctx.actor.tenantId, items.map((r) => r.rep_id)),
    customerSites(db, ctx.actor.tenantId, items.map((r) => r.customer_id)),
    store.actionsOfVisits(db, ctx.actor.tenantId, items.map((r) => r.id)),
  ]);
  const last = items[items.length - 1];
  return {
    items: items.map((r) => ({ ...visitSummary(r, names.get(r.rep_id) ?? null, sites.get(r.customer_id)), done: doneTypes(actions, r.id) })),
    next: more && last ? { at: last.occurred_at.toISOString(), id: last.id } : null,
  };
}

/** The action types a visit has (corrections count once, superseded records not at all), in sequence order. */
const doneTypes = (actions: readonly ActionRow[], visitId: string) => ACTION_TYPES.filter((t) => actions.some((a) => a.visit_id === visitId && !a.superseded && a.type === t));

/** The start of the actor's local day (Asia/Shanghai) and the next one. */
function localDay(now: Date) {
  const from = new Date(Date.parse(`${localDate(now)}T00:00:00Z`) - TZ_OFFSET_MS);
  return { from, to: new Date(from.getTime() + 86_400_000) };
}

/** P10 today's plan: the rep's visits planned for or happening today, with what each still lacks. */
export async function today(db: Db, deps: ProcessDeps, ctx: Ctx) {
  const ability = defineAbilityFor(ctx.actor);
  requireAbility(ability, 'read', 'Visit');
  const repId = ctx.actor.userId;
  if (!repId) return { date: localDate(deps.now()), items: [] };
  const { from, to } = localDay(deps.now());
  const rows = await store.repVisitsBetween(db, ctx.actor.tenantId, repId, from, to);
  const [sites, actions] = await Promise.all([
    customerSites(db, ctx.actor.tenantId, rows.map((r) => r.customer_id)),
    store.actionsOfVisits(db, ctx.actor.tenantId, rows.map((r) => r.id)),
  ]);
  return {
    date: localDate(deps.now()),
    items: rows.map((r) => {
      const site = sites.get(r.customer_id);
      return { ...visitSummary(r, ctx.actor.displayName, site), address: site?.address ?? null, done: doneTypes(actions, r.id) };
    }),
  };
}

/** P9: a scanned code → the customer (if the rep may read it) and the rep's visit of that customer today. */
export async function scan(db: Db, deps: ProcessDeps, ctx: Ctx, code: string) {
  const customerId = verifyQrCode(deps.settings.qrSecret, ctx.actor.tenantId, code);
  if (!customerId) throw new Problem(404, 'qr_invalid');
  const brief = await customerBrief(db, ctx, customerId);
  const site = (await customerSites(db, ctx.actor.tenantId, [customerId])).get(customerId)!;
  const open = ctx.actor.userId ? await store.openVisitOf(db, ctx.actor.tenantId, ctx.actor.userId, customerId, localDay(deps.now()).from) : undefined;
  const openActions = open ? await store.actionsOfVisits(db, ctx.actor.tenantId, [open.id]) : [];
  return {
    code,
    customer: { id: brief.id, name: brief.name, tier: brief.tier, stage: brief.stage, address: site.address, lat: site.lat, lng: site.lng },
    openVisit: open ? { id: open.id, purpose: open.purpose, done: doneTypes(openActions, open.id) } : null,
  };
}

/** P9: the printable QR code of a customer the actor may read. */
export async function customerQr(db: Db, deps: ProcessDeps, ctx: Ctx, customerId: string) {
  const c = await customerBrief(db, ctx, customerId);
  const code = qrCode(deps.settings.qrSecret, ctx.actor.tenantId, c.id);
  const url = qrUrl(deps.settings.publicUrl, code);
  return { code, url, svg: await qrSvg(url), name: c.name };
}
