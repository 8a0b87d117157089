/**
 * The learned candidate-span ranker: enumerate candidate answer spans in a sentence (noun phrases, "NP of NP",
 * name and number coordinations, whole coordinations for list questions, clauses after a cause or means marker for
 * why/how), describe each by the generic features of span-features.ts, and score it with a linear model
 * (span-ranker.json). The weights are a conditional log-linear model (softmax over every candidate of a question)
 * fitted by `npm run train:reader` on the FIRST half of SQuAD v2 dev's articles only; docs/reference-model.md.
 */
import trained from './span-ranker.json' with { type: 'json' };
import { CAUSE_MARKERS, MEANS_MARKERS } from './lexicon.js';
import type { QuestionAnalysis } from './question.js';
import type { Token } from './spans.js';
import { canEnd, canStart, insideConstituent, isBoundary, isContent, joins, neighbourClass } from './span-candidates.js';
import {
  EVIDENCE_INDEX, F, FEATURE_COUNT, FORM_INDEX, FEATURE_NAMES, FeatureVector, TYPE_INDEX, lengthBucket,
} from './span-features.js';

/** What the ranker knows about one sentence being read. */
export interface SentenceView {
  tokens: Token[];
  q: QuestionAnalysis;
  /** Question content stem -> its share of the question's IDF weight. */
  qWeight: Map<string, number>;
  /** The question's adjacent content-stem pairs ("a b"). */
  qBigrams: Set<string>;
  /** Share of the question's IDF weight the sentence carries. */
  coverage: number;
  /** Rank of the sentence by coverage (0 = best). */
  rank: number;
  /** For a sentence opening on a pronoun or demonstrative: the question weight only the sentence before it carries. */
  antecedentGain: number;
}

export interface SpanChoice {
  start: number;
  end: number;
  score: number;
}

export interface RankerModel {
  features: string[];
  weights: number[];
  abstain?: { features: string[]; weights: number[]; bias: number; threshold: number };
}

export const RANKER_MODEL: RankerModel = trained as RankerModel;
/** The committed weights, or undefined while they do not match the features (then only training can run). */
const RANKER_WEIGHTS: Float64Array | undefined =
  RANKER_MODEL.features.length === FEATURE_COUNT && RANKER_MODEL.features.every((name, i) => name === FEATURE_NAMES[i])
    ? Float64Array.from(RANKER_MODEL.weights)
    : undefined;

const FAR = 12;
const LOG_DISTANCE = Float64Array.from({ length: FAR + 1 }, (_, d) => Math.log(Math.max(1, d)));
const MAX_SPAN = { person: 6, date: 6, number: 6, location: 6, entity: 8, reason: 16, manner: 12 } as const;
const CLAUSE_BREAKS = new Set([',', ';', ':', '(', ')', '[', ']', '—']);
const INNER_PUNCT = new Set(['-', '–', '%', '$', '£', '€', "'", '’', '‘', '"', '“', '”', '(', ')', '&', '/']);

/** Called for every candidate while training: its character span and feature vector. */
export type CandidateVisitor = (start: number, end: number, features: FeatureVector) => void;

export interface RankResult {
  best?: SpanChoice;
  /** log sum exp of every candidate's score (the softmax normalizer; -Infinity when there is none). */
  logSumExp: number;
  candidates: number;
}

const scratch = new FeatureVector();

