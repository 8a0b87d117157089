/**
 * The candidate-span features of the learned span ranker (span-ranker.ts), in the style of the SQuAD paper's
 * logistic-regression baseline (Rajpurkar et al. 2016) but unlexicalized: every feature is a generic property of
 * the question, the sentence and the span (answer-type match, IDF-weighted question words near the span, question
 * bigrams near it, distance to matched words, length, chunk boundaries, the word classes on either side, position
 * relative to a matched verb, question words inside the span). No feature names a word of any data set.
 */
import type { AnswerType } from './question.js';

export const ANSWER_TYPES: readonly AnswerType[] = ['person', 'date', 'number', 'location', 'entity', 'reason', 'manner'];
const EVIDENCE = ['number', 'date', 'year', 'unit', 'timeUnit', 'proper', 'extraWords', 'none', 'allCapitalized', 'startsLowerCase', 'coordination'] as const;
export type Evidence = (typeof EVIDENCE)[number];
/** Length buckets: 1, 2, 3, 4, 5-6, 7-9, 10+ tokens. */
const LENGTH_BUCKETS = 7;
export const lengthBucket = (len: number): number => (len <= 4 ? len - 1 : len <= 6 ? 4 : len <= 9 ? 5 : 6);
/** Classes of the token just outside a span (or the sentence edge). Closed-class words by themselves, others by tag. */
export const NEIGHBOUR_CLASSES = [
  'edge', 'comma', 'open', 'close', 'dash', 'punct', 'det', 'of', 'in', 'on', 'at', 'by', 'for', 'from', 'to', 'with',
  'as', 'prep', 'and', 'or', 'conj', 'wh', 'that', 'pron', 'be', 'aux', 'verb', 'matchedVerb', 'name', 'number',
  'matchedWord', 'word',
] as const;
export type NeighbourClass = (typeof NEIGHBOUR_CLASSES)[number];

export const QUESTION_FORMS = ['do', 'be', 'other'] as const;
const FORM_POSITION = ['nearestMatchOnRight', 'beforeAMatchedVerb', 'afterAMatchedVerb', 'relativeStart', 'copulaToMatchBefore', 'copulaToMatchAfter'] as const;
export const FORM_INDEX = { do: 0, be: 1, other: 2 } as const;
const TYPE_CONTINUOUS = ['logDistanceToMatch', 'idfWithin3', 'idfWithin8', 'questionWordShare', 'nearestMatchOnRight', 'relativeStart'] as const;

const names: string[] = [];
const add = (name: string): number => names.push(name) - 1;

