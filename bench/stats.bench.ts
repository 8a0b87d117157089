/**
 * Statistics throughput: the paired bootstrap (mean and p95), Wilcoxon, and a full compareSystems for a
 * 3-system run. Prints one JSON line per case: {bench, case, n, resamples, ms}.
 * Run: node --import tsx bench/stats.bench.ts
 */
import { compareSystems, createRng, pairedBootstrap, wilcoxonSignedRank } from '../src/stats/index.js';

function time<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const result = fn();
  return [result, performance.now() - start];
}

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'stats', ...record })}\n`);
}

const rng = createRng(1);
for (const n of [200, 1000, 5000]) {
  const a = Array.from({ length: n }, () => rng());
  const b = a.map((x) => Math.min(1, x + (rng() - 0.45) * 0.1));
  const latA = Array.from({ length: n }, () => 300 + rng() * 700);
  const latB = latA.map((x) => x * (0.8 + rng() * 0.4));
  const [, meanMs] = time(() => pairedBootstrap(a, b, { seed: 1 }));
  emit({ case: 'pairedBootstrap-mean', n, resamples: 10_000, ms: Math.round(meanMs) });
  const [, p95Ms] = time(() => pairedBootstrap(latA, latB, { seed: 1, statistic: 'p95' }));
  emit({ case: 'pairedBootstrap-p95', n, resamples: 10_000, ms: Math.round(p95Ms) });
  const [, wMs] = time(() => wilcoxonSignedRank(a, b));
  emit({ case: 'wilcoxonSignedRank', n, ms: Math.round(wMs * 100) / 100 });
}

{
  const n = 1000;
  const systems = ['base', 'ft', 'rag'];
  const difficulty = Array.from({ length: n }, () => rng());
  const acc: Record<string, number> = { base: 0.3, ft: 0.5, rag: 0.8 };
  const categories = difficulty.map((_, i) => ['lookup', 'style', 'changed'][i % 3]);
  const [comparisons, ms] = time(() =>
    compareSystems({
      systems,
      metrics: [
        { name: 'exact', binary: true },
        { name: 'f1', binary: false },
        { name: 'rougeL', binary: false },
      ],
      scores: (s, m) => difficulty.map((u) => (m === 'exact' ? (u < acc[s] ? 1 : 0) : Math.min(1, u * 0.5 + acc[s] * 0.5))),
      latency: (s) => difficulty.map((u) => 300 + u * (s === 'rag' ? 900 : 400)),
      categories,
      seed: 42,
    }),
  );
  emit({ case: 'compareSystems-3x(3 metrics+latency)x(overall+3 categories)', n, comparisons: comparisons.length, resamples: 10_000, ms: Math.round(ms) });
}
