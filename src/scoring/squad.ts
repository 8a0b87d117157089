/**
 * SQuAD v2.0 exact match and token F1, ported line for line from the official evaluate-v2.0.py
 * (normalize_answer, get_tokens, compute_exact, compute_f1, and the gold-answer rule of get_raw_scores).
 * Every difference between Python and JavaScript string handling that changes a score is handled here.
 */

/** Python's `string.punctuation`: the 32 ASCII punctuation characters only (curly quotes and dashes survive). */
const ASCII_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/**
 * Python's `re.compile(r'\b(a|an|the)\b', re.UNICODE)`. JS `\b` is ASCII-only even with /u, so the word
 * boundary is spelled out with Unicode letter/number classes.
 */
const ARTICLES = /(?<![\p{L}\p{N}_])(a|an|the)(?![\p{L}\p{N}_])/gu;

/**
 * The characters Python's `str.split()` splits on. Differs from JS `\s`: Python also splits on
 * \x1c-\x1f and \x85 (NEL) and does not split on U+FEFF.
 */
const PY_WHITESPACE_RUN = /[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** Python `s.split()` with no argument: split on whitespace runs, no empty strings. */
export function pySplit(s: string): string[] {
  const parts = s.split(PY_WHITESPACE_RUN);
  let start = 0;
  let end = parts.length;
  if (end > 0 && parts[0] === '') start = 1;
  if (end > start && parts[end - 1] === '') end -= 1;
  return start === 0 && end === parts.length ? parts : parts.slice(start, end);
}

/** SQuAD `normalize_answer`: lower, drop ASCII punctuation, drop articles, collapse whitespace. */
export function normalizeAnswer(s: string): string {
  const lowered = s.toLowerCase();
  const noPunct = lowered.replace(ASCII_PUNCTUATION, '');
  const noArticles = noPunct.replace(ARTICLES, ' ');
  return pySplit(noArticles).join(' ');
}

/** SQuAD `get_tokens`. */
export function squadTokens(s: string): string[] {
  if (!s) return [];
  return pySplit(normalizeAnswer(s));
}

/** SQuAD `compute_f1` for one gold answer, on pre-tokenized input (multiset overlap, as Counter & Counter). */
export function tokenF1(goldToks: readonly string[], predToks: readonly string[]): number {
  if (goldToks.length === 0 || predToks.length === 0) {
    // Python compares the lists: equal only when both are empty.
    return goldToks.length === predToks.length ? 1 : 0;
  }
  const goldCounts = new Map<string, number>();
  for (const t of goldToks) goldCounts.set(t, (goldCounts.get(t) ?? 0) + 1);
  let numSame = 0;
  for (const t of predToks) {
    const c = goldCounts.get(t);
    if (c !== undefined && c > 0) {
      numSame += 1;
      goldCounts.set(t, c - 1);
    }
  }
  if (numSame === 0) return 0;
  const precision = (1.0 * numSame) / predToks.length;
  const recall = (1.0 * numSame) / goldToks.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * The gold answers SQuAD scores against: those that normalize to non-empty text, or `[""]` when none remain
 * (an unanswerable question, where only an empty prediction is right).
 */
export function goldAnswers(refs: readonly string[]): string[] {
  const kept = refs.filter((r) => normalizeAnswer(r) !== '');
  return kept.length > 0 ? kept : [''];
}

/** Exact match, max over references (0 or 1). */
export function squadExact(pred: string, refs: readonly string[]): number {
  const normPred = normalizeAnswer(pred);
  for (const gold of goldAnswers(refs)) {
    if (normalizeAnswer(gold) === normPred) return 1;
  }
  return 0;
}

/** Token F1, max over references (0..1). */
export function squadF1(pred: string, refs: readonly string[]): number {
  const predToks = squadTokens(pred);
  let best = 0;
  for (const gold of goldAnswers(refs)) {
    const f = tokenF1(squadTokens(gold), predToks);
    if (f > best) best = f;
  }
  return best;
}

/** 1 when any SQuAD-normalized reference occurs inside the SQuAD-normalized output. */
export function containsAnswer(pred: string, refs: readonly string[]): number {
  const normPred = normalizeAnswer(pred);
  for (const gold of goldAnswers(refs)) {
    const normGold = normalizeAnswer(gold);
    // An empty gold (no-answer question) is contained only in an empty prediction, as exact match would say.
    if (normGold === '' ? normPred === '' : normPred.includes(normGold)) return 1;
  }
  return 0;
}
