// The frame around every signed-in page: sider + header on a desktop; a top bar and a bottom
// tab bar on a phone (< 768 px). Sections are role-aware (nav.ts); the server still decides.
import { Suspense, useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router-dom';
import { Avatar, Badge, Button, Drawer, Dropdown, Flex, Layout, Menu, Segmented, Spin, Tag } from 'antd';
import {
  AimOutlined,
  AlertOutlined,
  AppstoreOutlined,
  BellOutlined,
  KeyOutlined,
  LineChartOutlined,
  LogoutOutlined,
  ScheduleOutlined,
  SettingOutlined,
  SolutionOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useAuth, useMe } from './auth.js';
import { useLang, useT } from './lang.js';
import { appMessages, type AppMessageKey } from './messages.js';
import { useIsMobile } from './media.js';
import { mobileTabs, NAV_PATH, visibleNav, type NavKey } from './nav.js';
import type { Lang } from './i18n.js';
import { useUnreadCount } from '../modules/notify/api.js';

const ICONS: Record<NavKey, ReactNode> = {
  goals: <AimOutlined />,
  process: <ScheduleOutlined />,
  customers: <TeamOutlined />,
  forecast: <LineChartOutlined />,
  coaching: <SolutionOutlined />,
  churn: <AlertOutlined />,
  admin: <SettingOutlined />,
};

function useNav() {
  const me = useMe();
  return useMemo(() => visibleNav(me.user.role, me.abilities), [me.user.role, me.abilities]);
}

function useSection(): string {
  const { pathname } = useLocation();
  return pathname.split('/')[1] ?? '';
}

export function LangSwitch({ compact }: { compact?: boolean }) {
  const { lang, setLang } = useLang();
  const t = useT(appMessages);
  return (
    <Segmented<Lang>
      data-testid="lang-switch"
      aria-label={t('lang.label')}
      size={compact ? 'small' : 'middle'}
      value={lang}
      onChange={(v) => setLang(v)}
      options={[
        { label: '中文', value: 'zh-CN' },
        { label: 'English', value: 'en-US' },
      ]}
    />
  );
}

function InboxBell() {
  const t = useT(appMessages);
  const unread = useUnreadCount();
  const count = unread.data?.count ?? 0;
  return (
    <Link to="/inbox" aria-label={t('inbox.unread', { count })} data-testid="inbox-bell" style={{ display: 'inline-flex', padding: 4 }}>
      <Badge count={count} size="small" overflowCount={99}>
        <BellOutlined style={{ fontSize: 20, color: 'rgba(0,0,0,0.75)' }} />
      </Badge>
    </Link>
  );
}

function RoleTag() {
  const me = useMe();
  const t = useT(appMessages);
  return (
    <Tag color="blue" style={{ marginInlineEnd: 0 }} data-testid="user-role">
      {t(`role.${me.user.role}` as AppMessageKey)}
    </Tag>
  );
}

function UserMenu() {
  const me = useMe();
  const { logout } = useAuth();
  const t = useT(appMessages);
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'tokens', icon: <KeyOutlined />, label: <Link to="/me/tokens" data-testid="nav-tokens">{t('nav.tokens')}</Link> },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('logout')}</span>, onClick: () => void logout() },
        ],
      }}
    >
      <Button type="text" aria-label={t('user.menu')} data-testid="user-menu" style={{ height: 40 }}>
        <Flex align="center" gap={8}>
          <Avatar size="small" icon={<UserOutlined />} />
          <span data-testid="user-name">{me.user.displayName}</span>
          <RoleTag />
        </Flex>
      </Button>
    </Dropdown>
  );
}

function PageFallback() {
  return (
    <Flex justify="center" style={{ padding: 64 }}>
      <Spin />
    </Flex>
  );
}

