/**
 * Per-item results are read through one re-iterable source, so no reader needs every item of a run in memory:
 * `ItemStream` is a function that starts a fresh pass over the items each time it is called (the cross-lane contract
 * in docs/api.md). `itemStreamOf` wraps items already in memory; `runItems` / `readRunItems` read a saved run's
 * sidecar (items.jsonl) line by line; `writeItemsFile` writes one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { InputError } from './errors.js';
import { itemLine, readRunFile, type ParsedRun } from './read.js';
import { ITEMS_FILE, ItemResult, type ItemsRef, type RunSummary } from './run-result.js';

/** A re-iterable source of a run's per-item results: each call starts a fresh pass, in the run's item order. */
export type ItemStream = () => AsyncIterable<ItemResult>;

/** A run's summary with its per-item results: what readers that need both (gate, export, import) take. */
export interface RunWithItems {
  run: RunSummary;
  items: ItemStream;
}

/** An ItemStream over items already in memory (tests, small programs, a run assembled in this process). */
export function itemStreamOf(items: readonly ItemResult[]): ItemStream {
  return async function* itemsInMemory() {
    yield* items;
  };
}

/**
 * One pass over a sidecar: each line validated as it is read (a bad one names file, line and field); the count and
 * sha256 run.json recorded are checked when the pass reaches the end, so a truncated or edited file fails the pass.
 */
async function* readSidecar(file: string, ref: ItemsRef, runFile: string): AsyncGenerator<ItemResult> {
  try {
    await stat(file);
  } catch (err) {
    throw new InputError(`cannot read the per-item results ${runFile} names: ${(err as Error).message}`, { file, field: 'items.path' });
  }
  const input = createReadStream(file);
  const hash = createHash('sha256');
  input.on('data', (chunk) => hash.update(chunk));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new InputError(`not valid JSON: ${(err as Error).message}`, { file, line });
      }
      yield checkedItem(doc, file, line, 'invalid item');
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (line !== ref.count) throw new InputError(`holds ${line} items, ${runFile} says ${ref.count}: the file is incomplete or not this run's`, { file, field: 'items.count' });
  const sha = hash.digest('hex');
  if (sha !== ref.sha256) throw new InputError(`sha256 ${sha} differs from ${runFile}'s items.sha256 ${ref.sha256}: the file changed after the run was written`, { file, field: 'items.sha256' });
}

/** The item when it is a valid ItemResult, else an InputError naming the file, line and first bad field. */
function checkedItem(doc: unknown, file: string, line: number, what: string): ItemResult {
  const parsed = ItemResult.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${what}: ${issue.message}`, { file, line, field: issue.path.join('.') || undefined });
  }
  return parsed.data;
}

function streamOf(parsed: ParsedRun, runFile: string): ItemStream {
  if (parsed.inlineItems) return itemStreamOf(parsed.inlineItems);
  const file = join(dirname(runFile), parsed.run.items.path);
  return () => readSidecar(file, parsed.run.items, runFile);
}

/**
 * An ItemStream over a saved run's items. Each pass reads run.json (small) and then its sidecar line by line, so the
 * run is never held between passes; a bad file fails the pass with an InputError naming it. A v1 run.json (items
 * inline) is migrated on each pass.
 */
export function runItems(runFile: string): ItemStream {
  return async function* itemsOfRunFile() {
    yield* streamOf(await readRunFile(runFile), runFile)();
  };
}

/** The run.json of a run folder, or the path itself when it is not a folder (a run.json, or a path to report missing). */
export async function runFileOf(runDirOrFile: string): Promise<string> {
  const isDir = await stat(runDirOrFile).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDir ? join(runDirOrFile, 'run.json') : runDirOrFile;
}

/** runItems for a run folder or its run.json. */
export async function readRunItems(runDirOrFile: string): Promise<ItemStream> {
  return runItems(await runFileOf(runDirOrFile));
}

/** A saved run with its items: the summary read once, the items a stream over its sidecar. */
export async function readRun(runFile: string): Promise<RunWithItems> {
  const parsed = await readRunFile(runFile);
  return { run: parsed.run, items: streamOf(parsed, runFile) };
}

/**
 * Writes a run's sidecar into dir from one pass over `items`: to a temporary name first, renamed when complete, so a
 * crash never leaves half a file under the name run.json refers to. Each item is checked against the schema as it
 * goes (about 7-20 us an item of 4 systems), so a run never writes a file its readers would refuse. Returns the
 * reference run.json records.
 */
export async function writeItemsFile(dir: string, items: ItemStream): Promise<ItemsRef> {
  const final = join(dir, ITEMS_FILE);
  const tmp = `${final}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  // Opened before the first write so the file exists when a failure removes it: a stream opened lazily could
  // create it after the rm below and leave it behind.
  const out = (await open(tmp, 'w')).createWriteStream();
  const hash = createHash('sha256');
  let count = 0;
  try {
    for await (const item of items()) {
      // Checked, but written as given: the schema drops keys it does not know, and the line must be the item's own.
      checkedItem(item, final, count + 1, 'item would be written invalid');
      const line = itemLine(item);
      hash.update(line);
      count++;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await rename(tmp, final);
  } catch (err) {
    out.destroy();
    await rm(tmp, { force: true });
    throw err;
  }
  return { path: ITEMS_FILE, count, sha256: hash.digest('hex') };
}

/** Collects a stream into an array: for callers that truly need every item at once (small runs, tests). */
export async function collectItems(items: ItemStream): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  for await (const item of items()) out.push(item);
  return out;
}
