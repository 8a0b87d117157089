import { describe, expect, it } from 'vitest';
import { compareSystems, createRng, holm } from '../../src/stats/index.js';

const N = 120;
const rng = createRng(99);
const categories = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? 'lookup' : 'style'));
const truth = Array.from({ length: N }, () => rng());
// rag is right on most items, base on few, ft on about as many as base (noise only).
const exact: Record<string, number[]> = {
  base: truth.map((t) => (t < 0.3 ? 1 : 0)),
  ft: truth.map((t, i) => (t < 0.3 !== (i % 17 === 0) ? 1 : 0)),
  rag: truth.map((t) => (t < 0.8 ? 1 : 0)),
};
const f1: Record<string, (number | null)[]> = {
  base: truth.map((t) => Math.min(1, t * 0.5 + 0.1)),
  ft: truth.map((t, i) => (i === 3 ? null : Math.min(1, t * 0.5 + 0.1 + (i % 2 ? 0.01 : -0.01)))),
  rag: truth.map((t) => Math.min(1, t * 0.5 + 0.4)),
};
const latency: Record<string, number[]> = {
  base: truth.map((t) => 300 + t * 200),
  ft: truth.map((t) => 300 + t * 200),
  rag: truth.map((t) => 900 + t * 400),
};

const input = {
  systems: ['base', 'ft', 'rag'],
  metrics: [
    { name: 'exact', binary: true },
    { name: 'f1', binary: false },
  ],
  scores: (s: string, m: string) => (m === 'exact' ? exact[s] : f1[s]),
  latency: (s: string) => latency[s],
  categories,
  seed: 42,
  resamples: 2000,
};

describe('compareSystems', () => {
  const comparisons = compareSystems(input);
  const overall = comparisons.filter((c) => c.category === undefined);

  it('compares every pair of systems on every metric plus latency_p95, overall and per category', () => {
    expect(overall).toHaveLength(3 * 3);
    expect(comparisons).toHaveLength(3 * 3 * 3);
    expect(new Set(overall.map((c) => `${c.a}-${c.b}`))).toEqual(new Set(['base-ft', 'base-rag', 'ft-rag']));
  });

  it('uses McNemar for binary, Wilcoxon for continuous and the bootstrap p95 for latency', () => {
    const find = (a: string, b: string, metric: string) => overall.find((c) => c.a === a && c.b === b && c.metric === metric)!;
    expect(find('base', 'rag', 'exact').method).toMatch(/^mcnemar-exact/);
    expect(find('base', 'rag', 'f1').method).toMatch(/^wilcoxon-signed-rank/);
    expect(find('base', 'rag', 'latency_p95').method).toMatch(/^paired-bootstrap-p95/);
  });

  it('finds the real differences and not the noise', () => {
    const find = (a: string, b: string, metric: string) => overall.find((c) => c.a === a && c.b === b && c.metric === metric)!;
    const ragExact = find('base', 'rag', 'exact');
    expect(ragExact.difference).toBeCloseTo(ragExact.meanA - ragExact.meanB, 12);
    expect(ragExact.difference).toBeLessThan(-0.3);
    expect(ragExact.significant).toBe(true);
    expect(ragExact.ci95[1]).toBeLessThan(0);
    expect(find('base', 'rag', 'latency_p95').significant).toBe(true);
    expect(find('base', 'ft', 'exact').significant).toBe(false);
    expect(find('base', 'ft', 'f1').significant).toBe(false);
    expect(find('base', 'ft', 'latency_p95').pValue).toBe(1);
  });

  it('pairs only items both systems scored', () => {
    const c = overall.find((x) => x.a === 'base' && x.b === 'ft' && x.metric === 'f1')!;
    expect(c.n).toBe(N - 1);
  });

  it('applies Holm within one family per metric and scope, so a secondary metric cannot move the primary comparisons', () => {
    const families = new Set(comparisons.map((c) => c.family));
    expect(families).toEqual(new Set(['exact overall', 'f1 overall', 'latency_p95 overall', ...['lookup', 'style'].flatMap((k) => ['exact', 'f1', 'latency_p95'].map((m) => `${m} in category ${k}`))]));
    for (const family of families) {
      const members = comparisons.filter((c) => c.family === family);
      expect(members).toHaveLength(3);
      const adjusted = holm(members.map((c) => c.pValue));
      members.forEach((c, i) => expect(c.pAdjusted).toBeCloseTo(adjusted[i], 15));
    }
    comparisons.forEach((c) => expect(c.significant).toBe(c.pAdjusted < 0.05));
    const exactOnly = compareSystems({ ...input, metrics: [{ name: 'exact', binary: true }], latency: undefined });
    for (const c of exactOnly) {
      const same = comparisons.find((x) => x.a === c.a && x.b === c.b && x.metric === c.metric && x.category === c.category)!;
      expect(same.pAdjusted).toBe(c.pAdjusted);
    }
  });

  it('carries a paired TOST and the paired MDE on quality metrics, not on latency', () => {
    const find = (a: string, b: string, metric: string) => overall.find((c) => c.a === a && c.b === b && c.metric === metric)!;
    const rag = find('base', 'rag', 'exact');
    expect(rag.equivalence).toMatchObject({ margin: 0.02, equivalent: false });
    expect(rag.mde?.basis).toMatch(/McNemar/);
    expect(rag.mde?.value).toBeGreaterThan(0);
    expect(find('base', 'ft', 'f1').mde?.basis).toMatch(/paired z/);
    expect(find('base', 'rag', 'latency_p95').equivalence).toBeUndefined();
    // ft differs from base on 1 item in 17: not equivalent within 2 points at n = 120, and the items to settle it are named.
    const ft = find('base', 'ft', 'exact');
    expect(ft.equivalence?.equivalent).toBe(false);
    expect(ft.mde?.itemsToSettle).toBeGreaterThan(N);
  });

  it('is deterministic for a seed and independent of the order of systems', () => {
    expect(compareSystems(input)).toEqual(comparisons);
    const reordered = compareSystems({ ...input, systems: ['base', 'rag', 'ft'] });
    const key = (c: { a: string; b: string; metric: string; category?: string }) => `${c.a}|${c.b}|${c.metric}|${c.category}`;
    const again = new Map(reordered.map((c) => [key(c), c]));
    for (const c of comparisons) {
      const same = again.get(key(c));
      if (same) expect(same.ci95).toEqual(c.ci95);
    }
  });
});
