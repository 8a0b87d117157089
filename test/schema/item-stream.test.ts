import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectItems, itemStreamOf, readRunResult, runItems } from '../../src/index.js';
import { buildRunResult } from '../fixtures/run-results/build-run-result.js';

const dir = mkdtempSync(join(tmpdir(), 'ftrag-item-stream-'));

describe('ItemStream (the library items API)', () => {
  it('itemStreamOf gives the same items, in order, on every pass', async () => {
    const run = buildRunResult();
    const stream = itemStreamOf(run.items);
    const first = await collectItems(stream);
    const second = await collectItems(stream);
    expect(first).toEqual(run.items);
    expect(second).toEqual(run.items);
  });

  it('runItems reads a v1 run.json (items inline) item by item, a fresh pass per call', async () => {
    const run = buildRunResult();
    const file = join(dir, 'run.json');
    writeFileSync(file, JSON.stringify({ ...run, schemaVersion: 1 }));
    const stream = runItems(file);
    const ids: string[] = [];
    for await (const item of stream()) ids.push(item.id);
    expect(ids).toEqual(run.items.map((i) => i.id));
    expect(await collectItems(stream)).toEqual(run.items);
    expect((await readRunResult(file)).items).toMatchObject({ path: 'items.jsonl', count: run.items.length });
  });

  it('a bad run file fails the pass with exit 2 naming the file', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"schemaVersion": 1');
    const err = await collectItems(runItems(file)).then(
      () => undefined,
      (e: Error & { exitCode?: number }) => e,
    );
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toContain(file);
  });
});
