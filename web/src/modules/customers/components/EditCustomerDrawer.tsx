// Edit drawer (C4): only the fields in `_abilities.writable`, only changed values, with the
// version read; a 409 shows the server's message and reloads the record.
import { useState } from 'react';
import { Alert, Button, Drawer, Form, Space } from 'antd';
import { useT } from '../../../app/lang.js';
import { useIsMobile } from '../../../app/media.js';
import { appMessages } from '../../../app/messages.js';
import { formFieldErrors, isApiError } from '../../../app/problem.js';
import { useMessage } from '../../../ui/feedback.js';
import { useUpdateCustomer, type Customer } from '../api.js';
import { changedFields, FORM_FIELDS } from '../edit.js';
import { customerMessages } from '../messages.js';
import { CustomerForm, customerToFormValues, type CustomerFormValues } from './CustomerForm.js';

export function EditCustomerDrawer({ customer, onClose, onReload }: { customer: Customer; onClose: () => void; onReload: () => Promise<{ data?: Customer }> }) {
  const t = useT(customerMessages);
  const ta = useT(appMessages);
  const mobile = useIsMobile();
  const message = useMessage();
  const [form] = Form.useForm<CustomerFormValues>();
  const update = useUpdateCustomer(customer.id);
  const [conflict, setConflict] = useState<string | null>(null);
  const writable = customer._abilities.writable;

  const onFinish = async (values: CustomerFormValues) => {
    const patch = changedFields(customer, values, writable);
    if (Object.keys(patch).length === 0) {
      void message.info(t('form.nothingChanged'));
      return;
    }
    try {
      await update.mutateAsync({ ...patch, version: customer.version ?? 1 });
      void message.success(t('edit.saved'));
      onClose();
    } catch (e) {
      if (isApiError(e) && e.status === 409) {
        // Stale version: show the server's words, load the current record, let the user redo.
        setConflict(e.detail);
        void message.error(e.detail);
        const fresh = await onReload();
        if (fresh.data) form.setFieldsValue(customerToFormValues(fresh.data));
        return;
      }
      if (isApiError(e)) {
        const fields = formFieldErrors(e, FORM_FIELDS);
        if (fields.length) form.setFields(fields as never);
        void message.error(e.detail);
      } else void message.error(String(e));
    }
  };

  const hidden = FORM_FIELDS.some((f) => !writable.includes(f));
  return (
    <Drawer
      open
      title={t('edit.title')}
      onClose={onClose}
      size={mobile ? '100%' : 640}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{ta('cancel')}</Button>
          <Button type="primary" loading={update.isPending} onClick={() => form.submit()} data-testid="customer-form-submit">
            {ta('save')}
          </Button>
        </Space>
      }
    >
      {conflict ? <Alert type="warning" showIcon title={conflict} description={t('edit.conflict')} style={{ marginBottom: 16 }} data-testid="customer-conflict" /> : null}
      {hidden ? <Alert type="info" title={t('form.readonlyHint')} style={{ marginBottom: 16 }} /> : null}
      <CustomerForm form={form} mode="edit" record={customer} writable={writable} onFinish={(v) => void onFinish(v)} />
    </Drawer>
  );
}
