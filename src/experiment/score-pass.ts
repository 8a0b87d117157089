/**
 * Scoring a finished run in one pass over the set: each pair's final record is read back from the journal (by the
 * position the runner kept), scored, and then kept only as figures in RunScores, while the item's full line goes to a
 * spill file beside the run. Memory stays that of the arrays and one item, whatever the size of the run; the spill is
 * read back as the run's ItemStream (items.jsonl, the reports) and removed once the reports are written.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EvalItem, ItemList } from '../datasets/types.js';
import type { JournalIndex } from '../runner/journal-index.js';
import type { JournalRecord } from '../runner/journal.js';
import type { ItemStream } from '../schema/items.js';
import { itemLine } from '../schema/read.js';
import type { ItemResult } from '../schema/run-result.js';
import { RunScores } from './run-scores.js';
import { itemResultOf, type ScoredRecord } from './summarize.js';

export interface ScoredRun {
  scores: RunScores;
  /** The per-item results in the set's order, read from the spill file on each pass. */
  items: ItemStream;
  /** Removes the spill file (after the reports are written). */
  discard(): Promise<void>;
}

/**
 * Scores every pair the index holds, items in the set's order and each item's systems in the index's order (the
 * order calls finished in does not matter). `score` turns one record into its scores and reasons.
 */
export async function scoreRun(
  index: JournalIndex,
  items: ItemList,
  metricNames: readonly string[],
  score: (item: EvalItem, record: JournalRecord) => Promise<ScoredRecord>,
  dir: string,
): Promise<ScoredRun> {
  const scores = new RunScores(items.length, index.systemIds, metricNames);
  // A temporary name a later write of the folder removes if this process dies (report/write.ts removeStaleTempFiles).
  const spill = join(dir, `items.scored.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // Opened before the first write so the file exists when a failure removes it: a stream opened lazily could
  // create it after the rm below and leave it behind.
  const out = (await open(spill, 'w')).createWriteStream();
  const journal = index.open();
  try {
    for (let i = 0; i < items.length; i++) {
      const item = items.at(i)!;
      // Every item gets its line, with no results when none of its pairs finished.
      const row: (ScoredRecord | undefined)[] = [];
      for (let s = 0; s < index.systemIds.length; s++) {
        const record = journal.read(s, i);
        if (!record) continue;
        const scored = await score(item, record);
        scores.set(s, i, scored);
        row[s] = scored;
      }
      if (!out.write(itemLine(itemResultOf(item, index.systemIds, row)))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (err) {
    out.destroy();
    await rm(spill, { force: true });
    throw err;
  } finally {
    journal.close();
  }
  return { scores, items: () => readSpill(spill), discard: () => rm(spill, { force: true }) };
}

/** The spill's lines as ItemResults: written by this process a moment ago, so they are trusted (items.jsonl checks). */
async function* readSpill(file: string): AsyncGenerator<ItemResult> {
  const input = createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield JSON.parse(line) as ItemResult;
  } finally {
    lines.close();
    input.destroy();
  }
}
