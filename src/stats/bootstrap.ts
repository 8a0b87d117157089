/**
 * Bootstrap intervals and the paired bootstrap test (Koehn 2004): resample item indices with replacement and
 * recompute the statistic for both systems on the same resample, so item difficulty cancels out.
 */
import type { Percentiles } from '../schema/run-result.js';
import { finiteValues, percentiles, quantile } from './descriptive.js';
import { createRng } from './rng.js';
import { percentileColumn, percentileOfCounts, resampleRange, type NamedStatistic } from './resample.js';

/** 'mean', a named percentile, or any function of a (multi)set of values. */
export type Statistic = 'mean' | 'p50' | 'p90' | 'p95' | 'p99' | ((values: number[]) => number);

export interface BootstrapOptions {
  seed: number;
  /** Number of resamples B; 10,000 keeps the Monte Carlo error of a 95% bound well under 0.5 pp. */
  resamples?: number;
}

export interface PairedBootstrapResult {
  /** statistic(a) - statistic(b) on the observed data. */
  difference: number;
  /** Percentile interval of the resampled differences. */
  ci95: [number, number];
  /**
   * Two-sided p-value: 2 * min((#{delta* <= 0} + 1) / (B + 1), (#{delta* >= 0} + 1) / (B + 1)), capped at 1.
   * The +1 counts the observed data as one of the resamples, so p is never exactly 0 (smallest is 2/(B+1)).
   */
  pValue: number;
  resamples: number;
}

const PERCENTILE: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

/**
 * Evaluates a statistic on a resample described by multiplicities (counts[i] = times item i was drawn).
 * Means and percentiles are computed from counts in O(n) per resample: a percentile walks the items in
 * pre-sorted order accumulating counts, which avoids sorting 10,000 resamples.
 */
type CountStatistic = (counts: Uint32Array, total: number) => number;

function countStatistic(values: ArrayLike<number>, statistic: Statistic): CountStatistic {
  const n = values.length;
  if (statistic === 'mean') {
    return (counts, total) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += counts[i] * values[i];
      return sum / total;
    };
  }
  if (typeof statistic === 'string') {
    const p = PERCENTILE[statistic];
    // The same walk the shared resampler uses (numpy's linear interpolation between order statistics k and k+1).
    const { order, sorted } = percentileColumn(Float64Array.from(values), p, 0);
    return (counts, total) => percentileOfCounts(counts, order, sorted, total, p);
  }
  return (counts) => {
    const sample: number[] = [];
    for (let i = 0; i < n; i++) for (let c = 0; c < counts[i]; c++) sample.push(values[i]);
    return statistic(sample);
  };
}

function evaluate(values: readonly number[], statistic: Statistic): number {
  const counts = new Uint32Array(values.length).fill(1);
  return countStatistic(values, statistic)(counts, values.length);
}

/** Percentile 95% interval of a statistic's resampled values. */
export function percentileInterval(draws: Float64Array): [number, number] {
  const sorted = Float64Array.from(draws).sort();
  return [quantile(sorted, 0.025), quantile(sorted, 0.975)];
}

/** Statistic values on each resample, for the named statistics through the shared one-pass loop. */
function namedDraws(columns: readonly ArrayLike<number>[], statistic: NamedStatistic, seed: number, resamples: number): Float64Array[] {
  const n = columns[0].length;
  return resampleRange({ n, seed, resamples, columns: columns.map((v) => ({ values: Float64Array.from(v), statistic })) }, 0, resamples);
}

/**
 * The paired bootstrap's result from the two systems' statistic values on the same resamples: the percentile
 * interval of the differences and the two-sided p-value (see PairedBootstrapResult).
 */
