/**
 * What the eval set costs in memory at scale: N items (the scale-run bench's set, bench/lib/run-fixture.ts) loaded by
 * loadEvalSet, as the runner and the statistics hold them for the whole run. Prints one JSON line per size:
 * {items, file_mb, retained_mb (heap plus off-heap reachable after a full GC, over what was before the load),
 * bytes_per_item, peak_rss_mb (the process so far, the load's transient copies included), ratio (that peak over the
 * whole run's 250 MB target, for bench/run-all.ts's table), packed_mb and packed_bytes_per_item (what the run holds
 * through its calls and scoring since the items are packed: src/datasets/packed-items.ts)}. Each size in its own
 * process, so one size's peak does not hide the next's.
 * Run: node --import tsx bench/scale-eval-set.bench.ts [items ...]   (default 10000 100000)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEvalSet } from '../src/datasets/load.js';
import { RunEvalSet } from '../src/experiment/run-eval-set.js';
import { writeEvalSet } from './lib/run-fixture.js';
import { retainedBytes } from './lib/retained.js';

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
/** Issue 20's peak RSS target for a whole run at 100k x 4: the run holds its eval set throughout, so loading it must fit inside. */
const RUN_RSS_TARGET_MB = 250;
const [, , first, ...rest] = process.argv;

if (first === '--one') {
  const n = Number(rest[0]);
  const dir = mkdtempSync(join(tmpdir(), 'ftrag-eval-set-bench-'));
  try {
    const file = writeEvalSet(join(dir, 'eval.jsonl'), n);
    const before = retainedBytes();
    // Inside a function, so nothing of this frame keeps the loaded objects once the run's set lets them go.
    const { runSet, count, held, peakRssMb } = await (async () => {
      const set = await loadEvalSet(file);
      const loaded = { count: set.items.length, held: retainedBytes() - before, peakRssMb: process.resourceUsage().maxRSS / 1024 };
      return { runSet: new RunEvalSet(set, { packFrom: 0 }), ...loaded };
    })();
    // As a run holds them for its calls: packed, the loaded objects let go.
    const items = runSet.items;
    const packed = retainedBytes() - before;
    process.stdout.write(
      `${JSON.stringify({ bench: 'scale-eval-set', case: `eval set of ${count} items: peak RSS loading it (a part of the run's <= ${RUN_RSS_TARGET_MB} MB)`, items: count, file_mb: mb(statSync(file).size), retained_mb: mb(held), bytes_per_item: Math.round(held / count), packed_mb: mb(packed), packed_bytes_per_item: Math.round(packed / items.length), peak_rss_mb: Math.round(peakRssMb), ratio: Math.round((peakRssMb / RUN_RSS_TARGET_MB) * 100) / 100, target: '<= 1', load1: Math.round(loadavg()[0] * 10) / 10 })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  for (const n of first ? [first, ...rest] : ['10000', '100000']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', n], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
