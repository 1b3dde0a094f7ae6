// Rule configuration (X2): each key's active version, the pending proposal with who signed,
// approve / reject (two sign-offs where the rule says so), history, and proposing a new value.
import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Drawer, Flex, Form, Input, Modal, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useCan, useMe } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { pickText } from '../../app/i18n.js';
import { formatDateTime } from '../../app/format.js';
import { appMessages, type AppMessageKey } from '../../app/messages.js';
import { isApiError } from '../../app/problem.js';
import { useIsMobile } from '../../app/media.js';
import { DataList } from '../../ui/DataList.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useApproveConfig, useConfigHistory, useConfigList, useProposeConfig, useRejectConfig, type Approval, type ConfigItem, type ConfigVersion } from './api.js';
import { adminMessages } from './messages.js';
import { JsonBlock, JsonDiff } from './components/Json.js';
import { StatusTag } from './components/StatusTag.js';
import { parseJsonInput } from './diff.js';
import { useMessage } from '../../ui/feedback.js';

export function ConfigPage() {
  const t = useT(adminMessages);
  const { lang } = useLang();
  const list = useConfigList();
  const [openKey, setOpenKey] = useState<string | null>(null);
  const open = list.data?.find((c) => c.key === openKey) ?? null;

  const columns: TableColumnsType<ConfigItem> = [
    {
      key: 'key',
      title: t('config.key'),
      render: (_v, c) => (
        <div>
          <div>{pickText(c.title, lang) || c.key}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <code>{c.key}</code>
          </Typography.Text>
        </div>
      ),
    },
    { key: 'dual', title: t('config.dual'), render: (_v, c) => (c.dualSignoff ? <Tag color="purple">{t('config.dual')}</Tag> : <Tag>{t('config.single')}</Tag>) },
    { key: 'active', title: t('config.active'), render: (_v, c) => (c.active ? (c.active.version === 0 ? `v0 (${t('config.default')})` : `v${c.active.version}`) : '') },
    {
      key: 'pending',
      title: t('config.pending'),
      render: (_v, c) =>
        c.pending ? (
          <Tag color="orange" data-testid="config-pending">
            v{c.pending.version} · {c.pending.approvals.length}/{c.dualSignoff ? 2 : 1}
          </Tag>
        ) : (
          ''
        ),
    },
    {
      key: 'open',
      title: '',
      render: (_v, c) => (
        <Button size="small" onClick={(e) => (e.stopPropagation(), setOpenKey(c.key))} data-testid={`config-open-${c.key}`}>
          {t('config.open')}
        </Button>
      ),
    },
  ];

  return (
    <div>
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : (
        <div style={{ background: '#fff', borderRadius: 8 }}>
          <DataList<ConfigItem>
            rowKey={(c) => c.key}
            rowTestId="config-row"
            columns={columns}
            data={list.data}
            loading={list.isLoading}
            size="small"
            onRowClick={(c) => setOpenKey(c.key)}
            cardHide={['open']}
          />
        </div>
      )}
      {open ? <ConfigDrawer item={open} onClose={() => setOpenKey(null)} /> : null}
    </div>
  );
}

function Signers({ approvals }: { approvals: Approval[] }) {
  const t = useT(adminMessages);
  const ta = useT(appMessages);
  const me = useMe();
  if (!approvals.length) return <Typography.Text type="secondary">{t('config.noApprovals')}</Typography.Text>;
  return (
    <Flex vertical gap={4} data-testid="config-approvals">
      {approvals.map((a) => (
        <span key={`${a.userId}:${a.at}`}>
          <Tag color="green">{ta(`role.${a.role}` as AppMessageKey)}</Tag>
          {a.userName ?? a.userId} · <Typography.Text type="secondary">{formatDateTime(a.at, me.tenant.timeZone)}</Typography.Text>
        </span>
      ))}
    </Flex>
  );
}

