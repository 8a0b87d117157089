import { describe, expect, it } from 'vitest';
import { bootstrapCi, createRng, percentilesWithCi, quantile } from '../../src/stats/index.js';

function latencies(seed: number, n: number): number[] {
  const rng = createRng(seed);
  // Log-normal-ish: a body near 400 ms and a slow tail, like service latencies.
  return Array.from({ length: n }, () => 400 * Math.exp(0.3 * (rng() + rng() + rng() - 1.5)) + (rng() < 0.05 ? 600 * rng() : 0));
}

describe('bootstrap interval of p95', () => {
  it('matches a sort-every-resample bootstrap drawn from the same random stream', () => {
    const xs = latencies(3, 60);
    const resamples = 400;
    const rng = createRng(11);
    const draws: number[] = [];
    for (let r = 0; r < resamples; r++) {
      const sample = Array.from({ length: xs.length }, () => xs[Math.floor(rng() * xs.length)]).sort((a, b) => a - b);
      draws.push(quantile(sample, 0.95));
    }
    draws.sort((a, b) => a - b);
    const [lo, hi] = bootstrapCi(xs, 'p95', { seed: 11, resamples });
    expect(lo).toBeCloseTo(quantile(draws, 0.025), 9);
    expect(hi).toBeCloseTo(quantile(draws, 0.975), 9);
  });

  it('brackets the observed p95, is the same for a seed, and narrows as items grow', () => {
    const small = percentilesWithCi(latencies(5, 50), 42);
    const large = percentilesWithCi(latencies(5, 2000), 42);
    for (const p of [small, large]) {
      expect(p.p95Ci95![0]).toBeLessThanOrEqual(p.p95);
      expect(p.p95Ci95![1]).toBeGreaterThanOrEqual(p.p95);
    }
    expect(percentilesWithCi(latencies(5, 50), 42)).toEqual(small);
    expect(large.p95Ci95![1] - large.p95Ci95![0]).toBeLessThan(small.p95Ci95![1] - small.p95Ci95![0]);
  });

  it('skips missing values and gives no interval when nothing was measured', () => {
    expect(percentilesWithCi([], 1)).toEqual({ p50: 0, p95: 0, p99: 0, mean: 0, n: 0 });
    const p = percentilesWithCi([100, null, 200, undefined, 300], 1);
    expect(p.n).toBe(3);
    expect(p.p95Ci95).toHaveLength(2);
  });
});
