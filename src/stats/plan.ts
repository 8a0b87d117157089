/**
 * A bootstrap plan collects every statistic a run needs (intervals of each system's metrics, paired differences of
 * each pair) and groups them by the items they resample. Statistics on the same items share one set of resamples
 * (common random numbers): their draws are made once, and a pair's difference is taken resample by resample from
 * the two systems' columns, which is exactly the paired bootstrap. A group's seed is derived from the run's seed
 * and the items it resamples, so adding a system, a metric or a pair never changes another group's draws.
 */
import { deriveSeed } from './rng.js';
import { resampleAll, resampleAllSync, type ParallelOptions } from './resample-pool.js';
import type { NamedStatistic, ResampleGroup } from './resample.js';

export interface ColumnRef {
  group: number;
  column: number;
}

interface PlannedGroup {
  /** The group's items (shared with the bootstrap workers as its positions). */
  indices: Int32Array;
  resamples: number;
  group: ResampleGroup;
  columnKeys: Map<string, number>;
}

function hashIndices(indices: ArrayLike<number>): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < indices.length; i++) {
    h ^= indices[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function sameIndices(a: Int32Array, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Reused buffers for the positions a caller picks for BootstrapPlan.column, which copies what it keeps. Planning a
 * run takes one such set per system, metric, pair and category: at 100k items x 4 systems fresh typed arrays for
 * each were about 100 MB of short-lived buffers outside the JS heap, and the C allocator kept most of that as
 * resident memory once they were freed (the statistics phase's RSS rose about 100 MB over 33 MB of columns).
 */
export class PlanScratch {
  private positions = new Int32Array(0);

  /** A view of `count` positions, valid until the next call. */
  take(count: number): Int32Array {
    if (count > this.positions.length) this.positions = new Int32Array(count);
    return this.positions.subarray(0, count);
  }
}

function isShared(values: ArrayLike<number | null | undefined>): values is Float64Array {
  return values instanceof Float64Array && values.buffer instanceof SharedArrayBuffer;
}

/** A copy in shared memory, NaN where the source has no number. */
function sharedColumn(values: ArrayLike<number | null | undefined>): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(values.length * Float64Array.BYTES_PER_ELEMENT));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    copy[i] = typeof v === 'number' ? v : NaN;
  }
  return copy;
}

export class BootstrapPlan {
  private readonly groups: PlannedGroup[] = [];
  private readonly byHash = new Map<string, number[]>();
  private draws: Float64Array[][] | undefined;
  /**
   * The shared copy of each source that was not already in shared memory: one per source array, however many
   * groups read it.
   */
  private readonly shared = new Map<object, Float64Array>();

  constructor(private readonly seed: number) {}

  /**
   * Requests statistic(source[i] for i in indices) over the items `indices` (positions in the caller's item list,
   * ascending; `source` aligned with that list, a value at each of them). `key` names the column (e.g.
   * "system|metric"): the same key on the same items is computed once. A Float64Array over a SharedArrayBuffer is
   * read where it is, by every thread, so the caller must not change it until the plan has run; any other source is
   * copied once into shared memory.
   */
  column(
    key: string,
    indices: ArrayLike<number>,
    source: ArrayLike<number | null | undefined>,
    statistic: NamedStatistic,
    options: { resamples: number; seed?: number },
  ): ColumnRef {
    if (this.draws) throw new Error('BootstrapPlan: columns must be added before run()');
    const group = this.groupFor(indices, options.resamples, options.seed);
    const planned = this.groups[group];
    const columnKey = `${statistic}\u0000${key}`;
    const existing = planned.columnKeys.get(columnKey);
    if (existing !== undefined) return { group, column: existing };
    const column = planned.group.columns.length;
    planned.group.columns.push({ values: this.sharedSource(source), statistic });
    planned.columnKeys.set(columnKey, column);
    return { group, column };
  }

  private sharedSource(source: ArrayLike<number | null | undefined>): Float64Array {
    if (isShared(source)) return source;
    let copy = this.shared.get(source);
    if (!copy) this.shared.set(source, (copy = sharedColumn(source)));
    return copy;
  }

  /** An explicit seed makes a group of its own (a statistic that keeps its historical random stream). */
  private groupFor(indices: ArrayLike<number>, resamples: number, explicitSeed?: number): number {
    const hash = hashIndices(indices);
    const key = `${resamples}|${indices.length}|${hash}${explicitSeed === undefined ? '' : `|seed ${explicitSeed}`}`;
    const candidates = this.byHash.get(key) ?? [];
    for (const g of candidates) if (sameIndices(this.groups[g].indices, indices)) return g;
    const g = this.groups.length;
    const positions = new Int32Array(new SharedArrayBuffer(indices.length * Int32Array.BYTES_PER_ELEMENT));
    positions.set(indices);
    this.groups.push({
      indices: positions,
      resamples,
      group: { n: indices.length, seed: explicitSeed ?? deriveSeed(this.seed, `bootstrap\u0000${key}`), resamples, columns: [], positions },
      columnKeys: new Map(),
    });
    this.byHash.set(key, [...candidates, g]);
    return g;
  }

  /** Number of resample groups (distinct item sets), for benches and tests. */
  get groupCount(): number {
    return this.groups.length;
  }

  runSync(): void {
    this.draws = resampleAllSync(this.groups.map((g) => g.group));
  }

  async run(options: ParallelOptions = {}): Promise<void> {
    this.draws = await resampleAll(
      this.groups.map((g) => g.group),
      options,
    );
  }

  /** The number of items a column's group resamples. */
  itemCount(ref: ColumnRef): number {
    return this.groups[ref.group].group.n;
  }

  /** A column's values on its group's items, in their order, copied into `into` (a view of it; at least itemCount long). */
  valuesOf(ref: ColumnRef, into = new Float64Array(this.itemCount(ref))): Float64Array {
    const { group } = this.groups[ref.group];
    const { values } = group.columns[ref.column];
    const out = into.subarray(0, group.n);
    for (let i = 0; i < group.n; i++) out[i] = values[group.positions ? group.positions[i] : i];
    return out;
  }

  /** The statistic's value on each resample. */
  drawsOf(ref: ColumnRef): Float64Array {
    if (!this.draws) throw new Error('BootstrapPlan: run() first');
    return this.draws[ref.group][ref.column];
  }
}
