/**
 * The eval set a run loaded, with its items held only for the calls and the scoring pass. From then on the run reads
 * each item's full form from the scored-items file (items.jsonl) and needs of the set only its facts, so a large set's
 * prompts and references (about 350 bytes an item, 33 MB at 100k items) are not kept through the statistics and the
 * reports, where the heap they hold is paid for again as garbage-collector headroom.
 */
import type { EvalItem, EvalSet, EvalSetFormat } from '../datasets/types.js';

/** What run.json and the summaries need of the set once its items are scored. */
export interface EvalSetFacts {
  name: string;
  path: string;
  format: EvalSetFormat;
  sha256: string;
  /** Each item's category in set order (undefined: none); its length is the number of items. */
  categories: readonly (string | undefined)[];
}

export class RunEvalSet {
  readonly facts: EvalSetFacts;
  private loaded: EvalSet | undefined;

  constructor(set: EvalSet) {
    this.loaded = set;
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

  /** The set as loaded, items included, until release(). */
  get set(): EvalSet {
    if (!this.loaded) throw new Error(`the items of ${this.facts.path} were released after scoring; read them from items.jsonl`);
    return this.loaded;
  }

  get items(): EvalItem[] {
    return this.set.items;
  }

  /** Lets the items go: called once they are scored and written beside the run. */
  release(): void {
    this.loaded = undefined;
  }
}
