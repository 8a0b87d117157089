/**
 * Minimum detectable difference: the smallest true difference the test set can detect with the given power
 * (two-sided test at level alpha). Use it to say "with n = 200 items, differences under 9 pp are invisible".
 */
import { normalQuantile } from './normal.js';

export interface PowerOptions {
  alpha?: number;
  power?: number;
}

export interface RateMddOptions extends PowerOptions {
  /** Accuracy of the baseline system, for the unpaired formula. Default 0.5 (the worst case). */
  baselineRate?: number;
  /** Paired binary scores (same items for both systems): share of items on which the systems disagree. */
  paired?: { discordantRate: number };
}

function zSum(alpha: number, power: number): [number, number] {
  return [normalQuantile(1 - alpha / 2), normalQuantile(power)];
}

/**
 * Smallest detectable difference in a rate (accuracy, exact match) with n items per system.
 * - Unpaired (two independent samples, z test): delta = (z_{1-a/2} + z_{power}) * sqrt(2 p (1 - p) / n).
 * - Paired (McNemar, Connor 1987): n = (z_a sqrt(psi) + z_b sqrt(psi - delta^2))^2 / delta^2 with psi the
 *   discordant-pair rate; solved for delta by bisection. Returns Infinity when even delta = psi (every
 *   disagreement going one way) would not be detectable.
 */
export function minimumDetectableDifference(n: number, options: RateMddOptions = {}): number {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  if (n <= 0) return Infinity;
  const [za, zb] = zSum(alpha, power);
  if (!options.paired) {
    const p = options.baselineRate ?? 0.5;
    return (za + zb) * Math.sqrt((2 * p * (1 - p)) / n);
  }
  const psi = options.paired.discordantRate;
  if (!(psi > 0)) return Infinity;
  const gap = (delta: number) => za * Math.sqrt(psi) + zb * Math.sqrt(Math.max(0, psi - delta * delta)) - delta * Math.sqrt(n);
  if (gap(psi) > 0) return Infinity;
  let lo = 0;
  let hi = psi;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (gap(mid) > 0) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * Smallest detectable mean difference of a continuous paired metric (F1, ROUGE, judge score), from the
 * standard deviation of the per-item differences: (z_{1-a/2} + z_{power}) * sd / sqrt(n) (paired z test).
 */
export function minimumDetectableDifferenceContinuous(n: number, sdOfDifferences: number, options: PowerOptions = {}): number {
  if (n <= 0) return Infinity;
  const [za, zb] = zSum(options.alpha ?? 0.05, options.power ?? 0.8);
  return ((za + zb) * sdOfDifferences) / Math.sqrt(n);
}
