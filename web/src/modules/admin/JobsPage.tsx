// Scheduled jobs: definitions with next run and last status, the run history, and "run now".
import { useState } from 'react';
import { Button, Card, Checkbox, Flex, Form, Input, Modal, Select, Space, Typography } from 'antd';
import { PlayCircleOutlined } from '@ant-design/icons';
import type { ButtonProps, TableColumnsType } from 'antd';
import { useCan, useMe } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { pickText } from '../../app/i18n.js';
import { formatDateTime } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useJobRuns, useJobs, useRunJob, type JobDef, type JobRun } from './api.js';
import { adminMessages } from './messages.js';
import { StatusTag } from './components/StatusTag.js';
import { JsonBlock } from './components/Json.js';
import { useMessage } from '../../ui/feedback.js';

const RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped'];

export function JobsPage() {
  const t = useT(adminMessages);
  const { lang } = useLang();
  const me = useMe();
  const can = useCan();
  const tz = me.tenant.timeZone;
  const jobs = useJobs();
  const [runFor, setRunFor] = useState<JobDef | null>(null);
  const [runFilter, setRunFilter] = useState<{ jobId?: string; status?: string; page: number }>({ page: 1 });
  const runs = useJobRuns(runFilter);
  const title = (j: { id: string; title?: unknown }) => pickText(j.title, lang) || j.id;

  const runButton = (j: JobDef) =>
    can('JobRun', 'run') ? (
      <Button size="small" icon={<PlayCircleOutlined />} onClick={(e) => (e.stopPropagation(), setRunFor(j))} data-testid={`job-run-${j.id}`}>
        {t('jobs.runNow')}
      </Button>
    ) : null;

  const defColumns: TableColumnsType<JobDef> = [
    {
      key: 'title',
      title: t('jobs.id'),
      render: (_v, j) => (
        <div>
          <div>{title(j)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <code>{j.id}</code>
          </Typography.Text>
        </div>
      ),
    },
    { key: 'cron', title: t('jobs.cron'), dataIndex: 'cron', render: (v: string) => <code>{v}</code> },
    { key: 'nextRunAt', title: t('jobs.nextRun'), dataIndex: 'nextRunAt', render: (v: string | null) => formatDateTime(v, tz) },
    {
      key: 'lastRun',
      title: t('jobs.lastRun'),
      render: (_v, j) =>
        j.lastRun ? (
          <Space size={4} wrap>
            <StatusTag status={j.lastRun.status} />
            <span>{j.lastRun.periodKey}</span>
            <Typography.Text type="secondary">{formatDateTime(j.lastRun.finishedAt ?? j.lastRun.startedAt, tz)}</Typography.Text>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('jobs.never')}</Typography.Text>
        ),
    },
    { key: 'actions', title: '', render: (_v, j) => runButton(j) },
  ];

  const runColumns: TableColumnsType<JobRun> = [
    { key: 'job', title: t('jobs.id'), dataIndex: 'jobId', render: (v: string) => title(jobs.data?.find((j) => j.id === v) ?? { id: v }) },
    { key: 'period', title: t('jobs.period'), dataIndex: 'periodKey' },
    { key: 'status', title: t('jobs.status'), dataIndex: 'status', render: (v: string) => <StatusTag status={v} /> },
    { key: 'attempts', title: t('jobs.attempts'), dataIndex: 'attempts' },
    { key: 'startedAt', title: t('jobs.startedAt'), dataIndex: 'startedAt', render: (v: string | null) => formatDateTime(v, tz) },
    { key: 'finishedAt', title: t('jobs.finishedAt'), dataIndex: 'finishedAt', render: (v: string | null) => formatDateTime(v, tz) },
    {
      key: 'error',
      title: t('jobs.error'),
      dataIndex: 'error',
      render: (v: string | null) => (v ? <Typography.Text type="danger" ellipsis={{ tooltip: v }} style={{ maxWidth: 280 }}>{v}</Typography.Text> : ''),
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Card title={t('jobs.definitions')} size="small">
        {jobs.error ? (
          <ErrorState error={jobs.error} onRetry={() => void jobs.refetch()} />
        ) : (
          <DataList<JobDef> rowKey={(j) => j.id} rowTestId="job-row" columns={defColumns} data={jobs.data} loading={jobs.isLoading} size="small" cardHide={['actions']} cardExtra={runButton} />
        )}
      </Card>
      <Card
        title={t('jobs.runs')}
        size="small"
        extra={
          <Space wrap>
            <Select
              allowClear
              placeholder={t('jobs.filterJob')}
              style={{ width: 180 }}
              value={runFilter.jobId}
              onChange={(v) => setRunFilter({ ...runFilter, jobId: v, page: 1 })}
              options={(jobs.data ?? []).map((j) => ({ value: j.id, label: title(j) }))}
            />
            <Select
              allowClear
              placeholder={t('jobs.filterStatus')}
              style={{ width: 140 }}
              value={runFilter.status}
              onChange={(v) => setRunFilter({ ...runFilter, status: v, page: 1 })}
              options={RUN_STATUSES.map((s) => ({ value: s, label: s }))}
            />
          </Space>
        }
      >
        {runs.error && !runs.data ? (
          <ErrorState error={runs.error} onRetry={() => void runs.refetch()} />
        ) : (
          <DataList<JobRun>
            rowKey={(r) => `${r.jobId}:${r.periodKey}`}
            rowTestId="job-run-row"
            columns={runColumns}
            data={runs.data?.items}
            loading={runs.isFetching}
            size="small"
            paging={{ page: runFilter.page, pageSize: runs.data?.pageSize ?? Math.max(runs.data?.items.length ?? 0, 20), total: runs.data?.total ?? 0, onChange: (page) => setRunFilter({ ...runFilter, page }), fixedSize: true }}
            expandedRow={(r) => (r.output !== null && r.output !== undefined ? <JsonBlock value={r.output} /> : null)}
          />
        )}
      </Card>
      {runFor ? <RunJobModal job={runFor} title={title(runFor)} onClose={() => setRunFor(null)} /> : null}
    </Flex>
  );
}

function RunJobModal({ job, title, onClose }: { job: JobDef; title: string; onClose: () => void }) {
  const t = useT(adminMessages);
  const message = useMessage();
  const showError = useShowError();
  const run = useRunJob();
  const [form] = Form.useForm<{ periodKey?: string; force?: boolean }>();
  return (
    <Modal
      open
      title={t('jobs.runTitle', { job: title })}
      onCancel={onClose}
      okText={t('jobs.runNow')}
      confirmLoading={run.isPending}
      onOk={() => form.submit()}
      okButtonProps={{ 'data-testid': 'job-run-confirm' } as ButtonProps}
    >
      <Form
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          try {
            await run.mutateAsync({ id: job.id, periodKey: v.periodKey?.trim() || undefined, force: v.force || undefined });
            void message.success(t('jobs.started'));
            onClose();
          } catch (e) {
            showError(e);
          }
        }}
      >
        <Form.Item name="periodKey" label={t('jobs.periodKey')} extra={t('jobs.periodKeyHelp')}>
          <Input placeholder={job.lastRun?.periodKey ?? ''} />
        </Form.Item>
        <Form.Item name="force" valuePropName="checked">
          <Checkbox>{t('jobs.force')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  );
}
