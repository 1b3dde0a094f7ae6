// Evaluation of one visit: every check with its rule version, inputs and numbers (P1, P2, P4,
// P5). Recomputed from the stored facts whenever something is added, so ingest, imports, the
// demo loader and re-runs share one code path.
import crypto from 'node:crypto';
import type { Sql } from '../../platform/db/db.js';
import type { Deps } from '../../platform/deps.js';
import { PROCESS_ACTIONS, PROCESS_CHECKLISTS, PROCESS_GEOFENCE } from '../../platform/config/defaults.js';
import { customerSites } from '../customers/lookup.js';
import { ACTIONS_RULE, visitProgress, type ActionRules } from './actions.js';
import { checkCompliance, countEvidence, COMPLIANCE_RULE, type Checklist } from './compliance.js';
import { GEOFENCE_RULE, geofenceVerdict, travelVerdict, TRAVEL_RULE } from './geofence.js';
import { hashBands, photoPlaceVerdict, photoReuseVerdict, photoTimeVerdict, PHOTO_PLACE_RULE, PHOTO_REUSE_RULE, PHOTO_TIME_RULE } from './photos.js';
import * as store from './store.js';
import type { VerdictRow } from './store.js';

const PHOTO_TOLERANCE_MIN = 30;
export const COMPETITOR_RULE = 'competitor/1';

type NewVerdict = Omit<VerdictRow, 'id' | 'created_at'>;
const verdictKey = (v: { check_name: string; action_id: string | null; media_id: string | null }) => `${v.check_name}|${v.action_id ?? ''}|${v.media_id ?? ''}`;

/**
 * Recomputes a visit's verdicts from its stored facts and the tenant's rules, keeps unchanged
 * verdicts, supersedes changed or vanished ones, and refreshes the visit's summary. Runs inside
 * the caller's transaction; the same function serves ingest, imports, the demo and re-runs.
 */
export interface EvalRules {
  actions: ActionRules;
  geofence: { radiusM: number; maxSpeedKmh: number };
  checklists: Partial<Record<string, Checklist>>;
  now: Date;
}

/** The tenant's rules for evaluation. Read before the transaction: configuration is not read through `tx`. */
export async function loadEvalRules(deps: Pick<Deps, 'config' | 'now'>, tenantId: string): Promise<EvalRules> {
  const [actions, geofence, checklists] = await Promise.all([
    deps.config.value(tenantId, PROCESS_ACTIONS) as Promise<ActionRules>,
    deps.config.value(tenantId, PROCESS_GEOFENCE),
    deps.config.value(tenantId, PROCESS_CHECKLISTS) as Promise<Partial<Record<string, Checklist>>>,
  ]);
  return { actions, geofence, checklists, now: deps.now() };
}

