import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { itemStreamOf, renderHtml, writeReports } from '../../src/report/index.js';
import { loadRun } from '../fixtures/run-results/in-memory.js';
import { buildRunResult } from '../fixtures/run-results/build-run-result.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ftrag-report-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; stderr: string; stdout: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  try {
    return { value: await fn(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

describe('writeReports', () => {
  it('writes items.jsonl, run.json and the three reports, with no temporary files left', async () => {
    const run = buildRunResult();
    const out = join(dir, 'run1');
    const paths = await writeReports(run, itemStreamOf(run.items), out);
    expect((await readdir(out)).sort()).toEqual(['items.jsonl', 'junit.xml', 'report.html', 'report.md', 'run.json']);
    expect(await loadRun(paths.runJson)).toEqual(run);
    expect(await readFile(paths.html, 'utf8')).toBe(await renderHtml(run, itemStreamOf(run.items)));
  });
});

describe('ftrag report', () => {
  it('re-renders the reports next to run.json, or into --out', async () => {
    const run = buildRunResult();
    const src = join(dir, 'saved');
    const { runJson } = await writeReports(run, itemStreamOf(run.items), src, { prettyJson: false });
    await rm(join(src, 'report.html'));
    const next = await quiet(() => main(['report', runJson]));
    expect(next.value).toBe(0);
    expect(await readFile(join(src, 'report.html'), 'utf8')).toBe(await renderHtml(run, itemStreamOf(run.items)));
    const other = join(dir, 'elsewhere');
    const into = await quiet(() => main(['report', runJson, '--out', other]));
    expect(into.value).toBe(0);
    expect((await readdir(other)).sort()).toEqual(['junit.xml', 'report.html', 'report.md']);
  });

  it('exits 2 on a missing file, invalid JSON, an invalid run or a newer schema version', async () => {
    const missing = await quiet(() => main(['report', join(dir, 'nope.json')]));
    expect(missing.value).toBe(2);
    expect(missing.stderr).toContain('nope.json');
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ not json');
    expect((await quiet(() => main(['report', bad]))).value).toBe(2);
    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify({ ...buildRunResult(), systems: 'x' }));
    const inv = await quiet(() => main(['report', invalid]));
    expect(inv.value).toBe(2);
    expect(inv.stderr).toContain('systems');
    const newer = join(dir, 'newer.json');
    await writeFile(newer, JSON.stringify({ ...buildRunResult(), schemaVersion: 2 }));
    const nv = await quiet(() => main(['report', newer]));
    expect(nv.value).toBe(2);
    expect(nv.stderr).toContain('newer');
    expect((await quiet(() => main(['report']))).value).toBe(2);
  });
});
