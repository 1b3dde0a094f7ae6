import { describe, expect, it } from 'vitest';
import { canSubmitPromises, todayIn, type MilestoneState } from './promise.js';

const base: MilestoneState = { key: 1, promisedDate: '2026-12-10', scope: '上线', deliveryTeamId: 't', load: 2 };
const verdict = (ok: boolean) => ({ ok, source: 'internal' as const, week: '2026-W50', capacity: 10, booked: ok ? 0 : 10, free: ok ? 10 : 0, load: 2, alternatives: [] });

describe('promise form', () => {
  it('[C7] a conflicting, unchecked or still-checking promised date cannot be submitted', () => {
    expect(canSubmitPromises([{ ...base, verdict: verdict(true) }])).toBe(true);
    expect(canSubmitPromises([{ ...base, verdict: verdict(false) }])).toBe(false);
    expect(canSubmitPromises([{ ...base }])).toBe(false);
    expect(canSubmitPromises([{ ...base, verdict: verdict(true), checking: true }])).toBe(false);
    expect(canSubmitPromises([{ ...base, scope: ' ', verdict: verdict(true) }])).toBe(false);
    expect(canSubmitPromises([])).toBe(true);
    // A saved milestone left as it was is already promised (its date may have passed since).
    expect(canSubmitPromises([{ ...base, promisedDate: '2026-01-05', original: true }])).toBe(true);
  });

  it('[C7] today is the tenant zone date', () => {
    expect(todayIn('Asia/Shanghai', new Date('2026-11-29T17:30:00Z'))).toBe('2026-11-30');
  });
});
