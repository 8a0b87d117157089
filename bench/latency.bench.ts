/**
 * Latency and connections (issue 23): what the client adds on top of the service, streamed and not, and throughput
 * against the bare SDK loop.
 *
 * Part 1, client minus service: ftrag's runner and targets against the embedded emulator on its worker thread with
 * a flat latency profile (TTFT 40 ms, 1 ms per token, no jitter), CALLS calls per mode (ConverseStream, then
 * Converse) at concurrency 8 (CONCURRENCY) over one set of clients. Per call: client latencyMs - service latencyMs (the emulator's
 * modelled metrics.latencyMs). Reports p50/p95 per mode and the connections the clients opened for all the calls.
 * Target: p50 within 5 ms in both modes on a quiet machine.
 *
 * Part 2, throughput: calls/s of ftrag's runner vs a bare SDK loop (stock BedrockRuntimeClient, as a user would
 * write it) against a loopback h2c endpoint that answers at once, concurrency 32, ITEMS calls, both modes,
 * alternated over ROUNDS rounds; with the connections each variant opened (counted by the server).
 *
 *   npm run bench -- latency                             # or: node --import tsx bench/latency.bench.ts
 *   CALLS=200 ITEMS=1000 ROUNDS=1 node --import tsx bench/latency.bench.ts   # quick
 *   CALLS=100 CONCURRENCY=1 SKIP_THROUGHPUT=1 node --import tsx bench/latency.bench.ts   # the per-call floor
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { EvalItem } from '../src/datasets/types.js';
import { startEmulatorInWorker } from '../src/emulator/index.js';
import { runEval } from '../src/runner/index.js';
import { quantile } from '../src/stats/index.js';
import { createAwsClients, createBedrockModelTarget } from '../src/targets/index.js';
import { converseFrames, startStub } from '../test/targets/h2c-stub.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const CALLS = Number(process.env.CALLS ?? 500);
const ITEMS = Number(process.env.ITEMS ?? 4000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
/** Part 1's concurrency; 1 shows the per-call floor without queueing on the emulator's one thread. */
const CALL_CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
/** SKIP_THROUGHPUT=1 runs part 1 only. */
const SKIP_THROUGHPUT = process.env.SKIP_THROUGHPUT === '1';
const MODEL = 'amazon.nova-micro-v1:0';
const dir = mkdtempSync(join(tmpdir(), 'ftrag-latency-bench-'));

const items = (n: number, tag: string): EvalItem[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${tag}${i}`,
    prompt: `The depot ${i} opens at ${(i % 12) + 1} o'clock. When does depot ${i} open?`,
    references: [`${(i % 12) + 1} o'clock`],
  }));

const pct = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: round(quantile(s, 0.5)), p95: round(quantile(s, 0.95)), n: s.length };
};
const round = (x: number) => Math.round(x * 100) / 100;

async function clientMinusService(): Promise<void> {
  const profile = join(dir, 'flat.json');
  writeFileSync(profile, JSON.stringify({ jitter: 0, retrievalMs: 0, default: { ttftMs: 40, perTokenMs: 1 } }));
  const emulator = await startEmulatorInWorker({ port: 0, dataDir: join(dir, 'emu'), latencyProfile: profile, quiet: true, seed: 3 });
  const clients = createAwsClients({ region: 'us-east-1', endpointUrl: emulator.url });
  try {
    for (const streaming of [true, false]) {
      const target = createBedrockModelTarget({ id: 'base', kind: 'base', modelId: MODEL, runtime: clients.runtime, inference: { maxTokens: 64, temperature: 0, streaming } });
      await target.invoke({ itemId: 'warm', prompt: 'warm up' }, { signal: AbortSignal.timeout(30_000) }); // opens the session, as ftrag run's pre-flight does
      const gaps: number[] = [];
      const firstToken: number[] = [];
      let setupCalls = 0;
      const out = await runEval({
        items: items(CALLS, streaming ? 's' : 'u'),
        targets: [target],
        journalPath: join(dir, `journal-${streaming}.jsonl`),
        concurrency: CALL_CONCURRENCY,
        timeoutMs: 30_000,
        maxRetries: 0,
        cache: null,
        progress: 'none',
        seed: 1,
        keepRecords: false,
        onResult: (r) => {
          const resp = r.response;
          if (!r.ok || !resp || resp.serviceLatencyMs === undefined) return;
          gaps.push(resp.latencyMs - resp.serviceLatencyMs);
          if (resp.firstTokenMs !== undefined) firstToken.push(resp.firstTokenMs);
          if (resp.connectionSetup) setupCalls++;
        },
      });
      process.stdout.write(
        `${JSON.stringify({ part: 'client-minus-service', streaming, calls: CALLS, concurrency: CALL_CONCURRENCY, failed: out.failed, clientMinusServiceMs: pct(gaps), firstTokenMs: firstToken.length ? pct(firstToken) : null, setupCalls })}\n`,
      );
    }
    process.stdout.write(`${JSON.stringify({ part: 'connections', calls: 2 * (CALLS + 1), opened: clients.connections() })}\n`);
  } finally {
    clients.destroy();
    await emulator.close();
  }
}

