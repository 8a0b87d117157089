import { itemStreamOf, type RunWithItems } from '../../src/schema/items.js';
import type { RunResult } from '../../src/schema/run-result.js';

/** A run built in memory, with its items as the stream the gate reads. */
export function saved(run: RunResult): RunWithItems {
  return { run, items: itemStreamOf(run.items) };
}
