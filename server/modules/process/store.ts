// SQL for the process module's own tables: visits, their actions, media and verdicts, and the
// batch detectors' flags. Every function takes tenantId.
import type { Sql } from '../../platform/db/db.js';
import { beforeSql, type Before } from '../../platform/db/keyset.js';
import type { ActionType } from './actions.js';

export interface VisitRow {
  id: string;
  customer_id: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  purpose: string;
  note: string;
  occurred_at: Date;
  recorded_at: Date;
  planned_at: Date | null;
  lat: number | null;
  lng: number | null;
  checkin_source: string | null;
  geofence: string | null;
  compliant: boolean | null;
  missing: unknown;
  flags: string[];
  counts: boolean;
  updated_at: Date;
}

export const VISIT_COLUMNS = { id: 'id', repId: 'rep_id', teamId: 'team_id', regionId: 'region_id' };
const VISIT_SELECT = `id, customer_id, rep_id, team_id, region_id, purpose, note, occurred_at, recorded_at, planned_at, lat, lng,
  checkin_source, geofence, compliant, missing, flags, counts, updated_at`;

export interface ActionRow {
  id: string;
  visit_id: string;
  rep_id: string;
  type: ActionType;
  occurred_at: Date;
  recorded_at: Date;
  fields: Record<string, unknown>;
  note: string;
  lat: number | null;
  lng: number | null;
  accuracy_m: number | null;
  corrects: string | null;
  superseded: boolean;
}
const ACTION_SELECT = 'id, visit_id, rep_id, type, occurred_at, recorded_at, fields, note, lat, lng, accuracy_m, corrects, superseded';

export interface MediaRow {
  id: string;
  visit_id: string;
  action_id: string | null;
  rep_id: string;
  kind: 'photo' | 'voice' | 'screenshot';
  sha256: string;
  mime: string;
  claimed_at: Date;
  claimed_lat: number | null;
  claimed_lng: number | null;
  exif: Record<string, unknown> | null;
  dhash: string | null;
  ocr_text: string | null;
  transcript: string | null;
  tags: string[];
  analysed_at: Date | null;
  analysis_error: string | null;
  created_at: Date;
}
const MEDIA_SELECT = `id, visit_id, action_id, rep_id, kind, sha256, mime, claimed_at, claimed_lat, claimed_lng, exif, dhash, ocr_text,
  transcript, tags, analysed_at, analysis_error, created_at`;

export interface VerdictRow {
  id: string;
  visit_id: string;
  action_id: string | null;
  media_id: string | null;
  check_name: string;
  rule_version: string;
  outcome: 'pass' | 'warn' | 'flag';
  inputs: Record<string, unknown>;
  numbers: Record<string, unknown>;
  created_at: Date;
}

export interface FlagRow {
  id: string;
  rep_id: string;
  team_id: string | null;
  region_id: string | null;
  detector: string;
  period_from: string;
  period_to: string;
  rule_version: string;
  numbers: Record<string, unknown>;
  evidence: unknown[];
  visit_ids: string[];
  created_at: Date;
}

// ── visits ───────────────────────────────────────────────────────────────────────────────

export async function visitsOfCustomer(db: Sql, tenantId: string, customerId: string, access: { sql: string; params: unknown[] }, limit = 100, before?: Before) {
  const params = [...access.params, tenantId, customerId];
  const after = beforeSql('visit', 'occurred_at', before, params);
  return (
    await db.query<VisitRow>(
      `select ${VISIT_SELECT} from visits
        where ${access.sql} and tenant_id = $${access.params.length + 1} and customer_id = $${access.params.length + 2} and ${after}
        order by occurred_at desc, id desc limit ${Number(limit)}`,
      params,
    )
  ).rows;
}

export async function visitById(db: Sql, tenantId: string, id: string, forUpdate = false): Promise<VisitRow | undefined> {
  const r = await db.query<VisitRow>(`select ${VISIT_SELECT} from visits where tenant_id = $1 and id = $2${forUpdate ? ' for update' : ''}`, [tenantId, id]);
  return r.rows[0];
}

