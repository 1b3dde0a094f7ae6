// Slow evidence, computed after the upload answered (P3, P4): text in photos (local Tesseract OCR)
// matched against the competitor dictionary, and voice notes transcribed by the configured speech
// service with need keywords stored on the visit's need-capture action. Uploads are queued in
// process; the hourly sweep job picks up whatever a restart left behind.
import type { Deps } from '../../platform/deps.js';
import { PROCESS_COMPETITORS, PROCESS_NEED_DICTIONARY } from '../../platform/config/defaults.js';
import { evaluateVisit, loadEvalRules } from './evaluate.js';
import { extractNeeds } from './keywords.js';
import { competitorTags, recognise } from './ocr.js';
import { speechFileName, transcribe } from './speech.js';
import * as store from './store.js';

type AnalysisDeps = Pick<Deps, 'db' | 'config' | 'files' | 'settings' | 'now' | 'log'>;

/** Analyses one upload and re-evaluates its visit. A failure is stored on the upload, never retried in a loop. */
export async function analyseMedia(deps: AnalysisDeps, tenantId: string, mediaId: string): Promise<void> {
  const { db } = deps;
  const m = await store.mediaById(db, tenantId, mediaId);
  if (!m || m.analysed_at) return;
  const buffer = await deps.files.storage.get(m.sha256);
  let ocrText: string | null = null;
  let transcript: string | null = null;
  let tags: string[] = [];
  let error: string | null = null;
  let keywords: { actionId: string; patch: Record<string, unknown> } | null = null;
  try {
    if (!buffer) throw new Error('file content missing');
    if (m.kind === 'voice') {
      const r = await transcribe(deps.settings.speech, { buffer, mime: m.mime, fileName: speechFileName(undefined, m.mime) });
      if ('text' in r) {
        transcript = r.text;
        const need = (await store.actionsOfVisits(db, tenantId, [m.visit_id])).find((a) => a.type === 'need_capture' && !a.superseded);
        if (need) {
          const needs = extractNeeds(r.text, await deps.config.value(tenantId, PROCESS_NEED_DICTIONARY));
          const typed = Array.isArray(need.fields.keywords) ? (need.fields.keywords as { term: string }[]) : [];
          const merged = [...typed, ...needs.keywords.filter((k) => !typed.some((t) => t.term === k.term))];
          keywords = { actionId: need.id, patch: { keywords: merged, keywordsFrom: typed.length ? 'text+voice' : 'voice', keywordsVersion: needs.version, transcriptMediaId: m.id } };
        }
      } else error = r.skipped;
    } else {
      ocrText = (await recognise(buffer, { timeoutMs: 60_000 })).text;
      tags = competitorTags(ocrText, await deps.config.value(tenantId, PROCESS_COMPETITORS)).map((t) => t.name);
    }
  } catch (e) {
    error = e instanceof Error ? e.message.slice(0, 500) : String(e);
  }
  const rules = await loadEvalRules(deps, tenantId);
  await db.transaction(async (tx) => {
    await store.saveAnalysis(tx, tenantId, m.id, { ocrText, transcript, tags, error, at: deps.now() });
    if (keywords) await store.mergeActionFields(tx, tenantId, keywords.actionId, keywords.patch);
    await evaluateVisit(tx, rules, tenantId, m.visit_id);
  });
}

let deps: AnalysisDeps | undefined;
const pending: { tenantId: string; id: string }[] = [];
let running: Promise<void> | null = null;

/** Called once by the app: uploads are analysed in the background with these dependencies. */
export function attachAnalysis(d: AnalysisDeps): void {
  deps = d;
}

/** Queues an upload for analysis after its request has answered; one at a time, in order. */
export function enqueueAnalysis(tenantId: string, id: string): void {
  if (!deps) return;
  pending.push({ tenantId, id });
  if (!running) running = new Promise<void>((resolve) => setImmediate(() => void drain().finally(resolve)));
}

async function drain() {
  while (pending.length && deps) {
    const job = pending.shift()!;
    try {
      await analyseMedia(deps, job.tenantId, job.id);
    } catch (e) {
      deps.log.warn({ err: e, mediaId: job.id }, 'media analysis failed');
    }
  }
  running = null;
}

/** Resolves when the background queue is empty (tests wait on it instead of sleeping). */
export async function analysisIdle(): Promise<void> {
  while (running) await running;
}

/** The hourly sweep: analyses uploads still waiting (e.g. after a restart), in bounded batches. */
export async function sweepMedia(d: AnalysisDeps, tenantId: string, limit = 200): Promise<number> {
  const rows = await store.pendingMedia(d.db, tenantId, limit);
  for (const r of rows) await analyseMedia(d, tenantId, r.id);
  return rows.length;
}

export type { AnalysisDeps };
