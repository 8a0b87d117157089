import { describe, expect, it } from 'vitest';
import { normalizeAnswer, squadExact, squadF1, containsAnswer } from '../../src/scoring/index.js';

describe('SQuAD normalization edge cases (metrics.md §2 and §4)', () => {
  it.each([
    ['Paris', ['paris.'], 1, 1],
    ['the the cat', ['cat cat'], 0, 2 / 3],
    ['', [''], 1, 1],
    ['New\tYork', ['new york'], 1, 1],
    ['Paris, France', ['France'], 0, 2 / 3],
    ['U.S.', ['US'], 1, 1],
    ["don't", ['dont'], 1, 1],
    ['the-end', ['the end'], 0, 0],
    ['café', ['cafe'], 0, 0],
  ])('%j vs %j -> EM %d, F1 %d', (pred, refs, em, f1) => {
    expect(squadExact(pred, refs)).toBe(em);
    expect(squadF1(pred, refs)).toBeCloseTo(f1, 12);
  });

  it('treats "the" as an empty (no-answer) prediction', () => {
    expect(squadExact('the', [''])).toBe(1);
    expect(squadF1('the', ['Paris'])).toBe(0);
  });

  it('drops gold answers that normalize to "" and falls back to [""]', () => {
    expect(squadExact('', ['a', 'the'])).toBe(1);
    expect(squadExact('', ['a', 'Paris'])).toBe(0);
    expect(squadF1('Paris', ['the', 'Paris'])).toBe(1);
  });

  it('keeps non-ASCII punctuation and uses a Unicode word boundary for articles', () => {
    expect(normalizeAnswer('“Paris” – yes')).toBe('“paris” – yes');
    expect(normalizeAnswer('piña a')).toBe('piña');
    expect(normalizeAnswer('a piña')).toBe('piña');
  });

  it('splits whitespace like Python str.split(): \\x1c-\\x1f and NEL split, U+FEFF does not', () => {
    expect(normalizeAnswer('new\x1cyork')).toBe('new york');
    expect(normalizeAnswer('new\x85york')).toBe('new york');
    expect(normalizeAnswer('new\ufeffyork')).toBe('new\ufeffyork');
    expect(normalizeAnswer('  new \u3000 york  ')).toBe('new york');
  });

  it('contains: a normalized reference inside the normalized output; empty gold only matches empty output', () => {
    expect(containsAnswer('The capital is Paris, France.', ['paris'])).toBe(1);
    expect(containsAnswer('Lyon', ['Paris', 'Lyon'])).toBe(1);
    expect(containsAnswer('Berlin', ['Paris'])).toBe(0);
    expect(containsAnswer('anything', [''])).toBe(0);
    expect(containsAnswer('', [''])).toBe(1);
  });
});
