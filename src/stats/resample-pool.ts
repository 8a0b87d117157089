/**
 * Runs resample groups across worker threads when the work is large. Each worker computes a contiguous range of
 * every group's resamples (the main thread takes the first range itself); because any range reproduces exactly the
 * draws of one sequential pass (./resample.ts), the result is identical for any number of workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { groupWork, resampleRange, type ResampleGroup } from './resample.js';
import type { ResampleTask } from './resample-worker.js';

/** Below this many column-draws (about 0.3 s on one core) a thread's start-up costs more than it saves. */
export const PARALLEL_WORK_THRESHOLD = 2e8;

export interface ParallelOptions {
  /**
   * Threads to use, counting the calling thread. Default: FTRAG_STATS_WORKERS when set, else the machine's
   * available parallelism (at most 8) when the work is above PARALLEL_WORK_THRESHOLD, else 1.
   */
  threads?: number;
}

export function threadsFor(groups: readonly ResampleGroup[], options: ParallelOptions = {}): number {
  if (options.threads !== undefined) return Math.max(1, Math.floor(options.threads));
  const fromEnv = Number(process.env.FTRAG_STATS_WORKERS);
  if (process.env.FTRAG_STATS_WORKERS && Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  const work = groups.reduce((s, g) => s + groupWork(g), 0);
  return work >= PARALLEL_WORK_THRESHOLD ? Math.min(8, availableParallelism()) : 1;
}

/** Statistic values of every group's columns: result[g][c][r]. */
export function resampleAllSync(groups: readonly ResampleGroup[]): Float64Array[][] {
  return groups.map((g) => resampleRange(g, 0, g.resamples));
}

function split(resamples: number, parts: number, part: number): [number, number] {
  return [Math.floor((resamples * part) / parts), Math.floor((resamples * (part + 1)) / parts)];
}

function startWorker(): Worker {
  // Built, the entry is resample-worker.js; run from source (tests, tsx) it is the .ts file, loaded after
  // registering tsx's loader in the new thread (a worker does not inherit the parent's loader hooks).
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './resample-worker.ts' : './resample-worker.js', import.meta.url);
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry.href)}))`, { eval: true })
    : new Worker(entry);
}

function runOnWorker(task: ResampleTask): Promise<Float64Array[][]> {
  const worker = startWorker();
  return new Promise<Float64Array[][]>((resolve, reject) => {
    worker.once('message', (reply: { ok: true; results: Float64Array[][] } | { ok: false; message: string }) => {
      void worker.terminate();
      if (reply.ok) resolve(reply.results);
      else reject(new Error(`bootstrap worker failed: ${reply.message}`));
    });
    worker.once('error', (err) => reject(err));
    worker.postMessage(task);
  });
}

export async function resampleAll(groups: readonly ResampleGroup[], options: ParallelOptions = {}): Promise<Float64Array[][]> {
  const threads = threadsFor(groups, options);
  if (threads <= 1 || groups.length === 0) return resampleAllSync(groups);
  const tasks: ResampleTask[] = Array.from({ length: threads }, (_, t) => ({
    groups: [...groups],
    ranges: groups.map((g) => split(g.resamples, threads, t)),
  }));
  const pending = tasks.slice(1).map(runOnWorker);
  // Posted first, so the workers start while this thread computes its own share.
  const own = groups.map((g, i) => resampleRange(g, tasks[0].ranges[i][0], tasks[0].ranges[i][1]));
  const parts = [own, ...(await Promise.all(pending))];
  return groups.map((g, gi) =>
    g.columns.map((_, ci) => {
      const joined = new Float64Array(g.resamples);
      tasks.forEach((task, t) => joined.set(parts[t][gi][ci], task.ranges[gi][0]));
      return joined;
    }),
  );
}
