/**
 * ROUGE-1, ROUGE-2 and ROUGE-L exactly as rouge_score 0.1.2 computes them (rouge_scorer.py, tokenize.py,
 * scoring.py), with the same tokenizer and NLTK Porter stemming of tokens longer than 3 characters.
 */
import { porterStem } from './porter.js';

export interface RougeTriple {
  precision: number;
  recall: number;
  fmeasure: number;
}

export interface RougeScores {
  rouge1: RougeTriple;
  rouge2: RougeTriple;
  rougeL: RougeTriple;
}

export interface RougeOptions {
  useStemmer?: boolean;
}

const NON_ALPHANUM = /[^a-z0-9]+/g;
const SPACES = /\s+/;

// Stemming dominates tokenization cost and vocabularies are small, so stems are memoized.
const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();

function cachedStem(word: string): string {
  let stem = stemCache.get(word);
  if (stem === undefined) {
    stem = porterStem(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stem);
  }
  return stem;
}

/** rouge_score `tokenize.tokenize`: lower, non-[a-z0-9] runs to spaces, split, stem tokens with len > 3. */
export function rougeTokenize(text: string, useStemmer: boolean): string[] {
  const cleaned = text.toLowerCase().replace(NON_ALPHANUM, ' ');
  const out: string[] = [];
  for (const raw of cleaned.split(SPACES)) {
    if (raw === '') continue; // VALID_TOKEN_PATTERN ^[a-z0-9]+$ drops only empties after the substitution
    out.push(useStemmer && raw.length > 3 ? cachedStem(raw) : raw);
  }
  return out;
}

/** rouge_score `scoring.fmeasure`. */
function fmeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0.0;
}

function triple(overlap: number, predCount: number, targetCount: number): RougeTriple {
  const precision = overlap / Math.max(predCount, 1);
  const recall = overlap / Math.max(targetCount, 1);
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** `_score_ngrams(_create_ngrams(target, n), _create_ngrams(prediction, n))`. */
export function rougeN(target: readonly string[], prediction: readonly string[], n: number): RougeTriple {
  const targetGrams = countNgrams(target, n);
  const predGrams = countNgrams(prediction, n);
  let overlap = 0;
  for (const [gram, count] of targetGrams) {
    const other = predGrams.get(gram);
    if (other !== undefined) overlap += Math.min(count, other);
  }
  return triple(overlap, Math.max(prediction.length - n + 1, 0), Math.max(target.length - n + 1, 0));
}

function countNgrams(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    // Tokens are [a-z0-9]+, so a space joins them without ambiguity.
    const gram = n === 1 ? tokens[i] : tokens.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

// LCS buffers are reused across calls: scoring runs in one thread and the DP is the hot loop.
let lcsPrev = new Int32Array(256);
let lcsCurr = new Int32Array(256);
let idsA = new Int32Array(256);
let idsB = new Int32Array(256);

function grow(size: number): void {
  if (lcsPrev.length >= size) return;
  const cap = Math.max(size, lcsPrev.length * 2);
  lcsPrev = new Int32Array(cap);
  lcsCurr = new Int32Array(cap);
  idsA = new Int32Array(cap);
  idsB = new Int32Array(cap);
}

/** Length of the longest common subsequence (same value as rouge_score's `_lcs_table[-1][-1]`). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const rows = a.length;
  const cols = b.length;
  if (rows === 0 || cols === 0) return 0;
  grow(Math.max(rows, cols) + 1);
  // Integer ids make the inner comparison a typed-array read instead of a string compare.
  const vocab = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    let id = vocab.get(a[i]);
    if (id === undefined) vocab.set(a[i], (id = vocab.size));
    idsA[i] = id;
  }
  for (let j = 0; j < cols; j++) idsB[j] = vocab.get(b[j]) ?? -1;
  let prev = lcsPrev;
  let curr = lcsCurr;
  prev.fill(0, 0, cols + 1);
  curr[0] = 0;
  for (let i = 0; i < rows; i++) {
    const ai = idsA[i];
    for (let j = 1; j <= cols; j++) {
      if (ai === idsB[j - 1]) curr[j] = prev[j - 1] + 1;
      else curr[j] = prev[j] > curr[j - 1] ? prev[j] : curr[j - 1];
    }
    const swap = prev;
    prev = curr;
    curr = swap;
  }
  return prev[cols];
}

/** `_score_lcs`: either side empty scores 0. */
export function rougeLcs(target: readonly string[], prediction: readonly string[]): RougeTriple {
  if (target.length === 0 || prediction.length === 0) return { precision: 0, recall: 0, fmeasure: 0 };
  const lcs = lcsLength(target, prediction);
  const precision = lcs / prediction.length;
  const recall = lcs / target.length;
  return { precision, recall, fmeasure: fmeasure(precision, recall) };
}

/** `RougeScorer(['rouge1','rouge2','rougeL'], use_stemmer).score(target, prediction)`. */
export function rougeScore(target: string, prediction: string, opts: RougeOptions = {}): RougeScores {
  const stem = opts.useStemmer ?? false;
  const t = rougeTokenize(target, stem);
  const p = rougeTokenize(prediction, stem);
  return { rouge1: rougeN(t, p, 1), rouge2: rougeN(t, p, 2), rougeL: rougeLcs(t, p) };
}
