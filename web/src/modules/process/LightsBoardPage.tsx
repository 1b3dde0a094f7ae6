// P6 team board (a tab of the process section, which names the page): every rep in the viewer's scope with the day's red/yellow/green light, idle
// working days, last process action and the evidence behind the light. Admins can compute now.
import { useSearchParams } from 'react-router-dom';
import { Button, DatePicker, Flex, Select, Space, Statistic, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { useRegions, useTeams } from '../org/api.js';
import { useLights, useRunLights, type Light, type LightRow } from './ops-api.js';
import { opsMessages } from './ops-messages.js';

export const LIGHT_COLOR: Record<Light, string> = { red: 'red', yellow: 'gold', green: 'green' };

export function LightTag({ light }: { light: Light }) {
  const t = useT(opsMessages);
  return (
    <Tag color={LIGHT_COLOR[light]} data-testid={`light-${light}`}>
      {t(`lights.${light}`)}
    </Tag>
  );
}

function Evidence({ row }: { row: LightRow }) {
  const t = useT(opsMessages);
  const e = row.evidence;
  const cfg = e.config;
  const last = e.lastAction;
  return (
    <Space orientation="vertical" size={2} style={{ fontSize: 12 }} data-testid="lights-evidence">
      {cfg ? (
        <Typography.Text type="secondary">
          {t('lights.ev.rule', { rule: e.rule, version: e.configVersion, yellow: cfg.yellowDays, red: cfg.redDays, working: cfg.workingDaysOnly ? t('lights.ev.workingOnly') : '' })}
        </Typography.Text>
      ) : null}
      {e.since ? <Typography.Text type="secondary">{t('lights.ev.since', { since: e.since, basis: t(`lights.ev.basis.${e.sinceBasis ?? 'last_action'}`) })}</Typography.Text> : null}
      {e.countedDays?.length ? <Typography.Text type="secondary">{t('lights.ev.counted', { days: e.countedDays.join('、') })}</Typography.Text> : null}
      {last ? (
        <Typography.Text type="secondary">
          {t('lights.ev.lastAction', {
            time: formatDateTime(last.occurredAt),
            type: t(`action.${last.type}` as 'action.check_in'),
            customer: last.customerName ?? last.customerId,
            recorded: formatDateTime(last.recordedAt),
          })}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

export function LightsBoardPage() {
  const t = useT(opsMessages);
  const can = useCan();
  const showError = useShowError();
  const message = useMessage();
  const [sp, setSp] = useSearchParams();
  const q = { day: sp.get('day') || undefined, teamId: sp.get('teamId') || undefined, regionId: sp.get('regionId') || undefined };
  const board = useLights(q);
  const run = useRunLights();
  const teams = useTeams();
  const regions = useRegions();
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    setSp(next);
  };
  const data = board.data;
  const cfg = data?.items.find((i) => i.evidence.config)?.evidence.config ?? { yellowDays: 2, redDays: 3, workingDaysOnly: true };

  const columns: TableColumnsType<LightRow> = [
    { key: 'rep', title: t('lights.rep'), render: (_v, r) => r.repName ?? r.repId },
    { key: 'light', title: t('lights.light'), render: (_v, r) => <LightTag light={r.light} /> },
    { key: 'idle', title: t('lights.idle'), dataIndex: 'idleDays' },
    { key: 'team', title: t('lights.team'), render: (_v, r) => r.teamName ?? '—' },
    { key: 'last', title: t('lights.lastAction'), render: (_v, r) => (r.lastActionAt ? formatDateTime(r.lastActionAt) : <Typography.Text type="secondary">{t('lights.none')}</Typography.Text>) },
    { key: 'notified', title: t('lights.notified'), render: (_v, r) => (r.notifiedAt ? formatDateTime(r.notifiedAt) : '') },
  ];

  return (
    <div>
      <Flex justify="space-between" align="start" wrap gap={8} style={{ marginBottom: 12 }} data-testid="lights-title">
        <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 760 }}>
          {t('lights.intro', { yellow: cfg.yellowDays, red: cfg.redDays, unit: t(cfg.workingDaysOnly ? 'lights.unit.working' : 'lights.unit.calendar') })}
        </Typography.Paragraph>
        {can('ProcessLight', 'run') ? (
          <Button
            loading={run.isPending}
            data-testid="lights-run"
            onClick={() =>
              run.mutate(undefined, {
                onSuccess: (r) => void message.success(t('lights.ran', { day: r.day, red: r.output?.red ?? 0, yellow: r.output?.yellow ?? 0, green: r.output?.green ?? 0, notified: r.output?.notified ?? 0 })),
                onError: showError,
              })
            }
          >
            {t('lights.run')}
          </Button>
        ) : null}
      </Flex>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <DatePicker value={q.day ? dayjs(q.day) : null} onChange={(d) => set('day', d ? d.format('YYYY-MM-DD') : undefined)} aria-label={t('lights.day')} placeholder={t('lights.day')} />
        <Select
          allowClear
          style={{ minWidth: 160 }}
          placeholder={t('lights.region')}
          value={q.regionId}
          onChange={(v) => set('regionId', v)}
          options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))}
        />
        <Select
          allowClear
          style={{ minWidth: 160 }}
          placeholder={t('lights.team')}
          value={q.teamId}
          onChange={(v) => set('teamId', v)}
          options={(teams.data ?? []).filter((x) => !q.regionId || x.regionId === q.regionId).map((x) => ({ value: x.id, label: x.name }))}
        />
      </Flex>
      {data ? (
        <Flex gap={32} wrap style={{ marginBottom: 12 }}>
          <Statistic title={t('lights.red')} value={data.counts.red} styles={{ content: { color: '#cf1322' } }} />
          <Statistic title={t('lights.yellow')} value={data.counts.yellow} styles={{ content: { color: '#d48806' } }} />
          <Statistic title={t('lights.green')} value={data.counts.green} styles={{ content: { color: '#389e0d' } }} />
        </Flex>
      ) : null}
      {data && data.day && data.day !== data.requestedDay ? (
        <Typography.Paragraph type="secondary" data-testid="lights-showing">
          {t('lights.showing', { day: data.day, requested: data.requestedDay })}
        </Typography.Paragraph>
      ) : null}
      {board.error ? (
        <ErrorState error={board.error} onRetry={() => void board.refetch()} />
      ) : (
        <DataList<LightRow>
          rowKey={(r) => r.repId}
          rowTestId="lights-row"
          columns={columns}
          data={data?.items}
          loading={board.isLoading}
          emptyText={t('lights.empty')}
          expandedRow={(r) => <Evidence row={r} />}
        />
      )}
    </div>
  );
}
