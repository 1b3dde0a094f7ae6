// The customer page's opportunities tab (C8), read from the pipeline module. Quotes appear as the
// role may read them: customer service never receives a draft quote (C4).
import { useState } from 'react';
import { Button, Tag } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useCan } from '../../app/auth.js';
import type { TableColumnsType } from 'antd';
import { useLang, useT } from '../../app/lang.js';
import { formatMoney } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useCustomerOpportunities, type Opportunity } from './api.js';
import { pipelineMessages } from './messages.js';
import { OpportunityDrawer } from './OpportunityDrawer.js';

export function OpportunitiesTab({ customerId }: { customerId: string }) {
  const t = useT(pipelineMessages);
  const { lang } = useLang();
  const q = useCustomerOpportunities(customerId);
  const can = useCan();
  const [editing, setEditing] = useState<Opportunity | 'new' | null>(null);
  const columns: TableColumnsType<Opportunity> = [
    { key: 'name', title: t('opp.name'), dataIndex: 'name' },
    { key: 'stage', title: t('opp.stage'), dataIndex: 'stage', render: (v: Opportunity['stage']) => (v ? <Tag color={v === 'won' ? 'green' : v === 'lost' ? 'default' : 'blue'}>{t(`stage.${v}`)}</Tag> : null) },
    { key: 'amount', title: t('opp.amount'), dataIndex: 'amount', align: 'right', render: (v: number) => formatMoney(v, lang) },
    {
      key: 'quote',
      title: t('opp.quote'),
      render: (_: unknown, o) =>
        o.quote ? t('opp.quotePublished', { amount: formatMoney(o.quote.amount, lang) }) : o.draftQuote ? t('opp.quoteDraft', { amount: formatMoney(o.draftQuote.amount, lang) }) : '',
    },
    { key: 'expectedClose', title: t('opp.expectedClose'), dataIndex: 'expectedClose' },
    { key: 'products', title: t('opp.products'), dataIndex: 'products', render: (v: string[] | undefined) => (v ?? []).join('、') },
    { key: 'owner', title: t('opp.owner'), dataIndex: 'ownerName' },
    { key: 'closeReason', title: t('opp.closeReason'), dataIndex: 'closeReason' },
    {
      key: 'actions',
      title: '',
      render: (_: unknown, o) =>
        o._abilities.update && o.stage !== 'won' ? <Button size="small" icon={<EditOutlined />} aria-label={t('opp.edit')} onClick={() => setEditing(o)} data-testid={`opportunity-edit-${o.id}`} /> : null,
    },
  ];
  if (q.error) return <ErrorState error={q.error} compact onRetry={() => void q.refetch()} />;
  return (
    <div>
      {can('Opportunity', 'create') ? (
        <Button icon={<PlusOutlined />} style={{ marginBottom: 8 }} onClick={() => setEditing('new')} data-testid="opportunity-new">
          {t('board.new')}
        </Button>
      ) : null}
      <DataList<Opportunity> rowKey={(o) => o.id} rowTestId="opportunity-row" columns={columns} data={q.data} loading={q.isLoading} size="small" />
      {editing ? <OpportunityDrawer customerId={customerId} opportunity={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}
