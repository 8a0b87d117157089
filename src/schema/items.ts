/**
 * Per-item results are read through one re-iterable source, so no reader needs every item of a run in memory:
 * `ItemStream` is a function that starts a fresh pass over the items each time it is called (the cross-lane contract
 * in docs/api.md). `itemStreamOf` wraps items already in memory; `runItems` reads a saved run.
 */
import { readRunResult } from './read.js';
import type { ItemResult, RunResult } from './run-result.js';

/** A re-iterable source of a run's per-item results: each call starts a fresh pass, in the run's item order. */
export type ItemStream = () => AsyncIterable<ItemResult>;

/** A run's summary with its per-item results: what readers that need both (gate, export, import) take. */
export interface RunWithItems {
  run: RunResult;
  items: ItemStream;
}

/** An ItemStream over items already in memory (tests, small programs, a run assembled in this process). */
export function itemStreamOf(items: readonly ItemResult[]): ItemStream {
  return async function* itemsInMemory() {
    yield* items;
  };
}

/**
 * An ItemStream over a saved run's items. Each pass reads the file again, so the run is never held between passes;
 * a bad file fails the pass with an InputError naming it.
 */
export function runItems(runFile: string): ItemStream {
  return async function* itemsOfRunFile() {
    const run = await readRunResult(runFile);
    yield* run.items;
  };
}

/** A saved run with its items: the summary read once, the items a stream. */
export async function readRun(runFile: string): Promise<RunWithItems> {
  const run = await readRunResult(runFile);
  return { run, items: itemStreamOf(run.items) };
}

/** Collects a stream into an array: for callers that truly need every item at once (small runs, tests). */
export async function collectItems(items: ItemStream): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  for await (const item of items()) out.push(item);
  return out;
}
