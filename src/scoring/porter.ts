/**
 * NLTK's PorterStemmer in its default NLTK_EXTENSIONS mode (nltk/stem/porter.py), which rouge_score uses
 * with use_stemmer=True. Ported rule for rule, including NLTK's departures from Porter's 1980 paper, because
 * ROUGE parity depends on every one of them (npm porter-stemmer implements the original algorithm instead).
 */

/** Irregular forms NLTK maps directly, before any rule runs. */
const IRREGULAR_FORMS: Record<string, string[]> = {
  sky: ['sky', 'skies'],
  die: ['dying'],
  lie: ['lying'],
  tie: ['tying'],
  news: ['news'],
  inning: ['innings', 'inning'],
  outing: ['outings', 'outing'],
  canning: ['cannings', 'canning'],
  howe: ['howe'],
  proceed: ['proceed'],
  exceed: ['exceed'],
  succeed: ['succeed'],
};

const POOL = new Map<string, string>();
for (const [stem, forms] of Object.entries(IRREGULAR_FORMS)) for (const form of forms) POOL.set(form, stem);

function isVowelLetter(c: string): boolean {
  return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u';
}

function isConsonant(word: string, i: number): boolean {
  const c = word[i];
  if (isVowelLetter(c)) return false;
  if (c === 'y') return i === 0 ? true : !isConsonant(word, i - 1);
  return true;
}

/** Porter's m: the number of VC sequences in the stem. */
function measure(stem: string): number {
  let m = 0;
  let prevVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const consonant = isConsonant(stem, i);
    if (consonant && prevVowel) m++;
    prevVowel = !consonant;
  }
  return m;
}

const positiveMeasure = (stem: string): boolean => measure(stem) > 0;
const measureGt1 = (stem: string): boolean => measure(stem) > 1;

function containsVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

