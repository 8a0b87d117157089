/**
 * The demo's verdict does not depend on how busy the machine is: run it on a quiet machine, then with two CPU-bound
 * child processes spinning beside it, and compare the verdicts (no timing thresholds anywhere).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG, runExperiment } from '../../src/index.js';
import type { RunResult } from '../../src/schema/run-result.js';
import { fileURLToPath } from 'node:url';

async function demoVerdict(): Promise<RunResult['recommendation']> {
  const dir = mkdtempSync(join(tmpdir(), 'ftrag-load-'));
  const outcome = await runExperiment({ config: fileURLToPath(DEMO_CONFIG), out: join(dir, 'out'), cache: false, progress: 'none', cwd: dir, log: () => {} });
  return (JSON.parse(readFileSync(outcome.runJsonPath, 'utf8')) as RunResult).recommendation;
}

const verdicts = (r: RunResult['recommendation']) => ({
  choice: r?.choice,
  systemId: r?.systemId,
  byCategory: Object.fromEntries(Object.entries(r?.byCategory ?? {}).map(([k, v]) => [k, { choice: v.choice, systemId: v.systemId }])),
});

// Opt-in because it runs the demo twice (about two minutes on a shared 2-core machine): FTRAG_LOAD_TEST=1. Before the
// emulator moved to a worker thread it failed (the loaded run chose fine-tuned); with it, both runs agree.
describe.runIf(process.env.FTRAG_LOAD_TEST === '1')('the demo verdict on a quiet and on a loaded machine', () => {
  it('is the same with two CPU-bound processes running beside it', async () => {
    const quiet = await demoVerdict();
    const spinners: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    let loaded: RunResult['recommendation'];
    try {
      loaded = await demoVerdict();
    } finally {
      for (const s of spinners) s.kill('SIGKILL');
    }
    console.log(`quiet: ${quiet?.choice} ${JSON.stringify(verdicts(quiet).byCategory)} | ${quiet?.headline}\nloaded: ${loaded?.choice} ${JSON.stringify(verdicts(loaded).byCategory)} | ${loaded?.headline}\n${loaded?.reasons.join('\n')}`);
    expect(quiet?.choice).not.toBe('inconclusive');
    expect(verdicts(loaded)).toEqual(verdicts(quiet));
    expect(loaded?.confidence).toBe(quiet?.confidence);
  }, 300_000);
});
