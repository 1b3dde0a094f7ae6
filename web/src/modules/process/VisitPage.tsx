// One visit and why it is (or is not) suspect (P1, P2, P4, P5, P8). The six actions as a timeline
// (done / missing / late / out of order; when each happened and when it was recorded; corrections
// next to what they replaced), the photos and voice notes with what was read from them, and the
// evidence panel: every verdict with its outcome, a sentence carrying the numbers, the rule version
// and the raw inputs and numbers; then the P8 batch findings that include this visit.
import { useMemo, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Collapse, Descriptions, Empty, Flex, Image, Popconfirm, Row, Skeleton, Tag, Timeline, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useLang, useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { useIsMobile } from '../../app/media.js';
import type { Lang } from '../../app/i18n.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useMessage } from '../../ui/feedback.js';
import { useShowError } from '../../ui/useShowError.js';
import { newId } from '../../field/queue.js';
import { objectionCategoryLabel } from '../../field/objections.js';
import { ACTION_TYPES, isOpenObjection, mediaSrc, missingOf, useCloseObjection, useVisit, type BatchFlagBrief, type Verdict, type VisitAction, type VisitDetail, type VisitMedia } from './api.js';
import { actionLabel, checkLabel, explainBatchFlag, explainEvidenceRow, explainVerdict, formatLag, formatNumber, shortRef } from './evidence.js';
import { processMessages, type ProcessMessageKey } from './messages.js';
import { ComplianceTag, FlagTags, GeofenceTag } from './VisitsPage.js';

const OUTCOME_COLOR: Record<string, string> = { flag: 'red', warn: 'orange', pass: 'green' };
const OUTCOME_BORDER: Record<string, string> = { flag: '#ff4d4f', warn: '#faad14', pass: '#52c41a' };
const OUTCOME_ORDER: Record<string, number> = { flag: 0, warn: 1, pass: 2 };
/** Action fields shown elsewhere or only for machines. */
const HIDDEN_FIELDS = new Set(['position', 'via', 'code', 'customerId', 'keywordsFrom', 'keywordsVersion', 'transcriptMediaId']);
/** Position fields, shown as one line from the action's normalised position when it has one. */
const POSITION_FIELDS = new Set(['lat', 'lng', 'accuracyM']);

const json = (v: unknown) => JSON.stringify(v, null, 2);
/** Shown when a photo cannot be loaded (e.g. a file not kept on this server). */
const PHOTO_FALLBACK =
  'data:image/svg+xml;utf8,' +
  encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120"><rect width="160" height="120" fill="#f5f5f5"/><path d="M56 78l16-20 12 14 8-9 14 15z" fill="#d9d9d9"/><circle cx="98" cy="48" r="7" fill="#d9d9d9"/></svg>');

function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  return (
    <pre
      data-testid={testId}
      style={{ margin: 0, padding: 8, background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, fontSize: 12, lineHeight: 1.5, maxHeight: 260, overflow: 'auto', whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}
    >
      {json(value)}
    </pre>
  );
}

function fieldValue(key: string, v: unknown, lang: Lang): ReactNode {
  if (v === null || v === undefined || v === '') return '—';
  if (key === 'keywords' && Array.isArray(v)) {
    return (
      <Flex gap={4} wrap>
        {v.map((k, i) => (
          <Tag key={i} color="blue" style={{ marginInlineEnd: 0 }}>
            {typeof k === 'object' && k && 'term' in k ? String((k as { term: unknown }).term) : String(k)}
          </Tag>
        ))}
      </Flex>
    );
  }
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(lang === 'zh-CN' ? '、' : ', ');
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(v)) return formatDateTime(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** G2 标记已化解: an open objection closed later, as a correction the server records (rep or their manager). */
function CloseObjection({ visitId, a }: { visitId: string; a: VisitAction }) {
  const t = useT(processMessages);
  const message = useMessage();
  const showError = useShowError();
  const close = useCloseObjection(visitId);
  // One id per objection for this page's life: a retry after a lost answer is a resend, not a second close.
  const [id] = useState(() => newId());
  return (
    <Popconfirm
      title={t('objection.closeConfirm')}
      onConfirm={async () => {
        try {
          await close.mutateAsync({ objectionId: a.id, id });
          void message.success(t('objection.closedToast'));
        } catch (e) {
          showError(e);
        }
      }}
    >
      <Button size="small" type="primary" ghost loading={close.isPending} style={{ marginTop: 4 }} data-testid="objection-close">
        {t('objection.close')}
      </Button>
    </Popconfirm>
  );
}

function ActionBody({ a, all, visitId, canCloseObjections }: { a: VisitAction; all: VisitAction[]; visitId: string; canCloseObjections: boolean }) {
  const t = useT(processMessages);
  const { lang } = useLang();
  const corrected = a.corrects ? all.find((x) => x.id === a.corrects) : undefined;
  const hasPosition = a.lat !== null && a.lng !== null;
  const fields = Object.entries(a.fields ?? {}).filter(([k]) => !HIDDEN_FIELDS.has(k) && !(hasPosition && POSITION_FIELDS.has(k)));
  const via = typeof a.fields?.via === 'string' ? a.fields.via : null;
  const viaLabel = (x: string) => (`via.${x}` in processMessages['zh-CN'] ? t(`via.${x}` as ProcessMessageKey) : x);
  return (
    <div
      data-testid={a.superseded ? 'action-superseded' : 'action'}
      style={{ textDecoration: a.superseded ? 'line-through' : undefined, color: a.superseded ? '#8c8c8c' : undefined, fontSize: 13 }}
    >
      <Flex gap={6} wrap align="center" style={{ marginBottom: 2 }}>
        {a.superseded ? <Tag style={{ marginInlineEnd: 0 }}>{t('superseded')}</Tag> : null}
        {a.corrects ? (
          <Tag color="purple" style={{ marginInlineEnd: 0 }}>
            {t('correction')}
          </Tag>
        ) : null}
        {via ? (
          <Tag color={via === 'qr' ? 'blue' : undefined} style={{ marginInlineEnd: 0 }}>
            {viaLabel(via)}
          </Tag>
        ) : null}
      </Flex>
      <div>
        {t('occurredAt')} {formatDateTime(a.occurredAt)} · {t('recordedAt')} {formatDateTime(a.recordedAt)}
        {a.lagMinutes >= 1 ? (
          <Typography.Text type={a.lagMinutes >= 24 * 60 ? 'danger' : 'secondary'} style={{ marginInlineStart: 6, whiteSpace: 'nowrap' }} data-testid="action-lag">
            {t('lag', { lag: formatLag(a.lagMinutes, lang) })}
          </Typography.Text>
        ) : null}
      </div>
      {corrected ? <Typography.Text type="secondary">{t('corrects', { time: formatDateTime(corrected.recordedAt) })}</Typography.Text> : null}
      {a.lat !== null && a.lng !== null ? (
        <div style={{ color: '#595959' }}>
          {t('position', { lat: a.lat.toFixed(5), lng: a.lng.toFixed(5), acc: formatNumber(a.accuracyM, lang, 1) })}
        </div>
      ) : null}
      {fields.length ? (
        <div style={{ marginTop: 2 }}>
          {fields.map(([k, v]) => {
            const key = `field.${k}`;
            const label = key in processMessages['zh-CN'] ? t(key as ProcessMessageKey) : k;
            return (
              <Flex key={k} gap={6} style={{ wordBreak: 'break-word' }}>
                <span style={{ color: '#8c8c8c', flex: '0 0 auto' }}>{label}</span>
                <span style={{ minWidth: 0 }}>
                  {a.type === 'objection' && k === 'status' && (v === 'open' || v === 'closed') ? (
                    <Tag color={v === 'closed' ? 'green' : 'orange'} style={{ marginInlineEnd: 0 }} data-testid="objection-status" data-status={v}>
                      {t(`objection.${v}`)}
                    </Tag>
                  ) : a.type === 'objection' && k === 'category' && typeof v === 'string' ? (
                    objectionCategoryLabel(v, lang)
                  ) : (
                    fieldValue(k, v, lang)
                  )}
                </span>
              </Flex>
            );
          })}
        </div>
      ) : null}
      {a.note ? <div style={{ marginTop: 2, whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{a.note}</div> : null}
      {canCloseObjections && isOpenObjection(a) ? <CloseObjection visitId={visitId} a={a} /> : null}
    </div>
  );
}

function Steps({ v }: { v: VisitDetail }) {
  const t = useT(processMessages);
  const { lang } = useLang();
  const missing = missingOf(v);
  if (!v.actions.length) return <Alert type="info" showIcon title={t('visit.noActions')} />;
  const items = ACTION_TYPES.map((type) => {
    const acts = v.actions.filter((a) => a.type === type);
    const active = acts.filter((a) => !a.superseded);
    const late = missing.late.find((l) => l.type === type);
    const ooo = missing.outOfOrder.find((o) => o.type === type);
    const states: { key: ProcessMessageKey; color: string }[] = [];
    if (active.length) states.push({ key: 'state.done', color: 'green' });
    else states.push({ key: 'state.missing', color: 'default' });
    if (late) states.push(late.state === 'overdue' ? { key: 'state.overdue', color: 'red' } : { key: 'state.late', color: 'orange' });
    if (ooo) states.push({ key: 'state.outOfOrder', color: 'orange' });
    const color = late || ooo ? (late?.state === 'overdue' ? 'red' : 'orange') : active.length ? 'green' : 'gray';
    return {
      key: type,
      color,
      content: (
        <Flex vertical gap={4} style={{ paddingBottom: 4 }}>
          <Flex gap={6} wrap align="center" data-testid={`step-${type}`}>
            <Typography.Text strong>{actionLabel(type, lang)}</Typography.Text>
            {states.map((s) => (
              <Tag key={s.key} color={s.color} style={{ marginInlineEnd: 0 }}>
                {t(s.key)}
              </Tag>
            ))}
          </Flex>
          {acts.map((a) => (
            <ActionBody key={a.id} a={a} all={v.actions} visitId={v.id} canCloseObjections={v.canCloseObjections} />
          ))}
          {late ? (
            <Typography.Text type={late.state === 'overdue' ? 'danger' : 'warning'} style={{ fontSize: 13 }}>
              {explainVerdict({ check: 'timeliness', numbers: { late: [late] } }, lang).text}
            </Typography.Text>
          ) : null}
          {ooo ? (
            <Typography.Text type="warning" style={{ fontSize: 13 }}>
              {explainVerdict({ check: 'sequence', numbers: { outOfOrder: [ooo] } }, lang).text}
            </Typography.Text>
          ) : null}
        </Flex>
      ),
    };
  });
  return <Timeline items={items} />;
}

/** What the server read from the photo (photos.ts PhotoMeta): capture time, GPS, camera. */
function exifOf(m: VisitMedia): { takenAt: string | null; lat: number | null; lng: number | null; camera: string | null } {
  const e = (m.exif ?? {}) as Record<string, unknown>;
  const camera = [e.make, e.model].filter((x) => typeof x === 'string' && x.trim()).join(' ');
  return {
    takenAt: typeof e.takenAt === 'string' ? e.takenAt : null,
    lat: typeof e.lat === 'number' ? e.lat : null,
    lng: typeof e.lng === 'number' ? e.lng : null,
    camera: camera || null,
  };
}

function MediaCard({ m, n, verdicts }: { m: VisitMedia; n: number; verdicts: Verdict[] }) {
  const t = useT(processMessages);
  const { lang } = useLang();
  const exif = exifOf(m);
  const src = mediaSrc(m.url);
  const bad = verdicts.filter((x) => x.outcome !== 'pass');
  return (
    <div id={`media-${m.id}`} data-testid="media" style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 8, width: '100%', maxWidth: 260, minWidth: 0, boxSizing: 'border-box', background: '#fff' }}>
      {m.kind === 'voice' ? (
        <audio controls preload="none" src={src} style={{ width: '100%' }} data-testid="media-audio" />
      ) : (
        <Image src={src} alt={`${t(`media.${m.kind}`)} ${n}`} width="100%" height={150} style={{ objectFit: 'cover', borderRadius: 6 }} fallback={PHOTO_FALLBACK} data-testid="media-photo" />
      )}
      <Flex vertical gap={2} style={{ fontSize: 12, marginTop: 6, wordBreak: 'break-word' }}>
        <Flex gap={4} wrap>
          <Tag style={{ marginInlineEnd: 0 }}>
            {t(`media.${m.kind}`)} {n}
          </Tag>
          {bad.map((x) => (
            <Tag key={x.id} color={OUTCOME_COLOR[x.outcome]} style={{ marginInlineEnd: 0 }}>
              {checkLabel(x.check, lang)}
            </Tag>
          ))}
        </Flex>
        <span>
          <span style={{ color: '#8c8c8c' }}>{t('media.claimed')}</span> {formatDateTime(m.claimedAt)}
        </span>
        {m.kind !== 'voice' ? (
          exif.takenAt || exif.lat !== null ? (
            <>
              {exif.takenAt ? (
                <span>
                  <span style={{ color: '#8c8c8c' }}>{t('media.exifTime')}</span> {formatDateTime(exif.takenAt)}
                </span>
              ) : null}
              {exif.lat !== null && exif.lng !== null ? (
                <span>
                  <span style={{ color: '#8c8c8c' }}>{t('media.exifPlace')}</span> {exif.lat.toFixed(5)}, {exif.lng.toFixed(5)}
                </span>
              ) : null}
              {exif.camera ? (
                <span>
                  <span style={{ color: '#8c8c8c' }}>{t('media.camera')}</span> {exif.camera}
                </span>
              ) : null}
            </>
          ) : (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('media.noExif')}
            </Typography.Text>
          )
        ) : null}
        {m.tags.length ? (
          <Flex gap={4} wrap align="center">
            <span style={{ color: '#8c8c8c' }}>{t('media.competitors')}</span>
            {m.tags.map((c) => (
              <Tag key={c} color="volcano" style={{ marginInlineEnd: 0 }}>
                {c}
              </Tag>
            ))}
          </Flex>
        ) : null}
        {m.ocrText ? (
          <Typography.Paragraph ellipsis={{ rows: 2, expandable: true }} style={{ margin: 0, fontSize: 12 }}>
            <span style={{ color: '#8c8c8c' }}>{t('media.ocr')}</span> {m.ocrText}
          </Typography.Paragraph>
        ) : null}
        {m.transcript ? (
          <Typography.Paragraph ellipsis={{ rows: 3, expandable: true }} style={{ margin: 0, fontSize: 12 }}>
            <span style={{ color: '#8c8c8c' }}>{t('media.transcript')}</span> {m.transcript}
          </Typography.Paragraph>
        ) : null}
        {!m.analysedAt ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('media.pending')}</Typography.Text> : null}
        {m.analysisError ? <Typography.Text type="warning" style={{ fontSize: 12 }}>{t('media.error', { error: m.analysisError })}</Typography.Text> : null}
      </Flex>
    </div>
  );
}