/** Score every candidate span of a sentence; the best one, the softmax normalizer, and each candidate to visit. */
export function rankSpans(view: SentenceView, visit?: CandidateVisitor, weights: ArrayLike<number> | undefined = RANKER_WEIGHTS): RankResult {
  if (weights === undefined) throw new Error('span-ranker.json does not match the ranker features; run npm run train:reader');
  const { tokens, q } = view;
  const n = tokens.length;
  const result: RankResult = { logSumExp: -Infinity, candidates: 0 };
  top.size = 0;
  if (n === 0) return result;
  const leftDist = new Int32Array(n + 1);
  const rightDist = new Int32Array(n + 1);
  const prefixMatched = new Int32Array(n + 1);
  const prefixWeight = new Float64Array(n + 1);
  const prefixBigram = new Int32Array(n + 1);
  const cls = new Int32Array(n + 2);
  // Clause segments: runs of tokens between clause punctuation; clauseFirst/clauseEnd give each token's segment bounds.
  const clauseFirst = new Int32Array(n);
  const clauseEnd = new Int32Array(n);
  let last = -1;
  let firstVerb = n;
  let lastVerb = -1;
  let prevContent = -1;
  let bigramsInSentence = 0;
  let clauseOpen = 0;
  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    if (CLAUSE_BREAKS.has(t.lower)) clauseOpen = i + 1;
    clauseFirst[i] = clauseOpen;
    leftDist[i] = last < 0 ? 1000 : i - last;
    if (t.inQuestion) last = i;
    if (t.inQuestion && t.tag === 'V') {
      if (i < firstVerb) firstVerb = i;
      lastVerb = i;
    }
    prefixMatched[i + 1] = prefixMatched[i] + (t.inQuestion ? 1 : 0);
    prefixWeight[i + 1] = prefixWeight[i] + (t.inQuestion ? (view.qWeight.get(t.stem) ?? 0) : 0);
    let bigram = 0;
    if (t.inQuestion && prevContent >= 0 && tokens[prevContent].inQuestion && view.qBigrams.has(`${tokens[prevContent].stem} ${t.stem}`)) bigram = 1;
    bigramsInSentence += bigram;
    prefixBigram[i + 1] = prefixBigram[i] + bigram;
    if (t.tag === 'X' || t.tag === 'N' || t.tag === 'V') prevContent = i;
    cls[i + 1] = neighbourClass(t);
  }
  cls[0] = neighbourClass(undefined);
  cls[n + 1] = cls[0];
  last = -1;
  for (let i = n - 1, clauseClose = n; i >= 0; i--) {
    rightDist[i] = last < 0 ? 1000 : last - i;
    if (tokens[i].inQuestion) last = i;
    clauseEnd[i] = clauseClose;
    if (CLAUSE_BREAKS.has(tokens[i].lower)) clauseClose = i;
  }
  const anyMatch = last >= 0;
  const matchedTotal = prefixMatched[n];
  const bigramTotal = Math.max(1, view.qBigrams.size);
  const ti = TYPE_INDEX[q.type];
  const typeEvidence = F.typeEvidence[ti];
  const typeLength = F.typeLength[ti];
  const typeBefore = F.typeBefore[ti];
  const typeAfter = F.typeAfter[ti];
  const formPosition = F.formPosition[FORM_INDEX[q.form]];
  const typeContinuous = F.typeContinuous[ti];
  const formAlign = F.formAlign[FORM_INDEX[q.form]];
  // Nearest content word (within 3 tokens) to the left of each position and to the right of it.
  const leftContent = new Int32Array(n + 1).fill(-1);
  const rightContent = new Int32Array(n + 1).fill(-1);
  for (let k = 0; k < n; k++) {
    for (let d = 1; d <= 3 && k - d >= 0; d++) if (isContent(tokens[k - d])) { leftContent[k] = k - d; break; }
    for (let d = 1; d <= 3 && k + d < n; d++) if (isContent(tokens[k + d])) { rightContent[k] = k + d; break; }
  }
  const headNounWeight = q.headNoun !== undefined ? (view.qWeight.get(q.headNoun) ?? 0) : 0;
  const maxLen = MAX_SPAN[q.type];
  const clause = q.type === 'reason' || q.type === 'manner';
  const fv = scratch;
  for (let i = 0; i < n; i++) {
    const first = tokens[i];
    const prev = tokens[i - 1];
    const afterMarker = prev !== undefined && (q.type === 'reason' ? CAUSE_MARKERS.has(prev.lower) || (prev.lower === 'to' && tokens[i - 2]?.lower !== 'due') : q.type === 'manner' && MEANS_MARKERS.has(prev.lower));
    if (!canStart(first) && !(clause && afterMarker && first.tag !== 'P')) continue;
    const startWhole = isBoundary(prev) && !joins(tokens[i - 2], prev, first);
    const before = prev?.tag === 'D' ? tokens[i - 2] : prev;
    const afterMatchedVerb = before?.inQuestion === true && before.tag === 'V';
    const copulaBefore = prev?.tag === 'A' && matchedAt(tokens, i - 2, -1);
    const headBefore = q.headNoun !== undefined && (prev?.stem === q.headNoun || ((prev?.lower === 'of' || prev?.tag === 'P' || prev?.tag === 'D') && tokens[i - 2]?.stem === q.headNoun));
    let content = 0;
    let overlap = 0;
    let verbs = 0;
    let commas = 0;
    let ands = 0;
    let hasNumber = false;
    let hasDate = false;
    let hasUnit = false;
    let hasYear = false;
    let hasTimeUnit = false;
    let hasProper = false;
    let extra = 0;
    let hasHead = false;
    let opened = false;
    let lowerContent = 0;
    for (let j = i; j < n && j - i < maxLen; j++) {
      const t = tokens[j];
      if (t.tag === 'P') {
        if (t.lower === '(') opened = true;
        if (t.lower === ',') commas++;
        else if (!INNER_PUNCT.has(t.lower)) break;
      }
      if (!clause && j > i && !insideConstituent(tokens[j - 1], t, tokens[j + 1], q)) break;
      if (t.tag === 'X' || t.tag === 'N' || t.tag === 'V') {
        content++;
        if (t.inQuestion) overlap++;
      }
      if (t.tag === 'V' || t.tag === 'A') verbs++;
      if (t.tag === 'C') ands++;
      if (t.tag === 'N') hasNumber = true;
      if (t.date) hasDate = true;
      if (t.unit) hasUnit = true;
      if (t.year) hasYear = true;
      if (t.timeUnit) hasTimeUnit = true;
      if ((t.tag === 'X' || t.tag === 'V') && !t.unit && !t.date) extra++;
      if (t.proper && !t.inQuestion) hasProper = true;
      if ((t.tag === 'X' || t.tag === 'V') && !t.proper && !t.date && (j > i || i > 0)) lowerContent++;
      if (q.headNoun !== undefined && t.stem === q.headNoun) hasHead = true;
      if (!canEnd(t) || content === 0) continue;
      if (t.lower === ')' && !opened) continue;
      const headInside = hasHead && j > i && t.stem === q.headNoun;
      const said = headInside ? overlap - 1 : overlap;
      // An answer must say something the question does not.
      if (content === overlap) continue;
      const len = j - i + 1;
      const next = tokens[j + 1];
      fv.reset();
      fv.put(F.coverage, view.coverage);
      fv.put(view.rank === 0 ? F.rank0 : F.rank1, view.rank <= 1 ? 1 : 0);
      fv.put(F.antecedentGain, view.antecedentGain);
      fv.put(F.sentenceBigrams, Math.min(1, bigramsInSentence / bigramTotal));
      fv.put(F.questionShare, said / content);
      fv.put(F.anyQuestionWord, said > 0 ? 1 : 0);
      const logDistance = LOG_DISTANCE[anyMatch ? Math.min(leftDist[i], rightDist[j], FAR) : FAR];
      if (anyMatch) fv.put(F.logDistance, logDistance);
      else fv.put(F.noMatch, 1);
      const endWhole = isBoundary(next) && !joins(t, next, tokens[j + 2]);
      fv.put(F.startWhole, startWhole ? 1 : 0);
      fv.put(F.endWhole, endWhole ? 1 : 0);
      fv.put(F.whole, startWhole && endWhole ? 1 : 0);
      const matchOnRight = rightDist[j] < leftDist[i] ? 1 : 0;
      fv.put(F.matchOnRight, matchOnRight);
      if (matchedTotal > 0) fv.put(F.density, (prefixMatched[Math.min(n, j + 7)] - prefixMatched[Math.max(0, i - 6)]) / matchedTotal);
      // The question's head noun heading the span ("what slopes" -> "gentle slopes") is a matched word at the span.
      const headWeight = hasHead ? headNounWeight : 0;
      const idfNear = Math.min(1, headWeight + prefixWeight[Math.min(n, j + 4)] - prefixWeight[j + 1] + prefixWeight[i] - prefixWeight[Math.max(0, i - 3)]);
      const idfWindow = Math.min(1, headWeight + prefixWeight[Math.min(n, j + 9)] - prefixWeight[j + 1] + prefixWeight[i] - prefixWeight[Math.max(0, i - 8)]);
      fv.put(F.idfNear, idfNear);
      fv.put(F.idfWindow, idfWindow);
      fv.put(F.bigramNear, Math.min(1, (prefixBigram[Math.min(n, j + 7)] - prefixBigram[j + 1] + prefixBigram[i] - prefixBigram[Math.max(0, i - 6)]) / bigramTotal));
      const idfClause = Math.min(1, headWeight + prefixWeight[clauseEnd[j]] - prefixWeight[j + 1] + prefixWeight[i] - prefixWeight[clauseFirst[i]]);
      fv.put(F.idfClause, idfClause);
      fv.put(F.innerVerbs, clause ? 0 : verbs);
      fv.put(q.wantsList ? F.innerCommasList : F.innerCommas, commas);
      fv.put(F.innerAnd, ands > 0 ? 1 : 0);
      if (q.headNoun !== undefined) {
        fv.put(F.headInside, hasHead ? 1 : 0);
        fv.put(F.headBefore, headBefore ? 1 : 0);
        fv.put(F.headAfter, next?.stem === q.headNoun ? 1 : 0);
        fv.put(F.headEnds, headInside ? 1 : 0);
      }
      if (first.inQuestion && first.stem !== q.headNoun) fv.put(F.questionWordFirst, 1);
      if (t.inQuestion && t.stem !== q.headNoun && j > i) fv.put(F.questionWordLast, 1);
      fv.put(F.afterMatchedVerb, afterMatchedVerb ? 1 : 0);
      const copulaAfter = next?.tag === 'A' && matchedAt(tokens, j + 2, 1) ? 1 : 0;
      const afterVerb = firstVerb < i ? 1 : 0;
      const beforeVerb = lastVerb > j ? 1 : 0;
      const relativeStart = i / n;
      fv.put(F.copulaBefore, copulaBefore ? 1 : 0);
      fv.put(F.copulaAfter, copulaAfter);
      fv.put(F.afterAnyMatchedVerb, afterVerb);
      fv.put(F.beforeAnyMatchedVerb, beforeVerb);
      fv.put(F.relativeStart, relativeStart);
      fv.put(formPosition[0], matchOnRight);
      fv.put(formPosition[1], beforeVerb);
      fv.put(formPosition[2], afterVerb);
      fv.put(formPosition[3], relativeStart);
      fv.put(formPosition[4], copulaBefore ? 1 : 0);
      fv.put(formPosition[5], copulaAfter);
      fv.put(typeContinuous[0], logDistance);
      fv.put(typeContinuous[1], idfNear);
      fv.put(typeContinuous[2], idfWindow);
      fv.put(typeContinuous[3], said / content);
      fv.put(typeContinuous[4], matchOnRight);
      fv.put(typeContinuous[5], relativeStart);
      if (q.preposition !== undefined && prev?.lower === q.preposition) fv.put(F.questionPreposition, 1);
      const leftStem = leftContent[i] >= 0 ? tokens[leftContent[i]].stem : undefined;
      const rightStem = rightContent[j] >= 0 ? tokens[rightContent[j]].stem : undefined;
      if (leftStem !== undefined) {
        if (leftStem === q.leftWord) fv.put(formAlign[0], 1);
        if (leftStem === q.rightWord) fv.put(formAlign[1], 1);
      }
      if (rightStem !== undefined) {
        if (rightStem === q.leftWord) fv.put(formAlign[2], 1);
        if (rightStem === q.rightWord) fv.put(formAlign[3], 1);
      }
      fv.put(F.startsNumber, first.tag === 'N' ? 1 : 0);
      fv.put(F.endsNumber, t.tag === 'N' ? 1 : 0);
      if (q.headNoun === 'year') fv.put(F.yearForYearQuestion, hasYear ? 1 : 0);
      if (q.type !== 'entity' && q.headNoun !== undefined) fv.put(F.headIsTypeNoun, hasHead ? 1 : 0);
      if (hasNumber) fv.put(typeEvidence[EVIDENCE_INDEX.number], 1);
      if (hasDate) fv.put(typeEvidence[EVIDENCE_INDEX.date], 1);
      if (hasYear) fv.put(typeEvidence[EVIDENCE_INDEX.year], 1);
      if (hasUnit) fv.put(typeEvidence[EVIDENCE_INDEX.unit], 1);
      if (hasTimeUnit) fv.put(typeEvidence[EVIDENCE_INDEX.timeUnit], 1);
      if (hasProper) fv.put(typeEvidence[EVIDENCE_INDEX.proper], 1);
      fv.put(typeEvidence[EVIDENCE_INDEX.extraWords], Math.min(extra, 4) / 4);
      if (!hasNumber && !hasDate && !hasProper) fv.put(typeEvidence[EVIDENCE_INDEX.none], 1);
      if (lowerContent === 0) fv.put(typeEvidence[EVIDENCE_INDEX.allCapitalized], 1);
      if ((first.tag === 'X' || first.tag === 'V') && !first.proper && !first.date && i > 0) fv.put(typeEvidence[EVIDENCE_INDEX.startsLowerCase], 1);
      if (ands > 0) fv.put(typeEvidence[EVIDENCE_INDEX.coordination], 1);
      fv.put(typeLength[lengthBucket(len)], 1);
      if (afterMarker) fv.put(F.typeMarker[ti], 1);
      fv.put(typeBefore[cls[i]], 1);
      fv.put(typeAfter[cls[j + 2]], 1);
      const score = fv.dot(weights);
      result.candidates++;
      result.logSumExp = logAddExp(result.logSumExp, score);
      if (visit) visit(first.start, t.end, fv);
      keepTop(i, j, score);
    }
  }
  if (top.size > 0) result.best = consensus(tokens, n);
  return result;
}

