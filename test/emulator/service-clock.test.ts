import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { startEmulatorInWorker, type ServedTiming } from '../../src/emulator/index.js';
import { ServiceClock } from '../../src/emulator/service-clock.js';
import { tempDir } from './helpers.js';

describe('the emulator keeps its modelled schedule from the request arrival (fake clock)', () => {
  afterEach(() => vi.useRealTimers());
  const settled = (p: Promise<void>) => {
    let done = false;
    void p.then(() => (done = true));
    return () => done;
  };

  it('compute done before a deadline is absorbed: the answer is due at arrival + modelled time, not after compute + modelled time', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const clock = new ServiceClock(performance.now());
    vi.advanceTimersByTime(30); // the reference model's compute
    const done = settled(clock.advance(40));
    await vi.advanceTimersByTimeAsync(9);
    expect(done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done()).toBe(true);
    expect(clock.modelledMs).toBe(40);
  });

  it('waits are to absolute deadlines: a late wake-up is not carried into the next wait, and a passed deadline does not wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const clock = new ServiceClock(performance.now());
    const first = settled(clock.advance(10));
    await vi.advanceTimersByTimeAsync(13); // woke 3 ms late
    expect(first()).toBe(true);
    const second = settled(clock.advance(5)); // due at 15, i.e. 2 ms from now
    await vi.advanceTimersByTimeAsync(2);
    expect(second()).toBe(true);
    clock.add(1);
    vi.advanceTimersByTime(50);
    const passed = settled(clock.advance(1));
    await Promise.resolve();
    expect(passed()).toBe(true);
    expect(clock.modelledMs).toBe(17);
  });
});

describe('the emulator timing log', () => {
  it('records every data-plane call with its reported service time, and no answer leaves before its modelled time', async () => {
    const dir = tempDir();
    const profile = join(dir, 'profile.json');
    writeFileSync(profile, JSON.stringify({ jitter: 0.2, retrievalMs: 0, default: { ttftMs: 15, perTokenMs: 1 } }));
    const timingLog = join(dir, 'timings.jsonl');
    const emu = await startEmulatorInWorker({ dataDir: join(dir, 'emu'), seed: 5, latencyProfile: profile, quiet: true, timingLog });
    const runtime = new BedrockRuntimeClient({ endpoint: emu.url, region: 'us-east-1', credentials: { accessKeyId: 'k', secretAccessKey: 's' } });
    const reported: number[] = [];
    try {
      const messages = (text: string) => [{ role: 'user' as const, content: [{ text }] }];
      const modelId = 'amazon.nova-micro-v1:0';
      for (const q of ['When does the depot open?', 'Who runs the depot?']) {
        reported.push((await runtime.send(new ConverseCommand({ modelId, messages: messages(q) }))).metrics!.latencyMs!);
        const s = await runtime.send(new ConverseStreamCommand({ modelId, messages: messages(q) }));
        for await (const e of s.stream!) if (e.metadata) reported.push(e.metadata.metrics!.latencyMs!);
      }
    } finally {
      runtime.destroy();
      await emu.close();
    }
    const served = readFileSync(timingLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as ServedTiming);
    expect(served.map((t) => t.operation)).toEqual(['/model/{modelId}/converse', '/model/{modelId}/converse-stream', '/model/{modelId}/converse', '/model/{modelId}/converse-stream']);
    expect(served.map((t) => Math.round(t.modelledMs))).toEqual(reported);
    for (const t of served) {
      expect(t.wallMs).toBeGreaterThanOrEqual(t.modelledMs);
      expect(t.requestId).toMatch(/^emu-5-\d+$/);
    }
    expect(served[1].arrivedAtEpochMs).toBeGreaterThan(served[0].arrivedAtEpochMs);
  });
});
