/**
 * Text primitives shared by the reference model: word splitting, the shared stemmer (Porter + derivational links), an English stopword
 * list, sentence spans, string hashing and a seeded PRNG. Everything is generic English processing: no word here is
 * chosen for any eval set.
 */
import { fmix32, mulberry32 } from '../../util/random.js';
import { porterStem } from '../../scoring/porter.js';

// A common English function-word list (articles, pronouns, auxiliaries, prepositions, conjunctions, wh-words).
const STOPWORDS = new Set(
  (
    'a an the and or but nor so yet if then else than that this these those there here it its itself i me my mine myself ' +
    'we us our ours ourselves you your yours yourself yourselves he him his himself she her hers herself they them their ' +
    'theirs themselves what which who whom whose when where why how is am are was were be been being have has had having ' +
    'do does did doing done will would shall should can could may might must ought of at by for with about against between ' +
    'into through during before after above below to from up down in out on off over under again further once all any both ' +
    'each few more most other some such no not only own same too very just also as until while because s t don dont doesnt ' +
    'didnt isnt arent wasnt werent cant cannot wont wouldnt shouldnt couldnt im ive id youre youve theyre thats whats please ' +
    'tell give let get got per via vs etc'
  ).split(/\s+/),
);

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/** A word as the reader splits text: letters and digits, with inner apostrophes ("don't", "Alder's"). */
export const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** A lower-cased WORD_RE match as a word: possessive 's dropped and inner apostrophes removed ("don't" -> "dont"). */
export function normalizeWord(lower: string): string {
  return lower.includes("'") || lower.includes('’') ? lower.replace(/['’]s$/u, '').replace(/['’]/gu, '') : lower;
}

/** Lower-cased words (normalizeWord). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD_RE)) out.push(normalizeWord(m[0]));
  return out;
}

/**
 * Light derivational links applied after Porter: agent and adjective suffixes Porter leaves on ("inventor" ->
 * "invent", "volcanic" -> "volcan", "governor" -> "govern"), so a question and a sentence that name the same idea with
 * a different word class still meet. At most two suffixes go ("earlier" -> "earli" -> "earl", as "early"), and
 * only while at least four letters remain.
 */
const DERIVATIONAL_SUFFIXES = ['ist', 'ian', 'or', 'er', 'ic', 'al', 'li', 'i', 'y'];

function derivationalRoot(s: string): string {
  for (const suffix of DERIVATIONAL_SUFFIXES) {
    if (s.endsWith(suffix) && s.length - suffix.length >= 4) return s.slice(0, -suffix.length);
  }
  return s;
}

const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_LIMIT = 100_000;

/**
 * The term every component matches on (reader, BM25, embeddings, classifier features): the Porter stemmer
 * (src/scoring/porter.ts, NLTK's rules) followed by light derivational links, so "hardness"/"hard",
 * "caused"/"causes" and "inventor"/"invented" meet. Numbers are kept as written.
 */
export function stem(word: string): string {
  const cached = STEM_CACHE.get(word);
  if (cached !== undefined) return cached;
  const s = word.length <= 3 || /^\p{N}/u.test(word) ? word : derivationalRoot(derivationalRoot(porterStem(word)));
  if (STEM_CACHE.size >= STEM_CACHE_LIMIT) STEM_CACHE.clear();
  STEM_CACHE.set(word, s);
  return s;
}

/** Stemmed, stopword-free terms in text order. */
export function contentTerms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) if (!STOPWORDS.has(w)) out.push(stem(w));
  return out;
}

export interface Span {
  start: number;
  end: number;
}

const SENTENCE_END_RE = /[.!?]+["')\]’”]*\s+(?=["'(\[“‘]?[\p{Lu}\p{N}])/gu;

/** Sentence spans: every line is a boundary, and so is terminal punctuation followed by a capital or digit. */
export function sentenceSpans(text: string): Span[] {
  const spans: Span[] = [];
  const push = (start: number, end: number) => {
    while (start < end && /\s/u.test(text[start])) start++;
    while (end > start && /\s/u.test(text[end - 1])) end--;
    if (end > start) spans.push({ start, end });
  };
  for (const line of text.matchAll(/[^\n]+/g)) {
    const base = line.index ?? 0;
    let segStart = 0;
    for (const e of line[0].matchAll(SENTENCE_END_RE)) {
      const idx = e.index ?? 0;
      push(base + segStart, base + idx + e[0].trimEnd().length);
      segStart = idx + e[0].length;
    }
    push(base + segStart, base + line[0].length);
  }
  return spans;
}

/** 32-bit FNV-1a followed by a murmur3 finalizer (FNV alone mixes the low bits poorly). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

export const mix32 = fmix32;

export const seededRandom = mulberry32;
