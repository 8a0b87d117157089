/**
 * The eval set a run loaded, with its items held only for the calls and the scoring pass. From then on the run reads
 * each item's full form from the scored-items file (items.jsonl) and needs of the set only its facts, so a large set's
 * prompts and references (about 350 bytes an item, 33 MB at 100k items) are not kept through the statistics and the
 * reports, where the heap they hold is paid for again as garbage-collector headroom.
 */
import { PackedItems } from '../datasets/packed-items.js';
import type { EvalSet, EvalSetFormat, ItemList } from '../datasets/types.js';

/** What run.json and the summaries need of the set once its items are scored. */
export interface EvalSetFacts {
  name: string;
  path: string;
  format: EvalSetFormat;
  sha256: string;
  /** Each item's category in set order (undefined: none); its length is the number of items. */
  categories: readonly (string | undefined)[];
}

/**
 * From this many items a run packs its set for the calls. Below it the objects cost little (3.5 MB at 10k items) and
 * rebuilding an item at each take does not pay: at 10k items x 1 system the takes cost about 180 ms of a 12.7 s run
 * (a CPU profile of the harness bench's run), where at 100k x 4 packing takes the calls' peak RSS from 220-227 to
 * 173-200 MB.
 */
export const PACK_FROM_ITEMS = 20_000;

export class RunEvalSet {
  readonly facts: EvalSetFacts;
  private loaded: EvalSet | undefined;
  private packed: PackedItems | undefined;
  private readonly packFrom: number;

  constructor(set: EvalSet, options: { packFrom?: number } = {}) {
    this.loaded = set;
    this.packFrom = options.packFrom ?? PACK_FROM_ITEMS;
    // One string per distinct category, not one per item.
    const distinct = new Map<string, string>();
    const categories = set.items.map((item) => {
      if (item.category === undefined) return undefined;
      const known = distinct.get(item.category);
      if (known !== undefined) return known;
      distinct.set(item.category, item.category);
      return item.category;
    });
    this.facts = { name: set.name, path: set.path, format: set.format, sha256: set.sha256, categories };
  }

  get size(): number {
    return this.facts.categories.length;
  }

  /** The set as loaded, items included, for the checks before the calls: until the calls take a large set's items. */
  get set(): EvalSet {
    if (!this.loaded) throw new Error(`the items of ${this.facts.path} were packed for the calls or released after scoring; read them from items.jsonl`);
    return this.loaded;
  }

  /**
   * The items for the calls and the scoring, until release(). A large set (PACK_FROM_ITEMS) is packed on first use
   * (PackedItems: a buffer outside the heap, not objects) and its loaded objects are let go; a smaller one is served
   * as loaded.
   */
  get items(): ItemList {
    if (this.packed) return this.packed;
    const set = this.set;
    if (set.items.length < this.packFrom) return set.items;
    this.packed = new PackedItems(set.items);
    this.loaded = undefined;
    return this.packed;
  }

  /** Lets the items go: called once they are scored and written beside the run. */
  release(): void {
    this.loaded = undefined;
    this.packed = undefined;
  }
}
