import { describe, expect, it } from 'vitest';
import type { EvalItem } from '../../src/datasets/types.js';
import type { RetrievedContext } from '../../src/targets/types.js';
import { createScorers, scoreOne } from '../../src/scoring/index.js';

const scorers = createScorers(['context_recall', 'context_precision']);
const item = (contexts?: string[]): EvalItem => ({ id: 'q', prompt: 'p', references: ['r'], contexts });
const run = (contexts: string[] | undefined, retrieved: RetrievedContext[] | undefined) =>
  scoreOne(scorers, { item: item(contexts), output: 'x', contexts: retrieved }).then((r) => r.scores);

describe('context_recall / context_precision', () => {
  it('is null without gold contexts or without retrieved contexts', async () => {
    expect(await run(undefined, [{ text: 'a' }])).toEqual({ context_recall: null, context_precision: null });
    expect(await run(['s3://b/doc.md'], undefined)).toEqual({ context_recall: null, context_precision: null });
  });

  it('gives recall 0 (precision null) when a RAG system retrieved nothing', async () => {
    expect(await run(['s3://b/doc.md'], [])).toEqual({ context_recall: 0, context_precision: null });
  });

  it('matches ids/URIs exactly, by basename, or by a metadata value', async () => {
    const retrieved: RetrievedContext[] = [
      { text: 'chunk 1', uri: 's3://kb-bucket/docs/pricing.md' },
      { text: 'chunk 2', uri: 's3://kb-bucket/docs/other.md' },
      { text: 'chunk 3', uri: 's3://kb-bucket/docs/x.md', metadata: { 'x-amz-bedrock-kb-chunk-id': 'chunk-42' } },
      { text: 'chunk 4', uri: 's3://kb-bucket/docs/unrelated.md' },
    ];
    const s = await run(['pricing.md', 's3://kb-bucket/docs/other.md', 'chunk-42', 'missing.md'], retrieved);
    expect(s.context_recall).toBeCloseTo(3 / 4, 12);
    expect(s.context_precision).toBeCloseTo(3 / 4, 12);
  });

  it('matches passages by containment or SQuAD token F1 >= 0.5', async () => {
    const gold = ['The Eiffel Tower is 330 metres tall.', 'Zebras are native to Africa and have black and white stripes.'];
    const retrieved: RetrievedContext[] = [
      { text: 'Facts: the Eiffel Tower is 330 metres tall, and it was finished in 1889.' }, // contains gold 1
      { text: 'zebras native africa black white stripes' }, // F1 with gold 2 >= 0.5
      { text: 'Penguins live in the southern hemisphere.' },
    ];
    const s = await run(gold, retrieved);
    expect(s.context_recall).toBe(1);
    expect(s.context_precision).toBeCloseTo(2 / 3, 12);
  });
});
