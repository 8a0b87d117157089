/**
 * How far the CLI lets V8's old space grow past what survived the last full collection before it collects again.
 * Left to itself, V8 picks a factor of up to 4 for a heap that allocates fast, so a run's RSS rides about 100-200 MB
 * above its live data: at 10k items x 4 systems the call phase keeps about 60 MB live but peaks near 280 MB RSS.
 * Capping growth at 1.5x the live size took a whole 10k x 4 run's peak from 265 to 184 MiB for about 5% more CPU
 * (medians of 4 alternated pairs under farm-bench), and 100k x 4 from 561 to 401 MB; 20% saved only 10 MB more
 * and slowed the calls by 10-30% (one run each; bench/scale-run.bench.ts; the commands are in the README's
 * Performance section).
 *
 * Only the CLI's own process takes this (bin/ftrag.js): a program that imports the library keeps its own GC policy.
 * A `--heap-growing-percent` the user passed to node wins.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/** Sets the flag unless node was started with one; returns the percent in effect (undefined: the user's own). */
export function capHeapGrowth(execArgv: readonly string[] = process.execArgv): number | undefined {
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return undefined;
  // V8 reads the factor at each full collection, so setting it after start-up takes effect from the next one.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}
