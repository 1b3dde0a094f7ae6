// The process section (P1–P11): one tab per page the user's abilities allow. Visits and flags are
// the manager's evidence pages; lights, blind checks and pilots are their own pages; the QR sheet
// prints customers' codes. The server still decides; a tab only hides what it would refuse.
import { Suspense } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Flex, Result, Spin, Tabs } from 'antd';
import { useMe } from '../../app/auth.js';
import { can, type Abilities } from '../../app/abilities.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { processMessages, type ProcessMessageKey } from './messages.js';

export type ProcessTab = 'visits' | 'flags' | 'lights' | 'blind-checks' | 'pilots' | 'qr';

const TABS: { key: ProcessTab; path: string; label: ProcessMessageKey; needs: [string, string] }[] = [
  { key: 'visits', path: '/process', label: 'tab.visits', needs: ['Visit', 'read'] },
  { key: 'flags', path: '/process/flags', label: 'tab.flags', needs: ['ProcessFlag', 'read'] },
  { key: 'lights', path: '/process/lights', label: 'tab.lights', needs: ['ProcessLight', 'read'] },
  { key: 'blind-checks', path: '/process/blind-checks', label: 'tab.blindChecks', needs: ['BlindCheck', 'read'] },
  { key: 'pilots', path: '/process/pilots', label: 'tab.pilots', needs: ['PilotStudy', 'read'] },
  { key: 'qr', path: '/process/qr', label: 'tab.qr', needs: ['Customer', 'read'] },
];

/** The tabs these abilities open, in order. */
export function processTabs(abilities: Abilities | null | undefined): ProcessTab[] {
  return TABS.filter((t) => can(abilities, t.needs[0], t.needs[1])).map((t) => t.key);
}

/** Which tab a path belongs to: /process and /process/visits/:id are the visits tab. */
export function tabOf(pathname: string): ProcessTab | null {
  const seg = pathname.split('/')[2] ?? '';
  if (seg === '' || seg === 'visits') return 'visits';
  return (TABS.find((t) => t.key === seg)?.key as ProcessTab | undefined) ?? null;
}

export function ProcessLayout() {
  const me = useMe();
  const t = useT(processMessages);
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const tabs = processTabs(me.abilities);
  const current = tabOf(pathname);
  const mobile = useIsMobile();

  if (!tabs.length) return <Result status="403" title={t('noAccess')} data-testid="process-no-access" />;
  if (current && !tabs.includes(current)) return <Result status="403" title={t('noAccess')} data-testid="process-no-access" />;

  return (
    <div>
      <div className="tl-noprint">
        {/* On a phone the top bar already names the section. */}
        {mobile ? null : <PageHeader title={t('title')} testId="process-title" />}
        <Tabs
          activeKey={current ?? undefined}
          onChange={(k) => navigate(TABS.find((x) => x.key === k)!.path)}
          items={TABS.filter((x) => tabs.includes(x.key)).map((x) => ({ key: x.key, label: <span data-testid={`process-tab-${x.key}`}>{t(x.label)}</span> }))}
          style={{ marginBottom: 4 }}
        />
      </div>
      <Suspense
        fallback={
          <Flex justify="center" style={{ padding: 48 }}>
            <Spin />
          </Flex>
        }
      >
        <Outlet />
      </Suspense>
    </div>
  );
}
