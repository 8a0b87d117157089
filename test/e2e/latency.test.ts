import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRunResult } from '../../src/schema/read.js';
import type { RunResult } from '../../src/schema/run-result.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

/** base + rag on the demo set (no training), streaming or not. */
async function runSmall(streaming: boolean | undefined): Promise<{ run: RunResult; markdown: string; html: string }> {
  const work = tempDir('ftrag-latency-');
  const config = writeDemoConfig(work, (c) => {
    c.systems = c.systems.filter((s: { id: string }) => s.id === 'base' || s.id === 'rag');
    if (streaming !== undefined) c.inference.streaming = streaming;
  });
  const out = join(work, 'out');
  const result = await runCli(['run', '--config', config, '--out', out, '--progress', 'none'], { cwd: work });
  expect(result.code, result.stderr).toBe(0);
  return {
    run: parseRunResult(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')), 'run.json'),
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
  }, 240_000);

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
});
