/**
 * A map from a sha256 hex key to where its record lies in a file (offset, length, optionally its written time), in
 * typed arrays keyed by the key's first 64 bits. A Map of key strings to location objects (a 64-character string, an
 * object, a boxed timestamp and the Map's own entry per key) grew a run's heap with every cached call.
 *
 * Only 64 of the key's 256 bits are kept, so two keys could share a slot; callers read the record back and compare
 * its full key, so a collision (about 1 in 10^9 at a million entries) costs a miss, never a wrong answer.
 */

/** Parses 8 hex digits of `text` from `at` as an unsigned 32-bit integer (the caller has checked they are hex). */
function word(text: string, at: number): number {
  return Number.parseInt(text.slice(at, at + 8), 16) >>> 0;
}

/** 8 hex digits of `bytes` from `at`, or -1 if any is not a lower-case hex digit. */
export function hexWordOf(bytes: Uint8Array, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const c = bytes[i];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

const INITIAL = 1024;

/**
 * Entries live in dense columns (key words, offset, length, and the written time when asked for); an open-addressing
 * table of 32-bit entry numbers, at most half full, finds them. About 20 bytes an entry plus 8-16 of table (28 more
 * with times), against roughly 94 for the Map of key strings to location objects it replaced.
 */
export class DigestIndex {
  /** Entry number + 1 per slot; 0 is an empty slot. */
  private table = new Int32Array(INITIAL * 2);
  private hi = new Uint32Array(INITIAL);
  private lo = new Uint32Array(INITIAL);
  private offsets = new Float64Array(INITIAL);
  private lengths = new Uint32Array(INITIAL);
  private written: Float64Array | undefined;
  private used = 0;

  /** `withTimes`: also keep each record's written time (stats and prune need it; a run's lookups do not). */
  constructor(withTimes = false) {
    if (withTimes) this.written = new Float64Array(INITIAL);
  }

  /** Distinct keys (by their first 64 bits). */
  get size(): number {
    return this.used;
  }

  /**
   * Records a key, given as its first two 32-bit words (hexWordOf, so a scan makes no strings), at `offset`; a later
   * record of the same key replaces the earlier one.
   */
  setWords(hi: number, lo: number, offset: number, length: number, writtenMs = 0): void {
    let slot = this.slotOf(hi, lo);
    let entry = this.table[slot] - 1;
    if (entry < 0) {
      if (this.used === this.lengths.length) this.growColumns();
      if ((this.used + 1) * 2 > this.table.length) {
        this.rehash(this.table.length * 2);
        slot = this.slotOf(hi, lo);
      }
      entry = this.used++;
      this.table[slot] = entry + 1;
      this.hi[entry] = hi;
      this.lo[entry] = lo;
    }
    this.offsets[entry] = offset;
    this.lengths[entry] = length;
    if (this.written) this.written[entry] = writtenMs;
  }

  /** Where `key`'s record is (its written time is 0 unless the index keeps times), or undefined. */
  get(key: string): { offset: number; length: number; writtenMs: number } | undefined {
    const entry = this.table[this.slotOf(word(key, 0), word(key, 8))] - 1;
    return entry < 0 ? undefined : this.entry(entry);
  }

  /** Every entry, in the order their keys were first set. */
  *entries(): Generator<{ offset: number; length: number; writtenMs: number }> {
    for (let e = 0; e < this.used; e++) yield this.entry(e);
  }

  private entry(e: number): { offset: number; length: number; writtenMs: number } {
    return { offset: this.offsets[e], length: this.lengths[e], writtenMs: this.written?.[e] ?? 0 };
  }

  /** The slot holding (hi, lo), or the empty slot where it would go. */
  private slotOf(hi: number, lo: number): number {
    const mask = this.table.length - 1;
    // The key is a digest: its low bits are already uniform, so they index directly.
    let slot = lo & mask;
    for (let e = this.table[slot] - 1; e >= 0 && (this.hi[e] !== hi || this.lo[e] !== lo); e = this.table[slot] - 1) slot = (slot + 1) & mask;
    return slot;
  }

  private growColumns(): void {
    const n = this.lengths.length * 2;
    const grown = <A extends Uint32Array | Float64Array>(old: A, make: new (n: number) => A): A => {
      const a = new make(n);
      a.set(old);
      return a;
    };
    this.hi = grown(this.hi, Uint32Array);
    this.lo = grown(this.lo, Uint32Array);
    this.offsets = grown(this.offsets, Float64Array);
    this.lengths = grown(this.lengths, Uint32Array);
    if (this.written) this.written = grown(this.written, Float64Array);
  }

  private rehash(slots: number): void {
    this.table = new Int32Array(slots);
    const mask = slots - 1;
    for (let e = 0; e < this.used; e++) {
      let slot = this.lo[e] & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = e + 1;
    }
  }
}
