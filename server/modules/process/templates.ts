// P8: templated visit notes — a rep who pastes the same text (with a date or a number changed)
// into visit after visit. Pure, no I/O; built to run over a million notes in seconds.
//
// Notes are compared as sets of character bigrams after normalisation (NFKC, lower case;
// punctuation, symbols, digits and white space removed). Bigrams suit Chinese, which has no spaces
// between words; removing digits makes "11月3日拜访…" and "11月5日拜访…" the same text, which is
// exactly the copy-paste the rule is after. The similarity is the share of the text repeated,
// |A ∩ B| / max(|A|, |B|) — the seed's ">91% repeated" read literally — and two notes are
// near-duplicates when it is ≥ config `process.backfill.templateSimilarity` (0.91). (For notes of
// equal length that is a Jaccard index ≥ 0.835.)
//
// Candidates come from MinHash (32 hashes) with LSH banding (8 bands × 4 rows): two notes are
// compared only when all four hashes of some band agree, which happens with probability
// 1 − (1 − J⁴)⁸ in their Jaccard J — 99.5% at J = 0.835, 98.5% at 0.8, 19% at 0.4 — so
// near-duplicates are found without comparing all pairs. Each candidate pair is then confirmed
// with the *exact* similarity, so the numbers on a flag are real, not estimates. Work is done rep
// by rep, so memory is bounded by the largest rep's notes, not the whole input.
//
// Calibration: the demo's honest notes are composed from shared phrase banks (opener, topic,
// outcome). Within a rep, a year of them forms at most small groups of near-duplicates (see
// templates.test.ts), never five; a template group therefore needs minGroup = 5 notes.

export const TEMPLATE_RULE = 'template/1';

export interface NoteInput {
  visitId: string;
  repId: string;
  teamId: string | null;
  text: string;
}

export interface TemplateOptions {
  /** Threshold on the repeated share of character bigrams (config templateSimilarity, 0.91). */
  similarity: number;
  /** Near-duplicate notes a group needs before it counts as a template. Default 5. */
  minGroup?: number;
  /** Notes shorter than this after normalisation are ignored: too little text to call it copied. Default 8. */
  minChars?: number;
}

export const TEMPLATE_DEFAULTS = { minGroup: 5, minChars: 8 } as const;

export interface TemplateGroup {
  /** The group's most common text (after normalisation): the template. */
  representative: string;
  /** The representative note as written (first 200 characters). */
  text: string;
  size: number;
  visitIds: string[];
  /** Each member's similarity (repeated share) with the representative, aligned with visitIds. */
  similarities: number[];
  minSimilarity: number;
  meanSimilarity: number;
}

export interface TemplateFlag {
  repId: string;
  teamId: string | null;
  detector: 'template';
  rule: string;
  /** Every note in a template group. */
  visitIds: string[];
  numbers: Record<string, number>;
  groups: TemplateGroup[];
  evidence: { visitId: string; group: number; similarity: number }[];
}

/** NFKC, lower case, and only letters (CJK included) kept: punctuation, symbols, digits and spaces go. */
export function normaliseNote(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}\p{N}]+/gu, '');
}

/**
 * The sorted, distinct character bigrams of a normalised note, each packed into one 32-bit
 * integer (two UTF-16 code units): exact, no hashing collisions. A one-character note is its
 * single code unit.
 */
export function bigrams(norm: string): Int32Array {
  const n = norm.length;
  if (n === 0) return new Int32Array(0);
  if (n === 1) return Int32Array.of(norm.charCodeAt(0));
  const out = new Int32Array(n - 1);
  for (let i = 0; i < n - 1; i++) out[i] = (norm.charCodeAt(i) << 16) | norm.charCodeAt(i + 1);
  out.sort();
  let k = 1;
  for (let i = 1; i < out.length; i++) if (out[i] !== out[k - 1]) out[k++] = out[i];
  return out.subarray(0, k);
}

/** |A ∩ B| of two sorted distinct integer sets. */
function intersection(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return inter;
}

/** Exact Jaccard index |A ∩ B| / |A ∪ B| of two sorted distinct integer sets. */
export function jaccard(a: Int32Array, b: Int32Array): number {
  if (!a.length && !b.length) return 1;
  const inter = intersection(a, b);
  return inter / (a.length + b.length - inter);
}

/**
 * The rule's similarity: |A ∩ B| / max(|A|, |B|) — the share of the longer note's bigrams that
 * the other repeats ("91% of the text is repeated"). It is ≥ the Jaccard index and forgives a
 * changed word: one two-character substitution in a 45-character note keeps 0.93.
 */
export function repeatedShare(a: Int32Array, b: Int32Array): number {
  if (!a.length && !b.length) return 1;
  return intersection(a, b) / Math.max(a.length, b.length);
}

/** Similarity of two notes as the rule measures it (repeatedShare of their normalised bigrams). */
export function noteSimilarity(a: string, b: string): number {
  return repeatedShare(bigrams(normaliseNote(a)), bigrams(normaliseNote(b)));
}

const K = 32;
const SEEDS = Int32Array.from({ length: K }, (_, k) => fmix32(0x9e3779b9 * (k + 1)));

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** 32 MinHash values of a bigram set into `out` at `at` (unsigned 32-bit, stored as int32). */
function minhash(set: Int32Array, out: Int32Array, at: number) {
  for (let k = 0; k < K; k++) out[at + k] = -1; // 0xffffffff
  for (let s = 0; s < set.length; s++) {
    const h0 = fmix32(set[s]);
    for (let k = 0; k < K; k++) {
      let v = Math.imul(h0 ^ SEEDS[k], 0x9e3779b1);
      v ^= v >>> 15;
      if (v >>> 0 < out[at + k] >>> 0) out[at + k] = v;
    }
  }
}

