/**
 * Hashed sparse text features, shared by the embedding (embed.ts) and the custom-model classifier (classifier.ts).
 * Features: stemmed content-word unigrams, bigrams of consecutive content words, and character n-grams of content
 * words (which let "configure"/"configuration" share evidence). Counts are sublinear (1 + ln tf).
 */
import { hashString, isStopword, stem, words } from './text.js';

export interface WeightedFeature {
  key: string;
  weight: number;
}

export interface FeatureOptions {
  charGram: number;
  bigramWeight: number;
  charWeight: number;
}

/** Feature keys with sublinear term-frequency weights; keys are namespaced (u: unigram, b: bigram, c: char gram). */
export function textFeatures(text: string, opts: FeatureOptions): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string, w: number) => counts.set(key, (counts.get(key) ?? 0) + w);
  let prev: string | undefined;
  for (const w of words(text)) {
    if (isStopword(w)) continue;
    const s = stem(w);
    add('u:' + s, 1);
    if (prev !== undefined) add('b:' + prev + ' ' + s, 1);
    prev = s;
    const padded = '<' + w + '>';
    for (let i = 0; i + opts.charGram <= padded.length; i++) add('c:' + padded.slice(i, i + opts.charGram), 1);
  }
  const out = new Map<string, number>();
  for (const [key, tf] of counts) {
    const kind = key.charCodeAt(0);
    const scale = kind === 0x62 /* b */ ? opts.bigramWeight : kind === 0x63 /* c */ ? opts.charWeight : 1;
    out.set(key, (1 + Math.log(tf)) * scale);
  }
  return out;
}

/** Word features (unigrams, bigrams) live below this id; character n-grams above. Only word features gate candidates. */
export const WORD_SPACE = 1 << 21;
const FEATURE_MASK = WORD_SPACE - 1;

export const CLASSIFIER_FEATURES: FeatureOptions = { charGram: 4, bigramWeight: 1, charWeight: 0.35 };

export interface SparseVector {
  /** Sorted, unique feature ids. */
  ids: Int32Array;
  values: Float32Array;
}

/** Raw (un-idf-weighted) classifier features as hashed ids, merged on collision, sorted by id. */
export function hashedPromptFeatures(text: string): SparseVector {
  const merged = new Map<number, number>();
  for (const [key, w] of textFeatures(text, CLASSIFIER_FEATURES)) {
    const space = key.charCodeAt(0) === 0x63 ? WORD_SPACE : 0;
    const id = space + (hashString(key) & FEATURE_MASK);
    merged.set(id, (merged.get(id) ?? 0) + w);
  }
  const ids = Int32Array.from([...merged.keys()].sort((a, b) => a - b));
  const values = Float32Array.from(ids, (id) => merged.get(id) as number);
  return { ids, values };
}

/** tf-idf weighting and L2 normalization, in place. */
export function weightAndNormalize(v: SparseVector, idf: (id: number) => number): SparseVector {
  let norm = 0;
  for (let i = 0; i < v.ids.length; i++) {
    v.values[i] *= idf(v.ids[i]);
    norm += v.values[i] * v.values[i];
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < v.values.length; i++) v.values[i] /= norm;
  return v;
}
