// In-app inbox (X3): list, mark one read, mark all read; a message's link opens its record.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Badge, Button, Empty, Flex, Segmented, Spin } from 'antd';
import { CheckOutlined } from '@ant-design/icons';
import { useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Pager } from '../../ui/DataList.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMarkAllRead, useMarkRead, useNotifications, type Notification } from './api.js';
import { notifyMessages } from './messages.js';
import { useMessage } from '../../ui/feedback.js';

/** Used only when the server does not say its page size. */
const DEFAULT_PAGE_SIZE = 20;

export function InboxPage() {
  const t = useT(notifyMessages);
  const me = useMe();
  const navigate = useNavigate();
  const message = useMessage();
  const showError = useShowError();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [page, setPage] = useState(1);
  const q = useNotifications(page, unreadOnly);
  const pageSize = q.data?.pageSize ?? DEFAULT_PAGE_SIZE;
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();

  const open = async (n: Notification) => {
    if (!n.readAt) markRead.mutate(n.id);
    if (!n.link) return;
    if (n.link.startsWith('/') && !n.link.startsWith('//')) navigate(n.link);
    else if (/^https?:\/\//i.test(n.link)) window.open(n.link, '_blank', 'noopener');
  };

  return (
    <div>
      <PageHeader
        title={t('title')}
        extra={
          <>
            <Segmented
              value={unreadOnly ? 'unread' : 'all'}
              onChange={(v) => {
                setUnreadOnly(v === 'unread');
                setPage(1);
              }}
              options={[
                { value: 'all', label: t('all') },
                { value: 'unread', label: t('unread') },
              ]}
              data-testid="inbox-filter"
            />
            <Button
              icon={<CheckOutlined />}
              loading={markAll.isPending}
              data-testid="inbox-mark-all"
              onClick={async () => {
                try {
                  await markAll.mutateAsync();
                  void message.success(t('allRead'));
                } catch (e) {
                  showError(e);
                }
              }}
            >
              {t('markAllRead')}
            </Button>
          </>
        }
      />
      {q.error && !q.data ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <Spin spinning={q.isFetching}>
          <div style={{ background: '#fff', borderRadius: 8 }}>
            {q.data && q.data.items.length === 0 ? <Empty style={{ padding: 32 }} description={unreadOnly ? t('emptyUnread') : t('empty')} /> : null}
            {(q.data?.items ?? []).map((n, i) => (
              <Flex
                key={n.id}
                gap={12}
                align="flex-start"
                data-testid="inbox-item"
                data-unread={n.readAt ? 'false' : 'true'}
                style={{ padding: '12px 16px', borderTop: i ? '1px solid #f0f0f0' : undefined, cursor: n.link ? 'pointer' : undefined }}
                onClick={() => void open(n)}
              >
                <Badge status={n.readAt ? 'default' : 'processing'} style={{ marginTop: 6 }} />
                <div style={{ flex: 1, minWidth: 0 }}>
                  <div style={{ fontWeight: n.readAt ? 400 : 600, wordBreak: 'break-word' }}>{n.title}</div>
                  {n.body ? <div style={{ color: 'rgba(0,0,0,0.55)', margin: '2px 0', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{n.body}</div> : null}
                  <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{formatDateTime(n.createdAt, me.tenant.timeZone)}</div>
                </div>
                {!n.readAt ? (
                  <Button
                    size="small"
                    type="link"
                    data-testid="inbox-mark-read"
                    onClick={(e) => {
                      e.stopPropagation();
                      markRead.mutate(n.id, { onError: showError });
                    }}
                  >
                    {t('markRead')}
                  </Button>
                ) : null}
              </Flex>
            ))}
          </div>
          {q.data && q.data.total > pageSize ? (
            <div style={{ marginTop: 12 }}>
              <Pager page={page} pageSize={pageSize} total={q.data.total} onChange={(p) => setPage(p)} />
            </div>
          ) : null}
        </Spin>
      )}
    </div>
  );
}
