// New customer (C1): organisations need a credit code, individuals a mobile number; the
// server checks GB 32100-2015 and duplicates and its field errors land on the form.
import { Button, Drawer, Form, Space } from 'antd';
import { useT } from '../../../app/lang.js';
import { useIsMobile } from '../../../app/media.js';
import { appMessages } from '../../../app/messages.js';
import { formFieldErrors, isApiError } from '../../../app/problem.js';
import { useMessage } from '../../../ui/feedback.js';
import { useCreateCustomer, type Customer } from '../api.js';
import { createBody, FORM_FIELDS } from '../edit.js';
import { customerMessages } from '../messages.js';
import { CustomerForm, type CustomerFormValues } from './CustomerForm.js';

export function CreateCustomerDrawer({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Customer) => void }) {
  const t = useT(customerMessages);
  const ta = useT(appMessages);
  const mobile = useIsMobile();
  const message = useMessage();
  const [form] = Form.useForm<CustomerFormValues>();
  const create = useCreateCustomer();

  const onFinish = async (values: CustomerFormValues) => {
    try {
      const c = await create.mutateAsync(createBody(values));
      void message.success(t('create.done'));
      onClose();
      onCreated(c);
    } catch (e) {
      if (isApiError(e)) {
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
      <CustomerForm form={form} mode="create" onFinish={(v) => void onFinish(v)} />
    </Drawer>
  );
}