/**
 * The best-scored candidates of the sentence being ranked (token start/end, score), best first. The answer is
 * the one with the highest expected F1 against the others under the ranker's softmax (minimum-Bayes-risk
 * decoding): when the mass is split over overlapping spans ("the Rhine" / "the Rhine delta"), the span they share
 * wins over a lone peak. Its reported score stays the sentence's best score (how sentences compete).
 */
const TOP_K = 10;
/** Softmax temperature of the expected-F1 choice (chosen by cross-validation on the tuning half: 0.5 / 0.7 / 1). */
const MBR_T = 0.7;
const top = { size: 0, first: new Int32Array(TOP_K), last: new Int32Array(TOP_K), score: new Float64Array(TOP_K) };
function keepTop(first: number, last: number, score: number): void {
  if (top.size === TOP_K && score <= top.score[TOP_K - 1]) return;
  let k = top.size < TOP_K ? top.size++ : TOP_K - 1;
  while (k > 0 && top.score[k - 1] < score) {
    top.first[k] = top.first[k - 1];
    top.last[k] = top.last[k - 1];
    top.score[k] = top.score[k - 1];
    k--;
  }
  top.first[k] = first;
  top.last[k] = last;
  top.score[k] = score;
}

/** Words SQuAD's F1 counts (not punctuation, not a/an/the), as a prefix sum over the sentence's tokens. */
const counted = (t: Token) => t.tag !== 'P' && t.lower !== 'a' && t.lower !== 'an' && t.lower !== 'the';

