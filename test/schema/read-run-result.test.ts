import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRunResult } from '../../src/schema/read.js';
import { buildRunResult, HOSTILE } from '../fixtures/run-results/build-run-result.js';
import { loadRun, writeRunDir } from '../fixtures/run-results/in-memory.js';

const dir = mkdtempSync(join(tmpdir(), 'ftrag-read-run-'));
function write(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function rejection(p: Promise<unknown>): Promise<Error & { exitCode?: number; location?: { file?: string; field?: string } }> {
  return p.then(
    () => {
      throw new Error('expected readRunResult to reject');
    },
    (err: Error) => err,
  );
}

describe('readRunResult on a full run (four systems, loss curves, costs, comparisons, hostile text)', () => {
  it('reads back exactly what was written, hostile text byte for byte', async () => {
    const run = buildRunResult();
    const read = await loadRun(await writeRunDir(mkdtempSync(join(dir, 'v2-')), run));
    expect(read).toEqual(run);
    const text = JSON.stringify(read);
    for (const h of Object.values(HOSTILE)) expect(text).toContain(JSON.stringify(h).slice(1, -1));
  });

  it('refuses a run with a wrong-typed field, exit 2, naming the file and the field path', async () => {
    const run = buildRunResult() as unknown as { systems: Record<string, unknown>[] };
    run.systems[1].items = 'forty';
    const file = write('bad-type.json', JSON.stringify({ ...run, schemaVersion: 1 }));
    const err = await rejection(readRunResult(file));
    expect(err.exitCode).toBe(2);
    expect(err.location).toMatchObject({ file, field: 'systems.1.items' });
    expect(err.message).toContain(file);
  });

  it('refuses a run missing a required field, naming it', async () => {
    const run = buildRunResult() as unknown as Record<string, unknown>;
    delete run.primaryMetric;
    const err = await rejection(readRunResult(write('missing.json', JSON.stringify({ ...run, schemaVersion: 1 }))));
    expect(err.exitCode).toBe(2);
    expect(err.location?.field).toBe('primaryMetric');
  });

  it('refuses a truncated file as not valid JSON, and a missing file as unreadable, both exit 2', async () => {
    const text = JSON.stringify(buildRunResult());
    const truncated = await rejection(readRunResult(write('truncated.json', text.slice(0, text.length / 2))));
    expect(truncated.exitCode).toBe(2);
    expect(truncated.message).toMatch(/not valid JSON/);
    const missing = await rejection(readRunResult(join(dir, 'absent.json')));
    expect(missing.exitCode).toBe(2);
    expect(missing.message).toMatch(/cannot read run\.json/);
  });
});
