// G4 reverse attribution, pure: for one node, which children (or customers, or action types) made
// the attainment and which made the gap. Each item's expected share is its own target when the
// items have targets, otherwise the node's target split pro rata (evenly) across the items; the
// delta is attainment − expected. Contributors: largest attainment first, with their share of the
// node's attainment. Shortfalls: largest negative delta first. No I/O, no rounding beyond 2 decimals.

export interface AttributionItem {
  id: string;
  name: string;
  attainment: number;
  /** The item's own target, when it has one. */
  target?: number | null;
}

export interface Attributed {
  id: string;
  name: string;
  attainment: number;
  expected: number;
  delta: number;
  /** Share of the node's attainment (0–1); 0 when the node has none. */
  share: number;
  basis: 'own_target' | 'pro_rata';
}

export interface Attribution {
  target: number | null;
  attainment: number;
  gap: number | null;
  items: Attributed[];
  topContributors: Attributed[];
  topShortfalls: Attributed[];
  /** Waterfall: each item's attainment stacked, then the remaining gap (negative when exceeded). */
  waterfall: { name: string; start: number; value: number; kind: 'item' | 'gap' | 'total' }[];
}

const r2 = (x: number) => Math.round(x * 100) / 100;

export function attribute(target: number | null, attainment: number, items: AttributionItem[], top = 5): Attribution {
  const withTargets = items.filter((i) => i.target !== null && i.target !== undefined);
  const ownTargets = items.length > 0 && withTargets.length === items.length;
  const attained = items.reduce((s, i) => s + i.attainment, 0);
  const out: Attributed[] = items.map((i) => {
    const expected = ownTargets ? Number(i.target) : target === null || items.length === 0 ? 0 : target / items.length;
    return {
      id: i.id,
      name: i.name,
      attainment: r2(i.attainment),
      expected: r2(expected),
      delta: r2(i.attainment - expected),
      share: attained > 0 ? Math.round((i.attainment / attained) * 10000) / 10000 : 0,
      basis: ownTargets ? 'own_target' : 'pro_rata',
    };
  });
  const topContributors = [...out].filter((x) => x.attainment > 0).sort((a, b) => b.attainment - a.attainment || a.name.localeCompare(b.name)).slice(0, top);
  const topShortfalls = [...out].filter((x) => x.delta < 0).sort((a, b) => a.delta - b.delta || a.name.localeCompare(b.name)).slice(0, top);
  const waterfall: Attribution['waterfall'] = [];
  let run = 0;
  for (const x of [...out].sort((a, b) => b.attainment - a.attainment)) {
    if (x.attainment === 0) continue;
    waterfall.push({ name: x.name, start: r2(run), value: x.attainment, kind: 'item' });
    run += x.attainment;
  }
  waterfall.push({ name: 'attainment', start: 0, value: r2(attainment), kind: 'total' });
  const gap = target === null ? null : r2(target - attainment);
  if (gap !== null) waterfall.push({ name: 'gap', start: r2(Math.min(attainment, target!)), value: Math.abs(gap), kind: 'gap' });
  return { target, attainment: r2(attainment), gap, items: out, topContributors, topShortfalls, waterfall };
}
