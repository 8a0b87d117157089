import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JournalIndex } from '../../src/runner/journal-index.js';
import { JournalWriter, type JournalRecord } from '../../src/runner/journal.js';
import { collectItems } from '../../src/schema/items.js';
import { PairOutcome } from '../../src/experiment/run-scores.js';
import { scoreRun } from '../../src/experiment/score-pass.js';
import { makeItems, tempDir } from '../runner/fakes.js';
import { join } from 'node:path';

const record = (itemId: string, systemId: string, ok: boolean, extra: Partial<JournalRecord> = {}): JournalRecord => ({
  v: 1,
  itemId,
  systemId,
  ok,
  ...(ok ? { response: { output: `${systemId} says ✓ ${itemId}`, latencyMs: 10, usage: { inputTokens: 4, outputTokens: 2 } } } : { error: { code: 'E', message: 'm' } }),
  retries: 1,
  throttles: 0,
  startedAt: 's',
  finishedAt: 'f',
  ...extra,
});

describe('scoreRun', () => {
  it('scores pairs read back from the journal in set order, keeps their figures, and streams one line per item from a spill it removes', async () => {
    const dir = tempDir();
    const items = makeItems(3);
    const index = new JournalIndex(join(dir, 'journal.jsonl'), items.length, ['a', 'b']);
    const journal = new JournalWriter(index.path);
    // Finished out of order; q0001/b failed; q0002 never ran; q0000/a answered twice (a resumed run's retry): the last line counts.
    const lines: [number, number, JournalRecord][] = [
      [1, 1, record('q0001', 'b', false)],
      [0, 0, record('q0000', 'a', true)],
      [0, 0, record('q0000', 'a', true, { retries: 3, response: { output: 'second', latencyMs: 20, serviceLatencyMs: 5 } })],
      [1, 0, record('q0001', 'a', true, { response: { output: 'a says', latencyMs: 10, connectionSetup: true } })],
      // A cached answer's set-up was the original call's, not this run's.
      [0, 1, record('q0000', 'b', true, { cached: true, response: { output: 'b says', latencyMs: 10, usage: { inputTokens: 4, outputTokens: 2 }, connectionSetup: true } })],
    ];
    for (const [item, system, r] of lines) index.set({ item, system, ...journal.append(r) });
    await journal.close();

    const seen: string[] = [];
    const run = await scoreRun(index, items, ['f1'], async (item, r) => {
      seen.push(`${item.id}/${r.systemId}`);
      return { record: r, scores: { f1: r.ok ? r.response!.output.length / 100 : 0 }, reasons: (r.ok ? {} : { f1: 'failed' }) as Record<string, string> };
    }, dir);
    expect(seen).toEqual(['q0000/a', 'q0000/b', 'q0001/a', 'q0001/b']);

    const out = await collectItems(run.items);
    expect(out.map((i) => i.id)).toEqual(['q0000', 'q0001', 'q0002']);
    expect(Object.keys(out[0].results)).toEqual(['a', 'b']);
    expect(out[0].results.a).toMatchObject({ output: 'second', retries: 3, latencyMs: 20, serviceLatencyMs: 5, scores: { f1: 0.06 } });
    expect(out[1].results.b).toMatchObject({ output: '', error: { code: 'E' }, scores: { f1: 0 }, judgeReasons: { f1: 'failed' } });
    expect(out[2].results).toEqual({});

    const { scores } = run;
    expect(scores.outcomeOf(0, 0)).toBe(PairOutcome.Answered);
    expect(scores.outcomeOf(1, 1)).toBe(PairOutcome.Failed);
    expect(scores.outcomeOf(0, 2)).toBe(PairOutcome.None);
    expect(scores.score(0, 0, 'f1')).toBe(0.06);
    expect(scores.score(0, 2, 'f1')).toBeNull();
    expect(scores.latencyMs(1, 1)).toBeNull();
    expect(Array.from(scores.latencyColumn(0))).toEqual([20, 10, NaN]);
    expect(Array.from(scores.latencyColumn(0, 'service'))).toEqual([5, NaN, NaN]);
    expect(Array.from(scores.latencyColumn(0, 'first-token'))).toEqual([NaN, NaN, NaN]);
    expect(scores.totals(0)).toMatchObject({ done: 2, errors: 0, retries: 4, inputTokens: 0, withUsage: 0, setupCalls: 1 });
    expect(scores.totals(1)).toMatchObject({ done: 2, errors: 1, retries: 2, inputTokens: 4, withUsage: 1, setupCalls: 0 });
    expect([scores.setupCalls(0), scores.setupCalls(1)]).toEqual([1, 0]);

    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(true);
    await run.discard();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(index.path)).toBe(true);
  });
});
