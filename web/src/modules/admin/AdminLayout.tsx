// Administration: one tab per section the role may open (abilities from /auth/me).
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Result, Tabs } from 'antd';
import { useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { adminSections, type AdminSection } from '../../app/nav.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { adminMessages } from './messages.js';

export function AdminLayout() {
  const me = useMe();
  const t = useT(adminMessages);
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const sections = adminSections(me.abilities);
  const current = pathname.split('/')[2] as AdminSection | undefined;

  if (!sections.length) return <Result status="403" title={t('noAccess')} />;
  if (!current) return <Navigate to={`/admin/${sections[0]}`} replace />;
  if (!sections.includes(current)) return <Result status="403" title={t('noAccess')} />;

  return (
    <div>
      <PageHeader title={t('title')} />
      <Tabs
        activeKey={current}
        onChange={(k) => navigate(`/admin/${k}`)}
        items={sections.map((s) => ({ key: s, label: <span data-testid={`admin-tab-${s}`}>{t(`tab.${s}`)}</span> }))}
      />
      <Outlet />
    </div>
  );
}
