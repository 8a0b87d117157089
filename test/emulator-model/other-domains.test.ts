/**
 * The reference model on prose nobody wrote for it: three small made-up documents in domains the reader was never
 * fitted on (a medicine leaflet, a railway engineering-works notice, a municipal bylaw), asked in paraphrase. The
 * answers must be spans (a day, a number with its unit, a name, a list), not whole sentences, whether the text comes
 * in the prompt or as retrieved passages, and a question nothing covers gets the non-answer.
 */
import { describe, expect, it } from 'vitest';
import { generate, NON_ANSWER } from '../../src/emulator/model/index.js';
import { DEFAULT_RAG_TEMPLATE, renderRagPrompt } from '../../src/targets/bedrock-kb.js';

const LEAFLET = `# Calmodrin 200 mg tablets: information for the patient

Calmodrin contains the active substance veltoprofen, which belongs to a group of medicines that relieve pain and lower fever.
The manufacturer is Harlow Pharma Ltd of Leeds.

## How to take Calmodrin

Adults and children over 12 years should take one tablet every six hours with a glass of water.
Do not take more than 1,200 mg of veltoprofen in any 24 hours.
If your symptoms last longer than three days, talk to your doctor.

## Possible side effects

Like all medicines, Calmodrin can cause side effects, although not everybody gets them. Common side effects include:
- nausea
- heartburn
- mild headache

## How to store Calmodrin

Keep the tablets below 25 °C in the original package.
`;

const NOTICE = `Engineering works on the Kestrel Valley line

From Saturday 14 June to Sunday 22 June no trains will run between Ashby Junction and Millbrook while the viaduct at Corran is repaired.
Replacement buses leave from the station forecourt every 30 minutes. The bus journey takes about 45 minutes longer than the train.
Bicycles cannot be carried on the replacement buses, but folding bicycles are allowed if they are folded.
The repairs are being carried out by Corran Civil Engineering on behalf of Kestrel Rail.

| Replacement bus | First departure | Last departure |
| --- | --- | --- |
| Ashby Junction to Millbrook | 05:40 | 23:10 |
| Millbrook to Ashby Junction | 06:05 | 23:35 |
`;

const BYLAW = `Town of Brennick, Bylaw 2024-17: noise and outdoor burning

Section 3. Quiet hours run from 10 p.m. to 7 a.m. every night. During quiet hours no person shall operate a lawn mower, leaf blower or chainsaw outdoors.

Section 5. An outdoor fire requires a permit issued by the Fire Chief. A permit costs $25 and remains valid for 30 days.
Burning is prohibited whenever the wind speed exceeds 25 km/h.

Section 8. A first offence is punished with a fine of $150, and a second offence within one year with a fine of $400.
The bylaw was adopted by the town council on 12 March 2024.
`;

const words = (s: string) => s.split(/\s+/).filter((w) => w !== '');

/** The answer given with the document in the prompt, as a user pastes it. */
const inPrompt = (doc: string, q: string) => generate({ messages: [{ role: 'user', text: `Context: ${doc}\nQuestion: ${q}` }], maxTokens: 200, seed: 1 }).text;
/** A span answer: holds the expected text and only a few words more (never the whole sentence). */
const expectSpan = (answer: string, expected: string, extraWords = 2) => {
  expect(answer).toContain(expected);
  expect(words(answer).length).toBeLessThanOrEqual(words(expected).length + extraWords);
};

describe('a medicine leaflet', () => {
  const read = (q: string) => inPrompt(LEAFLET, q);

  it('answers a number with its unit and a name asked in other words', () => {
    expectSpan(read('How much veltoprofen may be taken in 24 hours at most?'), '1,200 mg');
    expectSpan(read('Who manufactures Calmodrin?'), 'Harlow Pharma Ltd');
  });

  it('answers with the list a line introduces', () => {
    expect(read('What are the common side effects of Calmodrin?')).toBe('nausea; heartburn; mild headache');
  });

  it('gives the non-answer when nothing in the leaflet covers the question', () => {
    expect(read('What is the price of a box of forty?')).toBe(NON_ANSWER);
  });
});

describe('a railway engineering-works notice', () => {
  const read = (q: string) => inPrompt(NOTICE, q);

  it('answers a frequency, a duration and a company', () => {
    expectSpan(read('How often do the replacement buses leave?'), '30 minutes', 1);
    expectSpan(read('How much longer is the bus journey than the train?'), '45 minutes');
    expectSpan(read('Which company is carrying out the repairs?'), 'Corran Civil Engineering');
  });

  it('reads a timetable row under its header', () => {
    expect(read('When is the last departure from Millbrook to Ashby Junction?')).toBe('23:35');
  });

  it('gives the non-answer when nothing in the notice covers the question', () => {
    expect(read('Who designed the new ticket machines?')).toBe(NON_ANSWER);
  });
});