export async function evaluateVisit(tx: Sql, r: EvalRules, tenantId: string, visitId: string): Promise<void> {
  const visit = await store.visitById(tx, tenantId, visitId);
  if (!visit) return;
  const { now, geofence, checklists } = r;
  const rules = r.actions;
  const site = (await customerSites(tx, tenantId, [visit.customer_id])).get(visit.customer_id);
  const actions = (await store.actionsOfVisits(tx, tenantId, [visitId])).filter((a) => !a.superseded);
  const media = await store.mediaOfVisits(tx, tenantId, [visitId]);
  const out: NewVerdict[] = [];
  const push = (check: string, rule: string, v: { outcome: 'pass' | 'warn' | 'flag'; inputs?: Record<string, unknown>; numbers?: Record<string, unknown>; reason?: string }, ids: { action?: string; media?: string } = {}) =>
    out.push({
      visit_id: visitId,
      action_id: ids.action ?? null,
      media_id: ids.media ?? null,
      check_name: check,
      rule_version: rule,
      outcome: v.outcome,
      inputs: v.inputs ?? {},
      numbers: { ...(v.numbers ?? {}), ...(v.reason ? { reason: v.reason } : {}) },
    });

  const checkIn = actions.find((a) => a.type === 'check_in');
  if (checkIn && checkIn.lat !== null && checkIn.lng !== null) {
    const position = { lat: checkIn.lat, lng: checkIn.lng, accuracyM: checkIn.accuracy_m ?? Number.NaN };
    const siteLoc = site && site.lat !== null && site.lng !== null ? { lat: site.lat, lng: site.lng } : null;
    const g = geofenceVerdict({ position, site: siteLoc, radiusM: geofence.radiusM });
    push('geofence', GEOFENCE_RULE, { ...g, numbers: { ...g.numbers, status: g.status }, inputs: { position, reported: checkIn.fields.position ?? null, site: siteLoc, radiusM: geofence.radiusM } }, { action: checkIn.id });
    const prev = await store.previousCheckIn(tx, tenantId, visit.rep_id, checkIn.occurred_at, visitId);
    if (prev) {
      const t = travelVerdict({ lat: prev.lat, lng: prev.lng, at: prev.occurred_at, visitId: prev.visit_id }, { lat: checkIn.lat, lng: checkIn.lng, at: checkIn.occurred_at }, geofence.maxSpeedKmh);
      push('travel', TRAVEL_RULE, { ...t, inputs: { previous: { visitId: prev.visit_id, lat: prev.lat, lng: prev.lng, at: prev.occurred_at }, current: { lat: checkIn.lat, lng: checkIn.lng, at: checkIn.occurred_at }, maxSpeedKmh: geofence.maxSpeedKmh } }, { action: checkIn.id });
    }
  }

  const progress = visitProgress(rules, actions.map((a) => ({ id: a.id, type: a.type, occurredAt: a.occurred_at, recordedAt: a.recorded_at })), now);
  if (checkIn) {
    push('timeliness', ACTIONS_RULE, { outcome: progress.late.length ? 'warn' : 'pass', inputs: { limits: Object.fromEntries(Object.entries(rules).map(([k, r]) => [k, r.limit])) }, numbers: { late: progress.late } });
    push('sequence', ACTIONS_RULE, { outcome: progress.outOfOrder.length ? 'warn' : 'pass', numbers: { outOfOrder: progress.outOfOrder } });
  }

  for (const m of media) {
    if (m.kind === 'voice') continue;
    // A screenshot of a proposal has no camera EXIF to check; only reuse and competitor text apply.
    const camera = m.kind === 'photo';
    const exif = (m.exif ?? {}) as { takenAt?: string | null; lat?: number | null; lng?: number | null; gpsAccuracyM?: number | null; assumedOffset?: boolean };
    const takenAt = exif.takenAt ? new Date(exif.takenAt) : null;
    const t = photoTimeVerdict({ exifTakenAt: takenAt, claimedAt: m.claimed_at, uploadedAt: m.created_at, toleranceMin: PHOTO_TOLERANCE_MIN, assumedOffset: exif.assumedOffset });
    if (camera) push('photo_time', PHOTO_TIME_RULE, t, { media: m.id });
    const place = site && site.lat !== null && site.lng !== null ? { lat: site.lat, lng: site.lng } : null;
    const claimed = m.claimed_lat !== null && m.claimed_lng !== null ? { lat: m.claimed_lat, lng: m.claimed_lng } : null;
    const p = photoPlaceVerdict({ exifLat: exif.lat ?? null, exifLng: exif.lng ?? null, exifAccuracyM: exif.gpsAccuracyM ?? null, site: place, claimed, radiusM: geofence.radiusM });
    if (camera) push('photo_place', PHOTO_PLACE_RULE, p, { media: m.id });
    if (m.dhash) {
      const candidates = await store.photosSharingBands(tx, tenantId, hashBands(m.dhash), visitId);
      const r = photoReuseVerdict(candidates.map((c) => ({ mediaId: c.id, visitId: c.visit_id, dhash: c.dhash })), m.dhash);
      push('photo_reuse', PHOTO_REUSE_RULE, r, { media: m.id });
    }
    if (m.analysed_at && m.tags.length) {
      push('competitor', COMPETITOR_RULE, { outcome: 'warn', inputs: { ocrText: (m.ocr_text ?? '').slice(0, 500) }, numbers: { competitors: m.tags } }, { media: m.id });
    }
  }

  const tier = site?.tier;
  const compliance = checkCompliance(tier ? checklists[tier] : undefined, countEvidence(actions, media));
  if (compliance.applies) {
    push('compliance', COMPLIANCE_RULE, { outcome: compliance.compliant ? 'pass' : 'warn', inputs: { tier }, numbers: { items: compliance.items } });
  }

  // Keep what did not change; supersede the rest.
  const active = await store.activeVerdicts(tx, tenantId, [visitId]);
  const byKey = new Map(active.map((v) => [verdictKey(v), v]));
  const keep = new Set<string>();
  const fresh: Omit<VerdictRow, 'created_at'>[] = [];
  for (const v of out) {
    const old = byKey.get(verdictKey(v));
    if (old && old.outcome === v.outcome && old.rule_version === v.rule_version && stable(old.numbers) === stable(v.numbers) && stable(old.inputs) === stable(v.inputs)) keep.add(old.id);
    else fresh.push({ ...v, id: crypto.randomUUID() });
  }
  await store.supersedeVerdicts(tx, tenantId, active.filter((v) => !keep.has(v.id)).map((v) => v.id), now);
  await store.insertVerdicts(tx, tenantId, fresh, now);

  const need = actions.find((a) => a.type === 'need_capture');
  await store.updateVisitSummary(tx, tenantId, visitId, {
    occurredAt: checkIn?.occurred_at ?? visit.planned_at ?? visit.occurred_at,
    lat: checkIn?.lat ?? visit.lat,
    lng: checkIn?.lng ?? visit.lng,
    checkinSource: checkIn ? String(checkIn.fields.via ?? 'manual') : visit.checkin_source,
    geofence: (out.find((v) => v.check_name === 'geofence')?.numbers.status as string | undefined) ?? visit.geofence,
    compliant: compliance.compliant,
    missing: { actions: actions.length ? progress.missing : [], late: progress.late, outOfOrder: progress.outOfOrder, checklist: compliance.items.filter((i) => !i.ok) },
    flags: [],
    counts: compliance.compliant !== false,
    note: need?.note || visit.note,
    updatedAt: now,
  });
  await store.refreshVisitFlags(tx, tenantId, [visitId]);
}

/** JSON with sorted keys, so stored and fresh numbers compare equal regardless of key order. */
function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Date) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}

