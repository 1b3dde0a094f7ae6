// G3 allocation assistant (目标分解) and acceptance (承接), a tab of the goals section.
// A manager (or director, admin) picks a target, gets the proposed split of its children with the
// basis of each share, adjusts the values (the total and the remaining gap update as they type)
// and applies; a rep sees their own targets and accepts or contests them with a reason.
import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Collapse, Flex, Input, InputNumber, Modal, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMe } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import {
  useApplyAllocation,
  useDecideAcceptance,
  useMyTargets,
  useParentTargets,
  usePropose,
  type Acceptance,
  type BasisItem,
  type GoalTarget,
  type Proposal,
  type ProposalChild,
} from './allocation-api.js';
import { allocationMessages, type AllocationMessageKey } from './allocation-messages.js';
import { teamMessages, type TeamMessageKey } from './team-messages.js';

const ACC_COLOR: Record<Acceptance, string> = { pending: 'gold', accepted: 'green', contested: 'red' };
const round2 = (x: number) => Math.round(x * 100) / 100;

function useNum() {
  const { lang } = useLang();
  return (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString(lang === 'en-US' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 2 }));
}
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** A metric's name in the UI language (the names the weekly canvas shows), its id when unknown. */
function useMetricName() {
  const t = useT(teamMessages);
  return (metric: string) => {
    const key = `metric.${metric}` as TeamMessageKey;
    return key in teamMessages['zh-CN'] ? t(key) : metric;
  };
}

function InputText({ item }: { item: BasisItem }) {
  const t = useT(allocationMessages);
  const num = useNum();
  const i = item.input;
  switch (item.component) {
    case 'history':
      return <>{i.lastYearAttainment === null ? t('in.noHistory') : t('in.lastYearAttainment', { v: pct(Number(i.lastYearAttainment)) })}</>;
    case 'sellThrough':
      return <>{t('in.lastYearSigned', { v: num(Number(i.lastYearSigned)) })}</>;
    case 'portfolio': {
      const c = (i.customers ?? {}) as Record<string, Record<string, number>>;
      const parts = Object.entries(c).flatMap(([tier, stages]) => Object.entries(stages).map(([stage, n]) => `${tier}·${t(`stage.${stage}` as AllocationMessageKey)} ×${n}`));
      return <>{parts.length ? t('in.customers', { v: parts.join('，') }) : t('in.noCustomers')}</>;
    }
    case 'coverage':
      return <>{t('in.coverage', { active: String(i.activeCustomers), reps: String(i.reps), density: i.density === null ? '—' : String(i.density) })}</>;
    case 'equal':
      return <>{t('in.equal', { n: String(i.children) })}</>;
  }
}

export function BasisTable({ items, rule }: { items: BasisItem[]; rule: string }) {
  const t = useT(allocationMessages);
  const num = useNum();
  return (
    <Space orientation="vertical" size={4} style={{ width: '100%' }} data-testid="alloc-basis">
      <Table<BasisItem>
        size="small"
        rowKey="component"
        pagination={false}
        dataSource={items}
        scroll={{ x: true }}
        columns={[
          { key: 'c', title: t('basis.component'), render: (_v, r) => <>{t(`c.${r.component}` as AllocationMessageKey)}{r.fellBack && r.component !== 'equal' ? t('basis.fellBack') : ''}</> },
          { key: 'w', title: t('basis.weight'), render: (_v, r) => pct(r.weight) },
          { key: 'i', title: t('basis.input'), render: (_v, r) => <InputText item={r} /> },
          { key: 's', title: t('basis.share'), render: (_v, r) => pct(r.share) },
          { key: 'x', title: t('basis.contribution'), align: 'right', render: (_v, r) => num(r.contribution) },
        ]}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('basis.rule', { rule })}
      </Typography.Text>
    </Space>
  );
}

