/**
 * How far the CLI lets V8's old space grow past what survived the last full collection before it collects again.
 * Left to itself, V8 picks a factor of up to 4 for a heap that allocates fast, so a run's RSS rides about 100-200 MB
 * above its live data: at 10k items x 4 systems the call phase keeps about 60 MB live but peaks near 280 MB RSS.
 * Capping growth at 1.5x the live size took a whole 10k x 4 run's peak from 265 to 184 MiB for about 5% more CPU
 * (medians of 4 alternated pairs under farm-bench), and 100k x 4 from 561 to 401 MB; 20% saved only 10 MB more
 * and slowed the calls by 10-30% (one run each; bench/scale-run.bench.ts; the commands are in the README's
 * Performance section).
 *
 * Only the CLI's own process takes this (bin/ftrag.js calls capHeapGrowth, which also turns on phaseCollector): a
 * program that imports the library keeps its own GC policy. A `--heap-growing-percent` the user passed to node wins.
 */
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

let cliProcess = false;

/** Sets the flag unless node was started with one; returns the percent in effect (undefined: the user's own). */
export function capHeapGrowth(execArgv: readonly string[] = process.execArgv): number | undefined {
  cliProcess = true;
  if (execArgv.some((a) => /^--heap[-_]growing[-_]percent\b/.test(a))) return undefined;
  // V8 reads the factor at each full collection, so setting it after start-up takes effect from the next one.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return HEAP_GROWING_PERCENT;
}

/**
 * For runExperiment's `betweenPhases`, in the CLI's own process only: a full collection as a run moves from its calls
 * to their scoring, to its statistics and to its reports, and between the HTML report's passes over the items. Each
 * phase leaves mostly garbage (the calls' responses, the scores' planning), which V8 would otherwise carry into the
 * next phase as resident memory, and V8's young
 * generation, grown to 32 MB during the calls, is shrunk by this kind of collection only (the inspector's
 * HeapProfiler.collectGarbage, a memory-reducing one). At 100k items x 4 systems (a resumed journal) the RSS fell
 * 197 -> 117 MB before the statistics and 194 -> 97 MB before the reports, in 58 and 47 ms; at 10k x 1 the run's CPU
 * did not change (farm-bench, 6 alternated pairs: 0.98). Without the inspector (a node built without it) nothing
 * happens.
 */
export function phaseCollector(): (() => Promise<void>) | undefined {
  return cliProcess ? collectGarbage : undefined;
}

async function collectGarbage(): Promise<void> {
  try {
    const { Session } = await import('node:inspector');
    const session = new Session();
    session.connect();
    try {
      await new Promise<void>((resolve, reject) => session.post('HeapProfiler.collectGarbage', (err) => (err ? reject(err) : resolve())));
    } finally {
      session.disconnect();
    }
  } catch {
    // The collection only returns memory sooner; a run never depends on it.
  }
}
