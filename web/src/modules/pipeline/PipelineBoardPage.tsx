// Pipeline stage board (C8): one column per stage with count, amount and weighted amount, scoped
// by the server (rep own, manager team, director region, admin all). Move a card with its
// "move to" menu or by dragging it onto another column; won/lost ask for the reason. On a phone
// the board is a stage picker with that stage's list.
import { useState, type DragEvent } from 'react';
import { Alert, Button, Card, Dropdown, Empty, Flex, Input, Modal, Segmented, Skeleton, Tag, Typography } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useLang, useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { formatMoney } from '../../app/format.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { useMessage } from '../../ui/feedback.js';
import { useShowError } from '../../ui/useShowError.js';
import { CustomerSections } from '../customers/sections.js';
import { STAGES, useBoard, useMoveStage, type Board, type Opportunity, type Stage } from './api.js';
import { pipelineMessages } from './messages.js';

const STAGE_COLOR: Record<Stage, string> = { discovery: 'default', qualified: 'cyan', proposal: 'blue', negotiation: 'geekblue', won: 'green', lost: 'red' };

export function PipelineBoardPage() {
  const t = useT(pipelineMessages);
  const { lang } = useLang();
  const mobile = useIsMobile();
  const q = useBoard({});
  const move = useMoveStage();
  const showError = useShowError();
  const message = useMessage();
  const [closing, setClosing] = useState<{ opp: Opportunity; stage: Stage } | null>(null);
  const [reason, setReason] = useState('');
  const [phoneStage, setPhoneStage] = useState<Stage>('discovery');

  const doMove = async (opp: Opportunity, stage: Stage, closeReason?: string) => {
    try {
      await move.mutateAsync({ id: opp.id, version: opp.version!, stage, closeReason });
      void message.success(t('board.moved', { stage: t(`stage.${stage}`) }));
      return true;
    } catch (e) {
      showError(e);
      return false;
    }
  };
  const requestMove = (opp: Opportunity, stage: Stage) => {
    if (!opp.nextStages.includes(stage)) return;
    if (stage === 'won' || stage === 'lost') {
      setReason('');
      setClosing({ opp, stage });
    } else void doMove(opp, stage);
  };

  const money = (v: number) => formatMoney(v, lang);
  const header = (
    <>
      <CustomerSections />
      <PageHeader title={t('board.title')} testId="pipeline-title" />
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('board.help')}
      </Typography.Paragraph>
    </>
  );
  if (q.isPending) return <div>{header}<Skeleton active /></div>;
  if (q.error) return <div>{header}<ErrorState error={q.error} onRetry={() => void q.refetch()} /></div>;
  const board: Board = q.data;

  return (
    <div>
      {header}
      <Alert
        type="info"
        showIcon={false}
        style={{ marginBottom: 12 }}
        data-testid="pipeline-totals"
        title={t('board.total', { count: board.totals.count, open: money(board.totals.openAmount), weighted: money(board.totals.weighted) })}
        description={
          <span style={{ fontSize: 12 }} data-testid="pipeline-rule">
            {t('board.rule', {
              key: board.rule.key,
              version: board.rule.version,
              weights: STAGES.filter((s) => s !== 'won' && s !== 'lost')
                .map((s) => `${t(`stage.${s}`)} ${Math.round(board.rule.weights[s] * 100)}%`)
                .join(' · '),
            })}
          </span>
        }
      />
      {mobile ? (
        <PhoneBoard board={board} stage={phoneStage} onStage={setPhoneStage} onMove={requestMove} />
      ) : (
        <DesktopBoard board={board} onMove={requestMove} />
      )}
      <Modal
        open={!!closing}
        title={closing ? t('close.title', { stage: t(`stage.${closing.stage}`) }) : ''}
        okText={t('save')}
        cancelText={t('cancel')}
        okButtonProps={{ disabled: !reason.trim(), ...({ 'data-testid': 'close-confirm' } as object) }}
        confirmLoading={move.isPending}
        onCancel={() => setClosing(null)}
        onOk={async () => {
          if (closing && (await doMove(closing.opp, closing.stage, reason.trim()))) setClosing(null);
        }}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('close.reasonRequired')} data-testid="close-reason" maxLength={500} />
      </Modal>
    </div>
  );
}

function ColumnHead({ col }: { col: Board['columns'][number] }) {
  const t = useT(pipelineMessages);
  const { lang } = useLang();
  return (
    <div data-testid={`column-head-${col.stage}`}>
      <Flex justify="space-between" align="center">
        <Tag color={STAGE_COLOR[col.stage]} style={{ fontWeight: 600 }}>
          {t(`stage.${col.stage}`)}
        </Tag>
        <span data-testid={`column-count-${col.stage}`}>{col.count}</span>
      </Flex>
      <div style={{ fontSize: 13, marginTop: 4 }}>{formatMoney(col.amount, lang)}</div>
      <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{t('board.weighted', { value: formatMoney(col.weighted, lang) })}</div>
    </div>
  );
}

