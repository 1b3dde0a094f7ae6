// G6 elastic valve. A rep sees the weekly lead-quality score against its baseline (trend chart),
// whether the rule makes them eligible and why, and files a reset request with the market-anomaly
// brief; a manager sees the pending requests of the team with the evidence and approves or rejects.
import { useState } from 'react';
import { Alert, Button, Card, Empty, Flex, Input, InputNumber, Space, Spin, Tag, Typography } from 'antd';
import ReactECharts from 'echarts-for-react';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { useDecideReset, useRequestReset, useValve, type Eligibility, type ValveOverview, type ValveRequest, type WeekScore } from './team-api.js';
import { teamMessages, type TeamMessageKey } from './team-messages.js';

const STATUS_COLOR = { pending: 'gold', approved: 'green', rejected: 'red' } as const;

export function scoreTrendOption(scores: WeekScore[], labels: { score: string; baseline: string }) {
  return {
    animation: false,
    grid: { left: 40, right: 12, top: 32, bottom: 28 },
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.score, labels.baseline], top: 0 },
    xAxis: { type: 'category', data: scores.map((s) => s.week.slice(5)) },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [
      { name: labels.score, type: 'line', data: scores.map((s) => s.score) },
      { name: labels.baseline, type: 'line', lineStyle: { type: 'dashed' }, data: scores.map((s) => s.baseline) },
    ],
  };
}

function useMetricName() {
  const t = useT(teamMessages);
  return (metric: string) => {
    const key = `metric.${metric}` as TeamMessageKey;
    return key in teamMessages['zh-CN'] ? t(key) : metric;
  };
}

function Evidence({ e }: { e: Eligibility }) {
  const t = useT(teamMessages);
  return (
    <Space orientation="vertical" size={2} data-testid="valve-evidence">
      <Typography.Text type="secondary">{t(`valve.reason.${e.reason}`)}</Typography.Text>
      {e.weeks.map((w) => (
        <Typography.Text key={w.week} type="secondary">
          {t('valve.evidence', { week: w.week, score: w.score, baseline: w.baseline ?? '—', drop: w.dropPct === null ? '—' : `${w.dropPct}%` })}
        </Typography.Text>
      ))}
    </Space>
  );
}

const lines = (s: string) => s.split('\n').map((x) => x.trim()).filter(Boolean);

function RequestForm({ rep }: { rep: NonNullable<ValveOverview['rep']> }) {
  const t = useT(teamMessages);
  const metricName = useMetricName();
  const submit = useRequestReset();
  const showError = useShowError();
  const message = useMessage();
  const [summary, setSummary] = useState('');
  const [signals, setSignals] = useState('');
  const [customers, setCustomers] = useState('');
  const [values, setValues] = useState<Record<string, number | null>>({});
  const proposed = rep.targets.filter((x) => values[x.id] !== undefined && values[x.id] !== null).map((x) => ({ targetId: x.id, value: values[x.id]! }));
  const ready = summary.trim() && lines(signals).length && proposed.length;
  return (
    <Card size="small" title={t('valve.brief')} data-testid="valve-form">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Input.TextArea autoSize={{ minRows: 3 }} placeholder={t('valve.summary')} value={summary} onChange={(e) => setSummary(e.target.value)} data-testid="valve-summary" />
        <Input.TextArea autoSize={{ minRows: 2 }} placeholder={t('valve.signals')} value={signals} onChange={(e) => setSignals(e.target.value)} data-testid="valve-signals" />
        <Input.TextArea autoSize={{ minRows: 1 }} placeholder={t('valve.customers')} value={customers} onChange={(e) => setCustomers(e.target.value)} data-testid="valve-customers" />
        <Typography.Text strong>{t('valve.proposed', { month: rep.month })}</Typography.Text>
        {rep.targets.map((x) => (
          <Flex key={x.id} gap={8} align="center" wrap>
            <span style={{ minWidth: 140 }}>
              {metricName(x.metric)}（{x.value}
              {x.originalValue !== null ? `，${t('valve.original', { v: x.originalValue })}` : ''}）
            </span>
            <span data-testid={`valve-value-${x.metric}`}>
              <InputNumber min={0} value={values[x.id] ?? null} onChange={(v) => setValues({ ...values, [x.id]: v })} />
            </span>
          </Flex>
        ))}
        <Button
          type="primary"
          block
          disabled={!ready}
          loading={submit.isPending}
          data-testid="valve-submit"
          onClick={() =>
            submit.mutate(
              { month: rep.month, brief: { summary: summary.trim(), marketSignals: lines(signals), affectedCustomers: lines(customers), proposedTargets: proposed } },
              { onSuccess: () => void message.success(t('valve.submitted')), onError: showError },
            )
          }
        >
          {t('valve.submit')}
        </Button>
      </Space>
    </Card>
  );
}