function DesktopShell() {
  const me = useMe();
  const t = useT(appMessages);
  const nav = useNav();
  const section = useSection();
  const [collapsed, setCollapsed] = useState(false);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider theme="light" collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
        <Link to="/" style={{ display: 'block', padding: '16px 20px', fontWeight: 600, fontSize: collapsed ? 14 : 16, color: '#1f5fbf', whiteSpace: 'nowrap', overflow: 'hidden' }}>
          {collapsed ? 'TL' : t('appName')}
        </Link>
        <nav aria-label={t('nav.menu')}>
          <Menu
            mode="inline"
            selectedKeys={[section]}
            style={{ borderInlineEnd: 0 }}
            items={nav.map((k) => ({
              key: k,
              icon: ICONS[k],
              label: (
                <Link to={NAV_PATH[k]} data-testid={`nav-${k}`}>
                  {t(`nav.${k}`)}
                </Link>
              ),
            }))}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0', height: 56 }}>
          <span style={{ color: 'rgba(0,0,0,0.55)' }} data-testid="tenant-name">
            {me.tenant.name}
          </span>
          <Flex align="center" gap={16}>
            <LangSwitch />
            <InboxBell />
            <UserMenu />
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24, minWidth: 0 }}>
          <Suspense fallback={<PageFallback />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

const tabStyle = (active: boolean): CSSProperties => ({
  flex: '1 1 0',
  display: 'flex',
  flexDirection: 'column',
  alignItems: 'center',
  justifyContent: 'center',
  gap: 2,
  fontSize: 11,
  color: active ? '#1f5fbf' : '#595959',
  textDecoration: 'none',
  background: 'none',
  border: 0,
  padding: 0,
  cursor: 'pointer',
  minHeight: 48,
});

function MobileShell() {
  const me = useMe();
  const { logout } = useAuth();
  const t = useT(appMessages);
  const nav = useNav();
  const section = useSection();
  const { tabs, more } = mobileTabs(nav);
  const [open, setOpen] = useState(false);
  const unread = useUnreadCount().data?.count ?? 0;
  const title = (nav as string[]).includes(section) ? t(`nav.${section as NavKey}`) : section === 'inbox' ? t('nav.inbox') : t('appName');
  return (
    <div style={{ minHeight: '100vh', background: '#f5f6f8' }}>
      <header
        style={{ position: 'sticky', top: 0, zIndex: 10, height: 48, background: '#fff', borderBottom: '1px solid #f0f0f0', display: 'flex', alignItems: 'center', justifyContent: 'space-between', padding: '0 12px' }}
      >
        <strong style={{ fontSize: 16 }} data-testid="mobile-title">
          {title}
        </strong>
        <Flex align="center" gap={8}>
          <LangSwitch compact />
        </Flex>
      </header>
      <main style={{ padding: 12, paddingBottom: 'calc(72px + env(safe-area-inset-bottom))' }}>
        <Suspense fallback={<PageFallback />}>
          <Outlet />
        </Suspense>
      </main>
      <nav
        data-testid="mobile-tabbar"
        aria-label={t('nav.menu')}
        style={{ position: 'fixed', left: 0, right: 0, bottom: 0, zIndex: 20, display: 'flex', background: '#fff', borderTop: '1px solid #f0f0f0', paddingBottom: 'env(safe-area-inset-bottom)' }}
      >
        {tabs.map((k) => (
          <NavLink key={k} to={NAV_PATH[k]} data-testid={`nav-${k}`} style={({ isActive }) => tabStyle(isActive)}>
            <span style={{ fontSize: 20, lineHeight: 1 }}>{ICONS[k]}</span>
            {t(`nav.${k}`)}
          </NavLink>
        ))}
        <NavLink to="/inbox" data-testid="nav-inbox" aria-label={t('inbox.unread', { count: unread })} style={({ isActive }) => tabStyle(isActive)}>
          <Badge count={unread} size="small" overflowCount={99}>
            <BellOutlined style={{ fontSize: 20 }} />
          </Badge>
          {t('nav.inbox')}
        </NavLink>
        <button type="button" data-testid="nav-more" onClick={() => setOpen(true)} style={tabStyle(open)}>
          <AppstoreOutlined style={{ fontSize: 20 }} />
          {t('nav.more')}
        </button>
      </nav>
      <Drawer placement="bottom" open={open} onClose={() => setOpen(false)} title={me.user.displayName} extra={<RoleTag />}>
        <Menu
          mode="inline"
          selectable={false}
          style={{ borderInlineEnd: 0 }}
          onClick={() => setOpen(false)}
          items={[
            ...more.map((k) => ({
              key: k,
              icon: ICONS[k],
              label: (
                <Link to={NAV_PATH[k]} data-testid={`nav-${k}`}>
                  {t(`nav.${k}`)}
                </Link>
              ),
            })),
            { key: 'tokens', icon: <KeyOutlined />, label: <Link to="/me/tokens" data-testid="nav-tokens">{t('nav.tokens')}</Link> },
            { key: 'logout', icon: <LogoutOutlined />, label: <span data-testid="logout">{t('logout')}</span>, onClick: () => void logout() },
          ]}
        />
        <div style={{ color: 'rgba(0,0,0,0.45)', padding: '8px 24px' }}>{me.tenant.name}</div>
      </Drawer>
    </div>
  );
}

export function Shell() {
  return useIsMobile() ? <MobileShell /> : <DesktopShell />;
}
