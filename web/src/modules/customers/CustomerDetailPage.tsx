// Customer detail (C1, C4, C8): header, descriptions (masked values marked), edit drawer
// limited to `_abilities.writable` with optimistic versioning, opportunities and visits.
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { Button, Card, Descriptions, Empty, Flex, Skeleton, Space, Tabs, Tag } from 'antd';
import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import type { TableColumnsType } from 'antd';
import { useCan, useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { isApiError } from '../../app/problem.js';
import { appMessages } from '../../app/messages.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { MaskedHint } from '../../ui/Masked.js';
import { useCustomer, useVisits, type Customer, type Visit } from './api.js';
import { OpportunitiesTab } from '../pipeline/OpportunitiesTab.js';
import { ContractsTab } from '../pipeline/ContractsTab.js';
import { pipelineMessages } from '../pipeline/messages.js';
import { customerMessages, type CustomerMessageKey } from './messages.js';
import { KindTag, StageTag, TierTag } from './components/CustomerTags.js';
import { MergedBanner } from './duplicates/MergedBanner.js';
import { HealthOverview } from '../health/HealthOverview.js';
import { CustomerTimeline } from '../health/CustomerTimeline.js';
import { healthMessages } from '../health/messages.js';
import { SourcesTab } from './sources/SourcesTab.js';
import { sourceMessages } from './sources/messages.js';

const EditCustomerDrawer = lazy(async () => ({ default: (await import('./components/EditCustomerDrawer.js')).EditCustomerDrawer }));

export function CustomerDetailPage() {
  const { id = '' } = useParams();
  const t = useT(customerMessages);
  const ta = useT(appMessages);
  const tp = useT(pipelineMessages);
  const can = useCan();
  const th = useT(healthMessages);
  const ts = useT(sourceMessages);
  const q = useCustomer(id);
  const [editing, setEditing] = useState(false);
  const [tab, setTab] = useState(() => (can('CustomerHealth', 'read') ? 'overview' : 'opportunities'));
  // Deep links (conflicts worklist, freshness reminders) open a tab with ?tab=…
  const [search] = useSearchParams();
  useEffect(() => {
    const want = search.get('tab');
    if (want) setTab(want);
  }, [search]);

  const back = (
    <Link to="/customers" style={{ display: 'inline-flex', gap: 6, marginBottom: 12 }} data-testid="customer-back">
      <ArrowLeftOutlined /> {t('back')}
    </Link>
  );

  if (q.isPending) return <Skeleton active />;
  if (q.error) {
    if (isApiError(q.error) && q.error.status === 404 && !q.error.isMissingEndpoint) {
      return (
        <div>
          {back}
          <Empty description={q.error.detail} data-testid="customer-not-found" />
        </div>
      );
    }
    return (
      <div>
        {back}
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </div>
    );
  }
  const c = q.data;
  const masked = (f: string) => c._abilities.masked.includes(f);
  const canEdit = c._abilities.update && c._abilities.writable.length > 0;

  return (
    <div>
      {back}
      {c.merge ? <MergedBanner customerId={c.id} merge={c.merge} /> : null}
      <Card style={{ marginBottom: 16 }}>
        <Flex justify="space-between" align="flex-start" wrap gap={12}>
          <div style={{ minWidth: 0 }}>
            <h1 style={{ margin: 0, fontSize: 22, fontWeight: 600, lineHeight: 1.35, wordBreak: 'break-word' }} data-testid="customer-title">
              {c.name ?? c.id}
              {masked('name') ? <MaskedHint /> : null}
            </h1>
            <Space size={[4, 4]} wrap style={{ marginTop: 8 }}>
              <KindTag kind={c.kind} />
              <TierTag tier={c.tier} />
              <StageTag stage={c.stage} />
              {(c.tags ?? []).map((tag) => (
                <Tag key={tag} variant="filled">
                  {tag}
                </Tag>
              ))}
            </Space>
          </div>
          {canEdit ? (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="customer-edit">
              {ta('edit')}
            </Button>
          ) : null}
        </Flex>
        <CustomerDescriptions customer={c} />
      </Card>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          items={[
            ...(can('CustomerHealth', 'read') ? [{ key: 'overview', label: th('tab.overview'), children: <HealthOverview customerId={c.id} active={tab === 'overview'} /> }] : []),
            { key: 'opportunities', label: t('tab.opportunities'), children: <OpportunitiesTab customerId={c.id} /> },
            ...(can('Contract', 'read') ? [{ key: 'contracts', label: tp('contract.tab'), children: <ContractsTab customerId={c.id} /> }] : []),
            { key: 'visits', label: t('tab.visits'), children: <VisitsTab id={c.id} active={tab === 'visits'} /> },
            { key: 'timeline', label: th('tab.timeline'), children: <CustomerTimeline customerId={c.id} active={tab === 'timeline'} /> },
            ...(can('CustomerSource', 'read') ? [{ key: 'sources', label: ts('sources.tab'), children: <SourcesTab customerId={c.id} active={tab === 'sources'} /> }] : []),
          ]}
        />
      </Card>
      {editing ? (
        <Suspense fallback={null}>
          <EditCustomerDrawer customer={c} onClose={() => setEditing(false)} onReload={() => q.refetch()} />
        </Suspense>
      ) : null}
    </div>
  );
}

function CustomerDescriptions({ customer: c }: { customer: Customer }) {
  const t = useT(customerMessages);
  const me = useMe();
  const tz = me.tenant.timeZone;
  const rows: { key: CustomerMessageKey; field: keyof Customer | null; value: ReactNode }[] = [
    { key: 'field.creditCode', field: 'creditCode', value: c.creditCode },
    { key: 'field.mobile', field: 'mobile', value: c.mobile },
    { key: 'field.contactName', field: 'contactName', value: c.contactName },
    { key: 'field.industry', field: 'industry', value: c.industry },
    { key: 'field.location', field: 'city', value: [c.province, c.city].filter((x, i, a) => x && a.indexOf(x) === i).join(' ') },
    { key: 'field.address', field: 'address', value: c.address },
    { key: 'field.owner', field: 'ownerName', value: c.ownerName },
    { key: 'field.team', field: 'teamName', value: c.teamName },
    { key: 'field.region', field: 'regionName', value: c.regionName },
    { key: 'field.updatedAt', field: 'updatedAt', value: formatDateTime(c.updatedAt, tz) },
    { key: 'field.createdAt', field: 'createdAt', value: formatDateTime(c.createdAt, tz) },
  ];
  const present = rows.filter((r) => r.field === null || r.field in c || (r.field === 'city' && 'province' in c));
  return (
    <Descriptions
      style={{ marginTop: 20 }}
      size="small"
      column={{ xs: 1, sm: 2, lg: 3 }}
      data-testid="customer-descriptions"
      items={present.map((r) => ({
        key: r.key,
        label: t(r.key),
        children: (
          <span data-testid={`customer-field-${r.field}`}>
            {r.value === null || r.value === undefined || r.value === '' ? t('notReadable') : r.value}
            {r.field && c._abilities.masked.includes(r.field) ? <MaskedHint /> : null}
          </span>
        ),
      }))}
    />
  );
}

function VisitsTab({ id, active }: { id: string; active: boolean }) {
  const t = useT(customerMessages);
  const me = useMe();
  const tz = me.tenant.timeZone;
  const q = useVisits(id, active);
  const columns: TableColumnsType<Visit> = [
    { key: 'occurredAt', title: t('visit.occurredAt'), dataIndex: 'occurredAt', render: (v: string) => formatDateTime(v, tz) },
    { key: 'purpose', title: t('visit.purpose'), dataIndex: 'purpose' },
    { key: 'note', title: t('visit.note'), dataIndex: 'note', render: (v: string) => <div style={{ maxWidth: 480, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{v}</div> },
    { key: 'rep', title: t('visit.rep'), dataIndex: 'repName' },
    { key: 'recordedAt', title: t('visit.recordedAt'), dataIndex: 'recordedAt', render: (v: string) => formatDateTime(v, tz) },
  ];
  if (q.error) return <ErrorState error={q.error} compact onRetry={() => void q.refetch()} />;
  return <DataList<Visit> rowKey={(v) => v.id} rowTestId="visit-row" columns={columns} data={q.data} loading={q.isLoading} size="small" />;
}
