// The customer page's contracts tab (C8): terms, prepayment and promised delivery milestones.
import { useState } from 'react';
import { Button, DatePicker, Flex, Tag } from 'antd';
import dayjs from 'dayjs';
import { useShowError } from '../../ui/useShowError.js';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { TableColumnsType } from 'antd';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { formatMoney } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useCustomerContracts, useCustomerOpportunities, useRecordDelivery, type Contract, type Milestone } from './api.js';
import { pipelineMessages } from './messages.js';
import { ContractDrawer } from './ContractDrawer.js';

const DAY = 86_400_000;

/** A milestone's delivery state, and for those who may record it, a date picker (C3 contract performance). */
function MilestoneDelivery({ contract, seq, m, customerId }: { contract: Contract; seq: number; m: Milestone; customerId: string }) {
  const t = useT(pipelineMessages);
  const can = useCan();
  const record = useRecordDelivery(customerId);
  const showError = useShowError();
  const today = dayjs().format('YYYY-MM-DD');
  const mayRecord = contract._abilities.update || can('DeliveryCalendar', 'update');
  const state = m.deliveredOn ? (
    m.deliveredOn > m.promisedDate ? (
      <Tag color="orange">{t('milestone.late', { days: Math.round((Date.parse(m.deliveredOn) - Date.parse(m.promisedDate)) / DAY) })}</Tag>
    ) : (
      <Tag color="green">{t('milestone.delivered', { date: m.deliveredOn })}</Tag>
    )
  ) : m.promisedDate < today ? (
    <Tag color="red">{t('milestone.overdue')}</Tag>
  ) : null;
  return (
    <>
      {state}
      {mayRecord && !m.deliveredOn ? (
        <DatePicker
          size="small"
          placeholder={t('milestone.record')}
          disabledDate={(d) => d.isAfter(dayjs(), 'day')}
          data-testid={`milestone-deliver-${contract.number}-${seq}`}
          onChange={(d) => d && record.mutate({ contractId: contract.id, seq, deliveredOn: d.format('YYYY-MM-DD') }, { onError: showError })}
        />
      ) : null}
    </>
  );
}

export function ContractsTab({ customerId }: { customerId: string }) {
  const t = useT(pipelineMessages);
  const { lang } = useLang();
  const can = useCan();
  const q = useCustomerContracts(customerId);
  const opps = useCustomerOpportunities(customerId);
  const [editing, setEditing] = useState<Contract | 'new' | null>(null);
  const columns: TableColumnsType<Contract> = [
    { key: 'number', title: t('contract.number'), dataIndex: 'number', render: (v: string, c) => <span data-testid="contract-number-cell">{v}{c.title ? ` · ${c.title}` : ''}</span> },
    { key: 'status', title: t('contract.status'), dataIndex: 'status', render: (v: Contract['status']) => (v ? <Tag>{t(`status.${v}`)}</Tag> : null) },
    { key: 'signedOn', title: t('contract.signedOn'), dataIndex: 'signedOn' },
    { key: 'amount', title: t('contract.amount'), dataIndex: 'amount', align: 'right', render: (v: number) => formatMoney(v, lang) },
    {
      key: 'prepayment',
      title: t('contract.prepayment'),
      render: (_: unknown, c) =>
        c.prepaymentStatus && c.prepaymentStatus !== 'none' ? (
          <span>
            {formatMoney(c.prepaymentAmount ?? 0, lang)}（{Math.round((c.prepaymentRatio ?? 0) * 100)}%）
            <Tag color={c.prepaymentStatus === 'received' ? 'green' : c.prepaymentStatus === 'partial' ? 'orange' : 'default'} style={{ marginLeft: 4 }}>
              {t(`prepay.${c.prepaymentStatus}`)}
            </Tag>
          </span>
        ) : (
          t('prepay.none')
        ),
    },
    { key: 'paymentTerms', title: t('contract.paymentTerms'), dataIndex: 'paymentTerms' },
    {
      key: 'milestones',
      title: t('contract.milestones'),
      render: (_: unknown, c) => (
        <Flex vertical gap={2}>
          {(c.milestones ?? []).map((m, i) => (
            <span key={m.id} data-testid="contract-milestone">
              {m.promisedDate}（{m.week}）{m.scope} · {m.deliveryTeamName} · {m.load} <MilestoneDelivery contract={c} seq={i + 1} m={m} customerId={customerId} />
            </span>
          ))}
        </Flex>
      ),
    },
    {
      key: 'actions',
      title: '',
      render: (_: unknown, c) =>
        c._abilities.update ? <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(c)} data-testid={`contract-edit-${c.number}`} aria-label={t('contract.edit')} /> : null,
    },
  ];
  if (q.error) return <ErrorState error={q.error} compact onRetry={() => void q.refetch()} />;
  return (
    <div>
      {can('Contract', 'create') ? (
        <Button icon={<PlusOutlined />} style={{ marginBottom: 8 }} onClick={() => setEditing('new')} data-testid="contract-new">
          {t('contract.new')}
        </Button>
      ) : null}
      <DataList<Contract> rowKey={(c) => c.id} rowTestId="contract-row" columns={columns} data={q.data} loading={q.isLoading} size="small" emptyText={t('contract.empty')} />
      {editing ? (
        <ContractDrawer
          customerId={customerId}
          contract={editing === 'new' ? undefined : editing}
          wonOpportunities={(opps.data ?? []).filter((o) => o.stage === 'won')}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </div>
  );
}
