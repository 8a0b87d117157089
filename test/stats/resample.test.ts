import { describe, expect, it } from 'vitest';
import {
  bootstrapCi,
  compareSystems,
  compareSystemsParallel,
  createRng,
  pairedBootstrap,
  quantile,
  runStatistics,
  type CompareSystemsInput,
} from '../../src/stats/index.js';
import { groupWork, resampleRange } from '../../src/stats/resample.js';
import { claimChunks } from '../../src/stats/resample-chunks.js';

function run(n: number, seed: number): CompareSystemsInput {
  const rng = createRng(seed);
  const difficulty = Array.from({ length: n }, () => rng());
  const skill: Record<string, number> = { base: 0.3, ft: 0.5, rag: 0.75 };
  const categories = difficulty.map((_, i) => ['lookup', 'style', 'changed'][i % 3]);
  return {
    systems: ['base', 'ft', 'rag'],
    metrics: [
      { name: 'exact', binary: true },
      { name: 'f1', binary: false },
    ],
    scores: (s, m) =>
      difficulty.map((u, i) => (s === 'ft' && i % 17 === 0 ? null : m === 'exact' ? (u < skill[s] ? 1 : 0) : Math.min(1, u * 0.4 + skill[s] * 0.6))),
    latency: (s) => difficulty.map((u, i) => (i % 29 === 0 ? null : 200 + u * (s === 'rag' ? 900 : 400))),
    categories,
    seed: 7,
    resamples: 2000,
  };
}

