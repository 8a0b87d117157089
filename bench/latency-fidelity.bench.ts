/**
 * Latency fidelity (issue 3): with the emulator's `realistic` profile at concurrency 16, the p50 latency ftrag
 * measures on the client must be within 5% of the emulator's own service time (ConverseStream `metrics.latencyMs`,
 * the emulator's modelled time; the emulator runs on its worker thread, as `ftrag run` embeds it):
 * client-side queueing and overhead must not leak into measured latency. Also reports time to first token against
 * the profile's TTFT. Prints one JSON line.
 *
 *   node --import tsx bench/latency-fidelity.bench.ts        # 400 items, concurrency 16 (~15 s)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EvalItem } from '../src/datasets/types.js';
import { startEmulatorInWorker } from '../src/emulator/index.js';
import { runEval } from '../src/runner/index.js';
import { quantile } from '../src/stats/index.js';
import { createAwsClients, createBedrockModelTarget } from '../src/targets/index.js';

const ITEMS = Number(process.env.ITEMS ?? 400);
const CONCURRENCY = 16;
const MODEL = 'amazon.nova-micro-v1:0';

const dir = mkdtempSync(join(tmpdir(), 'ftrag-latency-'));
const emulator = await startEmulatorInWorker({ port: 0, dataDir: join(dir, 'data'), latencyProfile: 'realistic', quiet: true, seed: 3 });
const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emulator.url });
try {
  const items: EvalItem[] = Array.from({ length: ITEMS }, (_, i) => ({
    id: `q${i}`,
    prompt: `The depot ${i} opens at ${(i % 12) + 1} o'clock. When does depot ${i} open?`,
    references: [`${(i % 12) + 1} o'clock`],
  }));
  const target = createBedrockModelTarget({ id: 'base', kind: 'base', modelId: MODEL, runtime: clients.runtime, inference: { maxTokens: 64, temperature: 0 } });
  const outcome = await runEval({
    items,
    targets: [target],
    journalPath: join(dir, 'journal.jsonl'),
    concurrency: CONCURRENCY,
    timeoutMs: 30_000,
    maxRetries: 3,
    cache: null,
    progress: 'none',
    seed: 1,
  });
  const records = [...outcome.records!.values()].map((m) => m.get('base')!).filter((r) => r.ok);
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const client = sorted(records.map((r) => r.response!.latencyMs));
  const service = sorted(records.map((r) => r.response!.serviceLatencyMs!).filter((x) => typeof x === 'number'));
  const ttft = sorted(records.map((r) => r.response!.firstTokenMs!).filter((x) => typeof x === 'number'));
  const p50Client = quantile(client, 0.5);
  const p50Service = quantile(service, 0.5);
  const gap = p50Client / p50Service - 1;
  console.log(
    JSON.stringify({
      bench: 'latency-fidelity',
      items: records.length,
      concurrency: CONCURRENCY,
      p50ClientMs: Number(p50Client.toFixed(1)),
      p50ServiceMs: Number(p50Service.toFixed(1)),
      p95ClientMs: Number(quantile(client, 0.95).toFixed(1)),
      p95ServiceMs: Number(quantile(service, 0.95).toFixed(1)),
      p50FirstTokenMs: Number(quantile(ttft, 0.5).toFixed(1)),
      p50Gap: `${(gap * 100).toFixed(2)}%`,
      target: 'within 5%',
      pass: Math.abs(gap) <= 0.05,
    }),
  );
} finally {
  clients.destroy();
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
}
