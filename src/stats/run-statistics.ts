/**
 * All of a run's bootstrap statistics in one plan: the 95% interval of every system's continuous metrics (overall
 * and per category) and every paired comparison. Intervals and comparisons on the same items share resamples, so a
 * system's interval and its paired differences come from the same draws, made once (src/stats/plan.ts).
 */
import type { Comparison } from '../schema/run-result.js';
import { percentileInterval } from './bootstrap.js';
import { columnKey, finishComparisons, planComparisons, type CompareSystemsInput } from './compare.js';
import { BootstrapPlan, PlanScratch, type ColumnRef } from './plan.js';
import type { ParallelOptions } from './resample-pool.js';
import type { NamedStatistic } from './resample.js';

/** A one-sample interval that keeps its own seed (the latency p95 intervals, `percentilesWithCi`). */
export interface IntervalRequest {
  key: string;
  /** The sample; with `positions`, a column aligned by item that holds it at those positions (ascending). */
  values: ArrayLike<number>;
  positions?: ArrayLike<number>;
  statistic: NamedStatistic;
  seed: number;
  resamples: number;
}

export interface RunStatistics {
  comparisons: Comparison[];
  /**
   * Bootstrap 95% interval of the mean of a system's metric over its scored items (in one category when given);
   * undefined for binary metrics (those take the Wilson interval) and for metrics with no scored item.
   */
  metricInterval(systemId: string, metric: string, category?: string): [number, number] | undefined;
  /** The interval of an IntervalRequest by its key. */
  requested(key: string): [number, number] | undefined;
}

function isScore(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export async function runStatistics(
  input: CompareSystemsInput,
  parallel: ParallelOptions = {},
  requests: readonly IntervalRequest[] = [],
): Promise<RunStatistics> {
  const plan = new BootstrapPlan(input.seed);
  const resamples = input.resamples ?? 10_000;
  const categories = input.categories
    ? [...new Set(input.categories.filter((c): c is string => typeof c === 'string'))].sort()
    : [];
  const scratch = new PlanScratch();
  const intervals = new Map<string, ColumnRef>();
  for (const system of input.systems) {
    for (const metric of input.metrics) {
      const all = input.scores(system, metric.name);
      for (const category of [undefined, ...categories]) {
        const positions = scoredIn(all, scratch, category === undefined ? undefined : (i) => input.categories?.[i] === category);
        if (positions.length === 0) continue;
        if (metric.binary && positions.every((i) => all[i] === 0 || all[i] === 1)) continue;
        intervals.set(intervalKey(system, metric.name, category), plan.column(columnKey(system, metric.name), positions, all, 'mean', { resamples }));
      }
    }
  }
  const extra = new Map<string, ColumnRef>();
  for (const r of requests) {
    const positions = r.positions ?? Array.from({ length: r.values.length }, (_, i) => i);
    if (positions.length === 0) continue;
    extra.set(r.key, plan.column(r.key, positions, r.values, r.statistic, { resamples: r.resamples, seed: r.seed }));
  }
  const planned = planComparisons(input, plan, scratch);
  await plan.run(parallel);
  return resultOf(finishComparisons(planned, plan, input), intervalsOf(plan, intervals), intervalsOf(plan, extra));
}

const intervalKey = (system: string, metric: string, category?: string) => `${system}\u0000${metric}\u0000${category ?? ''}`;

/** Each column's 95% percentile interval, taken from the plan's draws. */
function intervalsOf(plan: BootstrapPlan, refs: Map<string, ColumnRef>): Map<string, [number, number]> {
  return new Map([...refs].map(([key, ref]) => [key, percentileInterval(plan.drawsOf(ref))]));
}

/**
 * The result in a scope of its own: closures made in runStatistics would share its context, which holds the plan
 * (every column and draw, about 40 MB at 100k items x 4 systems) and the run's scores, for as long as the result
 * lives.
 */
function resultOf(comparisons: Comparison[], metricIntervals: Map<string, [number, number]>, requested: Map<string, [number, number]>): RunStatistics {
  return {
    comparisons,
    metricInterval: (system, metric, category) => metricIntervals.get(intervalKey(system, metric, category)),
    requested: (key) => requested.get(key),
  };
}

/** The positions (of those `keep` accepts, all when absent) where `all` holds a score, in a view of `scratch`. */
function scoredIn(all: ArrayLike<number | null | undefined>, scratch: PlanScratch, keep?: (i: number) => boolean): Int32Array {
  const scored = (i: number) => isScore(all[i]) && (keep === undefined || keep(i));
  let count = 0;
  for (let i = 0; i < all.length; i++) if (scored(i)) count++;
  const positions = scratch.take(count);
  for (let i = 0, k = 0; i < all.length; i++) if (scored(i)) positions[k++] = i;
  return positions;
}
