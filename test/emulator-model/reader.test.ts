import { describe, expect, it } from 'vitest';
import { countTokens, embedText, generate, NON_ANSWER } from '../../src/emulator/model/index.js';

const TIDES = `Tides are the regular rise and fall of the sea surface. They are caused mainly by the gravitational pull of the Moon.
Most coasts see two high tides every lunar day. The largest tidal range on Earth is found in the Bay of Fundy in Canada.`;
const VOLCANO = `A volcano forms where molten rock reaches the surface. Shield volcanoes have gentle slopes built from fluid lava flows.
Mauna Loa in Hawaii is the largest active shield volcano.`;

const ask = (text: string, extra: Partial<Parameters<typeof generate>[0]> = {}) =>
  generate({ messages: [{ role: 'user', text }], maxTokens: 200, seed: 1, ...extra });

const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('embedText', () => {
  it('puts similar wording closer than unrelated text', () => {
    const e = (t: string) => embedText(t, { dimensions: 512, normalize: true });
    const q = e('How do I reset my password?');
    expect(cosine(q, e('Steps to reset a forgotten password'))).toBeGreaterThan(cosine(q, e('The weather is sunny at the beach today')) + 0.3);
    expect(cosine(e('the configuration of routers'), e('configuring a router'))).toBeGreaterThan(cosine(e('the configuration of routers'), e('baking fresh bread')));
  });

  it('has the requested size, is deterministic and normalizes only on request', () => {
    for (const dimensions of [256, 512, 1024] as const) {
      const v = embedText('Ocean tides and the Moon', { dimensions, normalize: true });
      expect(v).toHaveLength(dimensions);
      expect(Math.sqrt(cosine(v, v))).toBeCloseTo(1, 6);
      expect(embedText('Ocean tides and the Moon', { dimensions, normalize: true })).toEqual(v);
    }
    const raw = embedText('tide tide tide moon', { dimensions: 256, normalize: false });
    expect(Math.sqrt(cosine(raw, raw))).toBeGreaterThan(1.5);
  });
});

describe('base model reading', () => {
  it('answers from context in the prompt with a trimmed span', () => {
    expect(ask(`Context: ${TIDES}\nQuestion: What causes tides mainly?`).text).toBe('gravitational pull of the Moon');
    expect(ask(`${TIDES}\n\nWhere is the largest tidal range on Earth?`).text).toBe('Bay of Fundy in Canada');
    expect(ask(`${VOLCANO}\nWhich is the largest active shield volcano?`).text).toBe('Mauna Loa in Hawaii');
  });

  it('gives the fixed non-answer without context or without overlap', () => {
    expect(ask('What causes tides?').text).toBe(NON_ANSWER);
    expect(ask(`Context: ${VOLCANO}\nQuestion: Who painted the ceiling of the chapel?`).text).toBe(NON_ANSWER);
  });

  it('reads system text as context, takes the last question-marked sentence otherwise the last line', () => {
    expect(generate({ system: VOLCANO, messages: [{ role: 'user', text: 'Be brief. What slopes do shield volcanoes have?' }], maxTokens: 50, seed: 1 }).text).toBe('gentle slopes');
    expect(ask(`${TIDES}\nThe largest tidal range on Earth is found where`).text).toBe('Bay of Fundy in Canada');
  });

  it('answers from passages with citations to the supporting passage', () => {
    const r = ask('How many high tides do most coasts see every lunar day?', { passages: [{ text: VOLCANO }, { text: TIDES }] });
    expect(r.text).toBe('two');
    expect(r.citations).toEqual([{ start: 0, end: 3, passageIndexes: [1] }]);
  });
});

describe('output limits and token counts', () => {
  it('counts input and output tokens with the real tokenizer', () => {
    const r = ask(`Context: ${TIDES}\nQuestion: What causes tides mainly?`, { system: 'Answer briefly.' });
    expect(r.inputTokens).toBeGreaterThan(40);
    expect(r.text).toBe('gravitational pull of the Moon');
    expect(r.outputTokens).toBe(countTokens(r.text));
    expect(r.inputTokens).toBe(countTokens('Answer briefly.') + countTokens(`Context: ${TIDES}\nQuestion: What causes tides mainly?`));
    expect(r.stopReason).toBe('end_turn');
  });

  it('truncates at maxTokens and at stop sequences', () => {
    const long = ask(`Context: ${TIDES}\nQuestion: What causes tides mainly?`, { maxTokens: 2 });
    expect(long).toMatchObject({ stopReason: 'max_tokens', outputTokens: 2 });
    expect('gravitational pull of the Moon'.startsWith(long.text)).toBe(true);
    expect(long.text.length).toBeGreaterThan(3);
    const stopped = ask(`Context: ${TIDES}\nQuestion: What causes tides mainly?`, { stopSequences: [' of'] });
    expect(stopped).toMatchObject({ stopReason: 'stop_sequence', text: 'gravitational pull' });
    const cited = ask('How many high tides do most coasts see every lunar day?', { passages: [{ text: TIDES }], maxTokens: 0 });
    expect(cited).toMatchObject({ text: '', stopReason: 'max_tokens', outputTokens: 0 });
    expect(cited.citations).toBeUndefined();
  });
});
