import { describe, expect, it } from 'vitest';
import {
  bootstrapMeanCi,
  createRng,
  minimumDetectableDifference,
  mean,
  minimumDetectableDifferenceContinuous,
  pairedBootstrap,
  percentiles,
  quantile,
  sampleSd,
  summarizeMetric,
} from '../../src/stats/index.js';

function noisyScores(seed: number, n: number, shift = 0): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.min(1, Math.max(0, rng() * 0.6 + 0.2 + shift)));
}

describe('createRng', () => {
  it('is deterministic for a seed, differs across seeds, and stays in [0, 1)', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(m).toBeGreaterThan(0.45);
    expect(m).toBeLessThan(0.55);
  });
});

describe('quantile and percentiles (numpy linear interpolation)', () => {
  it('interpolates like numpy.percentile', () => {
    const xs = [1, 2, 3, 4, 10];
    expect(quantile(xs, 0.5)).toBe(3);
    expect(quantile(xs, 0.95)).toBeCloseTo(8.8, 12); // numpy.percentile([1,2,3,4,10], 95) = 8.8
    expect(quantile(xs, 0.25)).toBe(2);
    expect(quantile([5], 0.99)).toBe(5);
  });
  it('skips nulls and reports n', () => {
    const p = percentiles([100, null, 300, 200, undefined]);
    expect(p).toEqual({ p50: 200, p95: 290, p99: 298, mean: 200, n: 3 });
    expect(percentiles([]).n).toBe(0);
  });
});

describe('mean and sampleSd', () => {
  it('sum with compensation: ten 0.1s average to 0.1 (naive summation gives 0.09999999999999999)', () => {
    expect(mean(Array(10).fill(0.1))).toBe(0.1);
    expect(mean(new Float64Array([1e16, 1, -1e16]))).toBe(1 / 3);
    expect(mean([])).toBeNaN();
  });
  it('sample SD uses n - 1 (numpy std(ddof=1)) and is 0 below two values', () => {
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935299395, 12);
    expect(sampleSd([3])).toBe(0);
    expect(sampleSd([])).toBe(0);
  });
});

describe('bootstrapMeanCi', () => {
  it('brackets the mean, is deterministic for a seed, and is degenerate for constant data', () => {
    const xs = noisyScores(1, 200);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const ci = bootstrapMeanCi(xs, { seed: 3 });
    expect(ci[0]).toBeLessThan(m);
    expect(ci[1]).toBeGreaterThan(m);
    // Half-width close to 1.96 * sd / sqrt(n) (uniform on [0.2, 0.8]: sd = 0.6 / sqrt(12)).
    expect((ci[1] - ci[0]) / 2).toBeCloseTo((1.96 * 0.6) / Math.sqrt(12) / Math.sqrt(200), 2);
    expect(bootstrapMeanCi(xs, { seed: 3 })).toEqual(ci);
    expect(bootstrapMeanCi([0.5, 0.5, 0.5], { seed: 1 })).toEqual([0.5, 0.5]);
  });
});

