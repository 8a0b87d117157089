/**
 * Answer-span selection inside a sentence, the classic extractive-QA way: tag each token with a coarse word class
 * from a closed-class lexicon (lexicon.ts), enumerate candidate spans that start and end on content words (noun
 * phrases, numbers with units, dates, names, clauses after a cause or means marker), and score each candidate by
 * (a) the expected answer type, (b) proximity to the question words matched in the sentence, (c) how much of it
 * the question already says (question words are only dropped where they stand outside the span), and (d) shape
 * (whole chunk, length, inner verbs or commas). Weights were set on the first half of SQuAD v2 dev (by article);
 * see docs/reference-model.md.
 */
import {
  AUXILIARIES, CAUSE_MARKERS, CONJUNCTIONS, DETERMINERS, MEANS_MARKERS, MEASURE_UNITS, MONTHS, PREPOSITIONS, PRONOUNS,
  TIME_UNITS, WH_WORDS, isDateWord, isNumberWord, isVerbLike,
} from './lexicon.js';
import type { QuestionAnalysis } from './question.js';
import { isStopword, stem } from './text.js';

/** Coarse word classes: punctuation, determiner, preposition, conjunction, wh/relative, pronoun, auxiliary, verb, number, content. */
type Tag = 'P' | 'D' | 'R' | 'C' | 'W' | 'O' | 'A' | 'V' | 'N' | 'X';

interface Token {
  start: number;
  end: number;
  lower: string;
  stem: string;
  tag: Tag;
  proper: boolean;
  date: boolean;
  unit: boolean;
  /** The token's stem is one of the question's content stems. */
  inQuestion: boolean;
}

