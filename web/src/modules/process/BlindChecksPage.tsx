// P7 blind verification: a QA inspector's call-backs with the call script drawn from each visit,
// the outcome form (optimistic version), and the per-rep authenticity rate of a month.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, DatePicker, Descriptions, Drawer, Flex, Input, Radio, Space, Switch, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useCan, useMe } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { formatDateTime } from '../../app/format.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { useAuthenticity, useBlindChecks, useDrawSample, useRecordCheck, type BlindCheck, type Outcome, type RepAuthenticity } from './ops-api.js';
import { opsMessages } from './ops-messages.js';

const OUTCOMES: Outcome[] = ['confirmed', 'not_happened', 'items_not_mentioned', 'unreachable'];
const OUTCOME_COLOR: Record<Outcome, string> = { confirmed: 'green', not_happened: 'red', items_not_mentioned: 'orange', unreachable: 'default' };
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
const previousMonth = () => dayjs().subtract(1, 'month').format('YYYY-MM');

type Tab = 'mine' | 'all' | 'rates';

export function BlindChecksPage() {
  const t = useT(opsMessages);
  const me = useMe();
  const [sp, setSp] = useSearchParams();
  const defaultTab: Tab = me.user.role === 'qa' ? 'mine' : 'all';
  const tab = (sp.get('tab') as Tab) || defaultTab;
  const set = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp);
    if (v) next.set(k, v);
    else next.delete(k);
    if (k !== 'page') next.delete('page');
    setSp(next);
  };
  const tabs: { key: Tab; label: string }[] = [
    ...(me.user.role === 'qa' || me.user.role === 'admin' ? [{ key: 'mine' as Tab, label: t('blind.tab.mine') }] : []),
    { key: 'all', label: t('blind.tab.all') },
    { key: 'rates', label: t('blind.tab.rates') },
  ];
  return (
    <div>
      <Flex justify="space-between" align="start" wrap gap={8} style={{ marginBottom: 4 }} data-testid="blind-title">
        <Typography.Paragraph type="secondary" style={{ margin: 0, maxWidth: 760 }}>
          {t('blind.intro')}
        </Typography.Paragraph>
        <DrawButton period={sp.get('period') ?? previousMonth()} />
      </Flex>
      <Tabs activeKey={tab} onChange={(k) => set('tab', k)} items={tabs.map((x) => ({ key: x.key, label: <span data-testid={`blind-tab-${x.key}`}>{x.label}</span> }))} />
      {tab === 'rates' ? <Rates period={sp.get('period') ?? undefined} onPeriod={(p) => set('period', p)} /> : <Checks mine={tab === 'mine'} sp={sp} set={set} />}
    </div>
  );
}

function DrawButton({ period }: { period: string }) {
  const t = useT(opsMessages);
  const can = useCan();
  const draw = useDrawSample();
  const message = useMessage();
  const showError = useShowError();
  if (!can('BlindCheck', 'run')) return null;
  return (
    <Button
      loading={draw.isPending}
      data-testid="blind-draw"
      onClick={() =>
        draw.mutate(period, {
          onSuccess: (r) =>
            void message.success(
              r.output?.alreadyDrawn ? t('blind.alreadyDrawn', { period: r.period }) : t('blind.drawn', { period: r.period, drawn: r.output?.drawn ?? 0, population: r.output?.population ?? 0 }),
            ),
          onError: showError,
        })
      }
    >
      {t('blind.draw')} {period}
    </Button>
  );
}

