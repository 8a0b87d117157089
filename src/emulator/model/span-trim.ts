/**
 * Tidying the ranker's chosen span before it is widened (span-widen.ts), by general English rules applied after
 * ranking (so the ranker's inputs do not change): a span never leaves a bracket half open, never opens or closes on
 * a sentence adverb ("However, ..."), never restates the question around an "of" ("the concrete choice of input
 * encoding" for "What is the concrete choice ...?"); a quantity starts at its number; a question after one thing
 * answered by a coordination keeps the items the question does not already name. Also the helpers span-widen.ts's
 * last step shapes a span with (its first item, its leading name, its year, its words before a question verb). Chosen
 * by two-fold cross-validation on the tuning half of SQuAD v2 dev (docs/reference-model.md).
 */
import { DISCOURSE_ADVERBS } from './lexicon.js';
import type { Token } from './spans.js';
import type { TokenSpan } from './span-widen.js';

/** The span without a sentence adverb at either end, balanced, and without the question's words around an "of". */
export function tidySpan(tokens: Token[], span: TokenSpan): TokenSpan {
  return withoutQuestionOf(tokens, balanced(tokens, withoutDiscourse(tokens, span)));
}

/** A sentence adverb at either end of a span ("However, proving lower bounds", "the UK nonetheless") is not part of the answer. */
export function withoutDiscourse(tokens: Token[], span: TokenSpan): TokenSpan {
  let { first, last } = span;
  if (first < last && DISCOURSE_ADVERBS.has(tokens[first].lower)) {
    first++;
    if (tokens[first].lower === ',' && first < last) first++;
  }
  if (first < last && DISCOURSE_ADVERBS.has(tokens[last].lower)) {
    last--;
    if (tokens[last].lower === ',' && first < last) last--;
  }
  return { first, last };
}

/**
 * A span never leaves a bracket half open: a ")" closing what opened before the span ends it ("reduction gearbox)
 * dominated" -> "reduction gearbox"), and a "(" it opens is closed when it is part of a word ("101(1" -> "101(1)")
 * or else cut off with what follows it ("3 miles (5 km" -> "3 miles").
 */
export function balanced(tokens: Token[], span: TokenSpan): TokenSpan {
  let depth = 0;
  let opened = -1;
  for (let k = span.first; k <= span.last; k++) {
    const t = tokens[k].lower;
    if (t === '(') {
      if (depth++ === 0) opened = k;
    } else if (t === ')') {
      if (depth === 0) return k > span.first ? { first: span.first, last: k - 1 } : span;
      depth--;
    }
  }
  if (depth === 0 || opened <= span.first) return span;
  if (tokens[opened].start === tokens[opened - 1].end) {
    for (let k = span.last + 1; k <= span.last + 3 && k < tokens.length; k++) if (tokens[k].lower === ')') return { first: span.first, last: k };
  }
  let last = opened - 1;
  while (last > span.first && tokens[last].tag === 'P') last--;
  return { first: span.first, last };
}

/**
 * "<what the question says> of X" is X ("the concrete choice of input encoding" for "What is the concrete choice
 * ...?"), and "X of <what the question says>" is X ("time and memory consumption of these alternate models"). An
 * "of" inside a name ("Court of Justice", "Library of Congress") is part of it.
 */
export function withoutQuestionOf(tokens: Token[], span: TokenSpan): TokenSpan {
  const said = (a: number, b: number) => {
    let content = 0;
    for (let k = a; k <= b; k++) {
      const t = tokens[k];
      if (t.tag === 'D' || t.tag === 'P') continue;
      if (!t.inQuestion || (t.tag !== 'X' && t.tag !== 'N' && t.tag !== 'V')) return false;
      content++;
    }
    return content > 0;
  };
  for (let k = span.first + 1; k < span.last; k++) {
    if (tokens[k].lower !== 'of' || tokens[k - 1].proper || tokens[k + 1].proper || tokens[k + 2]?.proper) continue;
    if (said(span.first, k - 1) && !said(k + 1, span.last)) {
      let first = k + 1;
      while (first < span.last && tokens[first].tag === 'D') first++;
      return { first, last: span.last };
    }
    if (said(k + 1, span.last) && !said(span.first, k - 1)) return { first: span.first, last: k - 1 };
  }
  return span;
}

/**
 * A question after one thing ("Along with admission, exhaust and compression, what is an event ...?") answered by a
 * coordination ("admission, expansion"): the items the question does not already name.
 */
