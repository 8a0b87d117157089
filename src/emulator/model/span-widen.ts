/**
 * Widening the ranker's chosen span to the whole phrase some questions ask for, by general English rules applied
 * after ranking (so the ranker's inputs do not change), once span-trim.ts has tidied it: a "how often" question gets
 * the frequency phrase nearest the span ("every Friday", "twice a week", "daily"); a "when" question whose span is
 * one end of a "from X to Y" / "between X and Y" range gets the range (a quantity question too: "from 1.5 mm to 13
 * mm", and a bare "5,000 to 30,000"), a part of a date the whole date ("1974" -> "January 18, 1974", "9th" -> "9th
 * century"), and a bare number its unit; a question about a plural noun ("Which tools ...") whose span is one item
 * of a coordination ("lawn mower, leaf blower or chainsaw") gets every item. Some rules narrow instead: a "who"
 * question's span that opens with a descriptor before a name ("naval officer Jean Ribault") keeps the name, and a
 * titled name "of" a place ("King Charles III of West Francia") or a name with its appositive ("Frederick William,
 * Elector of Brandenburg") the name; a part of a longer name gets the whole name ("Ayanz y Beaumont" -> "Jerónimo de
 * Ayanz y Beaumont").
 */
import { WEEKDAY_NAMES } from './lexicon.js';
import type { QuestionAnalysis } from './question.js';
import type { Token } from './spans.js';
import { beforeQuestionVerb, firstItem, leadingName, numberFirst, tidySpan, unsaidItems, yearOnly } from './span-trim.js';

/** A token span, first and last token index inclusive. */
export interface TokenSpan {
  first: number;
  last: number;
}

const FREQUENCY_ADVERBS = new Set(['daily', 'weekly', 'monthly', 'yearly', 'annually', 'hourly', 'nightly', 'fortnightly', 'biweekly', 'quarterly', 'biannually']);
const REPEATS = new Set(['once', 'twice', 'thrice']);
const RATE_WORDS = new Set(['a', 'an', 'per', 'each', 'every']);
const EVERY = new Set(['every', 'each']);
const MERIDIEM_RE = /^[ap]\.?m\.?$/u;
const RANGE_OPENERS: Record<string, Set<string>> = {
  from: new Set(['to', 'until', 'till', 'through', 'thru', '-', '–', '—']),
  between: new Set(['and', '-', '–']),
};

/** A word that names a time unit, a day, a month or a number: the stuff of frequency and date phrases. */
const timeWord = (t: Token | undefined) => t !== undefined && (t.timeUnit || t.date || t.year || t.tag === 'N' || MERIDIEM_RE.test(t.lower));
/** A weekday or other day/time word used in the plural ("on Fridays", "weekends") repeats by itself. */
const pluralTime = (t: Token) => t.date && /[^s]s$/u.test(t.lower) && !t.year;

/** The frequency phrases of a sentence: "every (other|N)? <time word>", "<once|twice|N times> <a|per|every> (N)? <time word>", "daily", plural days. */
export function frequencyPhrases(tokens: Token[]): TokenSpan[] {
  const out: TokenSpan[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (FREQUENCY_ADVERBS.has(t.lower) || pluralTime(t)) {
      out.push({ first: i, last: i });
      continue;
    }
    let j = -1;
    if (EVERY.has(t.lower)) j = i + 1;
    else if (REPEATS.has(t.lower) && RATE_WORDS.has(tokens[i + 1]?.lower ?? '')) j = i + 2;
    else if (t.tag === 'N' && tokens[i + 1]?.lower === 'times' && RATE_WORDS.has(tokens[i + 2]?.lower ?? '')) j = i + 3;
    if (j < 0) continue;
    if (tokens[j]?.lower === 'other' || (tokens[j]?.tag === 'N' && timeWord(tokens[j + 1]))) j++;
    // Up to the last time word of the phrase ("every six hours", "every Friday morning").
    let last = -1;
    for (let k = j; k < tokens.length && k <= j + 2 && timeWord(tokens[k]); k++) last = k;
    if (last >= 0) {
      out.push({ first: i, last });
      i = last;
    }
  }
  return out;
}

/**
 * The ranges of a sentence, without the opening preposition: "from X to Y" / "between X and Y" -> "X to Y", where
 * X and Y are runs of numbers, dates, times and units; and a bare "X to Y" when both ends are counts ("5,000 to
 * 30,000", with a unit after: "five to ten years"), clock times or days ("10:00 to 16:00", "Monday to Friday"),
 * which read as a range without an opener.
 */
