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
  it('answers from context in the prompt with an answer span', () => {
    expect(ask(`Context: ${TIDES}\nQuestion: What causes tides mainly?`).text).toBe('gravitational pull of the Moon');
    expect(ask(`${TIDES}\n\nWhere is the largest tidal range on Earth?`).text).toBe('Bay of Fundy');
  });

  it('gives the fixed non-answer without context or without overlap', () => {
    expect(ask('What causes tides?').text).toBe(NON_ANSWER);
    expect(ask(`Context: ${VOLCANO}\nQuestion: Who painted the ceiling of the chapel?`).text).toBe(NON_ANSWER);
  });

  it('reads system text as context, takes the last question-marked sentence otherwise the last line', () => {
    expect(generate({ system: VOLCANO, messages: [{ role: 'user', text: 'Be brief. What slopes do shield volcanoes have?' }], maxTokens: 50, seed: 1 }).text).toBe('gentle slopes');
    expect(ask(`${TIDES}\nThe largest tidal range on Earth is found where`).text).toBe('Bay of Fundy');
  });

  it('answers from passages with citations to the supporting passage', () => {
    const r = ask('How many high tides do most coasts see every lunar day?', { passages: [{ text: VOLCANO }, { text: TIDES }] });
    expect(r.text).toBe('two');
    expect(r.citations).toEqual([{ start: 0, end: 3, passageIndexes: [1] }]);
  });
});

const ALDER = `Alder is a market town on the river Wend. Customers in Alder have their meters read every Friday.
The town's tap water comes from chalk springs, and its hardness of 280 mg/l puts it among the hard waters of the region.
The water board was founded in 1898 by Edith Marsh. It serves about 14,000 households.`;

describe('answer spans on prose written for nobody', () => {
  const read = (q: string) => ask(`Context: ${ALDER}\nQuestion: ${q}`).text;

  it('picks the span the question word asks for (when / who / how many / what year / which noun)', () => {
    expect(read('When are meters read in Alder?')).toBe('Friday');
    expect(read('Who founded the water board?')).toBe('Edith Marsh');
    expect(read('How many households does the water board serve?')).toBe('14,000');
    expect(read('In what year was the water board founded?')).toBe('1898');
    expect(read('On which river is Alder?')).toBe('Wend');
    expect(read('What is the hardness of the tap water?')).toBe('280 mg/l');
  });

  it('relates derived words through the shared stemmer and answers an either-or question with the option read', () => {
    // "hard" in the question meets "hardness" and "hard" in the text; the question's own words are not dropped blindly.
    expect(read('Is Alder water soft or hard?')).toBe('hard');
  });

  it('keeps question words that stand inside the answer', () => {
    expect(generate({ system: VOLCANO, messages: [{ role: 'user', text: 'What slopes do shield volcanoes have?' }], maxTokens: 50, seed: 1 }).text).toBe('gentle slopes');
  });
});

const OBSERVATORY = `# Kestrel Ridge Observatory

The observatory sits at 2,340 metres on Kestrel Ridge. Its main telescope has a 1.2-metre mirror.

## Visiting

Public nights are held on the first Saturday of each month.
Visitors should bring:
- warm clothing
- a red torch
- their booking code

## Instruments

| Instrument | Aperture |
| --- | --- |
| Main telescope | 1.2 metres |
| Solar telescope | 15 centimetres |
`;

describe('layout: headings, tables, lists and longer answers', () => {
  const read = (q: string) => ask(`Context: ${OBSERVATORY}\nQuestion: ${q}`).text;

  it('reads a table row under its header and a quantity in prose', () => {
    expect(read('What is the aperture of the solar telescope?')).toBe('15 centimetres');
    expect(read('How high is the observatory?')).toBe('2,340 metres');
    expect(read('When are public nights held?')).toBe('first Saturday of each month');
  });

  it('answers with the whole list a matched line introduces, and with two sentences when asked to describe', () => {
    expect(read('What should visitors bring?')).toBe('warm clothing; a red torch; their booking code');
    expect(read('Describe the observatory.')).toBe('The observatory sits at 2,340 metres on Kestrel Ridge. Its main telescope has a 1.2-metre mirror.');
  });

  it('never answers with a heading line', () => {
    expect(read('What is the name of the observatory on Kestrel Ridge?')).not.toMatch(/^#/);
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
