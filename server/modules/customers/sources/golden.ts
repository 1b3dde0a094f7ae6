// The golden record: which value of a customer field the master record shows when several
// sources report it (C2), and whether the sources disagree (a conflict to resolve).
//
// Inputs: every value reported for one field (source system, channel, time, value) and the
// trust ranking for that field (config `customers.sourceTrust`: a list of source systems, most
// trusted first; systems not listed rank after the listed ones).
// Rule, in order:
//   1. Only each source's latest value counts (by recorded time); empty values are ignored
//      (a source that does not know a value does not disagree).
//   2. A person's value (channel manual, resolution or calibration) that is at least as new
//      as every source value wins, and there is no conflict.
//   3. Otherwise the candidates are the latest person's value (if any) and every source value
//      recorded after it. The person's value still wins; without one, the most trusted source
//      wins, ties broken by the newest observation.
//   4. A conflict exists when the candidates hold more than one distinct value (compared after
//      trimming and collapsing white space).
export type Channel = 'import' | 'api' | 'manual' | 'calibration' | 'resolution';

export interface FieldValue {
  id: string;
  sourceSystem: string;
  channel: Channel;
  value: unknown;
  observedAt: Date;
  recordedAt: Date;
}

export interface GoldenResult {
  chosen: FieldValue | null;
  /** Why the chosen value won, for the UI: 'person' | 'trust' | 'newest'. */
  reason: 'person' | 'trust' | 'newest' | 'none';
  conflict: boolean;
  /** The values that were compared (latest per source), chosen first. */
  candidates: FieldValue[];
}

export const PERSON_CHANNELS: readonly Channel[] = ['manual', 'resolution', 'calibration'];
const isPerson = (v: FieldValue) => PERSON_CHANNELS.includes(v.channel);

export function comparable(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.normalize('NFKC').trim().replace(/\s+/g, ' ');
  return JSON.stringify(v);
}

export const isEmpty = (v: unknown) => comparable(v) === '';

export function trustRank(ranking: readonly string[], source: string): number {
  const i = ranking.indexOf(source);
  return i === -1 ? ranking.length : i;
}

export function pickGolden(values: readonly FieldValue[], ranking: readonly string[]): GoldenResult {
  const latestBySource = new Map<string, FieldValue>();
  let latestPerson: FieldValue | undefined;
  for (const v of values) {
    if (isPerson(v)) {
      if (!latestPerson || v.recordedAt > latestPerson.recordedAt) latestPerson = v;
      continue;
    }
    if (isEmpty(v.value)) continue;
    const cur = latestBySource.get(v.sourceSystem);
    if (!cur || v.recordedAt > cur.recordedAt) latestBySource.set(v.sourceSystem, v);
  }
  if (latestPerson && isEmpty(latestPerson.value) && !latestBySource.size) return { chosen: latestPerson, reason: 'person', conflict: false, candidates: [latestPerson] };
  let sources = [...latestBySource.values()];
  if (latestPerson) {
    sources = sources.filter((s) => s.recordedAt > latestPerson!.recordedAt);
    const candidates = [latestPerson, ...sortByTrust(sources, ranking)];
    const distinct = new Set(candidates.map((c) => comparable(c.value)));
    return { chosen: latestPerson, reason: 'person', conflict: distinct.size > 1, candidates };
  }
  if (!sources.length) return { chosen: null, reason: 'none', conflict: false, candidates: [] };
  const sorted = sortByTrust(sources, ranking);
  const distinct = new Set(sorted.map((c) => comparable(c.value)));
  const top = sorted[0];
  const tiedOnTrust = sorted.length > 1 && trustRank(ranking, sorted[1].sourceSystem) === trustRank(ranking, top.sourceSystem);
  return { chosen: top, reason: tiedOnTrust || trustRank(ranking, top.sourceSystem) === ranking.length ? 'newest' : 'trust', conflict: distinct.size > 1, candidates: sorted };
}

function sortByTrust(vs: FieldValue[], ranking: readonly string[]): FieldValue[] {
  return [...vs].sort((a, b) => trustRank(ranking, a.sourceSystem) - trustRank(ranking, b.sourceSystem) || b.observedAt.getTime() - a.observedAt.getTime());
}
