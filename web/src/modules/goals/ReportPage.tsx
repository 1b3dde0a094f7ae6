// G8 《目标穿透健康度报告》: month picker and scope (company / region, as the viewer may read), the
// three indicators, per-metric attainment, the resource-gap heatmap (region × resource type), the
// per-team table, the PDF download, and (admins) building and sending the month now.
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, DatePicker, Empty, Flex, Popconfirm, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { FilePdfOutlined, SendOutlined } from '@ant-design/icons';
import ReactECharts from 'echarts-for-react';
import dayjs from 'dayjs';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { goalReportPdfUrl, useGoalReport, useRunGoalReport, type HealthReport, type Rate } from './report-api.js';
import { reportMessages } from './report-messages.js';

const previousMonth = () => dayjs().subtract(1, 'month').format('YYYY-MM');
const pct = (r: Rate) => (r.rate === null ? '—' : `${(Math.round(r.rate * 1000) / 10).toFixed(1)}%`);
const frac = (r: Rate) => `${r.num}/${r.den}`;

function heatmapOption(h: HealthReport['heatmap'], labels: { region: string; resource: string; count: string }) {
  const max = Math.max(1, ...h.cells.map((c) => c.count));
  const regionIndex = new Map(h.regions.map((r, i) => [r.id, i]));
  const resourceIndex = new Map(h.resources.map((r, i) => [r, i]));
  return {
    tooltip: {
      position: 'top',
      formatter: (p: { value: [number, number, number] }) => `${h.regions[p.value[1]]?.name} · ${h.resources[p.value[0]]}<br/>${labels.count}：${p.value[2]}`,
    },
    grid: { left: 90, right: 20, top: 10, bottom: 70 },
    xAxis: { type: 'category', name: labels.resource, data: h.resources, splitArea: { show: true }, axisLabel: { interval: 0, rotate: h.resources.length > 5 ? 30 : 0 } },
    yAxis: { type: 'category', name: labels.region, data: h.regions.map((r) => r.name), splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#fff7e6', '#fa8c16', '#d4380d'] } },
    series: [
      {
        type: 'heatmap',
        data: h.cells.map((c) => [resourceIndex.get(c.resource) ?? 0, regionIndex.get(c.regionId) ?? 0, c.count]),
        label: { show: true },
        emphasis: { itemStyle: { shadowBlur: 6, shadowColor: 'rgba(0,0,0,0.3)' } },
      },
    ],
  };
}

export function ReportPage() {
  const t = useT(reportMessages);
  const { lang } = useLang();
  const can = useCan();
  const showError = useShowError();
  const message = useMessage();
  const [sp, setSp] = useSearchParams();
  const period = sp.get('period') ?? previousMonth();
  const regionId = sp.get('regionId') ?? undefined;
  const q = useGoalReport(period, regionId);
  const run = useRunGoalReport();
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k === 'period') next.delete('regionId');
    setSp(next);
  };
  const doRun = (force: boolean) =>
    run.mutate(
      { period, force },
      {
        onSuccess: (r) => {
          if (r.status === 'succeeded') message.success(t('ran', { period: r.periodKey, sent: r.output?.sent?.length ?? 0, already: r.output?.alreadySent ?? 0 }));
          else message.error(t('runFailed', { error: r.error ?? r.status }));
        },
        onError: showError,
      },
    );
  const v = q.data;
  const r = v?.report;
  const chosenScope = v ? (regionId ?? r?.scope.regionId ?? '') : undefined;
  const closed = period < dayjs().format('YYYY-MM');

  return (
    <div data-testid="goal-report">
      <Flex justify="space-between" align="start" wrap gap={8} style={{ marginBottom: 12 }}>
        <div>
          <Typography.Title level={4} style={{ margin: 0 }}>
            《{t('title')}》
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 760 }}>
            {t('intro')}
          </Typography.Paragraph>
        </div>
        <Space wrap>
          <DatePicker
            picker="month"
            allowClear={false}
            value={dayjs(`${period}-01`)}
            onChange={(d) => set('period', d ? d.format('YYYY-MM') : undefined)}
            aria-label={t('month')}
            data-testid="goal-report-month"
          />
          {v && v.scopes.length > 1 ? (
            <Select
              style={{ minWidth: 140 }}
              aria-label={t('scope')}
              value={chosenScope}
              onChange={(x: string) => set('regionId', x || undefined)}
              options={v.scopes.map((s) => ({ value: s.regionId ?? '', label: s.name }))}
              data-testid="goal-report-scope"
            />
          ) : null}
          <Button icon={<FilePdfOutlined />} href={goalReportPdfUrl(period, regionId)} disabled={!v} data-testid="goal-report-pdf">
            {t('pdf')}
          </Button>
          {can('GoalReport', 'run') && closed ? (
            v?.sentAt ? (
              <Popconfirm title={t('rerun')} onConfirm={() => doRun(true)}>
                <Button icon={<SendOutlined />} loading={run.isPending} data-testid="goal-report-run">
                  {t('rerun')}
                </Button>
              </Popconfirm>
            ) : (
              <Button type="primary" icon={<SendOutlined />} loading={run.isPending} onClick={() => doRun(false)} data-testid="goal-report-run">
                {t('run')}
              </Button>
            )
          ) : null}
        </Space>
      </Flex>

      {q.error ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : null}
      {!v && !q.error ? <Card loading /> : null}
      {v && r ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {v.stored ? (
            <Space wrap>
              <Tag color="blue">{t('stored', { created: formatDateTime(v.createdAt) })}</Tag>
              {v.sentAt ? <Tag color="green">{t('sent', { sent: formatDateTime(v.sentAt) })}</Tag> : <Tag>{t('unsent')}</Tag>}
              <Typography.Text type="secondary">{t('weeks', { weeks: r.weeks.join('、') })}</Typography.Text>
            </Space>
          ) : (
            <Alert type="info" showIcon title={t('live')} description={t('weeks', { weeks: r.weeks.join('、') })} />
          )}

          <Row gutter={[16, 16]}>
            <Col xs={24} md={8}>
              <Card data-testid="goal-report-acceptance">
                <Statistic title={`${t('acceptance')} · ${r.scope.name}`} value={pct(r.acceptance)} />
                <Typography.Text type="secondary">
                  {t('acceptanceSub', { accepted: r.acceptance.accepted, total: r.acceptance.den, contested: r.acceptance.contested, pending: r.acceptance.pending })}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card data-testid="goal-report-process">
                <Statistic title={t('process')} value={pct(r.process.overall)} />
                <Typography.Text type="secondary">{t('processSub', { num: r.process.overall.num, den: r.process.overall.den })}</Typography.Text>
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card data-testid="goal-report-gaps">
                <Statistic title={t('gaps')} value={r.heatmap.total} />
                <Typography.Text type="secondary">{t('gapsSub')}</Typography.Text>
              </Card>
            </Col>
          </Row>

          <Card title={t('byMetric')} size="small">
            {r.process.byMetric.length ? (
              <Table
                size="small"
                pagination={false}
                rowKey="metric"
                dataSource={r.process.byMetric}
                columns={[
                  { title: t('metric'), key: 'metric', render: (_: unknown, m) => m.title[lang] ?? m.metric },
                  { title: t('metCount'), key: 'frac', align: 'right', render: (_: unknown, m) => frac(m) },
                  { title: t('rate'), key: 'rate', align: 'right', render: (_: unknown, m) => pct(m) },
                ]}
              />
            ) : (
              <Empty description={t('noMetrics')} />
            )}
          </Card>

          <Card title={t('heatmap')} size="small" data-testid="goal-report-heatmap">
            <ReactECharts
              option={heatmapOption(r.heatmap, { region: t('region'), resource: t('resource'), count: t('count') })}
              style={{ height: Math.max(200, 90 + r.heatmap.regions.length * 48) }}
              notMerge
            />
          </Card>

          <Card title={t('teams')} size="small">
            <Table
              size="small"
              pagination={false}
              scroll={{ x: 640 }}
              rowKey={(x) => `${x.teamId ?? ''}|${x.regionId ?? ''}`}
              dataSource={r.teams}
              data-testid="goal-report-teams"
              columns={[
                { title: t('team'), dataIndex: 'teamName', key: 'team' },
                { title: t('region'), dataIndex: 'regionName', key: 'region' },
                { title: t('teamAcceptance'), key: 'acc', align: 'right', render: (_: unknown, x) => `${pct(x.acceptance)}（${frac(x.acceptance)}）` },
                { title: t('teamProcess'), key: 'proc', align: 'right', render: (_: unknown, x) => `${pct(x.process)}（${frac(x.process)}）` },
                { title: t('teamGaps'), dataIndex: 'resourceGaps', key: 'gaps', align: 'right' },
              ]}
            />
          </Card>

          <Card title={t('definitions')} size="small">
            {r.definitions.map((d) => (
              <Typography.Paragraph key={d.key} style={{ marginBottom: 8 }}>
                <Typography.Text strong>{d.title[lang]}：</Typography.Text>
                {d.text[lang]}
              </Typography.Paragraph>
            ))}
          </Card>
        </Space>
      ) : null}
    </div>
  );
}
