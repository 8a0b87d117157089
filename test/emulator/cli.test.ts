import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import command, { optionsFromArgs, serveUntil } from '../../src/cli/commands/emulator.js';
import { loadLatencyProfile, serviceTime } from '../../src/emulator/latency.js';
import { startHarness, tempDir, userMessage } from './helpers.js';

describe('ftrag emulator command', () => {
  it('serves until stopped, printing the endpoint and export lines', async () => {
    const dataDir = tempDir();
    const controller = new AbortController();
    let out = '';
    let announced: (url: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => (announced = resolve));
    const done = serveUntil(optionsFromArgs({ port: 0, 'data-dir': dataDir, seed: 3 }), controller.signal, (s) => {
      out += s;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url && out.includes('Stop with')) announced(url);
    });
    const client = new BedrockRuntimeClient({ endpoint: await ready, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const r = await client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('hello') }));
    client.destroy();
    out += `\nANSWER ${r.output?.message?.content?.[0]?.text}`;
    controller.abort();
    await done;
    expect(out).toMatch(/export AWS_ENDPOINT_URL_BEDROCK_RUNTIME=http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('export AWS_ENDPOINT_URL_S3=');
    expect(out).toContain('export AWS_REGION=us-east-1');
    expect(out).toMatch(/ANSWER \S+/);
    expect(out).toContain('stopped');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--timing-log writes one line per data-plane call when it stops, with the service time it reported', async () => {
    const dataDir = tempDir();
    const timingLog = join(dataDir, 'timings.jsonl');
    const controller = new AbortController();
    let announced: (url: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => (announced = resolve));
    let out = '';
    const opts = optionsFromArgs({ port: 0, 'data-dir': join(dataDir, 'emu'), 'latency-profile': 'realistic', 'timing-log': timingLog, quiet: true });
    const done = serveUntil(opts, controller.signal, (s) => {
      out += s;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url && out.includes('Stop with')) announced(url);
    });
    const client = new BedrockRuntimeClient({ endpoint: await ready, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const r = await client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('hello') }));
    client.destroy();
    controller.abort();
    await done;
    const lines = readFileSync(timingLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ operation: '/model/{modelId}/converse' });
    expect(Math.round(lines[0].modelledMs)).toBe(r.metrics!.latencyMs);
    expect(lines[0].wallMs).toBeGreaterThanOrEqual(lines[0].modelledMs);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a busy port is an input error naming --port', async () => {
    const h = await startHarness();
    const dir = tempDir();
    try {
      await expect(serveUntil({ port: h.emu.port, dataDir: dir, quiet: true }, new AbortController().signal, () => undefined)).rejects.toThrow(/--port.*EADDRINUSE/);
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates flags as input errors', () => {
    expect(() => optionsFromArgs({ port: 70000 })).toThrow(/--port/);
    expect(() => optionsFromArgs({ seed: 1.5 })).toThrow(/--seed/);
    expect(command.command).toBe('emulator');
  });
});

describe('latency profile', () => {
  it('realistic: bigger models start later and stream slower; jitter is seeded', () => {
    const p = loadLatencyProfile('realistic');
    const micro = serviceTime(p, 'amazon.nova-micro-v1:0', 1, 1);
    const pro = serviceTime(p, 'amazon.nova-pro-v1:0', 1, 1);
    expect(micro.ttftMs).toBeGreaterThanOrEqual(270);
    expect(micro.ttftMs).toBeLessThanOrEqual(330);
    expect(pro.ttftMs).toBeGreaterThan(micro.ttftMs);
    expect(serviceTime(p, 'amazon.nova-micro-v1:0', 1, 1)).toEqual(micro);
    expect(serviceTime(loadLatencyProfile('none'), 'amazon.nova-micro-v1:0', 1, 1)).toEqual({ ttftMs: 0, perTokenMs: 0 });
  });

  it('a FILE profile is validated with file and field in the error', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ models: { 'amazon.nova-micro-v1:0': { ttftMs: -1, perTokenMs: 1 } } }));
    expect(() => loadLatencyProfile(bad)).toThrow(/bad\.json.*models\.amazon\.nova-micro-v1:0\.ttftMs/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the server really waits: Converse latency includes the profile TTFT', async () => {
    const dir = tempDir();
    const file = join(dir, 'slow.json');
    writeFileSync(file, JSON.stringify({ jitter: 0, default: { ttftMs: 120, perTokenMs: 0 } }));
    const h = await startHarness({ latencyProfile: file });
    try {
      const r = await h.clients.runtime.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: userMessage('hello') }));
      expect(r.metrics?.latencyMs).toBeGreaterThanOrEqual(115);
    } finally {
      await h.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
