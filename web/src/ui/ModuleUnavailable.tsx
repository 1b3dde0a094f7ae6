// A section whose server module has not shipped: say so, show nothing invented.
import { Empty } from 'antd';
import { appMessages } from '../app/messages.js';
import { useT } from '../app/lang.js';
import type { NavKey } from '../app/nav.js';

export function ModuleUnavailable({ module }: { module: NavKey }) {
  const t = useT(appMessages);
  const name = t(`nav.${module}`);
  return (
    <div data-testid={`module-unavailable-${module}`} style={{ padding: '64px 16px', background: '#fff', borderRadius: 8 }}>
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <div>
            <div style={{ fontSize: 16, fontWeight: 500, marginBottom: 8 }}>{t('module.unavailable.title', { module: name })}</div>
            <div style={{ color: '#8c8c8c' }}>{t('module.unavailable.body')}</div>
          </div>
        }
      />
    </div>
  );
}