function VisitLink({ id, current }: { id: string; current: string }) {
  const t = useT(processMessages);
  if (id === current) return <Tag color="blue" style={{ marginInlineEnd: 0 }}>{t('batch.thisVisit')}</Tag>;
  return (
    <Link to={`/process/visits/${id}`} data-testid="visit-link" style={{ fontFamily: 'monospace' }}>
      {shortRef(id)}
    </Link>
  );
}

function VerdictItem({ v, visit, mediaIndex }: { v: Verdict; visit: VisitDetail; mediaIndex: Map<string, VisitMedia & { n: number }> }) {
  const t = useT(processMessages);
  const { lang } = useLang();
  const e = explainVerdict(v, lang);
  const action = v.actionId ? visit.actions.find((a) => a.id === v.actionId) : undefined;
  const media = v.mediaId ? mediaIndex.get(v.mediaId) : undefined;
  return (
    <div data-testid="verdict" data-check={v.check} data-outcome={v.outcome} style={{ borderInlineStart: `4px solid ${OUTCOME_BORDER[v.outcome] ?? '#d9d9d9'}`, padding: '6px 0 6px 10px' }}>
      <Flex gap={6} wrap align="center" justify="space-between">
        <Flex gap={6} wrap align="center">
          <Tag color={OUTCOME_COLOR[v.outcome]} style={{ marginInlineEnd: 0 }} data-testid="verdict-outcome">
            {t(`outcome.${v.outcome}` as 'outcome.pass')}
          </Tag>
          <Typography.Text strong>{checkLabel(v.check, lang)}</Typography.Text>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12, fontFamily: 'monospace' }} data-testid="verdict-rule">
          {t('ruleVersion', { version: v.ruleVersion })}
        </Typography.Text>
      </Flex>
      <div style={{ marginTop: 4, fontSize: 14, lineHeight: 1.6, wordBreak: 'break-word' }} data-testid="verdict-sentence">
        {e.text}
      </div>
      <Flex gap={8} wrap style={{ fontSize: 12, color: '#8c8c8c', marginTop: 2 }}>
        {action ? <span>{t('related.action', { name: actionLabel(action.type, lang) })}</span> : null}
        {media ? (
          <a href={`#media-${media.id}`} style={{ fontSize: 12 }}>
            {t('related.media', { kind: t(`media.${media.kind}`), n: media.n })}
          </a>
        ) : null}
        {e.visits.length ? (
          <Flex gap={6} wrap align="center">
            <span>{t('related.visits')}</span>
            {e.visits.map((r) => (
              <VisitLink key={r.id} id={r.id} current={visit.id} />
            ))}
          </Flex>
        ) : null}
      </Flex>
      <Collapse
        ghost
        size="small"
        style={{ marginTop: 2 }}
        items={[
          {
            key: 'raw',
            label: <span style={{ fontSize: 12 }} data-testid="verdict-raw-toggle">{t('inputsNumbers')}</span>,
            children: (
              <Flex vertical gap={6}>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('numbers')}
                </Typography.Text>
                <JsonBlock value={v.numbers} testId="verdict-numbers" />
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('inputs')}
                </Typography.Text>
                <JsonBlock value={v.inputs} testId="verdict-inputs" />
              </Flex>
            ),
          },
        ]}
      />
    </div>
  );
}

