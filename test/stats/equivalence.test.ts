import { describe, expect, it } from 'vitest';
import { pairedDifferences, pairedEquivalence, settling } from '../../src/stats/index.js';

const ones = (n: number) => Array.from({ length: n }, () => 1);

describe('paired equivalence (TOST, Agresti–Min adjusted)', () => {
  it('a few identical answers never prove equivalence; about 80 do within 2 points', () => {
    expect(pairedEquivalence(pairedDifferences(ones(10), ones(10)), 0.02).equivalent).toBe(false);
    expect(pairedEquivalence(pairedDifferences(ones(60), ones(60)), 0.02).equivalent).toBe(false);
    expect(pairedEquivalence(pairedDifferences(ones(100), ones(100)), 0.02).equivalent).toBe(true);
  });

  it('shows equivalence on a large set with rare, balanced disagreements, not with a real gap', () => {
    const n = 400;
    const a = ones(n);
    const b = a.map((_, i) => (i % 100 === 0 ? 0 : 1));
    const c = a.map((_, i) => (i % 100 === 50 ? 0 : 1));
    const eq = pairedEquivalence(pairedDifferences(b, c), 0.02);
    expect(eq.equivalent).toBe(true);
    expect(eq.ci90[0]).toBeGreaterThan(-0.02);
    expect(eq.ci90[1]).toBeLessThan(0.02);
    const gap = a.map((_, i) => (i % 10 === 0 ? 0 : 1));
    expect(pairedEquivalence(pairedDifferences(a, gap), 0.02).equivalent).toBe(false);
  });

  it('works on continuous scores', () => {
    const a = Array.from({ length: 300 }, (_, i) => 0.5 + 0.3 * Math.sin(i));
    const b = a.map((x, i) => x + (i % 2 ? 0.01 : -0.01));
    expect(pairedEquivalence(pairedDifferences(a, b), 0.02).equivalent).toBe(true);
    expect(pairedEquivalence(pairedDifferences(a, b.map((x) => x - 0.1)), 0.02).equivalent).toBe(false);
  });
});

describe('settling: paired MDE and the items that would settle it', () => {
  it('uses the observed discordance for 0/1 scores and names a set size above the current one', () => {
    // 6 items: a right on 4 that b misses.
    const a = [1, 1, 1, 1, 0, 0];
    const b = [0, 0, 0, 0, 0, 0];
    const s = settling(pairedDifferences(a, b), 0.02);
    expect(s.basis).toMatch(/McNemar/);
    expect(s.itemsToSettle).toBeGreaterThan(6);
    expect(s.itemsToSettle).toBeLessThan(40);
  });

  it('a tie with no disagreement is settled by showing equivalence, which takes on the order of a hundred items', () => {
    const s = settling(pairedDifferences(ones(12), ones(12)), 0.02);
    expect(s.itemsToSettle).toBeGreaterThan(80);
    expect(s.itemsToSettle).toBeLessThan(200);
  });

  it('the MDE shrinks as the set grows', () => {
    const small = settling(pairedDifferences([1, 0, 1, 0, 1, 1, 0, 1], [0, 1, 1, 0, 0, 1, 1, 1]), 0.02);
    const bigA = Array.from({ length: 80 }, (_, i) => [1, 0, 1, 0, 1, 1, 0, 1][i % 8]);
    const bigB = Array.from({ length: 80 }, (_, i) => [0, 1, 1, 0, 0, 1, 1, 1][i % 8]);
    const big = settling(pairedDifferences(bigA, bigB), 0.02);
    expect(big.mde).toBeLessThan(small.mde);
  });
});
