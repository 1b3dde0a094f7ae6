// The monthly calibration meeting (C6): this month's customer cards with each party's progress;
// a card opens in a drawer where sales, service or delivery confirm or correct each item.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, DatePicker, Descriptions, Drawer, Flex, Input, Progress, Segmented, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { CustomerSections } from '../customers/sections.js';
import { useAnswer, useCard, useCards, useGenerate, type CardItem, type CardSummary } from './api.js';
import { calibrationMessages } from './messages.js';
import { evidenceLines } from './evidence.js';

const KIND_COLOR: Record<string, string> = { conflict: 'red', stale: 'orange', commitment: 'blue' };

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function CalibrationPage() {
  const t = useT(calibrationMessages);
  const can = useCan();
  const showError = useShowError();
  const message = useMessage();
  const [sp, setSp] = useSearchParams();
  const period = sp.get('period') ?? undefined;
  const status = sp.get('status') ?? undefined;
  const page = Number(sp.get('page') ?? 1) || 1;
  const cards = useCards({ period, status, page });
  const generate = useGenerate();
  const [openId, setOpenId] = useState<string | null>(null);
  const shownPeriod = cards.data?.period ?? period ?? dayjs().format('YYYY-MM');

  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== 'page') next.delete('page');
    setSp(next);
  };

  const columns: TableColumnsType<CardSummary> = [
    { key: 'customer', title: t('customer'), render: (_v, c) => <Link to={`/customers/${c.customerId}`}>{c.customerName}</Link> },
    { key: 'owner', title: t('owner'), dataIndex: 'ownerName' },
    {
      key: 'items',
      title: t('items'),
      render: (_v, c) => (
        <Space size={4} wrap>
          {c.kinds.map((k, i) => (
            <Tag key={i} color={KIND_COLOR[k]}>
              {t(`kind.${k}` as 'kind.conflict')}
            </Tag>
          ))}
        </Space>
      ),
    },
    {
      key: 'progress',
      title: t('progress'),
      render: (_v, c) => (
        <Flex align="center" gap={8} style={{ minWidth: 140 }}>
          <Progress percent={c.answersNeeded ? Math.round((100 * c.answers) / c.answersNeeded) : 0} size="small" showInfo={false} style={{ flex: 1, margin: 0 }} />
          <span>
            {c.answers}/{c.answersNeeded}
          </span>
        </Flex>
      ),
    },
    { key: 'status', title: t('status'), render: (_v, c) => <Tag color={c.status === 'done' ? 'green' : 'gold'}>{t(`status.${c.status}`)}</Tag> },
    {
      key: 'open',
      title: '',
      render: (_v, c) => (
        <Button size="small" onClick={() => setOpenId(c.id)} data-testid="calibration-open">
          {t('open')}
        </Button>
      ),
    },
  ];

  return (
    <div>
      <CustomerSections />
      <PageHeader
        title={t('title')}
        testId="calibration-title"
        extra={
          can('CalibrationCard', 'create') ? (
            <Button
              loading={generate.isPending}
              data-testid="calibration-generate"
              onClick={() =>
                generate.mutate(shownPeriod, {
                  onSuccess: (r) => void message.success(t('generated', { cards: r.cardsCreated, items: r.items })),
                  onError: showError,
                })
              }
            >
              {t('generate')}
            </Button>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      <Flex gap={8} wrap align="center" style={{ marginBottom: 12 }}>
        <DatePicker picker="month" allowClear={false} value={dayjs(`${shownPeriod}-01`)} onChange={(d) => set('period', d ? d.format('YYYY-MM') : undefined)} aria-label={t('period')} />
        <Segmented
          value={status ?? ''}
          onChange={(v) => set('status', String(v) || undefined)}
          options={[
            { value: '', label: '—' },
            { value: 'open', label: t('status.open') },
            { value: 'done', label: t('status.done') },
          ]}
        />
      </Flex>
      {cards.error ? (
        <ErrorState error={cards.error} onRetry={() => void cards.refetch()} />
      ) : (
        <DataList<CardSummary>
          rowKey={(c) => c.id}
          rowTestId="calibration-row"
          columns={columns}
          data={cards.data?.items}
          loading={cards.isLoading}
          emptyText={t('empty')}
          onRowClick={(c) => setOpenId(c.id)}
          paging={cards.data ? { page, pageSize: cards.data.pageSize, total: cards.data.total, fixedSize: true, onChange: (p) => set('page', String(p)) } : undefined}
        />
      )}
      {openId ? <CardDrawer id={openId} onClose={() => setOpenId(null)} /> : null}
    </div>
  );
}

function CardDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const t = useT(calibrationMessages);
  const { lang } = useLang();
  const mobile = useIsMobile();
  const card = useCard(id);
  const c = card.data;
  const myLabel = c?.parties.find((p) => p.party === c.myParty)?.label[lang];
  return (
    <Drawer open onClose={onClose} size={mobile ? '100%' : 640} title={c?.customerName} destroyOnHidden>
      {card.error ? <ErrorState error={card.error} compact onRetry={() => void card.refetch()} /> : null}
      {c ? (
        <Space direction="vertical" style={{ width: '100%' }} size={16}>
          <Flex justify="space-between" wrap gap={8}>
            {myLabel ? <Tag color="blue">{t('youAre', { party: myLabel })}</Tag> : <Typography.Text type="secondary">{t('notParty')}</Typography.Text>}
            <Typography.Text type="secondary">{t('ruleVersion', { version: c.ruleVersion })}</Typography.Text>
          </Flex>
          {c.items.map((it) => (
            <ItemBlock key={it.ref} cardId={c.id} item={it} parties={c.parties} myParty={c.myParty} />
          ))}
        </Space>
      ) : null}
    </Drawer>
  );
}

