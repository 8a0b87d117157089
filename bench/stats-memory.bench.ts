/**
 * Peak memory of a run's statistics and summaries (statisticsOfRun + summarizeSystem, as assembleRun calls them) on
 * a RunScores of N items x S systems filled with synthetic scores and latencies (3 metrics, 3 categories), in a
 * process of its own per case so the peak is that case's. Prints one JSON line per case: the RSS once the scores are
 * built, the peak after the statistics and after the summaries (getrusage ru_maxrss), the times, a hash of the
 * comparisons and summaries (the same before and after a memory change means the same results) and the load.
 *   npm run build && nice -n 5 node --import tsx bench/stats-memory.bench.ts [ITEMSxSYSTEMS...]   (default 100000x4)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'dist', 'experiment', 'summarize.js'))) throw new Error('dist/ is missing: run `npm run build` first');
const child = process.env.FTRAG_STATS_MEMORY_CASE;

if (!child) {
  for (const c of process.argv.slice(2).length ? process.argv.slice(2) : ['100000x4']) {
    if (!/^\d+x\d+$/.test(c)) throw new Error(`a case is ITEMSxSYSTEMS, e.g. 100000x4 (got "${c}")`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { env: { ...process.env, FTRAG_STATS_MEMORY_CASE: c }, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
} else {
  const [n, systemCount] = child.split('x').map(Number);
  const dist = (p: string) => import(pathToFileURL(join(root, 'dist', p)).href);
  const { RunScores } = await dist('experiment/run-scores.js');
  const { statisticsOfRun, summarizeSystem } = await dist('experiment/summarize.js');
  const { createHash } = await import('node:crypto');
  const { loadavg } = await import('node:os');
  const systems = Array.from({ length: systemCount }, (_, i) => `base-${i + 1}`);
  let state = 12345;
  const rnd = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
  const metrics = [
    { name: 'exact', binary: true },
    { name: 'f1', binary: false },
    { name: 'rougeL', binary: false },
  ];
  const scores = new RunScores(n, systems, metrics.map((m) => m.name));
  const categories = Array.from({ length: n }, (_, i) => `c${i % 3}`);
  for (let s = 0; s < systemCount; s++) {
    for (let i = 0; i < n; i++) {
      const f1 = Math.round(rnd() * 1000) / 1000;
      const response = { output: 'x', latencyMs: 100 + rnd() * 400, serviceLatencyMs: 80 + rnd() * 300, firstTokenMs: 20 + rnd() * 50, usage: { inputTokens: 20, outputTokens: 5 } };
      scores.set(s, i, { record: { ok: true, retries: 0, throttles: 0, response }, scores: { exact: f1 > 0.6 ? 1 : 0, f1, rougeL: Math.min(1, f1 + 0.05) } });
    }
  }
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  const peak = () => process.resourceUsage().maxRSS * 1024;
  const rssBefore = process.memoryUsage().rss;
  const load1 = loadavg()[0];
  const started = performance.now();
  const descriptors = systems.map((id) => ({ id, kind: 'base', modelId: 'synthetic' }));
  const statistics = await statisticsOfRun(descriptors, categories, scores, metrics, 42, 0.02);
  const statsMs = performance.now() - started;
  const peakStats = peak();
  const summaries = descriptors.map((d) => summarizeSystem(d, categories, scores, metrics, 42, statistics));
  const summariesMs = performance.now() - started - statsMs;
  const hash = createHash('sha256').update(JSON.stringify({ comparisons: statistics.comparisons, summaries })).digest('hex').slice(0, 16);
  process.stdout.write(
    `${JSON.stringify({ bench: 'stats-memory', case: `statistics and summaries ${n} x ${systemCount}`, rss_scores_built_mb: mb(rssBefore), peak_rss_statistics_mb: mb(peakStats), peak_rss_summaries_mb: mb(peak()), statistics_ms: Math.round(statsMs), summaries_ms: Math.round(summariesMs), results_sha256_16: hash, load1_before: Number(load1.toFixed(1)), load1_after: Number(loadavg()[0].toFixed(1)) })}\n`,
  );
}