describe('one-pass resampling', () => {
  it('any split of the resamples reproduces one sequential pass bit for bit', () => {
    const rng = createRng(3);
    const values = Float64Array.from({ length: 257 }, () => rng() * 100);
    const group = { n: 257, seed: 99, resamples: 300, columns: [{ values, statistic: 'mean' as const }, { values, statistic: 'p95' as const }, { values, statistic: 'p50' as const }] };
    const whole = resampleRange(group, 0, 300);
    const parts = [resampleRange(group, 0, 1), resampleRange(group, 1, 123), resampleRange(group, 123, 300)];
    whole.forEach((col, c) => expect(Array.from(col)).toEqual(parts.flatMap((p) => Array.from(p[c]))));
  });

  it('threads claiming chunks from one shared counter take each chunk once, and the chunks rebuild the sequential pass', () => {
    const rng = createRng(5);
    const values = Float64Array.from({ length: 101 }, () => rng());
    const groups = [{ n: 101, seed: 7, resamples: 40, columns: [{ values, statistic: 'mean' as const }, { values, statistic: 'p90' as const }] }];
    const chunks = [0, 9, 10, 25, 39].map((from, i, all) => ({ group: 0, from, to: all[i + 1] ?? 40 }));
    const next = new Int32Array(new SharedArrayBuffer(4));
    // A second thread has already claimed the first two chunks; this one takes the rest, that one nothing more.
    Atomics.store(next, 0, 2);
    const rest = claimChunks({ groups, chunks, next });
    expect(rest.map((r) => r.chunk)).toEqual([2, 3, 4]);
    expect(claimChunks({ groups, chunks, next })).toEqual([]);
    Atomics.store(next, 0, 0);
    chunks.length = 2;
    const first = claimChunks({ groups, chunks, next });
    const joined = groups[0].columns.map(() => new Float64Array(40));
    for (const { chunk, values: v } of [...first, ...rest]) v.forEach((col, c) => joined[c].set(col, [0, 9, 10, 25, 39][chunk]));
    expect(joined).toEqual(resampleRange(groups[0], 0, 40));
  });

  it('matches a plain draw-and-count loop bit for bit, below and above 65,536 items, beside constant columns', () => {
    for (const [n, resamples] of [[300, 50], [70_000, 3]] as const) {
      const rng = createRng(n);
      const values = Float64Array.from({ length: n }, () => Math.round(rng() * 1000) / 1000);
      const constant = new Float64Array(n).fill(0.1);
      const group = { n, seed: 21, resamples, columns: [{ values, statistic: 'mean' as const }, { values: constant, statistic: 'mean' as const }, { values: constant, statistic: 'p95' as const }] };
      const [means, constantMeans, constantP95] = resampleRange(group, 0, resamples);
      const draw = createRng(21);
      const counts = new Uint32Array(n);
      for (let r = 0; r < resamples; r++) {
        counts.fill(0);
        for (let d = 0; d < n; d++) counts[Math.floor(draw() * n)]++;
        let sum = 0;
        for (let i = 0; i < n; i++) sum += counts[i] * values[i];
        expect(means[r]).toBe(sum / n);
      }
      // Every resample of copies of 0.1 has mean and p95 exactly 0.1 (no rounding from summing 0.1 n times).
      expect(new Set([...constantMeans, ...constantP95])).toEqual(new Set([0.1]));
    }
  });

  it('a group of constant columns draws nothing and gives the constant', () => {
    const group = { n: 5000, seed: 1, resamples: 10_000, columns: [{ values: new Float64Array(5000).fill(7), statistic: 'p95' as const }] };
    expect(groupWork(group)).toBe(0);
    expect(new Set(resampleRange(group, 0, 10_000)[0])).toEqual(new Set([7]));
    expect(bootstrapCi(Array(5000).fill(7), 'p95', { seed: 1, resamples: 10_000 })).toEqual([7, 7]);
  });

  it('percentiles from multiplicities equal sorting each resample (ties included)', () => {
    const rng = createRng(5);
    const values = Array.from({ length: 41 }, () => Math.floor(rng() * 8));
    for (const statistic of ['p50', 'p90', 'p95', 'p99'] as const) {
      const p = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 }[statistic];
      const fast = bootstrapCi(values, statistic, { seed: 2, resamples: 400 });
      const naive = bootstrapCi(values, (v) => quantile([...v].sort((x, y) => x - y), p), { seed: 2, resamples: 400 });
      expect(fast).toEqual(naive);
    }
  });

  it('a comparison in compareSystems is the paired bootstrap on its items with the shared resamples', () => {
    const input = run(300, 1);
    const comparisons = compareSystems(input);
    const c = comparisons.find((x) => x.a === 'base' && x.b === 'rag' && x.metric === 'f1' && x.category === undefined)!;
    const a = input.scores('base', 'f1') as number[];
    const b = input.scores('rag', 'f1') as number[];
    const direct = pairedBootstrap(a, b, { seed: 12345, resamples: 2000 });
    expect(c.difference).toBeCloseTo(direct.difference, 12);
    // Same method, a different (shared) random stream: the interval agrees within Monte Carlo error.
    expect(Math.abs(c.ci95[0] - direct.ci95[0])).toBeLessThan(0.01);
    expect(Math.abs(c.ci95[1] - direct.ci95[1])).toBeLessThan(0.01);
  });

  it('worker threads give exactly the single-thread result, for any number of threads', async () => {
    const input = run(600, 2);
    const single = compareSystems(input);
    expect(await compareSystemsParallel(input, { threads: 1 })).toEqual(single);
    expect(await compareSystemsParallel(input, { threads: 3 })).toEqual(single);
  }, 60_000);

  it('run statistics: intervals bracket each mean and share draws with the comparisons', async () => {
    const input = run(450, 3);
    const stats = await runStatistics(input, { threads: 2 });
    expect(stats.comparisons).toEqual(compareSystems(input));
    const f1 = (input.scores('rag', 'f1') as number[]).filter((v) => v !== null);
    const meanRag = f1.reduce((s, v) => s + v, 0) / f1.length;
    const [lo, hi] = stats.metricInterval('rag', 'f1')!;
    expect(lo).toBeLessThan(meanRag);
    expect(hi).toBeGreaterThan(meanRag);
    expect(stats.metricInterval('rag', 'f1', 'style')).toBeDefined();
    // Binary metrics take the Wilson interval, not a bootstrap one.
    expect(stats.metricInterval('rag', 'exact')).toBeUndefined();
    expect(stats.metricInterval('nobody', 'f1')).toBeUndefined();
  }, 60_000);

  it('a requested interval with its own seed equals the standalone bootstrap bit for bit', async () => {
    const rng = createRng(9);
    const latencies = Array.from({ length: 700 }, () => 100 + rng() * 900);
    const stats = await runStatistics(run(50, 4), { threads: 2 }, [{ key: 'lat', values: latencies, statistic: 'p95', seed: 77, resamples: 2000 }]);
    expect(stats.requested('lat')).toEqual(bootstrapCi(latencies, 'p95', { seed: 77, resamples: 2000 }));
    expect(stats.requested('other')).toBeUndefined();
  }, 60_000);

  it('columns read in place (shared memory, NaN for none) and at positions give the statistics of plain arrays', async () => {
    const plain = run(480, 6);
    const shared = (values: ArrayLike<number | null | undefined>) => {
      const column = new Float64Array(new SharedArrayBuffer(values.length * 8));
      for (let i = 0; i < values.length; i++) column[i] = values[i] ?? NaN;
      return column;
    };
    const columns = new Map<string, Float64Array>();
    const inPlace: CompareSystemsInput = {
      ...plain,
      scores: (s, m) => columns.get(`${s}|${m}`) ?? columns.set(`${s}|${m}`, shared(plain.scores(s, m))).get(`${s}|${m}`)!,
      latency: (s) => columns.get(`${s}|latency`) ?? columns.set(`${s}|latency`, shared(plain.latency!(s))).get(`${s}|latency`)!,
    };
    const latency = shared(plain.latency!('rag'));
    const answered = Int32Array.from(Array.from(latency).flatMap((v, i) => (Number.isNaN(v) ? [] : [i])));
    const request = { key: 'lat', statistic: 'p95' as const, seed: 5, resamples: 500 };
    const a = await runStatistics(plain, { threads: 2 }, [{ ...request, values: Array.from(answered, (i) => latency[i]) }]);
    const b = await runStatistics(inPlace, { threads: 2 }, [{ ...request, values: latency, positions: answered }]);
    expect(b.comparisons).toEqual(a.comparisons);
    for (const system of plain.systems) {
      for (const category of [undefined, 'lookup', 'style', 'changed']) expect(b.metricInterval(system, 'f1', category)).toEqual(a.metricInterval(system, 'f1', category));
    }
    expect(b.requested('lat')).toEqual(a.requested('lat'));
  }, 60_000);

  it('a group read at positions, in one run or scattered, resamples exactly as its values copied out', () => {
    const rng = createRng(8);
    const source = Float64Array.from({ length: 900 }, () => Math.round(rng() * 100) / 10);
    const other = Float64Array.from({ length: 900 }, () => rng());
    for (const positions of [Int32Array.from({ length: 600 }, (_, i) => i + 150), Int32Array.from({ length: 300 }, (_, i) => i * 3 + 1)]) {
      const statistics = ['mean', 'mean', 'mean', 'p95', 'p50'] as const;
      const sources = [source, other, source, source, other];
      const atPositions = { n: positions.length, seed: 3, resamples: 60, positions, columns: statistics.map((statistic, c) => ({ values: sources[c], statistic })) };
      const copied = { n: positions.length, seed: 3, resamples: 60, columns: statistics.map((statistic, c) => ({ values: Float64Array.from(positions, (i) => sources[c][i]), statistic })) };
      expect(resampleRange(atPositions, 0, 60)).toEqual(resampleRange(copied, 0, 60));
    }
  });
});
