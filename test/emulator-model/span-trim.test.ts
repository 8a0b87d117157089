/**
 * The rules that tidy and widen the ranker's chosen span after ranking (span-trim.ts, span-widen.ts), on ordinary
 * prose: each is given the span a ranker might choose and must return the phrase the question asks for.
 */
import { describe, expect, it } from 'vitest';
import { analyzeQuestion } from '../../src/emulator/model/question.js';
import { tokenize } from '../../src/emulator/model/spans.js';
import { widenSpan } from '../../src/emulator/model/span-widen.js';
import { contentTerms } from '../../src/emulator/model/text.js';

/** The answer widenSpan gives for the span covering `chosen` in `sentence`, asked `question`. */
function answer(sentence: string, question: string, chosen: string): string {
  const tokens = tokenize(sentence, new Set(contentTerms(question)));
  const at = sentence.indexOf(chosen);
  if (at < 0) throw new Error(`"${chosen}" is not in the sentence`);
  const first = tokens.findIndex((t) => t.start >= at);
  let last = first;
  while (last + 1 < tokens.length && tokens[last + 1].end <= at + chosen.length) last++;
  const span = widenSpan(tokens, { first, last }, analyzeQuestion(question));
  return sentence.slice(tokens[span.first].start, tokens[span.last].end);
}

describe('tidying a chosen span', () => {
  it('drops a sentence adverb at either end', () => {
    expect(answer('However, rail traffic grew in spring.', 'What grew in spring?', 'However, rail traffic')).toBe('rail traffic');
    expect(answer('The ferry sailed to the UK nonetheless.', 'Where did the ferry sail?', 'the UK nonetheless')).toBe('the UK');
  });
  it('never leaves a bracket half open', () => {
    expect(answer('The path is 3 miles (5 km) long.', 'How long is the path?', '3 miles (5 km')).toBe('3 miles');
    expect(answer('Rule 12(3) sets the fee.', 'Which rule sets the fee?', 'Rule 12(3')).toBe('Rule 12(3)');
    expect(answer('They used a gearbox (a reduction gearbox) driving the pump.', 'What drove the pump?', 'reduction gearbox) driving the pump')).toBe('reduction gearbox');
  });
  it('does not restate the question around an "of"', () => {
    expect(answer('The usual choice of fuel is dry oak.', 'What is the usual choice?', 'usual choice of fuel')).toBe('fuel');
    expect(answer('Heat and noise levels of the old boilers were measured.', 'What levels were measured in the old boilers?', 'Heat and noise levels of the old boilers')).toBe('Heat and noise levels');
    expect(answer('The Court of Appeal heard the case.', 'Which court heard the case?', 'Court of Appeal')).toBe('Court of Appeal');
  });
  it('keeps the coordinated items a one-thing question does not already name', () => {
    expect(answer('The kit holds a torch, a whistle and a map.', 'Along with a torch and a map, what is in the kit?', 'torch, a whistle and a map')).toBe('whistle');
  });
});

describe('quantities and dates read whole', () => {
  it('starts a quantity at its number and ends it before what the question counts', () => {
    expect(answer("The library's 2,400 members vote.", 'How many members vote?', "library's 2,400")).toBe('2,400');
    expect(answer('The club has eleven separate sections.', 'How many sections does the club have?', 'eleven separate')).toBe('eleven');
  });
  it('reads a bare "N to N" as one amount', () => {
    expect(answer('A survey takes five to ten years to finish.', 'How long does a survey take?', 'five')).toBe('five to ten years');
    expect(answer('Fees rose by 1% to 3% a year.', 'By how much did fees rise?', '1%')).toBe('1% to 3%');
  });
  it('answers a "when" question with the whole date and nothing after it', () => {
    expect(answer('The mill closed on March 3, 1921, after the flood.', 'When did the mill close?', '1921')).toBe('March 3, 1921');
    expect(answer('The hall was rebuilt in the 9th century by monks.', 'When was the hall rebuilt?', '9th')).toBe('9th century');
    expect(answer('Trade grew in the early 1990s.', 'When did trade grow?', '1990s')).toBe('early 1990s');
    expect(answer('In 1977 merger talks began.', 'When did talks begin?', '1977 merger')).toBe('1977');
  });
});

describe('names read whole', () => {
  it('answers a who-question with the whole name a part of it stands in', () => {
    expect(answer('The survey was led by Ana de Soto Ruiz in 1911.', 'Who led the survey?', 'Soto Ruiz')).toBe('Ana de Soto Ruiz');
  });
  it('shapes the span to what the question asks for', () => {
    expect(answer('The ferry ran nonetheless.', 'What ran?', 'ferry ran nonetheless')).toBe('ferry');
    expect(answer('The court held that tolls on bicycles breached article 9 of the charter.', 'The court held that tolls on what breached article 9?', 'bicycles breached article 9')).toBe('bicycles');
    expect(answer('Its orchards grow apples, pears and plums.', 'Name one fruit its orchards grow.', 'apples, pears and plums')).toBe('apples');
    expect(answer('The bridge was designed by the Danish engineer Ida Holm.', 'What nationality was the designer?', 'Danish engineer')).toBe('Danish');
    expect(answer('Her business partner, the printer Tomas Varga, ran the shop.', 'What was the name of her business partner?', 'printer Tomas Varga')).toBe('Tomas Varga');
    expect(answer('The lighthouse was lit on 3 March 1884.', 'What year was the lighthouse lit?', '3 March 1884')).toBe('1884');
    // Two years: the date is the answer as it stands.
    expect(answer('The line ran from May 1901 to June 1904.', 'What year did the line run?', 'May 1901 to June 1904')).toBe('May 1901 to June 1904');
  });
});
