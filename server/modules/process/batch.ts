// P8: the batch detectors over a sliding window of a tenant's visits — recording-time clusters
// (the seed's 23:58–00:03), back-fill lags (weekend work entered on Monday) and templated notes
// (the seed's >91% repetition). Each finding becomes a process_flags row per rep listing the
// visits behind it; the visits' cached flags are refreshed so lists can filter them.
import crypto from 'node:crypto';
import type { Db } from '../../platform/db/db.js';
import type { Deps } from '../../platform/deps.js';
import { PROCESS_BACKFILL } from '../../platform/config/defaults.js';
import { localDate, TZ_OFFSET_MS } from '../../platform/calendar.js';
import { detectBackfillLags, detectRecordingClusters } from './backfill.js';
import { detectTemplates } from './templates.js';
import * as store from './store.js';

export const DETECTORS = ['recording_cluster', 'backfill_lag', 'template'] as const;
const DAY = 86_400_000;

export async function runDetectors(db: Db, deps: Pick<Deps, 'config'>, tenantId: string, now: Date, days = 30) {
  const periodTo = localDate(now);
  const periodFrom = localDate(new Date(now.getTime() - (days - 1) * DAY));
  const from = new Date(Date.parse(`${periodFrom}T00:00:00Z`) - TZ_OFFSET_MS);
  const to = new Date(Date.parse(`${periodTo}T00:00:00Z`) - TZ_OFFSET_MS + DAY);
  const cfg = await deps.config.value(tenantId, PROCESS_BACKFILL);
  const rows = await store.detectorRecords(db, tenantId, from, to);
  const records = rows.map((r) => ({ visitId: r.visit_id, repId: r.rep_id, teamId: r.team_id, occurredAt: r.occurred_at, recordedAt: r.recorded_at }));
  const region = new Map(rows.map((r) => [r.rep_id, r.region_id]));
  const findings = [
    ...detectRecordingClusters(records, { window: cfg.clusterWindow, share: cfg.clusterShare }),
    ...detectBackfillLags(records, { maxLagHours: cfg.maxLagHours }),
    ...detectTemplates(rows.map((r) => ({ visitId: r.visit_id, repId: r.rep_id, teamId: r.team_id, text: r.note })), { similarity: cfg.templateSimilarity }),
  ];
  const flagRows = findings.map((f) => ({
    id: crypto.randomUUID(),
    rep_id: f.repId,
    team_id: f.teamId ?? null,
    region_id: region.get(f.repId) ?? null,
    detector: f.detector,
    rule_version: f.rule,
    // Templates also keep each group's template text (evidence rows point at a group by index).
    numbers: { ...f.numbers, config: cfg, ...('groups' in f ? { templates: f.groups.map((g) => ({ text: g.text, size: g.size })) } : {}) },
    evidence: f.evidence,
    visit_ids: f.visitIds,
  }));
  await db.transaction(async (tx) => {
    const touched = await store.replaceFlags(tx, tenantId, { from: periodFrom, to: periodTo }, [...DETECTORS], flagRows, now);
    for (let i = 0; i < touched.length; i += 5000) await store.refreshVisitFlags(tx, tenantId, touched.slice(i, i + 5000));
  });
  const by = (d: string) => flagRows.filter((f) => f.detector === d);
  return {
    periodFrom,
    periodTo,
    records: records.length,
    flags: Object.fromEntries(DETECTORS.map((d) => [d, { reps: by(d).length, visits: by(d).reduce((n, f) => n + f.visit_ids.length, 0) }])),
  };
}
