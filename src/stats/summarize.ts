/** Per-system metric summaries (mean and 95% CI) for run.json. */
import type { MetricSummary } from '../schema/run-result.js';
import { bootstrapMeanCi } from './bootstrap.js';
import { mean, wilson } from './descriptive.js';

export interface SummarizeOptions {
  /** Values are 0/1 (exact match, pass/fail): use the Wilson interval. */
  binary: boolean;
  seed: number;
  resamples?: number;
  /** The bootstrap interval already computed for these values (a run's shared plan, src/stats/run-statistics.ts). */
  ci95?: [number, number];
}

export function isBinaryValues(values: readonly number[]): boolean {
  return values.every((v) => v === 0 || v === 1);
}

/**
 * Mean and 95% CI over the scored items (null = not scored, skipped). Binary metrics get the Wilson score
 * interval; continuous ones (or a "binary" metric that turns out to hold other values) a percentile bootstrap
 * of the mean. `method` records which, so a reader knows how the interval was made.
 */
export function summarizeMetric(values: readonly (number | null | undefined)[], options: SummarizeOptions): MetricSummary {
  const scored = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const n = scored.length;
  if (n === 0) {
    return { mean: 0, ci95: options.binary ? [0, 1] : [0, 0], n: 0, method: 'none: no scored items' };
  }
  const m = mean(scored);
  if (options.binary && isBinaryValues(scored)) {
    const successes = scored.reduce((s, v) => s + v, 0);
    return { mean: m, ci95: wilson(successes, n), n, method: 'wilson' };
  }
  const ci95 = options.ci95 ?? bootstrapMeanCi(scored, { seed: options.seed, resamples: options.resamples });
  return { mean: m, ci95, n, method: `bootstrap-percentile (B=${options.resamples ?? 10_000})` };
}
