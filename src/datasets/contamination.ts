/**
 * Contamination: held-out items whose prompt (or reference) also appears in the training data, exactly after
 * normalization or nearly (MinHash + LSH proposes, exact shingle Jaccard confirms). The report has the shape of
 * run.json's `contamination` field so `ftrag run` can embed it.
 */
import type { EvalSet } from './types.js';
import { NearDuplicateIndex, normalizeText, words } from './minhash.js';
import type { TrainingData } from './training.js';

export interface ContaminationPair {
  itemId: string;
  /** 1-based line in the training file. */
  trainingLine: number;
  /** Exact Jaccard of word shingles after normalization (1 for an exact match). */
  similarity: number;
  match: 'exact' | 'near';
  /** Which part of the test item matched: its prompt against training prompts, or its reference against completions. */
  field: 'prompt' | 'reference';
}

export interface ContaminationReport {
  trainingFile: string;
  /** Eval items checked. */
  checked: number;
  /** Items with at least one exact match. */
  exact: number;
  /** Items with near matches only. */
  near: number;
  threshold: number;
  pairs: ContaminationPair[];
}

export interface ContaminationOptions {
  /** Jaccard threshold for a near duplicate (0..1]; default 0.8. */
  threshold?: number;
  /** Word shingle size; default 3. */
  shingleSize?: number;
  /**
   * References shorter than this many words are not compared: short answers ("Paris", "1066") legitimately recur
   * across different questions, so matching them says nothing about leakage. Default 5.
   */
  minReferenceWords?: number;
  /** Most pairs listed per item (best first); default 10. */
  maxPairsPerItem?: number;
}

interface SideIndex {
  exact: Map<string, number[]>;
  near: NearDuplicateIndex;
}

export function checkContamination(train: TrainingData, evalSet: EvalSet, opts: ContaminationOptions = {}): ContaminationReport {
  const threshold = opts.threshold ?? 0.8;
  if (!(threshold > 0 && threshold <= 1)) throw new RangeError('threshold must be in (0, 1]');
  const k = opts.shingleSize ?? 3;
  const minRefWords = opts.minReferenceWords ?? 5;
  const maxPairs = opts.maxPairsPerItem ?? 10;

  const build = (texts: string[]): SideIndex => {
    const idx: SideIndex = { exact: new Map(), near: new NearDuplicateIndex(threshold, k) };
    texts.forEach((t, i) => {
      const n = normalizeText(t);
      idx.near.add(n);
      if (n === '') return;
      const list = idx.exact.get(n);
      if (list) list.push(i);
      else idx.exact.set(n, [i]);
    });
    return idx;
  };
  const prompts = build(train.records.map((r) => r.prompt));
  const completions = build(train.records.map((r) => r.completion));

  const match = (idx: SideIndex, text: string, field: 'prompt' | 'reference', itemId: string, found: Map<number, ContaminationPair>): void => {
    const n = normalizeText(text);
    if (n === '') return;
    const side = field === 'prompt' ? 0 : 1;
    for (const i of idx.exact.get(n) ?? []) found.set(i * 2 + side, { itemId, trainingLine: train.records[i].line, similarity: 1, match: 'exact', field });
    for (const { id, similarity } of idx.near.query(n, (id) => !found.has(id * 2 + side))) {
      found.set(id * 2 + side, { itemId, trainingLine: train.records[id].line, similarity: round4(similarity), match: 'near', field });
    }
  };

  let exact = 0;
  let near = 0;
  const pairs: ContaminationPair[] = [];
  for (const item of evalSet.items) {
    const found = new Map<number, ContaminationPair>();
    match(prompts, item.prompt, 'prompt', item.id, found);
    for (const ref of item.references) {
      if (words(normalizeText(ref)).length >= minRefWords) match(completions, ref, 'reference', item.id, found);
    }
    if (found.size === 0) continue;
    const list = [...found.values()].sort((a, b) => b.similarity - a.similarity || a.trainingLine - b.trainingLine);
    if (list.some((p) => p.match === 'exact')) exact++;
    else near++;
    pairs.push(...list.slice(0, maxPairs));
  }
  return { trainingFile: train.file, checked: evalSet.items.length, exact, near, threshold, pairs };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
