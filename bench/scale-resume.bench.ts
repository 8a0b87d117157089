/**
 * What resuming costs in memory: a journal of N items x S systems, every pair answered, resumed by runEval with
 * `keepRecords: false` (counters only), so nothing is called and what the resume holds is all that grows. Prints
 * {items, systems, journal_mb, resumed, resume_ms, peak_rss_mb, held_mb (heap plus off-heap reachable after a full GC
 * once the journal has been read and the run is about to schedule, over what was reachable before), ratio (peak over
 * the whole run's 250 MB target, for bench/run-all.ts's table)}. Each case in its own process.
 * Run: node --import tsx bench/scale-resume.bench.ts [ITEMSxSYSTEMS ...]   (default 100000x4)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEval } from '../src/runner/index.js';
import type { Target } from '../src/targets/types.js';
import { retainedBytes } from './lib/retained.js';

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;
/** Issue 20's peak RSS target for a whole run at 100k x 4: a resume is the start of such a run, so it must fit inside. */
const RUN_RSS_TARGET_MB = 250;
const [, , first, ...rest] = process.argv;

if (first === '--one') {
  const [items, systems] = rest[0].split('x').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'ftrag-resume-bench-'));
  try {
    const journalPath = join(dir, 'journal.jsonl');
    const systemIds = Array.from({ length: systems }, (_, s) => `system-${s}`);
    const fd = openSync(journalPath, 'w');
    for (let i = 0; i < items; i++) {
      for (const systemId of systemIds) {
        const output = `answer ${i} ${'word '.repeat(20 + (i % 40))}`;
        const record = { v: 1, itemId: `item-${i}`, systemId, ok: true, response: { output, latencyMs: 100 + (i % 500), usage: { inputTokens: 120, outputTokens: 40 } }, retries: 0, throttles: 0, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z' };
        writeSync(fd, `${JSON.stringify(record)}\n`);
      }
    }
    closeSync(fd);
    const evalItems = Array.from({ length: items }, (_, i) => ({ id: `item-${i}`, prompt: `question ${i}`, references: [`answer ${i}`] }));
    const targets: Target[] = systemIds.map((id) => ({
      id,
      kind: 'base',
      modelId: `model-${id}`,
      invoke: () => Promise.reject(new Error('a resumed pair was called again')),
    }));
    const before = retainedBytes();
    let held = 0;
    const t = performance.now();
    const outcome = await runEval({
      items: evalItems,
      targets,
      journalPath,
      resume: true,
      keepRecords: false,
      concurrency: 8,
      timeoutMs: 1000,
      maxRetries: 0,
      seed: 1,
      // Started once the journal has been read, before any pair is scheduled: what the resume holds for the run.
      progressReporter: { start: () => void (held = retainedBytes() - before), update() {}, stop() {} },
    });
    const resumeMs = performance.now() - t;
    if (outcome.resumed !== items * systems) throw new Error(`resumed ${outcome.resumed} of ${items * systems} pairs`);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(
      `${JSON.stringify({ bench: 'scale-resume', case: `resume ${items} x ${systems}: peak RSS (a part of the run's <= ${RUN_RSS_TARGET_MB} MB)`, items, systems, journal_mb: mb(statSync(journalPath).size), resumed: outcome.resumed, resume_ms: Math.round(resumeMs), peak_rss_mb: Math.round(peakRssMb), held_mb: mb(held), ratio: round2(peakRssMb / RUN_RSS_TARGET_MB), target: '<= 1', load1: Math.round(loadavg()[0] * 10) / 10 })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  for (const c of first ? [first, ...rest] : ['100000x4']) {
    if (!/^\d+x\d+$/.test(c)) throw new Error(`a case is ITEMSxSYSTEMS, e.g. 100000x4 (got "${c}")`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--one', c], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
