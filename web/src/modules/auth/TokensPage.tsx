// Personal API tokens: list, create (shown once), revoke.
import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Modal, Popconfirm, Select, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { ButtonProps, TableColumnsType } from 'antd';
import { useCan, useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { formatDateTime } from '../../app/format.js';
import { appMessages, type AppMessageKey } from '../../app/messages.js';
import { ROLES } from '../../app/abilities.js';
import { formFieldErrors, isApiError } from '../../app/problem.js';
import { useIsMobile } from '../../app/media.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { PageHeader } from '../../ui/PageHeader.js';
import { useShowError } from '../../ui/useShowError.js';
import { useCreateToken, useRevokeToken, useTokens, type ApiToken, type CreateTokenInput, type CreatedToken } from './api.js';
import { tokenMessages } from './messages.js';
import { useMessage } from '../../ui/feedback.js';

export function TokensPage() {
  const t = useT(tokenMessages);
  const ta = useT(appMessages);
  const me = useMe();
  const can = useCan();
  const mobile = useIsMobile();
  const message = useMessage();
  const showError = useShowError();
  const q = useTokens();
  const revoke = useRevokeToken();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const tz = me.tenant.timeZone;

  const revokeButton = (tok: ApiToken) =>
    can('ApiToken', 'delete') ? (
      <Popconfirm
        title={t('revokeConfirm', { name: tok.name })}
        onConfirm={async () => {
          try {
            await revoke.mutateAsync(tok.id);
            void message.success(t('revoked'));
          } catch (e) {
            showError(e);
          }
        }}
      >
        <Button size="small" danger data-testid="token-revoke">
          {t('revoke')}
        </Button>
      </Popconfirm>
    ) : null;

  const columns: TableColumnsType<ApiToken> = [
    { key: 'name', title: t('name'), dataIndex: 'name' },
    { key: 'role', title: t('role'), dataIndex: 'role', render: (r: string) => <Tag>{ta(`role.${r}` as AppMessageKey)}</Tag> },
    { key: 'prefix', title: t('prefix'), dataIndex: 'prefix', render: (v: string) => <code style={{ fontSize: 12 }}>{v}</code> },
    { key: 'createdAt', title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v, tz) },
    { key: 'expiresAt', title: t('expiresAt'), dataIndex: 'expiresAt', render: (v: string | null) => formatDateTime(v, tz) },
    { key: 'lastUsedAt', title: t('lastUsedAt'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? formatDateTime(v, tz) : t('never')) },
    { key: 'actions', title: '', render: (_v, tok) => revokeButton(tok) },
  ];

  return (
    <div>
      <PageHeader
        title={t('title')}
        extra={
          can('ApiToken', 'create') && me.via !== 'token' ? (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="token-create">
              {t('create')}
            </Button>
          ) : null
        }
      />
      <Typography.Paragraph type="secondary">{t('intro')}</Typography.Paragraph>
      {q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div style={mobile ? undefined : { background: '#fff', borderRadius: 8 }}>
          <DataList<ApiToken> rowKey={(x) => x.id} rowTestId="token-row" columns={columns} data={q.data} loading={q.isLoading} size="small" cardHide={['actions']} cardExtra={revokeButton} />
        </div>
      )}
      {creating ? (
        <CreateTokenModal
          isAdmin={me.user.role === 'admin'}
          onClose={() => setCreating(false)}
          onCreated={(tok) => {
            setCreating(false);
            setCreated(tok);
          }}
        />
      ) : null}
      <Modal
        open={!!created}
        title={t('createdTitle')}
        closable={false}
        mask={{ closable: false }}
        footer={
          <Button type="primary" onClick={() => setCreated(null)} data-testid="token-done">
            {t('done')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('createdWarn')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: created?.token ?? '' }} style={{ fontFamily: 'monospace', wordBreak: 'break-all', background: '#f7f8fa', padding: 12, borderRadius: 6 }} data-testid="token-secret">
          {created?.token}
        </Typography.Paragraph>
      </Modal>
    </div>
  );
}

function CreateTokenModal({ isAdmin, onClose, onCreated }: { isAdmin: boolean; onClose: () => void; onCreated: (t: CreatedToken) => void }) {
  const t = useT(tokenMessages);
  const ta = useT(appMessages);
  const message = useMessage();
  const create = useCreateToken();
  const [form] = Form.useForm<CreateTokenInput>();
  return (
    <Modal open title={t('create')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={create.isPending} okButtonProps={{ 'data-testid': 'token-create-ok' } as ButtonProps}>
      <Form<CreateTokenInput>
        form={form}
        layout="vertical"
        onFinish={async (v) => {
          try {
            const tok = await create.mutateAsync({ name: v.name.trim(), role: v.role || undefined, expiresInDays: v.expiresInDays || undefined });
            onCreated(tok);
          } catch (e) {
            if (isApiError(e)) {
              const fields = formFieldErrors(e, ['name', 'role', 'expiresInDays']);
              if (fields.length) form.setFields(fields as never);
              void message.error(e.detail);
            } else void message.error(String(e));
          }
        }}
      >
        <Form.Item name="name" label={t('name')} rules={[{ required: true, whitespace: true, message: t('nameRequired') }]}>
          <Input maxLength={80} data-testid="token-name" />
        </Form.Item>
        {isAdmin ? (
          <Form.Item name="role" label={t('role')} extra={t('roleHelp')}>
            <Select allowClear options={ROLES.map((r) => ({ value: r, label: ta(`role.${r}` as AppMessageKey) }))} />
          </Form.Item>
        ) : null}
        <Form.Item name="expiresInDays" label={t('expires')} extra={t('expiresHelp')}>
          <InputNumber min={1} max={3650} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