function Checks({ mine, sp, set }: { mine: boolean; sp: URLSearchParams; set: (k: string, v: string | undefined) => void }) {
  const t = useT(opsMessages);
  const period = sp.get('period') ?? undefined;
  const pending = mine ? sp.get('pending') !== '0' : sp.get('pending') === '1';
  const page = Number(sp.get('page') ?? 1) || 1;
  const checks = useBlindChecks({ mine, pending, period, page });
  const [open, setOpen] = useState<BlindCheck | null>(null);

  const columns: TableColumnsType<BlindCheck> = [
    { key: 'date', title: t('blind.visitDate'), render: (_v, c) => `${c.script.date} ${c.script.time}` },
    { key: 'customer', title: t('blind.customer'), render: (_v, c) => c.script.customerName ?? c.script.customerId },
    { key: 'rep', title: t('blind.rep'), render: (_v, c) => c.repName ?? c.repId },
    { key: 'inspector', title: t('blind.inspector'), render: (_v, c) => c.inspectorName ?? '—' },
    { key: 'outcome', title: t('blind.outcome'), render: (_v, c) => <OutcomeTag outcome={c.outcome} /> },
    {
      key: 'open',
      title: '',
      render: (_v, c) => (
        <Button size="small" onClick={() => setOpen(c)} data-testid="blind-open">
          {t('blind.open')}
        </Button>
      ),
    },
  ];
  return (
    <div>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
        <DatePicker picker="month" value={period ? dayjs(`${period}-01`) : null} onChange={(d) => set('period', d ? d.format('YYYY-MM') : undefined)} placeholder={t('blind.period')} aria-label={t('blind.period')} />
        <Space>
          <Switch checked={pending} onChange={(v) => set('pending', v ? '1' : '0')} data-testid="blind-pending" />
          <span>{t('blind.pendingOnly')}</span>
        </Space>
      </Flex>
      {checks.error ? (
        <ErrorState error={checks.error} onRetry={() => void checks.refetch()} />
      ) : (
        <DataList<BlindCheck>
          rowKey={(c) => c.id}
          rowTestId="blind-row"
          columns={columns}
          data={checks.data?.items}
          loading={checks.isLoading}
          emptyText={t('blind.empty')}
          onRowClick={setOpen}
          paging={checks.data ? { page, pageSize: checks.data.pageSize, total: checks.data.total, fixedSize: true, onChange: (p) => set('page', String(p)) } : undefined}
        />
      )}
      {open ? <CheckDrawer check={checks.data?.items.find((c) => c.id === open.id) ?? open} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function OutcomeTag({ outcome }: { outcome: Outcome | null }) {
  const t = useT(opsMessages);
  return outcome ? <Tag color={OUTCOME_COLOR[outcome]}>{t(`blind.outcome.${outcome}`)}</Tag> : <Tag color="blue">{t('blind.pending')}</Tag>;
}

function List({ items }: { items: string[] }) {
  const t = useT(opsMessages);
  return items.length ? <>{items.join('；')}</> : <Typography.Text type="secondary">{t('blind.none')}</Typography.Text>;
}

function CheckDrawer({ check, onClose }: { check: BlindCheck; onClose: () => void }) {
  const t = useT(opsMessages);
  const { lang } = useLang();
  const mobile = useIsMobile();
  const record = useRecordCheck();
  const showError = useShowError();
  const message = useMessage();
  const [outcome, setOutcome] = useState<Outcome | null>(check.outcome);
  const [note, setNote] = useState(check.note);
  const s = check.script;
  return (
    <Drawer open onClose={onClose} size={mobile ? '100%' : 640} title={`${s.customerName ?? s.customerId} · ${s.date}`} destroyOnHidden>
      <Space orientation="vertical" style={{ width: '100%' }} size={16}>
        <Descriptions size="small" column={1} bordered>
          <Descriptions.Item label={t('blind.visitDate')}>{`${s.date} ${s.time}`}</Descriptions.Item>
          <Descriptions.Item label={t('blind.customer')}>
            <Link to={`/customers/${s.customerId}`}>{s.customerName ?? s.customerId}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('blind.rep')}>{s.repName ?? check.repId}</Descriptions.Item>
          <Descriptions.Item label={t('blind.purpose')}>{s.purpose}</Descriptions.Item>
          <Descriptions.Item label={t('blind.attendees')}>
            <List items={s.attendees} />
          </Descriptions.Item>
          <Descriptions.Item label={t('blind.needs')}>
            <List items={s.needs} />
          </Descriptions.Item>
          {s.demo.length ? (
            <Descriptions.Item label={t('blind.demo')}>
              <List items={s.demo} />
            </Descriptions.Item>
          ) : null}
          {s.objections.length ? (
            <Descriptions.Item label={t('blind.objections')}>
              <List items={s.objections} />
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={t('blind.items')}>
            <List items={s.agreedItems.map((i) => (i.dueAt ? `${i.text}（${t('blind.due', { date: i.dueAt })}）` : i.text))} />
          </Descriptions.Item>
        </Descriptions>
        <div>
          <Typography.Title level={5}>{t('blind.script')}</Typography.Title>
          <ol style={{ paddingLeft: 20, margin: 0 }} data-testid="blind-script">
            {s.questions.map((q) => (
              <li key={q.key} style={{ marginBottom: 6 }}>
                {q[lang] ?? q['zh-CN']}
              </li>
            ))}
          </ol>
        </div>
        {check.checkedAt ? (
          <Typography.Text type="secondary">
            <OutcomeTag outcome={check.outcome} /> {check.inspectorName ?? ''} · {formatDateTime(check.checkedAt)}
          </Typography.Text>
        ) : null}
        {check.canRecord ? (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Radio.Group value={outcome} onChange={(e) => setOutcome(e.target.value)} data-testid="blind-outcome">
              <Space orientation="vertical">
                {OUTCOMES.map((o) => (
                  <Radio key={o} value={o}>
                    {t(`blind.outcome.${o}`)}
                  </Radio>
                ))}
              </Space>
            </Radio.Group>
            <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('blind.note')} maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} />
            <Button
              type="primary"
              disabled={!outcome}
              loading={record.isPending}
              data-testid="blind-save"
              onClick={() =>
                record.mutate(
                  { id: check.id, outcome: outcome!, note: note.trim() || undefined, version: check.version },
                  {
                    onSuccess: () => {
                      void message.success(t('blind.saved'));
                      onClose();
                    },
                    onError: showError,
                  },
                )
              }
            >
              {t('blind.save')}
            </Button>
          </Space>
        ) : (
          <Alert type="info" showIcon title={t('blind.readonly')} />
        )}
      </Space>
    </Drawer>
  );
}

function Rates({ period, onPeriod }: { period: string | undefined; onPeriod: (p: string | undefined) => void }) {
  const t = useT(opsMessages);
  const q = useAuthenticity(period);
  const { lang } = useLang();
  const d = q.data;
  const columns: TableColumnsType<RepAuthenticity> = [
    { key: 'rep', title: t('blind.rep'), render: (_v, r) => r.repName ?? r.repId },
    { key: 'team', title: t('lights.team'), render: (_v, r) => r.teamName ?? '' },
    { key: 'rate', title: t('blind.rate'), render: (_v, r) => <Typography.Text strong>{pct(r.rate)}</Typography.Text> },
    { key: 'drawn', title: t('blind.drawnCount'), dataIndex: 'drawn' },
    { key: 'checked', title: t('blind.checked'), dataIndex: 'checked' },
    { key: 'confirmed', title: t('blind.confirmed'), dataIndex: 'confirmed' },
    { key: 'notHappened', title: t('blind.notHappened'), dataIndex: 'notHappened' },
    { key: 'itemsNotMentioned', title: t('blind.itemsNotMentioned'), dataIndex: 'itemsNotMentioned' },
    { key: 'unreachable', title: t('blind.unreachable'), dataIndex: 'unreachable' },
  ];
  return (
    <div>
      <Flex gap={12} wrap align="center" style={{ marginBottom: 12 }}>
        <DatePicker picker="month" allowClear={false} value={dayjs(`${d?.period ?? period ?? previousMonth()}-01`)} onChange={(v) => onPeriod(v ? v.format('YYYY-MM') : undefined)} aria-label={t('blind.period')} />
        {d ? (
          <Typography.Text type="secondary" data-testid="blind-sample">
            {d.sample ? t('blind.sample', { population: d.sample.population, drawn: d.sample.drawn, rate: pct(d.sample.rate), seed: d.sample.seed.slice(0, 12) }) : t('blind.noSample')}
          </Typography.Text>
        ) : null}
      </Flex>
      {d ? (
        <Typography.Paragraph type="secondary">
          {d.formula[lang]} · {t('blind.total')} {pct(d.totals.rate)} ({d.totals.confirmed}/{d.totals.checked - d.totals.unreachable})
        </Typography.Paragraph>
      ) : null}
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <DataList<RepAuthenticity> rowKey={(r) => r.repId} rowTestId="blind-rate-row" columns={columns} data={d?.items} loading={q.isLoading} emptyText={t('blind.empty')} />
      )}
    </div>
  );
}
