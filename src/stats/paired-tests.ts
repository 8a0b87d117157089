/** Paired significance tests: McNemar's exact test and the Wilcoxon signed-rank test (scipy 1.10.1 semantics). */
import { normalSf } from './normal.js';

/**
 * Exact McNemar test: b = pairs right under A only, c = right under B only.
 * p = min(1, 2 * P(X <= min(b, c))) for X ~ Binomial(b + c, 1/2); b + c = 0 gives 1.
 * The binomial CDF is summed in log space so b + c in the thousands does not underflow.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const logHalfN = n * Math.log(0.5);
  let logTerm = logHalfN; // log C(n, 0) / 2^n
  let maxLog = logTerm;
  const logs: number[] = [logTerm];
  for (let i = 0; i < k; i++) {
    logTerm += Math.log((n - i) / (i + 1));
    logs.push(logTerm);
    if (logTerm > maxLog) maxLog = logTerm;
  }
  let sum = 0;
  for (const l of logs) sum += Math.exp(l - maxLog);
  return Math.min(1, 2 * Math.exp(maxLog + Math.log(sum)));
}

export type ZeroMethod = 'wilcox' | 'pratt';

export interface WilcoxonResult {
  /** min(W+, W-): the smaller of the positive and negative rank sums (scipy's two-sided statistic). */
  statistic: number;
  pValue: number;
  method: 'exact' | 'normal';
  /** Non-zero differences that were ranked (for 'pratt', zeros are ranked but carry no sign). */
  n: number;
}

/** The average rank (1-based) of v in ascending `sorted`: the middle of its run of equal values. */
function midrank(sorted: Float64Array, v: number): number {
  return (firstAbove(sorted, v, false) + firstAbove(sorted, v, true) + 1) / 2;
}

/** The first position in ascending `sorted` whose value is above v (orEqual: at or above v). */
function firstAbove(sorted: Float64Array, v: number, above: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (above ? sorted[mid] <= v : sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const distributionCache = new Map<number, Float64Array>();

/** Null distribution of W+ for n untied ranks: pmf over 0..n(n+1)/2 (counts of subsets by rank sum / 2^n). */
function signedRankPmf(n: number): Float64Array {
  const cached = distributionCache.get(n);
  if (cached) return cached;
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) {
    for (let s = (r * (r + 1)) / 2; s >= r; s--) counts[s] += counts[s - r];
  }
  const scale = 2 ** -n;
  for (let s = 0; s <= max; s++) counts[s] *= scale;
  distributionCache.set(n, counts);
  return counts;
}

// scipy 1.10.1 uses the exact distribution when there are at most this many differences and no zeros.
const EXACT_MAX_N = 50;

/**
 * Wilcoxon signed-rank test of paired samples, two-sided, matching scipy.stats.wilcoxon(x, y, zero_method,
 * correction=False, mode='auto') in scipy 1.10.1:
 * - exact null distribution when n <= 50 and no difference is zero. Like scipy 1.10.1 this is used even with
 *   tied |differences|: W+ is then a half-integer and is truncated to an integer before the tail sums;
 * - otherwise the normal approximation with the tie correction; 'wilcox' drops zero differences before ranking,
 *   'pratt' ranks them and then removes their ranks (Cureton's adjustment of mean and variance).
 */
export function wilcoxonSignedRank(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  /** `scratch`: a buffer of at least x.length to sort in, for a caller that tests many pairs in turn. */
  options: { zeroMethod?: ZeroMethod; scratch?: Float64Array } = {},
): WilcoxonResult {
  if (x.length !== y.length) throw new RangeError(`wilcoxonSignedRank: lengths differ (${x.length} vs ${y.length})`);
  const zeroMethod = options.zeroMethod ?? 'wilcox';
  const n = x.length;
  let nZero = 0;
  for (let i = 0; i < n; i++) if (x[i] - y[i] === 0) nZero++;
  const exact = n <= EXACT_MAX_N && nZero === 0;
  // 'wilcox' drops the zero differences before ranking (unless the exact test runs, which has none); 'pratt' ranks them.
  const dropZeros = !exact && zeroMethod === 'wilcox';
  const count = dropZeros ? n - nZero : n;
  const nonZero = n - nZero;
  if (nonZero === 0) return { statistic: 0, pValue: 1, method: exact ? 'exact' : 'normal', n: 0 };

  // One sorted copy of the ranked |differences|: a difference's rank is the middle of its run there (binary search),
  // so no rank, sign or per-item arrays are made (at 100k items each such array is 0.8 MB a comparison).
  const sorted = options.scratch && options.scratch.length >= count ? options.scratch.subarray(0, count) : new Float64Array(count);
  for (let i = 0, k = 0; i < n; i++) {
    const d = x[i] - y[i];
    if (d !== 0 || !dropZeros) sorted[k++] = Math.abs(d);
  }
  sorted.sort();
  // Zero differences carry no sign, so they add to neither sum (under 'pratt' they only push the others' ranks up).
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - y[i];
    if (d > 0) rPlus += midrank(sorted, d);
    else if (d < 0) rMinus += midrank(sorted, -d);
  }
  const statistic = Math.min(rPlus, rMinus);

  if (exact) {
    const pmf = signedRankPmf(count);
    const r = Math.trunc(rPlus);
    if (r === Math.floor((pmf.length - 1) / 2)) return { statistic, pValue: 1, method: 'exact', n: nonZero };
    let less = 0;
    for (let s = 0; s <= r; s++) less += pmf[s];
    let greater = 0;
    for (let s = r; s < pmf.length; s++) greater += pmf[s];
    return { statistic, pValue: Math.min(1, 2 * Math.min(less, greater)), method: 'exact', n: nonZero };
  }

  let mean = (count * (count + 1)) / 4;
  let variance = count * (count + 1) * (2 * count + 1);
  if (zeroMethod === 'pratt') {
    mean -= (nZero * (nZero + 1)) / 4;
    variance -= nZero * (nZero + 1) * (2 * nZero + 1);
  }
  // The tie correction counts ties among the signed (non-zero) differences; equal ranks are equal |differences|.
  for (let start = 0; start < count; ) {
    let end = start;
    while (end + 1 < count && sorted[end + 1] === sorted[start]) end++;
    const t = end - start + 1;
    if (t > 1 && sorted[start] !== 0) variance -= 0.5 * t * (t * t - 1);
    start = end + 1;
  }
  const se = Math.sqrt(variance / 24);
  const z = (statistic - mean) / se;
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(z))), method: 'normal', n: nonZero };
}