describe('a municipal bylaw', () => {
  const read = (q: string) => inPrompt(BYLAW, q);

  it('answers a duration, an office, an amount and a date', () => {
    expectSpan(read('For how long is a burning permit valid?'), '30 days');
    expectSpan(read('Who issues permits for outdoor fires?'), 'Fire Chief');
    expectSpan(read('What fine does a first offence carry?'), '$150');
    expectSpan(read('When did the council adopt the bylaw?'), '12 March 2024');
  });

  it('gives the non-answer when nothing in the bylaw covers the question', () => {
    expect(read('How many parking spaces does the library have?')).toBe(NON_ANSWER);
  });
});

const LIFT_SHEET = `Goods lift B, north stairwell

For the goods lift: use the service key from reception. Load limit: 630 kilograms. Inspected by: Marta Kowalczyk.
Passenger capacity: 8 persons. Door width: 90 centimetres.
The lift must not be used while the fire alarm sounds.
`;

describe('a data sheet written as label: value lines', () => {
  const read = (q: string) => inPrompt(LIFT_SHEET, q);

  it('answers a limit or a measure with the value after its label, not the line that names the subject', () => {
    expectSpan(read('What is the load limit of the goods lift?'), '630 kilograms', 0);
    expectSpan(read('What is the maximum load of the goods lift?'), '630 kilograms', 0);
    expectSpan(read('What is the door width of the lift?'), '90 centimetres', 0);
  });

  it('reads a label that opens a line as what the line is about', () => {
    expectSpan(read('What is the passenger capacity of the goods lift?'), '8 persons', 0);
  });

  // Gap: the title line names "goods lift" (two of the question's three words), so it covers more of the question than
  // "Inspected by: ..." does, and its candidate wins.
  it.fails('answers an inspector from a label in mid-line when the title also names the subject', () => {
    expectSpan(read('Who inspected the goods lift?'), 'Marta Kowalczyk', 0);
  });
});

describe('the three documents as retrieved passages', () => {
  const passages = [{ text: NOTICE }, { text: BYLAW }, { text: LEAFLET }];

  it('answers from the passage that covers the question, cites it, and still answers a span', () => {
    const r = generate({ messages: [{ role: 'user', text: 'What does a burning permit cost?' }], passages, maxTokens: 200, seed: 1 });
    expectSpan(r.text, '$25');
    expect(r.citations?.[0].passageIndexes).toEqual([1]);
    const leaflet = generate({ messages: [{ role: 'user', text: 'Who manufactures Calmodrin?' }], passages, maxTokens: 200, seed: 1 });
    expectSpan(leaflet.text, 'Harlow Pharma Ltd');
    expect(leaflet.citations?.[0].passageIndexes).toEqual([2]);
  });

  it('reads the numbered passages of a retrieve-then-converse prompt the same way, whatever their order', () => {
    const ask = (q: string, order: number[]) =>
      generate({ messages: [{ role: 'user', text: renderRagPrompt(DEFAULT_RAG_TEMPLATE, q, order.map((i) => passages[i])) }], maxTokens: 200, seed: 1 }).text;
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0]]) {
      expectSpan(ask('How often do the replacement buses leave?', order), '30 minutes', 1);
      expectSpan(ask('What fine does a first offence carry?', order), '$150');
      expect(ask('What is the price of a box of forty?', order)).toBe(NON_ANSWER);
    }
  });

  it('gives the non-answer when no passage covers the question', () => {
    const r = generate({ messages: [{ role: 'user', text: 'Who won the regional chess tournament?' }], passages, maxTokens: 200, seed: 1 });
    expect(r.text).toBe(NON_ANSWER);
    expect(r.citations).toBeUndefined();
  });
});

/**
 * Known gaps of the candidate-span ranker (span-ranker.ts), kept as expected failures so that whoever closes one
 * sees this test flip and moves the case up: a day asked of a sentence that ties with timetable rows on the
 * question's place names (a row's time wins), and which of two amounts in one sentence the question's
 * distinguishing words ("second offence") sit next to (the first amount wins).
 */
