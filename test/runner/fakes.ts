import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalItem } from '../../src/datasets/types.js';
import { TargetError, type SystemKind, type Target, type TargetRequest, type TargetResponse } from '../../src/targets/types.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ftrag-runner-'));
}

export function makeItems(n: number): EvalItem[] {
  return Array.from({ length: n }, (_, i) => ({ id: `q${String(i).padStart(4, '0')}`, prompt: `question ${i}`, references: [`answer ${i}`] }));
}

export interface FakeCall {
  itemId: string;
  attempt: number;
}

export interface FakeTarget extends Target {
  calls: FakeCall[];
  inFlight: number;
  maxInFlight: number;
}

/**
 * A target whose behaviour per call is scripted: `behave(itemId, attempt)` returns an answer, throws, or hangs.
 * Delays use real timers but are tiny; nothing asserts on time.
 */
export function fakeTarget(
  id: string,
  behave: (itemId: string, attempt: number, req: TargetRequest) => 'ok' | 'hang' | TargetError | Error = () => 'ok',
  opts: { delayMs?: number; kind?: SystemKind } = {},
): FakeTarget {
  const attempts = new Map<string, number>();
  const t: FakeTarget = {
    id,
    kind: opts.kind ?? 'base',
    modelId: `model-${id}`,
    calls: [],
    inFlight: 0,
    maxInFlight: 0,
    async invoke(req: TargetRequest, { signal }): Promise<TargetResponse> {
      const attempt = attempts.get(req.itemId) ?? 0;
      attempts.set(req.itemId, attempt + 1);
      t.calls.push({ itemId: req.itemId, attempt });
      t.inFlight++;
      t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
      try {
        const what = behave(req.itemId, attempt, req);
        if (what === 'hang') await new Promise(() => undefined); // ignores the signal on purpose
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 1));
        if (signal.aborted) throw new Error('aborted');
        if (what instanceof Error) throw what;
        return { output: `${id}:${req.prompt}`, latencyMs: 1 + attempt, usage: { inputTokens: 3, outputTokens: 2 } };
      } finally {
        t.inFlight--;
      }
    },
  };
  return t;
}

export const throttle = () => new TargetError('Too many requests, please wait before trying again.', 'ThrottlingException', { retryable: true, throttled: true });
export const serverError = () => new TargetError('boom', 'InternalServerException', { retryable: true });
export const invalid = () => new TargetError('The provided model identifier is invalid.', 'ValidationException', { retryable: false });
