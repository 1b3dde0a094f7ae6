// Outbound messages (X3): e-mail and group-robot posts with status, attempts, last error; retry.
import { useState } from 'react';
import { Button, Select, Typography } from 'antd';
import { RedoOutlined } from '@ant-design/icons';
import type { TableColumnsType } from 'antd';
import { useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { useIsMobile } from '../../app/media.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useOutbox, useRetryOutbox, type OutboxMessage } from './api.js';
import { adminMessages } from './messages.js';
import { StatusTag } from './components/StatusTag.js';
import { useMessage } from '../../ui/feedback.js';

const STATUSES = ['pending', 'sending', 'sent', 'failed', 'dead'];

export function OutboxPage() {
  const t = useT(adminMessages);
  const me = useMe();
  const mobile = useIsMobile();
  const message = useMessage();
  const showError = useShowError();
  const tz = me.tenant.timeZone;
  const [f, setF] = useState<{ status?: string }>({});
  const q = useOutbox(f);
  const retry = useRetryOutbox();

  const retryButton = (m: OutboxMessage) =>
    m.status !== 'sent' ? (
      <Button
        size="small"
        icon={<RedoOutlined />}
        loading={retry.isPending && retry.variables === m.id}
        data-testid="outbox-retry"
        onClick={async (e) => {
          e.stopPropagation();
          try {
            await retry.mutateAsync(m.id);
            void message.success(t('outbox.retried'));
          } catch (err) {
            showError(err);
          }
        }}
      >
        {t('outbox.retry')}
      </Button>
    ) : null;

  const columns: TableColumnsType<OutboxMessage> = [
    { key: 'subject', title: t('outbox.subject'), dataIndex: 'subject', render: (v: string | null, m) => v || m.target },
    { key: 'status', title: t('outbox.status'), dataIndex: 'status', render: (v: string) => <StatusTag status={v} /> },
    { key: 'channel', title: t('outbox.channel'), dataIndex: 'channel' },
    { key: 'target', title: t('outbox.target'), dataIndex: 'target', render: (v: string) => <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 220 }}>{v}</Typography.Text> },
    { key: 'attempts', title: t('outbox.attempts'), dataIndex: 'attempts' },
    { key: 'nextAttemptAt', title: t('outbox.nextAttempt'), dataIndex: 'nextAttemptAt', render: (v: string | null) => formatDateTime(v, tz) },
    {
      key: 'lastError',
      title: t('outbox.lastError'),
      dataIndex: 'lastError',
      render: (v: string | null) => (v ? <Typography.Text type="danger" ellipsis={{ tooltip: v }} style={{ maxWidth: 260 }}>{v}</Typography.Text> : ''),
    },
    { key: 'sentAt', title: t('outbox.sentAt'), dataIndex: 'sentAt', render: (v: string | null) => formatDateTime(v, tz) },
    { key: 'createdAt', title: t('outbox.createdAt'), dataIndex: 'createdAt', responsive: ['xl'], render: (v: string) => formatDateTime(v, tz) },
    { key: 'actions', title: '', render: (_v, m) => retryButton(m) },
  ];

  return (
    <div>
      <div style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('outbox.all')}
          style={{ width: mobile ? '100%' : 180 }}
          value={f.status}
          onChange={(v) => setF({ status: v })}
          options={STATUSES.map((s) => ({ value: s, label: s }))}
          data-testid="outbox-status"
        />
      </div>
      {q.error && !q.data ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div style={mobile ? undefined : { background: '#fff', borderRadius: 8 }}>
          <DataList<OutboxMessage>
            rowKey={(m) => m.id}
            rowTestId="outbox-row"
            columns={columns}
            data={q.data?.items}
            loading={q.isFetching}
            size="small"
            cardHide={['status', 'actions', 'createdAt']}
            cardExtra={(m) => <StatusTag status={m.status} />}
            expandedRow={mobile ? (m) => retryButton(m) : undefined}
          />
        </div>
      )}
    </div>
  );
}
