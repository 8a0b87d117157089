import { describe, expect, it } from 'vitest';
import { requireSpendConsent, spendDecision } from '../../src/experiment/consent.js';

const aws = { endpoint: 'aws' as const, billable: true, estimatedUsd: 12.5, yes: false, interactive: false };

describe('spend consent', () => {
  it('the emulator never asks and never refuses, whatever the estimate or cap', () => {
    expect(spendDecision({ ...aws, endpoint: 'emulator', maxRunUsd: 0 })).toEqual({ action: 'proceed' });
  });
  it('on AWS a billable plan asks on a TTY, needs --yes otherwise', () => {
    expect(spendDecision({ ...aws, interactive: true }).action).toBe('ask');
    const refused = spendDecision(aws);
    expect(refused.action).toBe('refuse');
    expect(refused.action === 'refuse' && refused.message).toMatch(/--yes.*ftrag plan/);
    expect(spendDecision({ ...aws, yes: true })).toEqual({ action: 'proceed' });
    expect(spendDecision({ ...aws, billable: false })).toEqual({ action: 'proceed' });
  });
  it('an estimate above budget.maxRunUsd refuses even with --yes, naming the estimate and the cap', () => {
    const d = spendDecision({ ...aws, yes: true, maxRunUsd: 10 });
    expect(d.action).toBe('refuse');
    expect(d.action === 'refuse' && d.message).toMatch(/\$12\.5000.*maxRunUsd \(\$10\)/);
    expect(spendDecision({ ...aws, yes: true, maxRunUsd: 12.5 })).toEqual({ action: 'proceed' });
  });
  it('a "no" on the prompt refuses with exit 2; a "yes" proceeds', async () => {
    await expect(requireSpendConsent({ ...aws, interactive: true }, async () => false)).rejects.toMatchObject({ exitCode: 2 });
    await expect(requireSpendConsent({ ...aws, interactive: true }, async () => true)).resolves.toBeUndefined();
  });
});
