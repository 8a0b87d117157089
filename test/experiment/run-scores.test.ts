import { describe, expect, it } from 'vitest';
import { PairOutcome, RunScores } from '../../src/experiment/run-scores.js';
import type { JournalRecord } from '../../src/runner/journal.js';

const at = '2026-12-04T00:00:00.000Z';

function record(ok: boolean, latencyMs?: number, extra: { serviceLatencyMs?: number; firstTokenMs?: number } = {}): JournalRecord {
  return {
    v: 1,
    itemId: 'i',
    systemId: 's',
    ok,
    ...(ok && latencyMs !== undefined ? { response: { output: 'x', latencyMs, ...extra, usage: { inputTokens: 3, outputTokens: 1 } } } : {}),
    ...(ok ? {} : { error: { code: 'Throttling', message: 'slow down' } }),
    retries: 0,
    throttles: 0,
    startedAt: at,
    finishedAt: at,
  };
}

describe('RunScores', () => {
  it('latency columns are views in shared memory, NaN exactly where a pair was not answered', () => {
    const scores = new RunScores(3, ['a', 'b'], ['f1']);
    scores.set(1, 0, { record: record(true, 120, { serviceLatencyMs: 90, firstTokenMs: 40 }), scores: { f1: 0.5 } });
    scores.set(1, 1, { record: record(true, 130), scores: { f1: 1 } });
    // Answered once, then set again as failed (a pair scored anew): nothing of the first answer stays.
    scores.set(1, 1, { record: record(false), scores: { f1: 0 } });
    scores.set(1, 2, { record: record(true), scores: { f1: null } });

    const client = scores.latencyColumn(1);
    expect(client.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(scores.metricValues(1, 'f1').buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(client)).toEqual([120, NaN, NaN]);
    expect(Array.from(scores.latencyColumn(1, 'service'))).toEqual([90, NaN, NaN]);
    expect(Array.from(scores.latencyColumn(1, 'first-token'))).toEqual([40, NaN, NaN]);
    expect(Array.from(scores.latencyColumn(0))).toEqual([NaN, NaN, NaN]);
    expect(Array.from(scores.metricValues(1, 'f1'))).toEqual([0.5, 0, NaN]);
    expect(scores.outcomeOf(1, 1)).toBe(PairOutcome.Failed);
    expect(scores.outcomeOf(1, 2)).toBe(PairOutcome.Empty);
    expect(scores.totals(1)).toMatchObject({ done: 3, errors: 1, withUsage: 1, inputTokens: 3, outputTokens: 1 });
  });
});
