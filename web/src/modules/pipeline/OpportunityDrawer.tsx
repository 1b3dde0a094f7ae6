// Opportunity form (C8): create on a customer, or edit amount, expected close, products and the
// quote (draft or published). Stage moves go through the board (its transition rules and reasons).
import { Button, Drawer, Flex, Form, Input, InputNumber, Select, Space } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { formFieldErrors, isApiError } from '../../app/problem.js';
import { useMessage } from '../../ui/feedback.js';
import { useShowError } from '../../ui/useShowError.js';
import type { Opportunity } from './api.js';
import { pipelineMessages } from './messages.js';

interface Props {
  customerId: string;
  opportunity?: Opportunity;
  onClose: () => void;
}

export function OpportunityDrawer({ customerId, opportunity, onClose }: Props) {
  const t = useT(pipelineMessages);
  const mobile = useIsMobile();
  const message = useMessage();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      opportunity ? api.patch<Opportunity>(`/opportunities/${encodeURIComponent(opportunity.id)}`, { ...body, version: opportunity.version }) : api.post<Opportunity>('/opportunities', { ...body, customerId }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['pipeline'] }),
  });
  const quote = opportunity?.quote ?? opportunity?.draftQuote ?? null;

  const submit = async () => {
    const v = await form.validateFields();
    const body: Record<string, unknown> = {
      name: v.name,
      amount: v.amount,
      expectedClose: v.expectedClose,
      products: v.products ?? [],
      quoteStatus: v.quoteStatus,
      quoteAmount: v.quoteStatus === 'none' ? null : (v.quoteAmount ?? null),
    };
    try {
      await save.mutateAsync(body);
      void message.success(t('opp.saved'));
      onClose();
    } catch (e) {
      const fields = isApiError(e) ? formFieldErrors(e, ['name', 'amount', 'expectedClose', 'products', 'quoteStatus', 'quoteAmount']) : [];
      if (fields.length) form.setFields(fields);
      else showError(e);
    }
  };

  return (
    <Drawer
      open
      size={mobile ? '100%' : 520}
      title={opportunity ? t('opp.edit') : t('board.new')}
      onClose={onClose}
      destroyOnHidden
      data-testid="opportunity-drawer"
      extra={
        <Space>
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => void submit()} data-testid="opportunity-save">
            {t('save')}
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          name: opportunity?.name,
          amount: opportunity?.amount,
          expectedClose: opportunity?.expectedClose,
          products: opportunity?.products ?? [],
          quoteStatus: quote?.status ?? 'none',
          quoteAmount: quote?.amount,
        }}
      >
        <Form.Item name="name" label={t('opp.name')} rules={[{ required: true, whitespace: true, message: t('required') }]}>
          <Input maxLength={200} data-testid="opportunity-name" />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="amount" label={t('opp.amount')} rules={[{ required: true, message: t('required') }]} style={{ flex: '1 1 160px' }}>
            <InputNumber min={0} style={{ width: '100%' }} data-testid="opportunity-amount" />
          </Form.Item>
          <Form.Item name="expectedClose" label={t('opp.expectedClose')} rules={[{ required: true, message: t('required') }]} style={{ flex: '1 1 160px' }}>
            <Input type="date" data-testid="opportunity-close" />
          </Form.Item>
        </Flex>
        <Form.Item name="products" label={t('opp.products')}>
          <Select mode="tags" tokenSeparators={[',', '，']} maxCount={30} />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="quoteStatus" label={t('opp.quoteStatus')} style={{ flex: '1 1 160px' }}>
            <Select
              options={(['none', 'draft', 'published'] as const).map((s) => ({ value: s, label: t(`quote.${s}`) }))}
              data-testid="opportunity-quote-status"
            />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.quoteStatus !== b.quoteStatus}>
            {({ getFieldValue }) =>
              getFieldValue('quoteStatus') !== 'none' ? (
                <Form.Item name="quoteAmount" label={t('opp.quote')} rules={[{ required: true, message: t('required') }]} style={{ flex: '1 1 160px' }}>
                  <InputNumber min={0} style={{ width: '100%' }} data-testid="opportunity-quote-amount" />
                </Form.Item>
              ) : null
            }
          </Form.Item>
        </Flex>
      </Form>
    </Drawer>
  );
}
