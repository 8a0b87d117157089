import type { EvalItem } from '../datasets/types.js';
import type { RetrievedContext } from '../targets/types.js';

/** What a scorer sees: the item and one system's answer. A saved run holds all of it, so it can be re-scored. */
export interface ScoreInput {
  item: EvalItem;
  output: string;
  /** Retrieved contexts (RAG systems only). */
  contexts?: RetrievedContext[];
}

export interface Score {
  /** 0..1, or null when the metric does not apply to this item (e.g. context recall without gold contexts). */
  value: number | null;
  /** One-line reason (LLM judge). */
  reason?: string;
}

/**
 * One Scorer contract. Deterministic scorers are synchronous at heart but share the async signature so
 * model-backed ones (semantic, judge) fit the same slot.
 */
export interface Scorer {
  /** Metric name as it appears in run.json, e.g. `f1`, `rougeL`, `Builtin.Correctness`. */
  readonly name: string;
  /** True when a higher value is better (all quality metrics here). */
  readonly higherIsBetter: boolean;
  /** Binary metrics (0/1 per item) get Wilson intervals and McNemar tests; others get bootstrap and Wilcoxon. */
  readonly binary: boolean;
  score(input: ScoreInput): Promise<Score> | Score;
}
