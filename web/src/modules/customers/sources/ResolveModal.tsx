// Resolving a field conflict (C2): pick one source's value or type another, with a note.
import { useState } from 'react';
import { Input, Modal, Radio, Space, Tag, Typography } from 'antd';
import { useLang, useT } from '../../../app/lang.js';
import { useMe } from '../../../app/auth.js';
import { formatDate } from '../../../app/format.js';
import { useMessage } from '../../../ui/feedback.js';
import { useShowError } from '../../../ui/useShowError.js';
import { displayValue, useResolveConflict, type Bilingual, type Candidate } from './api.js';
import { sourceMessages, type SourceMessageKey } from './messages.js';

export interface ResolveTarget {
  customerId: string;
  field: string;
  label: Bilingual;
  version: number;
  candidates: Candidate[];
}

export function ResolveModal({ target, onClose }: { target: ResolveTarget; onClose: () => void }) {
  const t = useT(sourceMessages);
  const { lang } = useLang();
  const me = useMe();
  const message = useMessage();
  const showError = useShowError();
  const resolve = useResolveConflict();
  const values = [...new Set(target.candidates.map((c) => displayValue(c.value)))];
  const [choice, setChoice] = useState<string>(values[0] ?? '__custom');
  const [custom, setCustom] = useState('');
  const [note, setNote] = useState('');
  const value = choice === '__custom' ? custom : choice;
  const submit = async () => {
    try {
      await resolve.mutateAsync({ customerId: target.customerId, field: target.field, value: value === '' ? null : value, note: note.trim(), version: target.version });
      void message.success(t('resolve.done'));
      onClose();
    } catch (e) {
      showError(e);
    }
  };
  return (
    <Modal
      open
      title={t('resolve.title', { field: target.label[lang] })}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('resolve.submit')}
      okButtonProps={{ disabled: !note.trim() || (choice === '__custom' && !custom.trim()), loading: resolve.isPending, 'data-testid': 'resolve-submit' } as never}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('resolve.pick')}</Typography.Paragraph>
      <Radio.Group value={choice} onChange={(e) => setChoice(e.target.value)} style={{ width: '100%' }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          {values.map((v, i) => (
            <Radio key={v} value={v}>
              <span data-testid={`resolve-option-${i}`}>
                <span style={{ wordBreak: 'break-word' }}>{v}</span>{' '}
                {target.candidates
                  .filter((c) => displayValue(c.value) === v)
                  .map((c) => (
                    <Tag key={c.valueId}>
                      {c.sourceSystem} · {t(`channel.${c.channel}` as SourceMessageKey)} · {formatDate(c.observedAt, me.tenant.timeZone)}
                    </Tag>
                  ))}
              </span>
            </Radio>
          ))}
          <Radio value="__custom">
            <span data-testid="resolve-option-custom">{t('resolve.custom')}</span>
          </Radio>
        </Space>
      </Radio.Group>
      {choice === '__custom' ? <Input style={{ marginTop: 8 }} value={custom} onChange={(e) => setCustom(e.target.value)} data-testid="resolve-custom" maxLength={2000} /> : null}
      <Input.TextArea
        style={{ marginTop: 12 }}
        rows={2}
        placeholder={t('resolve.note')}
        value={note}
        onChange={(e) => setNote(e.target.value)}
        maxLength={500}
        data-testid="resolve-note"
      />
    </Modal>
  );
}