export function ranges(tokens: Token[]): TokenSpan[] {
  const out: TokenSpan[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const closers = RANGE_OPENERS[tokens[i].lower];
    if (closers !== undefined) {
      const a = quantityRun(tokens, i + 1);
      if (a < 0 || !closers.has(tokens[a + 1]?.lower ?? '')) continue;
      const b = quantityRun(tokens, a + 2);
      if (b < 0) continue;
      out.push({ first: i + 1, last: b });
      i = b;
    } else if (tokens[i].tag === 'N' && !tokens[i].year && bareTo(tokens, i) > 0) {
      // Two counts joined by "to" are one amount ("5,000 to 30,000", "1% to 3%", "five to ten years").
      let last = bareTo(tokens, i);
      if (tokens[last + 1]?.lower === '%' || tokens[last + 1]?.unit) last++;
      out.push({ first: i, last });
      i = last;
    } else if (clockOrDay(tokens[i]) && BARE_RANGE.has(tokens[i + 1]?.lower ?? '') && clockOrDay(tokens[i + 2]) && clockOrDay(tokens[i]) === clockOrDay(tokens[i + 2])) {
      let last = i + 2;
      if (MERIDIEM_RE.test(tokens[last + 1]?.lower ?? '')) last++;
      out.push({ first: i, last });
      i = last;
    }
  }
  return out;
}

const BARE_RANGE = new Set(['to', '-', '–']);
/** The second count of a bare "N to N" / "N% to N%" range starting at i, or -1 (a year is a date, not a count). */
function bareTo(tokens: Token[], i: number): number {
  const k = tokens[i + 1]?.lower === '%' ? i + 2 : i + 1;
  return tokens[k]?.lower === 'to' && tokens[k + 1]?.tag === 'N' && !tokens[k + 1].year ? k + 1 : -1;
}
const CLOCK_RE = /^\d{1,2}[:.]\d{2}$/u;
/** "clock" for a clock time ("16:00"), "day" for a weekday, else undefined: the ends of a bare range must match. */
const clockOrDay = (t: Token | undefined): 'clock' | 'day' | undefined =>
  t === undefined ? undefined : CLOCK_RE.test(t.lower) ? 'clock' : WEEKDAY_NAMES.has(t.lower) ? 'day' : undefined;

/** The last token of a run of number, date, time and unit words (commas allowed inside: "Saturday, 14 June") from k, or -1 when none holds a number or date. */
function quantityRun(tokens: Token[], k: number): number {
  let last = -1;
  let dated = false;
  const quantity = (t: Token | undefined) => timeWord(t) || (t !== undefined && t.unit);
  for (let j = k; j < tokens.length && j < k + 6; j++) {
    const t = tokens[j];
    if (quantity(t)) {
      last = j;
      if (t.tag === 'N' || t.date || t.year) dated = true;
    } else if (!(t.lower === ',' && quantity(tokens[j + 1]))) break;
  }
  return dated ? last : -1;
}

/**
 * A bare number followed by up to two words ending in a unit the question does not name ("two" -> "two working
 * days", "3" -> "3 kg"): a quantity answer is the number with what it counts in.
 */
function withUnit(tokens: Token[], span: TokenSpan): TokenSpan {
  if (span.first !== span.last || tokens[span.last].tag !== 'N') return span;
  for (let k = span.last + 1; k <= span.last + 3 && k < tokens.length; k++) {
    const t = tokens[k];
    // Modifiers between ("working", "extra") may be tagged as verb forms.
    if ((t.tag !== 'X' && t.tag !== 'V') || t.inQuestion) return span;
    if (t.unit) return { first: span.first, last: k };
  }
  return span;
}

/** The coordination the span is one item of ("A, B or C", "A and B"), or undefined when it is not in one. */
export function coordination(tokens: Token[], span: TokenSpan): TokenSpan | undefined {
  const item = (t: Token | undefined) => t !== undefined && (t.tag === 'X' || t.tag === 'N') && !t.inQuestion;
  let { first, last } = span;
  let joined = false;
  // Rightwards: ", B", " and B", ", and B", each B a run of content words (an article allowed first).
  for (;;) {
    let k = last + 1;
    if (tokens[k]?.lower === ',') k++;
    const conj = tokens[k]?.lower === 'and' || tokens[k]?.lower === 'or';
    if (conj) k++;
    if (k === last + 1) break;
    if (tokens[k]?.tag === 'D') k++;
    if (!item(tokens[k])) break;
    while (item(tokens[k + 1])) k++;
    last = k;
    if (conj) {
      joined = true;
      break;
    }
  }
  // Leftwards: "A, " or "A and " before the span, while the items keep coming.
  for (;;) {
    let k = first - 1;
    const sep = tokens[k]?.lower;
    if (sep !== ',' && sep !== 'and' && sep !== 'or') break;
    if (sep === 'and' || sep === 'or') joined = true;
    k--;
    if (tokens[k]?.lower === ',') k--;
    if (!item(tokens[k])) break;
    while (item(tokens[k - 1])) k--;
    if (tokens[k - 1]?.tag === 'D') k--;
    first = k;
  }
  return joined && (first < span.first || last > span.last) ? { first, last } : undefined;
}