function ManagerView() {
  const t = useT(allocationMessages);
  const num = useNum();
  const showError = useShowError();
  const message = useMessage();
  const [year, setYear] = useState(new Date().getFullYear());
  const parents = useParentTargets(year);
  const [metric, setMetric] = useState<string | undefined>();
  const [period, setPeriod] = useState<string | undefined>();
  const [parentId, setParentId] = useState<string | undefined>();
  const [proposal, setProposal] = useState<Proposal | null>(null);
  const [values, setValues] = useState<Record<string, number>>({});
  const propose = usePropose();
  const apply = useApplyAllocation();

  const items = useMemo(() => parents.data?.items ?? [], [parents.data]);
  const metrics = [...new Set(items.map((x) => x.metric))];
  const periods = [...new Set(items.filter((x) => !metric || x.metric === metric).map((x) => x.period))].sort();
  const candidates = items.filter((x) => (!metric || x.metric === metric) && (!period || x.period === period));

  useEffect(() => {
    if (!metric && metrics.length) setMetric(metrics.includes('amount') ? 'amount' : metrics[0]);
  }, [metric, metrics]);

  const parent = items.find((x) => x.id === parentId);
  const label = (x: GoalTarget) => `${t(`kind.${x.nodeKind}` as AllocationMessageKey)} ${x.nodeName ?? ''} · ${x.metric} ${x.period}${x.productLine ? ` · ${x.productLine}` : ''} · ${num(x.value)}`;

  const run = () => {
    if (!parent) return;
    propose.mutate(
      { year: parent.year, metric: parent.metric, period: parent.period, parentTargetId: parent.id },
      {
        onSuccess: (p) => {
          setProposal(p);
          setValues(Object.fromEntries(p.children.map((c) => [c.nodeId, c.proposedValue])));
        },
        onError: showError,
      },
    );
  };

  const parentValue = proposal?.parent.value ?? 0;
  const sum = round2(Object.values(values).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0));
  const gap = round2(parentValue - sum);

  const doApply = () => {
    if (!proposal) return;
    apply.mutate(
      { parentTargetId: proposal.parent.id, children: proposal.children.map((c) => ({ nodeId: c.nodeId, value: values[c.nodeId] ?? 0 })) },
      {
        onSuccess: (r) => {
          void message.success(t('applied', { n: r.children.length, sum: num(r.sum), gap: num(r.gap) }));
          setProposal((p) =>
            p ? { ...p, children: p.children.map((c) => ({ ...c, current: (() => { const w = r.children.find((x) => x.nodeId === c.nodeId); return w ? { id: w.id, value: w.value, acceptance: w.acceptance, version: w.version } : c.current; })() })) } : p,
          );
        },
        onError: showError,
      },
    );
  };

  const columns: TableColumnsType<ProposalChild> = [
    { key: 'child', title: t('child'), render: (_v, r) => <span data-testid="alloc-child-name">{r.nodeName}</span> },
    { key: 'weight', title: t('weight'), render: (_v, r) => pct(r.weight) },
    { key: 'proposed', title: t('proposed'), align: 'right', render: (_v, r) => <span data-testid="alloc-proposed">{num(r.proposedValue)}</span> },
    {
      key: 'current',
      title: t('currentValue'),
      align: 'right',
      render: (_v, r) =>
        r.current ? (
          <Space size={4}>
            {num(r.current.value)}
            {r.current.acceptance ? <Tag color={ACC_COLOR[r.current.acceptance]}>{t(`acc.${r.current.acceptance}` as AllocationMessageKey)}</Tag> : null}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      key: 'adjusted',
      title: t('adjusted'),
      render: (_v, r, i) => (
        <InputNumber
          min={0}
          value={values[r.nodeId]}
          onChange={(v) => setValues((s) => ({ ...s, [r.nodeId]: typeof v === 'number' ? v : 0 }))}
          style={{ width: 160 }}
          data-testid={`alloc-value-${i}`}
        />
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('intro')}
      </Typography.Paragraph>
      <Flex gap={8} wrap>
        <InputNumber aria-label={t('year')} addonBefore={t('year')} min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} data-testid="alloc-year" />
        <Select
          aria-label={t('metric')}
          placeholder={t('metric')}
          style={{ minWidth: 160 }}
          value={metric}
          onChange={(v) => { setMetric(v); setParentId(undefined); setProposal(null); }}
          options={metrics.map((m) => ({ value: m, label: m }))}
          data-testid="alloc-metric"
        />
        <Select
          aria-label={t('period')}
          placeholder={t('period')}
          allowClear
          style={{ minWidth: 120 }}
          value={period}
          onChange={(v) => { setPeriod(v); setParentId(undefined); setProposal(null); }}
          options={periods.map((p) => ({ value: p, label: p }))}
          data-testid="alloc-period"
        />
        <Select
          aria-label={t('parent')}
          placeholder={t('pickParent')}
          style={{ minWidth: 360 }}
          value={parentId}
          onChange={(v) => { setParentId(v); setProposal(null); }}
          options={candidates.map((x) => ({ value: x.id, label: label(x) }))}
          notFoundContent={t('noParents')}
          data-testid="alloc-parent"
        />
        <Button type="primary" disabled={!parent} loading={propose.isPending} onClick={run} data-testid="alloc-propose">
          {t('propose')}
        </Button>
      </Flex>
      {parents.isError ? <ErrorState error={parents.error} onRetry={() => void parents.refetch()} compact /> : null}
      {proposal ? (
        <Card size="small" data-testid="alloc-proposal">
          <Flex gap={32} wrap style={{ marginBottom: 12 }}>
            <Statistic title={t('parentValue')} value={num(parentValue)} />
            <Statistic title={t('sum')} value={num(sum)} valueRender={() => <span data-testid="alloc-sum">{num(sum)}</span>} />
            <Statistic
              title={<span title={t('gapHint')}>{t('gap')}</span>}
              value={num(gap)}
              valueRender={() => (
                <span data-testid="alloc-gap" style={{ color: gap === 0 ? undefined : '#cf1322' }}>
                  {num(gap)}
                </span>
              )}
            />
          </Flex>
          <Table<ProposalChild>
            size="small"
            rowKey="nodeId"
            pagination={false}
            dataSource={proposal.children}
            columns={columns}
            expandable={{ expandedRowRender: (r) => <BasisTable items={r.basis.items} rule={r.basis.rule} />, columnTitle: t('basis') }}
            scroll={{ x: true }}
          />
          <Flex justify="end" style={{ marginTop: 12 }}>
            <Button type="primary" loading={apply.isPending} onClick={doApply} data-testid="alloc-apply">
              {t('apply')}
            </Button>
          </Flex>
        </Card>
      ) : null}
    </Space>
  );
}

