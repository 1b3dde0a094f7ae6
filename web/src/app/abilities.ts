// The UI mirrors the server's ability summary ({Customer: ['read', …]}); the server decides.
export type Role = 'admin' | 'director' | 'manager' | 'rep' | 'bp' | 'service' | 'marketing' | 'delivery' | 'qa';
export const ROLES: readonly Role[] = ['admin', 'director', 'manager', 'rep', 'bp', 'service', 'marketing', 'delivery', 'qa'];
export type Abilities = Record<string, string[]>;

export function can(abilities: Abilities | null | undefined, resource: string, action: string): boolean {
  return !!abilities?.[resource]?.includes(action);
}

export function canAny(abilities: Abilities | null | undefined, pairs: readonly (readonly [string, string])[]): boolean {
  return pairs.some(([r, a]) => can(abilities, r, a));
}
