// Customer list (C1, C4, X4): server-side paging, search, filters, sorting, export with the
// current filters, create for roles that may. Rows link to the detail page. On a phone the
// list is cards, the tier filter is a segmented control and the other filters sit in a drawer.
import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Badge, Button, Drawer, Flex, Input, Segmented, Space, Spin } from 'antd';
import { DownloadOutlined, FilterOutlined, PlusOutlined, SearchOutlined } from '@ant-design/icons';
import type { TableColumnsType } from 'antd';
import { useCan, useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { formatDateTime } from '../../app/format.js';
import { isApiError } from '../../app/problem.js';
import { appMessages } from '../../app/messages.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { MaybeMasked } from '../../ui/Masked.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { TIERS, useCustomers, type Customer } from './api.js';
import { exportHref, parseListParams, toSearchParams, withFilter, type ListParams, type SortField } from './query.js';
import { customerMessages } from './messages.js';
import { KindTag, StageTag, TierTag } from './components/CustomerTags.js';
import { CustomerSections } from './sections.js';

const CustomerFilters = lazy(async () => ({ default: (await import('./components/CustomerFilters.js')).CustomerFilters }));
const CreateCustomerDrawer = lazy(async () => ({ default: (await import('./components/CreateCustomerDrawer.js')).CreateCustomerDrawer }));

export function CustomerListPage() {
  const t = useT(customerMessages);
  const ta = useT(appMessages);
  const me = useMe();
  const can = useCan();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const params = useMemo(() => parseListParams(sp), [sp]);
  const list = useCustomers(params);
  const tz = me.tenant.timeZone;
  const [creating, setCreating] = useState(false);
  const [filtersOpen, setFiltersOpen] = useState(false);

  const go = (p: ListParams) => setSp(toSearchParams(p));

  // Search box: typed text reaches the URL after a short pause (or at once on Enter).
  const [text, setText] = useState(params.filters.q ?? '');
  useEffect(() => setText(params.filters.q ?? ''), [params.filters.q]);
  useEffect(() => {
    if (text.trim() === (params.filters.q ?? '')) return;
    const h = setTimeout(() => go(withFilter(params, 'q', text)), 400);
    return () => clearTimeout(h);
  }, [text]);

  const sortOrder = (k: SortField) => (params.sort === k ? (params.order === 'asc' ? 'ascend' : 'descend') : null);

  const columns: TableColumnsType<Customer> = [
    {
      key: 'name',
      title: t('col.name'),
      dataIndex: 'name',
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_v, c) => (
        <MaybeMasked masked={c._abilities.masked.includes('name')}>
          <Link to={`/customers/${c.id}`} onClick={(e) => e.stopPropagation()} data-testid="customer-link">
            {c.name ?? c.id}
          </Link>
        </MaybeMasked>
      ),
    },
    { key: 'kind', title: t('col.kind'), dataIndex: 'kind', responsive: ['xl'], render: (_v, c) => <KindTag kind={c.kind} /> },
    { key: 'tier', title: t('col.tier'), dataIndex: 'tier', sorter: true, sortOrder: sortOrder('tier'), render: (_v, c) => <TierTag tier={c.tier} /> },
    { key: 'stage', title: t('col.stage'), dataIndex: 'stage', render: (_v, c) => <StageTag stage={c.stage} /> },
    { key: 'industry', title: t('col.industry'), dataIndex: 'industry' },
    { key: 'city', title: t('col.city'), dataIndex: 'city', render: (_v, c) => [c.province, c.city].filter((x, i, a) => x && a.indexOf(x) === i).join(' ') },
    { key: 'owner', title: t('col.owner'), dataIndex: 'ownerName' },
    { key: 'team', title: t('col.team'), dataIndex: 'teamName', responsive: ['lg'] },
    { key: 'region', title: t('col.region'), dataIndex: 'regionName', responsive: ['lg'] },
    { key: 'updatedAt', title: t('col.updatedAt'), dataIndex: 'updatedAt', sorter: true, sortOrder: sortOrder('updatedAt'), render: (v: string) => formatDateTime(v, tz) },
    { key: 'createdAt', title: t('col.createdAt'), dataIndex: 'createdAt', sorter: true, sortOrder: sortOrder('createdAt'), responsive: ['xxl'], render: (v: string) => formatDateTime(v, tz) },
  ];

  const filterCount = Object.keys(params.filters).filter((k) => k !== 'q' && k !== 'tier').length;
  const hasFilters = Object.keys(params.filters).length > 0;

  return (
    <div>
      <CustomerSections />
      <PageHeader
        title={t('title')}
        extra={
          <>
            {can('Customer', 'export') ? (
              <Space.Compact>
                <Button icon={<DownloadOutlined />} href={exportHref(params, 'csv')} download data-testid="export-csv">
                  {mobile ? 'CSV' : t('exportCsv')}
                </Button>
                <Button href={exportHref(params, 'xlsx')} download data-testid="export-xlsx">
                  {mobile ? 'Excel' : t('exportXlsx')}
                </Button>
              </Space.Compact>
            ) : null}
            {can('Customer', 'create') ? (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="customer-create">
                {t('create')}
              </Button>
            ) : null}
          </>
        }
      />
      <div style={{ background: '#fff', padding: mobile ? 10 : 16, borderRadius: 8, marginBottom: 12 }}>
        <Flex wrap gap={8} align="center">
          <Input
            data-testid="customer-search"
            type="search"
            enterKeyHint="search"
            aria-label={t('searchPlaceholder')}
            placeholder={t('searchPlaceholder')}
            prefix={<SearchOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
            allowClear
            value={text}
            onChange={(e) => setText(e.target.value)}
            onPressEnter={() => go(withFilter(params, 'q', text))}
            style={{ width: mobile ? '100%' : 240 }}
          />
          {mobile ? (
            <Flex justify="space-between" align="center" style={{ width: '100%' }} gap={8}>
              <Segmented
                data-testid="filter-tier"
                aria-label={t('filter.tier')}
                value={params.filters.tier ?? ''}
                onChange={(v) => go(withFilter(params, 'tier', v || null))}
                options={[{ value: '', label: ta('all') }, ...TIERS.map((v) => ({ value: v, label: v }))]}
              />
              <Badge count={filterCount} size="small">
                <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen(true)} data-testid="filter-open" aria-label={t('filters')} />
              </Badge>
            </Flex>
          ) : (
            <Suspense fallback={<Spin size="small" />}>
              <CustomerFilters params={params} onChange={go} />
            </Suspense>
          )}
          {hasFilters && !mobile ? (
            <Button type="link" onClick={() => go({ ...params, filters: {}, page: 1 })} data-testid="filter-reset">
              {t('filter.reset')}
            </Button>
          ) : null}
        </Flex>
      </div>
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <div style={mobile ? undefined : { background: '#fff', borderRadius: 8 }}>
          <DataList<Customer>
            rowKey={(c) => c.id}
            rowTestId="customer-row"
            columns={columns}
            data={list.data?.items}
            loading={list.isFetching}
            onRowClick={(c) => navigate(`/customers/${c.id}`)}
            paging={{
              page: params.page,
              pageSize: params.pageSize,
              total: list.data?.total ?? 0,
              onChange: (page, pageSize) => go({ ...params, page: pageSize !== params.pageSize ? 1 : page, pageSize }),
            }}
            onSortChange={(key, order) => go({ ...params, sort: (key as SortField) ?? 'updatedAt', order: order ?? 'desc', page: 1 })}
            cardTitle={(c) => (
              <span>
                <MaybeMasked masked={c._abilities.masked.includes('name')}>{c.name ?? c.id}</MaybeMasked> <TierTag tier={c.tier} />
              </span>
            )}
            cardExtra={(c) => <StageTag stage={c.stage} />}
            cardHide={['kind', 'tier', 'stage', 'team', 'createdAt']}
          />
          {list.error && list.data ? <div style={{ color: '#cf1322', padding: 8 }}>{isApiError(list.error) ? list.error.detail : ta('error.load')}</div> : null}
        </div>
      )}
      {mobile ? (
        <Drawer
          placement="bottom"
          open={filtersOpen}
          onClose={() => setFiltersOpen(false)}
          title={t('filters')}
          extra={
            <Button type="link" onClick={() => go({ ...params, filters: params.filters.q ? { q: params.filters.q } : {}, page: 1 })} data-testid="filter-reset">
              {t('filter.reset')}
            </Button>
          }
        >
          {filtersOpen ? (
            <Suspense fallback={<Spin />}>
              <CustomerFilters params={params} onChange={go} vertical hideTier />
            </Suspense>
          ) : null}
        </Drawer>
      ) : null}
      {creating ? (
        <Suspense fallback={null}>
          <CreateCustomerDrawer onClose={() => setCreating(false)} onCreated={(c) => navigate(`/customers/${c.id}`)} />
        </Suspense>
      ) : null}
    </div>
  );
}
