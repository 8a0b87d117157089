/**
 * Near-duplicate detection: text normalization, word shingles, MinHash signatures and an LSH banding index.
 * LSH only proposes candidates; each is confirmed with the exact Jaccard similarity of the (32-bit hashed)
 * shingle sets, so a reported similarity is not a MinHash estimate.
 */
import { fmix32 } from '../util/random.js';

/** SQuAD's normalization (lower case, no punctuation, no articles, single spaces), so "The Eiffel Tower." == "eiffel tower". */
export function normalizeText(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function words(normalized: string): string[] {
  return normalized === '' ? [] : normalized.split(' ');
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}


/**
 * Word k-shingles as sorted, unique 32-bit hashes (word hashes combined, never joined into strings: this is the
 * hot loop of a 100,000-record check). A text shorter than k words is one shingle, so short prompts still compare.
 */
export function shingleHashes(normalized: string, k = 3): Uint32Array {
  const w = words(normalized);
  if (w.length === 0) return new Uint32Array(0);
  const wh = w.map(fnv1a);
  const size = Math.min(k, wh.length);
  const out = new Uint32Array(wh.length - size + 1);
  for (let i = 0; i + size <= wh.length; i++) {
    let h = 0x9747b28c ^ size;
    for (let j = 0; j < size; j++) h = fmix32((h ^ wh[i + j]) + j);
    out[i] = h;
  }
  out.sort();
  let n = 0;
  for (let i = 0; i < out.length; i++) if (i === 0 || out[i] !== out[i - 1]) out[n++] = out[i];
  return out.subarray(0, n);
}

/** Exact Jaccard similarity of two sorted unique hash arrays (1 for two empty sets). */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      inter++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return inter / (a.length + b.length - inter);
}

const NUM_PERM = 64;

function signatureOf(hashes: Uint32Array, seeds: Uint32Array, out: Uint32Array, offset: number): void {
  out.fill(0xffffffff, offset, offset + NUM_PERM);
  for (let s = 0; s < hashes.length; s++) {
    const base = hashes[s];
    for (let i = 0; i < NUM_PERM; i++) {
      const v = fmix32(base ^ seeds[i]);
      if (v < out[offset + i]) out[offset + i] = v;
    }
  }
}

/**
 * Rows per band for a similarity threshold: the most selective banding whose chance of proposing a pair at the
 * threshold is still >= 99.5 %, i.e. 1 - (1 - t^r)^b >= 0.995.
 */
export function chooseBanding(threshold: number, numPerm = NUM_PERM): { bands: number; rows: number } {
  for (const rows of [8, 6, 5, 4, 3, 2, 1]) {
    if (numPerm % rows !== 0) continue;
    const bands = numPerm / rows;
    if (1 - Math.pow(1 - Math.pow(threshold, rows), bands) >= 0.995) return { bands, rows };
  }
  return { bands: numPerm, rows: 1 };
}

export interface NearMatch {
  /** Position of the matching text in insertion order. */
  id: number;
  /** Exact Jaccard of the shingle sets. */
  similarity: number;
}

/**
 * Index of texts for near-duplicate queries. LSH banding proposes candidates, the MinHash estimate drops the
 * clearly dissimilar ones cheaply (4 standard errors below the threshold), and exact Jaccard decides.
 */
export class NearDuplicateIndex {
  private readonly seeds = new Uint32Array(NUM_PERM);
  private readonly bands: number;
  private readonly rows: number;
  private readonly buckets: Array<Map<number, number[]>>;
  private sigs = new Uint32Array(NUM_PERM * 1024);
  private readonly sets: Uint32Array[] = [];
  private readonly estimateFloor: number;

  constructor(
    readonly threshold: number,
    readonly shingleSize = 3,
  ) {
    for (let i = 0; i < NUM_PERM; i++) this.seeds[i] = fmix32((0x9e3779b1 + Math.imul(i, 0x7f4a7c15)) >>> 0);
    ({ bands: this.bands, rows: this.rows } = chooseBanding(threshold));
    this.buckets = Array.from({ length: this.bands }, () => new Map());
    const se = Math.sqrt((threshold * (1 - threshold)) / NUM_PERM);
    this.estimateFloor = threshold - 4 * Math.max(se, 0.02);
  }

  get size(): number {
    return this.sets.length;
  }

  private bandKey(sig: Uint32Array, offset: number, band: number): number {
    let h = band;
    for (let r = 0; r < this.rows; r++) h = fmix32(h ^ sig[offset + band * this.rows + r]) + r;
    return h >>> 0;
  }

  private signature(hashes: Uint32Array): Uint32Array {
    const sig = new Uint32Array(NUM_PERM);
    signatureOf(hashes, this.seeds, sig, 0);
    return sig;
  }

  /** Adds an already-normalized text; returns its id. Empty texts are stored but never match. */
  add(normalized: string): number {
    const id = this.sets.length;
    const set = shingleHashes(normalized, this.shingleSize);
    this.sets.push(set);
    if ((id + 1) * NUM_PERM > this.sigs.length) {
      const grown = new Uint32Array(this.sigs.length * 2);
      grown.set(this.sigs);
      this.sigs = grown;
    }
    signatureOf(set, this.seeds, this.sigs, id * NUM_PERM);
    if (set.length === 0) return id;
    for (let b = 0; b < this.bands; b++) {
      const key = this.bandKey(this.sigs, id * NUM_PERM, b);
      const bucket = this.buckets[b].get(key);
      if (bucket) bucket.push(id);
      else this.buckets[b].set(key, [id]);
    }
    return id;
  }

  /** Indexed texts whose Jaccard similarity with `normalized` is >= the threshold. */
  query(normalized: string, accept?: (id: number) => boolean): NearMatch[] {
    const set = shingleHashes(normalized, this.shingleSize);
    if (set.length === 0) return [];
    const sig = this.signature(set);
    const seen = new Set<number>();
    const out: NearMatch[] = [];
    for (let b = 0; b < this.bands; b++) {
      const bucket = this.buckets[b].get(this.bandKey(sig, 0, b));
      if (!bucket) continue;
      for (const id of bucket) {
        if (seen.has(id)) continue;
        seen.add(id);
        if (accept && !accept(id)) continue;
        let same = 0;
        const off = id * NUM_PERM;
        for (let i = 0; i < NUM_PERM; i++) if (this.sigs[off + i] === sig[i]) same++;
        if (same / NUM_PERM < this.estimateFloor) continue;
        const sim = jaccard(set, this.sets[id]);
        if (sim >= this.threshold) out.push({ id, similarity: sim });
      }
    }
    return out;
  }
}
