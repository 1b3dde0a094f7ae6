// Which items go on a customer's monthly card (C6): at most `max` (default 3, the seed's number),
// conflicts first (two sources disagree now), then stale key fields, then open commitments; within
// a kind the most urgent first; ties by ref so a card is the same every time it is built.
import type { ItemCandidate, ItemKind } from './providers.js';

export const SELECT_RULE_VERSION = 1;
const KIND_RANK: Record<ItemKind, number> = { conflict: 0, stale: 1, commitment: 2 };

export interface Tagged extends ItemCandidate {
  provider: string;
}

export function selectItems(candidates: readonly Tagged[], max = 3): Tagged[] {
  const seen = new Set<string>();
  return [...candidates]
    .sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind] || b.urgency - a.urgency || a.ref.localeCompare(b.ref))
    .filter((c) => (seen.has(c.ref) ? false : (seen.add(c.ref), true)))
    .slice(0, Math.max(0, max));
}

/** A card is done when every party has answered every item. */
export function cardDone(itemRefs: readonly string[], parties: readonly string[], answered: ReadonlySet<string>): boolean {
  return itemRefs.every((ref) => parties.every((p) => answered.has(`${ref}|${p}`)));
}
