// Which sections a user sees. Sections whose server module exists follow its abilities;
// the rest (not shipped yet) follow the roles the requirements name for them.
import { can, canAny, type Abilities, type Role } from './abilities.js';

export type NavKey = 'goals' | 'process' | 'customers' | 'forecast' | 'coaching' | 'churn' | 'admin';
export const NAV_ORDER: readonly NavKey[] = ['goals', 'process', 'customers', 'forecast', 'coaching', 'churn', 'admin'];

export const NAV_PATH: Record<NavKey, string> = {
  goals: '/goals',
  process: '/process',
  customers: '/customers',
  forecast: '/forecast',
  coaching: '/coaching',
  churn: '/churn',
  admin: '/admin',
};

type Rule = { abilities: readonly (readonly [string, string])[] } | { roles: readonly Role[] };

const RULES: Record<NavKey, Rule> = {
  goals: { roles: ['admin', 'director', 'manager', 'rep', 'bp'] },
  process: { abilities: [['Visit', 'read']] },
  customers: { abilities: [['Customer', 'read']] },
  forecast: { roles: ['admin', 'director', 'manager', 'rep'] },
  coaching: { roles: ['admin', 'director', 'manager', 'rep', 'bp'] },
  churn: { roles: ['admin', 'director', 'manager', 'rep', 'service', 'marketing', 'delivery'] },
  admin: { abilities: [['AuditLog', 'read'], ['JobRun', 'read'], ['Config', 'read']] },
};

export function visibleNav(role: string | null | undefined, abilities: Abilities | null | undefined): NavKey[] {
  return NAV_ORDER.filter((k) => {
    const rule = RULES[k];
    return 'roles' in rule ? !!role && (rule.roles as readonly string[]).includes(role) : canAny(abilities, rule.abilities);
  });
}

export type AdminSection = 'audit' | 'jobs' | 'config' | 'access' | 'outbox' | 'channels';
export const ADMIN_ORDER: readonly AdminSection[] = ['audit', 'jobs', 'config', 'access', 'outbox', 'channels'];

export function adminSections(abilities: Abilities | null | undefined): AdminSection[] {
  return ADMIN_ORDER.filter((s) => {
    switch (s) {
      case 'audit':
        return can(abilities, 'AuditLog', 'read');
      case 'jobs':
        return can(abilities, 'JobRun', 'read');
      case 'config':
      case 'access':
        return can(abilities, 'Config', 'read');
      case 'outbox':
      case 'channels':
        return can(abilities, 'NotificationChannel', 'read');
    }
  });
}

/** The phone's bottom bar: up to three sections (customers first for field staff), then inbox and "more". */
export function mobileTabs(nav: readonly NavKey[]): { tabs: NavKey[]; more: NavKey[] } {
  const preferred: NavKey[] = ['customers', 'process', 'goals', 'churn', 'forecast', 'coaching'];
  const tabs = preferred.filter((k) => nav.includes(k)).slice(0, 3);
  const ordered = NAV_ORDER.filter((k) => tabs.includes(k));
  return { tabs: ordered, more: nav.filter((k) => !tabs.includes(k)) };
}

/** Where "/" goes: the first section the user may open. */
export function homePath(nav: readonly NavKey[]): string {
  const first = (['customers', 'process', 'goals', ...NAV_ORDER] as NavKey[]).find((k) => nav.includes(k));
  return first ? NAV_PATH[first] : '/inbox';
}

/** Only same-site paths are followed after sign-in ('/x', not '//evil.example' or 'https://…'). */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return '/';
  return next;
}
