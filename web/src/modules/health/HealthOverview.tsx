// The customer page's first tab (C3): stage, key-contact activity and the service-risk index,
// with the overall risk and a "how is this computed" panel showing every formula, the inputs
// and the rule version. Missing inputs are shown as not available, never as a number.
import { useState } from 'react';
import { Button, Card, Col, Descriptions, Drawer, Flex, Progress, Row, Skeleton, Tag, Typography } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useMe } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { formatDateTime } from '../../app/format.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useHealth, type HealthBoard, type Level, type ServiceComponent } from './api.js';
import { healthMessages, type HealthMessageKey } from './messages.js';

const LEVEL_COLOR: Record<Level, string> = { healthy: 'green', watch: 'orange', at_risk: 'red' };
const STAGE_TEXT: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  lead: { 'zh-CN': '线索', 'en-US': 'Lead' },
  opportunity: { 'zh-CN': '商机', 'en-US': 'Opportunity' },
  delivery: { 'zh-CN': '交付', 'en-US': 'Delivery' },
  renewal: { 'zh-CN': '续约', 'en-US': 'Renewal' },
  churned: { 'zh-CN': '已流失', 'en-US': 'Churned' },
};

const pct = (v: number | null) => (v === null ? null : `${Math.round(v * 1000) / 10}%`);
const colon = (lang: string) => (lang === 'zh-CN' ? '：' : ': ');

export function LevelTag({ level }: { level: Level }) {
  const t = useT(healthMessages);
  return (
    <Tag color={LEVEL_COLOR[level]} data-testid={`level-${level}`}>
      {t(`level.${level}`)}
    </Tag>
  );
}

export function HealthOverview({ customerId, active }: { customerId: string; active: boolean }) {
  const t = useT(healthMessages);
  const { lang } = useLang();
  const me = useMe();
  const q = useHealth(customerId, active);
  const [open, setOpen] = useState(false);
  if (q.isPending) return <Skeleton active />;
  if (q.error) return <ErrorState error={q.error} compact onRetry={() => void q.refetch()} />;
  const h = q.data;
  const comp = (k: ServiceComponent['key']) => h.serviceRisk.components.find((c) => c.key === k)!;
  return (
    <div data-testid="health-board">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Flex align="center" gap={8} wrap>
          <strong>{t('part.overall')}</strong>
          <span style={{ fontSize: 22, fontWeight: 600 }} data-testid="health-risk">
            {h.overall.riskScore}
          </span>
          <LevelTag level={h.overall.level} />
        </Flex>
        <Button icon={<QuestionCircleOutlined />} onClick={() => setOpen(true)} data-testid="health-how">
          {t('howComputed')}
        </Button>
      </Flex>
      <Row gutter={[12, 12]}>
        <Col xs={24} md={8}>
          <Card size="small" title={t('part.stage')} data-testid="health-stage">
            <span style={{ fontSize: 20, fontWeight: 600 }}>{STAGE_TEXT[h.stage.value]?.[lang] ?? h.stage.value}</span>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" title={t('part.activity')} data-testid="health-activity">
            <Progress percent={h.activity.value} size="small" status={h.activity.value < 50 ? 'exception' : 'normal'} format={(p) => `${p}`} />
            {h.activity.perKind.map((k) => (
              <div key={k.kind} style={{ fontSize: 12, color: 'rgba(0,0,0,0.65)' }}>
                {t('activity.row', { kind: t(`kind.${k.kind}`), n30: k.last30, n90: k.last90, e30: k.expected30 })}
              </div>
            ))}
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" title={t('part.service')} data-testid="health-service">
            <Progress percent={h.serviceRisk.value} size="small" strokeColor={h.serviceRisk.value >= 50 ? '#cf1322' : '#fa8c16'} format={(p) => `${p}`} />
            {(['complaintRate', 'slaAttainment', 'contractDeviation'] as const).map((k) => {
              const c = comp(k);
              return (
                <div key={k} style={{ fontSize: 12, color: 'rgba(0,0,0,0.65)' }} data-testid={`health-comp-${k}`}>
                  {t(`comp.${k}`)}
                  {colon(lang)}
                  {c.available ? pct(c.value) : <em>{t('notAvailable')}</em>}
                </div>
              );
            })}
          </Card>
        </Col>
      </Row>
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
        {t('board.asOf', { time: formatDateTime(h.asOf, me.tenant.timeZone), version: h.ruleVersion })}
      </Typography.Text>
      {open ? <Evidence board={h} onClose={() => setOpen(false)} /> : null}
    </div>
  );
}

