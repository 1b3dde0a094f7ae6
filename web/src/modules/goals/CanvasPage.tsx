// G5 weekly alignment canvas. A rep (on a phone, mostly) writes the week's 3 key actions and picks
// the goal each supports; a manager sees the team meeting view with this week's actions, marks the
// support resources on each, and compares last week's plan with what actually happened.
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Empty, Flex, Input, Select, Space, Spin, Tag, Typography } from 'antd';
import { useCan, useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { useTeams } from '../org/api.js';
import { useMyCanvas, useReviewCanvas, useSaveCanvas, useTeamCanvas, type Canvas, type ReviewMark, type TargetRef } from './team-api.js';
import { teamMessages, type TeamMessageKey } from './team-messages.js';

/** ISO week 'YYYY-Www' of a local date. */
export function isoWeekOf(d: Date): string {
  const t = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const y = t.getUTCFullYear();
  const w = Math.ceil(((t.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 + 1) / 7);
  return `${y}-W${String(w).padStart(2, '0')}`;
}

/** The week n weeks from `week`. */
export function shiftWeek(week: string, n: number): string {
  const [y, w] = [Number(week.slice(0, 4)), Number(week.slice(6))];
  const jan4 = new Date(Date.UTC(y, 0, 4));
  const monday = new Date(jan4.getTime() + ((w - 1) * 7 - ((jan4.getUTCDay() || 7) - 1)) * 86_400_000);
  const d = new Date(monday.getTime() + n * 7 * 86_400_000);
  return isoWeekOf(new Date(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function useMetricName() {
  const t = useT(teamMessages);
  return (metric: string) => {
    const key = `metric.${metric}` as TeamMessageKey;
    return key in teamMessages['zh-CN'] ? t(key) : metric;
  };
}

function targetLabel(target: TargetRef, metricName: (m: string) => string) {
  return `${metricName(target.metric)} · ${target.period} · ${target.value}`;
}

function WeekNav({ week, setWeek }: { week: string; setWeek: (w: string) => void }) {
  const t = useT(teamMessages);
  return (
    <Flex gap={8} align="center" wrap>
      <Button onClick={() => setWeek(shiftWeek(week, -1))} data-testid="canvas-prev">
        {t('canvas.prev')}
      </Button>
      <Typography.Text strong data-testid="canvas-week">
        {week}
      </Typography.Text>
      <Button onClick={() => setWeek(shiftWeek(week, 1))} data-testid="canvas-next">
        {t('canvas.next')}
      </Button>
    </Flex>
  );
}

function Marks({ review, index }: { review: ReviewMark[]; index: number }) {
  const m = review.find((r) => r.index === index);
  if (!m || (!m.resources.length && !m.note)) return null;
  return (
    <Space size={4} wrap>
      {m.resources.map((r) => (
        <Tag color="blue" key={r}>
          {r}
        </Tag>
      ))}
      {m.note ? <Typography.Text type="secondary">{m.note}</Typography.Text> : null}
    </Space>
  );
}

function RepCanvas({ week }: { week: string }) {
  const t = useT(teamMessages);
  const metricName = useMetricName();
  const q = useMyCanvas(week);
  const save = useSaveCanvas(week);
  const showError = useShowError();
  const message = useMessage();
  const [items, setItems] = useState([0, 1, 2].map(() => ({ action: '', targetId: '' })));
  useEffect(() => {
    const c = q.data?.canvas;
    setItems([0, 1, 2].map((i) => ({ action: c?.items[i]?.action ?? '', targetId: c?.items[i]?.targetId ?? '' })));
  }, [q.data]);
  if (q.isLoading) return <Spin />;
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const data = q.data!;
  const ready = items.every((i) => i.action.trim() && i.targetId);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="canvas-rep">
      {data.targets.length ? null : <Alert type="info" title={t('canvas.noTargets')} />}
      {items.map((item, i) => (
        <Card key={i} size="small" title={t('canvas.item', { n: i + 1 })}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Input.TextArea
              autoSize={{ minRows: 2 }}
              maxLength={500}
              value={item.action}
              placeholder={t('canvas.actionPlaceholder')}
              aria-label={t('canvas.action')}
              data-testid={`canvas-action-${i}`}
              onChange={(e) => setItems(items.map((x, j) => (j === i ? { ...x, action: e.target.value } : x)))}
            />
            <Select
              style={{ width: '100%' }}
              placeholder={t('canvas.pickTarget')}
              value={item.targetId || undefined}
              data-testid={`canvas-target-${i}`}
              options={data.targets.map((tg) => ({ value: tg.id, label: targetLabel(tg, metricName) }))}
              onChange={(v: string) => setItems(items.map((x, j) => (j === i ? { ...x, targetId: v } : x)))}
            />
            {data.canvas ? <Marks review={data.canvas.review} index={i} /> : null}
          </Space>
        </Card>
      ))}
      <Button
        type="primary"
        block
        disabled={!ready}
        loading={save.isPending}
        data-testid="canvas-save"
        onClick={() =>
          save.mutate(
            { items: items.map((x) => ({ action: x.action.trim(), targetId: x.targetId })), version: data.canvas?.version },
            { onSuccess: () => void message.success(t('canvas.saved')), onError: showError },
          )
        }
      >
        {t('canvas.save')}
      </Button>
    </Space>
  );
}

function ReviewEditor({ canvas, resourceTypes, canMark }: { canvas: Canvas; resourceTypes: string[]; canMark: boolean }) {
  const t = useT(teamMessages);
  const metricName = useMetricName();
  const review = useReviewCanvas();
  const showError = useShowError();
  const message = useMessage();
  const [marks, setMarks] = useState<ReviewMark[]>(canvas.items.map((_, i) => canvas.review.find((r) => r.index === i) ?? { index: i, resources: [], note: '' }));
  useEffect(() => setMarks(canvas.items.map((_, i) => canvas.review.find((r) => r.index === i) ?? { index: i, resources: [], note: '' })), [canvas]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {canvas.items.map((item, i) => (
        <div key={i} data-testid={`team-item-${i}`}>
          <Typography.Text strong>
            {i + 1}. {item.action}
          </Typography.Text>
          <div>
            <Typography.Text type="secondary">{item.target ? targetLabel(item.target, metricName) : item.targetId}</Typography.Text>
          </div>
          {canMark ? (
            <Flex gap={8} wrap style={{ marginTop: 4 }}>
              <Select
                mode="tags"
                style={{ minWidth: 220, flex: 1 }}
                placeholder={t('canvas.resources')}
                value={marks[i]?.resources}
                options={resourceTypes.map((r) => ({ value: r, label: r }))}
                onChange={(v: string[]) => setMarks(marks.map((m, j) => (j === i ? { ...m, resources: v } : m)))}
              />
              <Input
                style={{ minWidth: 160, flex: 1 }}
                placeholder={t('canvas.note')}
                value={marks[i]?.note}
                onChange={(e) => setMarks(marks.map((m, j) => (j === i ? { ...m, note: e.target.value } : m)))}
              />
            </Flex>
          ) : (
            <Marks review={canvas.review} index={i} />
          )}
        </div>
      ))}
      {canMark ? (
        <Button
          size="small"
          loading={review.isPending}
          onClick={() =>
            review.mutate(
              { repId: canvas.repId, week: canvas.week, review: marks.filter((m) => m.resources.length || m.note.trim()), version: canvas.version },
              { onSuccess: () => void message.success(t('canvas.saved')), onError: showError },
            )
          }
        >
          {t('canvas.mark')}
        </Button>
      ) : null}
    </Space>
  );
}

function TeamView({ week }: { week: string }) {
  const t = useT(teamMessages);
  const me = useMe();
  const can = useCan();
  const teams = useTeams();
  const [teamId, setTeamId] = useState<string | undefined>(me.user.teamId ?? undefined);
  const q = useTeamCanvas(week, teamId, !!teamId);
  const canMark = can('WeeklyCanvas', 'update');
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="canvas-team">
      {me.user.teamId ? null : (
        <Select
          style={{ minWidth: 220 }}
          placeholder={t('canvas.teamId')}
          value={teamId}
          onChange={setTeamId}
          options={(teams.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
        />
      )}
      {!teamId ? null : q.isLoading ? (
        <Spin />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data ? (
        <>
          <Flex gap={8} wrap align="center">
            <Typography.Title level={5} style={{ margin: 0 }}>
              {t('canvas.team')} · {q.data.team.name}
            </Typography.Title>
            <Tag>{t('canvas.submitted', { n: q.data.submitted, total: q.data.members.length })}</Tag>
            {Object.entries(q.data.resourceTally).map(([k, n]) => (
              <Tag color="blue" key={k}>
                {k} × {n}
              </Tag>
            ))}
          </Flex>
          {q.data.members.map((m) => (
            <Card key={m.repId} size="small" title={m.repName ?? m.repId} data-testid={`team-rep-${m.repId}`}>
              {m.canvas ? <ReviewEditor canvas={m.canvas} resourceTypes={q.data!.resourceTypes} canMark={canMark} /> : <Typography.Text type="warning">{t('canvas.notSubmitted')}</Typography.Text>}
              <div style={{ marginTop: 8, paddingTop: 8, borderTop: '1px dashed #ddd' }}>
                <Typography.Text type="secondary">{t('canvas.lastWeek', { week: m.lastWeek.week })}</Typography.Text>
                <ol style={{ margin: '4px 0', paddingLeft: 20 }}>
                  {(m.lastWeek.canvas?.items ?? []).map((i) => (
                    <li key={i.index}>{i.action}</li>
                  ))}
                </ol>
                <Typography.Text data-testid="team-actual">{t('canvas.actual', { actions: m.lastWeek.actual.actions, visits: m.lastWeek.actual.visits })}</Typography.Text>
              </div>
            </Card>
          ))}
          {q.data.members.length ? null : <Empty />}
        </>
      ) : null}
    </Space>
  );
}

export function CanvasPage() {
  const t = useT(teamMessages);
  const can = useCan();
  const [params, setParams] = useSearchParams();
  const week = params.get('week') ?? isoWeekOf(new Date());
  const setWeek = (w: string) => setParams({ week: w }, { replace: true });
  const isRep = can('WeeklyCanvas', 'create');
  return (
    <Space orientation="vertical" style={{ width: '100%', maxWidth: 960 }} data-testid="canvas-page">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('canvas.intro')}
      </Typography.Paragraph>
      <WeekNav week={week} setWeek={setWeek} />
      {isRep ? <RepCanvas week={week} /> : <TeamView week={week} />}
    </Space>
  );
}
