import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/experiment/experiment.js';
import { loadRun } from '../fixtures/run-results/in-memory.js';
import { exitCodeOf } from '../../src/util/errors.js';
import { DEMO, tempDir } from '../train/helpers.js';

/** 120 questions about the demo's facts (the demo set has 72; the paraphrase suffix keeps ids and prompts distinct). */
function writeEvalSet(dir: string, n: number): string {
  const demo = readFileSync(join(DEMO, 'test.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const items = Array.from({ length: n }, (_, i) => {
    const d = demo[i % demo.length];
    return { ...d, id: `${d.id}-${i}`, prompt: i < demo.length ? d.prompt : `${d.prompt} Please answer briefly.` };
  });
  const file = join(dir, 'eval.jsonl');
  writeFileSync(file, `${items.map((x) => JSON.stringify(x)).join('\n')}\n`);
  return file;
}

function writeConfig(dir: string, evalSet: string, systems: Record<string, unknown>[]): string {
  const file = join(dir, 'ftrag.yaml');
  writeFileSync(
    file,
    stringify({
      name: 'batch-test',
      endpoint: 'emulator',
      seed: 7,
      evalSet,
      systems,
      inference: { maxTokens: 128, temperature: 0 },
      metrics: ['exact', 'f1'],
      emulator: { latencyProfile: 'none', dataDir: join(dir, 'emulator') },
    }),
  );
  return file;
}

async function codeOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
    return { code: 0, message: '' };
  } catch (err) {
    return { code: exitCodeOf(err), message: (err as Error).message };
  }
}

describe('execution: batch, end to end on the emulator', () => {
  let dir: string;
  let evalSet: string;
  beforeAll(() => {
    dir = tempDir('ftrag-batch-');
    evalSet = writeEvalSet(dir, 120);
  });

  it('runs 120 items as one batch job: same answers as on demand, scored, journaled, priced at batch prices', async () => {
    const config = writeConfig(dir, evalSet, [
      { id: 'online', kind: 'base', modelId: 'amazon.nova-micro-v1:0' },
      { id: 'offline', kind: 'base', modelId: 'amazon.nova-micro-v1:0', execution: 'batch' },
    ]);
    const log: string[] = [];
    const out = join(dir, 'run');
    const run = await runExperiment({ config, cwd: dir, out, cache: false, progress: 'none', log: (l) => log.push(l) });
    expect(run.exitCode, log.join('\n')).toBe(0);
    expect(log.join('\n')).toMatch(/batch: offline: 120 records in 1 file\(s\), job arn:aws:bedrock:[^ ]+:model-invocation-job\//);
    expect(log.join('\n')).toMatch(/batch: offline: Completed, 120 ok \/ 0 failed of 120/);

    const result = await loadRun(run.runJsonPath);
    const online = result.systems.find((s) => s.id === 'online')!;
    const offline = result.systems.find((s) => s.id === 'offline')!;
    expect(offline).toMatchObject({ items: 120, errors: 0 });
    expect(offline.metrics.f1.mean).toBeCloseTo(online.metrics.f1.mean, 10);
    expect(offline.tokens.estimated).toBe(false);
    expect(offline.tokens.input.total).toBe(online.tokens.input.total);
    for (const item of result.items) {
      expect(item.results.offline.output).toBe(item.results.online.output);
    }
    // Batch lines are priced at the batch rates, on-demand lines at the on-demand rates, and batch is cheaper.
    expect(offline.cost!.lines.map((l) => l.item)).toEqual(expect.arrayContaining(['batch input tokens', 'batch output tokens']));
    expect(online.cost!.lines.map((l) => l.item)).not.toContain('batch input tokens');
    expect(offline.cost!.per1kQueriesUsd).toBeLessThan(online.cost!.per1kQueriesUsd);

    // Same journal, with the amortized latency labelled as such.
    const journal = readFileSync(join(out, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const batchRecords = journal.filter((r) => r.systemId === 'offline');
    expect(batchRecords).toHaveLength(120);
    expect(batchRecords.every((r) => r.ok && r.response.latencyBasis === 'batch-job-wall-time-per-record')).toBe(true);
    expect(journal.filter((r) => r.systemId === 'online').every((r) => r.response.latencyBasis === undefined)).toBe(true);
    const mapping = JSON.parse(readFileSync(join(out, 'batch-offline.record-ids.json'), 'utf8'));
    expect(Object.keys(mapping)).toHaveLength(120);
  });

  it('refuses fewer than 100 records with exit 2 and points to on-demand', async () => {
    const config = writeConfig(dir, evalSet, [{ id: 'offline', kind: 'base', modelId: 'amazon.nova-micro-v1:0', execution: 'batch' }]);
    const r = await codeOf(runExperiment({ config, cwd: dir, out: join(dir, 'small'), limit: 99, cache: false, progress: 'none', log: () => {} }));
    expect(r.code).toBe(2);
    expect(r.message).toMatch(/at least 100 records.*execution: on-demand/);
  });

  it('refuses a Knowledge Base system with execution: batch (exit 2)', async () => {
    const config = writeConfig(dir, evalSet, [
      { id: 'rag', kind: 'rag', modelId: 'amazon.nova-micro-v1:0', execution: 'batch', knowledgeBase: { documents: join(DEMO, 'kb') } },
    ]);
    const r = await codeOf(runExperiment({ config, cwd: dir, out: join(dir, 'rag'), cache: false, progress: 'none', log: () => {} }));
    expect(r.code).toBe(2);
    expect(r.message).toMatch(/Knowledge Base.*execution: on-demand/);
  });
});
