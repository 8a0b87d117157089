/**
 * The reference embedding: signed feature hashing of stemmed word unigrams, bigrams and character 3-grams with
 * sublinear tf, L2-normalized on request. It is a lexical embedding: texts that share words (or word pieces) land
 * close; true synonyms with no shared letters do not (a documented limit).
 */
import { textFeatures, type FeatureOptions } from './features.js';
import { hashString } from './text.js';

export type EmbeddingDimensions = 256 | 512 | 1024;

const EMBEDDING_FEATURES: FeatureOptions = { charGram: 3, bigramWeight: 0.7, charWeight: 0.3 };

export function embedText(text: string, opts: { dimensions: EmbeddingDimensions; normalize: boolean }): number[] {
  return Array.from(embedInto(text, opts.dimensions, opts.normalize));
}

/** Float32 form used by the Knowledge Base index (no array-of-number boxing). */
export function embedInto(text: string, dimensions: number, normalize: boolean): Float32Array {
  const v = new Float32Array(dimensions);
  for (const [key, w] of textFeatures(text, EMBEDDING_FEATURES)) {
    const h = hashString(key);
    // The top bit picks the sign so collisions cancel in expectation instead of adding up.
    v[h % dimensions] += h & 0x80000000 ? -w : w;
  }
  if (normalize) {
    let norm = 0;
    for (let i = 0; i < dimensions; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < dimensions; i++) v[i] /= norm;
  }
  return v;
}
