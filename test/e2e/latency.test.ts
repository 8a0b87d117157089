import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRun, type InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

const TTFT_MS = 20;
const RETRIEVAL_MS = 10;

/** base + rag on the demo set (no training), streaming or not. */
async function runSmall(streaming: boolean | undefined): Promise<{ run: InMemoryRun; markdown: string; html: string }> {
  const work = tempDir('ftrag-latency-');
  // A flat profile, so the modelled service time of every call is known exactly.
  const profile = join(work, 'profile.json');
  writeFileSync(profile, JSON.stringify({ jitter: 0, retrievalMs: RETRIEVAL_MS, default: { ttftMs: TTFT_MS, perTokenMs: 0 } }));
  const config = writeDemoConfig(work, (c) => {
    c.systems = c.systems.filter((s: { id: string }) => s.id === 'base' || s.id === 'rag');
    c.emulator.latencyProfile = profile;
    if (streaming !== undefined) c.inference.streaming = streaming;
  });
  const out = join(work, 'out');
  const result = await runCli(['run', '--config', config, '--out', out, '--progress', 'none'], { cwd: work });
  expect(result.code, result.stderr).toBe(0);
  return {
    run: await loadRun(join(out, 'run.json')),
    markdown: readFileSync(join(out, 'report.md'), 'utf8'),
    html: readFileSync(join(out, 'report.html'), 'utf8'),
  };
}

describe('inference.streaming end to end on the emulator', () => {
  let streamed: Awaited<ReturnType<typeof runSmall>>;
  let unstreamed: Awaited<ReturnType<typeof runSmall>>;
  beforeAll(async () => {
    streamed = await runSmall(undefined); // the default
    unstreamed = await runSmall(false);
  });

  it('streams by default: every answer has a first-token time and the report says the calls streamed', () => {
    for (const s of streamed.run.systems) {
      expect(s.streaming, s.id).toBe(true);
      expect(s.firstTokenMs?.n, s.id).toBe(s.latencyMs.n);
    }
    for (const item of streamed.run.items) for (const r of Object.values(item.results)) expect(r.firstTokenMs).toBeTypeOf('number');
    expect(streamed.markdown).toMatch(/\(service, streamed\)/);
  });

  it('streaming: false calls Converse: no first-token time anywhere, and the report says so', () => {
    for (const s of unstreamed.run.systems) {
      expect(s.streaming, s.id).toBe(false);
      expect(s.firstTokenMs, s.id).toBeUndefined();
    }
    for (const item of unstreamed.run.items) for (const r of Object.values(item.results)) expect(r.firstTokenMs).toBeUndefined();
    expect(unstreamed.markdown).toMatch(/\(service, not streamed\)/);
    expect(unstreamed.markdown).toMatch(/no first-token time \(not streamed\)/);
    expect(unstreamed.run.notes.join(' ')).toMatch(/Not streamed \(no first-token time\): base, rag/);
    expect(unstreamed.run.config).toMatchObject({ inference: { streaming: false } });
  });

  it('keeps the service latency and the client latency apart, per item and per system, with an interval on p95', () => {
    for (const { run } of [streamed, unstreamed]) {
      for (const s of run.systems) {
        expect(s.serviceLatencyMs?.n, s.id).toBe(s.latencyMs.n);
        for (const p of [s.latencyMs, s.serviceLatencyMs!]) {
          expect(p.p95Ci95![0]).toBeLessThanOrEqual(p.p95);
          expect(p.p95Ci95![1]).toBeGreaterThanOrEqual(p.p95);
        }
      }
      for (const item of run.items) {
        for (const r of Object.values(item.results)) {
          expect(r.serviceLatencyMs).toBeTypeOf('number');
          expect(r.latencyMs).toBeTypeOf('number');
        }
      }
      expect(run.notes.join(' ')).toMatch(/"service" is the service's own time/);
    }
  });

  it('takes the service latency from the emulator\'s modelled time, whatever the host did', () => {
    for (const { run } of [streamed, unstreamed]) {
      const service = (id: string) => run.items.map((i) => i.results[id].serviceLatencyMs);
      expect(new Set(service('base'))).toEqual(new Set([TTFT_MS]));
      // retrieve-then-converse: the Retrieve time plus the Converse metrics.latencyMs.
      expect(new Set(service('rag'))).toEqual(new Set([RETRIEVAL_MS + TTFT_MS]));
    }
  });

  it('opens one connection per client and endpoint, before timing starts', () => {
    for (const { run } of [streamed, unstreamed]) {
      expect(run.notes.join(' ')).toMatch(/Connections: 1 bedrock-runtime and 1 bedrock-agent-runtime HTTP\/2 sessions opened/);
      // base's warm-up opens the runtime session, rag's the agent-runtime one (the runtime one is already open).
      for (const s of run.systems) expect(s.connections, s.id).toEqual({ opened: 1, setupCalls: 0 });
      for (const item of run.items) for (const r of Object.values(item.results)) expect(r.connectionSetup).toBeUndefined();
    }
  });
});
