import { describe, expect, it } from 'vitest';
import { adminSections, homePath, mobileTabs, safeNext, visibleNav } from './nav.js';

const ADMIN = { Customer: ['read', 'create', 'update', 'delete', 'export'], Visit: ['read', 'export'], AuditLog: ['read', 'export'], Config: ['read', 'update', 'approve'], JobRun: ['read', 'run'], NotificationChannel: ['read', 'create', 'update', 'delete'] };
const REP = { Customer: ['read', 'create', 'update', 'export'], Visit: ['read', 'create', 'export'], ApiToken: ['read', 'create', 'delete'] };
const MARKETING = { Customer: ['read', 'export'] };

describe('navigation', () => {
  it('[X1] an administrator sees every section including Admin', () => {
    expect(visibleNav('admin', ADMIN)).toEqual(['goals', 'process', 'customers', 'forecast', 'coaching', 'churn', 'admin']);
    expect(adminSections(ADMIN)).toEqual(['audit', 'jobs', 'config', 'access', 'outbox', 'channels']);
  });

  it('[X1] a rep has no Admin; marketing sees customers and churn only', () => {
    expect(visibleNav('rep', REP)).not.toContain('admin');
    expect(visibleNav('rep', REP)).toContain('customers');
    expect(visibleNav('marketing', MARKETING)).toEqual(['customers', 'churn']);
  });

  it('[X2] [C4] a manager who may only read configuration gets Admin with the rules and the access matrix, read-only', () => {
    const mgr = { Customer: ['read'], Config: ['read'] };
    expect(visibleNav('manager', mgr)).toContain('admin');
    expect(adminSections(mgr)).toEqual(['config', 'access']);
  });

  it('[X1] the phone tab bar holds at most three sections, the rest go under "more"', () => {
    const { tabs, more } = mobileTabs(visibleNav('admin', ADMIN));
    expect(tabs).toEqual(['goals', 'process', 'customers']);
    expect(more).toEqual(['forecast', 'coaching', 'churn', 'admin']);
    expect(homePath(visibleNav('rep', REP))).toBe('/customers');
    expect(homePath([])).toBe('/inbox');
  });

  it('[X1] after sign-in only same-site paths are followed', () => {
    expect(safeNext('/customers?tier=KA')).toBe('/customers?tier=KA');
    expect(safeNext('//evil.example/x')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/\\evil.example')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
