// Conflicts worklist (C2): every customer field whose sources disagree, across the customers the
// user may read, filtered by status and field; resolving opens the same dialog as the customer tab.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Flex, Segmented, Select, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useLang, useT } from '../../app/lang.js';
import { useMe } from '../../app/auth.js';
import { formatDate, formatDateTime } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { CustomerSections } from './sections.js';
import { displayValue, useConflicts, type ConflictItem } from './sources/api.js';
import { sourceMessages, type SourceMessageKey } from './sources/messages.js';
import { ResolveModal, type ResolveTarget } from './sources/ResolveModal.js';

const FIELDS = ['name', 'creditCode', 'mobile', 'contactName', 'industry', 'tier', 'province', 'city', 'address', 'decisionChain', 'budgetCycle', 'techArchitecture'];

export function ConflictsPage() {
  const t = useT(sourceMessages);
  const { lang } = useLang();
  const me = useMe();
  const tz = me.tenant.timeZone;
  const [status, setStatus] = useState<'open' | 'resolved'>('open');
  const [field, setField] = useState<string | undefined>();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [resolving, setResolving] = useState<ResolveTarget | null>(null);
  const q = useConflicts({ status, field, ...page });
  const columns: TableColumnsType<ConflictItem> = [
    {
      key: 'customer',
      title: t('conflicts.customer'),
      render: (_: unknown, r) => (
        <Link to={`/customers/${r.customerId}?tab=sources`} data-testid="conflict-customer">
          {r.customerName ?? r.customerId}
        </Link>
      ),
    },
    { key: 'field', title: t('conflicts.field'), render: (_: unknown, r) => <Tag color="orange">{r.label[lang]}</Tag> },
    {
      key: 'values',
      title: t('conflicts.values'),
      render: (_: unknown, r) => (
        <Flex vertical gap={2}>
          {r.candidates.map((c) => (
            <span key={c.valueId} style={{ wordBreak: 'break-word' }}>
              <Typography.Text type="secondary">
                {c.sourceSystem}（{t(`channel.${c.channel}` as SourceMessageKey)} {formatDate(c.observedAt, tz)}）：
              </Typography.Text>
              {displayValue(c.value)}
            </span>
          ))}
          {r.status === 'resolved' ? (
            <Typography.Text type="success">{t('conflicts.resolvedBy', { who: r.resolvedByName ?? '—', when: formatDateTime(r.resolvedAt, tz), note: r.note ?? '' })}</Typography.Text>
          ) : null}
        </Flex>
      ),
    },
    { key: 'detectedAt', title: t('conflicts.detectedAt'), render: (_: unknown, r) => formatDateTime(r.detectedAt, tz) },
    {
      key: 'action',
      title: '',
      render: (_: unknown, r) =>
        r.status === 'open' && r.canResolve ? (
          <Button
            size="small"
            type="primary"
            onClick={() => setResolving({ customerId: r.customerId, field: r.field, label: r.label, version: r.version, candidates: r.candidates })}
            data-testid="conflict-resolve"
          >
            {t('conflicts.resolve')}
          </Button>
        ) : null,
    },
  ];
  return (
    <div>
      <CustomerSections />
      <PageHeader title={t('conflicts.title')} testId="conflicts-title" />
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented
          value={status}
          onChange={(v) => {
            setStatus(v as 'open' | 'resolved');
            setPage((p) => ({ ...p, page: 1 }));
          }}
          options={[
            { value: 'open', label: t('conflicts.status.open') },
            { value: 'resolved', label: t('conflicts.status.resolved') },
          ]}
          data-testid="conflicts-status"
        />
        <Select
          allowClear
          placeholder={t('conflicts.allFields')}
          style={{ minWidth: 160 }}
          value={field}
          onChange={(v) => {
            setField(v);
            setPage((p) => ({ ...p, page: 1 }));
          }}
          options={FIELDS.map((f) => ({ value: f, label: q.data?.items.find((i) => i.field === f)?.label[lang] ?? f }))}
          data-testid="conflicts-field"
        />
      </Space>
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <DataList<ConflictItem>
          rowKey={(r) => `${r.customerId}:${r.field}`}
          rowTestId="conflict-row"
          columns={columns}
          data={q.data?.items}
          loading={q.isLoading}
          emptyText={t('conflicts.empty')}
          cardTitle={(r) => r.customerName ?? r.customerId}
          paging={q.data ? { page: page.page, pageSize: page.pageSize, total: q.data.total, onChange: (p, s) => setPage({ page: p, pageSize: s }) } : undefined}
        />
      )}
      {resolving ? <ResolveModal target={resolving} onClose={() => setResolving(null)} /> : null}
    </div>
  );
}
