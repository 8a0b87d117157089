/**
 * Issue 20's scale figure: the whole `ftrag run` process (built CLI) at N items x S systems against the trivial h2c
 * bench server (its own process, plain node: bench/lib/converse-server.mjs), so what grows is ftrag's own work.
 * Per case: wall time, CPU (user + system, all threads), peak RSS (getrusage ru_maxrss read in the process at exit,
 * what `/usr/bin/time -v` reports), the call phase as ftrag logs it, and the size of every output file.
 *
 *   npm run build && node --import tsx bench/scale-run.bench.ts                    # 10000x1, 10000x4, 100000x4
 *   node --import tsx bench/scale-run.bench.ts 2000x1 2000x4                       # any cases, ITEMSxSYSTEMS
 *   CONCURRENCY=16 node --import tsx bench/scale-run.bench.ts 100000x4
 *   node --import tsx bench/scale-run.bench.ts --keep 10000x4                      # keep the run folder, print its path
 *
 * Every system is a base model on the same server (S systems = S x N calls). Target (issue 20): peak RSS <= 250 MB
 * at 100k x 4, and flat from 10k upward; the RSS line's ratio is peak / 250 MB (<= 1 meets), the growth line's is
 * the larger run's peak over the 10k run's (<= FLAT_GROWTH_MAX meets).
 * 100k x 4 is 400,000 calls: about 20-40 minutes on a quiet 2-core machine, much longer on a loaded one.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchServer } from './lib/bench-server.js';
import { machine, measureNode, round } from './lib/measure.js';
import { writeEvalSet, writeRunConfig } from './lib/run-fixture.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RSS_TARGET_MB = 250;
/**
 * "Flat from 10k upward" as a number: ten times the items may add at most a quarter to the peak (what grows with the
 * set by design: a byte or two an item in the resume and cache indexes), never a share in proportion to the items (the
 * issue's x2.4 when per-item results were held in memory).
 */
const FLAT_GROWTH_MAX = 1.25;
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const caseArgs = args.filter((a) => !a.startsWith('--'));
const cases = (caseArgs.length ? caseArgs : ['10000x1', '10000x4', '100000x4']).map((c) => {
  const m = /^(\d+)x(\d+)$/.exec(c);
  if (!m) throw new Error(`a case is ITEMSxSYSTEMS, e.g. 10000x4 (got "${c}")`);
  return { items: Number(m[1]), systems: Number(m[2]) };
});
const cli = join(root, 'bin', 'ftrag.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');

const work = mkdtempSync(join(tmpdir(), 'ftrag-scale-run-'));
const server = await startBenchServer();
process.stdout.write(`${JSON.stringify({ bench: 'scale-run', cases: cases.map((c) => `${c.items}x${c.systems}`), concurrency: CONCURRENCY, server: 'separate process, plain node', ...machine() })}\n`);
const peaks: { items: number; systems: number; peakRssMb: number }[] = [];
try {
  for (const { items, systems } of cases) {
    const tag = `${items}x${systems}`;
    const dir = join(work, tag);
    const set = writeEvalSet(join(dir, 'eval.jsonl'), items);
    const config = writeRunConfig(dir, { evalSet: set, systems, url: server.url, concurrency: CONCURRENCY });
    const outDir = join(dir, 'out');
    const logFile = join(work, `${tag}.log`);
    const serverBefore = server.cpuS();
    const loadBefore = machine().load1;
    const m = await measureNode([cli, 'run', '--config', config, '--out', outDir], { cwd: dir, logFile });
    const serverAfter = server.cpuS();
    const log = readFileSync(logFile, 'utf8');
    if (m.exitCode !== 0) throw new Error(`ftrag run ${tag} exited ${m.exitCode}: see ${logFile}\n${log.slice(-2000)}`);
    const ran = /ran (\d+) calls in ([\d.]+) s: (\d+) failed/.exec(log);
    const sizes = Object.fromEntries(
      readdirSync(outDir)
        .filter((f) => statSync(join(outDir, f)).isFile())
        .map((f) => [f, statSync(join(outDir, f)).size]),
    );
    peaks.push({ items, systems, peakRssMb: m.peakRssMb });
    process.stdout.write(
      `${JSON.stringify({
        bench: 'scale-run',
        case: `ftrag run ${tag}`,
        items,
        systems,
        calls: items * systems,
        wall_s: round(m.wallS),
        cpu_s: round(m.cpuS),
        peak_rss_mb: Math.round(m.peakRssMb),
        ...(ran ? { call_phase_s: Number(ran[2]), failed: Number(ran[3]) } : {}),
        ...(serverBefore !== undefined && serverAfter !== undefined ? { server_cpu_s: round(serverAfter - serverBefore) } : {}),
        outputs_bytes: sizes,
        load1_before: loadBefore,
        load1_after: machine().load1,
        cores: machine().cores,
      })}\n`,
    );
    if (keep) process.stdout.write(`${JSON.stringify({ kept: dir })}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await server.stop();
  if (!keep) rmSync(work, { recursive: true, force: true });
}

for (const p of peaks.filter((x) => x.items >= 100_000 && x.systems >= 4)) {
  process.stdout.write(
    `${JSON.stringify({ bench: 'scale-run', case: `peak RSS, ${p.items} items x ${p.systems} systems (target <= ${RSS_TARGET_MB} MB)`, peak_rss_mb: Math.round(p.peakRssMb), target_mb: RSS_TARGET_MB, ratio: round(p.peakRssMb / RSS_TARGET_MB), target: '<= 1' })}\n`,
  );
}
// Flat from 10k upward: the same number of systems at 10k and at a larger size.
for (const big of peaks.filter((x) => x.items > 10_000)) {
  const small = peaks.find((x) => x.items === 10_000 && x.systems === big.systems);
  if (small) {
    process.stdout.write(
      `${JSON.stringify({ bench: 'scale-run', case: `peak RSS growth, ${small.items} -> ${big.items} items x ${big.systems} systems`, rss_10k_mb: Math.round(small.peakRssMb), rss_mb: Math.round(big.peakRssMb), ratio: round(big.peakRssMb / small.peakRssMb), target: `<= ${FLAT_GROWTH_MAX}` })}\n`,
    );
  }
}