function Evidence({ board: h, onClose }: { board: HealthBoard; onClose: () => void }) {
  const t = useT(healthMessages);
  const { lang } = useLang();
  const mobile = useIsMobile();
  const i = h.serviceRisk.inputs;
  const block = (title: HealthMessageKey, formula: string, inputs: React.ReactNode, testId: string) => ({
    key: title,
    label: t(title),
    children: (
      <div data-testid={testId}>
        <div>
          <strong>
            {t('evidence.formula')}
            {colon(lang)}
          </strong>
          <span data-testid={`${testId}-formula`}>{formula}</span>
        </div>
        <div style={{ marginTop: 4 }}>
          <strong>
            {t('evidence.inputs')}
            {colon(lang)}
          </strong>
          {inputs}
        </div>
      </div>
    ),
  });
  return (
    <Drawer open onClose={onClose} title={t('evidence.title')} width={mobile ? '100%' : 640} data-testid="health-evidence">
      <p>
        <strong>
          {t('evidence.rule')}
          {colon(lang)}
        </strong>
        <span data-testid="health-rule-version">v{h.ruleVersion}</span>
      </p>
      <Descriptions
        column={1}
        bordered
        size="small"
        items={[
          block('part.stage', h.stage.formula[lang], STAGE_TEXT[h.stage.value]?.[lang] ?? h.stage.value, 'evidence-stage'),
          block(
            'part.activity',
            h.activity.formula[lang],
            <ul style={{ margin: 0, paddingInlineStart: 18 }}>
              <li>
                {h.activity.inputs.tier} · {t('part.activity')} = {h.activity.value}
              </li>
              {h.activity.perKind.map((k) => (
                <li key={k.kind}>
                  {t('activity.row', { kind: t(`kind.${k.kind}`), n30: k.last30, n90: k.last90, e30: k.expected30 })}
                  {k.coverage === null ? '' : ` → ${pct(k.coverage)}`}
                </li>
              ))}
            </ul>,
            'evidence-activity',
          ),
          block(
            'part.service',
            h.serviceRisk.formula[lang],
            <div>
              <div>{t('evidence.tickets', { days: i.windowDays, total: i.total, complaints: i.complaints, met: i.slaMet, missed: i.slaMissed, pending: i.slaPending })}</div>
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {h.serviceRisk.components.map((c) => (
                  <li key={c.key} data-testid={`evidence-${c.key}`}>
                    <strong>{t(`comp.${c.key}`)}</strong>
                    {colon(lang)}
                    {c.available ? pct(c.value) : t('notAvailable')}
                    {c.reason ? (lang === 'zh-CN' ? `（${t(`reason.${c.reason}` as HealthMessageKey)}）` : ` (${t(`reason.${c.reason}` as HealthMessageKey)})`) : ''}
                    {c.available ? ` · ${t('evidence.weight', { w: c.weight, e: c.effectiveWeight })} · ${t('evidence.risk', { r: c.risk })}` : ''}
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }}>{c.formula[lang]}</div>
                  </li>
                ))}
              </ul>
              <div>
                {t('part.service')} = {h.serviceRisk.value}
              </div>
            </div>,
            'evidence-service',
          ),
          block(
            'part.overall',
            h.overall.formula[lang],
            t('evidence.overallInputs', {
              s: h.overall.inputs.serviceRisk,
              a: h.overall.inputs.activity,
              w: h.overall.inputs.activityWeight,
              watch: h.overall.inputs.thresholds.watch,
              risk: h.overall.inputs.thresholds.atRisk,
            }),
            'evidence-overall',
          ),
        ]}
      />
    </Drawer>
  );
}
