// Where a calibration card's items come from (C6). Each module that can say "this needs
// confirming" registers a provider from its own service: sources (fields whose sources disagree),
// freshness (key fields not updated for N days), pipeline (open delivery commitments). A provider
// also writes a confirmed or corrected value back to the master record, with provenance, because
// only the owning module may change its own tables.
import type { Db, Sql } from '../../platform/db/db.js';
import type { Ctx } from '../../platform/context.js';

export type Bilingual = { 'zh-CN': string; 'en-US': string };
export type ItemKind = 'conflict' | 'stale' | 'commitment';
export type Party = 'sales' | 'service' | 'delivery';

export interface ItemCandidate {
  kind: ItemKind;
  /** Stable within the customer, e.g. 'field:decisionChain' or 'contract:<id>:milestone:1'. */
  ref: string;
  label: Bilingual;
  /** What the master record holds now (display value). */
  current: unknown;
  /** Values on offer, e.g. what each source says. */
  options?: { value: unknown; source: string; observedAt?: string }[];
  /** Larger = more urgent (days stale, number of disagreeing sources, days to the promised date). */
  urgency: number;
  /** The numbers behind the item, shown on the card. */
  evidence: Record<string, unknown>;
}

export interface Response {
  action: 'confirm' | 'correct';
  value?: unknown;
  note?: string;
  party: Party;
}

export interface ItemProvider {
  name: string;
  /** Every customer of the tenant that has something to confirm, with its candidate items. */
  candidates(db: Db, tenantId: string, asOf: Date): Promise<Map<string, ItemCandidate[]>>;
  /** Writes the party's answer back to the master record (a confirmation refreshes the value's date). */
  apply(tx: Sql, ctx: Ctx, customerId: string, item: ItemCandidate, response: Response): Promise<void>;
}

const providers = new Map<string, ItemProvider>();

export function registerItemProvider(p: ItemProvider): void {
  providers.set(p.name, p);
}

export function itemProviders(): ItemProvider[] {
  return [...providers.values()];
}

export function itemProvider(name: string): ItemProvider | undefined {
  return providers.get(name);
}