async function throughput(): Promise<void> {
  const stub = await startStub(
    (req) =>
      req.path.endsWith('/converse')
        ? { json: { output: { message: { role: 'assistant', content: [{ text: 'At 3.' }] } }, stopReason: 'end_turn', usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15 }, metrics: { latencyMs: 1 } } }
        : { frames: converseFrames(['At 3.'], { inputTokens: 12, outputTokens: 3 }, 1) },
    { record: false },
  );
  const CONCURRENCY = 32;
  const input = (text: string) => ({ modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text }] }], inferenceConfig: { maxTokens: 64, temperature: 0 } });
  const bare = async (streaming: boolean, list: EvalItem[]) => {
    const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: stub.url, credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 });
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const item = list[next++];
        if (streaming) {
          const res = await client.send(new ConverseStreamCommand(input(item.prompt)));
          for await (const ev of res.stream!) void ev;
        } else await client.send(new ConverseCommand(input(item.prompt)));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    client.destroy();
  };
  const ftrag = async (streaming: boolean, list: EvalItem[], journal: string) => {
    const clients = createAwsClients({ region: 'us-east-1', endpointUrl: stub.url });
    const target = createBedrockModelTarget({ id: 'base', kind: 'base', modelId: MODEL, runtime: clients.runtime, inference: { maxTokens: 64, temperature: 0, streaming } });
    await runEval({ items: list, targets: [target], journalPath: join(dir, journal), concurrency: CONCURRENCY, timeoutMs: 30_000, maxRetries: 0, cache: null, progress: 'none', seed: 1, keepRecords: false });
    clients.destroy();
  };
  let journals = 0;
  await bare(true, items(300, 'w'));
  await ftrag(true, items(300, 'w'), `w${journals++}.jsonl`);
  const results: Record<string, number[]> = {};
  const sessions: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const streaming of [true, false]) {
      for (const variant of round % 2 ? ['ftrag-runner', 'bare-sdk'] : ['bare-sdk', 'ftrag-runner']) {
        const list = items(ITEMS, `r${round}`);
        const before = stub.sessionsOpened();
        const t0 = performance.now();
        if (variant === 'bare-sdk') await bare(streaming, list);
        else await ftrag(streaming, list, `t${journals++}.jsonl`);
        const key = `${variant}:${streaming ? 'stream' : 'converse'}`;
        (results[key] ??= []).push(ITEMS / ((performance.now() - t0) / 1000));
        sessions[key] = stub.sessionsOpened() - before;
      }
    }
  }
  for (const [key, rates] of Object.entries(results)) {
    const [variant, mode] = key.split(':');
    process.stdout.write(
      `${JSON.stringify({ part: 'throughput', variant, mode, items: ITEMS, concurrency: CONCURRENCY, callsPerSecond: Math.round(Math.max(...rates)), rounds: rates.map(Math.round), connectionsLastRound: sessions[key] })}\n`,
    );
  }
  for (const mode of ['stream', 'converse']) {
    const ratio = Math.max(...results[`ftrag-runner:${mode}`]) / Math.max(...results[`bare-sdk:${mode}`]);
    process.stdout.write(`${JSON.stringify({ part: 'throughput-ratio', mode, ftragOverBare: round(ratio) })}\n`);
  }
  await stub.close();
}

try {
  await clientMinusService();
  if (!SKIP_THROUGHPUT) await throughput();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
