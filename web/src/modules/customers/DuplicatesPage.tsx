// Duplicate review (C1): likely-duplicate pairs with their score and evidence, side-by-side
// comparison, survivor and per-field choice, merge (undoable from the merged record's page) and
// "not the same customer" (remembered). Cards, not a table, so it reads the same on a phone.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Button, Card, Drawer, Empty, Flex, Radio, Segmented, Skeleton, Space, Tag, Typography } from 'antd';
import { MergeCellsOutlined, ScanOutlined, StopOutlined } from '@ant-design/icons';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { Pager } from '../../ui/DataList.js';
import { useMessage } from '../../ui/feedback.js';
import { useShowError } from '../../ui/useShowError.js';
import { CustomerSections } from './sections.js';
import type { Customer } from './api.js';
import { customerMessages, type CustomerMessageKey } from './messages.js';
import { MERGEABLE, useCandidates, useDismiss, useMerge, useScan, type Candidate, type CandidateStatus, type MergeableField, type Reason } from './duplicates/api.js';
import { duplicateMessages, type DuplicateMessageKey } from './duplicates/messages.js';

const STATUSES: CandidateStatus[] = ['open', 'dismissed', 'merged'];

function scoreColor(score: number) {
  return score >= 0.9 ? 'red' : score >= 0.8 ? 'orange' : 'gold';
}

function ReasonLine({ r }: { r: Reason }) {
  const t = useT(duplicateMessages);
  return (
    <div style={{ marginTop: 6 }} data-testid="duplicate-reason">
      <Space size={4} wrap>
        <Tag color="blue">{t(`rule.${r.rule}` as DuplicateMessageKey)}</Tag>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('weight', { weight: r.weight })}
          {r.similarity !== undefined ? ` · ${t('similarity', { value: r.similarity })}` : ''}
        </Typography.Text>
      </Space>
      <div style={{ fontSize: 13, wordBreak: 'break-word' }}>
        {r.a} <span style={{ color: 'rgba(0,0,0,0.45)' }}>⇄</span> {r.b}
      </div>
    </div>
  );
}

function display(c: Customer, f: string, tc: (k: CustomerMessageKey) => string): string {
  if (f === 'ownerId') return c.ownerName ?? c.ownerId ?? '—';
  const v = (c as unknown as Record<string, unknown>)[f];
  if (v === null || v === undefined || v === '') return '—';
  if (f === 'kind' || f === 'stage') return tc(`${f}.${String(v)}` as CustomerMessageKey);
  return Array.isArray(v) ? v.join('、') : String(v);
}

