// Per-role access adjustments (C4): for the chosen role, each resource's default grants, the
// adjustment in force and an editor. Submitting creates a proposal of the rule
// `access.roleOverrides`; it applies after two sign-offs on the rule configuration tab.
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Flex, Input, Modal, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../app/api.js';
import { useCan } from '../../app/auth.js';
import { useLang, useT } from '../../app/lang.js';
import { appMessages, type AppMessageKey } from '../../app/messages.js';
import { ErrorState } from '../../ui/ErrorState.js';
import { useShowError } from '../../ui/useShowError.js';
import { useMessage } from '../../ui/feedback.js';
import { useConfigList, useProposeConfig } from './api.js';
import { adminMessages } from './messages.js';
import { changedCells, withActionScope, withFields, type Overrides, type Scope } from './overrides.js';

interface GrantOut {
  scope: string;
  masked?: string[];
  hidden?: string[];
}
type Matrix = Record<string, Record<string, Record<string, GrantOut>>>;
interface AccessMatrix {
  roles: string[];
  actions: string[];
  resources: { name: string; scopes: string[]; sensitive: string[] }[];
  defaults: Matrix;
  overrides: Overrides;
  overridesVersion: number;
  effective: Matrix;
}

const KEY = 'access.roleOverrides';

/** Names of the data objects; a resource added later shows its code until it is named here. */
const RESOURCE_LABELS: Record<string, { 'zh-CN': string; 'en-US': string }> = {
  Customer: { 'zh-CN': '客户', 'en-US': 'Customers' },
  Opportunity: { 'zh-CN': '商机', 'en-US': 'Opportunities' },
  Visit: { 'zh-CN': '拜访', 'en-US': 'Visits' },
  User: { 'zh-CN': '人员', 'en-US': 'Users' },
  OrgUnit: { 'zh-CN': '组织', 'en-US': 'Organisation' },
  AuditLog: { 'zh-CN': '审计日志', 'en-US': 'Audit log' },
  Config: { 'zh-CN': '规则配置', 'en-US': 'Rule configuration' },
  JobRun: { 'zh-CN': '定时任务', 'en-US': 'Scheduled jobs' },
  ApiToken: { 'zh-CN': 'API 令牌', 'en-US': 'API tokens' },
  Notification: { 'zh-CN': '站内消息', 'en-US': 'Inbox' },
  NotificationChannel: { 'zh-CN': '通知渠道', 'en-US': 'Notification channels' },
  File: { 'zh-CN': '文件', 'en-US': 'Files' },
};

