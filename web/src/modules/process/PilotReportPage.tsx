// P11 pilot comparison: the studies, a form for a new one (admins, directors), and the report of
// the chosen study — pilot minus control on authenticity, timeliness and completeness, with the
// significance indication — plus the 《过程数据质量对比报告》 PDF.
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Card, DatePicker, Drawer, Empty, Flex, Form, Input, Select, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { FilePdfOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { formatDateTime } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { useTeams } from '../org/api.js';
import { pilotPdfUrl, useCreatePilot, usePilotReport, usePilots, type Metric, type Side } from './ops-api.js';
import { opsMessages } from './ops-messages.js';

const VERDICT_COLOR: Record<string, string> = { better: 'green', worse: 'red', no_difference: 'default', insufficient: 'gold' };

export function PilotReportPage() {
  const t = useT(opsMessages);
  const can = useCan();
  const [sp, setSp] = useSearchParams();
  const pilots = usePilots();
  const [creating, setCreating] = useState(false);
  const id = sp.get('id') ?? pilots.data?.[0]?.id ?? null;
  const choose = (v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set('id', v);
    else next.delete('id');
    setSp(next);
  };
  return (
    <div>
      <Flex justify="space-between" align="start" wrap gap={8} style={{ marginBottom: 12 }} data-testid="pilot-title">
        <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 760 }}>
          {t('pilot.intro')}
        </Typography.Paragraph>
        {can('PilotStudy', 'create') ? (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="pilot-new">
            {t('pilot.new')}
          </Button>
        ) : null}
      </Flex>
      {pilots.error ? <ErrorState error={pilots.error} onRetry={() => void pilots.refetch()} /> : null}
      {pilots.data && !pilots.data.length ? <Empty description={t('pilot.empty')} /> : null}
      {pilots.data?.length ? (
        <Select
          style={{ minWidth: 320, marginBottom: 16 }}
          value={id ?? undefined}
          onChange={choose}
          placeholder={t('pilot.pick')}
          data-testid="pilot-select"
          options={pilots.data.map((p) => ({ value: p.id, label: `${p.name}（${p.periodFrom} ~ ${p.periodTo}）` }))}
        />
      ) : null}
      {id ? <Report id={id} /> : null}
      {creating ? (
        <CreateDrawer
          onClose={(createdId) => {
            setCreating(false);
            if (createdId) choose(createdId);
          }}
        />
      ) : null}
    </div>
  );
}