function endsDoubleConsonant(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** Condition *o, with NLTK's extension that a two-letter vowel-consonant stem also counts. */
function endsCvc(word: string): boolean {
  const n = word.length;
  if (
    n >= 3 &&
    isConsonant(word, n - 3) &&
    !isConsonant(word, n - 2) &&
    isConsonant(word, n - 1) &&
    word[n - 1] !== 'w' &&
    word[n - 1] !== 'x' &&
    word[n - 1] !== 'y'
  ) {
    return true;
  }
  return n === 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

type Rule = [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/** The first rule whose suffix matches decides: if its condition fails, no later rule is tried. */
function applyRuleList(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d' && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = suffix === '' ? word : word.slice(0, word.length - suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const STEP1A_RULES: Rule[] = [
  ['sses', 'ss', null],
  ['ies', 'i', null],
  ['ss', 'ss', null],
  ['s', '', null],
];

function step1a(word: string): string {
  // NLTK: 'dies' -> 'die' while 'flies' -> 'fli'.
  if (word.endsWith('ies') && word.length === 4) return word.slice(0, -3) + 'ie';
  return applyRuleList(word, STEP1A_RULES);
}

function step1b(word: string): string {
  // NLTK: 'died' -> 'die' while 'spied' -> 'spi'.
  if (word.endsWith('ied')) return word.slice(0, -3) + (word.length === 4 ? 'ie' : 'i');
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? stem + 'ee' : word;
  }
  let intermediate: string | null = null;
  for (const suffix of ['ed', 'ing']) {
    if (word.endsWith(suffix)) {
      const candidate = word.slice(0, word.length - suffix.length);
      if (containsVowel(candidate)) {
        intermediate = candidate;
        break;
      }
    }
  }
  if (intermediate === null) return word;
  const last = intermediate[intermediate.length - 1];
  return applyRuleList(intermediate, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => last !== 'l' && last !== 's' && last !== 'z'],
    ['', 'e', (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

function step1c(word: string): string {
  // NLTK: y -> i only after a consonant that is not the whole stem ('happy' -> 'happi', 'enjoy' stays).
  return applyRuleList(word, [['y', 'i', (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]]);
}

function step2(word: string): string {
  // NLTK applies ALLI -> AL first and, when it fires, runs step 2 again on the result.
  if (word.endsWith('alli') && positiveMeasure(word.slice(0, -4))) return step2(word.slice(0, -4) + 'al');
  const rules: Rule[] = [
    ['ational', 'ate', positiveMeasure],
    ['tional', 'tion', positiveMeasure],
    ['enci', 'ence', positiveMeasure],
    ['anci', 'ance', positiveMeasure],
    ['izer', 'ize', positiveMeasure],
    ['bli', 'ble', positiveMeasure],
    ['alli', 'al', positiveMeasure],
    ['entli', 'ent', positiveMeasure],
    ['eli', 'e', positiveMeasure],
    ['ousli', 'ous', positiveMeasure],
    ['ization', 'ize', positiveMeasure],
    ['ation', 'ate', positiveMeasure],
    ['ator', 'ate', positiveMeasure],
    ['alism', 'al', positiveMeasure],
    ['iveness', 'ive', positiveMeasure],
    ['fulness', 'ful', positiveMeasure],
    ['ousness', 'ous', positiveMeasure],
    ['aliti', 'al', positiveMeasure],
    ['iviti', 'ive', positiveMeasure],
    ['biliti', 'ble', positiveMeasure],
    ['fulli', 'ful', positiveMeasure],
    // The 'l' of 'logi' counts as part of the stem, so short stems like 'geo' and 'theo' qualify.
    ['logi', 'log', () => positiveMeasure(word.slice(0, -3))],
  ];
  return applyRuleList(word, rules);
}

const STEP3_RULES: Rule[] = [
  ['icate', 'ic', positiveMeasure],
  ['ative', '', positiveMeasure],
  ['alize', 'al', positiveMeasure],
  ['iciti', 'ic', positiveMeasure],
  ['ical', 'ic', positiveMeasure],
  ['ful', '', positiveMeasure],
  ['ness', '', positiveMeasure],
];

const STEP4_RULES: Rule[] = [
  ['al', '', measureGt1],
  ['ance', '', measureGt1],
  ['ence', '', measureGt1],
  ['er', '', measureGt1],
  ['ic', '', measureGt1],
  ['able', '', measureGt1],
  ['ible', '', measureGt1],
  ['ant', '', measureGt1],
  ['ement', '', measureGt1],
  ['ment', '', measureGt1],
  ['ent', '', measureGt1],
  ['ion', '', (stem) => measure(stem) > 1 && (stem.endsWith('s') || stem.endsWith('t'))],
  ['ou', '', measureGt1],
  ['ism', '', measureGt1],
  ['ate', '', measureGt1],
  ['iti', '', measureGt1],
  ['ous', '', measureGt1],
  ['ive', '', measureGt1],
  ['ize', '', measureGt1],
];

function step5a(word: string): string {
  if (word.endsWith('e')) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1) return stem;
    if (m === 1 && !endsCvc(stem)) return stem;
  }
  return word;
}

function step5b(word: string): string {
  return applyRuleList(word, [['ll', 'l', () => measure(word.slice(0, -1)) > 1]]);
}

/** NLTK `PorterStemmer().stem(word)` (NLTK_EXTENSIONS mode, lower-cases first). */
export function porterStem(word: string): string {
  const lowered = word.toLowerCase();
  // NLTK looks the word up as given (pool keys are lower case, so only lower-case words hit).
  const irregular = POOL.get(word);
  if (irregular !== undefined) return irregular;
  if (word.length <= 2) return lowered;
  let stem = step1a(lowered);
  stem = step1b(stem);
  stem = step1c(stem);
  stem = step2(stem);
  stem = step3(stem);
  stem = applyRuleList(stem, STEP4_RULES);
  stem = step5a(stem);
  return step5b(stem);
}

function step3(word: string): string {
  return applyRuleList(word, STEP3_RULES);
}
