import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectItems, itemStreamOf, readRun, readRunItems, readRunResult, runItems } from '../../src/index.js';
import { writeItemsFile } from '../../src/schema/items.js';
import { buildRunResult } from '../fixtures/run-results/build-run-result.js';
import { writeRunDir, writeV1RunFile } from '../fixtures/run-results/in-memory.js';

const root = mkdtempSync(join(tmpdir(), 'ftrag-sidecar-'));
let n = 0;
const freshDir = () => mkdtempSync(join(root, `run${n++}-`));

async function failure(p: Promise<unknown>): Promise<Error & { exitCode?: number; location?: { file?: string; line?: number; field?: string } }> {
  return p.then(
    () => {
      throw new Error('expected the pass to fail');
    },
    (err: Error) => err,
  );
}

/** A saved run whose items.jsonl the test then edits. */
async function savedRun(): Promise<{ dir: string; runJson: string; itemsFile: string; lines: string[] }> {
  const dir = freshDir();
  const runJson = await writeRunDir(dir, buildRunResult({ items: 12 }));
  const itemsFile = join(dir, 'items.jsonl');
  return { dir, runJson, itemsFile, lines: readFileSync(itemsFile, 'utf8').split('\n').filter(Boolean) };
}

describe('items.jsonl: the per-item sidecar of a v2 run.json', () => {
  it('is written beside run.json, which names it with its count and sha256 and holds no item', async () => {
    const run = buildRunResult({ items: 30 });
    const dir = freshDir();
    const runJson = await writeRunDir(dir, run);
    const doc = JSON.parse(readFileSync(runJson, 'utf8'));
    expect(doc.schemaVersion).toBe(2);
    expect(doc.items).toEqual({ path: 'items.jsonl', count: 30, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const lines = readFileSync(join(dir, 'items.jsonl'), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l).id)).toEqual(run.items.map((i) => i.id));
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('reads back item by item, in order, the same on every pass, from the folder or its run.json', async () => {
    const run = buildRunResult({ items: 25 });
    const dir = freshDir();
    const runJson = await writeRunDir(dir, run);
    const stream = await readRunItems(dir);
    expect(await collectItems(stream)).toEqual(run.items);
    expect(await collectItems(stream)).toEqual(run.items);
    expect(await collectItems(runItems(runJson))).toEqual(run.items);
    const { run: summary, items } = await readRun(runJson);
    expect(summary.runId).toBe(run.runId);
    expect(await collectItems(items)).toEqual(run.items);
  });

  it('a v1 run.json (items inline) migrates in memory: same items, and the reference a v2 writer would record', async () => {
    const run = buildRunResult({ items: 20 });
    const v1 = await writeV1RunFile(join(freshDir(), 'run.json'), run);
    const v2Dir = freshDir();
    const v2 = JSON.parse(readFileSync(await writeRunDir(v2Dir, run), 'utf8'));
    const migrated = await readRunResult(v1);
    expect(migrated.schemaVersion).toBe(2);
    expect(migrated.items).toEqual(v2.items);
    expect(await collectItems(runItems(v1))).toEqual(run.items);
  });

  it('a bad line fails the pass with exit 2, naming the file, the line and the field', async () => {
    const broken = await savedRun();
    writeFileSync(broken.itemsFile, [...broken.lines.slice(0, 2), '{"id": "q", "prompt"', ...broken.lines.slice(3)].join('\n') + '\n');
    const json = await failure(collectItems(runItems(broken.runJson)));
    expect(json.exitCode).toBe(2);
    expect(json.location).toMatchObject({ file: broken.itemsFile, line: 3 });
    expect(json.message).toMatch(/line 3.*not valid JSON/);

    const wrongType = await savedRun();
    const item = JSON.parse(wrongType.lines[4]);
    item.references = 'not a list';
    writeFileSync(wrongType.itemsFile, [...wrongType.lines.slice(0, 4), JSON.stringify(item), ...wrongType.lines.slice(5)].join('\n') + '\n');
    const typed = await failure(collectItems(runItems(wrongType.runJson)));
    expect(typed.exitCode).toBe(2);
    expect(typed.location).toMatchObject({ file: wrongType.itemsFile, line: 5, field: 'references' });
  });

  it('is checked item by item as it is written: an invalid item is refused with exit 2 naming the file, its line and field, and nothing is left behind', async () => {
    const { lines } = await savedRun();
    const items = lines.map((l) => JSON.parse(l));
    items[6].results[Object.keys(items[6].results)[0]].retries = 1.5;
    const dir = freshDir();
    const err = await failure(writeItemsFile(dir, itemStreamOf(items)));
    expect(err.exitCode).toBe(2);
    expect(err.location).toMatchObject({ file: join(dir, 'items.jsonl'), line: 7 });
    expect(err.location?.field).toMatch(/^results\..+\.retries$/);
    expect(readdirSync(dir)).toEqual([]);
    // The valid items are written byte for byte as given.
    const ok = freshDir();
    await writeItemsFile(ok, itemStreamOf(lines.map((l) => JSON.parse(l))));
    expect(readFileSync(join(ok, 'items.jsonl'), 'utf8')).toBe(lines.join('\n') + '\n');
  });

  it('a truncated or edited file fails at the end of the pass (count, then sha256); a missing one names items.path', async () => {
    const truncated = await savedRun();
    writeFileSync(truncated.itemsFile, truncated.lines.slice(0, -1).join('\n') + '\n');
    const short = await failure(collectItems(runItems(truncated.runJson)));
    expect(short.exitCode).toBe(2);
    expect(short.location).toMatchObject({ file: truncated.itemsFile, field: 'items.count' });
    expect(short.message).toMatch(/holds 11 items, .*says 12/);

    const edited = await savedRun();
    const item = JSON.parse(edited.lines[0]);
    item.prompt = `${item.prompt} (edited)`;
    writeFileSync(edited.itemsFile, [JSON.stringify(item), ...edited.lines.slice(1)].join('\n') + '\n');
    const changed = await failure(collectItems(runItems(edited.runJson)));
    expect(changed.location).toMatchObject({ file: edited.itemsFile, field: 'items.sha256' });

    const missing = await savedRun();
    writeFileSync(missing.itemsFile, '');
    const doc = JSON.parse(readFileSync(missing.runJson, 'utf8'));
    writeFileSync(missing.runJson, JSON.stringify({ ...doc, items: { ...doc.items, path: 'gone.jsonl' } }));
    const absent = await failure(collectItems(runItems(missing.runJson)));
    expect(absent.exitCode).toBe(2);
    expect(absent.location).toMatchObject({ file: join(missing.dir, 'gone.jsonl'), field: 'items.path' });
  });

  it('refuses an items reference that leaves the run folder, an unknown key, or a newer schemaVersion', async () => {
    const s = await savedRun();
    const doc = JSON.parse(readFileSync(s.runJson, 'utf8'));
    for (const [items, field] of [
      [{ ...doc.items, path: '../other/items.jsonl' }, 'items.path'],
      [{ ...doc.items, lines: 12 }, 'items'],
    ] as const) {
      writeFileSync(s.runJson, JSON.stringify({ ...doc, items }));
      const err = await failure(readRunResult(s.runJson));
      expect(err.exitCode).toBe(2);
      expect(err.location).toMatchObject({ file: s.runJson, field });
    }
    writeFileSync(s.runJson, JSON.stringify({ ...doc, schemaVersion: 3 }));
    expect((await failure(collectItems(runItems(s.runJson)))).message).toMatch(/schemaVersion 3 is newer/);
  });
});
