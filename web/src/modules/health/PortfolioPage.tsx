// Portfolio health ranking (C3): the customers of a rep, a team or a region ranked by overall
// risk, filtered by level, team or region; each row opens the customer's health board.
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Alert, Flex, Segmented, Select, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { MaskedHint } from '../../ui/Masked.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { CustomerSections } from '../customers/sections.js';
import { TierTag } from '../customers/components/CustomerTags.js';
import { useRegions, useTeams } from '../org/api.js';
import { usePortfolio, type Level, type PortfolioItem, type PortfolioParams } from './api.js';
import { LevelTag } from './HealthOverview.js';
import { healthMessages } from './messages.js';

type Scope = NonNullable<PortfolioParams['scope']>;
const SCOPES_BY_ROLE: Record<string, Scope[]> = {
  rep: ['own'],
  manager: ['team', 'own'],
  director: ['region', 'team'],
  bp: ['region'],
};
const LEVELS: Level[] = ['at_risk', 'watch', 'healthy'];
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

export function PortfolioPage() {
  const t = useT(healthMessages);
  const me = useMe();
  const mobile = useIsMobile();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const scopes = SCOPES_BY_ROLE[me.user.role] ?? ['all', 'region', 'team'];
  const params: PortfolioParams = useMemo(
    () => ({
      scope: (sp.get('scope') as Scope) || scopes[0],
      level: (sp.get('level') as Level) || undefined,
      teamId: sp.get('teamId') || undefined,
      regionId: sp.get('regionId') || undefined,
      page: Number(sp.get('page')) || 1,
      pageSize: Number(sp.get('pageSize')) || 20,
    }),
    [sp],
  );
  const q = usePortfolio(params);
  const teams = useTeams();
  const regions = useRegions();
  const set = (patch: Partial<Record<keyof PortfolioParams, string | number | undefined>>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setSp(next);
  };
  const offset = (params.page - 1) * params.pageSize;

  const columns: TableColumnsType<PortfolioItem> = [
    { key: 'rank', title: t('portfolio.rank'), render: (_v, _r, i) => offset + i + 1, width: 64 },
    {
      key: 'name',
      title: t('portfolio.customer'),
      dataIndex: 'name',
      render: (_v, r) => (
        <Link to={`/customers/${r.customerId}`} data-testid="portfolio-customer" onClick={(e) => e.stopPropagation()}>
          {r.name ?? r.customerId}
          {r.nameMasked ? <MaskedHint /> : null}
        </Link>
      ),
    },
    { key: 'tier', title: t('portfolio.tier'), dataIndex: 'tier', render: (v) => <TierTag tier={v} /> },
    {
      key: 'risk',
      title: t('portfolio.risk'),
      dataIndex: 'riskScore',
      render: (v: number, r) => (
        <Flex gap={6} align="center">
          <strong data-testid="portfolio-risk">{v}</strong>
          <LevelTag level={r.level} />
        </Flex>
      ),
    },
    { key: 'service', title: t('portfolio.service'), dataIndex: 'serviceRisk' },
    { key: 'activity', title: t('portfolio.activity'), dataIndex: 'activity' },
    { key: 'complaints', title: t('portfolio.complaints'), render: (_v, r) => `${r.complaints}/${r.tickets}` },
    { key: 'sla', title: t('portfolio.sla'), dataIndex: 'slaAttainment', render: (v: number | null) => pct(v) },
    { key: 'owner', title: t('portfolio.owner'), dataIndex: 'ownerName' },
  ];

  const teamOptions = (teams.data ?? []).filter((x) => !params.regionId || x.regionId === params.regionId).map((x) => ({ value: x.id, label: x.name }));
  const regionOptions = (regions.data ?? []).map((x) => ({ value: x.id, label: x.name }));
  const wide = ['admin', 'director', 'service', 'delivery', 'qa', 'bp'].includes(me.user.role);

  return (
    <div>
      <CustomerSections />
      <PageHeader title={t('portfolio.title')} testId="portfolio-title" />
      <Flex gap={8} wrap style={{ marginBottom: 12 }}>
        {scopes.length > 1 ? (
          <Segmented
            value={params.scope}
            onChange={(v) => set({ scope: v as string, teamId: undefined, regionId: undefined })}
            options={scopes.map((s) => ({ value: s, label: t(`portfolio.scope.${s}`) }))}
            data-testid="portfolio-scope"
          />
        ) : null}
        <Select
          allowClear
          placeholder={t('portfolio.allLevels')}
          value={params.level}
          onChange={(v) => set({ level: v })}
          options={LEVELS.map((l) => ({ value: l, label: t(`level.${l}`) }))}
          style={{ minWidth: 140 }}
          data-testid="portfolio-level"
        />
        {wide && me.user.role !== 'bp' ? (
          <>
            {me.user.role !== 'director' ? (
              <Select allowClear placeholder={t('portfolio.region')} value={params.regionId} onChange={(v) => set({ regionId: v, teamId: undefined })} options={regionOptions} style={{ minWidth: 140 }} />
            ) : null}
            <Select allowClear placeholder={t('portfolio.team')} value={params.teamId} onChange={(v) => set({ teamId: v })} options={teamOptions} style={{ minWidth: 140 }} data-testid="portfolio-team" />
          </>
        ) : null}
      </Flex>
      {q.data ? (
        <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }} data-testid="portfolio-counts">
          {t('portfolio.counts', { atRisk: q.data.counts.at_risk, watch: q.data.counts.watch, healthy: q.data.counts.healthy })} · {t('portfolio.rule', { version: q.data.ruleVersion })}
        </Typography.Text>
      ) : null}
      {q.data?.truncated ? <Alert type="warning" showIcon title={t('portfolio.truncated')} style={{ marginBottom: 8 }} /> : null}
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <DataList<PortfolioItem>
          rowKey={(r) => r.customerId}
          rowTestId="portfolio-row"
          columns={columns}
          data={q.data?.items}
          loading={q.isFetching}
          onRowClick={(r) => navigate(`/customers/${r.customerId}`)}
          cardTitle={(r) => (
            <span>
              {r.name ?? r.customerId}
              {r.nameMasked ? <MaskedHint /> : null}
            </span>
          )}
          cardHide={mobile ? ['name', 'rank'] : []}
          paging={q.data ? { page: params.page, pageSize: params.pageSize, total: q.data.total, onChange: (page, pageSize) => set({ page, pageSize }) } : undefined}
        />
      )}
    </div>
  );
}
