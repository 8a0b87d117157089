/**
 * Tokens for answer-span selection: each token carries a coarse word class from a closed-class lexicon
 * (lexicon.ts) plus suffix and capitalization rules (a light part-of-speech chunker), its stem (the one term
 * matcher of text.ts), date/number/unit flags, and whether the question contains it. span-ranker.ts enumerates
 * and scores candidate spans over these tokens.
 */
import {
  AUXILIARIES, CONJUNCTIONS, DETERMINERS, MEASURE_UNITS, MONTHS, PREPOSITIONS, PRONOUNS, TIME_UNITS, WH_WORDS,
  isDateWord, isNumberWord, isVerbLike,
} from './lexicon.js';
import { isStopword, stem } from './text.js';

/** Coarse word classes: punctuation, determiner, preposition, conjunction, wh/relative, pronoun, auxiliary, verb, number, content. */
export type Tag = 'P' | 'D' | 'R' | 'C' | 'W' | 'O' | 'A' | 'V' | 'N' | 'X';

export interface Token {
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
// A degree sign with its scale letter ("°C", "°F") is one unit token, so "25 °C" and "25°C" end on the unit.
const TOKEN_RE = /°[CFK](?![\p{L}\p{N}])|[\p{L}\p{N}]+(?:['’.,:/-][\p{L}\p{N}]+)*\.?|[^\s\p{L}\p{N}]/gu;

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
    unit: timeUnit || MEASURE_UNITS.has(lower) || lower.startsWith('°') || lower === '%' || lower === '$' || lower === '£' || lower === '€',
  };
  if (WORD_INFO.size >= WORD_INFO_LIMIT) WORD_INFO.clear();
  WORD_INFO.set(lower, info);
  return info;
}

const NEXT_IS_OBJECT_RE = /^\s*(?:[\p{N}$£€]|(?:a|an|the|about|up|over|under|around|roughly|nearly|almost|only|just|more|less|to|for)\b)/iu;

const NEXT_IS_CLAUSE_RE = /^\s*(?:the|a|an|its|their|his|her|that|us|them|him|it)\b/iu;

const NEXT_WORD_RE = /\s*([\p{L}\p{N}]+)|\s*(\S)?/uy;

/** The context-free tag of the word after `from` ('P' for punctuation, with the mark itself; undefined at the end). */
function nextWord(sentence: string, from: number): { tag: Tag | undefined; mark: string } {
  NEXT_WORD_RE.lastIndex = from;
  const m = NEXT_WORD_RE.exec(sentence);
  if (m?.[1] !== undefined) return { tag: wordInfo(m[1].toLowerCase()).tag, mark: '' };
  return m?.[2] !== undefined ? { tag: 'P', mark: m[2] } : { tag: undefined, mark: '' };
}
const nextWordTag = (sentence: string, from: number): Tag | undefined => nextWord(sentence, from).tag;
/** Marks after an -ing word that do not close its noun phrase: a dash, a quote or apostrophe, an opening bracket. */
const JOINING_MARKS = new Set(['-', "'", '’', '(']);

/**
 * An -ing word that is a noun or a noun's modifier, not a verb: a noun follows it and it does not follow a noun or
 * an auxiliary (whose -ing is a verb taking that noun as object: "is causing problems"), or it follows a noun and
 * ends the phrase.
 */
function gerundIsNoun(prev: Token, sentence: string, from: number): boolean {
  const { tag, mark } = nextWord(sentence, from);
  if (prev.tag === 'X' || prev.tag === 'N') return tag === undefined || (tag === 'P' && !JOINING_MARKS.has(mark));
  return tag === 'X' && prev.tag !== 'A' && prev.tag !== 'O';
}

export function tokenize(sentence: string, questionStems: Set<string>): Token[] {
  const out: Token[] = [];
  for (const m of sentence.matchAll(TOKEN_RE)) {
    let raw = m[0];
    // A trailing period is kept only on abbreviations with inner periods ("U.S."); otherwise it is punctuation.
    if (raw.length > 1 && raw.endsWith('.') && !/\.[\p{L}]+\.$/u.test(raw)) raw = raw.slice(0, -1);
    const start = m.index ?? 0;
    let lower = raw.toLowerCase();
    // A possessive ends where the name ends ("Rollo's men" -> "Rollo").
    let end = start + raw.length;
    if (lower.length > 2 && (lower.endsWith("'s") || lower.endsWith('’s'))) {
      lower = lower.slice(0, -2);
      end -= 2;
    }
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
    // After a common noun the object must be a determiner, pronoun or "that" ("the theorem tells us that"); a
    // preposition there is more often a plural noun's ("prices for").
    else if (tag === 'X' && !cap && prev !== undefined && prev.tag === 'X' && /[^su]s$/u.test(lower) && NEXT_IS_CLAUSE_RE.test(sentence.slice(start + raw.length, start + raw.length + 12))) tag = 'V';
    // A lower-case -ing word after a content word or auxiliary is a verb form ("... kilometres passing through"),
    // unless it modifies the noun right after it ("from burning coal", "than reciprocating engines") or ends a noun
    // phrase ("the turbine casing,").
    else if (tag === 'X' && lower.length > 5 && lower.endsWith('ing') && prev !== undefined && prev.tag !== 'D' && !gerundIsNoun(prev, sentence, start + raw.length)) tag = 'V';
    // A verb form between a determiner and a noun modifies it ("the chosen model", "a drive shaft").
    else if (tag === 'V' && !cap && prev?.tag === 'D' && nextWordTag(sentence, start + raw.length) === 'X') tag = 'X';
    const month = info.month && (cap || !info.aux);
    // "I" after a name is a regnal number ("Richard I"), not the pronoun.
    if (lower === 'i' && prev?.proper) tag = 'X';
    out.push({
      start,
      end,
      lower,
      stem: tag === 'P' ? raw : info.stem,
      tag: month ? 'X' : tag,
      // The first word of a sentence is capitalized anyway: it is not evidence of a name.
      proper: cap && tag === 'X' && prev !== undefined && !(lower === 'i' && !prev.proper) && !/^["'“‘(]$/u.test(prev.lower),
      date: month || info.date,
      year: info.year,
      timeUnit: info.timeUnit,
      unit: info.unit,
      inQuestion: tag !== 'P' && !info.stop && questionStems.has(info.stem),
    });
  }
  return out;
}