export function AccessPage() {
  const t = useT(adminMessages);
  const { lang } = useLang();
  const ta = useT(appMessages);
  const can = useCan();
  const showError = useShowError();
  const message = useMessage();
  const q = useQuery({ queryKey: ['admin', 'config', 'access'], queryFn: ({ signal }) => api.get<AccessMatrix>('/admin/access', undefined, signal) });
  const configs = useConfigList();
  const pending = configs.data?.find((c) => c.key === KEY)?.pending ?? null;
  const propose = useProposeConfig();
  const [role, setRole] = useState('manager');
  const [draft, setDraft] = useState<Overrides>({});
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (q.data) setDraft(q.data.overrides ?? {});
  }, [q.data]);

  const m = q.data;
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(m?.overrides ?? {}), [draft, m]);
  if (q.error) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!m) return <Table loading columns={[]} dataSource={[]} />;

  const roleLabel = (r: string) => ta(`role.${r}` as AppMessageKey);
  const scopeLabel = (s: string) => t(`access.scope.${s}` as Parameters<typeof t>[0]);
  const editable = role !== 'admin' && can('Config', 'update');

  const columns: TableColumnsType<AccessMatrix['resources'][number]> = [
    {
      key: 'resource',
      title: t('access.resource'),
      fixed: 'left',
      render: (_v, r) => (
        <span title={r.name}>{RESOURCE_LABELS[r.name]?.[lang] ?? <code>{r.name}</code>}</span>
      ),
    },
    ...m.actions.map((action) => ({
      key: action,
      title: t(`access.action.${action}` as Parameters<typeof t>[0]),
      render: (_v: unknown, r: AccessMatrix['resources'][number]) => {
        const def = m.defaults[role]?.[r.name]?.[action]?.scope;
        const set = draft[role]?.[r.name]?.actions?.[action];
        if (!editable) return def ? <Tag>{scopeLabel(def)}</Tag> : <Typography.Text type="secondary">—</Typography.Text>;
        return (
          <Select
            size="small"
            style={{ width: 104 }}
            data-testid={`access-${r.name}-${action}`}
            value={set ?? ''}
            onChange={(v: string) => setDraft(withActionScope(draft, role, r.name, action, v === '' ? undefined : (v as Scope)))}
            options={[
              { value: '', label: `${t('access.default')}: ${def ? scopeLabel(def) : '—'}` },
              ...[...r.scopes, 'none'].map((s) => ({ value: s, label: scopeLabel(s) })),
            ]}
          />
        );
      },
    })),
    ...(['masked', 'hidden'] as const).map((kind) => ({
      key: kind,
      title: t(`access.${kind}`),
      render: (_v: unknown, r: AccessMatrix['resources'][number]) => {
        const def = kind === 'masked' ? (m.defaults[role]?.[r.name]?.read?.masked ?? []) : [];
        const extra = draft[role]?.[r.name]?.[kind] ?? [];
        return (
          <Space size={4} wrap>
            {def.map((f) => (
              <Tag key={f}>{f}</Tag>
            ))}
            {editable ? (
              <Select
                mode="tags"
                size="small"
                style={{ minWidth: 140 }}
                placeholder={t('access.addField')}
                data-testid={`access-${r.name}-${kind}`}
                value={extra}
                onChange={(v: string[]) => setDraft(withFields(draft, role, r.name, kind, v))}
                options={r.sensitive.map((f) => ({ value: f, label: f }))}
              />
            ) : (
              extra.map((f) => (
                <Tag key={f} color="orange">
                  {f}
                </Tag>
              ))
            )}
          </Space>
        );
      },
    })),
  ];

  const submit = async () => {
    try {
      await propose.mutateAsync({ key: KEY, value: draft, reason: reason.trim() });
      setConfirming(false);
      setReason('');
      void message.success(t('access.proposed'));
    } catch (e) {
      showError(e);
    }
  };

  return (
    <div>
      <Typography.Paragraph type="secondary">{t('access.intro')}</Typography.Paragraph>
      {pending ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="access-pending"
          message={t('access.pending', { version: pending.version, signed: pending.approvals.length })}
          action={<Link to="/admin/config">{t('tab.config')}</Link>}
        />
      ) : null}
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Segmented value={role} onChange={(v) => setRole(String(v))} options={m.roles.map((r) => ({ value: r, label: roleLabel(r) }))} data-testid="access-role" />
        <Space>
          <Typography.Text type="secondary">
            {t('access.inForce', { version: m.overridesVersion, cells: changedCells(m.overrides ?? {}) })}
          </Typography.Text>
          {can('Config', 'update') ? (
            <Button type="primary" disabled={!dirty || !!pending} onClick={() => setConfirming(true)} data-testid="access-propose">
              {t('access.propose')}
            </Button>
          ) : null}
        </Space>
      </Flex>
      {role === 'admin' ? <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('access.adminFixed')} /> : null}
      <Table rowKey="name" size="small" pagination={false} scroll={{ x: 'max-content' }} columns={columns} dataSource={m.resources} />
      <Modal
        open={confirming}
        title={t('access.propose')}
        onCancel={() => setConfirming(false)}
        onOk={() => void submit()}
        okButtonProps={{ disabled: !reason.trim(), loading: propose.isPending, 'data-testid': 'access-submit' } as never}
      >
        <Typography.Paragraph>{t('access.signoffHint')}</Typography.Paragraph>
        <Input.TextArea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('access.reason')} data-testid="access-reason" />
      </Modal>
    </div>
  );
}
