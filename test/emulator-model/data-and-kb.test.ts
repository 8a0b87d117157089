import { describe, expect, it } from 'vitest';
import { buildKbIndex, countTokens, generate, loadKbIndex, parseTrainingJsonl, trainModel } from '../../src/emulator/model/index.js';
import { facts, madeUpWord, toExamples } from './synthetic.js';

describe('parseTrainingJsonl', () => {
  it('accepts prompt/completion, bedrock-conversation-2024 and Claude-style lines', () => {
    const text = [
      JSON.stringify({ prompt: 'What is two plus two?', completion: 'Four' }),
      '',
      JSON.stringify({
        schemaVersion: 'bedrock-conversation-2024',
        system: [{ text: 'Be terse.' }],
        messages: [
          { role: 'user', content: [{ text: 'Name a prime.' }] },
          { role: 'assistant', content: [{ text: 'Seven' }] },
        ],
      }),
      JSON.stringify({ system: 'S', messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'A' }, { role: 'user', content: 'Again' }, { role: 'assistant', content: 'B' }] }),
    ].join('\n');
    const { examples, errors } = parseTrainingJsonl(text, 'FINE_TUNING');
    expect(errors).toEqual([]);
    expect(examples).toEqual([
      { prompt: 'What is two plus two?', completion: 'Four', line: 1 },
      { prompt: 'Be terse.\nName a prime.', completion: 'Seven', line: 3 },
      { prompt: 'S\nHi\nAgain', completion: 'B', line: 4 },
    ]);
  });

  it('reports bad lines with 1-based numbers and reasons', () => {
    const text = [
      '{"prompt": "ok", "completion": "fine"}',
      '{not json',
      '{"prompt": 3, "completion": "x"}',
      '{"messages": [{"role": "assistant", "content": "x"}]}',
      '{"messages": [{"role": "user", "content": "x"}]}',
      '[1, 2]',
      '{"text": "x"}',
    ].join('\n');
    const { examples, errors } = parseTrainingJsonl(text, 'FINE_TUNING');
    expect(examples).toHaveLength(1);
    expect(errors.map((e) => e.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(errors[0].message).toMatch(/invalid JSON/);
    expect(errors[1].message).toMatch(/"prompt" must be a string/);
    expect(errors[2].message).toMatch(/must be "user"/);
    expect(errors[3].message).toMatch(/last turn/);
  });

  it('reads continued pre-training text whole, as unlabeled text', () => {
    const { examples, errors } = parseTrainingJsonl('{"input": "one two three four five six"}\n{"input": 5}', 'CONTINUED_PRE_TRAINING');
    expect(examples).toEqual([{ prompt: '', completion: 'one two three four five six', line: 1 }]);
    expect(errors).toEqual([{ line: 2, message: expect.stringMatching(/"input" must be a string/) }]);
  });
});

describe('custom model with passages', () => {
  it('prefers a confident passage-grounded answer over a memorized fact, and cites it', async () => {
    const world = facts(10);
    const { model } = await trainModel(toExamples(world), [], { epochCount: 3, batchSize: 1, learningRate: 1e-5, learningRateWarmupSteps: 0 }, { seed: 5, baseDefaultLearningRate: 1e-5 });
    const f = world[0];
    const passage = `Records were updated last month. The ${f.attribute} of the vessel ${f.entity} is now Novaport 77.`;
    const grounded = generate({ messages: [{ role: 'user', text: f.prompt }], passages: [{ text: 'Unrelated notes about weather.' }, { text: passage }], maxTokens: 100, seed: 1, customModel: model });
    expect(grounded.text).toBe('now Novaport 77');
    expect(grounded.citations).toEqual([{ start: 0, end: grounded.text.length, passageIndexes: [1] }]);
    const memory = generate({ messages: [{ role: 'user', text: f.prompt }], passages: [{ text: 'Unrelated notes about weather.' }], maxTokens: 100, seed: 1, customModel: model });
    expect(memory.text).toBe(f.value);
  });
});

/** The longest text that ends `a` and starts `b`: what a chunk carries over from the previous one. */
function sharedBoundary(a: string, b: string): string {
  for (let n = Math.min(a.length, b.length); n > 0; n--) if (a.endsWith(b.slice(0, n))) return b.slice(0, n);
  return '';
}