export function unsaidItems(tokens: Token[], span: TokenSpan): TokenSpan {
  const items: TokenSpan[] = [];
  let start = span.first;
  let depth = 0;
  for (let k = span.first; k <= span.last + 1; k++) {
    const t = tokens[k];
    if (k <= span.last && t.lower === '(') depth++;
    if (k <= span.last && t.lower === ')') depth--;
    const separator = k > span.last || (depth === 0 && (t.lower === ',' || t.lower === 'and' || t.lower === 'or'));
    if (!separator) continue;
    let a = start;
    while (a < k && (tokens[a].tag === 'D' || tokens[a].tag === 'P')) a++;
    if (a < k) items.push({ first: a, last: k - 1 });
    start = k + 1;
  }
  if (items.length < 2) return span;
  const said = (it: TokenSpan) => tokens.slice(it.first, it.last + 1).every((t) => t.inQuestion || t.tag === 'D' || t.tag === 'P');
  const rest = items.filter((it) => !said(it));
  if (rest.length === 0 || rest.length === items.length) return span;
  return { first: rest[0].first, last: rest[rest.length - 1].last };
}

const isNumber = (t: Token) => t.tag === 'N' || t.lower === '$' || t.lower === '£' || t.lower === '€';
const INSIDE_NUMBER = new Set(['%', ',', '.', '-', '–']);

/**
 * A quantity answer starts at its number ("Harvard's 2,400" -> "2,400", "comprises four" -> "four") and does not
 * end on what the question counts: its words ("How many kilometres ...": "2000 kilometres" -> "2000"), or the
 * words before them ("How many academic units ...": "eleven separate [academic units]" -> "eleven").
 */
export function numberFirst(tokens: Token[], span: TokenSpan): TokenSpan {
  let { first, last } = span;
  if (tokens[first].tag === 'X' && !tokens[first].unit) {
    let k = first;
    while (k <= last && !isNumber(tokens[k])) k++;
    if (k <= last) first = k;
  }
  if (!isNumber(tokens[first])) return { first, last };
  if (last > first && tokens[last].inQuestion) {
    let k = last;
    while (k > first && (tokens[k].inQuestion || tokens[k].tag === 'D')) k--;
    if (isNumber(tokens[k]) || tokens[k].lower === '%') return { first, last: k };
  }
  if (tokens[last + 1]?.inQuestion) {
    let k = first;
    while (k < last && (isNumber(tokens[k + 1]) || tokens[k + 1].unit || INSIDE_NUMBER.has(tokens[k + 1].lower))) k++;
    if (k < last && tokens.slice(k + 1, last + 1).every((t) => t.tag === 'X' && !t.unit && !t.proper && !t.inQuestion)) last = k;
  }
  return { first, last };
}

/** The first item of an and/or/comma coordination. */
export function firstItem(tokens: Token[], span: TokenSpan): TokenSpan {
  for (let k = span.first + 1; k < span.last; k++) {
    const t = tokens[k].lower;
    if (t !== 'and' && t !== 'or' && t !== ',') continue;
    let last = k - 1;
    while (last > span.first && tokens[last].tag === 'P') last--;
    return { first: span.first, last };
  }
  return span;
}

/** A span opening on capitalized words followed only by lower-case ones ("British engineer") is those words. */
export function leadingName(tokens: Token[], span: TokenSpan): TokenSpan {
  const capital = (k: number) => tokens[k].proper || (k === 0 && tokens[k].tag === 'X');
  if (!capital(span.first)) return span;
  let k = span.first;
  while (k < span.last && capital(k + 1)) k++;
  if (k === span.last) return span;
  for (let j = k + 1; j <= span.last; j++) if (tokens[j].proper) return span;
  return { first: span.first, last: k };
}

/** The year of a date span holding exactly one ("1 May 1191" -> "1191"). */
export function yearOnly(tokens: Token[], span: TokenSpan): TokenSpan {
  let year = -1;
  for (let k = span.first; k <= span.last; k++) {
    if (!tokens[k].year) continue;
    if (year >= 0) return span;
    year = k;
  }
  return year < 0 ? span : { first: year, last: year };
}

/** Tags that add nothing new after a question's verb: determiners, punctuation, numbers and function words. */
const UNSAID_FILLER = new Set(['D', 'P', 'N', 'R']);

/** The span up to a verb of the question when everything from it on is the question's own words ("... infringed article 34"). */
export function beforeQuestionVerb(tokens: Token[], span: TokenSpan): TokenSpan {
  for (let k = span.first + 1; k <= span.last; k++) {
    if (tokens[k].tag !== 'V' || !tokens[k].inQuestion) continue;
    for (let j = k; j <= span.last; j++) if (!tokens[j].inQuestion && !UNSAID_FILLER.has(tokens[j].tag)) return span;
    let last = k - 1;
    while (last > span.first && (tokens[last].tag === 'P' || tokens[last].tag === 'D')) last--;
    return { first: span.first, last };
  }
  return span;
}
