// G4 drill-down board (a tab of the goals section): breadcrumb from company to the viewer's node
// and down to a customer, gauge and progress bars per node, reverse attribution as a waterfall with
// the top contributors and shortfalls, the year's monthly trend, and filters kept in the URL.
import { useSearchParams } from 'react-router-dom';
import { Breadcrumb, Card, Col, Empty, Flex, Input, List, Progress, Row, Select, Space, Spin, Statistic, Tag, Typography } from 'antd';
import ReactECharts from 'echarts-for-react';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { useIsMobile } from '../../app/media.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useBoard, type Attribution, type BoardNode, type NodeKind } from './board-api.js';
import { boardMessages, type BoardMessageKey } from './board-messages.js';
import { gaugeOption, trendOption, waterfallOption } from './charts.js';

const METRICS = ['effectiveVisits', 'solutionDemos', 'objectionClosureRate', 'amount', 'newHighPotential', 'repurchaseRate'] as const;
const KINDS: NodeKind[] = ['company', 'region', 'team', 'rep', 'customer'];

const fmt = (v: number | null, ratio: boolean) => (v === null ? '—' : ratio ? `${Math.round(v * 1000) / 10}%` : v.toLocaleString());

function periods(year: number) {
  const out = [String(year), ...[1, 2, 3, 4].map((q) => `${year}-Q${q}`)];
  for (let m = 1; m <= 12; m++) out.push(`${year}-${String(m).padStart(2, '0')}`);
  return out;
}

function NodeBar({ n, ratio, onOpen }: { n: BoardNode; ratio: boolean; onOpen?: () => void }) {
  const t = useT(boardMessages);
  const pct = n.pct ?? 0;
  return (
    <div data-testid={`board-child-${n.id}`} style={{ width: '100%' }}>
      <Flex justify="space-between" wrap gap={4}>
        {onOpen ? (
          <Typography.Link onClick={onOpen} data-testid="board-drill">
            {n.name}
          </Typography.Link>
        ) : (
          <Typography.Text>{n.name}</Typography.Text>
        )}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {fmt(n.attainment, ratio)} / {n.target === null ? t('noTarget') : fmt(n.target, ratio)}
          {n.gap !== null && n.gap > 0 ? ` · ${t('gap')} ${fmt(n.gap, ratio)}` : ''}
        </Typography.Text>
      </Flex>
      <Progress percent={Math.min(pct, 100)} format={() => (n.pct === null ? '—' : `${n.pct}%`)} status={n.pct !== null && n.pct >= 100 ? 'success' : 'normal'} size="small" />
    </div>
  );
}

function AttributionCard({ title, a, ratio, onOpen }: { title: string; a: Attribution; ratio: boolean; onOpen?: (id: string) => void }) {
  const t = useT(boardMessages);
  const exceeded = a.gap !== null && a.gap < 0;
  const row = (x: Attribution['items'][number], showDelta: boolean) => (
    <List.Item style={{ padding: '4px 0' }}>
      <Flex justify="space-between" style={{ width: '100%' }} gap={8}>
        {onOpen ? <Typography.Link onClick={() => onOpen(x.id)}>{x.name}</Typography.Link> : <span>{labelOf(t, x.name)}</span>}
        <Typography.Text type={showDelta ? 'danger' : undefined} style={{ fontSize: 12 }}>
          {showDelta ? `${t('delta', { delta: fmt(x.delta, ratio) })} · ${t('expected', { expected: fmt(x.expected, ratio) })}` : `${fmt(x.attainment, ratio)} · ${Math.round(x.share * 100)}%`}
        </Typography.Text>
      </Flex>
    </List.Item>
  );
  return (
    <Card size="small" title={title} data-testid="board-attribution">
      <ReactECharts
        option={waterfallOption(a.waterfall.map((w) => (w.kind === 'item' ? { ...w, name: labelOf(t, w.name) } : w)), { attainment: t('attainment'), gap: t('gap'), excess: t('excess') }, exceeded)}
        style={{ height: 240 }}
        notMerge
      />
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t('contributors')}</Typography.Text>
          <List size="small" dataSource={a.topContributors} renderItem={(x) => row(x, false)} data-testid="board-contributors" />
        </Col>
        <Col xs={24} md={12}>
          <Typography.Text strong>{t('shortfalls')}</Typography.Text>{' '}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            ({a.items[0]?.basis === 'own_target' ? t('basisOwn') : t('basisProRata')})
          </Typography.Text>
          {a.topShortfalls.length ? (
            <List size="small" dataSource={a.topShortfalls} renderItem={(x) => row(x, true)} data-testid="board-shortfalls" />
          ) : (
            <Typography.Paragraph type="secondary">{t('noShortfall')}</Typography.Paragraph>
          )}
        </Col>
      </Row>
    </Card>
  );
}

