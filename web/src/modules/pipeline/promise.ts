// Pure helpers for the promise form: today in the tenant's zone, and whether a contract form may
// be submitted given each milestone's capacity verdict.
import type { PromiseVerdict } from './api.js';

export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export interface MilestoneState {
  key: number;
  promisedDate: string;
  scope: string;
  deliveryTeamId: string;
  load: number;
  /** The verdict for exactly these inputs (date, team, load); stale verdicts are dropped on change. */
  verdict?: PromiseVerdict;
  checking?: boolean;
  error?: string;
  /** Loaded from the saved contract and untouched: already promised, not checked again. */
  original?: boolean;
}

export const complete = (m: MilestoneState) => !!m.promisedDate && !!m.deliveryTeamId && m.load > 0 && !!m.scope.trim();

/** The form submits only when every milestone is complete and either unchanged or has a fresh "room" verdict. */
export function canSubmitPromises(ms: MilestoneState[]): boolean {
  return ms.every((m) => complete(m) && (m.original || (!m.checking && m.verdict?.ok === true)));
}
