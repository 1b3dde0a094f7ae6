// New customer (C1): organisations need a credit code, individuals a mobile number; the
// server checks GB 32100-2015 and duplicates and its field errors land on the form.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Drawer, Form, Space, Tag } from 'antd';
import { useT } from '../../../app/lang.js';
import { useIsMobile } from '../../../app/media.js';
import { appMessages } from '../../../app/messages.js';
import { formFieldErrors, isApiError } from '../../../app/problem.js';
import { useMessage } from '../../../ui/feedback.js';
import { useCreateCustomer, type Customer } from '../api.js';
import { createBody, FORM_FIELDS } from '../edit.js';
import { customerMessages } from '../messages.js';
import { CustomerForm, type CustomerFormValues } from './CustomerForm.js';
import { duplicateMessages, type DuplicateMessageKey } from '../duplicates/messages.js';
import type { Reason } from '../duplicates/api.js';

interface Likely {
  id: string;
  name: string;
  score: number;
  reasons: Reason[];
}

export function CreateCustomerDrawer({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Customer) => void }) {
  const t = useT(customerMessages);
  const ta = useT(appMessages);
  const mobile = useIsMobile();
  const message = useMessage();
  const [form] = Form.useForm<CustomerFormValues>();
  const create = useCreateCustomer();
  const td = useT(duplicateMessages);
  // C1: the server's likely duplicates for the values last submitted; "create anyway" confirms.
  const [likely, setLikely] = useState<{ values: CustomerFormValues; items: Likely[] } | null>(null);

  const onFinish = async (values: CustomerFormValues, confirmNotDuplicate = false) => {
    try {
      const c = await create.mutateAsync({ ...createBody(values), ...(confirmNotDuplicate ? { confirmNotDuplicate: true } : {}) });
      void message.success(t('create.done'));
      onClose();
      onCreated(c);
    } catch (e) {
      if (isApiError(e) && e.code === 'likely_duplicate') {
        setLikely({ values, items: (e.body.candidates as Likely[]) ?? [] });
      } else if (isApiError(e)) {
        setLikely(null);
        const fields = formFieldErrors(e, FORM_FIELDS);
        if (fields.length) form.setFields(fields as never);
        void message.error(e.detail);
      } else void message.error(String(e));
    }
  };

  return (
    <Drawer
      open
      title={t('create.title')}
      onClose={onClose}
      size={mobile ? '100%' : 640}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{ta('cancel')}</Button>
          <Button type="primary" loading={create.isPending} onClick={() => form.submit()} data-testid="customer-form-submit">
            {ta('save')}
          </Button>
        </Space>
      }
    >
      {likely ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="likely-duplicates"
          title={td('likely.title')}
          description={
            <div>
              <div>{td('likely.body')}</div>
              {likely.items.map((c) => (
                <div key={c.id} style={{ marginTop: 6 }}>
                  <Link to={`/customers/${c.id}`} data-testid="likely-duplicate-link">
                    {c.name}
                  </Link>{' '}
                  <Tag color="orange">{td('score', { score: c.score.toFixed(2) })}</Tag>
                  {c.reasons.map((r) => (
                    <Tag key={r.rule}>{td(`rule.${r.rule}` as DuplicateMessageKey)}</Tag>
                  ))}
                </div>
              ))}
              <Button style={{ marginTop: 8 }} onClick={() => void onFinish(likely.values, true)} loading={create.isPending} data-testid="likely-create-anyway">
                {td('likely.create')}
              </Button>
            </div>
          }
        />
      ) : null}
      <CustomerForm form={form} mode="create" onFinish={(v) => void onFinish(v)} />
    </Drawer>
  );
}
