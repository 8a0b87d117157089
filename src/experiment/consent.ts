/**
 * Consent before spending on AWS: a run (or `ftrag train`) whose plan creates billable resources asks on a TTY and
 * needs `--yes` otherwise; an estimate above `budget.maxRunUsd` refuses. The emulator bills nothing, so it never asks.
 */
import { InputError } from '../util/errors.js';

export interface SpendInput {
  endpoint: 'emulator' | 'aws';
  /** The plan creates at least one billable resource (planRun's `billable`). */
  billable: boolean;
  estimatedUsd: number;
  maxRunUsd?: number;
  yes: boolean;
  interactive: boolean;
}

export type SpendDecision = { action: 'proceed' } | { action: 'ask'; question: string } | { action: 'refuse'; message: string };

export function spendDecision(input: SpendInput): SpendDecision {
  if (input.endpoint !== 'aws') return { action: 'proceed' };
  const estimate = `$${input.estimatedUsd.toFixed(4)}`;
  if (input.maxRunUsd !== undefined && input.estimatedUsd > input.maxRunUsd) {
    return { action: 'refuse', message: `the estimated cost of this run (${estimate}) is above budget.maxRunUsd ($${input.maxRunUsd}); nothing was created (see \`ftrag plan\`)` };
  }
  if (!input.billable || input.yes) return { action: 'proceed' };
  if (input.interactive) return { action: 'ask', question: `This run creates billable AWS resources (estimated ${estimate}; \`ftrag plan\` lists them). Proceed? [y/N] ` };
  return { action: 'refuse', message: `this run creates billable AWS resources (estimated ${estimate}): pass --yes to proceed, or run \`ftrag plan\` to see what it would create` };
}

/** Applies the decision: throws an exit-2 error on refusal or a "no" answer. */
export async function requireSpendConsent(input: SpendInput, confirm: (question: string) => Promise<boolean>): Promise<void> {
  const decision = spendDecision(input);
  if (decision.action === 'refuse') throw new InputError(decision.message);
  if (decision.action === 'ask' && !(await confirm(decision.question))) throw new InputError('not confirmed: nothing was created');
}

/** Asks on the terminal (stdin/stderr); only used when both are TTYs. */
export async function askOnTerminal(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
