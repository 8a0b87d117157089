/**
 * Text primitives shared by the reference model: word splitting, a light suffix-stripping stemmer, an English stopword
 * list, sentence spans, string hashing and a seeded PRNG. Everything is generic English processing: no word here is
 * chosen for any eval set.
 */
import { fmix32, mulberry32 } from '../../util/random.js';

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

const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Lower-cased words; possessive 's dropped and inner apostrophes removed ("don't" -> "dont"). */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(WORD_RE)) {
    out.push(m[0].replace(/['’]s$/u, '').replace(/['’]/gu, ''));
  }
  return out;
}

/**
 * A light, deterministic suffix stripper (plural -s/-es/-ies, -ing, -ed, -ly, final -e). It conflates the common inflections
 * that paraphrases differ by ("opens", "opened", "opening" -> "open") without a dictionary.
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /^\p{N}/u.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4) w = undouble(w.slice(0, -2));
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  // A final silent e goes too, so "causes" and "caused" meet at "caus".
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  const n = w.length;
  if (n >= 3 && w[n - 1] === w[n - 2] && !'aeiouls'.includes(w[n - 1])) return w.slice(0, -1);
  return w;
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