function CompareDrawer({ pair, onClose }: { pair: Candidate; onClose: () => void }) {
  const t = useT(duplicateMessages);
  const tc = useT(customerMessages);
  const mobile = useIsMobile();
  const merge = useMerge();
  const message = useMessage();
  const showError = useShowError();
  const [survivor, setSurvivor] = useState<'a' | 'b'>('a');
  const [choice, setChoice] = useState<Partial<Record<MergeableField, 'a' | 'b'>>>({});
  const fields = MERGEABLE.filter((f) => f in pair.a || f in pair.b);
  const differs = (f: MergeableField) => display(pair.a, f, tc) !== display(pair.b, f, tc);
  const other = survivor === 'a' ? 'b' : 'a';
  const keep = pair[survivor];
  const gone = pair[other];

  const submit = () => {
    const take = fields.filter((f) => differs(f) && (choice[f] ?? survivor) === other);
    merge.mutate(
      { survivorId: keep.id, mergedId: gone.id, survivorVersion: keep.version!, mergedVersion: gone.version!, take, candidateId: pair.id },
      {
        onSuccess: () => {
          void message.success(t('merged', { name: keep.name ?? keep.id }));
          onClose();
        },
        onError: showError,
      },
    );
  };

  const col = (side: 'a' | 'b') => (
    <Radio value={side} data-testid={`survivor-${side}`}>
      {t('compare.keep')}
    </Radio>
  );

  return (
    <Drawer
      open
      onClose={onClose}
      title={t('compare.title')}
      size={mobile ? '100%' : 760}
      data-testid="compare-drawer"
      extra={
        <Button type="primary" icon={<MergeCellsOutlined />} loading={merge.isPending} onClick={submit} disabled={!pair._abilities.merge} data-testid="merge-submit">
          {t('compare.merge')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('compare.mergeHint')}</Typography.Paragraph>
      <Typography.Text strong>{t('compare.survivor')}</Typography.Text>
      <Radio.Group
        value={survivor}
        onChange={(e) => {
          setSurvivor(e.target.value);
          setChoice({});
        }}
        style={{ width: '100%', marginTop: 8 }}
      >
        <div style={{ display: 'grid', gridTemplateColumns: mobile ? '80px 1fr 1fr' : '140px 1fr 1fr', gap: 8, alignItems: 'start' }}>
          <div />
          <div>
            {col('a')}
            <div>
              <Link to={`/customers/${pair.a.id}`}>{pair.a.name ?? pair.a.id}</Link>
            </div>
          </div>
          <div>
            {col('b')}
            <div>
              <Link to={`/customers/${pair.b.id}`}>{pair.b.name ?? pair.b.id}</Link>
            </div>
          </div>
        </div>
      </Radio.Group>
      <div style={{ marginTop: 16 }}>
        {fields.map((f) => {
          const d = differs(f);
          const chosen = choice[f] ?? survivor;
          return (
            <div
              key={f}
              style={{ display: 'grid', gridTemplateColumns: mobile ? '80px 1fr 1fr' : '140px 1fr 1fr', gap: 8, padding: '8px 0', borderTop: '1px solid #f0f0f0', background: d ? '#fffbe6' : undefined }}
              data-testid={`compare-row-${f}`}
            >
              <div style={{ color: 'rgba(0,0,0,0.65)' }}>{tc(`field.${f}` as CustomerMessageKey)}</div>
              {(['a', 'b'] as const).map((side) => (
                <div key={side} style={{ wordBreak: 'break-word' }}>
                  {d ? (
                    <Radio checked={chosen === side} onChange={() => setChoice((c) => ({ ...c, [f]: side }))} data-testid={`pick-${f}-${side}`}>
                      {display(pair[side], f, tc)}
                    </Radio>
                  ) : (
                    display(pair[side], f, tc)
                  )}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </Drawer>
  );
}

function PairCard({ pair, onCompare }: { pair: Candidate; onCompare: () => void }) {
  const t = useT(duplicateMessages);
  const mobile = useIsMobile();
  const dismiss = useDismiss();
  const message = useMessage();
  const showError = useShowError();
  const open = pair.status === 'open';
  return (
    <Card size="small" style={{ marginBottom: 12 }} data-testid="duplicate-pair" data-pair-id={pair.id}>
      <Flex justify="space-between" align="flex-start" vertical={mobile} gap={8}>
        <div style={{ minWidth: 0, flex: 1, width: mobile ? '100%' : undefined }}>
          <Space wrap size={4}>
            <Tag color={scoreColor(pair.score)} data-testid="duplicate-score">
              {t('score', { score: pair.score.toFixed(2) })}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {pair.ruleVersion}
            </Typography.Text>
          </Space>
          <div style={{ marginTop: 6, fontWeight: 500, wordBreak: 'break-word' }}>
            <Link to={`/customers/${pair.a.id}`}>{pair.a.name ?? pair.a.id}</Link>
            <span style={{ margin: '0 6px', color: 'rgba(0,0,0,0.45)' }}>⇄</span>
            <Link to={`/customers/${pair.b.id}`}>{pair.b.name ?? pair.b.id}</Link>
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {[pair.a.ownerName, pair.b.ownerName].filter(Boolean).join(' · ')}
          </Typography.Text>
          {pair.reasons.map((r) => (
            <ReasonLine key={r.rule} r={r} />
          ))}
        </div>
        {open ? (
          <Space wrap>
            {pair._abilities.merge ? (
              <Button type="primary" icon={<MergeCellsOutlined />} onClick={onCompare} data-testid="duplicate-compare">
                {t('compare')}
              </Button>
            ) : null}
            {pair._abilities.dismiss ? (
              <Button
                icon={<StopOutlined />}
                loading={dismiss.isPending}
                data-testid="duplicate-dismiss"
                onClick={() => dismiss.mutate({ id: pair.id, version: pair.version }, { onSuccess: () => void message.success(t('dismissed')), onError: showError })}
              >
                {t('dismiss')}
              </Button>
            ) : null}
          </Space>
        ) : (
          <Tag>{t(`status.${pair.status}` as DuplicateMessageKey)}</Tag>
        )}
      </Flex>
    </Card>
  );
}

export function DuplicatesPage() {
  const t = useT(duplicateMessages);
  const can = useCan();
  const [status, setStatus] = useState<CandidateStatus>('open');
  const [page, setPage] = useState(1);
  const [comparing, setComparing] = useState<string | null>(null);
  const q = useCandidates(status, page);
  const scan = useScan();
  const message = useMessage();
  const showError = useShowError();
  const pair = useMemo(() => q.data?.items.find((p) => p.id === comparing) ?? null, [q.data, comparing]);

  return (
    <div>
      <CustomerSections />
      <PageHeader
        title={t('title')}
        testId="duplicates-title"
        extra={
          can('DuplicateCandidate', 'run') ? (
            <Button
              icon={<ScanOutlined />}
              loading={scan.isPending}
              data-testid="duplicates-scan"
              onClick={() =>
                scan.mutate(undefined, {
                  onSuccess: (r) => void message.success(t('scanned', { records: r.records, pairs: r.pairsScored, found: r.candidates, ms: r.ms })),
                  onError: showError,
                })
              }
            >
              {t('scan')}
            </Button>
          ) : null
        }
      />
      {q.data ? (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t('hint', { version: q.data.ruleVersion, threshold: q.data.threshold })}
        </Typography.Paragraph>
      ) : null}
      <Segmented
        style={{ marginBottom: 12 }}
        value={status}
        onChange={(v) => {
          setStatus(v as CandidateStatus);
          setPage(1);
        }}
        options={STATUSES.map((s) => ({ value: s, label: <span data-testid={`duplicates-status-${s}`}>{t(`status.${s}` as DuplicateMessageKey)}</span> }))}
      />
      {q.isPending ? (
        <Skeleton active />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <Empty description={t('empty')} data-testid="duplicates-empty" />
      ) : (
        <>
          {q.data.items.map((p) => (
            <PairCard key={p.id} pair={p} onCompare={() => setComparing(p.id)} />
          ))}
          <Pager page={page} pageSize={q.data.pageSize} total={q.data.total} onChange={(p) => setPage(p)} />
        </>
      )}
      {pair ? <CompareDrawer key={pair.id} pair={pair} onClose={() => setComparing(null)} /> : null}
    </div>
  );
}
