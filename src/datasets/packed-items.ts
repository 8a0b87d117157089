/**
 * An eval set's items as one buffer of JSON texts, for the length of a run's calls and scoring: about 200 bytes an item
 * outside the JavaScript heap instead of about 345 bytes of objects inside it (20.3 MB for the 100k-item scale set,
 * against 33 MB of heap, which the collector also keeps headroom for: bench/scale-eval-set.bench.ts). An item is
 * parsed again each time it is taken: 1 µs in a tight loop, about 4 µs inside a run (180 ms for 40k takes at 10k x 1
 * in a CPU profile), which is why small sets are not packed (PACK_FROM_ITEMS).
 */
import type { EvalItem, ItemList } from './types.js';

export class PackedItems implements ItemList {
  private readonly bytes: Buffer;
  /** Item i's JSON is bytes[offsets[i], offsets[i + 1]). */
  private readonly offsets: Uint32Array;

  constructor(items: readonly EvalItem[]) {
    this.offsets = new Uint32Array(items.length + 1);
    // Each item is turned into text twice (to size the buffer, then to fill it) rather than all its texts held at
    // once: at 100k items those would be 20 MB of strings on top of the items and the buffer.
    let total = 0;
    for (let i = 0; i < items.length; i++) {
      total += Buffer.byteLength(JSON.stringify(items[i]));
      this.offsets[i + 1] = total;
    }
    this.bytes = Buffer.allocUnsafeSlow(total);
    for (let i = 0; i < items.length; i++) this.bytes.write(JSON.stringify(items[i]), this.offsets[i]);
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  at(index: number): EvalItem | undefined {
    const i = index < 0 ? index + this.length : index;
    if (!(i >= 0 && i < this.length)) return undefined;
    return JSON.parse(this.bytes.toString('utf8', this.offsets[i], this.offsets[i + 1])) as EvalItem;
  }

  *[Symbol.iterator](): Iterator<EvalItem> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }
}
