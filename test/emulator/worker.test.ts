import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { startEmulator, startEmulatorInWorker, type RunningEmulator } from '../../src/emulator/index.js';
import { InputError } from '../../src/util/errors.js';
import { tempDir } from './helpers.js';

const credentials = { accessKeyId: 'test-key', secretAccessKey: 'test-secret' };
const modelId = 'amazon.nova-micro-v1:0';
const messages = (text: string) => [{ role: 'user' as const, content: [{ text }] }];

let dir: string;
let profile: string;
beforeAll(() => {
  dir = tempDir();
  profile = join(dir, 'profile.json');
  // Small waits so the test is quick; jitter so the seeded draw matters.
  writeFileSync(profile, JSON.stringify({ jitter: 0.3, retrievalMs: 5, default: { ttftMs: 20, perTokenMs: 1 } }));
});

async function serviceLatencies(emu: RunningEmulator, prompts: string[]): Promise<number[]> {
  const runtime = new BedrockRuntimeClient({ endpoint: emu.url, region: 'us-east-1', credentials });
  try {
    // All at once: arrival order must not matter.
    const out = await Promise.all(prompts.map((p) => runtime.send(new ConverseCommand({ modelId, messages: messages(p) }))));
    return out.map((r) => r.metrics!.latencyMs!);
  } finally {
    runtime.destroy();
  }
}

describe('the embedded emulator on a worker thread', () => {
  let worker: RunningEmulator;
  beforeAll(async () => {
    worker = await startEmulatorInWorker({ dataDir: join(dir, 'w'), seed: 3, latencyProfile: profile, quiet: true });
  });
  afterAll(async () => {
    await worker?.close();
  });

  it('serves the unmodified SDK, Converse and ConverseStream', async () => {
    const runtime = new BedrockRuntimeClient({ endpoint: worker.url, region: 'us-east-1', credentials });
    try {
      const r = await runtime.send(new ConverseCommand({ modelId, messages: messages('What is the capital of France?') }));
      expect(r.output?.message?.content?.[0].text?.length).toBeGreaterThan(0);
      const s = await runtime.send(new ConverseStreamCommand({ modelId, messages: messages('What is the capital of France?') }));
      let latency: number | undefined;
      for await (const e of s.stream!) if (e.metadata) latency = e.metadata.metrics?.latencyMs;
      expect(latency).toBeTypeOf('number');
    } finally {
      runtime.destroy();
    }
    expect(worker.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME).toBe(worker.url);
  });

  it('reports its modelled service time: the same for a seed and request however calls interleave, and the same as in-thread', async () => {
    const prompts = ['alpha question', 'beta question', 'gamma question', 'alpha question', 'delta question', 'beta question'];
    const first = await serviceLatencies(worker, prompts);
    const again = await serviceLatencies(worker, [...prompts].reverse());
    expect([...again].reverse()).toEqual(first);
    expect(first[0]).toBe(first[3]); // same request, same time
    const inThread = await startEmulator({ dataDir: join(dir, 't'), seed: 3, latencyProfile: profile, quiet: true });
    try {
      expect(await serviceLatencies(inThread, prompts)).toEqual(first);
    } finally {
      await inThread.close();
    }
    const otherSeed = await startEmulatorInWorker({ dataDir: join(dir, 's'), seed: 4, latencyProfile: profile, quiet: true });
    try {
      expect(await serviceLatencies(otherSeed, prompts)).not.toEqual(first);
    } finally {
      await otherSeed.close();
    }
  });
});

describe('starting and stopping the worker', () => {
  it('a bad latency profile rejects with the InputError (file and field) from the worker', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ default: { ttftMs: -5, perTokenMs: 1 } }));
    const err = await startEmulatorInWorker({ dataDir: join(dir, 'b'), latencyProfile: bad, quiet: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/bad\.json.*default\.ttftMs/);
    expect((err as InputError).location).toMatchObject({ file: bad, field: 'default.ttftMs' });
  });

  it('close() stops the server: the port refuses connections afterwards', async () => {
    const emu = await startEmulatorInWorker({ dataDir: join(dir, 'c'), quiet: true });
    await emu.close();
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(emu.port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve('connected')));
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});
