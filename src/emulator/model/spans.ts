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
  year: boolean;
  unit: boolean;
  timeUnit: boolean;
  /** The token's stem is one of the question's content stems. */
  inQuestion: boolean;
}

const YEAR_RE = /^(?:1\d{3}|20\d{2})s?$/u;
const TOKEN_RE = /[\p{L}\p{N}]+(?:['’.,:/-][\p{L}\p{N}]+)*\.?|[^\s\p{L}\p{N}]/gu;

/** -ly nouns and adjectives that are not adverbs. */
const NOT_ADVERBS = new Set(['family', 'supply', 'assembly', 'anomaly', 'monopoly', 'oligopoly', 'butterfly', 'italy', 'july', 'rally', 'reply', 'ally', 'homily', 'melancholy', 'panoply', 'holy', 'only', 'early', 'daily', 'weekly', 'monthly', 'yearly', 'quarterly', 'hourly', 'friendly', 'lovely', 'elderly', 'likely', 'unlikely', 'costly', 'deadly', 'lonely', 'ugly', 'silly']);
const isAdverb = (lower: string) => lower.length >= 6 && lower.endsWith('ly') && !NOT_ADVERBS.has(lower);

function tagOf(lower: string): Tag {
  if (!/[\p{L}\p{N}]/u.test(lower)) return 'P';
  // Numbers start with a digit ("1990s", "4.2", "10th"); a code like "T3" or "B-52" is a name.
  if (/^\p{N}/u.test(lower)) return 'N';
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

interface WordInfo {
  tag: Tag;
  stem: string;
  stop: boolean;
  adverb: boolean;
  month: boolean;
  aux: boolean;
  date: boolean;
  year: boolean;
  timeUnit: boolean;
  unit: boolean;
}

/** Context-free facts about a lower-case word, cached: the reader sees the same words over and over. */
const WORD_INFO = new Map<string, WordInfo>();
const WORD_INFO_LIMIT = 200_000;

function wordInfo(lower: string): WordInfo {
  let info = WORD_INFO.get(lower);
  if (info !== undefined) return info;
  const tag = tagOf(lower);
  const timeUnit = TIME_UNITS.has(lower);
  info = {
    tag,
    stem: tag === 'P' ? lower : stem(lower.replace(/['’]/gu, '')),
    stop: isStopword(lower),
    adverb: isAdverb(lower),
    month: MONTHS.has(lower),
    aux: AUXILIARIES.has(lower),
    date: isDateWord(lower),
    year: YEAR_RE.test(lower),
    timeUnit,
    unit: timeUnit || MEASURE_UNITS.has(lower) || lower === '%' || lower === '$' || lower === '£' || lower === '€',
  };
  if (WORD_INFO.size >= WORD_INFO_LIMIT) WORD_INFO.clear();
  WORD_INFO.set(lower, info);
  return info;
}

const NEXT_IS_OBJECT_RE = /^\s*(?:[\p{N}$£€]|(?:a|an|the|about|up|over|under|around|roughly|nearly|almost|only|just|more|less|to|for)\b)/iu;

export function tokenize(sentence: string, questionStems: Set<string>): Token[] {
  const out: Token[] = [];
  for (const m of sentence.matchAll(TOKEN_RE)) {
    let raw = m[0];
    // A trailing period is kept only on abbreviations with inner periods ("U.S."); otherwise it is punctuation.
    if (raw.length > 1 && raw.endsWith('.') && !/\.[\p{L}]+\.$/u.test(raw)) raw = raw.slice(0, -1);
    const start = m.index ?? 0;
    let lower = raw.toLowerCase();
    if (lower.endsWith("'s") || lower.endsWith('’s')) lower = lower.slice(0, -2);
    const info = wordInfo(lower);
    const first = raw.charCodeAt(0);
    const cap = first < 128 ? first >= 65 && first <= 90 : /^\p{Lu}/u.test(raw);
    const prev = out.length > 0 ? out[out.length - 1] : undefined;
    let tag = info.tag;
    // A capitalized open-class word mid-sentence is a name, whatever the suffix rules say ("Reed", "United").
    if (cap && (tag === 'V' || tag === 'X' || (tag === 'R' && info.adverb)) && prev !== undefined) tag = 'X';
    // A lower-case -s word between a name (or pronoun) and a determiner, number or preposition is a verb ("the Q2
    // lasts 7 hours", "it weighs 2 kg").
    else if (tag === 'X' && !cap && prev !== undefined && (prev.proper || prev.tag === 'O') && /[^su]s$/u.test(lower) && NEXT_IS_OBJECT_RE.test(sentence.slice(start + raw.length, start + raw.length + 12))) tag = 'V';
    // A lower-case -ing word after a content word or auxiliary is a verb form ("... kilometres passing through").
    else if (tag === 'X' && lower.length > 5 && lower.endsWith('ing') && prev !== undefined && prev.tag !== 'D') tag = 'V';
    const month = info.month && (cap || !info.aux);
    out.push({
      start,
      end: start + raw.length,
      lower,
      stem: tag === 'P' ? raw : info.stem,
      tag: month ? 'X' : tag,
      // The first word of a sentence is capitalized anyway: it is not evidence of a name.
      proper: cap && tag === 'X' && prev !== undefined && !/^["'“‘(]$/u.test(prev.lower),
      date: month || info.date,
      year: info.year,
      timeUnit: info.timeUnit,
      unit: info.unit,
      inQuestion: tag !== 'P' && !info.stop && questionStems.has(info.stem),
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
  questionOverlap: -0.791,
  proximity: -0.45,
  wholeChunk: 0.6,
  lengthPenalty: 0.08,
  innerVerb: -0.2,
  innerComma: -1.688,
  headNounAdjacent: 1.5,
  markerStart: 4.22,
  proper: 0.469,
  afterMatchedVerb: 0.375,
  leftOfMatch: -0.2,
  density: 0.625,
  copulaBridge: 0.2,
  unit: 0.75,
  typeExtraWord: -0.4,
};

const DENSITY_WINDOW = 6;
/** Token distance treated as "no question word nearby". */
const FAR = 12;
const LOG_DISTANCE = Float64Array.from({ length: FAR + 1 }, (_, d) => Math.log(Math.max(1, d)));
const MAX_SPAN = { person: 6, date: 6, number: 6, location: 6, entity: 8, reason: 16, manner: 12 } as const;

const isBoundary = (t: Token | undefined) => t === undefined || (t.tag !== 'X' && t.tag !== 'N');
/**
 * "of" joins noun phrases into one constituent ("Hero of Alexandria", "the Treaty of Rome"); "and" joins two names or
 * two numbers ("Thomas Reid and Dugald Stewart").
 */
const joins = (before: Token | undefined, t: Token | undefined, after: Token | undefined) =>
  after !== undefined &&
  ((t?.lower === 'of' && before !== undefined && before.tag === 'X' && !before.unit && (after.tag === 'X' || after.tag === 'D')) ||
    ((t?.lower === 'and' || t?.lower === 'or') && before !== undefined &&
      ((before.proper && after.proper) || (before.tag === 'N' && after.tag === 'N'))));
const canStart = (t: Token) => t.tag === 'X' || t.tag === 'N' || t.lower === '$' || t.lower === '£' || t.lower === '€';
const canEnd = (t: Token) => t.tag === 'X' || t.tag === 'N' || t.lower === '%' || t.lower === ')';

/** Whether token t can continue a noun-phrase candidate after prev. */
function insideConstituent(prev: Token, t: Token, next: Token | undefined, allowVerbs: boolean, list: boolean): boolean {
  switch (t.tag) {
    case 'X':
    case 'N':
    case 'P':
      return true;
    case 'V':
      return allowVerbs;
    case 'D':
      // A determiner starts a new phrase, except after "of"/"and" or a number ("half a mile", "twice a year").
      return prev.lower === 'of' || prev.lower === 'and' || prev.tag === 'N';
    case 'R':
      return t.lower === 'of' && next !== undefined && next.tag !== 'P';
    case 'C':
      // A question asking for several things takes a whole coordination ("cylinders and valve gear").
      return joins(prev, t, next) || (list && (t.lower === 'and' || t.lower === 'or') && next !== undefined && (next.tag === 'X' || next.tag === 'N' || next.tag === 'D'));
    default:
      return false;
  }
}

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
  const anyMatch = last >= 0;
  const matchedTotal = tokens.reduce((c, t) => c + (t.inQuestion ? 1 : 0), 0);
  const prefix = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + (tokens[i].inQuestion ? 1 : 0);
  // Features that depend only on where a span starts or ends, computed once per position.
  const startBonus = new Float64Array(n);
  const endBonus = new Float64Array(n);
  const startWhole = new Uint8Array(n);
  const endWhole = new Uint8Array(n);
  const headAround = new Uint8Array(2 * n);
  for (let k = 0; k < n; k++) {
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    startWhole[k] = isBoundary(prev) && !joins(tokens[k - 2], prev, tokens[k]) ? 1 : 0;
    endWhole[k] = isBoundary(next) && !joins(tokens[k], next, tokens[k + 2]) ? 1 : 0;
    const before = prev?.tag === 'D' ? tokens[k - 2] : prev;
    if (before?.inQuestion && before.tag === 'V') startBonus[k] += w.afterMatchedVerb;
    // "A is the X" / "the X is A": the span and question words on the two sides of a copula or auxiliary.
    if (prev?.tag === 'A' && matchedAt(tokens, k - 2, -1)) startBonus[k] += w.copulaBridge;
    if (next?.tag === 'A' && matchedAt(tokens, k + 2, 1)) endBonus[k] += w.copulaBridge;
    if (q.headNoun !== undefined) {
      // The question's head noun just before the span ("range of 400 metres", "river, the Rhine") or just after it.
      headAround[2 * k] = prev?.stem === q.headNoun || ((prev?.lower === 'of' || prev?.tag === 'P' || prev?.tag === 'D') && tokens[k - 2]?.stem === q.headNoun) ? 1 : 0;
      headAround[2 * k + 1] = next?.stem === q.headNoun ? 1 : 0;
    }
  }
  const evidence: TypeEvidence = { hasNumber: false, hasDate: false, hasYear: false, hasUnit: false, hasTimeUnit: false, hasProper: false, extra: 0 };
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
    let hasYear = false;
    let hasTimeUnit = false;
    let hasProper = false;
    let extra = 0;
    let hasHead = false;
    let opened = false;
    for (let j = i; j < n && j - i < maxLen; j++) {
      const t = tokens[j];
      if (t.tag === 'P') {
        if (t.lower === '(') opened = true;
        if (t.lower === ',') commas++;
        else if (!INNER_PUNCT.has(t.lower)) break;
      }
      // Outside clause answers a candidate is one constituent: a noun phrase, possibly "NP of NP" or "A and B".
      if (!clause && j > i && !insideConstituent(tokens[j - 1], t, tokens[j + 1], q.type === 'entity', q.wantsList)) break;
      if (t.tag === 'X' || t.tag === 'N' || t.tag === 'V') {
        content++;
        if (t.inQuestion) overlap++;
      }
      if (t.tag === 'V' || t.tag === 'A') verbs++;
      if (t.tag === 'N') hasNumber = true;
      if (t.date) hasDate = true;
      if (t.unit) hasUnit = true;
      if (t.year) hasYear = true;
      if (t.timeUnit) hasTimeUnit = true;
      if ((t.tag === 'X' || t.tag === 'V') && !t.unit && !t.date) extra++;
      if (t.proper && !t.inQuestion) hasProper = true;
      if (q.headNoun !== undefined && t.stem === q.headNoun) hasHead = true;
      if (!canEnd(t) || content === 0) continue;
      if (t.lower === ')' && !opened) continue;
      // The noun a what/which question asks about may head the answer ("what slopes" -> "gentle slopes", "which
      // court" -> "the European Court of Justice"): it is not counted as repeating the question.
      const headInside = hasHead && j > i && t.stem === q.headNoun;
      const said = headInside ? overlap - 1 : overlap;
      // An answer must say something the question does not.
      if (content === overlap) continue;
      const len = j - i + 1;
      evidence.hasNumber = hasNumber;
      evidence.hasDate = hasDate;
      evidence.hasYear = hasYear;
      evidence.hasUnit = hasUnit;
      evidence.hasTimeUnit = hasTimeUnit;
      evidence.hasProper = hasProper;
      evidence.extra = extra;
      let score = typeScore(q, evidence) + startBonus[i] + endBonus[j];
      score += w.questionOverlap * (said / content);
      // Distance (in tokens) from the span to the nearest question word outside it; adjacent = 1.
      // A line that matches the question only through its heading is as far from the question words as it gets.
      score += w.proximity * LOG_DISTANCE[anyMatch ? Math.min(leftDist[i], rightDist[j], FAR) : FAR];
      if (startWhole[i] && endWhole[j]) score += w.wholeChunk;
      if (rightDist[j] < leftDist[i]) score += w.leftOfMatch;
      // Share of the sentence's question-matched tokens within DENSITY_WINDOW tokens of the span (or inside it).
      if (matchedTotal > 0) score += (w.density * (prefix[Math.min(n, j + 1 + DENSITY_WINDOW)] - prefix[Math.max(0, i - DENSITY_WINDOW)])) / matchedTotal;
      score += w.lengthPenalty * len * (clause ? 0.3 : 1);
      if (!clause) score += w.innerVerb * verbs;
      score += w.innerComma * commas * (q.wantsList ? -0.5 : 1);
      if (q.headNoun !== undefined && (hasHead || headAround[2 * i] || headAround[2 * j + 1])) score += w.headNounAdjacent;
      if (afterMarker) score += w.markerStart;
      if (q.type === 'entity' && hasProper) score += w.proper;
      if (!best || score > best.score) best = { start: first.start, end: t.end, score };
    }
  }
  return best;
}

/** Token k is a question word, or an article next to one (looking away from the span in direction dir). */
function matchedAt(tokens: Token[], k: number, dir: 1 | -1): boolean {
  const t = tokens[k];
  return t !== undefined && (t.inQuestion || (t.tag === 'D' && tokens[k + dir]?.inQuestion === true));
}

interface TypeEvidence {
  hasNumber: boolean;
  hasDate: boolean;
  hasYear: boolean;
  hasUnit: boolean;
  hasTimeUnit: boolean;
  hasProper: boolean;
  /** Content words that are neither numbers, units nor date words (extra words in a quantity answer). */
  extra: number;
}

function typeScore(q: QuestionAnalysis, f: TypeEvidence): number {
  const w = SPAN_WEIGHTS;
  switch (q.type) {
    case 'number':
      return f.hasNumber ? w.typeMatch + (f.hasUnit ? w.unit : 0) + w.typeExtraWord * f.extra : w.typeMiss;
    case 'date': {
      // "What year" wants a year; "when" prefers a calendar expression over a duration ("in 2021" over "46 minutes").
      if (q.headNoun === 'year') return f.hasYear ? w.typeMatch + w.typeExtraWord * f.extra : w.typeMiss;
      const calendar = f.hasDate || f.hasYear;
      const duration = f.hasNumber && f.hasTimeUnit;
      if (calendar) return w.typeMatch + w.typeExtraWord * f.extra;
      return duration ? w.typeMatch / 2 : f.hasNumber ? w.typeMatch / 4 : w.typeMiss;
    }
    case 'person':
    case 'location':
      return f.hasProper && !f.hasNumber ? w.typeMatch : w.typeMiss / 2;
    default:
      return 0;
  }
}

