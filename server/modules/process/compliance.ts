// P5: compliance checklists per customer tier. Pure: counts what a visit's actions and media
// provide against the tier's checklist (default KA: ≥ 2 business pain points, ≥ 1 custom
// proposal screenshot, ≥ 1 legal review note). No checklist for the tier → not applicable.
export const COMPLIANCE_RULE = 'compliance/1';

export const CHECKLIST_ITEMS = ['painPoints', 'proposalScreenshots', 'legalReviewNotes'] as const;
export type ChecklistItem = (typeof CHECKLIST_ITEMS)[number];
export type Checklist = Record<ChecklistItem, number>;

export interface EvidenceCounts {
  painPoints: number;
  proposalScreenshots: number;
  legalReviewNotes: number;
}

export interface ComplianceResult {
  applies: boolean;
  compliant: boolean | null;
  items: { item: ChecklistItem; need: number; have: number; ok: boolean }[];
}

/** Counts a visit's evidence: distinct pain points, screenshots, and non-empty legal review notes. */
export function countEvidence(
  actions: readonly { fields: Record<string, unknown> }[],
  media: readonly { kind: string }[],
): EvidenceCounts {
  const pains = new Set<string>();
  let legal = 0;
  for (const a of actions) {
    const p = a.fields.painPoints;
    if (Array.isArray(p)) for (const x of p) if (typeof x === 'string' && x.trim()) pains.add(x.trim());
    const l = a.fields.legalReviewNote;
    if (typeof l === 'string' && l.trim()) legal++;
  }
  return { painPoints: pains.size, proposalScreenshots: media.filter((m) => m.kind === 'screenshot').length, legalReviewNotes: legal };
}

export function checkCompliance(checklist: Checklist | undefined, have: EvidenceCounts): ComplianceResult {
  if (!checklist) return { applies: false, compliant: null, items: [] };
  const items = CHECKLIST_ITEMS.filter((item) => (checklist[item] ?? 0) > 0).map((item) => ({
    item,
    need: checklist[item],
    have: have[item],
    ok: have[item] >= checklist[item],
  }));
  return { applies: true, compliant: items.every((i) => i.ok), items };
}
