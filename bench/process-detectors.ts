// Benchmark (not a test), P8: the batch detectors over a million visit notes and records — wall
// time and memory per detector (target: all of them under 60 s on 2 cores).
//   npx tsx bench/process-detectors.ts                     # 2,560 reps ≈ 1,000,000 visits
//   npx tsx bench/process-detectors.ts --reps 260          # ≈ 100,000 visits
// The visits come from the demo generator (phrase-bank notes, honest recording times) with the
// fabricating reps of server/demo/process.ts planted (~8% of reps: templated notes, midnight
// batches, Monday back-fills …). The data is generated once and written to a temporary file; each
// detector then runs in its own child process over the whole set as one period (the worst case: a
// real run covers a month), so its peak RSS is its own: `baselineRssMb` is the child after loading
// the input, `peakRssMb` its maximum while detecting (sampled every 5 ms by a worker thread). Precision/recall against the planted truth
// are reported alongside.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { streamCompany } from '../server/demo/generate.js';
import { fabricationPattern, PROCESS_TRUTH } from '../server/demo/process.js';
import { PROCESS_BACKFILL } from '../server/platform/config/defaults.js';
import { detectBackfillLags, detectRecordingClusters, summariseByTeam, type VisitRecord } from '../server/modules/process/backfill.js';
import { detectTemplates, type NoteInput } from '../server/modules/process/templates.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '2560' },
    seed: { type: 'string', default: '20260101' },
    now: { type: 'string', default: '2026-11-26T08:00:00Z' },
    child: { type: 'string' },
    data: { type: 'string' },
  },
});
const cfg = PROCESS_BACKFILL.default;
const DETECTORS = ['recording_cluster', 'backfill_lag', 'template', 'team_summary'] as const;
type Detector = (typeof DETECTORS)[number];
const mb = (b: number) => Math.round(b / 1_048_576);

interface Data {
  reps: string[];
  teams: string[];
  visitIds: string[];
  rep: number[];
  team: number[];
  occurred: number[];
  recorded: number[];
  notes: string[];
}

interface ChildResult {
  detector: Detector;
  input: number;
  wallMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  flaggedReps: number;
  flaggedVisits: string[];
}

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

// ── Child: load the input, run one detector, report ──────────────────────────────────────

async function child(detector: Detector, file: string) {
  const d = JSON.parse(fs.readFileSync(file, 'utf8')) as Data;
  const n = d.visitIds.length;
  // The inputs as the process service would hold them after reading a period's rows.
  const records: VisitRecord[] = [];
  const notes: NoteInput[] = [];
  if (detector === 'template') {
    for (let i = 0; i < n; i++) notes.push({ visitId: d.visitIds[i], repId: d.reps[d.rep[i]], teamId: d.teams[d.team[i]], text: d.notes[i] });
  } else {
    for (let i = 0; i < n; i++) records.push({ visitId: d.visitIds[i], repId: d.reps[d.rep[i]], teamId: d.teams[d.team[i]], occurredAt: new Date(d.occurred[i]), recordedAt: new Date(d.recorded[i]) });
  }
  d.notes = [];
  d.visitIds = [];
  gc();
  const baseline = process.memoryUsage();
  // RSS is process-wide: a worker thread samples it every 5 ms while the detector runs.
  const sampler = new Worker(
    `const { parentPort } = require('node:worker_threads');
     let max = process.memoryUsage.rss();
     const t = setInterval(() => { max = Math.max(max, process.memoryUsage.rss()); }, 5);
     parentPort.on('message', () => { clearInterval(t); parentPort.postMessage(Math.max(max, process.memoryUsage.rss())); });
     parentPort.postMessage(max);`,
    { eval: true },
  );
  const baselineRss = await new Promise<number>((resolve) => sampler.once('message', resolve));
  const t0 = performance.now();
  let flags: { repId: string; visitIds: string[] }[];
  switch (detector) {
    case 'recording_cluster':
      flags = detectRecordingClusters(records, { window: cfg.clusterWindow, share: cfg.clusterShare });
      break;
    case 'backfill_lag':
      flags = detectBackfillLags(records, { maxLagHours: cfg.maxLagHours });
      break;
    case 'template':
      flags = detectTemplates(notes, { similarity: cfg.templateSimilarity });
      break;
    case 'team_summary': {
      const all = [...detectRecordingClusters(records, { window: cfg.clusterWindow, share: cfg.clusterShare }), ...detectBackfillLags(records, { maxLagHours: cfg.maxLagHours })];
      summariseByTeam(records, all);
      flags = all;
      break;
    }
  }
  const wallMs = performance.now() - t0;
  const after = process.memoryUsage();
  sampler.postMessage('stop');
  const peakRss = await new Promise<number>((resolve) => sampler.once('message', resolve));
  await sampler.terminate();
  const result: ChildResult = {
    detector,
    input: n,
    wallMs: Math.round(wallMs),
    baselineRssMb: mb(baselineRss),
    peakRssMb: mb(peakRss),
    heapBeforeMb: mb(baseline.heapUsed),
    heapAfterMb: mb(after.heapUsed),
    flaggedReps: new Set(flags.map((f) => f.repId)).size,
    flaggedVisits: detector === 'team_summary' ? [] : flags.flatMap((f) => f.visitIds),
  };
  process.send!(result);
}