export async function insertVisit(
  db: Sql,
  tenantId: string,
  v: { id: string; customerId: string; repId: string; teamId: string | null; regionId: string | null; purpose: string; note: string; occurredAt: Date; recordedAt: Date; plannedAt: Date | null },
) {
  const r = await db.query<VisitRow>(
    `insert into visits (tenant_id, id, customer_id, rep_id, team_id, region_id, purpose, note, occurred_at, recorded_at, planned_at, updated_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$10) returning ${VISIT_SELECT}`,
    [tenantId, v.id, v.customerId, v.repId, v.teamId, v.regionId, v.purpose, v.note, v.occurredAt, v.recordedAt, v.plannedAt],
  );
  return r.rows[0];
}

export async function updateVisitSummary(
  db: Sql,
  tenantId: string,
  id: string,
  s: { occurredAt: Date; lat: number | null; lng: number | null; checkinSource: string | null; geofence: string | null; compliant: boolean | null; missing: unknown; flags: string[]; counts: boolean; note: string; updatedAt: Date },
) {
  await db.query(
    `update visits set occurred_at = $3, lat = $4, lng = $5, checkin_source = $6, geofence = $7, compliant = $8, missing = $9, flags = $10, counts = $11,
       note = $12, updated_at = $13 where tenant_id = $1 and id = $2`,
    [tenantId, id, s.occurredAt, s.lat, s.lng, s.checkinSource, s.geofence, s.compliant, JSON.stringify(s.missing), s.flags, s.counts, s.note, s.updatedAt],
  );
}

export interface VisitFilter {
  repId?: string;
  teamId?: string;
  customerId?: string;
  flagged?: boolean;
  check?: string;
  from?: Date;
  to?: Date;
}

export async function listVisits(db: Sql, tenantId: string, access: { sql: string; params: unknown[] }, f: VisitFilter, limit: number, before?: Before) {
  const params = [...access.params, tenantId];
  const where = [access.sql, `tenant_id = $${params.length}`];
  const add = (sql: (n: number) => string, v: unknown) => {
    params.push(v);
    where.push(sql(params.length));
  };
  if (f.repId) add((n) => `rep_id = $${n}`, f.repId);
  if (f.teamId) add((n) => `team_id = $${n}`, f.teamId);
  if (f.customerId) add((n) => `customer_id = $${n}`, f.customerId);
  if (f.from) add((n) => `occurred_at >= $${n}`, f.from);
  if (f.to) add((n) => `occurred_at < $${n}`, f.to);
  if (f.check) add((n) => `flags @> array[$${n}]::text[]`, f.check);
  else if (f.flagged) where.push(`cardinality(flags) > 0`);
  where.push(beforeSql('visit', 'occurred_at', before, params));
  return (await db.query<VisitRow>(`select ${VISIT_SELECT} from visits where ${where.join(' and ')} order by occurred_at desc, id desc limit ${Number(limit)}`, params)).rows;
}

/** A rep's visits planned for, or happening in, [from, to). */
export async function repVisitsBetween(db: Sql, tenantId: string, repId: string, from: Date, to: Date) {
  return (
    await db.query<VisitRow>(
      `select ${VISIT_SELECT} from visits where tenant_id = $1 and rep_id = $2
         and ((planned_at >= $3 and planned_at < $4) or (occurred_at >= $3 and occurred_at < $4))
       order by coalesce(planned_at, occurred_at), id`,
      [tenantId, repId, from, to],
    )
  ).rows;
}

/** The rep's open visit of a customer since `since` (the latest), for a scan that should not start a second one. */
export async function openVisitOf(db: Sql, tenantId: string, repId: string, customerId: string, since: Date) {
  const r = await db.query<VisitRow>(
    `select ${VISIT_SELECT} from visits where tenant_id = $1 and rep_id = $2 and customer_id = $3
       and (occurred_at >= $4 or planned_at >= $4) order by occurred_at desc limit 1`,
    [tenantId, repId, customerId, since],
  );
  return r.rows[0];
}

/** C1 merge: re-points a customer's visits to another customer; returns the visit ids moved. */
export async function moveVisits(db: Sql, tenantId: string, fromCustomerId: string, toCustomerId: string) {
  const r = await db.query<{ id: string }>('update visits set customer_id = $3 where tenant_id = $1 and customer_id = $2 returning id', [tenantId, fromCustomerId, toCustomerId]);
  return r.rows.map((x) => x.id);
}

/** C1 merge undo: puts exactly these visits back on the customer they came from. */
export async function restoreVisits(db: Sql, tenantId: string, ids: string[], toCustomerId: string) {
  if (!ids.length) return;
  await db.query('update visits set customer_id = $3 where tenant_id = $1 and id = any($2::uuid[])', [tenantId, ids, toCustomerId]);
}