function labelOf(t: (k: BoardMessageKey) => string, name: string): string {
  const k = `action.${name}` as BoardMessageKey;
  const s = t(k);
  return s === k ? name : s;
}

export function BoardPage() {
  const t = useT(boardMessages);
  const mobile = useIsMobile();
  const [sp, setSp] = useSearchParams();
  const thisYear = new Date().getFullYear();
  const year = Number(sp.get('year') ?? thisYear);
  const metric = sp.get('metric') ?? 'effectiveVisits';
  const period = sp.get('period') ?? `${year}-${String(new Date().getMonth() + 1).padStart(2, '0')}`;
  const nodeKind = (sp.get('nodeKind') as NodeKind | null) ?? undefined;
  const nodeId = sp.get('nodeId') ?? undefined;
  const tag = sp.get('tag') ?? undefined;
  const productLine = sp.get('productLine') ?? undefined;
  const q = useBoard({ year, period, metric, nodeKind: nodeKind && KINDS.includes(nodeKind) ? nodeKind : undefined, nodeId, tag, productLine });

  const set = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, v);
    }
    setSp(next);
  };
  const open = (kind: NodeKind, id: string | null) => set({ nodeKind: kind, nodeId: id ?? undefined });

  const filters = (
    <Flex wrap gap={8} style={{ marginBottom: 12 }} data-testid="board-filters">
      <Select
        aria-label={t('f.year')}
        value={year}
        style={{ width: 96 }}
        onChange={(y) => set({ year: String(y), period: String(y) })}
        options={[thisYear - 1, thisYear, thisYear + 1].map((y) => ({ value: y, label: String(y) }))}
      />
      <Select
        aria-label={t('f.period')}
        value={period}
        style={{ width: 120 }}
        onChange={(p) => set({ period: p })}
        options={periods(year).map((p) => ({ value: p, label: p === String(year) ? t('p.year') : p }))}
        data-testid="board-period"
      />
      <Select
        aria-label={t('f.metric')}
        value={metric}
        style={{ width: mobile ? 160 : 190 }}
        onChange={(m) => set({ metric: m })}
        options={METRICS.map((m) => ({ value: m, label: t(`m.${m}`) }))}
        data-testid="board-metric"
      />
      <Input.Search allowClear placeholder={t('f.tag')} defaultValue={tag} style={{ width: 150 }} onSearch={(v) => set({ tag: v.trim() || undefined })} data-testid="board-tag" />
      <Input.Search
        allowClear
        placeholder={t('f.productLine')}
        defaultValue={productLine}
        style={{ width: 170 }}
        onSearch={(v) => set({ productLine: v.trim() || undefined })}
      />
    </Flex>
  );

  if (q.isError) return (
    <div>
      {filters}
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    </div>
  );
  if (!q.data)
    return (
      <div>
        {filters}
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin />
        </Flex>
      </div>
    );

  const b = q.data;
  const n = b.node;
  const childKind: NodeKind | null = n.kind === 'company' ? 'region' : n.kind === 'region' ? 'team' : n.kind === 'team' ? 'rep' : null;
  const notes = [
    b.filters.productLine && t('note.product', { value: b.filters.productLine.value, n: b.filters.productLine.customers }),
    b.filters.tag && t('note.tag', { value: b.filters.tag.value, n: b.filters.tag.customers }),
  ].filter(Boolean);

  return (
    <div data-testid="goals-board">
      {filters}
      <Breadcrumb
        data-testid="board-breadcrumb"
        style={{ marginBottom: 12 }}
        items={b.path.map((p, i) => ({
          title:
            i === b.path.length - 1 ? (
              <span data-testid="board-node-name">{p.kind === 'company' ? t('k.company') : p.name}</span>
            ) : (
              <a onClick={() => open(p.kind, p.id)} data-testid={`board-crumb-${p.kind}`}>
                {p.kind === 'company' ? t('k.company') : p.name}
              </a>
            ),
        }))}
      />
      {notes.length ? (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }} data-testid="board-filter-notes">
          {t('filterNote')}：{notes.join('；')}
        </Typography.Paragraph>
      ) : null}
      <Row gutter={[12, 12]}>
        <Col xs={24} md={8}>
          <Card size="small" title={`${t(`k.${n.kind}`)} · ${n.kind === 'company' ? t('k.company') : n.name}`}>
            <ReactECharts option={gaugeOption({ pct: n.pct, title: t('pct') })} style={{ height: 180 }} notMerge />
            <Flex justify="space-around" wrap gap={8}>
              <Statistic title={t('target')} value={n.target === null ? t('noTarget') : fmt(n.target, b.ratio)} data-testid="board-target" />
              <Statistic title={t('attainment')} value={fmt(n.attainment, b.ratio)} data-testid="board-attainment" />
              <Statistic title={n.gap !== null && n.gap < 0 ? t('excess') : t('gap')} value={n.gap === null ? '—' : fmt(Math.abs(n.gap), b.ratio)} data-testid="board-gap" />
            </Flex>
          </Card>
        </Col>
        <Col xs={24} md={16}>
          <Card size="small" title={t('trend')}>
            <ReactECharts option={trendOption(b.trend, { attainment: t('attainment'), target: t('target') })} style={{ height: 240 }} notMerge />
          </Card>
        </Col>
        {childKind ? (
          <Col xs={24} md={12}>
            <Card size="small" title={`${t('children')} · ${t(`k.${childKind}`)}`} data-testid="board-children">
              {b.children.length ? (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {b.children.map((c) => (
                    <NodeBar key={c.id} n={c} ratio={b.ratio} onOpen={() => open(childKind, c.id)} />
                  ))}
                </Space>
              ) : (
                <Empty description={t('empty')} />
              )}
              {b.allocation?.childrenTarget != null && n.target !== null && Math.abs(b.allocation.childrenTarget - n.target) > 1e-9 ? (
                <Typography.Paragraph type="warning" style={{ marginTop: 8 }} data-testid="board-allocation-gap">
                  {t('allocationGap', { sum: fmt(b.allocation.childrenTarget, b.ratio), diff: fmt(Math.round((n.target - b.allocation.childrenTarget) * 100) / 100, b.ratio) })}
                </Typography.Paragraph>
              ) : null}
            </Card>
          </Col>
        ) : null}
        {b.attribution.children ? (
          <Col xs={24} md={12}>
            <AttributionCard title={t('attribution')} a={b.attribution.children} ratio={b.ratio} onOpen={(id) => childKind && open(childKind, id)} />
          </Col>
        ) : null}
        {b.customers ? (
          <Col xs={24} md={12}>
            <Card size="small" title={t('customers')} data-testid="board-customers">
              <List
                size="small"
                dataSource={b.customers}
                pagination={b.customers.length > 10 ? { pageSize: 10, size: 'small' } : false}
                renderItem={(c) => (
                  <List.Item style={{ padding: '4px 0' }}>
                    <Flex vertical style={{ width: '100%' }}>
                      <Flex justify="space-between" gap={8} wrap>
                        <Typography.Link onClick={() => open('customer', c.id)} data-testid={`board-customer-${c.id}`}>
                          {c.name}
                        </Typography.Link>
                        <span data-testid="board-customer-value">
                          <Tag>{c.tier}</Tag>
                          {c.metric ? `${t('counted')} ${c.metric.numerator}${c.metric.denominator !== null ? ` / ${c.metric.denominator}` : ''} · ` : ''}
                          {t('contribution')} {c.contribution}
                        </span>
                      </Flex>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {Object.entries(c.activities)
                          .map(([k, v]) => `${labelOf(t, k)} ${v}${b.definition?.countedTypes.includes(k) ? ' ✓' : ''}`)
                          .join(' · ')}
                      </Typography.Text>
                    </Flex>
                  </List.Item>
                )}
              />
              {b.customersTruncated ? <Typography.Text type="secondary">{t('truncated')}</Typography.Text> : null}
            </Card>
          </Col>
        ) : null}
        {b.attribution.customers ? (
          <Col xs={24} md={12}>
            <AttributionCard title={`${t('attribution')} · ${t('customers')}`} a={b.attribution.customers} ratio={false} onOpen={(id) => open('customer', id)} />
          </Col>
        ) : null}
        {b.attribution.actionTypes ? (
          <Col xs={24} md={12}>
            <AttributionCard title={`${t('attribution')} · ${t('actionTypes')}`} a={b.attribution.actionTypes} ratio={false} />
          </Col>
        ) : null}
        {b.activities ? (
          <Col xs={24} md={12}>
            <Card size="small" title={t('recent')} data-testid="board-activities">
              <Flex wrap gap={4} style={{ marginBottom: 8 }}>
                {b.activities.byType.map((x) => (
                  <Tag key={x.type} color={x.counted ? 'blue' : undefined}>
                    {labelOf(t, x.type)} {x.count}
                  </Tag>
                ))}
              </Flex>
              <List
                size="small"
                dataSource={b.activities.recent}
                renderItem={(a) => (
                  <List.Item style={{ padding: '4px 0' }}>
                    <Flex justify="space-between" style={{ width: '100%' }}>
                      <span>{labelOf(t, a.type)}</span>
                      <Typography.Text type="secondary">{formatDateTime(a.occurredAt)}</Typography.Text>
                    </Flex>
                  </List.Item>
                )}
              />
            </Card>
          </Col>
        ) : null}
      </Row>
    </div>
  );
}
