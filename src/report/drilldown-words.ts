/**
 * The drill-down's word index, built at render time so a search in the page reads only the index, never the item
 * chunks: per word (a lower-cased run of letters and digits) the items whose id, question, references or answers
 * hold it. Built from the full texts (a search also finds words the page shows shortened). Each item id is a word too,
 * whole, so an id with punctuation in it ("item-12") is found exactly.
 *
 * Block layout (little-endian, varints are unsigned LEB128), gzip-compressed and base85-encoded in the page:
 *   varint V (words), varint B (bytes of the word list), B bytes: the V words in UTF-16 code-unit order (the order of
 *   the page's string comparisons) joined by "\n" in UTF-8, then V varints: the byte length of each word's postings,
 *   then the postings: per word its items in ascending order as gaps (item + 1 for the first, then the difference).
 */

/** The search's words of a text; the page's script splits a query the same way (drilldown-script.ts). */
/** A search word: a run of letters and digits (the page's script splits a query with the same pattern). */
export const SEARCH_WORD_RE = /[\p{L}\p{N}]+/gu;
export const searchWords = (text: string): string[] => text.toLowerCase().match(SEARCH_WORD_RE) ?? [];

class Postings {
  last = -1;
  length = 0;
  bytes = new Uint8Array(4);
  add(item: number): void {
    if (item === this.last) return;
    const gap = item - this.last;
    this.last = item;
    if (this.length + 5 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.length = writeVarint(this.bytes, this.length, gap);
  }
}

function varintLength(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v >>>= 7;
    n++;
  }
  return n;
}

function writeVarint(out: Uint8Array, at: number, v: number): number {
  while (v >= 0x80) {
    out[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  out[at++] = v;
  return at;
}

function varints(values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 5);
  let at = 0;
  for (const v of values) at = writeVarint(out, at, v);
  return out.subarray(0, at);
}

export class WordIndex {
  /**
   * A word's postings, or the one item holding it as a plain number: most words of a large set (every item id among
   * them) are in one item, and a Postings object with its byte array for each was about 150 bytes a word.
   */
  private readonly words = new Map<string, Postings | number>();
  private items = 0;

  /** Adds item `item` with its texts; items come in ascending order, each once (the postings are gaps). */
  add(item: number, id: string, texts: string[]): void {
    if (item < this.items) throw new Error(`word index: item ${item} added after item ${this.items - 1}`);
    this.items = item + 1;
    // The word list is "\n"-separated: an id holding a line break is found by its words only.
    if (!id.includes('\n')) this.post(id.toLowerCase(), item);
    for (const text of texts) for (const w of searchWords(text)) this.post(w, item);
    for (const w of searchWords(id)) this.post(w, item);
  }

  private post(word: string, item: number): void {
    const p = this.words.get(word);
    if (p === undefined) this.words.set(word, item);
    else if (typeof p !== 'number') p.add(item);
    else if (p !== item) {
      const postings = new Postings();
      postings.add(p);
      postings.add(item);
      this.words.set(word, postings);
    }
  }

  /** The block described above (not yet compressed). */
  bytes(): Buffer {
    // Code-unit order, as the page's `<` compares: not localeCompare.
    const sorted = [...this.words.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const list = Buffer.from(sorted.join('\n'), 'utf8');
    const entries = sorted.map((w) => this.words.get(w)!);
    // A lone item's postings are its one gap from -1 (item + 1), as Postings would write it.
    const lengths = entries.map((p) => (typeof p === 'number' ? varintLength(p + 1) : p.length));
    const head = varints([sorted.length, list.length]);
    const lengthBlock = varints(lengths);
    const out = Buffer.allocUnsafe(head.length + list.length + lengthBlock.length + lengths.reduce((a, b) => a + b, 0));
    out.set(head, 0);
    let at = head.length;
    out.set(list, at);
    at += list.length;
    out.set(lengthBlock, at);
    at += lengthBlock.length;
    for (const p of entries) {
      if (typeof p === 'number') at = writeVarint(out, at, p + 1);
      else {
        out.set(p.bytes.subarray(0, p.length), at);
        at += p.length;
      }
    }
    return out;
  }
}

/** Reads a block back (for tests and tools): each word with its items. */
export function readWordIndex(block: Uint8Array): Map<string, number[]> {
  let at = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = block[at++];
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  const count = varint();
  const listBytes = varint();
  const words = count ? Buffer.from(block.buffer, block.byteOffset + at, listBytes).toString('utf8').split('\n') : [];
  at += listBytes;
  const lengths = words.map(() => varint());
  const out = new Map<string, number[]>();
  words.forEach((w, i) => {
    const end = at + lengths[i];
    const items: number[] = [];
    for (let k = -1; at < end; ) items.push((k += varint()));
    out.set(w, items);
  });
  return out;
}
