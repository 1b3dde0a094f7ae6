// A value the server masked for this role: shown as sent, with a small hint.
import type { ReactNode } from 'react';
import { Tag, Tooltip } from 'antd';
import { appMessages } from '../app/messages.js';
import { useT } from '../app/lang.js';

export function MaskedHint() {
  const t = useT(appMessages);
  return (
    <Tooltip title={t('masked.tip')}>
      <Tag variant="filled" data-testid="masked-hint" style={{ marginInlineStart: 6, fontSize: 11, lineHeight: '18px', paddingInline: 4 }}>
        {t('masked')}
      </Tag>
    </Tooltip>
  );
}

export function MaybeMasked({ masked, children }: { masked: boolean; children: ReactNode }) {
  return (
    <span>
      {children}
      {masked ? <MaskedHint /> : null}
    </span>
  );
}