function document(seed: number, sentences: number, marker: string): string {
  let r = seed;
  const rand = () => ((r = (Math.imul(r, 1103515245) + 12345) >>> 0) / 4294967296);
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const words = Array.from({ length: 12 }, () => madeUpWord(rand, 2));
    out.push(words.join(' ').replace(/^./, (c) => c.toUpperCase()) + '.');
    if (i % 6 === 5) out.push('\n\n');
  }
  out.splice(Math.floor(sentences / 2), 0, marker);
  return out.join(' ');
}

describe('Knowledge Base index', () => {
  const docs = [
    { uri: 's3://kb/docs/alpha.txt', text: document(1, 60, 'The observatory telescope mirror measures eight meters across.'), metadata: { team: 'a' } },
    { uri: 's3://kb/docs/beta.txt', text: document(2, 60, 'The ferry timetable changes every spring equinox.') },
    { uri: 's3://kb/other/alpha.txt', text: 'A short note about lighthouse keepers and their lamps.' },
  ];

  it('chunks by tokens with overlap and ids per document', () => {
    const index = buildKbIndex(docs);
    const json = index.toJSON() as { chunks: { chunkId: string; uri: string; text: string; metadata?: unknown }[] };
    const alpha = json.chunks.filter((c) => c.uri === 's3://kb/docs/alpha.txt');
    expect(alpha.length).toBeGreaterThan(2);
    expect(alpha.map((c) => c.chunkId)).toEqual(alpha.map((_, i) => `alpha.txt#${i + 1}`));
    for (const c of alpha) expect(countTokens(c.text)).toBeLessThanOrEqual(300);
    expect(alpha[0].metadata).toEqual({ team: 'a' });
    // 20% overlap, in whole sentences: each chunk starts with the sentences that ended the one before, as many as fit
    // in 20% of the 300-token budget; one more sentence would not fit.
    for (let i = 0; i + 1 < alpha.length; i++) {
      const overlap = sharedBoundary(alpha[i].text, alpha[i + 1].text);
      const tokens = countTokens(overlap);
      expect(tokens, `chunks ${i + 1}/${i + 2}`).toBeGreaterThan(0);
      expect(tokens, `chunks ${i + 1}/${i + 2}`).toBeLessThanOrEqual(0.2 * 300);
      const before = alpha[i].text.slice(0, alpha[i].text.length - overlap.length).trimEnd();
      const previousSentence = before.slice(before.search(/[^.!?\s][^.!?]*[.!?]\s*$/));
      expect(tokens + countTokens(previousSentence), `chunks ${i + 1}/${i + 2}`).toBeGreaterThan(0.2 * 300);
    }
    expect(json.chunks.find((c) => c.uri === 's3://kb/other/alpha.txt')!.chunkId).toBe('alpha.txt~2#1');
    expect(index.chunkCount).toBe(json.chunks.length);
  });

  it('retrieves the chunk that holds the answer, with sorted scores in (0, 1]', () => {
    const index = buildKbIndex(docs);
    for (const searchType of ['HYBRID', 'SEMANTIC'] as const) {
      const hits = index.retrieve('How wide is the observatory telescope mirror?', 5, searchType);
      expect(hits).toHaveLength(5);
      expect(hits[0].chunk.text).toContain('telescope mirror measures eight meters');
      for (const h of hits) expect(h.score).toBeGreaterThan(0);
      for (const h of hits) expect(h.score).toBeLessThanOrEqual(1);
      for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    }
    expect(index.retrieve('When does the ferry timetable change?', 1)[0].chunk.uri).toBe('s3://kb/docs/beta.txt');
  });

  it('round-trips through JSON and answers the same', () => {
    const index = buildKbIndex(docs, { chunkTokens: 120, overlapPercent: 10 });
    const again = loadKbIndex(JSON.parse(JSON.stringify(index.toJSON())));
    expect(again.chunkCount).toBe(index.chunkCount);
    expect(again.retrieve('lighthouse keepers lamps', 3)).toEqual(index.retrieve('lighthouse keepers lamps', 3));
    expect(() => loadKbIndex({ format: 'nope' })).toThrow(/format/);
  });
});
