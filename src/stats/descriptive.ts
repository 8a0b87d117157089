/** Proportion intervals and percentiles. */
import { mean as ssMean, sampleStandardDeviation } from 'simple-statistics';
import type { Percentiles } from '../schema/run-result.js';

/** z for a two-sided 95% interval, to full precision (normalQuantile(0.975)). */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion (what statsmodels proportion_confint(method='wilson') gives).
 * Unlike the normal (Wald) interval it stays inside [0, 1] and does not collapse to a point at 0/n or n/n.
 */
export function wilson(successes: number, n: number, z: number = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Quantile of an ascending-sorted array with numpy's default ("linear", type 7) interpolation:
 * position h = (n - 1) p, interpolated between the two neighbouring order statistics.
 */
export function quantile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (p <= 0) return sorted[0];
  if (p >= 1) return sorted[n - 1];
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  if (frac === 0 || lo + 1 >= n) return sorted[lo];
  return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

/**
 * Arithmetic mean, NaN for no values. The sum is simple-statistics' Kahan-Babuska compensated sum, so a long run of
 * scores does not drift by accumulated rounding (docs/statistics.md).
 */
export function mean(values: ArrayLike<number>): number {
  return values.length ? ssMean(asArray(values)) : NaN;
}

/** Sample standard deviation (n - 1 denominator, simple-statistics' sampleStandardDeviation); 0 below two values. */
export function sampleSd(values: ArrayLike<number>): number {
  return values.length < 2 ? 0 : sampleStandardDeviation(asArray(values));
}

/**
 * simple-statistics types its inputs as arrays but reads only `length` and indices, so a typed array is handed over
 * as it is: copying a 100k-item column into an array for each mean was 0.8 MB of garbage a call.
 */
function asArray(values: ArrayLike<number>): number[] {
  return Array.isArray(values) || ArrayBuffer.isView(values) ? (values as number[]) : Array.from(values);
}

/**
 * The finite numbers of `values` in their order (nulls, undefined and NaN skipped), in an array of exactly their
 * count: filtering a 100k-item column into an array grew it step by step, each step a large block of garbage.
 */
export function finiteValues(values: ArrayLike<number | null | undefined>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) n++;
  }
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) out[k++] = v;
  }
  return out;
}

/** p50/p95/p99/mean of the finite values (nulls and NaN skipped); zeros when there are none (n says so). */
export function percentiles(values: ArrayLike<number | null | undefined>): Percentiles {
  // A typed array sorts numerically; the mean is taken over the sorted values, as it always was.
  const xs = finiteValues(values).sort();
  if (xs.length === 0) return { p50: 0, p95: 0, p99: 0, mean: 0, n: 0 };
  return { p50: quantile(xs, 0.5), p95: quantile(xs, 0.95), p99: quantile(xs, 0.99), mean: mean(xs), n: xs.length };
}