function ConfigDrawer({ item, onClose }: { item: ConfigItem; onClose: () => void }) {
  const t = useT(adminMessages);
  const { lang } = useLang();
  const me = useMe();
  const can = useCan();
  const mobile = useIsMobile();
  const message = useMessage();
  const showError = useShowError();
  const history = useConfigHistory(item.key);
  const approve = useApproveConfig();
  const reject = useRejectConfig();
  const [rejecting, setRejecting] = useState(false);
  const tz = me.tenant.timeZone;
  const p = item.pending;
  const signedByMe = !!p?.approvals.some((a) => a.userId === me.user.id);

  const historyColumns: TableColumnsType<ConfigVersion> = [
    { key: 'version', title: t('config.version'), dataIndex: 'version', render: (v: number) => `v${v}` },
    { key: 'status', title: t('config.status'), dataIndex: 'status', render: (v?: string) => <StatusTag status={v} /> },
    { key: 'by', title: t('config.proposedBy'), render: (_v, r) => r.proposedByName ?? r.proposedBy ?? '' },
    { key: 'at', title: t('config.createdAt'), render: (_v, r) => formatDateTime(r.activatedAt ?? r.proposedAt ?? r.createdAt, tz) },
    { key: 'reason', title: t('config.reason'), dataIndex: 'reason', render: (v?: string | null) => v ?? '' },
    { key: 'approvals', title: t('config.approvals'), render: (_v, r) => (r.approvals?.length ? <Signers approvals={r.approvals} /> : '') },
  ];

  return (
    <Drawer open onClose={onClose} size={mobile ? '100%' : 760} title={pickText(item.title, lang) || item.key} destroyOnHidden data-testid="config-drawer">
      <Flex vertical gap={16}>
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'key', label: t('config.key'), children: <code>{item.key}</code> },
            { key: 'desc', label: t('config.description'), children: pickText(item.description, lang) },
            { key: 'dual', label: t('config.dual'), children: item.dualSignoff ? t('config.dual') : t('config.single') },
          ]}
        />
        <Card size="small" title={item.active ? t('config.activeValue', { version: item.active.version }) : t('config.noActive')}>
          {item.active ? <JsonBlock value={item.active.value} /> : null}
        </Card>
        {p ? (
          <Card
            size="small"
            title={t('config.pendingTitle', { version: p.version })}
            style={{ borderColor: '#ffd591' }}
            extra={
              can('Config', 'approve') ? (
                <Space>
                  <Button
                    type="primary"
                    size="small"
                    disabled={signedByMe}
                    loading={approve.isPending}
                    data-testid="config-approve"
                    onClick={async () => {
                      try {
                        await approve.mutateAsync({ key: item.key, version: p.version });
                        void message.success(t('config.approved'));
                      } catch (e) {
                        showError(e);
                      }
                    }}
                  >
                    {t('config.approve')}
                  </Button>
                  <Button danger size="small" onClick={() => setRejecting(true)} data-testid="config-reject">
                    {t('config.reject')}
                  </Button>
                </Space>
              ) : null
            }
          >
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: 'by', label: t('config.proposedBy'), children: p.proposedByName ?? p.proposedBy ?? '' },
                ...(p.proposedAt ? [{ key: 'at', label: t('config.createdAt'), children: formatDateTime(p.proposedAt, tz) }] : []),
                { key: 'reason', label: t('config.reason'), children: p.reason ?? '' },
                { key: 'signers', label: t('config.approvals'), children: <Signers approvals={p.approvals} /> },
              ]}
            />
            <Typography.Text strong style={{ display: 'block', margin: '8px 0' }}>
              {t('config.diff')}
            </Typography.Text>
            <JsonDiff before={item.active?.value} after={p.value} />
          </Card>
        ) : null}
        {can('Config', 'update') ? <ProposeForm item={item} /> : null}
        <Card size="small" title={t('config.history')}>
          {history.error ? (
            <ErrorState error={history.error} compact onRetry={() => void history.refetch()} />
          ) : (
            <DataList<ConfigVersion>
              rowKey={(v) => String(v.version)}
              columns={historyColumns}
              data={history.data}
              loading={history.isLoading}
              size="small"
              expandedRow={(v) => <JsonBlock value={v.value} maxHeight={240} />}
            />
          )}
        </Card>
      </Flex>
      {rejecting && p ? (
        <RejectModal
          loading={reject.isPending}
          onCancel={() => setRejecting(false)}
          onOk={async (reason) => {
            try {
              await reject.mutateAsync({ key: item.key, version: p.version, reason });
              void message.success(t('config.rejected'));
              setRejecting(false);
            } catch (e) {
              showError(e);
            }
          }}
        />
      ) : null}
    </Drawer>
  );
}

