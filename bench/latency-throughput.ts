/**
 * Part 2 of bench/latency.bench.ts: calls/s of ftrag's runner vs a bare SDK loop (stock BedrockRuntimeClient, as a
 * user would write it) against a loopback h2c endpoint that answers at once, concurrency 32, `items` calls per
 * variant, both modes, alternated over `rounds` rounds; with the connections each variant opened (counted by the
 * server). Not a .bench.ts file: run-all.ts runs it through latency.bench.ts.
 */
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import type { EvalItem } from '../src/datasets/types.js';
import { runEval } from '../src/runner/index.js';
import { createAwsClients, createBedrockModelTarget } from '../src/targets/index.js';
import { converseFrames, startStub } from '../test/targets/h2c-stub.js';

export interface ThroughputOptions {
  dir: string;
  model: string;
  items: (n: number, tag: string) => EvalItem[];
  itemCount: number;
  rounds: number;
  print: (line: Record<string, unknown>) => void;
}

export async function throughput(o: ThroughputOptions): Promise<void> {
  const { dir, model: MODEL, items, itemCount: ITEMS, rounds: ROUNDS } = o;
  const round = (x: number) => Math.round(x * 100) / 100;
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
    o.print({ part: 'throughput', variant, mode, items: ITEMS, concurrency: CONCURRENCY, callsPerSecond: Math.round(Math.max(...rates)), rounds: rates.map(Math.round), connectionsLastRound: sessions[key] });
  }
  for (const mode of ['stream', 'converse']) {
    const ratio = Math.max(...results[`ftrag-runner:${mode}`]) / Math.max(...results[`bare-sdk:${mode}`]);
    o.print({ part: 'throughput-ratio', mode, ftragOverBare: round(ratio), case: `throughput ftrag runner / bare SDK, ${mode}`, ratio: round(ratio) });
  }
  await stub.close();
}

