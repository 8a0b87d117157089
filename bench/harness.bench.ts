/**
 * Issue 20's harness figure: the whole `ftrag run` process against bare AWS SDK v3 loops, side by side in ONE
 * invocation, against the same trivial h2c server (answers Converse and ConverseStream at once), so the harness is
 * all that is measured.
 *
 * - The server (bench/lib/converse-server.mjs) is a process of its own, started once with plain `node`; its CPU is
 *   charged to neither side, and every variant talks to that same process. Its CPU per variant is printed beside.
 * - Each variant is a whole process from spawn to exit, start-up included: `node bin/ftrag.js run` (the built CLI,
 *   one base system, the default metrics exact/f1/rougeL, the response cache on in a fresh folder, journal, run.json
 *   and every report) and bench/lib/bare-loop.mjs (plain JavaScript, no ftrag code: ConverseStream or Converse at the
 *   same concurrency over the same JSONL set, answers kept in memory, nothing scored or written).
 * - After one small warm-up of each, the variants run in turn (bare-stream, bare-converse, ftrag, then again), so a
 *   drift in the machine's speed hits all of them; the ratio is taken repeat by repeat (bare wall / ftrag wall:
 *   1.0 = as fast as the bare loop) and its median printed, with the medians of each variant and the load.
 *
 *   npm run build && node --import tsx bench/harness.bench.ts                 # 10,000 items, 3 repeats, concurrency 32
 *   ITEMS=2000 REPEATS=1 node --import tsx bench/harness.bench.ts              # quick
 *   VARIANTS=bare-stream,bare-stream-pooled,bare-converse,ftrag node --import tsx bench/harness.bench.ts
 *
 * `bare-stream-pooled` is the bare loop on the SDK's own HTTP/2 handler set to pool sessions as ftrag does (the SDK's
 * default opens a session per call); it is the strictest yardstick and is printed with its own ratio when asked for.
 * Target (issue 20): ftrag >= 0.90 of the bare ConverseStream loop at 10k items.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBenchServer } from './lib/bench-server.js';
import { machine, measureNode, median, round, type Measured } from './lib/measure.js';
import { writeEvalSet, writeRunConfig } from './lib/run-fixture.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ITEMS = Number(process.env.ITEMS ?? 10_000);
const REPEATS = Number(process.env.REPEATS ?? 3);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const WARMUP_ITEMS = Number(process.env.WARMUP_ITEMS ?? 300);
const KNOWN = ['bare-stream', 'bare-stream-pooled', 'bare-converse', 'ftrag'] as const;
type Variant = (typeof KNOWN)[number];
const VARIANTS = (process.env.VARIANTS ?? 'bare-stream,bare-converse,ftrag').split(',').map((v) => v.trim()) as Variant[];
for (const v of VARIANTS) if (!KNOWN.includes(v)) throw new Error(`unknown variant "${v}" (known: ${KNOWN.join(', ')})`);
if (!VARIANTS.includes('ftrag')) throw new Error('VARIANTS must include ftrag');
const cli = join(root, 'bin', 'ftrag.js');
if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` first');

interface Row extends Measured {
  variant: Variant;
  repeat: number;
  serverCpuS?: number;
  answered: number;
}

const work = mkdtempSync(join(tmpdir(), 'ftrag-harness-bench-'));
const server = await startBenchServer();
const at = machine();
process.stdout.write(`${JSON.stringify({ bench: 'harness', items: ITEMS, repeats: REPEATS, concurrency: CONCURRENCY, variants: VARIANTS, server: 'separate process, plain node', ...at })}\n`);

async function runVariant(variant: Variant, set: string, items: number, tag: string): Promise<Row & { outDir?: string }> {
  const dir = join(work, tag);
  const logFile = join(work, `${tag}.log`);
  const cpuBefore = server.cpuS();
  let measured: Measured;
  let answered = 0;
  let outDir: string | undefined;
  if (variant === 'ftrag') {
    const config = writeRunConfig(dir, { evalSet: set, systems: 1, url: server.url, concurrency: CONCURRENCY });
    outDir = join(dir, 'out');
    measured = await measureNode([cli, 'run', '--config', config, '--out', outDir], { cwd: dir, logFile });
    const journal = join(outDir, 'journal.jsonl');
    answered = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"ok":true')).length : 0;
  } else {
    const mode = variant === 'bare-converse' ? 'converse' : 'stream';
    const handler = variant === 'bare-stream-pooled' ? 'pooled' : 'sdk';
    measured = await measureNode([join(root, 'bench', 'lib', 'bare-loop.mjs'), server.url, mode, set, String(CONCURRENCY), handler], { cwd: work, logFile });
    const last = readFileSync(logFile, 'utf8').trim().split('\n').reverse().find((l) => l.startsWith('{"calls"'));
    answered = last ? (JSON.parse(last) as { answered: number }).answered : 0;
  }
  const cpuAfter = server.cpuS();
  if (measured.exitCode !== 0 || answered !== items) throw new Error(`${variant} (${tag}) exit ${measured.exitCode}, ${answered}/${items} answered: see ${logFile}`);
  return { variant, repeat: 0, ...measured, answered, ...(outDir ? { outDir } : {}), ...(cpuBefore !== undefined && cpuAfter !== undefined ? { serverCpuS: round(cpuAfter - cpuBefore) } : {}) };
}

const rows: Row[] = [];
try {
  const warmSet = writeEvalSet(join(work, 'warmup.jsonl'), WARMUP_ITEMS);
  const set = writeEvalSet(join(work, 'eval.jsonl'), ITEMS);
  for (const v of VARIANTS) await runVariant(v, warmSet, WARMUP_ITEMS, `warmup-${v}`);
  for (let r = 1; r <= REPEATS; r++) {
    for (const v of VARIANTS) {
      const row = await runVariant(v, set, ITEMS, `r${r}-${v}`);
      row.repeat = r;
      const sizes = row.outDir ? outputSizes(row.outDir) : undefined;
      if (row.outDir) rmSync(join(work, `r${r}-${v}`), { recursive: true, force: true });
      delete (row as { outDir?: string }).outDir;
      rows.push(row);
      process.stdout.write(
        `${JSON.stringify({ bench: 'harness', variant: v, repeat: r, items: ITEMS, wall_s: round(row.wallS), cpu_s: round(row.cpuS), peak_rss_mb: Math.round(row.peakRssMb), server_cpu_s: row.serverCpuS, ...(sizes ? { outputs_bytes: sizes } : {}), load1: machine().load1 })}\n`,
      );
    }
  }
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}

const of = (v: Variant) => rows.filter((r) => r.variant === v);
for (const v of VARIANTS) {
  const rs = of(v);
  process.stdout.write(
    `${JSON.stringify({ bench: 'harness', summary: v, items: ITEMS, concurrency: CONCURRENCY, median_wall_s: round(median(rs.map((r) => r.wallS))), median_cpu_s: round(median(rs.map((r) => r.cpuS))), median_peak_rss_mb: Math.round(median(rs.map((r) => r.peakRssMb))), calls_per_s: Math.round(ITEMS / median(rs.map((r) => r.wallS))) })}\n`,
  );
}
const ftrag = of('ftrag');
for (const bare of VARIANTS.filter((v) => v !== 'ftrag')) {
  const b = of(bare);
  // Repeat by repeat: the two ran back to back, so a drift in the machine's speed moves both.
  const ratios = ftrag.map((f) => b.find((x) => x.repeat === f.repeat)!.wallS / f.wallS);
  const cpuRatios = ftrag.map((f) => b.find((x) => x.repeat === f.repeat)!.cpuS / f.cpuS);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'harness',
      case: `ftrag run vs ${bare}, ${ITEMS} items, concurrency ${CONCURRENCY} (bare wall / ftrag wall)`,
      ftrag_wall_s: round(median(ftrag.map((r) => r.wallS))),
      bare_wall_s: round(median(b.map((r) => r.wallS))),
      ratio: round(median(ratios), 3),
      // Issue 20's target is against the bare ConverseStream loop; the other yardsticks are printed beside it.
      ...(bare === 'bare-stream' || bare === 'bare-stream-pooled' ? { target: '>= 0.9' } : {}),
      cpu_ratio: round(median(cpuRatios), 3),
      ratios: ratios.map((x) => round(x, 3)),
      ...machine(),
    })}\n`,
  );
}

function outputSizes(outDir: string): Record<string, number> {
  const sizes: Record<string, number> = {};
  for (const f of ['run.json', 'journal.jsonl', 'items.jsonl', 'report.html', 'report.md', 'junit.xml']) {
    const p = join(outDir, f);
    if (existsSync(p)) sizes[f] = statSync(p).size;
  }
  return sizes;
}