function RejectModal({ loading, onCancel, onOk }: { loading: boolean; onCancel: () => void; onOk: (reason: string) => void }) {
  const t = useT(adminMessages);
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Modal open title={t('config.reject')} onCancel={onCancel} onOk={() => form.submit()} confirmLoading={loading} okButtonProps={{ danger: true }}>
      <Form form={form} layout="vertical" onFinish={(v) => onOk(v.reason.trim())}>
        <Form.Item name="reason" label={t('config.rejectReason')} rules={[{ required: true, whitespace: true, message: t('config.reasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} data-testid="config-reject-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ProposeForm({ item }: { item: ConfigItem }) {
  const t = useT(adminMessages);
  const ta = useT(appMessages);
  const message = useMessage();
  const propose = useProposeConfig();
  const [form] = Form.useForm<{ value: string; reason: string }>();
  const [serverErrors, setServerErrors] = useState<{ detail: string; errors: { path: string; message: string }[] } | null>(null);
  const initial = JSON.stringify(item.pending?.value ?? item.active?.value ?? {}, null, 2);

  return (
    <Card size="small" title={t('config.propose')}>
      {serverErrors ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={serverErrors.detail}
          description={
            serverErrors.errors.length ? (
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {serverErrors.errors.map((e) => (
                  <li key={e.path + e.message}>
                    <code>{e.path || '(value)'}</code>: {e.message}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
          data-testid="config-errors"
        />
      ) : null}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ value: initial, reason: '' }}
        onFinish={async (v) => {
          const parsed = parseJsonInput(v.value);
          if (!parsed.ok) return;
          setServerErrors(null);
          try {
            await propose.mutateAsync({ key: item.key, value: parsed.value, reason: v.reason.trim() });
            void message.success(t('config.proposed'));
            form.setFieldValue('reason', '');
          } catch (e) {
            if (isApiError(e)) setServerErrors({ detail: e.detail, errors: e.errors });
            else void message.error(String(e));
          }
        }}
      >
        <Form.Item
          name="value"
          label={t('config.valueJson')}
          rules={[
            {
              validator: async (_r, v: string) => {
                const p = parseJsonInput(v ?? '');
                if (!p.ok) throw new Error(t('config.invalidJson', { error: p.error }));
              },
            },
          ]}
        >
          <Input.TextArea rows={8} spellCheck={false} style={{ fontFamily: 'monospace', fontSize: 12 }} data-testid="config-value" />
        </Form.Item>
        <Form.Item name="reason" label={t('config.reason')} rules={[{ required: true, whitespace: true, message: t('config.reasonRequired') }]}>
          <Input.TextArea rows={2} maxLength={500} data-testid="config-reason" />
        </Form.Item>
        <Flex justify="flex-end" gap={8}>
          <Button onClick={() => form.resetFields()}>{ta('reset')}</Button>
          <Button type="primary" htmlType="submit" loading={propose.isPending} data-testid="config-submit">
            {t('config.submit')}
          </Button>
        </Flex>
      </Form>
    </Card>
  );
}
