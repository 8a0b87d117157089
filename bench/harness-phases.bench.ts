/**
 * Where a whole `ftrag run` spends its CPU (issue 20, the harness): before the first call (module loading, config,
 * clients), during the calls, and after them (scoring, statistics, reports), against the same trivial h2c server as
 * bench/harness.bench.ts (its own process, so its CPU is not counted). The process's CPU is sampled every 100 ms by
 * bench/lib/cpu-sampler.cjs and split at the journal's first `startedAt` and last `finishedAt`, so the figures are
 * CPU the process used, not wall time a loaded machine spent elsewhere (what `--cpu-prof` would attribute).
 *
 *   npm run build && node --import tsx bench/harness-phases.bench.ts             # 10,000 items, 1 system, concurrency 32
 *   ITEMS=2000 REPEATS=3 node --import tsx bench/harness-phases.bench.ts
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchServer } from './lib/bench-server.js';
import { machine, measureNode, round } from './lib/measure.js';
import { writeEvalSet, writeRunConfig } from './lib/run-fixture.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ITEMS = Number(process.env.ITEMS ?? 10_000);
const REPEATS = Number(process.env.REPEATS ?? 1);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const cli = join(root, 'bin', 'ftrag.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');

/** CPU ms at the last sample taken at or before `atMs` (the first sample when none is). */
function cpuAt(samples: [number, number][], atMs: number): [number, number] {
  let best = samples[0];
  for (const s of samples) if (s[0] <= atMs) best = s;
  return best;
}

const work = mkdtempSync(join(tmpdir(), 'ftrag-harness-phases-'));
const server = await startBenchServer();
try {
  const set = writeEvalSet(join(work, 'eval.jsonl'), ITEMS);
  for (let r = 1; r <= REPEATS; r++) {
    const dir = join(work, `r${r}`);
    const config = writeRunConfig(dir, { evalSet: set, systems: 1, url: server.url, concurrency: CONCURRENCY });
    const cpuLog = join(dir, 'cpu.log');
    const measured = await measureNode(['--require', join(root, 'bench', 'lib', 'cpu-sampler.cjs'), cli, 'run', '--config', config, '--out', join(dir, 'out')], {
      cwd: dir,
      logFile: join(dir, 'run.log'),
      env: { FTRAG_BENCH_CPULOG: cpuLog },
    });
    if (measured.exitCode !== 0) throw new Error(`ftrag run exited ${measured.exitCode}: see ${join(dir, 'run.log')}`);
    const samples = readFileSync(cpuLog, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number) as [number, number]);
    let first = Infinity;
    let last = -Infinity;
    for (const line of readFileSync(join(dir, 'out', 'journal.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const record = JSON.parse(line) as { startedAt: string; finishedAt: string };
      first = Math.min(first, Date.parse(record.startedAt));
      last = Math.max(last, Date.parse(record.finishedAt));
    }
    const [start, end] = [samples[0], samples[samples.length - 1]];
    const [callsFrom, callsTo] = [cpuAt(samples, first), cpuAt(samples, last)];
    const s = (ms: number) => round(ms / 1000);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'harness-phases',
        repeat: r,
        items: ITEMS,
        concurrency: CONCURRENCY,
        cpu_s: { before_calls: s(callsFrom[1] - start[1]), calls: s(callsTo[1] - callsFrom[1]), after_calls: s(end[1] - callsTo[1]), total: round(measured.cpuS) },
        wall_s: { before_calls: s(callsFrom[0] - start[0]), calls: s(callsTo[0] - callsFrom[0]), after_calls: s(end[0] - callsTo[0]), total: round(measured.wallS) },
        peak_rss_mb: Math.round(measured.peakRssMb),
        ...machine(),
      })}\n`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
