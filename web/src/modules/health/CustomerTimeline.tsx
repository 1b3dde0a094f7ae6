// The customer page's timeline tab: visits, service tickets, marketing touchpoints and key-contact
// activities merged by time, loaded a page at a time. A ticket shows a "handle" button only when
// the server says this user may update it (customer service, not sales).
import { useState } from 'react';
import dayjs, { type Dayjs } from 'dayjs';
import { Button, DatePicker, Empty, Flex, Form, Input, Modal, Segmented, Select, Skeleton, Tag, Timeline } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useCan, useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { MaskedHint } from '../../ui/Masked.js';
import { useMessage } from '../../ui/feedback.js';
import { useShowError } from '../../ui/useShowError.js';
import { useCreateActivity, useTimeline, useUpdateTicket, type ActivityInput, type Ticket, type TimelineItem } from './api.js';
import { healthMessages } from './messages.js';

const KIND_COLOR: Record<TimelineItem['kind'], string> = { ticket: 'red', touchpoint: 'purple', activity: 'blue', visit: 'green' };
const SLA_COLOR = { met: 'green', missed: 'red', pending: 'orange', none: 'default' } as const;

function Contact({ name, masked }: { name?: string | null; masked: boolean }) {
  if (!name) return null;
  return (
    <span data-testid="timeline-contact">
      {name}
      {masked ? <MaskedHint /> : null}
    </span>
  );
}

