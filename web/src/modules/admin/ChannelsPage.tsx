// Group-robot channels (X3): WeCom / DingTalk / Feishu webhooks, created and edited here.
import { useState } from 'react';
import { Button, Flex, Form, Input, Modal, Popconfirm, Select, Space, Switch, Tag, Typography } from 'antd';
import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import type { TableColumnsType } from 'antd';
import { useCan, useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { appMessages } from '../../app/messages.js';
import { formFieldErrors, isApiError } from '../../app/problem.js';
import { useIsMobile } from '../../app/media.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { MaybeMasked } from '../../ui/Masked.js';
import { useShowError } from '../../ui/useShowError.js';
import { CHANNEL_KINDS, useChannels, useCreateChannel, useDeleteChannel, useUpdateChannel, type Channel, type ChannelInput } from './api.js';
import { adminMessages } from './messages.js';
import { useMessage } from '../../ui/feedback.js';

const KIND_COLOR = { wecom: 'green', dingtalk: 'blue', feishu: 'cyan' } as const;

export function ChannelsPage() {
  const t = useT(adminMessages);
  const ta = useT(appMessages);
  const me = useMe();
  const can = useCan();
  const mobile = useIsMobile();
  const message = useMessage();
  const showError = useShowError();
  const q = useChannels();
  const del = useDeleteChannel();
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);

  const actions = (c: Channel) => (
    <Space onClick={(e) => e.stopPropagation()}>
      {can('NotificationChannel', 'update') ? (
        <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(c)} data-testid="channel-edit">
          {ta('edit')}
        </Button>
      ) : null}
      {can('NotificationChannel', 'delete') ? (
        <Popconfirm
          title={t('channels.deleteConfirm', { name: c.name })}
          onConfirm={async () => {
            try {
              await del.mutateAsync(c.id);
              void message.success(t('channels.deleted'));
            } catch (e) {
              showError(e);
            }
          }}
        >
          <Button size="small" danger icon={<DeleteOutlined />} data-testid="channel-delete" aria-label={ta('delete')} />
        </Popconfirm>
      ) : null}
    </Space>
  );

  const columns: TableColumnsType<Channel> = [
    { key: 'name', title: t('channels.name'), dataIndex: 'name' },
    { key: 'kind', title: t('channels.kind'), dataIndex: 'kind', render: (k: Channel['kind']) => <Tag color={KIND_COLOR[k] ?? 'default'}>{t(`channels.kind.${k}`)}</Tag> },
    {
      key: 'webhookUrl',
      title: t('channels.webhookUrl'),
      dataIndex: 'webhookUrl',
      render: (v: string, c) => (
        <MaybeMasked masked={!!c._abilities?.masked?.includes('webhookUrl')}>
          <Typography.Text ellipsis={{ tooltip: v }} style={{ maxWidth: 320, fontFamily: 'monospace', fontSize: 12 }}>
            {v}
          </Typography.Text>
        </MaybeMasked>
      ),
    },
    { key: 'enabled', title: t('channels.enabled'), dataIndex: 'enabled', render: (v: boolean) => (v ? <Tag color="success">{ta('yes')}</Tag> : <Tag>{ta('no')}</Tag>) },
    { key: 'updatedAt', title: t('channels.updatedAt'), dataIndex: 'updatedAt', responsive: ['xl'], render: (v?: string) => formatDateTime(v, me.tenant.timeZone) },
    { key: 'actions', title: '', render: (_v, c) => actions(c) },
  ];

  return (
    <div>
      <Flex justify="flex-end" style={{ marginBottom: 12 }}>
        {can('NotificationChannel', 'create') ? (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="channel-new">
            {t('channels.new')}
          </Button>
        ) : null}
      </Flex>
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div style={mobile ? undefined : { background: '#fff', borderRadius: 8 }}>
          <DataList<Channel> rowKey={(c) => c.id} rowTestId="channel-row" columns={columns} data={q.data} loading={q.isLoading} size="small" cardHide={['actions', 'updatedAt']} cardExtra={actions} />
        </div>
      )}
      {editing ? <ChannelModal channel={editing === 'new' ? null : editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

const FIELDS = ['kind', 'name', 'webhookUrl', 'secret', 'enabled'];

function ChannelModal({ channel, onClose }: { channel: Channel | null; onClose: () => void }) {
  const t = useT(adminMessages);
  const message = useMessage();
  const create = useCreateChannel();
  const update = useUpdateChannel();
  const [form] = Form.useForm<ChannelInput>();
  const busy = create.isPending || update.isPending;
  const req = (field: string) => ({ required: true, whitespace: true, message: t('channels.required', { field }) });

  const onFinish = async (v: ChannelInput) => {
    const body: ChannelInput = { kind: v.kind, name: v.name.trim(), webhookUrl: v.webhookUrl.trim(), enabled: !!v.enabled };
    if (v.secret && v.secret.trim()) body.secret = v.secret.trim();
    try {
      if (channel) {
        // Only changed fields: a masked webhook URL sent back unchanged would overwrite the real one.
        const patch: Partial<ChannelInput> = {};
        if (body.kind !== channel.kind) patch.kind = body.kind;
        if (body.name !== channel.name) patch.name = body.name;
        if (body.webhookUrl !== channel.webhookUrl) patch.webhookUrl = body.webhookUrl;
        if (body.enabled !== channel.enabled) patch.enabled = body.enabled;
        if (body.secret) patch.secret = body.secret;
        await update.mutateAsync({ id: channel.id, version: channel.version, ...patch });
      } else await create.mutateAsync(body);
      void message.success(t('channels.saved'));
      onClose();
    } catch (e) {
      if (isApiError(e)) {
        const fields = formFieldErrors(e, FIELDS);
        if (fields.length) form.setFields(fields as never);
        void message.error(e.detail);
      } else void message.error(String(e));
    }
  };

  return (
    <Modal open title={channel ? t('channels.edit') : t('channels.new')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={busy} destroyOnHidden>
      <Form<ChannelInput>
        form={form}
        layout="vertical"
        onFinish={(v) => void onFinish(v)}
        initialValues={channel ? { kind: channel.kind, name: channel.name, webhookUrl: channel.webhookUrl, enabled: channel.enabled } : { kind: 'wecom', enabled: true }}
        data-testid="channel-form"
      >
        <Form.Item name="kind" label={t('channels.kind')} rules={[{ required: true }]}>
          <Select options={CHANNEL_KINDS.map((k) => ({ value: k, label: t(`channels.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('channels.name')} rules={[req(t('channels.name'))]}>
          <Input maxLength={80} data-testid="channel-name" />
        </Form.Item>
        <Form.Item name="webhookUrl" label={t('channels.webhookUrl')} rules={[req(t('channels.webhookUrl')), { pattern: /^https?:\/\/\S+$/i, message: t('channels.urlInvalid') }]}>
          <Input maxLength={500} inputMode="url" data-testid="channel-url" />
        </Form.Item>
        <Form.Item name="secret" label={t('channels.secret')} extra={t('channels.secretHelp')}>
          <Input.Password autoComplete="new-password" maxLength={200} />
        </Form.Item>
        <Form.Item name="enabled" label={t('channels.enabled')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