/** Lower-case words inside a name ("Pérez de Guzmán", "Ludwig van Beethoven", "Hero of Alexandria"). */
const NAME_PARTICLES = new Set(['of', 'y', 'de', 'del', 'della', 'di', 'da', 'du', 'des', 'la', 'le', 'van', 'von', 'der', 'den', 'ter', 'bin', 'ibn', 'al']);

/**
 * A person question's span that opens with a descriptor before a name ("son Duncan", "naval officer Jean Ribault",
 * "command of Bohemond", "Jean's nephew Maciot de Bethencourt") answers with the name: the run of names ending the
 * span (particles between names allowed), when a common noun stands before it inside the span.
 */
export function nameOnly(tokens: Token[], span: TokenSpan): TokenSpan {
  if (!tokens[span.last].proper) return span;
  let k = span.last;
  while (k > span.first && (tokens[k - 1].proper || NAME_PARTICLES.has(tokens[k - 1].lower))) k--;
  while (!tokens[k].proper) k++;
  for (let d = span.first; d < k; d++) if (descriptor(tokens, d)) return { first: k, last: span.last };
  return span;
}

/** A common noun or other lower-case content word (not a name, date or unit). A word opening the sentence or a quotation is capitalized anyway, so its case says nothing: it is never taken for one. */
const descriptor = (tokens: Token[], d: number) => {
  const t = tokens[d];
  return t.tag === 'X' && !t.proper && !t.date && !t.unit && d > 0 && !/^["'“‘(]$/u.test(tokens[d - 1].lower);
};

/**
 * A person's name of two or more capitalized words followed by "of <Name>" ("King Charles III of West Francia",
 * "Duke Richard II of Normandy") is the name without the place it is of; a single word before "of" is the name
 * itself ("Hero of Alexandria", "Catherine of Aragon").
 */
export function withoutOfPlace(tokens: Token[], span: TokenSpan): TokenSpan {
  for (let k = span.first + 2; k < span.last; k++) {
    if (tokens[k].lower !== 'of') continue;
    if (!tokens[k + 1].proper) return span;
    if (!allNameWords(tokens, span.first, k)) return span;
    return { first: span.first, last: k - 1 };
  }
  return span;
}

/** Every token in [from, to) is a name word; the sentence's first word is capitalized anyway and counts as one. */
function allNameWords(tokens: Token[], from: number, to: number): boolean {
  for (let d = from; d < to; d++) if (!tokens[d].proper && !(d === 0 && tokens[d].tag === 'X')) return false;
  return true;
}

/**
 * A name followed by its appositive inside the span ("Frederick William, Elector of Brandenburg", "Eliot, president
 * 1869-1909") is the name; a comma in a coordination ("Smith, Jones and Brown") is not an appositive.
 */
export function beforeAppositive(tokens: Token[], span: TokenSpan): TokenSpan {
  for (let d = span.first + 1; d <= span.last; d++) if (tokens[d].tag === 'C') return span;
  for (let k = span.first + 1; k < span.last; k++) {
    if (tokens[k].lower !== ',') continue;
    return allNameWords(tokens, span.first, k) ? { first: span.first, last: k - 1 } : span;
  }
  return span;
}

/** A span of names inside a longer run of names, particles between allowed ("Ayanz y Beaumont" in "Jerónimo de Ayanz y Beaumont"), is the whole run. */
export function fullName(tokens: Token[], span: TokenSpan): TokenSpan {
  if (!tokens[span.first].proper || !tokens[span.last].proper) return span;
  // A name word not in the question; the sentence's first word is capitalized anyway and counts as one before a name.
  const nameWord = (k: number) => tokens[k] !== undefined && !tokens[k].inQuestion && (tokens[k].proper || (k === 0 && tokens[k].tag === 'X'));
  let { first, last } = span;
  for (;;) {
    if (nameWord(first - 1)) first--;
    else if (NAME_PARTICLES.has(tokens[first - 1]?.lower ?? '') && tokens[first - 1].lower !== 'of' && nameWord(first - 2)) first -= 2;
    else break;
  }
  while (tokens[last + 1]?.proper === true && !tokens[last + 1].inQuestion) last++;
  return { first, last };
}

const PERIOD_MODIFIERS = new Set(['early', 'late', 'mid', 'middle']);
const DAY_RE = /^\d{1,2}(?:st|nd|rd|th)?$/u;
const ORDINAL_RE = /^\d+(?:st|nd|rd|th)$/u;
const CENTURY_RE = /^centur/u;
const isMonth = (t: Token | undefined) => t !== undefined && t.date && /^\p{L}/u.test(t.lower) && !pluralTime(t) && !WEEKDAY_NAMES.has(t.lower);
const isDateToken = (t: Token) => t.date || t.year || t.timeUnit || t.tag === 'N';

/**
 * A date span is the date and nothing after it ("1977 merger" -> "1977"), and the whole date when it is part of
 * one: a year with the day and month before it ("January 18, 1974", "18 January 1974") or the month ("May 1191"),
 * an ordinal with its "century", a period with "early/late/mid" before it ("early 1990s").
 */
export function wholeDate(tokens: Token[], span: TokenSpan): TokenSpan {
  let { first, last } = span;
  if (tokens[first].date || tokens[first].year) {
    let k = first;
    while (k < last && (isDateToken(tokens[k + 1]) || tokens[k + 1].lower === ',' || tokens[k + 1].lower === 'of' || tokens[k + 1].lower === 'the')) k++;
    if (k < last && tokens.slice(k + 1, last + 1).every((t) => t.tag === 'X' || t.tag === 'V')) last = k;
    while (last > first && !isDateToken(tokens[last])) last--;
  }
  if (tokens[last].year) {
    let k = first;
    if (tokens[k - 1]?.lower === ',' && DAY_RE.test(tokens[k - 2]?.lower ?? '') && isMonth(tokens[k - 3])) k -= 3;
    else if (isMonth(tokens[k - 1])) k = DAY_RE.test(tokens[k - 2]?.lower ?? '') ? k - 2 : k - 1;
    first = Math.min(first, k);
  }
  if (ORDINAL_RE.test(tokens[last].lower) && CENTURY_RE.test(tokens[last + 1]?.lower ?? '')) last++;
  if ((tokens[first].year || CENTURY_RE.test(tokens[last].lower)) && PERIOD_MODIFIERS.has(tokens[first - 1]?.lower ?? '')) first--;
  return { first, last };
}

const overlaps = (a: TokenSpan, b: TokenSpan) => a.first <= b.last && b.first <= a.last;
const gap = (a: TokenSpan, b: TokenSpan) => (overlaps(a, b) ? 0 : a.last < b.first ? b.first - a.last : a.first - b.last);

/** The span the question asks for, given the ranker's choice inside the sentence's tokens. */
export function widenSpan(tokens: Token[], chosen: TokenSpan, q: QuestionAnalysis): TokenSpan {
  return shapeForQuestion(tokens, widened(tokens, tidySpan(tokens, chosen), q), q);
}

/**
 * The span shaped to what the question asks for, once it is tidied and widened: one example is the first item of a
 * coordination ("Name a luxury division ...": "Lexus and Infiniti" -> "Lexus"), a nationality is the adjective
 * before the noun it describes ("Greek mathematician" -> "Greek"), a name is the name without its descriptor
 * ("What was the name of his partner?": "flour mill Boulton" -> "Boulton"), a year is the year of a longer date
 * ("1 May 1191" -> "1191" for "What year ...?"), and no answer ends on a verb of the question with nothing new after
 * it ("motorcycles pulling trailers infringed article 34" for "... prohibiting what infringed article 34?").
 */
function shapeForQuestion(tokens: Token[], span: TokenSpan, q: QuestionAnalysis): TokenSpan {
  let out = beforeQuestionVerb(tokens, span);
  if (q.asksOne) out = firstItem(tokens, out);
  if (q.asksNationality) out = leadingName(tokens, out);
  if (q.asksName && q.type === 'entity') out = fullName(tokens, nameOnly(tokens, out));
  if (q.headNoun === 'year') out = yearOnly(tokens, out);
  return out;
}

function widened(tokens: Token[], span: TokenSpan, q: QuestionAnalysis): TokenSpan {
  if (q.frequency) {
    let best: TokenSpan | undefined;
    for (const p of frequencyPhrases(tokens)) if (best === undefined || gap(p, span) < gap(best, span)) best = p;
    return best ?? span;
  }
  if (q.type === 'date' || q.type === 'number') {
    // The range the span is one end of, or (for a day or date) the range right after it ("weekdays from 8 a.m. to 6 p.m.").
    const range = ranges(tokens).find((r) => overlaps(r, span) || (q.type === 'date' && r.first === span.last + 2 && RANGE_OPENERS[tokens[span.last + 1].lower] !== undefined));
    if (range) return { first: Math.min(range.first, span.first), last: Math.max(range.last, span.last) };
    return q.type === 'number' ? withUnit(tokens, numberFirst(tokens, span)) : wholeDate(tokens, span);
  }
  if (q.pluralHead) return coordination(tokens, span) ?? span;
  if (!q.wantsList && (q.type === 'entity' || q.type === 'location')) {
    const items = unsaidItems(tokens, span);
    if (items !== span) return items;
  }
  if (q.type === 'person') return fullName(tokens, nameOnly(tokens, withoutOfPlace(tokens, beforeAppositive(tokens, span))));
  return span;
}
