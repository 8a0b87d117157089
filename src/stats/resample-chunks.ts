/**
 * The chunk queue shared by the main thread and the bootstrap workers (./resample-pool.ts): each thread claims the
 * next chunk with an atomic increment of one shared counter until none is left.
 */
import { resampleRange, type ResampleGroup } from './resample.js';

/** Resamples [from, to) of groups[group]. */
export interface ResampleChunk {
  group: number;
  from: number;
  to: number;
}

export interface ResampleTask {
  groups: ResampleGroup[];
  chunks: ResampleChunk[];
  /** One Int32 over a SharedArrayBuffer: the index of the next unclaimed chunk. */
  next: Int32Array;
}

export interface ChunkResult {
  chunk: number;
  /** The statistic values of each of the group's columns for the chunk's resamples. */
  values: Float64Array[];
}

export function claimChunks(task: ResampleTask): ChunkResult[] {
  const results: ChunkResult[] = [];
  for (let chunk = Atomics.add(task.next, 0, 1); chunk < task.chunks.length; chunk = Atomics.add(task.next, 0, 1)) {
    const { group, from, to } = task.chunks[chunk];
    results.push({ chunk, values: resampleRange(task.groups[group], from, to) });
  }
  return results;
}
