/**
 * Statistics at scale: everything assembleRun computes from the bootstrap for a run of S systems x N items
 * (each system's metric intervals overall and per category, every pair x metric x scope compared, latency p95
 * intervals), on synthetic per-item scores. Targets (issue 20): 4 x 10k under 10 s, 4 x 100k under 60 s on 2 cores.
 * Prints one JSON line per case: {bench, case, systems, items, threads, ms (wall), cpu_ms (all threads), target_ms,
 * ratio (wall / target), load1 (the machine's 1-minute load average when it started: this machine is shared)}.
 * Run: node --import tsx bench/scale-stats.bench.ts [items...]    (default 10000 100000)
 *      FTRAG_STATS_WORKERS=1 ... forces one thread (the result is the same; only the time changes).
 */
import { availableParallelism, loadavg } from 'node:os';
import { createRng, P95_CI_RESAMPLES, runStatistics, type CompareSystemsInput } from '../src/stats/index.js';

function synthetic(n: number, systems: string[]): CompareSystemsInput {
  const rng = createRng(n);
  const difficulty = Float64Array.from({ length: n }, () => rng());
  const noise = Float64Array.from({ length: n * systems.length }, () => rng());
  const categories = Array.from({ length: n }, (_, i) => ['lookup', 'style', 'changed'][i % 3]);
  const skill = (s: string) => 0.3 + 0.15 * systems.indexOf(s);
  const col = (s: string, f: (u: number, e: number) => number) => Array.from(difficulty, (u, i) => f(u, noise[i * systems.length + systems.indexOf(s)]));
  const memo = new Map<string, (number | null)[]>();
  const get = (key: string, make: () => (number | null)[]) => memo.get(key) ?? (memo.set(key, make()), memo.get(key)!);
  return {
    systems,
    metrics: [
      { name: 'exact', binary: true },
      { name: 'f1', binary: false },
      { name: 'rougeL', binary: false },
    ],
    scores: (s, m) =>
      get(`${s}|${m}`, () =>
        col(s, (u, e) => (m === 'exact' ? (u < skill(s) ? 1 : 0) : Math.round(Math.min(1, Math.max(0, u * 0.5 + skill(s) * 0.5 + (e - 0.5) * 0.2)) * 1000) / 1000)),
      ),
    latency: (s) => get(`${s}|latency`, () => col(s, (u, e) => Math.round((200 + u * 300 + e * 400 * (1 + systems.indexOf(s))) * 10) / 10)),
    categories,
    seed: 42,
  };
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
const systems = ['base', 'fine-tuned', 'rag', 'rag-fine-tuned'];
const targets: Record<number, number> = { 10_000: 10_000, 100_000: 60_000 };
for (const n of sizes.length ? sizes : [10_000, 100_000]) {
  const input = synthetic(n, systems);
  systems.forEach((s) => input.metrics.forEach((m) => input.scores(s, m.name)));
  const load = loadavg()[0];
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  // The latency p95 intervals assembleRun adds per system (client and service time), in the same plan.
  const requests = systems.flatMap((s, k) =>
    ['client', 'service'].map((label, j) => ({ key: `${s}|${label}`, values: input.latency!(s) as number[], statistic: 'p95' as const, seed: k * 2 + j, resamples: P95_CI_RESAMPLES })),
  );
  const stats = await runStatistics(input, {}, requests);
  const ms = Math.round(performance.now() - started);
  const cpu = process.cpuUsage(cpuStart);
  const target = targets[n];
  const threads = process.env.FTRAG_STATS_WORKERS ? Number(process.env.FTRAG_STATS_WORKERS) : Math.min(8, availableParallelism());
  process.stdout.write(
    `${JSON.stringify({
      bench: 'scale-stats',
      case: `statistics ${systems.length} x ${n}`,
      systems: systems.length,
      items: n,
      comparisons: stats.comparisons.length,
      threads,
      ms,
      cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      ...(target ? { target_ms: target, ratio: Math.round((ms / target) * 100) / 100 } : {}),
      load1: Math.round(load * 10) / 10,
    })}\n`,
  );
}
