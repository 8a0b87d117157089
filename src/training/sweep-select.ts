/**
 * Which sweep point is served (pure). Only validation evidence enters: the final validation loss from the job's
 * metric CSV and the mean score of the point answering the validation records; the test set is never an input.
 * Combined rules rank by the first criterion; points within `tieWithin` of the best on it are tied and the second
 * criterion decides. Remaining ties go to the cheaper point (trained tokens x epochs), then to the earlier one.
 */
import type { SweepSpec } from '../config/schema.js';

export type SweepRule = SweepSpec['select'];

export interface SweepCandidate {
  index: number;
  /** Final validation loss (lower is better); undefined when the job wrote none. */
  loss?: number;
  /** Mean validation score, 0..1 (higher is better); undefined when not measured. */
  score?: number;
  /** Trained tokens x epochs: what the point cost to train. */
  cost: number;
}

export interface SweepChoice {
  index: number;
  /** One sentence saying why, with the numbers. */
  reason: string;
}

/** The criteria a rule reads, in order. */
export function ruleCriteria(rule: SweepRule): ('loss' | 'score')[] {
  switch (rule) {
    case 'validation-loss':
      return ['loss'];
    case 'validation-score':
      return ['score'];
    case 'loss-then-score':
      return ['loss', 'score'];
    case 'score-then-loss':
      return ['score', 'loss'];
  }
}

export function needsScores(rule: SweepRule): boolean {
  return ruleCriteria(rule).includes('score');
}

const usable = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x);
/** Lower is better for both after this: loss as is, score negated. */
const badness = (c: SweepCandidate, k: 'loss' | 'score'): number | undefined => (k === 'loss' ? c.loss : usable(c.score) ? -c.score : undefined);

/** Undefined when no point has the evidence the rule's first criterion needs. */
export function choosePoint(candidates: SweepCandidate[], rule: SweepRule, tieWithin = 0): SweepChoice | undefined {
  const [first, second] = ruleCriteria(rule);
  let pool = candidates.filter((c) => usable(badness(c, first)));
  if (pool.length === 0) return undefined;
  const best = Math.min(...pool.map((c) => badness(c, first)!));
  // With a single criterion only exact ties are ties; a combined rule widens them by tieWithin.
  const slack = second ? tieWithin : 0;
  // A small epsilon keeps the comparison from depending on float rounding of the same value.
  pool = pool.filter((c) => badness(c, first)! <= best + slack + 1e-12);
  const tiedOnFirst = pool.length;
  if (second && pool.some((c) => usable(badness(c, second)))) {
    pool = pool.filter((c) => usable(badness(c, second)));
    const best2 = Math.min(...pool.map((c) => badness(c, second)!));
    pool = pool.filter((c) => badness(c, second)! <= best2 + 1e-12);
  }
  pool.sort((a, b) => a.cost - b.cost || a.index - b.index);
  const chosen = pool[0];
  const value = (k: 'loss' | 'score') => (k === 'loss' ? `validation loss ${chosen.loss!.toFixed(4)}` : `validation score ${chosen.score!.toFixed(3)}`);
  const label = (k: 'loss' | 'score') => (k === 'loss' ? 'lowest validation loss' : 'highest validation score');
  let reason = `${label(first)} (${value(first)})`;
  if (second && tiedOnFirst > 1) {
    reason = `${tiedOnFirst} points within ${tieWithin} of the ${label(first)}; of them the ${label(second)}${usable(badness(chosen, second)) ? ` (${value(second)})` : ''}`;
  }
  if (pool.length > 1) reason += `; tied, so the cheaper point`;
  return { index: chosen.index, reason };
}