// ── actions ──────────────────────────────────────────────────────────────────────────────

export async function actionById(db: Sql, tenantId: string, id: string): Promise<ActionRow | undefined> {
  return (await db.query<ActionRow>(`select ${ACTION_SELECT} from visit_actions where tenant_id = $1 and id = $2`, [tenantId, id])).rows[0];
}

export async function actionsOfVisits(db: Sql, tenantId: string, visitIds: readonly string[]): Promise<ActionRow[]> {
  if (!visitIds.length) return [];
  return (
    await db.query<ActionRow>(`select ${ACTION_SELECT} from visit_actions where tenant_id = $1 and visit_id = any($2::uuid[]) order by occurred_at, recorded_at, id`, [
      tenantId,
      [...visitIds],
    ])
  ).rows;
}

export async function insertAction(
  db: Sql,
  tenantId: string,
  a: { id: string; visitId: string; repId: string; type: ActionType; occurredAt: Date; recordedAt: Date; fields: Record<string, unknown>; note: string; lat: number | null; lng: number | null; accuracyM: number | null; corrects: string | null },
): Promise<ActionRow> {
  const r = await db.query<ActionRow>(
    `insert into visit_actions (tenant_id, id, visit_id, rep_id, type, occurred_at, recorded_at, fields, note, lat, lng, accuracy_m, corrects)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) returning ${ACTION_SELECT}`,
    [tenantId, a.id, a.visitId, a.repId, a.type, a.occurredAt, a.recordedAt, JSON.stringify(a.fields), a.note, a.lat, a.lng, a.accuracyM, a.corrects],
  );
  return r.rows[0];
}

export async function markSuperseded(db: Sql, tenantId: string, id: string) {
  await db.query('update visit_actions set superseded = true where tenant_id = $1 and id = $2', [tenantId, id]);
}

/** Derived data on an action (keywords extracted from a transcript); the claimed facts never change. */
export async function mergeActionFields(db: Sql, tenantId: string, id: string, patch: Record<string, unknown>) {
  await db.query('update visit_actions set fields = fields || $3::jsonb where tenant_id = $1 and id = $2', [tenantId, id, JSON.stringify(patch)]);
}

/** The rep's latest check-in on another visit that happened before `at` (for impossible travel). */
export async function previousCheckIn(db: Sql, tenantId: string, repId: string, at: Date, excludeVisitId: string) {
  const r = await db.query<{ visit_id: string; lat: number; lng: number; occurred_at: Date }>(
    `select visit_id, lat, lng, occurred_at from visit_actions
      where tenant_id = $1 and rep_id = $2 and type = 'check_in' and not superseded and lat is not null
        and occurred_at <= $3 and visit_id <> $4
      order by occurred_at desc limit 1`,
    [tenantId, repId, at, excludeVisitId],
  );
  return r.rows[0];
}

// ── media ────────────────────────────────────────────────────────────────────────────────

export async function mediaById(db: Sql, tenantId: string, id: string): Promise<MediaRow | undefined> {
  return (await db.query<MediaRow>(`select ${MEDIA_SELECT} from visit_media where tenant_id = $1 and id = $2`, [tenantId, id])).rows[0];
}

export async function mediaOfVisits(db: Sql, tenantId: string, visitIds: readonly string[]): Promise<MediaRow[]> {
  if (!visitIds.length) return [];
  return (await db.query<MediaRow>(`select ${MEDIA_SELECT} from visit_media where tenant_id = $1 and visit_id = any($2::uuid[]) order by created_at, id`, [tenantId, [...visitIds]])).rows;
}

export async function insertMedia(
  db: Sql,
  tenantId: string,
  m: {
    id: string; visitId: string; actionId: string | null; repId: string; kind: string; sha256: string; mime: string; claimedAt: Date;
    claimedLat: number | null; claimedLng: number | null; exif: unknown; dhash: string | null; bands: string[] | null; createdAt: Date;
  },
): Promise<MediaRow> {
  const r = await db.query<MediaRow>(
    `insert into visit_media (tenant_id, id, visit_id, action_id, rep_id, kind, sha256, mime, claimed_at, claimed_lat, claimed_lng, exif, dhash, dhash_bands, created_at)
     values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) returning ${MEDIA_SELECT}`,
    [tenantId, m.id, m.visitId, m.actionId, m.repId, m.kind, m.sha256, m.mime, m.claimedAt, m.claimedLat, m.claimedLng, m.exif === null ? null : JSON.stringify(m.exif), m.dhash, m.bands, m.createdAt],
  );
  return r.rows[0];
}

