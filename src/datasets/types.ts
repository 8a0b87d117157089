/** One held-out test item. Every system under test answers the same items. */
export interface EvalItem {
  /** Unique within the set; generated from a hash of the prompt when the file has none. */
  id: string;
  /** The question or instruction sent to every system. */
  prompt: string;
  /** Acceptable answers. Metrics take the max over references, as SQuAD does. `[""]` means "no answer". */
  references: string[];
  /** Optional task category: results and verdicts are also given per category. */
  category?: string;
  /** Optional per-item system prompt. */
  system?: string;
  /** Gold passages or source ids, for RAG retrieval metrics. */
  contexts?: string[];
  metadata?: Record<string, unknown>;
}

export type EvalSetFormat = 'jsonl' | 'csv' | 'bedrock-eval' | 'bedrock-ft' | 'bedrock-conversation' | 'squad-v2';

export interface EvalSet {
  /** Display name, by default the file name without extension. */
  name: string;
  /** Path it was loaded from. */
  path: string;
  format: EvalSetFormat;
  /** sha256 (hex) of the file's bytes, so runs and gates can tell sets apart. */
  sha256: string;
  items: EvalItem[];
}

/**
 * Items by position: an array, or a PackedItems (src/datasets/packed-items.ts) that holds a large set as bytes and
 * rebuilds an item each time it is asked for one (so an item taken twice is two equal objects, never one).
 */
export interface ItemList extends Iterable<EvalItem> {
  readonly length: number;
  at(index: number): EvalItem | undefined;
}
