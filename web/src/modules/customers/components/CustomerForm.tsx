// One form for creating (every field) and editing (only the fields the server says this
// role may write: `_abilities.writable`). The server validates again and has the last word.
import { Col, Form, Input, InputNumber, Row, Segmented, Select, type FormInstance } from 'antd';
import { useT } from '../../../app/lang.js';
import { useIsMobile } from '../../../app/media.js';
import { appMessages } from '../../../app/messages.js';
import { UserSelect } from '../../org/UserSelect.js';
import { STAGES, TIERS, type Customer } from '../api.js';
import { customerMessages } from '../messages.js';
import type { FormField } from '../edit.js';

export type CustomerFormValues = Partial<Record<FormField, unknown>>;

const CREDIT_RE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const MOBILE_RE = /^(\+?86)?1\d{10}$/;

interface Props {
  form: FormInstance<CustomerFormValues>;
  mode: 'create' | 'edit';
  /** Edit: the record being edited (its values prefill the form). */
  record?: Customer;
  /** Edit: `_abilities.writable`. */
  writable?: readonly string[];
  onFinish: (values: CustomerFormValues) => void;
}

export function customerToFormValues(c: Customer): CustomerFormValues {
  return {
    kind: c.kind,
    name: c.name,
    creditCode: c.creditCode ?? undefined,
    mobile: c.mobile ?? undefined,
    contactName: c.contactName ?? undefined,
    industry: c.industry ?? undefined,
    tier: c.tier,
    stage: c.stage,
    ownerId: c.ownerId ?? undefined,
    province: c.province ?? undefined,
    city: c.city ?? undefined,
    address: c.address ?? undefined,
    lat: c.lat ?? undefined,
    lng: c.lng ?? undefined,
    tags: c.tags ?? [],
  };
}

export function CustomerForm({ form, mode, record, writable, onFinish }: Props) {
  const t = useT(customerMessages);
  const ta = useT(appMessages);
  const mobile = useIsMobile();
  const show = (f: FormField) => mode === 'create' || !!writable?.includes(f);
  const kind = Form.useWatch('kind', form) ?? record?.kind;
  const span = mobile ? 24 : 12;
  const tid = (f: string) => `customer-form-${f}`;

  const compact = (v: unknown) => (typeof v === 'string' ? v.replace(/[\s-]/g, '') : v);
  // A value shown masked (138****0000) is kept as it came unless the user retypes it.
  const unchanged = (f: FormField, v: unknown) => mode === 'edit' && !!record && v === (record as unknown as Record<string, unknown>)[f];
  const maskedNote = (f: FormField) => (record?._abilities.masked.includes(f) ? ta('masked.tip') : undefined);

  return (
    <Form<CustomerFormValues>
      form={form}
      layout="vertical"
      onFinish={onFinish}
      initialValues={mode === 'edit' && record ? customerToFormValues(record) : { kind: 'org', tier: 'C', stage: 'lead', tags: [] }}
      data-testid="customer-form"
    >
      <Row gutter={16}>
        {show('kind') ? (
          <Col span={24}>
            <Form.Item name="kind" label={t('field.kind')}>
              <Segmented
                data-testid={tid('kind')}
                options={[
                  { value: 'org', label: t('kind.org') },
                  { value: 'person', label: t('kind.person') },
                ]}
              />
            </Form.Item>
          </Col>
        ) : null}
        {show('name') ? (
          <Col span={24}>
            <Form.Item name="name" label={t('field.name')} extra={maskedNote('name')} rules={[{ required: true, whitespace: true, message: t('form.required', { field: t('field.name') }) }]}>
              <Input maxLength={200} data-testid={tid('name')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('creditCode') ? (
          <Col span={span}>
            <Form.Item
              name="creditCode"
              label={t('field.creditCode')}
              extra={maskedNote('creditCode')}
              dependencies={['kind']}
              normalize={(v: string) => (typeof v === 'string' ? v.toUpperCase() : v)}
              rules={[
                { required: kind === 'org' && (mode === 'create' || !record?.creditCode), message: t('form.orgNeedsCredit') },
                { validator: async (_r, v) => (!v || unchanged('creditCode', v) || CREDIT_RE.test(String(compact(v))) ? undefined : Promise.reject(new Error(t('form.creditFormat')))) },
              ]}
            >
              <Input maxLength={24} data-testid={tid('creditCode')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('mobile') ? (
          <Col span={span}>
            <Form.Item
              name="mobile"
              label={t('field.mobile')}
              extra={maskedNote('mobile')}
              dependencies={['kind']}
              rules={[
                { required: kind === 'person' && (mode === 'create' || !record?.mobile), message: t('form.personNeedsMobile') },
                { validator: async (_r, v) => (!v || unchanged('mobile', v) || MOBILE_RE.test(String(compact(v))) ? undefined : Promise.reject(new Error(t('form.mobileFormat')))) },
              ]}
            >
              <Input inputMode="tel" maxLength={20} data-testid={tid('mobile')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('contactName') ? (
          <Col span={span}>
            <Form.Item name="contactName" label={t('field.contactName')} extra={maskedNote('contactName')}>
              <Input maxLength={50} data-testid={tid('contactName')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('industry') ? (
          <Col span={span}>
            <Form.Item name="industry" label={t('field.industry')}>
              <Input maxLength={50} data-testid={tid('industry')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('tier') ? (
          <Col span={span}>
            <Form.Item name="tier" label={t('field.tier')}>
              <Select data-testid={tid('tier')} options={TIERS.map((v) => ({ value: v, label: v }))} />
            </Form.Item>
          </Col>
        ) : null}
        {show('stage') ? (
          <Col span={span}>
            <Form.Item name="stage" label={t('field.stage')}>
              <Select data-testid={tid('stage')} options={STAGES.map((v) => ({ value: v, label: t(`stage.${v}`) }))} />
            </Form.Item>
          </Col>
        ) : null}
        {show('ownerId') ? (
          <Col span={span}>
            <Form.Item name="ownerId" label={t('field.ownerId')}>
              <UserSelect testId={tid('ownerId')} currentLabel={record?.ownerName} />
            </Form.Item>
          </Col>
        ) : null}
        {show('province') ? (
          <Col span={span}>
            <Form.Item name="province" label={t('field.province')}>
              <Input maxLength={30} data-testid={tid('province')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('city') ? (
          <Col span={span}>
            <Form.Item name="city" label={t('field.city')}>
              <Input maxLength={30} data-testid={tid('city')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('address') ? (
          <Col span={24}>
            <Form.Item name="address" label={t('field.address')} extra={maskedNote('address')}>
              <Input maxLength={300} data-testid={tid('address')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('lat') ? (
          <Col span={span}>
            <Form.Item name="lat" label={t('field.lat')}>
              <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} data-testid={tid('lat')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('lng') ? (
          <Col span={span}>
            <Form.Item name="lng" label={t('field.lng')}>
              <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} data-testid={tid('lng')} />
            </Form.Item>
          </Col>
        ) : null}
        {show('tags') ? (
          <Col span={24}>
            <Form.Item name="tags" label={t('field.tags')} extra={t('form.tagsHint')}>
              <Select mode="tags" open={false} suffixIcon={null} maxCount={30} data-testid={tid('tags')} />
            </Form.Item>
          </Col>
        ) : null}
      </Row>
    </Form>
  );
}
