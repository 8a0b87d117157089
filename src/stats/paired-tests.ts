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

/**
 * Average ranks (1-based) of the values, ties sharing the mean of their positions, and the sizes of the ties in
 * ascending order of value. From one sorted typed copy: a value's rank is the middle of its run in that copy (found by
 * binary search), so no per-item objects are made (at 100k items a [value, index] pair each was about 8 MB a call).
 */
function midranks(values: ArrayLike<number>): { ranks: Float64Array; tieSizes: number[] } {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const tieSizes: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && sorted[end + 1] === sorted[start]) end++;
    if (end > start) tieSizes.push(end - start + 1);
    start = end + 1;
  }
  const ranks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    ranks[i] = (firstAbove(sorted, v, false) + firstAbove(sorted, v, true) + 1) / 2;
  }
  return { ranks, tieSizes };
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
  x: readonly number[],
  y: readonly number[],
  options: { zeroMethod?: ZeroMethod } = {},
): WilcoxonResult {
  if (x.length !== y.length) throw new RangeError(`wilcoxonSignedRank: lengths differ (${x.length} vs ${y.length})`);
  const zeroMethod = options.zeroMethod ?? 'wilcox';
  let d = Float64Array.from(x, (xi, i) => xi - y[i]);
  const nZero = d.filter((v) => v === 0).length;
  const exact = d.length <= EXACT_MAX_N && nZero === 0;
  if (!exact && zeroMethod === 'wilcox') d = d.filter((v) => v !== 0);
  const count = d.length;
  const nonZero = d.filter((v) => v !== 0).length;
  if (nonZero === 0) return { statistic: 0, pValue: 1, method: exact ? 'exact' : 'normal', n: 0 };

  const { ranks } = midranks(d.map(Math.abs));
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < count; i++) {
    if (d[i] > 0) rPlus += ranks[i];
    else if (d[i] < 0) rMinus += ranks[i];
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
  let rankedForTies = ranks;
  if (zeroMethod === 'pratt') {
    rankedForTies = ranks.filter((_, i) => d[i] !== 0);
    mean -= (nZero * (nZero + 1)) / 4;
    variance -= nZero * (nZero + 1) * (2 * nZero + 1);
  }
  for (const t of midranks(rankedForTies).tieSizes) variance -= 0.5 * t * (t * t - 1);
  const se = Math.sqrt(variance / 24);
  const z = (statistic - mean) / se;
  return { statistic, pValue: Math.min(1, 2 * normalSf(Math.abs(z))), method: 'normal', n: nonZero };
}
