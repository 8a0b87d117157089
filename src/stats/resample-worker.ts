/**
 * Worker-thread entry for the bootstrap (see ./resample-pool.ts): receives groups and one range of resamples per
 * group, answers with the statistic values of that range. Pure computation; no I/O.
 */
import { parentPort } from 'node:worker_threads';
import { resampleRange, type ResampleGroup } from './resample.js';

export interface ResampleTask {
  groups: ResampleGroup[];
  ranges: [number, number][];
}

parentPort?.on('message', (task: ResampleTask) => {
  try {
    const results = task.groups.map((g, i) => resampleRange(g, task.ranges[i][0], task.ranges[i][1]));
    parentPort!.postMessage({ ok: true, results }, results.flat().map((a) => a.buffer as ArrayBuffer));
  } catch (err) {
    parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
