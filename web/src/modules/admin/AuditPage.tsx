// Audit log search (X1): who did what to which record, with the before → after diff.
import { useState } from 'react';
import { AutoComplete, Button, DatePicker, Flex, Form, Input, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { formatDateTime } from '../../app/format.js';
import { appMessages } from '../../app/messages.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { UserSelect } from '../org/UserSelect.js';
import { useAudit, type AuditEntry, type AuditFilters } from './api.js';
import { adminMessages, type AdminMessageKey } from './messages.js';
import { JsonDiff } from './components/Json.js';
import { jsonDiff } from './diff.js';

const RESOURCES = ['Customer', 'Opportunity', 'Visit', 'User', 'OrgUnit', 'ApiToken', 'Config', 'JobRun', 'Notification', 'NotificationChannel', 'File', 'AuditLog'];

interface FilterForm {
  actorId?: string | null;
  action?: string;
  resource?: string;
  recordId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

export function AuditPage() {
  const t = useT(adminMessages);
  const ta = useT(appMessages);
  const me = useMe();
  const mobile = useIsMobile();
  const tz = me.tenant.timeZone;
  const [form] = Form.useForm<FilterForm>();
  const [filters, setFilters] = useState<AuditFilters>({ page: 1, pageSize: 20 });
  const q = useAudit(filters);

  const apply = (v: FilterForm) => {
    const blank = (s?: string | null) => (s && s.trim() ? s.trim() : undefined);
    setFilters({
      page: 1,
      pageSize: filters.pageSize,
      actorId: blank(v.actorId),
      action: blank(v.action),
      resource: blank(v.resource),
      recordId: blank(v.recordId),
      from: v.range?.[0]?.toISOString(),
      to: v.range?.[1]?.toISOString(),
    });
  };

  const kindLabel = (k: string) => (['user', 'token', 'system'].includes(k) ? t(`audit.kind.${k}` as AdminMessageKey) : k);

  const columns: TableColumnsType<AuditEntry> = [
    { key: 'at', title: t('audit.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v, tz) },
    {
      key: 'actor',
      title: t('audit.actor'),
      render: (_v, r) => (
        <span>
          {r.actorName ?? r.actorId ?? ''}
          {r.actorKind && r.actorKind !== 'user' ? <Tag style={{ marginInlineStart: 6 }}>{kindLabel(r.actorKind)}</Tag> : null}
        </span>
      ),
    },
    { key: 'action', title: t('audit.action'), dataIndex: 'action', render: (v: string) => <code>{v}</code> },
    { key: 'resource', title: t('audit.resource'), dataIndex: 'resource' },
    {
      key: 'recordId',
      title: t('audit.recordId'),
      dataIndex: 'recordId',
      render: (v: string | null) => (v ? <Typography.Text copyable={{ text: v }} style={{ fontFamily: 'monospace', fontSize: 12 }}>{v.length > 13 ? `${v.slice(0, 8)}…` : v}</Typography.Text> : ''),
    },
    {
      key: 'changes',
      title: t('audit.changes'),
      render: (_v, r) => {
        const n = jsonDiff(r.before, r.after).length;
        return n ? t('audit.changedCount', { n }) : '';
      },
    },
    { key: 'requestId', title: t('audit.requestId'), dataIndex: 'requestId', responsive: ['xl'], render: (v: string | null) => (v ? <code style={{ fontSize: 12 }}>{v}</code> : '') },
  ];

  return (
    <div>
      <div style={{ background: '#fff', padding: 16, borderRadius: 8, marginBottom: 12 }}>
        <Form<FilterForm> form={form} layout={mobile ? 'vertical' : 'inline'} onFinish={apply} data-testid="audit-filters" style={{ rowGap: 8 }}>
          <Form.Item name="actorId" label={t('audit.actor')}>
            <UserSelect style={{ width: mobile ? '100%' : 160 }} testId="audit-actor" />
          </Form.Item>
          <Form.Item name="action" label={t('audit.action')}>
            <Input placeholder={t('audit.actionPlaceholder')} allowClear style={{ width: mobile ? '100%' : 180 }} data-testid="audit-action" />
          </Form.Item>
          <Form.Item name="resource" label={t('audit.resource')}>
            <AutoComplete
              allowClear
              options={RESOURCES.map((r) => ({ value: r }))}
              showSearch={{ filterOption: (input, o) => String(o?.value ?? '').toLowerCase().includes(input.toLowerCase()) }}
              style={{ width: mobile ? '100%' : 170 }}
              data-testid="audit-resource"
            />
          </Form.Item>
          <Form.Item name="recordId" label={t('audit.recordId')}>
            <Input allowClear style={{ width: mobile ? '100%' : 200 }} data-testid="audit-record" />
          </Form.Item>
          <Form.Item name="range" label={t('audit.range')}>
            <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]} data-testid="audit-range" />
          </Form.Item>
          <Form.Item>
            <Flex gap={8}>
              <Button type="primary" htmlType="submit" data-testid="audit-search">
                {ta('search')}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setFilters({ page: 1, pageSize: filters.pageSize });
                }}
              >
                {ta('reset')}
              </Button>
            </Flex>
          </Form.Item>
        </Form>
      </div>
      {q.error && !q.data ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div style={mobile ? undefined : { background: '#fff', borderRadius: 8 }}>
          <DataList<AuditEntry>
            rowKey={(r) => String(r.id)}
            rowTestId="audit-row"
            columns={columns}
            data={q.data?.items}
            loading={q.isFetching}
            size="small"
            paging={{ page: filters.page, pageSize: filters.pageSize, total: q.data?.total ?? 0, onChange: (page, pageSize) => setFilters({ ...filters, page, pageSize }) }}
            expandedRow={(r) => (
              <div style={{ maxWidth: 960 }}>
                <JsonDiff before={r.before} after={r.after} testId="audit-diff" />
                {r.ip || r.requestId ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 6 }}>
                    {r.requestId ? `${t('audit.requestId')}: ${r.requestId}` : ''} {r.ip ? ` · ${t('audit.ip')}: ${r.ip}` : ''}
                  </Typography.Text>
                ) : null}
              </div>
            )}
            cardHide={['requestId', 'changes']}
          />
        </div>
      )}
    </div>
  );
}