/** Feature indexes. Values are 0/1 indicators unless the name says otherwise. */
export const F = {
  /** Share of the question's IDF weight the sentence carries (0..1). */
  coverage: add('sentence.coverage'),
  rank0: add('sentence.rank0'),
  rank1: add('sentence.rank1'),
  /** Question weight the sentence lacks but the sentence before it carries, when it opens on a pronoun. */
  antecedentGain: add('sentence.antecedentGain'),
  /** Share of the question's content bigrams found in the sentence. */
  sentenceBigrams: add('sentence.bigramShare'),
  /** Share of the span's content words that the question contains. */
  questionShare: add('span.questionWordShare'),
  anyQuestionWord: add('span.hasQuestionWord'),
  /** log(token distance) to the nearest matched question word outside the span, capped. */
  logDistance: add('span.logDistanceToMatch'),
  noMatch: add('span.noMatchedWordInSentence'),
  startWhole: add('span.startsAtChunkBoundary'),
  endWhole: add('span.endsAtChunkBoundary'),
  whole: add('span.wholeChunk'),
  matchOnRight: add('span.nearestMatchOnRight'),
  /** Share of the sentence's matched tokens within 6 tokens of the span. */
  density: add('span.matchDensity6'),
  /** IDF-weighted share of the question matched within 3 / 8 tokens outside the span. */
  idfNear: add('span.idfWithin3'),
  idfWindow: add('span.idfWithin8'),
  /** Share of the question's content bigrams matched within 6 tokens outside the span. */
  bigramNear: add('span.bigramsWithin6'),
  /** IDF-weighted share of the question matched outside the span but inside its clause (no , ; : ( ) — between). */
  idfClause: add('span.idfSameClause'),
  innerVerbs: add('span.innerVerbCount'),
  innerCommas: add('span.innerCommaCount'),
  innerCommasList: add('span.innerCommaCountListQuestion'),
  innerAnd: add('span.innerCoordination'),
  headInside: add('span.headNounInside'),
  headBefore: add('span.headNounJustBefore'),
  headEnds: add('span.endsWithHeadNoun'),
  /** The span's first / last content word is a question word (not the head noun): the question's words at its edge. */
  questionWordFirst: add('span.startsWithQuestionWord'),
  questionWordLast: add('span.endsWithQuestionWord'),
  headAfter: add('span.headNounJustAfter'),
  afterMatchedVerb: add('span.rightAfterMatchedVerb'),
  copulaBefore: add('span.copulaToMatchBefore'),
  copulaAfter: add('span.copulaToMatchAfter'),
  afterAnyMatchedVerb: add('span.afterAMatchedVerb'),
  beforeAnyMatchedVerb: add('span.beforeAMatchedVerb'),
  relativeStart: add('span.relativeStart'),
  startsNumber: add('span.startsWithNumber'),
  endsNumber: add('span.endsWithNumber'),
  yearForYearQuestion: add('span.yearForYearQuestion'),
  headIsTypeNoun: add('span.headNounInsideForTypedQuestion'),
  /** The word before the span is the preposition governing the question's wh-phrase ("In what year" / "in 1990"). */
  questionPreposition: add('span.afterQuestionPreposition'),
  /** Position features by question form: after do-support the answer tends to follow the verb, a wh-subject precedes it. */
  formPosition: QUESTION_FORMS.map((f) => FORM_POSITION.map((p) => add(`form.${f}.${p}`))),
  /** The content word just outside the span (within 3 tokens) is the question's word beside its wh-phrase. */
  formAlign: QUESTION_FORMS.map((f) => ['leftIsQuestionLeft', 'leftIsQuestionRight', 'rightIsQuestionLeft', 'rightIsQuestionRight'].map((a) => add(`form.${f}.${a}`))),
  /** The strongest continuous features again, by answer type. */
  typeContinuous: ANSWER_TYPES.map((t) => TYPE_CONTINUOUS.map((c) => add(`type.${t}.${c}`))),
  typeEvidence: ANSWER_TYPES.map((t) => EVIDENCE.map((e) => add(`type.${t}.${e}`))),
  typeLength: ANSWER_TYPES.map((t) => Array.from({ length: LENGTH_BUCKETS }, (_, b) => add(`type.${t}.length${b}`))),
  typeMarker: ANSWER_TYPES.map((t) => add(`type.${t}.afterCauseOrMeansMarker`)),
  typeBefore: ANSWER_TYPES.map((t) => NEIGHBOUR_CLASSES.map((c) => add(`type.${t}.before.${c}`))),
  typeAfter: ANSWER_TYPES.map((t) => NEIGHBOUR_CLASSES.map((c) => add(`type.${t}.after.${c}`))),
};

export const FEATURE_NAMES: readonly string[] = names;
export const FEATURE_COUNT = names.length;
export const EVIDENCE_INDEX: Record<Evidence, number> = Object.fromEntries(EVIDENCE.map((e, i) => [e, i])) as Record<Evidence, number>;
export const TYPE_INDEX: Record<AnswerType, number> = Object.fromEntries(ANSWER_TYPES.map((t, i) => [t, i])) as Record<AnswerType, number>;
export const NEIGHBOUR_INDEX: Record<NeighbourClass, number> = Object.fromEntries(NEIGHBOUR_CLASSES.map((c, i) => [c, i])) as Record<NeighbourClass, number>;

/** A sparse feature vector being filled: indexes and values of its non-zero entries. */
export class FeatureVector {
  readonly index = new Int32Array(128);
  readonly value = new Float64Array(128);
  size = 0;
  reset(): void {
    this.size = 0;
  }
  put(i: number, v: number): void {
    if (v === 0) return;
    this.index[this.size] = i;
    this.value[this.size++] = v;
  }
  dot(w: ArrayLike<number>): number {
    let s = 0;
    for (let k = 0; k < this.size; k++) s += w[this.index[k]] * this.value[k];
    return s;
  }
}
