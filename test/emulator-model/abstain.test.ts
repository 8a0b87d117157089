import { describe, expect, it } from 'vitest';
import { generate, NON_ANSWER } from '../../src/emulator/model/index.js';
import { ABSTAIN_FEATURES, readWithEvidence } from '../../src/emulator/model/reader.js';
import { questionNames } from '../../src/emulator/model/abstain.js';

// Prose written for this test (a harbour notice), not taken from any data set.
const HARBOUR = `Kessel Harbour opened its north pier in 1987. The pier was rebuilt by Marlow Engineering after the storm of 2009.
Ferries to Brannock Island leave the north pier every morning at seven. Cargo ships do not berth at the north pier.`;

const evidenceOf = (question: string) => {
  const read = readWithEvidence(question, [{ text: HARBOUR }]);
  if (read === undefined) throw new Error(`no read for ${question}`);
  return Object.fromEntries(ABSTAIN_FEATURES.map((name, i) => [name, read.evidence[i]]));
};

describe('abstention evidence for edited questions', () => {
  it('takes names and numbers from a question, not its first word or function words', () => {
    expect(questionNames('When did Kessel Harbour open its north pier?')).toEqual(['kessel', 'harbour']);
    expect(questionNames('Who rebuilt the pier after the storm of 2009?')).toEqual(['2009']);
    expect(questionNames('What did I say in The Times?')).toEqual(['time']);
    expect(questionNames('how long is the pier?')).toEqual([]);
  });

  it('sees a name or number the text does not hold, in the chosen sentence and in the whole text', () => {
    const faithful = evidenceOf('Who rebuilt the pier after the storm of 2009?');
    expect(faithful).toMatchObject({ namesMissingInChosen: 0, namesMissingInContext: 0, questionHasNames: 1 });
    const editedYear = evidenceOf('Who rebuilt the pier after the storm of 2011?');
    expect(editedYear).toMatchObject({ namesMissingInChosen: 1, namesMissingInContext: 1, questionHasNames: 1 });
    // The name is in the text, only not in the sentence the reader chose.
    const elsewhere = evidenceOf('When did Marlow Engineering open the north pier?');
    expect(elsewhere.namesMissingInChosen).toBeGreaterThan(0);
    expect(elsewhere.namesMissingInContext).toBe(0);
    expect(evidenceOf('How long is the north pier?').questionHasNames).toBe(0);
  });

  it('sees a negation on one side only', () => {
    expect(evidenceOf('Which ships do not berth at the north pier?').negationOnOneSide).toBe(0);
    expect(evidenceOf('Where do ferries to Brannock Island not leave from?').negationOnOneSide).toBe(1);
    expect(evidenceOf('Where do ferries to Brannock Island leave from?').negationOnOneSide).toBe(0);
  });

  const ask = (q: string) => generate({ messages: [{ role: 'user', text: `Context: ${HARBOUR}\nQuestion: ${q}` }], maxTokens: 100, seed: 1 }).text;

  it('still answers the faithful question', () => {
    expect(ask('Who rebuilt the pier after the storm of 2009?')).toBe('Marlow Engineering');
  });

  // Known gap: the abstainer is fitted on SQuAD v2's first half, whose unanswerable questions mostly keep their
  // paragraph's names (only 4.3% of them, and 2.4% of the answerable ones, name nothing the paragraph holds), so it
  // gives a name absent from the whole text almost no weight and answers this one.
  it.fails('declines a question about a name and a year the text never mentions', () => {
    expect(ask('Who rebuilt the Dunmore lighthouse after the storm of 2011?')).toBe(NON_ANSWER);
  });
});