describe('pairedBootstrap', () => {
  it('finds a real difference between paired systems', () => {
    const b = noisyScores(2, 150);
    const a = b.map((x, i) => x + 0.05 + (i % 3 === 0 ? -0.02 : 0.01));
    const r = pairedBootstrap(a, b, { seed: 11 });
    expect(r.difference).toBeGreaterThan(0.04);
    expect(r.ci95[0]).toBeGreaterThan(0);
    expect(r.pValue).toBeLessThan(0.001);
    expect(r.pValue).toBeGreaterThan(0); // +1 correction: never exactly 0
  });
  it('finds nothing on identical inputs', () => {
    const a = noisyScores(3, 100);
    const r = pairedBootstrap(a, [...a], { seed: 5 });
    expect(r.difference).toBe(0);
    expect(r.ci95).toEqual([0, 0]);
    expect(r.pValue).toBe(1);
  });
  it('does not call noise significant', () => {
    const a = noisyScores(4, 100);
    const b = noisyScores(5, 100);
    const r = pairedBootstrap(a, b, { seed: 9 });
    expect(r.ci95[0]).toBeLessThan(0);
    expect(r.ci95[1]).toBeGreaterThan(0);
    expect(r.pValue).toBeGreaterThan(0.05);
  });
  it('is deterministic for a seed and changes with the seed', () => {
    const a = noisyScores(6, 80);
    const b = noisyScores(7, 80);
    expect(pairedBootstrap(a, b, { seed: 1 })).toEqual(pairedBootstrap(a, b, { seed: 1 }));
    expect(pairedBootstrap(a, b, { seed: 1 }).ci95).not.toEqual(pairedBootstrap(a, b, { seed: 2 }).ci95);
  });
  it('works for the p95 and agrees with a naive sort-every-resample implementation', () => {
    const rng = createRng(12);
    const slow = Array.from({ length: 60 }, () => 200 + rng() * 400);
    const fast = slow.map((x) => x * 0.5);
    const r = pairedBootstrap(slow, fast, { statistic: 'p95', seed: 4, resamples: 2000 });
    const naive = pairedBootstrap(slow, fast, {
      statistic: (v) => quantile([...v].sort((x, y) => x - y), 0.95),
      seed: 4,
      resamples: 2000,
    });
    expect(r.difference).toBeCloseTo(naive.difference, 9);
    expect(r.ci95[0]).toBeCloseTo(naive.ci95[0], 9);
    expect(r.ci95[1]).toBeCloseTo(naive.ci95[1], 9);
    expect(r.pValue).toBe(naive.pValue);
    expect(r.ci95[0]).toBeGreaterThan(0);
  });
  it('rejects misaligned inputs', () => {
    expect(() => pairedBootstrap([1, 2], [1], { seed: 1 })).toThrow(/lengths differ/);
  });
});

describe('summarizeMetric', () => {
  it('uses Wilson for binary scores and skips nulls', () => {
    const values = [...Array(45).fill(1), ...Array(5).fill(0), null, null];
    const s = summarizeMetric(values, { binary: true, seed: 1 });
    expect(s.n).toBe(50);
    expect(s.mean).toBeCloseTo(0.9, 12);
    expect(s.method).toBe('wilson');
    expect(s.ci95[0]).toBeCloseTo(0.786398, 6);
  });
  it('uses the bootstrap for continuous scores', () => {
    const s = summarizeMetric(noisyScores(8, 100), { binary: false, seed: 1 });
    expect(s.method).toMatch(/bootstrap/);
    expect(s.ci95[0]).toBeLessThan(s.mean);
    expect(s.ci95[1]).toBeGreaterThan(s.mean);
  });
  it('reports n = 0 when nothing was scored', () => {
    expect(summarizeMetric([null], { binary: true, seed: 1 })).toMatchObject({ n: 0, ci95: [0, 1] });
  });
});

describe('minimumDetectableDifference', () => {
  it('unpaired: (1.96 + 0.84) * sqrt(2 * .25 / n)', () => {
    expect(minimumDetectableDifference(500)).toBeCloseTo(2.8015852 * Math.sqrt(0.5 / 500), 6);
    expect(minimumDetectableDifference(2000)).toBeLessThan(minimumDetectableDifference(500));
  });
  it('paired (McNemar/Connor): solves the sample-size formula for delta', () => {
    const n = 300;
    const psi = 0.2;
    const delta = minimumDetectableDifference(n, { paired: { discordantRate: psi } });
    const za = 1.959963984540054;
    const zb = 0.8416212335729143;
    const nBack = (za * Math.sqrt(psi) + zb * Math.sqrt(psi - delta * delta)) ** 2 / delta ** 2;
    expect(nBack).toBeCloseTo(n, 6);
    // Fewer disagreements between systems make smaller differences visible.
    expect(minimumDetectableDifference(n, { paired: { discordantRate: 0.1 } })).toBeLessThan(delta);
    expect(minimumDetectableDifference(5, { paired: { discordantRate: 0.05 } })).toBe(Infinity);
  });
  it('continuous: from the SD of paired differences', () => {
    expect(minimumDetectableDifferenceContinuous(100, 0.2)).toBeCloseTo((2.8015852 * 0.2) / 10, 6);
  });
});
