// Visits in the user's scope (P1, P2, P4, P5, P8): newest first with filters — flagged only (on by
// default for those who read detector findings), a flag type, a rep, a date range — keyset-paged.
// A row shows the six actions, where the check-in was, compliance and the flags; it opens the visit.
import { useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { Button, DatePicker, Flex, Select, Switch, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { UserSelect } from '../org/UserSelect.js';
import { ACTION_TYPES, doneActions, FLAG_CHECKS, missingOf, useVisits, type VisitSummary } from './api.js';
import { actionLabel, checkLabel } from './evidence.js';
import { processMessages } from './messages.js';

/** Tenant days are Asia/Shanghai days (UTC+8, no daylight saving), as on the server. */
const dayStart = (d: string) => new Date(`${d}T00:00:00+08:00`).toISOString();
const nextDayStart = (d: string) => new Date(new Date(`${d}T00:00:00+08:00`).getTime() + 86_400_000).toISOString();

const GEO_COLOR: Record<string, string> = { in: 'green', out: 'red', unknown: 'orange' };

export function GeofenceTag({ status }: { status: string | null }) {
  const t = useT(processMessages);
  if (!status) return <Typography.Text type="secondary">{t('geo.none')}</Typography.Text>;
  return (
    <Tag color={GEO_COLOR[status]} style={{ marginInlineEnd: 0 }}>
      {t(`geo.${status}` as 'geo.in')}
    </Tag>
  );
}

export function ComplianceTag({ v }: { v: Pick<VisitSummary, 'compliant' | 'counts'> }) {
  const t = useT(processMessages);
  if (v.compliant === null) return <Typography.Text type="secondary">{t('compliance.na')}</Typography.Text>;
  return (
    <Tag color={v.compliant ? 'green' : 'orange'} style={{ marginInlineEnd: 0 }}>
      {t(v.compliant ? 'compliance.ok' : 'compliance.no')}
      {!v.counts ? ` · ${t('counts.no')}` : ''}
    </Tag>
  );
}

export function FlagTags({ flags }: { flags: string[] }) {
  const { lang } = useLang();
  if (!flags.length) return null;
  return (
    <Flex gap={4} wrap>
      {flags.map((f) => (
        <Tag key={f} color={f.startsWith('p8.') ? 'purple' : 'red'} style={{ marginInlineEnd: 0 }} data-testid="visit-flag">
          {checkLabel(f, lang)}
        </Tag>
      ))}
    </Flex>
  );
}

/** Six small squares: green = done, grey = missing, orange = late. */
function ActionDots({ v }: { v: VisitSummary }) {
  const t = useT(processMessages);
  const { lang } = useLang();
  const done = doneActions(v);
  if (!done) return <Typography.Text type="secondary">{t('actions.none')}</Typography.Text>;
  const late = new Set(missingOf(v).late.map((l) => l.type));
  const missing = ACTION_TYPES.filter((a) => !done.includes(a));
  const tip = [
    t('actions.done', { list: done.map((a) => actionLabel(a, lang)).join('、') || '—' }),
    missing.length ? t('actions.missing', { list: missing.map((a) => actionLabel(a, lang)).join('、') }) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Tooltip title={tip}>
      <Flex gap={3} aria-label={tip} data-testid="visit-actions">
        {ACTION_TYPES.map((a) => {
          const isDone = done.includes(a);
          const color = late.has(a) ? '#fa8c16' : isDone ? '#52c41a' : '#d9d9d9';
          return (
            <span
              key={a}
              style={{ width: 20, height: 20, borderRadius: 4, background: color, color: isDone || late.has(a) ? '#fff' : '#8c8c8c', fontSize: 11, lineHeight: '20px', textAlign: 'center' }}
            >
              {t(`actionShort.${a}`)}
            </span>
          );
        })}
      </Flex>
    </Tooltip>
  );
}

export function VisitsPage() {
  const t = useT(processMessages);
  const { lang } = useLang();
  const can = useCan();
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const managerDefault = can('ProcessFlag', 'read');
  const flaggedParam = sp.get('flagged');
  const flagged = flaggedParam === null ? managerDefault : flaggedParam === '1';
  const check = sp.get('check') ?? undefined;
  const repId = sp.get('repId') ?? undefined;
  const repName = sp.get('repName');
  const fromDay = sp.get('from') ?? undefined;
  const toDay = sp.get('to') ?? undefined;

  const filters = useMemo(
    () => ({ flagged, check, repId, from: fromDay ? dayStart(fromDay) : undefined, to: toDay ? nextDayStart(toDay) : undefined }),
    [flagged, check, repId, fromDay, toDay],
  );
  const visits = useVisits(filters);
  const rows = useMemo(() => visits.data?.pages.flatMap((p) => p.items) ?? [], [visits.data]);

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setSp(next, { replace: true });
  };

  const columns: TableColumnsType<VisitSummary> = [
    { key: 'time', title: t('col.time'), render: (_v, r) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(r.occurredAt)}</span> },
    {
      key: 'customer',
      title: t('col.customer'),
      render: (_v, r) => (
        <Link to={`/process/visits/${r.id}`} onClick={(e) => e.stopPropagation()} data-testid="visit-open">
          {r.customerName ?? '—'}
        </Link>
      ),
    },
    { key: 'rep', title: t('col.rep'), render: (_v, r) => r.repName ?? '—' },
    { key: 'purpose', title: t('col.purpose'), render: (_v, r) => r.purpose },
    { key: 'actions', title: t('col.actions'), render: (_v, r) => <ActionDots v={r} /> },
    { key: 'geofence', title: t('col.geofence'), render: (_v, r) => <GeofenceTag status={r.geofence} /> },
    { key: 'compliance', title: t('col.compliance'), render: (_v, r) => <ComplianceTag v={r} /> },
    { key: 'flags', title: t('col.flags'), render: (_v, r) => <FlagTags flags={r.flags} /> },
  ];

  return (
    <div>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <Flex align="center" gap={6}>
          <Switch checked={flagged} onChange={(on) => set({ flagged: on ? '1' : '0' })} data-testid="visits-flagged" aria-label={t('filter.flagged')} />
          <span>{t('filter.flagged')}</span>
        </Flex>
        <Select
          allowClear
          placeholder={t('filter.check')}
          value={check}
          onChange={(v) => set({ check: v || undefined })}
          options={FLAG_CHECKS.map((c) => ({ value: c, label: checkLabel(c, lang) }))}
          style={{ minWidth: 150 }}
          data-testid="visits-check"
        />
        {can('User', 'read') ? (
          <UserSelect
            value={repId ?? null}
            currentLabel={repName}
            onChange={(id) => set({ repId: id ?? undefined, repName: undefined })}
            placeholder={t('filter.rep')}
            style={{ minWidth: 150 }}
            testId="visits-rep"
          />
        ) : null}
        <DatePicker.RangePicker
          value={fromDay && toDay ? [dayjs(fromDay), dayjs(toDay)] : null}
          onChange={(r) => set({ from: r?.[0]?.format('YYYY-MM-DD'), to: r?.[1]?.format('YYYY-MM-DD') })}
          aria-label={t('filter.dates')}
          style={{ maxWidth: 280 }}
        />
      </Flex>
      {visits.error ? (
        <ErrorState error={visits.error} onRetry={() => void visits.refetch()} />
      ) : (
        <>
          <DataList<VisitSummary>
            rowKey={(r) => r.id}
            rowTestId="visit-row"
            columns={columns}
            data={visits.data ? rows : undefined}
            loading={visits.isLoading || (visits.isFetching && !visits.isFetchingNextPage)}
            emptyText={flagged ? t('visits.emptyFlagged') : t('visits.empty')}
            onRowClick={(r) => navigate(`/process/visits/${r.id}`)}
            cardTitle={(r) => r.customerName ?? '—'}
            cardExtra={(r) => <Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatDateTime(r.occurredAt)}</Typography.Text>}
            cardHide={['customer', 'time']}
            size="small"
          />
          <Flex justify="center" align="center" gap={12} style={{ marginTop: 12 }}>
            {rows.length ? <Typography.Text type="secondary">{t('visits.count', { count: rows.length })}</Typography.Text> : null}
            {visits.hasNextPage ? (
              <Button onClick={() => void visits.fetchNextPage()} loading={visits.isFetchingNextPage} data-testid="visits-more">
                {t('loadMore')}
              </Button>
            ) : null}
          </Flex>
        </>
      )}
    </div>
  );
}