function runChild(detector: Detector, file: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = fork(process.argv[1], ['--child', detector, '--data', file], { execArgv: [...process.execArgv, '--max-old-space-size=4096'] });
    let got: ChildResult | undefined;
    p.on('message', (m) => (got = m as ChildResult));
    p.on('error', reject);
    p.on('exit', (code) => (got ? resolve(got) : reject(new Error(`${detector} child exited with ${code}`))));
  });
}

// ── Parent: generate, write, run each detector in a child ────────────────────────────────

async function main() {
  const reps = Number(args.reps);
  const t0 = performance.now();
  // ~50 customers per rep: a full visiting schedule (the generator's FULL_PORTFOLIO is 40).
  const stream = streamCompany({ seed: Number(args.seed), reps, customers: reps * 50, now: new Date(args.now!), patterns: [fabricationPattern] });
  const d: Data = { reps: [], teams: [], visitIds: [], rep: [], team: [], occurred: [], recorded: [], notes: [] };
  const teamIdx = new Map<string, number>();
  const truth = new Map<string, Set<string>>([PROCESS_TRUTH.midnight, PROCESS_TRUTH.backfill, PROCESS_TRUTH.template].map((p) => [p, new Set<string>()]));
  let templatedReps = 0;
  for (const s of stream.slices()) {
    const r = d.reps.push(s.rep.id) - 1;
    for (const v of s.visits) {
      let t = teamIdx.get(v.teamId);
      if (t === undefined) teamIdx.set(v.teamId, (t = d.teams.push(v.teamId) - 1));
      d.visitIds.push(v.id);
      d.rep.push(r);
      d.team.push(t);
      d.occurred.push(v.occurredAt.getTime());
      d.recorded.push(v.recordedAt.getTime());
      d.notes.push(v.note);
    }
    for (const x of s.truth) truth.get(x.pattern)?.add(x.id);
    if (s.truth.some((x) => x.pattern === PROCESS_TRUTH.rep && (x.detail?.behaviours as string[]).includes('template'))) templatedReps++;
  }
  const generateMs = Math.round(performance.now() - t0);
  const visits = d.visitIds.length;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trueline-bench-detectors-'));
  const file = path.join(dir, 'input.json');
  fs.writeFileSync(file, JSON.stringify(d));
  const fileMb = mb(fs.statSync(file).size);
  console.log(`generated ${visits} visits of ${reps} reps in ${(generateMs / 1000).toFixed(1)} s (${fileMb} MB input file); ${templatedReps} templating reps`);

  const results: (Omit<ChildResult, 'flaggedVisits'> & { flaggedVisits: number; precision?: number; recall?: number })[] = [];
  try {
    for (const det of DETECTORS) {
      const r = await runChild(det, file);
      const truthSet = det === 'recording_cluster' ? truth.get(PROCESS_TRUTH.midnight) : det === 'backfill_lag' ? truth.get(PROCESS_TRUTH.backfill) : det === 'template' ? truth.get(PROCESS_TRUTH.template) : undefined;
      const flagged = new Set(r.flaggedVisits);
      let tp = 0;
      if (truthSet) for (const v of flagged) if (truthSet.has(v)) tp++;
      results.push({
        ...r,
        flaggedVisits: flagged.size,
        ...(truthSet ? { precision: flagged.size ? Math.round((tp / flagged.size) * 1000) / 1000 : 1, recall: Math.round((tp / truthSet.size) * 1000) / 1000 } : {}),
      });
      console.log(`${det}: ${(r.wallMs / 1000).toFixed(1)} s, RSS ${r.baselineRssMb} → peak ${r.peakRssMb} MB`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.table(
    results.map((r) => ({
      detector: r.detector,
      input: r.input,
      's': (r.wallMs / 1000).toFixed(1),
      'baseline RSS MB': r.baselineRssMb,
      'peak RSS MB': r.peakRssMb,
      'heap before→after MB': `${r.heapBeforeMb}→${r.heapAfterMb}`,
      'flagged reps': r.flaggedReps,
      'flagged visits': r.flaggedVisits,
      precision: r.precision ?? '',
      recall: r.recall ?? '',
    })),
  );
  const totalMs = results.filter((r) => r.detector !== 'team_summary').reduce((s, r) => s + r.wallMs, 0);
  console.log(`detectors total (clusters + lags + templates): ${(totalMs / 1000).toFixed(1)} s — target < 60 s`);

  const out = path.join(path.dirname(new URL(import.meta.url).pathname), 'results', 'process-detectors.json');
  fs.writeFileSync(
    out,
    JSON.stringify(
      {
        benchmark: 'process-detectors',
        generatedAt: new Date().toISOString(),
        node: process.version,
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model,
        seed: Number(args.seed),
        reps,
        visits,
        templatingReps: templatedReps,
        generateMs,
        inputFileMb: fileMb,
        config: cfg,
        note: 'Each detector runs single-threaded in its own child process over all visits as one period. baselineRssMb = child RSS with the input loaded; peakRssMb = its maximum RSS while detecting (sampled every 5 ms).',
        totalDetectorMs: totalMs,
        targetMs: 60_000,
        results,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`written ${path.relative(process.cwd(), out)}`);
}

if (args.child) await child(args.child as Detector, args.data!);
else await main();