function EvidencePanel({ v }: { v: VisitDetail }) {
  const t = useT(processMessages);
  const mediaIndex = useMemo(() => new Map(v.media.map((m, i) => [m.id, { ...m, n: i + 1 }])), [v.media]);
  const verdicts = useMemo(() => [...v.verdicts].sort((a, b) => (OUTCOME_ORDER[a.outcome] ?? 3) - (OUTCOME_ORDER[b.outcome] ?? 3)), [v.verdicts]);
  return (
    <Card size="small" title={t('evidence')} data-testid="evidence-panel">
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('evidence.intro')}
      </Typography.Paragraph>
      {verdicts.length ? (
        <Flex vertical gap={10}>
          {verdicts.map((x) => (
            <VerdictItem key={x.id} v={x} visit={v} mediaIndex={mediaIndex} />
          ))}
        </Flex>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evidence.none')} />
      )}
    </Card>
  );
}

function BatchFlag({ f, visitId }: { f: BatchFlagBrief; visitId: string }) {
  const t = useT(processMessages);
  const { lang } = useLang();
  const rows = (f.evidence ?? []).map((r) => explainEvidenceRow(f.detector, r, lang, f.numbers));
  // This visit's own row first, then the others in the detector's order.
  rows.sort((a, b) => Number(b.visitId === visitId) - Number(a.visitId === visitId));
  return (
    <div data-testid="batch-flag" data-detector={f.detector} style={{ borderInlineStart: '4px solid #722ed1', padding: '6px 0 6px 10px' }}>
      <Flex gap={6} wrap align="center" justify="space-between">
        <Flex gap={6} wrap align="center">
          <Tag color="purple" style={{ marginInlineEnd: 0 }}>
            {checkLabel(f.detector, lang)}
          </Tag>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('batch.period', { from: f.periodFrom?.slice(0, 10), to: f.periodTo?.slice(0, 10) })} · {t('batch.visits', { count: f.visitCount })}
          </Typography.Text>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12, fontFamily: 'monospace' }}>
          {t('ruleVersion', { version: f.ruleVersion })}
        </Typography.Text>
      </Flex>
      <div style={{ marginTop: 4, lineHeight: 1.6, wordBreak: 'break-word' }} data-testid="batch-sentence">
        {explainBatchFlag(f, lang)}
      </div>
      {rows.length ? (
        <div style={{ marginTop: 6 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('batch.evidence')}
          </Typography.Text>
          <div style={{ maxHeight: 220, overflow: 'auto', border: '1px solid #f0f0f0', borderRadius: 6, padding: '4px 8px', marginTop: 2 }}>
            {rows.map((r, i) => (
              <Flex key={i} gap={8} align="baseline" style={{ fontSize: 12, padding: '3px 0', borderBottom: i < rows.length - 1 ? '1px dashed #f0f0f0' : undefined }} data-testid="batch-row">
                <span style={{ flex: '0 0 auto' }}>{r.visitId ? <VisitLink id={r.visitId} current={visitId} /> : '—'}</span>
                <span style={{ minWidth: 0, wordBreak: 'break-word' }}>{r.text}</span>
              </Flex>
            ))}
          </div>
        </div>
      ) : null}
    </div>
  );
}

