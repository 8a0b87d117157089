/**
 * Deterministic randomness keyed by what it is for, not by call order: the same seed, item and system give the
 * same shuffle and the same jitter whatever the concurrency, so a rerun schedules the same way.
 */

/** 53-bit string hash (cyrb53), fast and well mixed; not for security. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A uniform number in [0, 1) determined by seed and key. */
export function uniform(seed: number, key: string): number {
  return hash53(key, seed) / 2 ** 53;
}

/** A seeded permutation of `values` for one item: each value's rank is a hash of (seed, item, value). */
export function seededOrder<T>(values: readonly T[], seed: number, itemId: string, keyOf: (v: T) => string): T[] {
  return values
    .map((v) => ({ v, r: hash53(`${itemId}\u0000${keyOf(v)}`, seed) }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.v);
}