const TOKEN_RE = /[\p{L}\p{N}]+(?:['’.,:/-][\p{L}\p{N}]+)*\.?|[^\s\p{L}\p{N}]/gu;

/** -ly nouns and adjectives that are not adverbs. */
const NOT_ADVERBS = new Set(['family', 'supply', 'assembly', 'anomaly', 'monopoly', 'oligopoly', 'butterfly', 'italy', 'july', 'rally', 'reply', 'ally', 'homily', 'melancholy', 'panoply', 'holy', 'only', 'early', 'daily', 'weekly', 'monthly', 'yearly', 'quarterly', 'hourly', 'friendly', 'lovely', 'elderly', 'likely', 'unlikely', 'costly', 'deadly', 'lonely', 'ugly', 'silly']);
const isAdverb = (lower: string) => lower.length >= 6 && lower.endsWith('ly') && !NOT_ADVERBS.has(lower);

function tagOf(lower: string): Tag {
  if (!/[\p{L}\p{N}]/u.test(lower)) return 'P';
  if (/\p{N}/u.test(lower)) return 'N';
  if (DETERMINERS.has(lower)) return 'D';
  if (PREPOSITIONS.has(lower)) return 'R';
  if (CONJUNCTIONS.has(lower)) return 'C';
  if (WH_WORDS.has(lower) || lower === 'that') return 'W';
  if (PRONOUNS.has(lower)) return 'O';
  if (AUXILIARIES.has(lower)) return 'A';
  if (isNumberWord(lower)) return 'N';
  // Any other function word (as, such, most, also, ...) cannot head an answer.
  if (isStopword(lower)) return 'R';
  if (isAdverb(lower)) return 'R';
  if (isVerbLike(lower)) return 'V';
  return 'X';
}

export function tokenize(sentence: string, questionStems: Set<string>): Token[] {
  const out: Token[] = [];
  for (const m of sentence.matchAll(TOKEN_RE)) {
    let raw = m[0];
    // A trailing period is kept only on abbreviations with inner periods ("U.S."); otherwise it is punctuation.
    if (raw.length > 1 && raw.endsWith('.') && !/\.[\p{L}]+\.$/u.test(raw)) raw = raw.slice(0, -1);
    const start = m.index ?? 0;
    const lower = raw.toLowerCase().replace(/['’]s$/u, '');
    const cap = /^\p{Lu}/u.test(raw);
    let tag = tagOf(lower);
    // A capitalized open-class word mid-sentence is a name, whatever the suffix rules say ("Reed", "United").
    if (cap && (tag === 'V' || tag === 'X') && out.length > 0) tag = 'X';
    // A lower-case -ing word after a content word or auxiliary is a verb form ("... kilometres passing through").
    else if (tag === 'X' && lower.length > 5 && lower.endsWith('ing') && out.length > 0 && out[out.length - 1].tag !== 'D') tag = 'V';
    const month = MONTHS.has(lower) && (cap || !AUXILIARIES.has(lower));
    const s = tag === 'P' ? raw : stem(lower.replace(/['’]/gu, ''));
    out.push({
      start,
      end: start + raw.length,
      lower,
      stem: s,
      tag: month ? 'X' : tag,
      // The first word of a sentence is capitalized anyway: it is not evidence of a name.
      proper: cap && tag === 'X' && out.length > 0 && !/^["'“‘(]$/u.test(out[out.length - 1].lower),
      date: month || isDateWord(lower),
      unit: TIME_UNITS.has(lower) || MEASURE_UNITS.has(lower) || lower === '%' || lower === '$' || lower === '£' || lower === '€',
      inQuestion: tag !== 'P' && !isStopword(lower) && questionStems.has(s),
    });
  }
  return out;
}

export interface SpanChoice {
  start: number;
  end: number;
  score: number;
}

/** Tunable weights (set on the first half of SQuAD v2 dev; see docs/reference-model.md). */
export const SPAN_WEIGHTS = {
  typeMatch: 1.875,
  typeMiss: -0.75,
  questionOverlap: -2.813,
  proximity: -0.45,
  wholeChunk: 0.6,
  lengthPenalty: 0.08,
  innerVerb: -0.4,
  innerComma: -1.125,
  headNounAdjacent: 1.5,
  markerStart: 1.875,
  proper: 0.625,
  afterMatchedVerb: 0.375,
  leftOfMatch: -0.2,
  density: 0.625,
  copulaBridge: 0.3,
};

const DENSITY_WINDOW = 6;
const MAX_SPAN = { person: 6, date: 6, number: 6, location: 6, entity: 8, reason: 16, manner: 12 } as const;

const isBoundary = (t: Token | undefined) => t === undefined || (t.tag !== 'X' && t.tag !== 'N');
/**
 * "of" joins noun phrases into one constituent ("Hero of Alexandria", "the Treaty of Rome"); "and" joins two names or
 * two numbers ("Thomas Reid and Dugald Stewart").
 */
const joins = (before: Token | undefined, t: Token | undefined, after: Token | undefined) =>
  after !== undefined &&
  ((t?.lower === 'of' && (after.tag === 'X' || after.tag === 'N' || after.tag === 'D')) ||
    ((t?.lower === 'and' || t?.lower === 'or') && before !== undefined &&
      ((before.proper && after.proper) || (before.tag === 'N' && after.tag === 'N'))));
const canStart = (t: Token) => t.tag === 'X' || t.tag === 'N' || t.lower === '$' || t.lower === '£' || t.lower === '€';
const canEnd = (t: Token) => t.tag === 'X' || t.tag === 'N' || t.lower === '%' || t.lower === ')';

const INNER_PUNCT = new Set(['-', '–', '%', '$', '£', '€', "'", '’', '‘', '"', '“', '”', '(', ')', '&', '/']);

/** The best answer span (character offsets into the sentence), or undefined when no candidate exists. */
export function bestSpan(sentence: string, tokens: Token[], q: QuestionAnalysis): SpanChoice | undefined {
  const w = SPAN_WEIGHTS;
  const n = tokens.length;
  if (n === 0) return undefined;
  // Distance from each position to the nearest question-matched token on its left and right.
  const leftDist = new Int32Array(n + 1);
  const rightDist = new Int32Array(n + 1);
  let last = -1;
  for (let i = 0; i < n; i++) {
    leftDist[i] = last < 0 ? 1000 : i - last;
    if (tokens[i].inQuestion) last = i;
  }
  last = -1;
  for (let i = n - 1; i >= 0; i--) {
    rightDist[i] = last < 0 ? 1000 : last - i;
    if (tokens[i].inQuestion) last = i;
  }
  const anyMatch = tokens.some((t) => t.inQuestion);
  const matchedTotal = tokens.reduce((c, t) => c + (t.inQuestion ? 1 : 0), 0);
  const prefix = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + (tokens[i].inQuestion ? 1 : 0);
  /** Share of the sentence's question-matched tokens within DENSITY_WINDOW tokens of the span (or inside it). */
  const matchedNear = (i: number, j: number) =>
    matchedTotal === 0 ? 0 : (prefix[Math.min(n, j + 1 + DENSITY_WINDOW)] - prefix[Math.max(0, i - DENSITY_WINDOW)]) / matchedTotal;
  /** "A is the X" / "the X is A": the span and question words on the two sides of a copula or auxiliary. */
  const bridged = (i: number, j: number) => {
    const matchedAt = (k: number) => {
      const t = tokens[k];
      return t !== undefined && (t.inQuestion || (t.tag === 'D' && tokens[k + (k > j ? 1 : -1)]?.inQuestion === true));
    };
    return (tokens[j + 1]?.tag === 'A' && matchedAt(j + 2)) || (tokens[i - 1]?.tag === 'A' && matchedAt(i - 2));
  };
  const maxLen = MAX_SPAN[q.type];
  const clause = q.type === 'reason' || q.type === 'manner';
  let best: SpanChoice | undefined;
  for (let i = 0; i < n; i++) {
    const first = tokens[i];
    const prev = tokens[i - 1];
    const afterMarker = prev !== undefined && (q.type === 'reason' ? CAUSE_MARKERS.has(prev.lower) || (prev.lower === 'to' && tokens[i - 2]?.lower !== 'due') : q.type === 'manner' && MEANS_MARKERS.has(prev.lower));
    if (!canStart(first) && !(clause && afterMarker && first.tag !== 'P')) continue;
    let content = 0;
    let overlap = 0;
    let verbs = 0;
    let commas = 0;
    let hasNumber = false;
    let hasDate = false;
    let hasUnit = false;
    let hasProper = false;
    let hasHead = false;
    for (let j = i; j < n && j - i < maxLen; j++) {
      const t = tokens[j];
      if (t.tag === 'P') {
        if (t.lower === ',') commas++;
        else if (!INNER_PUNCT.has(t.lower)) break;
      }
      if (t.tag === 'X' || t.tag === 'N' || t.tag === 'V') {
        content++;
        if (t.inQuestion) overlap++;
      }
      // The noun a what/which question asks about may head the answer ("what slopes" -> "gentle slopes").
      const headLast = q.headNoun !== undefined && t.stem === q.headNoun && j > i;
      if (t.tag === 'V' || t.tag === 'A') verbs++;
      if (t.tag === 'N') hasNumber = true;
      if (t.date) hasDate = true;
      if (t.unit) hasUnit = true;
      if (t.proper && !t.inQuestion) hasProper = true;
      if (q.headNoun !== undefined && t.stem === q.headNoun) hasHead = true;
      if (!canEnd(t) || content === 0) continue;
      if (t.lower === ')' && !tokens.slice(i, j).some((x) => x.lower === '(')) continue;
      const said = headLast ? overlap - 1 : overlap;
      if (content === said) continue;
      const len = j - i + 1;
      let score = 0;
      score += typeScore(q, { hasNumber, hasDate, hasUnit, hasProper });
      score += w.questionOverlap * (said / content);
      // Distance (in tokens) from the span to the nearest question word outside it; adjacent = 1.
      if (anyMatch) score += w.proximity * Math.log(Math.min(leftDist[i], rightDist[j]));
      const next = tokens[j + 1];
      if (isBoundary(prev) && isBoundary(next) && !joins(t, next, tokens[j + 2]) && !joins(tokens[i - 2], prev, first)) score += w.wholeChunk;
      const before = tokens[i - 1]?.tag === 'D' ? tokens[i - 2] : tokens[i - 1];
      if (before?.inQuestion && before.tag === 'V') score += w.afterMatchedVerb;
      if (rightDist[j] < leftDist[i]) score += w.leftOfMatch;
      score += w.density * matchedNear(i, j);
      if (bridged(i, j)) score += w.copulaBridge;
      score += w.lengthPenalty * len * (clause ? 0.3 : 1);
      if (!clause) score += w.innerVerb * verbs;
      score += w.innerComma * commas * (q.wantsList ? -0.5 : 1);
      if (q.headNoun !== undefined && (hasHead || tokens[i - 1]?.stem === q.headNoun || tokens[j + 1]?.stem === q.headNoun)) score += w.headNounAdjacent;
      if (afterMarker) score += w.markerStart;
      if (q.type === 'entity' && hasProper) score += w.proper;
      if (!best || score > best.score) best = { start: first.start, end: t.end, score };
    }
  }
  return best;
}

function typeScore(q: QuestionAnalysis, f: { hasNumber: boolean; hasDate: boolean; hasUnit: boolean; hasProper: boolean }): number {
  const w = SPAN_WEIGHTS;
  switch (q.type) {
    case 'number':
      return f.hasNumber ? w.typeMatch + (f.hasUnit ? 0.3 : 0) : w.typeMiss;
    case 'date':
      return f.hasDate || (f.hasNumber && f.hasUnit) ? w.typeMatch : f.hasNumber ? w.typeMatch / 2 : w.typeMiss;
    case 'person':
      return f.hasProper && !f.hasNumber ? w.typeMatch : w.typeMiss / 2;
    case 'location':
      return f.hasProper && !f.hasNumber ? w.typeMatch : w.typeMiss / 2;
    default:
      return 0;
  }
}

