import { Table, Tag, Typography } from 'antd';
import { useT } from '../../../app/lang.js';
import { adminMessages } from '../messages.js';
import { jsonDiff, showValue, type DiffRow } from '../diff.js';

export function JsonBlock({ value, maxHeight = 320 }: { value: unknown; maxHeight?: number }) {
  return (
    <pre style={{ margin: 0, padding: 12, background: '#f7f8fa', borderRadius: 6, fontSize: 12, maxHeight, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {value === undefined ? '' : JSON.stringify(value, null, 2)}
    </pre>
  );
}

const KIND_COLOR = { added: 'green', removed: 'red', changed: 'gold' } as const;

/** Before → after, one row per changed field path. */
export function JsonDiff({ before, after, testId }: { before: unknown; after: unknown; testId?: string }) {
  const t = useT(adminMessages);
  const rows = jsonDiff(before, after);
  if (!rows.length) return <Typography.Text type="secondary">{t('audit.noChanges')}</Typography.Text>;
  return (
    <Table<DiffRow>
      data-testid={testId}
      size="small"
      pagination={false}
      rowKey={(r) => r.path || '(value)'}
      dataSource={rows}
      columns={[
        {
          key: 'path',
          title: t('audit.path'),
          dataIndex: 'path',
          render: (p: string, r) => (
            <span>
              <Tag color={KIND_COLOR[r.kind]} style={{ marginInlineEnd: 6 }}>
                {r.kind === 'added' ? '+' : r.kind === 'removed' ? '−' : '~'}
              </Tag>
              <code>{p || '(value)'}</code>
            </span>
          ),
        },
        {
          key: 'before',
          title: t('audit.before'),
          render: (_v, r) => (r.kind === 'added' ? '' : <code style={{ color: '#a8071a', wordBreak: 'break-all' }}>{showValue(r.before)}</code>),
        },
        {
          key: 'after',
          title: t('audit.after'),
          render: (_v, r) => (r.kind === 'removed' ? '' : <code style={{ color: '#135200', wordBreak: 'break-all' }}>{showValue(r.after)}</code>),
        },
      ]}
    />
  );
}
