// P8 back-fill and fabrication findings per rep and per team: which detector, over which period,
// the numbers that crossed the line and how many visits are behind each; a finding opens to its
// evidence rows, each linking to the visit. Admins can run the detectors now.
import { useMemo } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Button, Collapse, Flex, Select, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { formatDate } from '../../app/format.js';
import { useIsMobile } from '../../app/media.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { UserSelect } from '../org/UserSelect.js';
import { useTeams } from '../org/api.js';
import { useFlags, useRunDetectors, type ProcessFlag, type TeamFlagSummary } from './api.js';
import { checkLabel, explainBatchFlag, explainEvidenceRow, shortRef } from './evidence.js';
import { processMessages } from './messages.js';

const DETECTORS = ['recording_cluster', 'backfill_lag', 'template'] as const;

function EvidenceRows({ f }: { f: ProcessFlag }) {
  const { lang } = useLang();
  const rows = (f.evidence ?? []).map((r) => explainEvidenceRow(f.detector, r, lang, f.numbers));
  return (
    <div style={{ maxHeight: 320, overflow: 'auto' }} data-testid="flag-evidence">
      {rows.map((r, i) => (
        <Flex key={i} gap={8} align="baseline" style={{ fontSize: 13, padding: '3px 0', borderBottom: i < rows.length - 1 ? '1px dashed #f0f0f0' : undefined }} data-testid="flag-evidence-row">
          <span style={{ flex: '0 0 auto', fontFamily: 'monospace' }}>
            {r.visitId ? (
              <Link to={`/process/visits/${r.visitId}`} data-testid="flag-visit-link" onClick={(e) => e.stopPropagation()}>
                {shortRef(r.visitId)}
              </Link>
            ) : (
              '—'
            )}
          </span>
          <span style={{ minWidth: 0, wordBreak: 'break-word' }}>{r.text}</span>
        </Flex>
      ))}
    </div>
  );
}

/** On a phone the evidence stays folded inside the card; on a desktop the table row expands. */
function FlagEvidence({ f }: { f: ProcessFlag }) {
  const t = useT(processMessages);
  const mobile = useIsMobile();
  const count = (f.evidence ?? []).length;
  if (!mobile) return <EvidenceRows f={f} />;
  return <Collapse size="small" ghost items={[{ key: 'rows', label: t('flags.rows', { count }), children: <EvidenceRows f={f} /> }]} />;
}

export function FlagsPage() {
  const t = useT(processMessages);
  const { lang } = useLang();
  const can = useCan();
  const showError = useShowError();
  const message = useMessage();
  const [sp, setSp] = useSearchParams();
  const detector = sp.get('detector') ?? undefined;
  const repId = sp.get('repId') ?? undefined;
  const teamId = sp.get('teamId') ?? undefined;
  const flags = useFlags({ detector, repId, teamId });
  const teams = useTeams();
  const run = useRunDetectors();
  const teamName = useMemo(() => new Map((teams.data ?? []).map((x) => [x.id, x.name])), [teams.data]);

  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    setSp(next, { replace: true });
  };

  const columns: TableColumnsType<ProcessFlag> = [
    { key: 'rep', title: t('col.rep'), render: (_v, f) => f.repName ?? '—' },
    {
      key: 'detector',
      title: t('col.detector'),
      render: (_v, f) => (
        <Tag color="purple" style={{ marginInlineEnd: 0 }}>
          {checkLabel(f.detector, lang)}
        </Tag>
      ),
    },
    { key: 'period', title: t('col.period'), render: (_v, f) => <span style={{ whiteSpace: 'nowrap' }}>{t('batch.period', { from: formatDate(f.periodFrom), to: formatDate(f.periodTo) })}</span> },
    {
      key: 'numbers',
      title: t('col.numbers'),
      render: (_v, f) => (
        <span style={{ display: 'inline-block', maxWidth: 520, wordBreak: 'break-word' }} data-testid="flag-sentence">
          {explainBatchFlag(f, lang)}
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 6, fontFamily: 'monospace' }}>
            {f.ruleVersion}
          </Typography.Text>
        </span>
      ),
    },
    { key: 'visits', title: t('col.visits'), render: (_v, f) => f.visitIds.length },
  ];

  const teamColumns: TableColumnsType<TeamFlagSummary> = [
    { key: 'team', title: t('teams.team'), render: (_v, x) => (x.teamId ? (teamName.get(x.teamId) ?? shortRef(x.teamId)) : t('teams.none')) },
    { key: 'reps', title: t('teams.reps'), render: (_v, x) => x.reps },
    { key: 'visits', title: t('teams.visits'), render: (_v, x) => x.visits },
    {
      key: 'detectors',
      title: t('col.detector'),
      render: (_v, x) => (
        <Flex gap={4} wrap>
          {Object.entries(x.detectors).map(([d, n]) => (
            <Tag key={d} color="purple" style={{ marginInlineEnd: 0 }}>
              {checkLabel(d, lang)} × {n}
            </Tag>
          ))}
        </Flex>
      ),
    },
  ];

  return (
    <div>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary" style={{ maxWidth: 760 }}>
          {t('flags.intro')}
        </Typography.Text>
        {can('ProcessFlag', 'run') ? (
          <Button
            type="primary"
            loading={run.isPending}
            data-testid="flags-run"
            onClick={() => run.mutate(undefined, { onSuccess: (r) => void message.success(t('flags.ran', { status: r.status })), onError: showError })}
          >
            {t('flags.run')}
          </Button>
        ) : null}
      </Flex>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t('flags.detectorAll')}
          value={detector}
          onChange={(v) => set('detector', v || undefined)}
          options={DETECTORS.map((d) => ({ value: d, label: checkLabel(d, lang) }))}
          style={{ minWidth: 160 }}
          data-testid="flags-detector"
        />
        {can('User', 'read') ? <UserSelect value={repId ?? null} onChange={(id) => set('repId', id ?? undefined)} placeholder={t('filter.rep')} style={{ minWidth: 150 }} testId="flags-rep" /> : null}
        {(teams.data ?? []).length > 1 ? (
          <Select
            allowClear
            placeholder={t('teams.team')}
            value={teamId}
            onChange={(v) => set('teamId', v || undefined)}
            options={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
            style={{ minWidth: 150 }}
            showSearch={{ optionFilterProp: 'label' }}
          />
        ) : null}
      </Flex>
      {flags.error ? (
        <ErrorState error={flags.error} onRetry={() => void flags.refetch()} />
      ) : (
        <Flex vertical gap={16}>
          <DataList<ProcessFlag>
            rowKey={(f) => f.id}
            rowTestId="flag-row"
            columns={columns}
            data={flags.data?.items}
            loading={flags.isLoading}
            emptyText={t('flags.empty')}
            expandedRow={(f) => <FlagEvidence f={f} />}
            cardTitle={(f) => f.repName ?? '—'}
            cardExtra={(f) => (
              <Tag color="purple" style={{ marginInlineEnd: 0 }}>
                {checkLabel(f.detector, lang)}
              </Tag>
            )}
            cardHide={['rep', 'detector']}
            size="small"
          />
          {flags.data?.teams.length ? (
            <div>
              <h3 style={{ fontSize: 16, fontWeight: 600, margin: '0 0 8px' }}>{t('teams.title')}</h3>
              <DataList<TeamFlagSummary> rowKey={(x) => x.teamId ?? '-'} rowTestId="team-row" columns={teamColumns} data={flags.data.teams} size="small" />
            </div>
          ) : null}
        </Flex>
      )}
    </div>
  );
}
