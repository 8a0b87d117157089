import { describe, expect, it } from 'vitest';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { EvalItem } from '../../src/datasets/types.js';
import { createScorers, isBinaryMetric, METRIC_NAMES, scoreOne } from '../../src/scoring/index.js';
import { InputError } from '../../src/util/errors.js';

const item = (over: Partial<EvalItem> = {}): EvalItem => ({ id: 'q1', prompt: 'Capital of France?', references: ['Paris'], ...over });

describe('createScorers', () => {
  it('builds every deterministic metric and marks binary ones', () => {
    const names = ['exact', 'f1', 'contains', 'regex', 'rouge1', 'rouge2', 'rougeL', 'context_recall', 'context_precision'];
    const scorers = createScorers(names);
    expect(scorers.map((s) => s.name)).toEqual(names);
    expect(scorers.filter((s) => s.binary).map((s) => s.name)).toEqual(['exact', 'contains', 'regex']);
    for (const s of scorers) expect(s.binary).toBe(isBinaryMetric(s.name));
    expect(METRIC_NAMES).toContain('Builtin.Correctness');
  });

  it('rejects an unknown metric with an InputError on field "metrics"', () => {
    expect(() => createScorers(['exact', 'bleu'])).toThrow(InputError);
    try {
      createScorers(['bleu']);
    } catch (err) {
      expect((err as InputError).location.field).toBe('metrics');
      expect((err as Error).message).toContain('bleu');
    }
  });

  it('refuses model-backed metrics without a runtime client, and the judge without a model id', () => {
    expect(() => createScorers(['semantic'])).toThrow(/runtime client/);
    expect(() => createScorers(['Builtin.Correctness'])).toThrow(/runtime client/);
    const runtime = new BedrockRuntimeClient({ region: 'us-east-1' });
    expect(() => createScorers(['Builtin.Correctness'], { runtime })).toThrow(/judge model/);
    expect(createScorers(['semantic', 'Builtin.Faithfulness'], { runtime, judgeModelId: 'm' })).toHaveLength(2);
    runtime.destroy();
  });
});

describe('scoreOne with the lexical metrics', () => {
  const scorers = createScorers(['exact', 'f1', 'contains', 'regex', 'rouge1', 'rouge2', 'rougeL']);

  it('scores a correct, wordy answer', async () => {
    const { scores, reasons } = await scoreOne(scorers, { item: item(), output: 'The capital is Paris.' });
    expect(scores.exact).toBe(0);
    expect(scores.f1).toBeCloseTo(0.5, 12); // SQuAD drops 'the': P = 1/3, R = 1
    expect(scores.contains).toBe(1);
    expect(scores.regex).toBeNull();
    expect(scores.rouge1).toBeCloseTo(0.4, 12); // ROUGE keeps 'the': P = 1/4, R = 1
    expect(reasons).toEqual({});
  });

  it('takes the max over references for ROUGE, and gives null on unanswerable items', async () => {
    const multi = await scoreOne(scorers, { item: item({ references: ['Lyon', 'Paris France'] }), output: 'Paris France' });
    expect(multi.scores.rougeL).toBe(1);
    const noAnswer = await scoreOne(scorers, { item: item({ references: [''] }), output: '' });
    expect(noAnswer.scores.exact).toBe(1);
    expect(noAnswer.scores.rougeL).toBeNull();
  });

  it('regex searches the output with the pattern from metadata.regex', async () => {
    const it1 = item({ metadata: { regex: '^\\d{3}-\\d{4}$' } });
    expect((await scoreOne(scorers, { item: it1, output: '555-1234' })).scores.regex).toBe(1);
    expect((await scoreOne(scorers, { item: it1, output: 'call 555-1234' })).scores.regex).toBe(0);
    const ci = item({ metadata: { regex: 'paris', regexFlags: 'i' } });
    expect((await scoreOne(scorers, { item: ci, output: 'PARIS' })).scores.regex).toBe(1);
    await expect(scoreOne(scorers, { item: item({ metadata: { regex: '(' } }), output: 'x' })).rejects.toThrow(InputError);
  });
});
