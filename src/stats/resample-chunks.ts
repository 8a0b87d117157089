/**
 * The chunk queue shared by the main thread and the bootstrap workers (./resample-pool.ts): each thread claims the
 * next chunk with an atomic increment of one shared counter until none is left.
 */
import { PrepareBuffers, prepareGroup, resampleRange, type PreparedGroup, type ResampleGroup } from './resample.js';

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
  // The chunks are listed group by group and claimed in ascending order, so a thread meets each group in one run of
  // chunks: its prepared columns are built once per thread, in buffers the thread's next group reuses.
  const buffers = new PrepareBuffers();
  let prepared: { group: number; prepared: PreparedGroup } | undefined;
  for (let chunk = Atomics.add(task.next, 0, 1); chunk < task.chunks.length; chunk = Atomics.add(task.next, 0, 1)) {
    const { group, from, to } = task.chunks[chunk];
    if (prepared?.group !== group) prepared = { group, prepared: prepareGroup(task.groups[group], buffers) };
    results.push({ chunk, values: resampleRange(task.groups[group], from, to, prepared.prepared) });
  }
  return results;
}