function ItemBlock({ cardId, item, parties, myParty }: { cardId: string; item: CardItem; parties: { party: string; label: { 'zh-CN': string; 'en-US': string } }[]; myParty: string | null }) {
  const t = useT(calibrationMessages);
  const { lang } = useLang();
  const answer = useAnswer(cardId);
  const showError = useShowError();
  const [correcting, setCorrecting] = useState(false);
  const [value, setValue] = useState('');
  const [note, setNote] = useState('');
  const mine = item.answers.find((a) => a.party === myParty);
  const send = (action: 'confirm' | 'correct') =>
    answer.mutate({ ref: item.ref, action, value: action === 'correct' ? value.trim() : undefined, note: note.trim() || undefined }, { onError: showError, onSuccess: () => setCorrecting(false) });

  return (
    <div style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 12 }} data-testid="calibration-item">
      <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
        <Tag color={KIND_COLOR[item.kind]}>{t(`kind.${item.kind}`)}</Tag>
        <Typography.Text strong>{item.label[lang]}</Typography.Text>
      </Flex>
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={t('current')}>{show(item.current)}</Descriptions.Item>
        {item.options.length ? (
          <Descriptions.Item label={t('options')}>
            <Space direction="vertical" size={2}>
              {item.options.map((o, i) => (
                <span key={i}>
                  <Tag>{o.source}</Tag>
                  {show(o.value)}
                  {o.observedAt ? <Typography.Text type="secondary"> · {dayjs(o.observedAt).format('YYYY-MM-DD')}</Typography.Text> : null}
                </span>
              ))}
            </Space>
          </Descriptions.Item>
        ) : null}
        <Descriptions.Item label={t('evidence')}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="calibration-evidence">
            {evidenceLines(item.evidence, lang)
              .map((l) => `${l.label}：${l.value}`)
              .join(' · ')}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('answers')}>
          <Space direction="vertical" size={2}>
            {parties.map((p) => {
              const a = item.answers.find((x) => x.party === p.party);
              return (
                <span key={p.party} data-testid={`answer-${p.party}`}>
                  <Tag color={a ? (a.action === 'confirm' ? 'green' : 'purple') : undefined}>{p.label[lang]}</Tag>
                  {a ? `${a.userName ?? ''} ${t(`action.${a.action}`)}${a.action === 'correct' ? ` ${show(a.value)}` : ''}${a.note ? `（${a.note}）` : ''}` : t('notAnswered')}
                </span>
              );
            })}
          </Space>
        </Descriptions.Item>
      </Descriptions>
      {myParty && !mine ? (
        correcting ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Input value={value} onChange={(e) => setValue(e.target.value)} placeholder={t('correctValue')} data-testid="calibration-value" maxLength={2000} />
            <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('note')} maxLength={1000} />
            <Space>
              <Button type="primary" disabled={!value.trim()} loading={answer.isPending} onClick={() => send('correct')} data-testid="calibration-submit">
                {t('submit')}
              </Button>
              <Button onClick={() => setCorrecting(false)}>×</Button>
            </Space>
          </Space>
        ) : (
          <Space>
            <Button type="primary" loading={answer.isPending} onClick={() => send('confirm')} data-testid="calibration-confirm">
              {t('confirm')}
            </Button>
            <Button onClick={() => setCorrecting(true)} data-testid="calibration-correct">
              {t('correct')}
            </Button>
          </Space>
        )
      ) : null}
      {answer.error ? <Alert type="error" showIcon style={{ marginTop: 8 }} message={String((answer.error as Error).message)} /> : null}
    </div>
  );
}