function Report({ id }: { id: string }) {
  const t = useT(opsMessages);
  const { lang } = useLang();
  const q = usePilotReport(id);
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const r = q.data;
  if (!r) return <Card loading />;

  const value = (m: Metric, s: Side) => {
    if (s.value === null) return '—';
    if (m.kind === 'share') return `${(Math.round(s.value * 1000) / 10).toFixed(1)}%${s.den !== undefined ? ` (${s.num}/${s.den})` : ''}`;
    if (m.kind === 'hours') return t('pilot.hours', { n: s.value });
    return String(s.value);
  };
  const diff = (m: Metric) => {
    if (m.diff === null) return '—';
    const sign = m.diff > 0 ? '+' : '';
    if (m.kind === 'share') return t('pilot.pp', { n: `${sign}${(Math.round(m.diff * 1000) / 10).toFixed(1)}` });
    if (m.kind === 'hours') return t('pilot.hours', { n: `${sign}${m.diff}` });
    return `${sign}${m.diff}`;
  };
  const columns: TableColumnsType<Metric> = [
    {
      key: 'metric',
      title: t('pilot.metric'),
      render: (_v, m) => (
        <span>
          <Tag>{t(`pilot.section.${m.section}`)}</Tag>
          {m.label[lang]}
        </span>
      ),
    },
    { key: 'pilot', title: r.groups.pilot.label[lang], render: (_v, m) => value(m, m.pilot) },
    { key: 'control', title: r.groups.control.label[lang], render: (_v, m) => value(m, m.control) },
    { key: 'diff', title: t('pilot.diff'), render: (_v, m) => diff(m) },
    {
      key: 'sig',
      title: t('pilot.significance'),
      render: (_v, m) =>
        m.verdict ? (
          <span data-testid={`pilot-verdict-${m.key}`}>
            <Tag color={VERDICT_COLOR[m.verdict]}>{t(`pilot.verdict.${m.verdict}`)}</Tag>
            {m.test ? <Typography.Text type="secondary">p={m.test.pValue < 0.001 ? '<0.001' : m.test.pValue.toFixed(3)}</Typography.Text> : null}
          </span>
        ) : (
          <Typography.Text type="secondary">{t('pilot.verdict.none')}</Typography.Text>
        ),
    },
  ];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space orientation="vertical" size={2}>
          {(['pilot', 'control'] as const).map((g) => (
            <Typography.Text key={g} data-testid={`pilot-group-${g}`}>
              {t('pilot.group', {
                label: r.groups[g].label[lang],
                teams: r.groups[g].teams.map((x) => x.name).join('、'),
                visits: r.groups[g].stats.visits,
                reps: r.groups[g].stats.reps,
              })}
            </Typography.Text>
          ))}
          <Typography.Text type="secondary">
            {r.study.periodFrom} ~ {r.study.periodTo} · {t('pilot.generated', { time: formatDateTime(r.generatedAt, r.timeZone), rule: r.ruleVersion })}
          </Typography.Text>
        </Space>
        <Button icon={<FilePdfOutlined />} href={pilotPdfUrl(id)} data-testid="pilot-pdf">
          {t('pilot.pdf')}
        </Button>
      </Flex>
      <DataList<Metric> rowKey={(m) => m.key} rowTestId="pilot-metric" columns={columns} data={r.metrics} size="small" />
      <Card size="small" title={t('pilot.method')}>
        <Typography.Text type="secondary">{r.method[lang]}</Typography.Text>
      </Card>
    </Space>
  );
}

interface FormValues {
  name: string;
  pilotTeamIds: string[];
  controlTeamIds: string[];
  period: [Dayjs, Dayjs];
}

function CreateDrawer({ onClose }: { onClose: (createdId?: string) => void }) {
  const t = useT(opsMessages);
  const mobile = useIsMobile();
  const teams = useTeams();
  const create = useCreatePilot();
  const showError = useShowError();
  const message = useMessage();
  const [form] = Form.useForm<FormValues>();
  const pilotIds = Form.useWatch('pilotTeamIds', form) ?? [];
  const controlIds = Form.useWatch('controlTeamIds', form) ?? [];
  const options = (exclude: string[]) => (teams.data ?? []).map((x) => ({ value: x.id, label: x.name, disabled: exclude.includes(x.id) }));
  return (
    <Drawer open onClose={() => onClose()} size={mobile ? '100%' : 520} title={t('pilot.new')} destroyOnHidden>
      <Form<FormValues>
        form={form}
        layout="vertical"
        onFinish={(v) =>
          create.mutate(
            { name: v.name.trim(), pilotTeamIds: v.pilotTeamIds, controlTeamIds: v.controlTeamIds, periodFrom: v.period[0].format('YYYY-MM-DD'), periodTo: v.period[1].format('YYYY-MM-DD') },
            {
              onSuccess: (s) => {
                void message.success(t('pilot.created'));
                onClose(s.id);
              },
              onError: showError,
            },
          )
        }
      >
        <Form.Item name="name" label={t('pilot.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input data-testid="pilot-name" maxLength={100} />
        </Form.Item>
        <Form.Item name="pilotTeamIds" label={t('pilot.pilotTeams')} rules={[{ required: true }]}>
          <Select mode="multiple" options={options(controlIds)} data-testid="pilot-pilot-teams" />
        </Form.Item>
        <Form.Item name="controlTeamIds" label={t('pilot.controlTeams')} rules={[{ required: true }]}>
          <Select mode="multiple" options={options(pilotIds)} data-testid="pilot-control-teams" />
        </Form.Item>
        <Form.Item name="period" label={t('pilot.period')} rules={[{ required: true }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="pilot-create">
          {t('pilot.create')}
        </Button>
      </Form>
    </Drawer>
  );
}
