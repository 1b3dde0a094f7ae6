// When two customer records are merged, every module that keeps rows keyed by customer id moves
// them from the merged-away record to the surviving one, and can move exactly those rows back
// when the merge is undone. Modules register here (from their own service file) instead of the
// merge touching their tables; the merge calls each participant inside its own transaction.
import type { Sql } from '../../platform/db/db.js';

export interface MergeParticipant {
  /** Stable name, stored with the merge so undo finds the same participant. */
  name: string;
  /** Re-point this module's rows from `fromId` to `toId`; return the ids moved (kept for undo). */
  move(tx: Sql, tenantId: string, fromId: string, toId: string): Promise<string[]>;
  /** Put the rows with these ids back on `toId` (the record that is being restored). */
  restore(tx: Sql, tenantId: string, ids: string[], toId: string): Promise<void>;
}

const participants = new Map<string, MergeParticipant>();

export function registerMergeParticipant(p: MergeParticipant): void {
  participants.set(p.name, p);
}

export function mergeParticipants(): MergeParticipant[] {
  return [...participants.values()];
}

export function mergeParticipant(name: string): MergeParticipant | undefined {
  return participants.get(name);
}
