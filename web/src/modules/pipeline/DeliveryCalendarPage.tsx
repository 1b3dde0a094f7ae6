// Delivery calendar (C7): weeks × delivery teams with capacity, promised load and free room, from
// the internal calendar or the external delivery system. Delivery and admin set a week's capacity.
import { useState } from 'react';
import { Button, Empty, Flex, InputNumber, Modal, Skeleton, Tag, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { useCan } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { useShowError } from '../../ui/useShowError.js';
import { CustomerSections } from '../customers/sections.js';
import { useCalendar, useSetCapacity, type Calendar } from './api.js';
import { pipelineMessages } from './messages.js';

const WEEKS = 12;

/** Monday-based week arithmetic on 'YYYY-Www' via the server's list: shift by whole pages. */
function shiftWeek(week: string, weeks: number): string {
  const [y, w] = week.split('-W').map(Number);
  const jan4 = Date.UTC(y, 0, 4);
  const monday = jan4 - (((new Date(jan4).getUTCDay() || 7) - 1) * 86_400_000) + (w - 1 + weeks) * 7 * 86_400_000;
  const d = new Date(monday + 3 * 86_400_000); // Thursday decides the ISO year
  const iy = d.getUTCFullYear();
  const iw = Math.floor((d.getTime() - Date.UTC(iy, 0, 1)) / 86_400_000 / 7) + 1;
  return `${iy}-W${String(iw).padStart(2, '0')}`;
}

type Cell = Calendar['teams'][number]['weeks'][number];

function tone(c: Cell) {
  if (c.free <= 0) return { bg: '#fff1f0', color: '#cf1322' };
  if (c.capacity > 0 && c.free / c.capacity < 0.2) return { bg: '#fff7e6', color: '#d46b08' };
  return { bg: '#f6ffed', color: '#389e0d' };
}

export function DeliveryCalendarPage() {
  const t = useT(pipelineMessages);
  const mobile = useIsMobile();
  const can = useCan();
  const [from, setFrom] = useState<string | undefined>(undefined);
  const q = useCalendar(from, WEEKS);
  const set = useSetCapacity();
  const showError = useShowError();
  const [editing, setEditing] = useState<{ teamId: string; team: string; week: string; capacity: number } | null>(null);
  const editable = can('DeliveryCalendar', 'update') && q.data?.source === 'internal';

  const header = (
    <>
      <CustomerSections />
      <PageHeader
        title={t('delivery.title')}
        testId="delivery-title"
        extra={
          q.data ? (
            <>
              <Button icon={<LeftOutlined />} onClick={() => setFrom(shiftWeek(q.data.from, -WEEKS))} data-testid="delivery-prev">
                {t('delivery.prev', { n: WEEKS })}
              </Button>
              <Button onClick={() => setFrom(shiftWeek(q.data.from, WEEKS))} data-testid="delivery-next">
                {t('delivery.next', { n: WEEKS })} <RightOutlined />
              </Button>
            </>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: -8 }}>
        {t('delivery.help')} {q.data ? <Tag>{t(`delivery.source.${q.data.source}`)}</Tag> : null}
      </Typography.Paragraph>
    </>
  );
  if (q.isPending) return <div>{header}<Skeleton active /></div>;
  if (q.error) return <div>{header}<ErrorState error={q.error} onRetry={() => void q.refetch()} /></div>;
  const cal = q.data;
  if (!cal.teams.length) return <div>{header}<Empty description={t('delivery.empty')} /></div>;

  const cell = (team: Calendar['teams'][number], c: Cell) => {
    const s = tone(c);
    return (
      <div
        data-testid={`cell-${team.id}-${c.week}`}
        onClick={editable ? () => setEditing({ teamId: team.id, team: team.name, week: c.week, capacity: c.capacity }) : undefined}
        style={{ background: s.bg, borderRadius: 6, padding: '4px 6px', cursor: editable ? 'pointer' : undefined, minWidth: 76 }}
      >
        <div style={{ fontSize: 13 }}>{t('delivery.cell', { booked: c.booked, capacity: c.capacity })}</div>
        <div style={{ fontSize: 12, color: s.color }}>{c.free <= 0 ? t('delivery.full') : t('delivery.free', { free: c.free })}</div>
      </div>
    );
  };

  return (
    <div>
      {header}
      {mobile ? (
        <Flex vertical gap={12} data-testid="delivery-phone">
          {cal.teams.map((team) => (
            <div key={team.id} style={{ background: '#fff', border: '1px solid #f0f0f0', borderRadius: 8, padding: 10 }}>
              <div style={{ fontWeight: 600 }}>
                {team.name} <span style={{ fontWeight: 400, fontSize: 12 }}>{team.regionName ?? ''} · {t(`delivery.unit.${team.unit}`)}</span>
              </div>
              <Flex wrap gap={6} style={{ marginTop: 6 }}>
                {team.weeks.map((c) => (
                  <div key={c.week}>
                    <div style={{ fontSize: 11, color: 'rgba(0,0,0,0.45)' }}>{c.week}</div>
                    {cell(team, c)}
                  </div>
                ))}
              </Flex>
            </div>
          ))}
        </Flex>
      ) : (
        <div style={{ overflowX: 'auto' }}>
          <table style={{ borderCollapse: 'separate', borderSpacing: 4 }} data-testid="delivery-grid">
            <thead>
              <tr>
                <th style={{ textAlign: 'left', minWidth: 160 }}>{t('delivery.team')}</th>
                {cal.weeks.map((w) => (
                  <th key={w} style={{ fontWeight: 500, fontSize: 12, whiteSpace: 'nowrap' }}>
                    {w}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cal.teams.map((team) => (
                <tr key={team.id} data-testid={`delivery-row-${team.name}`}>
                  <td>
                    <div style={{ fontWeight: 500 }}>{team.name}</div>
                    <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
                      {team.regionName ?? ''} · {t(`delivery.unit.${team.unit}`)}
                    </div>
                  </td>
                  {team.weeks.map((c) => (
                    <td key={c.week}>{cell(team, c)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Modal
        open={!!editing}
        title={editing ? `${editing.team} · ${t('delivery.capacity', { week: editing.week })}` : ''}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={set.isPending}
        onCancel={() => setEditing(null)}
        onOk={async () => {
          if (!editing) return;
          try {
            await set.mutateAsync({ teamId: editing.teamId, week: editing.week, capacity: editing.capacity });
            setEditing(null);
          } catch (e) {
            showError(e);
          }
        }}
      >
        <InputNumber min={0} value={editing?.capacity} onChange={(v) => editing && setEditing({ ...editing, capacity: Number(v ?? 0) })} data-testid="capacity-input" />
      </Modal>
    </div>
  );
}
