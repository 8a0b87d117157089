/**
 * Evidence that a question asks about something its text does not say, for the abstainer (reader.ts).
 * Questions nobody can answer from a text are most often the text's own facts with one thing changed: a different
 * name or number, or a negation added or dropped. Word overlap cannot see that change, because every other word
 * still matches; these features look at exactly the words such an edit touches. All of it is general English:
 * capitalisation, digits and a closed list of negators, nothing chosen for a data set.
 */
import type { Sentence } from './layout.js';
import { isStopword, normalizeWord, stem, WORD_RE } from './text.js';

/**
 * The reader's overlap evidence, in the order readWithEvidence computes it (reader.ts): the first part of both
 * abstainers' evidence and of the passage chooser's features (passages.ts), which cannot import reader.ts.
 */
export const OVERLAP_FEATURES = [
  'topCoverage', 'chosenCoverage', 'coverageGap', 'missingShare', 'bestProbability', 'bestScore', 'rarestUnmatchedInChosen', 'unmatchedInChosen',
] as const;

/** The names of editEvidence's values, in order (after OVERLAP_FEATURES in reader.ts ABSTAIN_FEATURES). */
export const EDIT_FEATURES = ['namesMissingInChosen', 'namesMissingInContext', 'questionHasNames', 'negationOnOneSide'] as const;

// English negators; contractions ("isn't", "didn't") end in n't.
const NEGATION_RE = /\b(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot)\b|n['’]t\b/iu;

/**
 * The question's names and numbers as the reader's terms: capitalised words other than the first (which is
 * capitalised anyway) and anything starting with a digit, minus function words ("I", "The" in a title).
 */
export function questionNames(question: string): string[] {
  const out = new Set<string>();
  let first = true;
  // The reader's own word split (text.ts), so a number here is the term a sentence holds ("1,200" -> "1", "200").
  for (const m of question.matchAll(WORD_RE)) {
    const raw = m[0];
    const isFirst = first;
    first = false;
    const numeric = /^\p{N}/u.test(raw);
    if (!numeric && (isFirst || !/^\p{Lu}/u.test(raw))) continue;
    const lower = normalizeWord(raw.toLowerCase());
    if (!numeric && isStopword(lower)) continue;
    out.add(stem(lower));
  }
  return [...out];
}

/**
 * editEvidence's four values: the share of the question's names and numbers missing from the chosen sentence, the
 * share missing from the whole text, whether the question has any, and whether exactly one of the question and
 * the chosen sentence is negated. The text's terms are the reader's own (no second tokenisation of the context).
 */
export function editEvidence(question: string, chosen: Sentence, sentences: readonly Sentence[]): number[] {
  const names = questionNames(question);
  let missingChosen = 0;
  let missingContext = 0;
  for (const name of names) {
    if (chosen.terms.has(name) || chosen.context.has(name)) continue;
    missingChosen++;
    if (!sentences.some((s) => s.terms.has(name) || s.context.has(name))) missingContext++;
  }
  const negated = NEGATION_RE.test(question) !== NEGATION_RE.test(chosen.text);
  return names.length === 0
    ? [0, 0, 0, negated ? 1 : 0]
    : [missingChosen / names.length, missingContext / names.length, 1, negated ? 1 : 0];
}