export function CustomerTimeline({ customerId, active }: { customerId: string; active: boolean }) {
  const t = useT(healthMessages);
  const me = useMe();
  const tz = me.tenant.timeZone;
  const can = useCan();
  const q = useTimeline(customerId, active);
  const [editing, setEditing] = useState<Ticket | null>(null);
  const [logging, setLogging] = useState(false);
  const toolbar = can('ContactActivity', 'create') ? (
    <Flex justify="flex-end" style={{ marginTop: 8 }}>
      <Button icon={<PlusOutlined />} onClick={() => setLogging(true)} data-testid="activity-add">
        {t('activity.add')}
      </Button>
      {logging ? <ActivityModal customerId={customerId} onClose={() => setLogging(false)} /> : null}
    </Flex>
  ) : null;
  if (q.isPending) return <Skeleton active />;
  if (q.error) return <ErrorState error={q.error} compact onRetry={() => void q.refetch()} />;
  const items = q.data.pages.flatMap((p) => p.items);
  if (!items.length)
    return (
      <div>
        {toolbar}
        <Empty description={t('timeline.empty')} data-testid="timeline-empty" />
      </div>
    );

  const body = (it: TimelineItem) => {
    switch (it.kind) {
      case 'ticket': {
        const d = it.data;
        return (
          <div data-testid="timeline-ticket">
            <Flex gap={6} wrap align="center">
              <strong>{d.title}</strong>
              {d.category ? <Tag color={d.category === 'complaint' ? 'red' : 'default'}>{t(`category.${d.category}`)}</Tag> : null}
              {d.severity ? <Tag>{t(`severity.${d.severity}`)}</Tag> : null}
              {d.status ? <Tag color="blue">{t(`status.${d.status}`)}</Tag> : null}
              {d.slaState ? <Tag color={SLA_COLOR[d.slaState]}>{`${t('ticket.sla')} ${t(`sla.${d.slaState}`)}`}</Tag> : null}
              {d._abilities.update ? (
                <Button size="small" onClick={() => setEditing(d)} data-testid="ticket-edit">
                  {t('ticket.edit')}
                </Button>
              ) : null}
            </Flex>
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }}>
              {d.ticketNo} <Contact name={d.contactName} masked={d._abilities.masked.includes('contactName')} />
            </div>
          </div>
        );
      }
      case 'touchpoint': {
        const d = it.data;
        return (
          <div data-testid="timeline-touchpoint">
            <strong>{d.channel}</strong> · {d.action} {d.campaign ? <Tag>{d.campaign}</Tag> : null}
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }}>
              <Contact name={d.contactName} masked={d._abilities.masked.includes('contactName')} />
            </div>
          </div>
        );
      }
      case 'activity': {
        const d = it.data;
        return (
          <div data-testid="timeline-activity">
            <strong>{d.kind ? t(`kind.${d.kind}`) : ''}</strong> · {d.subject}
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)' }}>
              <Contact name={d.contactName} masked={d._abilities.masked.includes('contactName')} />
              {d.contactRole ? ` · ${d.contactRole}` : ''}
              {d.repName ? ` · ${d.repName}` : ''}
            </div>
          </div>
        );
      }
      case 'visit':
        return (
          <div data-testid="timeline-visit">
            <strong>{it.data.purpose}</strong>
            <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.55)', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {it.data.note} {it.data.repName ? `· ${it.data.repName}` : ''}
            </div>
          </div>
        );
    }
  };

  return (
    <div data-testid="timeline">
      {toolbar}
      <Timeline
        style={{ marginTop: 12 }}
        items={items.map((it) => ({
          key: `${it.kind}:${it.id}`,
          color: KIND_COLOR[it.kind],
          children: (
            <div data-testid="timeline-item" data-kind={it.kind}>
              <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>
                {formatDateTime(it.at, tz)} · {t(`timeline.${it.kind}`)}
              </div>
              {body(it)}
            </div>
          ),
        }))}
      />
      <Flex justify="center">
        {q.hasNextPage ? (
          <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage} data-testid="timeline-more">
            {t('timeline.more')}
          </Button>
        ) : (
          <span style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12 }}>{t('timeline.end')}</span>
        )}
      </Flex>
      {editing ? <TicketModal customerId={customerId} ticket={editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function TicketModal({ customerId, ticket, onClose }: { customerId: string; ticket: Ticket; onClose: () => void }) {
  const t = useT(healthMessages);
  const m = useUpdateTicket(customerId);
  const message = useMessage();
  const showError = useShowError();
  const [form] = Form.useForm<{ status: Ticket['status']; severity: Ticket['severity'] }>();
  const writable = (f: string) => ticket._abilities.writable.includes(f);
  const submit = async () => {
    const v = await form.validateFields();
    const patch: Record<string, unknown> = {};
    if (v.status !== ticket.status) patch.status = v.status;
    if (v.severity !== ticket.severity) patch.severity = v.severity;
    m.mutate(
      { id: ticket.id, version: ticket.version ?? 1, ...patch },
      {
        onSuccess: () => {
          void message.success(t('ticket.saved'));
          onClose();
        },
        onError: showError,
      },
    );
  };
  return (
    <Modal open title={`${t('ticket.edit')} · ${ticket.ticketNo ?? ''}`} onCancel={onClose} onOk={() => void submit()} okText={t('save')} cancelText={t('cancel')} confirmLoading={m.isPending} okButtonProps={{ 'data-testid': 'ticket-save' } as never}>
      <Form form={form} layout="vertical" initialValues={{ status: ticket.status, severity: ticket.severity }}>
        <Form.Item name="status" label={t('ticket.status')}>
          <Select disabled={!writable('status')} data-testid="ticket-status" options={(['open', 'in_progress', 'resolved', 'closed'] as const).map((s) => ({ value: s, label: t(`status.${s}`) }))} />
        </Form.Item>
        <Form.Item name="severity" label={t('ticket.severity')}>
          <Select disabled={!writable('severity')} options={(['low', 'medium', 'high', 'critical'] as const).map((s) => ({ value: s, label: t(`severity.${s}`) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ActivityModal({ customerId, onClose }: { customerId: string; onClose: () => void }) {
  const t = useT(healthMessages);
  const m = useCreateActivity(customerId);
  const message = useMessage();
  const showError = useShowError();
  const [form] = Form.useForm<Omit<ActivityInput, 'occurredAt'> & { occurredAt: Dayjs }>();
  const required = [{ required: true, message: t('activity.required') }];
  const submit = async () => {
    const v = await form.validateFields();
    m.mutate(
      { kind: v.kind, contactName: v.contactName, contactRole: v.contactRole || null, subject: v.subject || '', occurredAt: v.occurredAt.toISOString() },
      {
        onSuccess: () => {
          void message.success(t('activity.saved'));
          onClose();
        },
        onError: showError,
      },
    );
  };
  return (
    <Modal open title={t('activity.add')} onCancel={onClose} onOk={() => void submit()} okText={t('save')} cancelText={t('cancel')} confirmLoading={m.isPending} okButtonProps={{ 'data-testid': 'activity-save' } as never}>
      <Form form={form} layout="vertical" initialValues={{ kind: 'call', occurredAt: dayjs() }}>
        <Form.Item name="kind" label={t('activity.kind')} rules={required}>
          <Segmented options={(['email', 'meeting', 'call'] as const).map((k) => ({ value: k, label: t(`kind.${k}`) }))} data-testid="activity-kind" />
        </Form.Item>
        <Form.Item name="contactName" label={t('activity.contactName')} rules={required}>
          <Input maxLength={50} data-testid="activity-contact" />
        </Form.Item>
        <Form.Item name="contactRole" label={t('activity.contactRole')}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="subject" label={t('activity.subject')}>
          <Input maxLength={300} data-testid="activity-subject" />
        </Form.Item>
        <Form.Item name="occurredAt" label={t('activity.occurredAt')} rules={required}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" disabledDate={(d) => d.isAfter(dayjs(), 'day')} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