function RepView() {
  const t = useT(allocationMessages);
  const num = useNum();
  const showError = useShowError();
  const message = useMessage();
  const mine = useMyTargets();
  const decide = useDecideAcceptance();
  const mobile = useIsMobile();
  const metricName = useMetricName();
  const [contesting, setContesting] = useState<GoalTarget | null>(null);
  const [reason, setReason] = useState('');

  const act = (r: GoalTarget, decision: 'accept' | 'contest', why?: string) =>
    decide.mutate(
      { id: r.id, decision, version: r.version, reason: why },
      {
        onSuccess: () => {
          void message.success(t(decision === 'accept' ? 'accepted' : 'contested'));
          setContesting(null);
          setReason('');
        },
        onError: showError,
      },
    );

  const columns: TableColumnsType<GoalTarget> = [
    { key: 'metric', title: t('metric'), render: (_v, r) => metricName(r.metric) },
    { key: 'period', title: t('period'), dataIndex: 'period' },
    { key: 'value', title: t('adjusted'), align: 'right', render: (_v, r) => <span data-testid="mine-value">{num(r.value)}</span> },
    { key: 'proposed', title: t('proposed'), align: 'right', render: (_v, r) => num(r.proposedValue) },
    { key: 'acc', title: t('acceptance'), render: (_v, r) => acceptanceOf(r) },
    { key: 'actions', title: '', render: (_v, r) => actionsOf(r, 'small') },
  ];

  function acceptanceOf(r: GoalTarget) {
    if (!r.acceptance) return '—';
    return (
      <Space orientation="vertical" size={0}>
        <Tag color={ACC_COLOR[r.acceptance]} data-testid={`mine-acceptance-${r.acceptance}`}>
          {t(`acc.${r.acceptance}` as AllocationMessageKey)}
        </Tag>
        {r.acceptanceReason ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('reason')}：{r.acceptanceReason}
          </Typography.Text>
        ) : null}
      </Space>
    );
  }

  function actionsOf(r: GoalTarget, size?: 'small') {
    return r.acceptance === 'pending' || r.acceptance === 'contested' ? (
      <Space>
        <Button size={size} type="primary" loading={decide.isPending} onClick={() => act(r, 'accept')} data-testid="mine-accept">
          {t('accept')}
        </Button>
        {r.acceptance === 'pending' ? (
          <Button size={size} danger onClick={() => setContesting(r)} data-testid="mine-contest">
            {t('contest')}
          </Button>
        ) : null}
      </Space>
    ) : null;
  }

  // On a phone each target is a card (no six-column table to scroll sideways); the basis folds.
  const cards = (
    <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="mine-cards">
      {(mine.data?.items ?? []).map((r) => (
        <Card key={r.id} size="small" data-testid={`mine-card-${r.id}`} title={`${metricName(r.metric)} · ${r.period}`} extra={r.productLine ?? undefined}>
          <Flex gap={16} wrap align="flex-start">
            <Statistic title={t('adjusted')} value={num(r.value)} valueRender={() => <span data-testid="mine-value">{num(r.value)}</span>} />
            <Statistic title={t('proposed')} value={num(r.proposedValue)} />
            <div>
              <Typography.Text type="secondary">{t('acceptance')}</Typography.Text>
              <div>{acceptanceOf(r)}</div>
            </div>
          </Flex>
          {r.acceptance === 'pending' || r.acceptance === 'contested' ? <div style={{ marginTop: 8 }}>{actionsOf(r)}</div> : null}
          {r.basis?.items ? (
            <Collapse ghost size="small" style={{ marginTop: 4 }} items={[{ key: 'b', label: t('basis'), children: <BasisTable items={r.basis.items} rule={r.basis.rule} /> }]} />
          ) : null}
        </Card>
      ))}
      {mine.isLoading || mine.data?.items.length ? null : <Typography.Text type="secondary">{t('mine.empty')}</Typography.Text>}
    </Space>
  );

  if (mine.isError) return <ErrorState error={mine.error} onRetry={() => void mine.refetch()} />;
  return (
    <Card size="small" title={t('mine')} data-testid="alloc-mine">
      {mobile ? (
        cards
      ) : (
        <Table<GoalTarget>
          size="small"
          rowKey="id"
          loading={mine.isLoading}
          pagination={false}
          dataSource={mine.data?.items ?? []}
          columns={columns}
          locale={{ emptyText: t('mine.empty') }}
          expandable={{ rowExpandable: (r) => !!r.basis?.items, expandedRowRender: (r) => (r.basis ? <BasisTable items={r.basis.items} rule={r.basis.rule} /> : null), columnTitle: t('basis') }}
          scroll={{ x: true }}
        />
      )}
      <Modal
        open={!!contesting}
        title={t('contest.title')}
        onCancel={() => setContesting(null)}
        okButtonProps={{ disabled: !reason.trim(), danger: true, loading: decide.isPending, 'data-testid': 'contest-ok' } as never}
        okText={t('contest')}
        onOk={() => contesting && act(contesting, 'contest', reason.trim())}
      >
        <Alert type="info" showIcon title={t('contest.reason')} style={{ marginBottom: 8 }} />
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('contest.placeholder')} data-testid="contest-reason" />
      </Modal>
    </Card>
  );
}

export function AllocationPage() {
  const me = useMe();
  return (
    <div data-testid="goals-allocation">
      {me.user.role === 'rep' ? <RepView /> : <ManagerView />}
    </div>
  );
}