function OppCard({ opp, onMove, draggable, onDragStart }: { opp: Opportunity; onMove: (o: Opportunity, s: Stage) => void; draggable: boolean; onDragStart?: (id: string) => void }) {
  const t = useT(pipelineMessages);
  const { lang } = useLang();
  return (
    <Card
      size="small"
      style={{ marginBottom: 8, cursor: draggable && opp.nextStages.length ? 'grab' : undefined }}
      data-testid={`opp-card-${opp.id}`}
      draggable={draggable && opp.nextStages.length > 0}
      onDragStart={(e: DragEvent) => {
        e.dataTransfer.setData('text/plain', opp.id);
        e.dataTransfer.effectAllowed = 'move';
        onDragStart?.(opp.id);
      }}
    >
      <div style={{ fontWeight: 500, wordBreak: 'break-word' }}>
        {opp.customerId ? <Link to={`/customers/${opp.customerId}`}>{opp.name}</Link> : opp.name}
      </div>
      <div style={{ fontSize: 13 }}>{formatMoney(opp.amount, lang)}</div>
      <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }}>
        {t('opp.expectedClose')} {opp.expectedClose} · {opp.ownerName ?? ''}
      </div>
      {opp.draftQuote ? <Tag style={{ marginTop: 4 }}>{t('opp.quoteDraft', { amount: formatMoney(opp.draftQuote.amount, lang) })}</Tag> : null}
      {opp.quote ? <Tag color="blue" style={{ marginTop: 4 }}>{t('opp.quotePublished', { amount: formatMoney(opp.quote.amount, lang) })}</Tag> : null}
      {opp.closeReason ? <div style={{ fontSize: 12, marginTop: 4 }}>{t('opp.closeReason')}：{opp.closeReason}</div> : null}
      {opp.nextStages.length ? (
        <Dropdown
          trigger={['click']}
          menu={{
            items: opp.nextStages.map((s) => ({ key: s, label: <span data-testid={`move-${opp.id}-${s}`}>{t(`stage.${s}`)}</span> })),
            onClick: ({ key }) => onMove(opp, key as Stage),
          }}
        >
          <Button size="small" style={{ marginTop: 6 }} data-testid={`move-${opp.id}`}>
            {t('board.move')} <DownOutlined />
          </Button>
        </Dropdown>
      ) : null}
    </Card>
  );
}

function DesktopBoard({ board, onMove }: { board: Board; onMove: (o: Opportunity, s: Stage) => void }) {
  const t = useT(pipelineMessages);
  const [over, setOver] = useState<Stage | null>(null);
  const [dragged, setDragged] = useState<string | null>(null);
  const byId = new Map(board.columns.flatMap((c) => c.items).map((o) => [o.id, o]));
  return (
    <div style={{ display: 'flex', gap: 12, overflowX: 'auto', paddingBottom: 8 }} data-testid="pipeline-board">
      {board.columns.map((col) => (
        <div
          key={col.stage}
          data-testid={`column-${col.stage}`}
          onDragOver={(e) => {
            e.preventDefault();
            setOver(col.stage);
          }}
          onDragLeave={() => setOver(null)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(null);
            const opp = byId.get(e.dataTransfer.getData('text/plain') || dragged || '');
            setDragged(null);
            if (opp && opp.stage !== col.stage) onMove(opp, col.stage);
          }}
          style={{ flex: '0 0 230px', background: over === col.stage ? '#e6f4ff' : '#fafafa', borderRadius: 8, padding: 8, minHeight: 240 }}
        >
          <ColumnHead col={col} />
          <div style={{ marginTop: 8 }}>
            {col.items.length ? col.items.map((o) => <OppCard key={o.id} opp={o} onMove={onMove} draggable onDragStart={setDragged} />) : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('board.empty')} />}
            {col.count > col.items.length ? <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{t('board.more', { n: board.cardsPerStage })}</div> : null}
          </div>
        </div>
      ))}
    </div>
  );
}

function PhoneBoard({ board, stage, onStage, onMove }: { board: Board; stage: Stage; onStage: (s: Stage) => void; onMove: (o: Opportunity, s: Stage) => void }) {
  const t = useT(pipelineMessages);
  const col = board.columns.find((c) => c.stage === stage)!;
  return (
    <div data-testid="pipeline-phone">
      <div style={{ overflowX: 'auto', marginBottom: 8 }}>
        <Segmented
          value={stage}
          onChange={(v) => onStage(v as Stage)}
          options={STAGES.map((s) => ({ value: s, label: <span data-testid={`phone-stage-${s}`}>{`${t(`stage.${s}`)} ${board.columns.find((c) => c.stage === s)?.count ?? 0}`}</span> }))}
        />
      </div>
      <ColumnHead col={col} />
      <div style={{ marginTop: 8 }}>
        {col.items.length ? col.items.map((o) => <OppCard key={o.id} opp={o} onMove={onMove} draggable={false} />) : <Empty description={t('board.empty')} />}
      </div>
    </div>
  );
}
