/**
 * The runner's own cost per call, with nothing else in it: runEval (schedule, per-call supervisor and timeout,
 * response cache lookup and write, journal line, kept record, counters) over N items against an in-memory target
 * that answers at once, so no SDK, network or scoring is measured. Prints CPU (all threads) and wall, cache on and
 * off. What a whole run spends beyond this is on the SDK call path (bench/harness.bench.ts, harness-phases).
 *
 *   node --import tsx bench/runner-machinery.bench.ts          # 10,000 items, 2 repeats each
 *   ITEMS=100000 REPEATS=1 node --import tsx bench/runner-machinery.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalItem } from '../src/datasets/types.js';
import { runEval } from '../src/runner/index.js';
import type { Target, TargetRequest, TargetResponse } from '../src/targets/types.js';
import { machine, round } from './lib/measure.js';

const ITEMS = Number(process.env.ITEMS ?? 10_000);
const REPEATS = Number(process.env.REPEATS ?? 2);

const target: Target & { description: { config: Record<string, unknown>; defaultMaxTokens: number } } = {
  id: 'base-1',
  kind: 'base',
  modelId: 'amazon.nova-micro-v1:0',
  description: { config: { type: 'bedrock-model', modelId: 'amazon.nova-micro-v1:0', inference: { maxTokens: 256, temperature: 0 } }, defaultMaxTokens: 256 },
  async invoke(request: TargetRequest): Promise<TargetResponse> {
    await null;
    const words = request.prompt.split(' ');
    // The shape a ConverseStream answer has (output, latencies, usage, stop reason), so cache and journal lines are real-sized.
    return { output: words.slice(-3).join(' '), latencyMs: 12.345678, firstTokenMs: 11.2345, serviceLatencyMs: 1, usage: { inputTokens: words.length + 5, outputTokens: 3 }, stopReason: 'end_turn' };
  },
};
const items: EvalItem[] = Array.from({ length: ITEMS }, (_, i) => ({
  id: `h${i}`,
  prompt: `river stone lamp orchard valve ledger harbor quartz signal meadow copper lantern ${i} archive beacon cedar?`,
  references: ['archive beacon cedar'],
  category: `c${i % 3}`,
}));

for (let r = 1; r <= REPEATS; r++) {
  for (const cache of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-runner-machinery-'));
    const cpu = process.cpuUsage();
    const started = performance.now();
    const out = await runEval({
      items,
      targets: [target],
      journalPath: join(dir, 'journal.jsonl'),
      concurrency: 32,
      timeoutMs: 60_000,
      maxRetries: 2,
      cache: cache ? { dir: join(dir, 'cache'), endpointKey: 'url:http://127.0.0.1:1|us-east-1' } : null,
      progress: 'none',
      seed: 1,
    });
    const used = process.cpuUsage(cpu);
    rmSync(dir, { recursive: true, force: true });
    if (out.completed !== ITEMS) throw new Error(`${out.completed}/${ITEMS} completed`);
    const cpuMs = (used.user + used.system) / 1000;
    process.stdout.write(
      `${JSON.stringify({ bench: 'runner-machinery', repeat: r, items: ITEMS, cache, cpu_ms: Math.round(cpuMs), us_per_call: round((cpuMs * 1000) / ITEMS, 1), wall_ms: Math.round(performance.now() - started), ...machine() })}\n`,
    );
  }
}
