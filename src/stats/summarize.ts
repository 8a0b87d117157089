/** Per-system metric summaries (mean and 95% CI) for run.json. */
import type { MetricSummary } from '../schema/run-result.js';
import { bootstrapMeanCi } from './bootstrap.js';
import { finiteValues, mean, wilson } from './descriptive.js';

export interface SummarizeOptions {
  /** Values are 0/1 (exact match, pass/fail): use the Wilson interval. */
  binary: boolean;
  seed: number;
  resamples?: number;
  /** The bootstrap interval already computed for these values (a run's shared plan, src/stats/run-statistics.ts). */
  ci95?: [number, number];
}

export function isBinaryValues(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0 && values[i] !== 1) return false;
  return true;
}

/**
 * Mean and 95% CI over the scored items (null = not scored, skipped). Binary metrics get the Wilson score
 * interval; continuous ones (or a "binary" metric that turns out to hold other values) a percentile bootstrap
 * of the mean. `method` records which, so a reader knows how the interval was made.
 */
export function summarizeMetric(values: ArrayLike<number | null | undefined>, options: SummarizeOptions): MetricSummary {
  const scored = finiteValues(values);
  const n = scored.length;
  if (n === 0) {
    return { mean: 0, ci95: options.binary ? [0, 1] : [0, 0], n: 0, method: 'none: no scored items' };
  }
  const m = mean(scored);
  if (options.binary && isBinaryValues(scored)) {
    let successes = 0;
    for (let i = 0; i < n; i++) successes += scored[i];
    return { mean: m, ci95: wilson(successes, n), n, method: 'wilson' };
  }
  const ci95 = options.ci95 ?? bootstrapMeanCi(scored, { seed: options.seed, resamples: options.resamples });
  return { mean: m, ci95, n, method: `bootstrap-percentile (B=${options.resamples ?? 10_000})` };
}