describe('known span gaps (expected to fail until the ranker covers them)', () => {
  it.fails('answers a day over the times of timetable rows that match as well', () => {
    expectSpan(inPrompt(NOTICE, 'On what day do the works between Ashby Junction and Millbrook start?'), 'Saturday 14 June');
  });
  it.fails('answers the amount nearest the words that tell two amounts apart', () => {
    expectSpan(inPrompt(BYLAW, 'What fine does a second offence carry?'), '$400');
  });
});

/**
 * Gaps closed by general rules (span-widen.ts, the degree-sign unit token in spans.ts): once expected failures.
 */
describe('phrases a question asks for as a whole', () => {
  it('keeps a degree-sign unit with its number', () => {
    expectSpan(inPrompt(LEAFLET, 'Below what temperature should the tablets be kept?'), '25 °C', 0);
  });
  it('answers every coordinated item a plural question asks for', () => {
    expectSpan(inPrompt(BYLAW, 'Which tools may not be operated outdoors during quiet hours?'), 'lawn mower, leaf blower or chainsaw', 0);
  });
  it('answers a frequency rather than an age in the same sentence', () => {
    expectSpan(inPrompt(LEAFLET, 'How often should adults take a tablet?'), 'every six hours', 0);
  });
  it('answers a date range asked with "when" as the whole range', () => {
    expectSpan(inPrompt(NOTICE, 'When will no trains run between Ashby Junction and Millbrook?'), 'Saturday 14 June to Sunday 22 June', 0);
    expectSpan(inPrompt(BYLAW, 'When are the quiet hours?'), '10 p.m. to 7 a.m.', 0);
  });
});

describe('frequency phrases of several shapes', () => {
  const ROTA = `Cleaning rota for the shared kitchen

The fridge is cleaned twice a week by the morning shift. The floors are mopped daily after closing.
The extractor filters are replaced three times a year. Bins are emptied on Mondays and Thursdays by the caretaker.
`;
  it('answers "twice a week", "daily", "three times a year" and plural days with the whole phrase', () => {
    expectSpan(inPrompt(ROTA, 'How often is the fridge cleaned?'), 'twice a week', 0);
    expectSpan(inPrompt(ROTA, 'How often are the floors mopped?'), 'daily', 0);
    expectSpan(inPrompt(ROTA, 'How often are the extractor filters replaced?'), 'three times a year', 0);
    expect(inPrompt(ROTA, 'How often are the bins emptied?')).toMatch(/Mondays/u);
  });
});

describe('a name after its descriptor', () => {
  const HISTORY = `The old harbour bridge was designed by the Scottish civil engineer Thomas Telford in 1819.
After the flood the repairs were overseen by his nephew Arthur Penrose, who later ran the harbour board.
The toll house was built by local mason Ellen Hartley de Vries.`;
  it('answers a who-question with the name, not the title or relation before it', () => {
    expect(inPrompt(HISTORY, 'Who designed the old harbour bridge?')).toBe('Thomas Telford');
    expect(inPrompt(HISTORY, 'Who oversaw the repairs after the flood?')).toBe('Arthur Penrose');
    expect(inPrompt(HISTORY, 'Who built the toll house?')).toBe('Ellen Hartley de Vries');
  });
  it('answers with a titled name without the place it is of, and keeps a one-word name with its place', () => {
    const CHARTER = `The town charter was granted by King Aldric II of Westmarch in 1120.
The first water clock in the town was described by Hero of Alexandria.`;
    expect(inPrompt(CHARTER, 'Who granted the town charter?')).toBe('King Aldric II');
    expect(inPrompt(CHARTER, 'Who described the first water clock?')).toBe('Hero of Alexandria');
  });
  it('answers with a name, not the appositive after it', () => {
    const MILL = 'Samuel Greaves, Mayor of Dunmere, bought the mill in 1870.';
    expect(inPrompt(MILL, 'Who bought the mill in 1870?')).toBe('Samuel Greaves');
    expect(inPrompt(MILL, 'What leader bought the mill in 1870?')).toBe('Samuel Greaves');
  });
});

describe('noun phrases with -ing words', () => {
  const PLANT = `Notes on the Fenwick district heating plant

The plant produces its heat from burning household waste collected in the valley.
Hot water reaches the houses through insulated pipes, and each house has its own heat meter.
Leaks are usually found in the pipe casing, which is inspected every spring.`;
  it('keeps an -ing word that modifies the noun after it or ends the noun phrase', () => {
    expect(inPrompt(PLANT, 'What does the plant produce its heat from?')).toBe('burning household waste');
    expect(inPrompt(PLANT, 'Where are leaks usually found?')).toBe('pipe casing');
  });
});