export function pairedFromDraws(drawsA: Float64Array, drawsB: Float64Array, difference: number): PairedBootstrapResult {
  const resamples = drawsA.length;
  const deltas = new Float64Array(resamples);
  let atOrBelowZero = 0;
  let atOrAboveZero = 0;
  for (let r = 0; r < resamples; r++) {
    const delta = drawsA[r] - drawsB[r];
    deltas[r] = delta;
    // Differences within float noise of zero count as zero, so identical systems give p = 1.
    if (delta <= 1e-12) atOrBelowZero++;
    if (delta >= -1e-12) atOrAboveZero++;
  }
  const pValue = Math.min(1, (2 * (Math.min(atOrBelowZero, atOrAboveZero) + 1)) / (resamples + 1));
  return { difference, ci95: percentileInterval(deltas), pValue, resamples };
}

/**
 * Percentile bootstrap 95% interval of the mean. Each resample's mean is summed from multiplicities in item order
 * (the one-pass loop every statistic shares), so its last bits can differ from summing in draw order.
 */
export function bootstrapMeanCi(values: ArrayLike<number>, options: BootstrapOptions): [number, number] {
  if (values.length === 0) return [NaN, NaN];
  return percentileInterval(namedDraws([values], 'mean', options.seed, options.resamples ?? 10_000)[0]);
}

/** Percentile bootstrap 95% interval of any statistic of one sample (e.g. 'p95' of latencies). */
export function bootstrapCi(values: ArrayLike<number>, statistic: Statistic, options: BootstrapOptions): [number, number] {
  const n = values.length;
  if (n === 0) return [NaN, NaN];
  const resamples = options.resamples ?? 10_000;
  if (typeof statistic === 'string') return percentileInterval(namedDraws([values], statistic, options.seed, resamples)[0]);
  const stat = countStatistic(values, statistic);
  const rng = createRng(options.seed);
  const counts = new Uint32Array(n);
  const draws = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rng() * n)]++;
    draws[r] = stat(counts, n);
  }
  return percentileInterval(draws);
}

/**
 * p50/p95/p99/mean plus a bootstrap 95% interval of p95, so an SLO check can tell "above the objective" from
 * "above it within noise". 2,000 resamples: the interval's ends move by well under 1% of p95 between seeds, and
 * 10k-item runs stay fast.
 */
export function percentilesWithCi(
  values: ArrayLike<number | null | undefined>,
  seed: number,
  resamples = P95_CI_RESAMPLES,
  /** The interval already computed by a run's shared plan (same values, seed and resamples). */
  p95Ci95?: [number, number],
): Percentiles {
  const xs = finiteValues(values);
  const p = percentiles(xs);
  if (xs.length === 0) return p;
  return { ...p, p95Ci95: p95Ci95 ?? bootstrapCi(xs, 'p95', { seed, resamples }) };
}

export const P95_CI_RESAMPLES = 2_000;

/** Paired bootstrap of statistic(a) - statistic(b); a[i] and b[i] are the same item. */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions & { statistic?: Statistic },
): PairedBootstrapResult {
  if (a.length !== b.length) throw new RangeError(`pairedBootstrap: lengths differ (${a.length} vs ${b.length})`);
  const n = a.length;
  const resamples = options.resamples ?? 10_000;
  const statistic = options.statistic ?? 'mean';
  if (n === 0) return { difference: NaN, ci95: [NaN, NaN], pValue: 1, resamples };
  const difference = evaluate(a, statistic) - evaluate(b, statistic);
  if (typeof statistic === 'string') {
    const [drawsA, drawsB] = namedDraws([a, b], statistic, options.seed, resamples);
    return pairedFromDraws(drawsA, drawsB, difference);
  }
  const statA = countStatistic(a, statistic);
  const statB = countStatistic(b, statistic);
  const rng = createRng(options.seed);
  const counts = new Uint32Array(n);
  const drawsA = new Float64Array(resamples);
  const drawsB = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[Math.floor(rng() * n)]++;
    drawsA[r] = statA(counts, n);
    drawsB[r] = statB(counts, n);
  }
  return pairedFromDraws(drawsA, drawsB, difference);
}