function RequestCard({ r, canDecide }: { r: ValveRequest; canDecide: boolean }) {
  const t = useT(teamMessages);
  const metricName = useMetricName();
  const decide = useDecideReset();
  const showError = useShowError();
  const [note, setNote] = useState('');
  const act = (decision: 'approve' | 'reject') => decide.mutate({ id: r.id, decision, note, version: r.version }, { onError: showError });
  return (
    <Card
      size="small"
      data-testid={`valve-request-${r.status}`}
      title={
        <Flex gap={8} wrap align="center">
          <span>{r.repName ?? r.repId}</span>
          <Tag>{r.month}</Tag>
          <Tag color={STATUS_COLOR[r.status]}>{t(`valve.${r.status}`)}</Tag>
        </Flex>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }} size={4}>
        <Typography.Paragraph style={{ marginBottom: 0 }}>{r.brief.summary}</Typography.Paragraph>
        <ul style={{ margin: 0, paddingLeft: 20 }}>
          {r.brief.marketSignals.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
        {r.brief.affectedCustomers?.length ? <Typography.Text type="secondary">{r.brief.affectedCustomers.join('、')}</Typography.Text> : null}
        {r.proposed.map((p) => (
          <Typography.Text key={p.targetId}>{t('valve.change', { metric: metricName(p.metric ?? p.targetId), from: p.from ?? '—', to: p.value })}</Typography.Text>
        ))}
        <Evidence e={r.evidence} />
        {r.status !== 'pending' ? (
          <Typography.Text type="secondary">
            {t('valve.decided')}：{r.decidedByName} {r.decidedAt ? formatDateTime(r.decidedAt) : ''} {r.decisionNote}
          </Typography.Text>
        ) : canDecide ? (
          <Flex gap={8} wrap>
            <Input style={{ flex: 1, minWidth: 180 }} placeholder={t('valve.decisionNote')} value={note} onChange={(e) => setNote(e.target.value)} data-testid="valve-note" />
            <Button type="primary" loading={decide.isPending} onClick={() => act('approve')} data-testid="valve-approve">
              {t('valve.approve')}
            </Button>
            <Button danger loading={decide.isPending} onClick={() => act('reject')} data-testid="valve-reject">
              {t('valve.reject')}
            </Button>
          </Flex>
        ) : null}
      </Space>
    </Card>
  );
}

export function ValvePage() {
  const t = useT(teamMessages);
  const { lang } = useLang();
  const can = useCan();
  const q = useValve();
  if (q.isLoading) return <Spin />;
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const data = q.data!;
  const rep = data.rep;
  const canDecide = can('ValveRequest', 'approve');
  const hasPending = data.requests.some((r) => r.status === 'pending' && r.repId === rep?.repId);
  return (
    <Space orientation="vertical" style={{ width: '100%', maxWidth: 960 }} data-testid="valve-page">
      {rep ? (
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('valve.intro', { weeks: rep.eligibility.config.consecutiveWeeks, pct: rep.eligibility.config.dropPct })}
          </Typography.Paragraph>
          <Card size="small" title={t('valve.trend')}>
            {rep.scores.length ? (
              <ReactECharts style={{ height: 240 }} option={scoreTrendOption(rep.scores, { score: t('valve.score'), baseline: t('valve.baseline') })} />
            ) : (
              <Empty description={t('valve.noScores')} />
            )}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('valve.formula', { rule: data.rule })}：{data.formula[lang] ?? data.formula['zh-CN']}
            </Typography.Text>
          </Card>
          <Alert
            type={rep.eligibility.eligible ? 'warning' : 'info'}
            title={rep.eligibility.eligible ? t('valve.eligible') : t('valve.notEligible')}
            description={<Evidence e={rep.eligibility} />}
            data-testid={rep.eligibility.eligible ? 'valve-eligible' : 'valve-not-eligible'}
          />
          {rep.eligibility.eligible && can('ValveRequest', 'create') && !hasPending ? <RequestForm rep={rep} /> : null}
        </>
      ) : null}
      <Typography.Title level={5} style={{ margin: 0 }}>
        {t('valve.requests')}
      </Typography.Title>
      {data.requests.length ? (
        data.requests.map((r) => <RequestCard key={r.id} r={r} canDecide={canDecide && r.repId !== rep?.repId} />)
      ) : (
        <Empty description={t('valve.none')} />
      )}
    </Space>
  );
}
