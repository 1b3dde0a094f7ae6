// The customer area's own pages (list, pipeline board, duplicate review, imports, conflicts,
// calibration, delivery calendar), shown as a link bar above each of them. A page appears for a
// user only when the server's abilities allow what it needs. Add a page by appending to SECTIONS.
import { Link, useLocation } from 'react-router-dom';
import { Segmented } from 'antd';
import { useCan } from '../../app/auth.js';
import { useLang } from '../../app/lang.js';

export interface CustomerSection {
  key: string;
  path: string;
  label: { 'zh-CN': string; 'en-US': string };
  /** [resource, action] the page needs; shown when any pair is allowed. */
  needs: readonly (readonly [string, string])[];
}

export const SECTIONS: CustomerSection[] = [
  { key: 'list', path: '/customers', label: { 'zh-CN': '客户列表', 'en-US': 'Customers' }, needs: [['Customer', 'read']] },
  { key: 'duplicates', path: '/customers/duplicates', label: { 'zh-CN': '重复客户', 'en-US': 'Duplicates' }, needs: [['DuplicateCandidate', 'read']] },
  { key: 'pipeline', path: '/customers/pipeline', label: { 'zh-CN': '商机看板', 'en-US': 'Pipeline' }, needs: [['Opportunity', 'read']] },
  { key: 'delivery', path: '/customers/delivery', label: { 'zh-CN': '交付日历', 'en-US': 'Delivery calendar' }, needs: [['DeliveryCalendar', 'read']] },
  { key: 'calibration', path: '/customers/calibration', label: { 'zh-CN': '联席校准会', 'en-US': 'Calibration' }, needs: [['CalibrationCard', 'read']] },
  { key: 'health', path: '/customers/health', label: { 'zh-CN': '健康度', 'en-US': 'Health' }, needs: [['CustomerHealth', 'read']] },
  { key: 'import', path: '/customers/import', label: { 'zh-CN': '导入', 'en-US': 'Import' }, needs: [['Customer', 'create'], ['Ticket', 'create'], ['Touchpoint', 'create'], ['Contract', 'create']] },
  { key: 'conflicts', path: '/customers/conflicts', label: { 'zh-CN': '字段冲突', 'en-US': 'Conflicts' }, needs: [['CustomerSource', 'read']] },
];

export function CustomerSections() {
  const can = useCan();
  const { lang } = useLang();
  const { pathname } = useLocation();
  const visible = SECTIONS.filter((s) => s.needs.some(([r, a]) => can(r, a)));
  if (visible.length < 2) return null;
  // The longest matching path wins (/customers/duplicates over /customers).
  const current = [...visible].sort((a, b) => b.path.length - a.path.length).find((s) => pathname === s.path || pathname.startsWith(`${s.path}/`));
  return (
    <div style={{ overflowX: 'auto', marginBottom: 12 }} data-testid="customer-sections">
      <Segmented
        value={current?.key}
        options={visible.map((s) => ({
          value: s.key,
          label: (
            <Link to={s.path} data-testid={`section-${s.key}`} style={{ color: 'inherit' }}>
              {s.label[lang]}
            </Link>
          ),
        }))}
      />
    </div>
  );
}
