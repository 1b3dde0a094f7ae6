import { Tag } from 'antd';
import { useT } from '../../../app/lang.js';
import { customerMessages } from '../messages.js';
import type { Kind, Stage, Tier } from '../api.js';

const TIER_COLOR: Record<Tier, string> = { KA: 'gold', A: 'blue', B: 'cyan', C: 'default' };
const STAGE_COLOR: Record<Stage, string> = { lead: 'default', opportunity: 'processing', delivery: 'cyan', renewal: 'green', churned: 'red' };

export function TierTag({ tier }: { tier?: Tier | null }) {
  if (!tier) return null;
  return (
    <Tag color={TIER_COLOR[tier] ?? 'default'} data-testid="tier-tag">
      {tier}
    </Tag>
  );
}

export function StageTag({ stage }: { stage?: Stage | null }) {
  const t = useT(customerMessages);
  if (!stage) return null;
  return (
    <Tag color={STAGE_COLOR[stage] ?? 'default'} data-testid="stage-tag">
      {t(`stage.${stage}`)}
    </Tag>
  );
}

export function KindTag({ kind }: { kind?: Kind | null }) {
  const t = useT(customerMessages);
  if (!kind) return null;
  return <Tag variant="outlined">{t(`kind.${kind}`)}</Tag>;
}
