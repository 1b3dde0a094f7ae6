// The goals section (G1–G8): one tab per page the user's abilities allow (the board and
// allocation need GoalTarget read, the canvas WeeklyCanvas, the valve ValveRequest, the report
// GoalReport). The server still decides; a tab only hides what it would refuse.
import { Suspense } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { ConfigProvider, Flex, Result, Spin, Tabs } from 'antd';
import { useMe } from '../../app/auth.js';
import { can, type Abilities } from '../../app/abilities.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { boardMessages, type BoardMessageKey } from './board-messages.js';

export type GoalsTab = 'board' | 'allocation' | 'canvas' | 'valve' | 'report';

const TABS: { key: GoalsTab; path: string; label: BoardMessageKey; needs: [string, string] }[] = [
  { key: 'board', path: '/goals', label: 'tab.board', needs: ['GoalTarget', 'read'] },
  { key: 'allocation', path: '/goals/allocation', label: 'tab.allocation', needs: ['GoalTarget', 'read'] },
  { key: 'canvas', path: '/goals/canvas', label: 'tab.canvas', needs: ['WeeklyCanvas', 'read'] },
  { key: 'valve', path: '/goals/valve', label: 'tab.valve', needs: ['ValveRequest', 'read'] },
  { key: 'report', path: '/goals/report', label: 'tab.report', needs: ['GoalReport', 'read'] },
];

/** Tabs whose pages are routed in web/src/app/routes.tsx (all five since the pages exist). */
export const ROUTED_GOALS_TABS: readonly GoalsTab[] = ['board', 'allocation', 'canvas', 'valve', 'report'];

/** The tabs these abilities open, in order. */
export function goalsTabs(abilities: Abilities | null | undefined, routed: readonly GoalsTab[] = ROUTED_GOALS_TABS): GoalsTab[] {
  return TABS.filter((t) => routed.includes(t.key) && can(abilities, t.needs[0], t.needs[1])).map((t) => t.key);
}

/** Which tab a path belongs to: /goals is the board. */
export function goalsTabOf(pathname: string): GoalsTab | null {
  const seg = pathname.split('/')[2] ?? '';
  if (seg === '' || seg === 'board') return 'board';
  return TABS.find((t) => t.key === seg)?.key ?? null;
}

export function GoalsLayout() {
  const me = useMe();
  const t = useT(boardMessages);
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const tabs = goalsTabs(me.abilities);
  const current = goalsTabOf(pathname);
  const mobile = useIsMobile();

  if (!tabs.length || (current && !tabs.includes(current))) return <Result status="403" title={t('noAccess')} data-testid="goals-no-access" />;

  return (
    <div>
      {mobile ? null : <PageHeader title={t('title')} testId="goals-title" />}
      <Tabs
        activeKey={current ?? undefined}
        onChange={(k) => navigate(TABS.find((x) => x.key === k)!.path)}
        items={TABS.filter((x) => tabs.includes(x.key)).map((x) => ({ key: x.key, label: <span data-testid={`goals-tab-${x.key}`}>{t(x.label)}</span> }))}
        style={{ marginBottom: 4 }}
      />
      {/* On a phone the pages' controls are antd's large size: 40 px tap targets, and 16 px input
          text so a phone browser does not zoom the page when a field gets focus; small pagers get 32 px. */}
      <ConfigProvider componentSize={mobile ? 'large' : undefined} theme={mobile ? { components: { Pagination: { itemSizeSM: 32 } } } : undefined}>
        <Suspense
          fallback={
            <Flex justify="center" style={{ padding: 48 }}>
              <Spin />
            </Flex>
          }
        >
          <Outlet />
        </Suspense>
      </ConfigProvider>
    </div>
  );
}