/** Photos on other visits sharing a dHash band with this one (candidates for reuse; confirmed by distance). */
export async function photosSharingBands(db: Sql, tenantId: string, bands: string[], excludeVisitId: string, limit = 50) {
  return (
    await db.query<{ id: string; visit_id: string; rep_id: string; dhash: string; claimed_at: Date }>(
      `select id, visit_id, rep_id, dhash, claimed_at from visit_media
        where tenant_id = $1 and dhash_bands && $2::text[] and visit_id <> $3 and kind in ('photo', 'screenshot')
        order by claimed_at limit ${Number(limit)}`,
      [tenantId, bands, excludeVisitId],
    )
  ).rows;
}

export async function pendingMedia(db: Sql, tenantId: string, limit: number) {
  return (await db.query<MediaRow>(`select ${MEDIA_SELECT} from visit_media where tenant_id = $1 and analysed_at is null order by created_at limit ${Number(limit)}`, [tenantId])).rows;
}

export async function saveAnalysis(db: Sql, tenantId: string, id: string, a: { ocrText?: string | null; transcript?: string | null; tags?: string[]; error?: string | null; at: Date }) {
  await db.query(
    `update visit_media set ocr_text = coalesce($3, ocr_text), transcript = coalesce($4, transcript), tags = coalesce($5, tags), analysis_error = $6, analysed_at = $7
      where tenant_id = $1 and id = $2`,
    [tenantId, id, a.ocrText ?? null, a.transcript ?? null, a.tags ?? null, a.error ?? null, a.at],
  );
}

// ── verdicts ─────────────────────────────────────────────────────────────────────────────

export async function activeVerdicts(db: Sql, tenantId: string, visitIds: readonly string[]): Promise<VerdictRow[]> {
  if (!visitIds.length) return [];
  return (
    await db.query<VerdictRow>(
      `select id, visit_id, action_id, media_id, check_name, rule_version, outcome, inputs, numbers, created_at from visit_verdicts
        where tenant_id = $1 and visit_id = any($2::uuid[]) and superseded_at is null order by created_at, check_name`,
      [tenantId, [...visitIds]],
    )
  ).rows;
}

export async function supersedeVerdicts(db: Sql, tenantId: string, ids: string[], at: Date) {
  if (!ids.length) return;
  await db.query('update visit_verdicts set superseded_at = $3 where tenant_id = $1 and id = any($2::uuid[])', [tenantId, ids, at]);
}

export async function insertVerdicts(db: Sql, tenantId: string, rows: Omit<VerdictRow, 'created_at'>[], at: Date) {
  if (!rows.length) return;
  const params: unknown[] = [tenantId, at];
  const values = rows.map((v) => {
    const base = params.length;
    params.push(v.id, v.visit_id, v.action_id, v.media_id, v.check_name, v.rule_version, v.outcome, JSON.stringify(v.inputs), JSON.stringify(v.numbers));
    return `($1, ${Array.from({ length: 9 }, (_, i) => `$${base + i + 1}`).join(', ')}, $2)`;
  });
  await db.query(
    `insert into visit_verdicts (tenant_id, id, visit_id, action_id, media_id, check_name, rule_version, outcome, inputs, numbers, created_at) values ${values.join(', ')}`,
    params,
  );
}

// ── batch flags (P8) ─────────────────────────────────────────────────────────────────────

export async function flagsOfVisit(db: Sql, tenantId: string, visitId: string): Promise<FlagRow[]> {
  return (
    await db.query<FlagRow>(
      `select id, rep_id, team_id, region_id, detector, period_from, period_to, rule_version, numbers, evidence, visit_ids, created_at
         from process_flags where tenant_id = $1 and visit_ids @> array[$2]::uuid[] order by created_at desc`,
      [tenantId, visitId],
    )
  ).rows;
}

