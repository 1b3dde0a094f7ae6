// Contract form (C8) with the promise check (C7): every promised milestone is checked against
// delivery capacity as it is typed; a conflicting date shows the nearest dates with room as
// one-click choices, and the form cannot be submitted while any date conflicts.
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Drawer, Flex, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useMe } from '../../app/auth.js';
import { useT } from '../../app/lang.js';
import { useIsMobile } from '../../app/media.js';
import { isApiError } from '../../app/problem.js';
import { useMessage } from '../../ui/feedback.js';
import { useShowError } from '../../ui/useShowError.js';
import { CONTRACT_STATUSES, promiseCheck, useDeliveryTeams, useSaveContract, type Contract, type Opportunity, type PromiseVerdict } from './api.js';
import { pipelineMessages } from './messages.js';
import { canSubmitPromises, complete, todayIn, type MilestoneState } from './promise.js';

interface Props {
  customerId: string;
  contract?: Contract;
  wonOpportunities: Opportunity[];
  onClose: () => void;
}

let seq = 0;

export function ContractDrawer({ customerId, contract, wonOpportunities, onClose }: Props) {
  const t = useT(pipelineMessages);
  const me = useMe();
  const mobile = useIsMobile();
  const message = useMessage();
  const showError = useShowError();
  const teams = useDeliveryTeams();
  const save = useSaveContract(customerId);
  const [form] = Form.useForm();
  const today = todayIn(me.tenant.timeZone);
  const [milestones, setMilestones] = useState<MilestoneState[]>(() =>
    (contract?.milestones ?? []).map((m) => ({ key: ++seq, promisedDate: m.promisedDate, scope: m.scope, deliveryTeamId: m.deliveryTeamId, load: m.load, original: true })),
  );
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const patch = (key: number, p: Partial<MilestoneState>) => setMilestones((ms) => ms.map((m) => (m.key === key ? { ...m, ...p } : m)));

  // Re-check a milestone whenever its date, team or load changes (debounced; the answer is kept only if the inputs are unchanged).
  const check = (m: MilestoneState) => {
    const prev = timers.current.get(m.key);
    if (prev) clearTimeout(prev);
    if (!m.promisedDate || !m.deliveryTeamId || !(m.load > 0)) return;
    timers.current.set(
      m.key,
      setTimeout(async () => {
        try {
          const verdict = await promiseCheck({ deliveryTeamId: m.deliveryTeamId, promisedDate: m.promisedDate, load: m.load, contractId: contract?.id });
          setMilestones((ms) => ms.map((x) => (x.key === m.key && x.promisedDate === m.promisedDate && x.deliveryTeamId === m.deliveryTeamId && x.load === m.load ? { ...x, verdict, checking: false, error: undefined } : x)));
        } catch (e) {
          setMilestones((ms) => ms.map((x) => (x.key === m.key ? { ...x, checking: false, verdict: undefined, error: isApiError(e) ? e.detail : String(e) } : x)));
        }
      }, 250),
    );
  };

  useEffect(() => {
    milestones.forEach((m) => {
      if (!m.original && !m.verdict && !m.checking && complete({ ...m, scope: m.scope || 'x' })) {
        patch(m.key, { checking: true });
        check(m);
      }
    });
  }, [milestones]);

  useEffect(() => () => timers.current.forEach((x) => clearTimeout(x)), []);

  const change = (key: number, p: Partial<MilestoneState>) => {
    setMilestones((ms) => ms.map((m) => (m.key === key ? { ...m, ...p, verdict: undefined, checking: false, error: undefined, original: false } : m)));
  };

  const blocked = !canSubmitPromises(milestones);

  const submit = async () => {
    const v = await form.validateFields();
    const ratio = v.prepaymentRatio === null || v.prepaymentRatio === undefined ? undefined : v.prepaymentRatio / 100;
    const body: Record<string, unknown> = {
      number: v.number,
      title: v.title ?? '',
      signedOn: v.signedOn || null,
      amount: v.amount,
      paymentTerms: v.paymentTerms ?? '',
      status: v.status,
      prepaidReceived: v.prepaidReceived ?? 0,
    };
    const saved = contract?.milestones ?? [];
    const unchanged = milestones.length === saved.length && milestones.every((m, i) => m.original && m.scope === saved[i].scope);
    if (!unchanged) body.milestones = milestones.map((m) => ({ promisedDate: m.promisedDate, scope: m.scope.trim(), deliveryTeamId: m.deliveryTeamId, load: m.load }));
    if (ratio !== undefined) body.prepaymentRatio = ratio;
    if (!contract && v.opportunityId) body.opportunityId = v.opportunityId;
    if (contract) body.prepaymentRatio = ratio ?? null;
    if (contract) body.prepaymentAmount = null;
    try {
      await save.mutateAsync({ id: contract?.id, version: contract?.version, body });
      void message.success(t('contract.saved'));
      onClose();
    } catch (e) {
      if (isApiError(e) && e.code === 'promise_exceeds_capacity') {
        const b = e.body as unknown as PromiseVerdict & { milestoneIndex: number };
        const target = milestones[b.milestoneIndex];
        if (target) patch(target.key, { verdict: { ...b, ok: false, source: 'internal' } });
      }
      showError(e);
    }
  };

  return (
    <Drawer
      open
      size={mobile ? '100%' : 640}
      title={contract ? t('contract.edit') : t('contract.new')}
      onClose={onClose}
      destroyOnHidden
      data-testid="contract-drawer"
      extra={
        <Space>
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button type="primary" onClick={() => void submit()} disabled={blocked} loading={save.isPending} data-testid="contract-save">
            {t('save')}
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          number: contract?.number,
          title: contract?.title,
          signedOn: contract?.signedOn ?? '',
          amount: contract?.amount,
          paymentTerms: contract?.paymentTerms,
          prepaymentRatio: contract?.prepaymentRatio === null || contract?.prepaymentRatio === undefined ? undefined : Math.round(contract.prepaymentRatio * 10000) / 100,
          prepaidReceived: contract?.prepaidReceived ?? 0,
          status: contract?.status ?? 'signed',
          opportunityId: contract?.opportunityId ?? undefined,
        }}
      >
        <Flex gap={12} wrap>
          <Form.Item name="number" label={t('contract.number')} rules={[{ required: true, message: t('required') }]} style={{ flex: '1 1 200px' }}>
            <Input maxLength={60} data-testid="contract-number" />
          </Form.Item>
          <Form.Item name="title" label={t('contract.title')} style={{ flex: '2 1 260px' }}>
            <Input maxLength={200} data-testid="contract-title" />
          </Form.Item>
        </Flex>
        <Flex gap={12} wrap>
          <Form.Item name="amount" label={t('contract.amount')} rules={[{ required: true, message: t('required') }]} style={{ flex: '1 1 160px' }}>
            <InputNumber min={0} style={{ width: '100%' }} data-testid="contract-amount" />
          </Form.Item>
          <Form.Item name="signedOn" label={t('contract.signedOn')} style={{ flex: '1 1 160px' }}>
            <Input type="date" data-testid="contract-signed-on" />
          </Form.Item>
          <Form.Item name="status" label={t('contract.status')} style={{ flex: '1 1 140px' }}>
            <Select options={CONTRACT_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))} data-testid="contract-status" />
          </Form.Item>
        </Flex>
        <Form.Item name="paymentTerms" label={t('contract.paymentTerms')}>
          <Input maxLength={500} />
        </Form.Item>
        <Flex gap={12} wrap>
          <Form.Item name="prepaymentRatio" label={t('contract.prepaymentRatio')} style={{ flex: '1 1 140px' }}>
            <InputNumber min={0} max={100} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="prepaidReceived" label={t('contract.prepaidReceived')} style={{ flex: '1 1 140px' }}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
          {!contract && wonOpportunities.length ? (
            <Form.Item name="opportunityId" label={t('contract.opportunity')} style={{ flex: '1 1 200px' }}>
              <Select allowClear options={wonOpportunities.map((o) => ({ value: o.id, label: o.name }))} />
            </Form.Item>
          ) : null}
        </Flex>
      </Form>

      <Typography.Title level={5}>{t('contract.milestones')}</Typography.Title>
      {milestones.map((m, i) => (
        <div key={m.key} style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 10, marginBottom: 10 }} data-testid={`milestone-${i}`}>
          <Flex gap={8} wrap align="flex-end">
            <label style={{ flex: '1 1 150px' }}>
              <div style={{ fontSize: 12 }}>{t('contract.milestone.date')}</div>
              <Input type="date" min={today} value={m.promisedDate} onChange={(e) => change(m.key, { promisedDate: e.target.value })} data-testid={`milestone-${i}-date`} />
            </label>
            <label style={{ flex: '1 1 150px' }}>
              <div style={{ fontSize: 12 }}>{t('contract.milestone.team')}</div>
              <Select
                style={{ width: '100%' }}
                value={m.deliveryTeamId || undefined}
                loading={teams.isLoading}
                onChange={(v) => change(m.key, { deliveryTeamId: v })}
                options={(teams.data ?? []).map((x) => ({ value: x.id, label: `${x.name}（${t(`delivery.unit.${x.unit}`)}）` }))}
                data-testid={`milestone-${i}-team`}
              />
            </label>
            <label style={{ flex: '0 1 100px' }}>
              <div style={{ fontSize: 12 }}>{t('contract.milestone.load')}</div>
              <InputNumber min={0.5} step={0.5} value={m.load} onChange={(v) => change(m.key, { load: Number(v ?? 0) })} style={{ width: '100%' }} data-testid={`milestone-${i}-load`} />
            </label>
            <Button icon={<DeleteOutlined />} aria-label={t('contract.milestone.remove')} onClick={() => setMilestones((ms) => ms.filter((x) => x.key !== m.key))} />
          </Flex>
          <Input
            style={{ marginTop: 8 }}
            placeholder={t('contract.milestone.scope')}
            value={m.scope}
            maxLength={300}
            onChange={(e) => patch(m.key, { scope: e.target.value })}
            data-testid={`milestone-${i}-scope`}
          />
          <Verdict m={m} index={i} onPick={(date) => change(m.key, { promisedDate: date })} />
        </div>
      ))}
      <Button icon={<PlusOutlined />} onClick={() => setMilestones((ms) => [...ms, { key: ++seq, promisedDate: '', scope: '', deliveryTeamId: teams.data?.[0]?.id ?? '', load: 1 }])} data-testid="milestone-add">
        {t('contract.milestone.add')}
      </Button>
      {blocked && milestones.some((m) => m.verdict && !m.verdict.ok) ? (
        <Alert type="warning" style={{ marginTop: 12 }} title={t('promise.blocked')} data-testid="promise-blocked" />
      ) : null}
    </Drawer>
  );
}

