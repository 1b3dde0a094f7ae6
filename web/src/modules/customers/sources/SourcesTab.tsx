// The customer page's "Sources & conflicts" tab (C2, C5): key-field ages with edit, every field's
// value per source with the golden choice and its reason, open conflicts with resolution.
import { useState } from 'react';
import { Alert, Button, Card, Flex, Input, List, Modal, Skeleton, Space, Tag, Typography } from 'antd';
import { useLang, useT } from '../../../app/lang.js';
import { useMe } from '../../../app/auth.js';
import { formatDate, formatDateTime } from '../../../app/format.js';
import { useIsMobile } from '../../../app/media.js';
import { ErrorState } from '../../../ui/ErrorState.js';
import { useMessage } from '../../../ui/feedback.js';
import { useShowError } from '../../../ui/useShowError.js';
import { displayValue, useCustomerSources, useUpdateProfileField, type SourceField } from './api.js';
import { sourceMessages, type SourceMessageKey } from './messages.js';
import { ResolveModal, type ResolveTarget } from './ResolveModal.js';

export function SourcesTab({ customerId, active }: { customerId: string; active: boolean }) {
  const t = useT(sourceMessages);
  const { lang } = useLang();
  const q = useCustomerSources(customerId, active);
  const [resolving, setResolving] = useState<ResolveTarget | null>(null);
  const [editing, setEditing] = useState<SourceField | null>(null);
  if (q.isPending) return <Skeleton active />;
  if (q.error) return <ErrorState error={q.error} compact onRetry={() => void q.refetch()} />;
  const d = q.data;
  const keyFields = d.fields.filter((f) => f.keyField);
  const others = d.fields.filter((f) => !f.keyField);
  const sorted = [...others].sort((a, b) => Number(b.conflict?.status === 'open') - Number(a.conflict?.status === 'open'));
  return (
    <div data-testid="sources-tab">
      <Card size="small" title={t('sources.keyFields', { days: d.freshness.staleAfterDays })} style={{ marginBottom: 12 }}>
        <Flex vertical gap={8}>
          {keyFields.map((f) => (
            <Flex key={f.field} justify="space-between" align="flex-start" gap={8} wrap data-testid={`key-field-${f.field}`}>
              <div style={{ minWidth: 0, flex: 1 }}>
                <Typography.Text strong>{f.label[lang]}</Typography.Text>{' '}
                {f.age?.ageDays === null || !f.age ? (
                  <Tag data-testid={`age-${f.field}`}>{t('sources.never')}</Tag>
                ) : (
                  <Tag color={f.age.stale ? 'red' : 'green'} data-testid={`age-${f.field}`}>
                    {t('sources.age', { days: f.age.ageDays })}
                    {f.age.stale ? ` · ${t('sources.stale')}` : ''}
                  </Tag>
                )}
                <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{f.golden ? displayValue(f.golden.value) : '—'}</div>
              </div>
              {f.canEdit ? (
                <Button size="small" onClick={() => setEditing(f)} data-testid={`edit-${f.field}`}>
                  {t('sources.edit')}
                </Button>
              ) : null}
            </Flex>
          ))}
        </Flex>
      </Card>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('sources.rule', { version: d.rule.version, rule: d.rule.description[lang] })}
      </Typography.Paragraph>
      <Flex vertical gap={12}>
        {sorted.map((f) => (
          <FieldCard key={f.field} f={f} onResolve={() => setResolving({ customerId, field: f.field, label: f.label, version: f.conflict!.version, candidates: f.conflict!.candidates })} canResolve={d.canResolve} />
        ))}
      </Flex>
      {resolving ? <ResolveModal target={resolving} onClose={() => setResolving(null)} /> : null}
      {editing ? <EditProfileModal customerId={customerId} f={editing} onClose={() => setEditing(null)} /> : null}
    </div>
  );
}

function FieldCard({ f, onResolve, canResolve }: { f: SourceField; onResolve: () => void; canResolve: boolean }) {
  const t = useT(sourceMessages);
  const { lang } = useLang();
  const me = useMe();
  const mobile = useIsMobile();
  const tz = me.tenant.timeZone;
  const open = f.conflict?.status === 'open';
  return (
    <Card
      size="small"
      data-testid={`source-field-${f.field}`}
      title={
        <Space wrap>
          <span>{f.label[lang]}</span>
          {open ? (
            <Tag color="red" data-testid={`conflict-${f.field}`}>
              {t('sources.conflict')}
            </Tag>
          ) : null}
        </Space>
      }
      extra={
        open && canResolve && f.canEdit ? (
          <Button size="small" type="primary" danger onClick={onResolve} data-testid={`resolve-${f.field}`}>
            {t('conflicts.resolve')}
          </Button>
        ) : null
      }
    >
      <div>
        <Typography.Text type="secondary">{t('sources.golden')}：</Typography.Text>
        <span data-testid={`golden-${f.field}`} style={{ wordBreak: 'break-word' }}>
          {f.golden ? displayValue(f.golden.value) : displayValue(f.masterValue) || '—'}
        </span>
        {f.golden ? (
          <Tag style={{ marginLeft: 8 }} data-testid={`golden-source-${f.field}`}>
            {f.golden.sourceSystem} · {t(`channel.${f.golden.channel}` as SourceMessageKey)} · {t(`sources.reason.${f.golden.reason}` as SourceMessageKey)}
          </Tag>
        ) : null}
      </div>
      {f.conflict && f.conflict.status === 'resolved' ? (
        <Alert
          style={{ marginTop: 8 }}
          type="success"
          showIcon
          title={t('conflicts.resolvedBy', { who: f.conflict.resolvedByName ?? '—', when: formatDateTime(f.conflict.resolvedAt, tz), note: f.conflict.note ?? '' })}
        />
      ) : null}
      {f.values.length ? (
        <List
          size="small"
          style={{ marginTop: 8 }}
          dataSource={f.values.slice(0, mobile ? 5 : 10)}
          renderItem={(v) => (
            <List.Item data-testid={`source-value-${f.field}`}>
              <Flex vertical={mobile} gap={mobile ? 2 : 12} style={{ width: '100%' }}>
                <span style={{ flex: 1, wordBreak: 'break-word' }}>{displayValue(v.value) || '—'}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {v.sourceSystem} · {t(`channel.${v.channel}` as SourceMessageKey)} · {formatDate(v.observedAt, tz)}
                  {v.importerName ? ` · ${v.importerName}` : ''}
                  {v.note ? ` · ${v.note}` : ''}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      ) : (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('sources.noValues')}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

function EditProfileModal({ customerId, f, onClose }: { customerId: string; f: SourceField; onClose: () => void }) {
  const t = useT(sourceMessages);
  const { lang } = useLang();
  const message = useMessage();
  const showError = useShowError();
  const save = useUpdateProfileField();
  const [value, setValue] = useState(f.golden ? displayValue(f.golden.value) : '');
  const submit = async () => {
    try {
      await save.mutateAsync({ customerId, field: f.field, value: value.trim() || null });
      void message.success(t('edit.saved'));
      onClose();
    } catch (e) {
      showError(e);
    }
  };
  return (
    <Modal open title={t('edit.title', { field: f.label[lang] })} onCancel={onClose} onOk={() => void submit()} okButtonProps={{ loading: save.isPending, 'data-testid': 'profile-save' } as never} destroyOnHidden>
      <Input.TextArea rows={4} value={value} onChange={(e) => setValue(e.target.value)} maxLength={2000} data-testid="profile-value" />
    </Modal>
  );
}