function consensus(tokens: Token[], n: number): SpanChoice {
  const size = top.size;
  top.size = 0;
  const bestScore = top.score[0];
  let choice = 0;
  if (size > 1) {
    const prefix = new Int32Array(n + 1);
    for (let k = 0; k < n; k++) prefix[k + 1] = prefix[k] + (counted(tokens[k]) ? 1 : 0);
    const words = (a: number, b: number) => (b < a ? 0 : prefix[b + 1] - prefix[a]);
    let bestGain = -1;
    for (let c = 0; c < size; c++) {
      const lc = Math.max(1, words(top.first[c], top.last[c]));
      let gain = 0;
      for (let o = 0; o < size; o++) {
        const overlap = words(Math.max(top.first[c], top.first[o]), Math.min(top.last[c], top.last[o]));
        if (overlap === 0) continue;
        gain += Math.exp((top.score[o] - bestScore) / MBR_T) * ((2 * overlap) / (lc + Math.max(1, words(top.first[o], top.last[o]))));
      }
      if (gain > bestGain + 1e-12) {
        bestGain = gain;
        choice = c;
      }
    }
  }
  return { start: tokens[top.first[choice]].start, end: tokens[top.last[choice]].end, score: bestScore };
}

export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Token k is a question word, or an article next to one (looking away from the span in direction dir). */
function matchedAt(tokens: Token[], k: number, dir: 1 | -1): boolean {
  const t = tokens[k];
  return t !== undefined && (t.inQuestion || (t.tag === 'D' && tokens[k + dir]?.inQuestion === true));
}
