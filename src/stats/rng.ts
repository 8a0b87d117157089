import { mulberry32 } from '../util/random.js';

/**
 * Seeded pseudo-random numbers for resampling. We use mulberry32 (Tommy Ettinger's 32-bit generator, public domain):
 * one 32-bit state word, period 2^32, passes gjrand/PractRand at the sizes a bootstrap needs, and is tiny and fast.
 * Determinism matters more than cryptographic quality here: a CI gate must give the same answer for the same seed.
 */
export function createRng(seed: number): () => number {
  return mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
}

/**
 * Derive an independent seed for one named sub-computation (e.g. one comparison), so that adding or reordering
 * comparisons never changes the random stream of another. FNV-1a over the label, mixed with the base seed.
 */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ Math.trunc(seed)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