function Verdict({ m, index, onPick }: { m: MilestoneState; index: number; onPick: (date: string) => void }) {
  const t = useT(pipelineMessages);
  if (m.error) return <Alert type="error" style={{ marginTop: 8 }} title={t('promise.unavailable', { detail: m.error })} data-testid={`milestone-${index}-error`} />;
  if (m.checking) return <div style={{ marginTop: 8, fontSize: 12 }}>{t('promise.checking')}</div>;
  const v = m.verdict;
  if (!v) return null;
  if (v.ok) {
    return (
      <div style={{ marginTop: 8, color: '#389e0d', fontSize: 13 }} data-testid={`milestone-${index}-ok`}>
        {t('promise.ok', { week: v.week, free: v.free, load: v.load })}
      </div>
    );
  }
  return (
    <Alert
      type="error"
      style={{ marginTop: 8 }}
      data-testid={`milestone-${index}-conflict`}
      title={t('promise.conflict', { week: v.week, free: v.free, load: v.load })}
      description={
        v.alternatives.length ? (
          <Flex gap={8} wrap>
            {v.alternatives.map((a, k) => (
              <Button key={a.date} size="small" onClick={() => onPick(a.date)} data-testid={`milestone-${index}-alt-${k}`} data-date={a.date}>
                {t('promise.pick', { direction: t(a.direction === 'before' ? 'promise.before' : 'promise.after'), date: a.date, week: a.week, free: a.free })}
              </Button>
            ))}
          </Flex>
        ) : (
          t('promise.noAlternative')
        )
      }
    />
  );
}