export async function listFlags(db: Sql, tenantId: string, access: { sql: string; params: unknown[] }, f: { repId?: string; teamId?: string; detector?: string }, limit: number) {
  const params = [...access.params, tenantId];
  const where = [access.sql, `tenant_id = $${params.length}`];
  if (f.repId) where.push(`rep_id = $${params.push(f.repId)}`);
  if (f.teamId) where.push(`team_id = $${params.push(f.teamId)}`);
  if (f.detector) where.push(`detector = $${params.push(f.detector)}`);
  return (
    await db.query<FlagRow>(
      `select id, rep_id, team_id, region_id, detector, period_from, period_to, rule_version, numbers, evidence, visit_ids, created_at
         from process_flags where ${where.join(' and ')} order by period_to desc, created_at desc limit ${Number(limit)}`,
      params,
    )
  ).rows;
}

/** The records the batch detectors read for a period: one per visit, with the need-capture note when there is one. */
export async function detectorRecords(db: Sql, tenantId: string, from: Date, to: Date) {
  return (
    await db.query<{ visit_id: string; rep_id: string; team_id: string | null; region_id: string | null; occurred_at: Date; recorded_at: Date; note: string }>(
      `select v.id as visit_id, v.rep_id, v.team_id, v.region_id,
              coalesce(n.occurred_at, v.occurred_at) as occurred_at, coalesce(n.recorded_at, v.recorded_at) as recorded_at,
              coalesce(nullif(n.note, ''), v.note) as note
         from visits v
         left join lateral (select occurred_at, recorded_at, note from visit_actions a
                             where a.tenant_id = v.tenant_id and a.visit_id = v.id and a.type = 'need_capture' and not a.superseded
                             order by occurred_at limit 1) n on true
        where v.tenant_id = $1 and v.occurred_at >= $2 and v.occurred_at < $3`,
      [tenantId, from, to],
    )
  ).rows;
}

/**
 * Replaces the flags of the detectors that ran for every period overlapping this one (the nightly
 * run slides its window, so yesterday's findings are replaced, not duplicated); returns the visit
 * ids whose flags changed.
 */
export async function replaceFlags(
  db: Sql,
  tenantId: string,
  period: { from: string; to: string },
  detectors: string[],
  rows: Omit<FlagRow, 'created_at' | 'period_from' | 'period_to'>[],
  at: Date,
): Promise<string[]> {
  const old = await db.query<{ visit_ids: string[] }>(
    'delete from process_flags where tenant_id = $1 and period_to >= $2 and period_from <= $3 and detector = any($4::text[]) returning visit_ids',
    [tenantId, period.from, period.to, detectors],
  );
  const touched = new Set<string>(old.rows.flatMap((r) => r.visit_ids));
  for (const f of rows) {
    await db.query(
      `insert into process_flags (tenant_id, id, rep_id, team_id, region_id, detector, period_from, period_to, rule_version, numbers, evidence, visit_ids, created_at)
       values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
      [tenantId, f.id, f.rep_id, f.team_id, f.region_id, f.detector, period.from, period.to, f.rule_version, JSON.stringify(f.numbers), JSON.stringify(f.evidence), f.visit_ids, at],
    );
    for (const v of f.visit_ids) touched.add(v);
  }
  return [...touched];
}

/** Recomputes the cached `visits.flags` of these visits from their active flag verdicts and the batch flags. */
export async function refreshVisitFlags(db: Sql, tenantId: string, visitIds: readonly string[]) {
  if (!visitIds.length) return;
  await db.query(
    `update visits v set flags = coalesce((
        select array_agg(distinct name order by name) from (
          select check_name as name from visit_verdicts d where d.tenant_id = v.tenant_id and d.visit_id = v.id and d.superseded_at is null and d.outcome = 'flag'
          union all
          select 'p8.' || f.detector from process_flags f where f.tenant_id = v.tenant_id and f.visit_ids @> array[v.id]
        ) n), '{}')
      where v.tenant_id = $1 and v.id = any($2::uuid[])`,
    [tenantId, [...visitIds]],
  );
}

/** Visits that have actions but were never evaluated (e.g. written by an import or the demo loader). */
export async function unevaluatedVisits(db: Sql, tenantId: string, limit: number) {
  return (
    await db.query<{ id: string }>(
      `select v.id from visits v where v.tenant_id = $1
          and exists (select 1 from visit_actions a where a.tenant_id = v.tenant_id and a.visit_id = v.id)
          and not exists (select 1 from visit_verdicts d where d.tenant_id = v.tenant_id and d.visit_id = v.id)
        order by v.occurred_at limit ${Number(limit)}`,
      [tenantId],
    )
  ).rows.map((r) => r.id);
}
