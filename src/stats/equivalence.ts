/**
 * Paired equivalence (TOST) and "how many items would settle it", for the verdict (docs/verdict.md).
 *
 * Both work on the per-item differences d_i = a_i - b_i of two systems on the same items. The variance is taken
 * with the Agresti–Min adjustment generalised to any bounded difference: half an item disagreeing each way (+1 and
 * -1) and one more agreeing (0) are added, so n' = n + 2. Without it, a handful of identical answers (variance 0)
 * would "prove" equivalence; with it, zero disagreements need about 80 items to show equivalence within 2 points.
 */
import { normalQuantile, normalSf } from './normal.js';
import { minimumDetectableDifference, minimumDetectableDifferenceContinuous } from './power.js';

export interface PairedDifferences {
  n: number;
  /** Mean of a - b (unadjusted). */
  mean: number;
  /** Standard deviation of the per-item differences, Agresti–Min adjusted (never 0). */
  sdAdjusted: number;
  /** Mean of a - b after the adjustment (shrunk towards 0). */
  meanAdjusted: number;
  /** For 0/1 data: items right under a only, under b only. */
  onlyA?: number;
  onlyB?: number;
}

export function pairedDifferences(a: ArrayLike<number>, b: ArrayLike<number>): PairedDifferences {
  const n = Math.min(a.length, b.length);
  let sum = 0;
  let sumSq = 0;
  let onlyA = 0;
  let onlyB = 0;
  let binary = true;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    sum += d;
    sumSq += d * d;
    if (!((a[i] === 0 || a[i] === 1) && (b[i] === 0 || b[i] === 1))) binary = false;
    else if (d > 0) onlyA++;
    else if (d < 0) onlyB++;
  }
  // Pseudo-observations: +1 and -1 with weight 1/2 each, 0 with weight 1.
  const nAdj = n + 2;
  const meanAdjusted = sum / nAdj;
  const varAdjusted = Math.max(0, (sumSq + 1) / nAdj - meanAdjusted * meanAdjusted);
  return {
    n,
    mean: n > 0 ? sum / n : 0,
    meanAdjusted,
    sdAdjusted: Math.sqrt(varAdjusted),
    ...(binary ? { onlyA, onlyB } : {}),
  };
}

export interface Equivalence {
  margin: number;
  /** TOST p-value: the larger of the two one-sided p-values. */
  pValue: number;
  /** 90% interval of the difference (the TOST interval at alpha 0.05). */
  ci90: [number, number];
  equivalent: boolean;
}

/** Two one-sided tests: is |a - b| < margin? Normal approximation on the adjusted paired differences. */
export function pairedEquivalence(diffs: PairedDifferences, margin: number, alpha = 0.05): Equivalence {
  const se = diffs.sdAdjusted / Math.sqrt(diffs.n + 2);
  const m = diffs.meanAdjusted;
  const pLower = se > 0 ? normalSf((m + margin) / se) : m > -margin ? 0 : 1;
  const pUpper = se > 0 ? normalSf((margin - m) / se) : m < margin ? 0 : 1;
  const pValue = Math.max(pLower, pUpper);
  const z = normalQuantile(1 - alpha);
  return { margin, pValue, ci90: [m - z * se, m + z * se], equivalent: diffs.n > 0 && pValue < alpha };
}

export interface Settling {
  /** Paired minimum detectable difference at the current n (alpha 0.05, power 0.8); Infinity when none is. */
  mde: number;
  /** How the MDE was computed. */
  basis: string;
  /** Smallest n at which, if the observed pattern held, the difference would be detectable or equivalence shown (80% power). */
  itemsToSettle?: number;
}

const Z_ALPHA_TWO_SIDED = normalQuantile(0.975);
const Z_ALPHA_ONE_SIDED = normalQuantile(0.95);
const Z_POWER = normalQuantile(0.8);

/** The adjusted mean and standard error of the difference if the observed per-item pattern held on `size` items. */
function projected(diffs: PairedDifferences, size: number): { mean: number; se: number } {
  const n = Math.max(diffs.n, 1);
  const rawMean = diffs.mean;
  // Raw second moment recovered from the adjusted variance at the observed n.
  const rawSecond = ((diffs.sdAdjusted ** 2 + diffs.meanAdjusted ** 2) * (diffs.n + 2) - 1) / n;
  const mean = (rawMean * size) / (size + 2);
  const variance = Math.max(1e-12, (rawSecond * size + 1) / (size + 2) - mean * mean);
  return { mean, se: Math.sqrt(variance / (size + 2)) };
}

/** Smallest size > n (up to 10 million) for which `ok` holds, assuming it stays true once true. */
function smallestSize(n: number, ok: (size: number) => boolean): number | undefined {
  let hi = n + 1;
  while (!ok(hi)) {
    hi *= 2;
    if (hi > 1e7) return undefined;
  }
  let lo = Math.max(n, Math.floor(hi / 2));
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The paired MDE at the observed discordance (0/1) or paired variance (continuous), and the items that would settle
 * the question at 80% power if the observed pattern held: the difference detectable, or equivalence within the
 * margin shown, whichever needs fewer.
 */
export function settling(diffs: PairedDifferences, margin: number): Settling {
  const { n } = diffs;
  let mde: number;
  let basis: string;
  if (diffs.onlyA !== undefined && diffs.onlyB !== undefined) {
    // Observed discordance, smoothed like the variance so a set with no disagreement still has a finite estimate.
    const psi = (diffs.onlyA + diffs.onlyB + 1) / (n + 2);
    mde = minimumDetectableDifference(n, { paired: { discordantRate: psi } });
    basis = `paired McNemar at the observed discordance (${(psi * 100).toFixed(1)}% of items)`;
  } else {
    mde = minimumDetectableDifferenceContinuous(n, diffs.sdAdjusted);
    basis = `paired z at the observed sd of differences (${diffs.sdAdjusted.toFixed(3)})`;
  }
  const detect = (size: number) => {
    const p = projected(diffs, size);
    return Math.abs(p.mean) / p.se >= Z_ALPHA_TWO_SIDED + Z_POWER;
  };
  const equivalent = (size: number) => {
    const p = projected(diffs, size);
    return (margin - Math.abs(p.mean)) / p.se >= Z_ALPHA_ONE_SIDED + Z_POWER;
  };
  const options = [diffs.mean !== 0 ? smallestSize(n, detect) : undefined, Math.abs(diffs.mean) < margin ? smallestSize(n, equivalent) : undefined];
  const found = options.filter((x): x is number => x !== undefined);
  return { mde, basis, itemsToSettle: found.length ? Math.min(...found) : undefined };
}