/** Most bucket members a new note is compared with (one per component seen in that bucket). */
const BUCKET_CAP = 16;

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * template/1: per rep, groups of near-duplicate notes (connected components of the "similarity ≥
 * similarity" graph). A group of ≥ minGroup notes is a template; a rep with at least one is
 * flagged with every group, each member's similarity to the group's representative text, and
 * `share` = templated notes / the rep's notes. Reps are returned in input order of first note.
 */
export function detectTemplates(notes: readonly NoteInput[], opts: TemplateOptions): TemplateFlag[] {
  const minGroup = Math.max(2, opts.minGroup ?? TEMPLATE_DEFAULTS.minGroup);
  const minChars = opts.minChars ?? TEMPLATE_DEFAULTS.minChars;
  const t = opts.similarity;
  // 8 × 4 catches similarity ≥ 0.8 (J ≥ 0.67: 83% per pair, chains close the rest); lower thresholds get 16 × 2.
  const rows = t >= 0.8 ? 4 : 2;
  const bands = K / rows;

  const byRep = new Map<string, number[]>();
  for (let i = 0; i < notes.length; i++) {
    let list = byRep.get(notes[i].repId);
    if (!list) byRep.set(notes[i].repId, (list = []));
    list.push(i);
  }

  const out: TemplateFlag[] = [];
  for (const [repId, idx] of byRep) {
    // Normalise and shingle this rep's notes only; skip the ones too short to judge.
    const members: number[] = [];
    const norms: string[] = [];
    const sets: Int32Array[] = [];
    for (const i of idx) {
      const norm = normaliseNote(notes[i].text);
      if (norm.length < minChars) continue;
      members.push(i);
      norms.push(norm);
      sets.push(bigrams(norm));
    }
    const n = members.length;
    if (n < minGroup) continue;

    const sig = new Int32Array(n * K);
    for (let m = 0; m < n; m++) minhash(sets[m], sig, m * K);

    const parent = new Int32Array(n);
    for (let m = 0; m < n; m++) parent[m] = m;
    const find = (x: number): number => {
      while (parent[x] !== x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
      }
      return x;
    };

    for (let b = 0; b < bands; b++) {
      const buckets = new Map<number, number[]>();
      for (let m = 0; m < n; m++) {
        let key = 0x811c9dc5;
        for (let r = 0; r < rows; r++) key = fmix32(key ^ sig[m * K + b * rows + r]);
        const list = buckets.get(key);
        if (!list) {
          buckets.set(key, [m]);
          continue;
        }
        let placed = false;
        const a = sets[m];
        for (const o of list) {
          if (find(o) === find(m)) {
            placed = true;
            continue;
          }
          const bset = sets[o];
          // The similarity can reach t only when the smaller set is at least t of the larger.
          if (Math.min(a.length, bset.length) < t * Math.max(a.length, bset.length)) continue;
          if (repeatedShare(a, bset) >= t) {
            parent[find(o)] = find(m);
            placed = true;
          }
        }
        if (!placed && list.length < BUCKET_CAP) list.push(m);
      }
    }

    const comps = new Map<number, number[]>();
    for (let m = 0; m < n; m++) {
      const root = find(m);
      let c = comps.get(root);
      if (!c) comps.set(root, (c = []));
      c.push(m);
    }
    const groups: TemplateGroup[] = [];
    for (const c of comps.values()) {
      if (c.length < minGroup) continue;
      // The representative is the group's most frequent normalised text (earliest on ties).
      const freq = new Map<string, number>();
      let rep = c[0];
      let best = 0;
      for (const m of c) {
        const f = (freq.get(norms[m]) ?? 0) + 1;
        freq.set(norms[m], f);
        if (f > best) [rep, best] = [m, f];
      }
      const sims = c.map((m) => r3(repeatedShare(sets[m], sets[rep])));
      groups.push({
        representative: norms[rep],
        text: notes[members[rep]].text.slice(0, 200),
        size: c.length,
        visitIds: c.map((m) => notes[members[m]].visitId),
        similarities: sims,
        minSimilarity: sims.reduce((a, x) => Math.min(a, x), 1),
        meanSimilarity: r3(sims.reduce((s, x) => s + x, 0) / sims.length),
      });
    }
    if (!groups.length) continue;
    groups.sort((a, b) => b.size - a.size);
    const templated = groups.reduce((s, g) => s + g.size, 0);
    const evidence = groups.flatMap((g, gi) => g.visitIds.map((visitId, k) => ({ visitId, group: gi, similarity: g.similarities[k] })));
    const teams = new Map<string | null, number>();
    for (const i of idx) teams.set(notes[i].teamId, (teams.get(notes[i].teamId) ?? 0) + 1);
    out.push({
      repId,
      teamId: [...teams.entries()].sort((a, b) => b[1] - a[1])[0][0],
      detector: 'template',
      rule: TEMPLATE_RULE,
      visitIds: groups.flatMap((g) => g.visitIds),
      numbers: {
        share: r3(templated / idx.length),
        count: templated,
        total: idx.length,
        considered: n,
        groups: groups.length,
        largestGroup: groups[0].size,
        similarity: t,
        minGroup,
        minSimilarity: groups.reduce((a, g) => Math.min(a, g.minSimilarity), 1),
        meanSimilarity: r3(evidence.reduce((s, e) => s + e.similarity, 0) / evidence.length),
      },
      groups,
      evidence,
    });
  }
  return out;
}
