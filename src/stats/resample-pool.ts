/**
 * Runs resample groups across worker threads when the work is large. The resamples are cut into chunks that the
 * main thread and the workers claim one at a time from a shared counter, so each thread does as much as its speed
 * allows; because any range reproduces exactly the draws of one sequential pass (./resample.ts), the result is
 * identical for any number of workers and any order of claiming.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { groupWork, resampleRange, type ResampleGroup } from './resample.js';
import { claimChunks, type ChunkResult, type ResampleChunk, type ResampleTask } from './resample-chunks.js';

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

function startWorker(): Worker {
  // Built, the entry is resample-worker.js; run from source (tests, tsx) it is the .ts file, loaded after
  // registering tsx's loader in the new thread (a worker does not inherit the parent's loader hooks).
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './resample-worker.ts' : './resample-worker.js', import.meta.url);
  return fromSource
    ? new Worker(`import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry.href)}))`, { eval: true, resourceLimits: WORKER_LIMITS })
    : new Worker(entry, { resourceLimits: WORKER_LIMITS });
}

/**
 * A bootstrap thread's JS heap holds little (its data are typed arrays and shared columns), so a small young
 * generation is enough: the default lets each thread reserve tens of MB of semi-space that the process's RSS carries
 * (stats-memory 100k x 4, two threads, one run each: peak about 289 -> 278 MB, the same time).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/**
 * The work cut into chunks of contiguous resamples of one group, about CHUNKS_PER_THREAD per thread, so that the
 * thread that runs faster (the main one does not wait for a worker's start-up and module load) takes more of them:
 * an even split left the main thread idle for about 0.9 s of a 2 s bootstrap while the worker finished its half.
 */
const CHUNKS_PER_THREAD = 12;

function chunksOf(groups: readonly ResampleGroup[], threads: number): ResampleChunk[] {
  const total = groups.reduce((s, g) => s + groupWork(g), 0);
  const target = Math.max(1, total / (threads * CHUNKS_PER_THREAD));
  const chunks: ResampleChunk[] = [];
  groups.forEach((g, group) => {
    const perResample = groupWork(g) / Math.max(1, g.resamples);
    // A group with nothing to draw is one chunk: it only fills constants.
    const size = perResample === 0 ? g.resamples : Math.max(1, Math.round(target / perResample));
    for (let from = 0; from < g.resamples; from += size) chunks.push({ group, from, to: Math.min(g.resamples, from + size) });
  });
  return chunks;
}

function runOnWorker(task: ResampleTask): Promise<ChunkResult[]> {
  const worker = startWorker();
  return new Promise<ChunkResult[]>((resolve, reject) => {
    worker.once('message', (reply: { ok: true; results: ChunkResult[] } | { ok: false; message: string }) => {
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
  const chunks = chunksOf(groups, threads);
  const next = new Int32Array(new SharedArrayBuffer(4));
  const task: ResampleTask = { groups: [...groups], chunks, next };
  const pending = Array.from({ length: threads - 1 }, () => runOnWorker(task));
  // Posted first, so the workers start while this thread takes chunks itself.
  const results = [...claimChunks(task), ...(await Promise.all(pending)).flat()];
  const joined = groups.map((g) => g.columns.map(() => new Float64Array(g.resamples)));
  for (const { chunk, values } of results) {
    const { group, from } = chunks[chunk];
    values.forEach((v, ci) => joined[group][ci].set(v, from));
  }
  return joined;
}
