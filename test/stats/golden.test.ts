import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { holm, mcnemarExact, normalCdf, normalQuantile, wilcoxonSignedRank, wilson } from '../../src/stats/index.js';

// Vectors computed by scipy 1.10.1 / statsmodels 0.13.5 (see /work/shared/reference/metrics.md §6).
const golden = JSON.parse(readFileSync(new URL('../fixtures/golden/statistics.json', import.meta.url), 'utf8')) as {
  wilson95: { successes: number; n: number; low: number; high: number }[];
  mcnemarExact: { b: number; c: number; pExact: number }[];
  wilcoxonSignedRank: { x: number[]; y: number[]; zeroMethod: 'wilcox' | 'pratt'; statistic: number; pValue: number }[];
  multipleTesting: { pValues: number[]; holm: number[]; bh: number[] }[];
};

describe('golden statistics vectors', () => {
  it('has the expected number of vectors', () => {
    expect(golden.wilson95).toHaveLength(60);
    expect(golden.mcnemarExact).toHaveLength(60);
    expect(golden.wilcoxonSignedRank).toHaveLength(80);
    expect(golden.multipleTesting).toHaveLength(30);
  });

  it.each(golden.wilson95.map((v, i) => [i, v] as const))('wilson95 #%i', (_i, v) => {
    const [low, high] = wilson(v.successes, v.n);
    expect(Math.abs(low - v.low)).toBeLessThan(1e-9);
    expect(Math.abs(high - v.high)).toBeLessThan(1e-9);
  });

  it.each(golden.mcnemarExact.map((v, i) => [i, v] as const))('mcnemarExact #%i', (_i, v) => {
    expect(Math.abs(mcnemarExact(v.b, v.c) - v.pExact)).toBeLessThan(1e-6);
  });

  it.each(golden.wilcoxonSignedRank.map((v, i) => [i, v] as const))('wilcoxonSignedRank #%i', (_i, v) => {
    const r = wilcoxonSignedRank(v.x, v.y, { zeroMethod: v.zeroMethod });
    expect(Math.abs(r.statistic - v.statistic)).toBeLessThan(1e-9);
    expect(Math.abs(r.pValue - v.pValue)).toBeLessThan(1e-6);
  });

  it.each(golden.multipleTesting.map((v, i) => [i, v] as const))('holm #%i', (_i, v) => {
    holm(v.pValues).forEach((p, k) => expect(Math.abs(p - v.holm[k])).toBeLessThan(1e-9));
  });
});

describe('metrics.md §6 spot vectors', () => {
  it('wilson 45/50 and 0/20', () => {
    const [l, h] = wilson(45, 50);
    expect(l).toBeCloseTo(0.786398, 6);
    expect(h).toBeCloseTo(0.956524, 6);
    const [l0, h0] = wilson(0, 20);
    expect(l0).toBe(0);
    expect(h0).toBeCloseTo(0.161125, 6);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
  it('mcnemar b=10, c=3', () => {
    expect(mcnemarExact(10, 3)).toBeCloseTo(0.0922852, 7);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(5, 5)).toBe(1);
  });
  it('mcnemar stays finite and symmetric for thousands of discordant pairs', () => {
    const p = mcnemarExact(2000, 2200);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(0.01);
    expect(mcnemarExact(2200, 2000)).toBe(p);
  });
  it('wilcoxon: exact for n = 10 without ties, both zero methods', () => {
    const x = [0.9, 0.8, 0.75, 0.6, 0.95, 0.7, 0.85, 0.5, 0.65, 0.8];
    const y = [0.7, 0.8, 0.6, 0.65, 0.9, 0.5, 0.8, 0.55, 0.4, 0.6];
    const w = wilcoxonSignedRank(x, y, { zeroMethod: 'wilcox' });
    expect(w.statistic).toBe(7);
    expect(w.pValue).toBeCloseTo(0.0656, 4);
    const p = wilcoxonSignedRank(x, y, { zeroMethod: 'pratt' });
    expect(p.statistic).toBe(9);
    expect(p.pValue).toBeCloseTo(0.06566, 4);
  });
  it('wilcoxon of identical samples is p = 1', () => {
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3]).pValue).toBe(1);
  });
});

describe('normal distribution', () => {
  it('inverse and CDF are accurate to double precision', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 13);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 13);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    // Tail: P(Z < -8) = 6.22096057427178e-16
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 10);
    for (const p of [0.001, 0.02, 0.3, 0.7, 0.99, 0.9999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
  });
});
