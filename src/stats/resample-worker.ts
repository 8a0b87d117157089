/**
 * Worker-thread entry for the bootstrap (see ./resample-pool.ts): receives the groups and the shared chunk queue,
 * claims chunks until none is left, answers with their statistic values. Pure computation; no I/O.
 */
import { parentPort } from 'node:worker_threads';
import { claimChunks, type ResampleTask } from './resample-chunks.js';

parentPort?.on('message', (task: ResampleTask) => {
  try {
    const results = claimChunks(task);
    parentPort!.postMessage({ ok: true, results }, results.flatMap((r) => r.values.map((a) => a.buffer as ArrayBuffer)));
  } catch (err) {
    parentPort!.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