export function VisitPage() {
  const { id } = useParams();
  const t = useT(processMessages);
  const viaLabel = (via: string) => (`via.${via}` in processMessages['zh-CN'] ? t(`via.${via}` as ProcessMessageKey) : via);
  const { lang } = useLang();
  const mobile = useIsMobile();
  const q = useVisit(id);
  const [showAllMedia, setShowAllMedia] = useState(false);
  const v = q.data;

  const back = (
    <Link to="/process" data-testid="visit-back" style={{ display: 'inline-flex', gap: 6, alignItems: 'center', marginBottom: 8 }}>
      <ArrowLeftOutlined /> {t('back')}
    </Link>
  );
  if (q.error) return (
    <div>
      {back}
      <ErrorState error={q.error} onRetry={() => void q.refetch()} />
    </div>
  );
  if (!v) return (
    <div>
      {back}
      <Skeleton active />
    </div>
  );

  const details = (
    <>
      <Descriptions size="small" column={mobile ? 1 : 3} style={{ marginTop: 8 }}>
        <Descriptions.Item label={t('visit.customer')}>
          {v.customer ? <Link to={`/customers/${v.customer.id}`}>{v.customer.name}</Link> : (v.customerName ?? '—')}
          {v.customer?.tier ? <Tag style={{ marginInlineStart: 6 }}>{v.customer.tier}</Tag> : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('visit.rep')}>{v.repName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('visit.purpose')}>{v.purpose}</Descriptions.Item>
        <Descriptions.Item label={t('visit.occurred')}>{formatDateTime(v.occurredAt)}</Descriptions.Item>
        <Descriptions.Item label={t('visit.recorded')}>{formatDateTime(v.recordedAt)}</Descriptions.Item>
        {v.plannedAt ? <Descriptions.Item label={t('visit.planned')}>{formatDateTime(v.plannedAt)}</Descriptions.Item> : null}
        {v.checkinSource ? <Descriptions.Item label={t('visit.checkin')}>{viaLabel(v.checkinSource)}</Descriptions.Item> : null}
        {v.customer?.address ? <Descriptions.Item label={t('visit.address')}>{v.customer.address}</Descriptions.Item> : null}
      </Descriptions>
      {v.note ? (
        <Typography.Paragraph ellipsis={{ rows: 3, expandable: true }} style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}>
          <Typography.Text type="secondary">{t('visit.note')}：</Typography.Text>
          {v.note}
        </Typography.Paragraph>
      ) : null}
    </>
  );
  const media = showAllMedia ? v.media : v.media.slice(0, 12);
  const mediaVerdicts = (mid: string) => v.verdicts.filter((x) => x.mediaId === mid);

  return (
    <div data-testid="visit-page">
      {back}
      <Card size="small" style={{ marginBottom: 12 }}>
        <Flex justify="space-between" wrap gap={8} align="center" style={{ marginBottom: 8 }}>
          <h2 style={{ margin: 0, fontSize: mobile ? 17 : 19, fontWeight: 600, wordBreak: 'break-word' }} data-testid="visit-title">
            {t('visit.title', { customer: v.customer?.name ?? v.customerName ?? '—' })}
          </h2>
          <Flex gap={6} wrap align="center">
            <GeofenceTag status={v.geofence} />
            {v.compliant !== null ? <ComplianceTag v={v} /> : null}
          </Flex>
        </Flex>
        <FlagTags flags={v.flags} />
        {mobile ? (
          <>
            <div style={{ marginTop: 8, color: '#595959', fontSize: 13 }} data-testid="visit-brief">
              {[v.repName ?? '—', v.purpose, formatDateTime(v.occurredAt)].join(' · ')}
            </div>
            <Collapse ghost size="small" items={[{ key: 'more', label: t('visit.details'), children: details }]} />
          </>
        ) : (
          details
        )}
      </Card>

      <Row gutter={[12, 12]}>
        <Col xs={24} lg={13}>
          <Flex vertical gap={12}>
            <EvidencePanel v={v} />
            <Card size="small" title={t('batch.title')} data-testid="batch-panel">
              {v.batchFlags.length ? (
                <Flex vertical gap={12}>
                  {v.batchFlags.map((f) => (
                    <BatchFlag key={f.id} f={f} visitId={v.id} />
                  ))}
                </Flex>
              ) : (
                <Typography.Text type="secondary">{t('batch.none')}</Typography.Text>
              )}
            </Card>
          </Flex>
        </Col>
        <Col xs={24} lg={11}>
          <Flex vertical gap={12}>
            <Card size="small" title={t('steps')} data-testid="steps-panel">
              <Steps v={v} />
            </Card>
            <Card size="small" title={t('media')} data-testid="media-panel">
              {v.media.length ? (
                <>
                  <div style={{ display: 'grid', gridTemplateColumns: `repeat(auto-fill, minmax(${mobile ? 150 : 180}px, 1fr))`, gap: 8 }}>
                    {media.map((m) => (
                      <MediaCard key={m.id} m={m} n={v.media.indexOf(m) + 1} verdicts={mediaVerdicts(m.id)} />
                    ))}
                  </div>
                  {v.media.length > media.length ? (
                    <Button type="link" onClick={() => setShowAllMedia(true)}>
                      {`+${formatNumber(v.media.length - media.length, lang, 0)}`}
                    </Button>
                  ) : null}
                </>
              ) : (
                <Typography.Text type="secondary">{t('media.none')}</Typography.Text>
              )}
            </Card>
          </Flex>
        </Col>
      </Row>
    </div>
  );
}
