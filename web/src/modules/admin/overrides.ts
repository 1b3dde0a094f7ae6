// Editing the per-role access adjustments (C4) as plain data: set or clear one action's scope,
// or one resource's masked / hidden field list, and drop whatever became empty, so the proposal
// the admin submits holds only real changes.
export type Scope = 'own' | 'team' | 'region' | 'all' | 'none';
export interface ResourceOverride {
  actions?: Partial<Record<string, Scope>>;
  masked?: string[];
  hidden?: string[];
}
export type Overrides = Partial<Record<string, Partial<Record<string, ResourceOverride>>>>;

function clean(o: Overrides): Overrides {
  const out: Overrides = {};
  for (const [role, byRes] of Object.entries(o)) {
    const r: Partial<Record<string, ResourceOverride>> = {};
    for (const [res, v] of Object.entries(byRes ?? {})) {
      const x: ResourceOverride = {};
      if (v?.actions && Object.keys(v.actions).length) x.actions = v.actions;
      if (v?.masked?.length) x.masked = v.masked;
      if (v?.hidden?.length) x.hidden = v.hidden;
      if (Object.keys(x).length) r[res] = x;
    }
    if (Object.keys(r).length) out[role] = r;
  }
  return out;
}

/** scope undefined → back to the default matrix for that action. */
export function withActionScope(o: Overrides, role: string, resource: string, action: string, scope: Scope | undefined): Overrides {
  const cur = o[role]?.[resource] ?? {};
  const actions = { ...(cur.actions ?? {}) };
  if (scope === undefined) delete actions[action];
  else actions[action] = scope;
  return clean({ ...o, [role]: { ...(o[role] ?? {}), [resource]: { ...cur, actions } } });
}

export function withFields(o: Overrides, role: string, resource: string, kind: 'masked' | 'hidden', fields: string[]): Overrides {
  const cur = o[role]?.[resource] ?? {};
  return clean({ ...o, [role]: { ...(o[role] ?? {}), [resource]: { ...cur, [kind]: [...new Set(fields)] } } });
}

/** How many (role, resource) cells an adjustment touches — shown on the page. */
export function changedCells(o: Overrides): number {
  return Object.values(o).reduce((n, byRes) => n + Object.keys(byRes ?? {}).length, 0);
}
