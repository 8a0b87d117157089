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
 * A column's values in shared memory: posted to a bootstrap worker (resample-pool.ts) the column is shared, not
 * copied into each worker's heap (at 100k items x 4 systems the columns are about 13 MB).
 */
function sharedCopy(values: ArrayLike<number>): Float64Array {
  const copy = new Float64Array(new SharedArrayBuffer(values.length * Float64Array.BYTES_PER_ELEMENT));
  copy.set(values);
  return copy;
}

/**
 * Reused buffers for the positions and values a caller builds for BootstrapPlan.column, which copies what it keeps.
 * Planning a run takes one such set per system, metric, pair and category: at 100k items x 4 systems fresh typed
 * arrays for each were about 100 MB of short-lived buffers outside the JS heap, and the C allocator kept most of that
 * as resident memory once they were freed (the statistics phase's RSS rose about 100 MB over 33 MB of columns).
 */
export class PlanScratch {
  private indices = new Int32Array(0);
  private first = new Float64Array(0);
  private second = new Float64Array(0);

  /** Views of `count` positions and two value columns, valid until the next call. */
  take(count: number): [Int32Array, Float64Array, Float64Array] {
    if (count > this.indices.length) {
      this.indices = new Int32Array(count);
      this.first = new Float64Array(count);
      this.second = new Float64Array(count);
    }
    return [this.indices.subarray(0, count), this.first.subarray(0, count), this.second.subarray(0, count)];
  }
}

export class BootstrapPlan {
  private readonly groups: PlannedGroup[] = [];
  private readonly byHash = new Map<string, number[]>();
  private draws: Float64Array[][] | undefined;

  constructor(private readonly seed: number) {}

  /**
   * Requests statistic(values) over the items `indices` (positions in the caller's item list, ascending; values
   * aligned with them). `key` names the column (e.g. "system|metric"): the same key on the same items is computed
   * once.
   */
  column(
    key: string,
    indices: ArrayLike<number>,
    values: ArrayLike<number>,
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
    planned.group.columns.push({ values: sharedCopy(values), statistic });
    planned.columnKeys.set(columnKey, column);
    return { group, column };
  }

  /** An explicit seed makes a group of its own (a statistic that keeps its historical random stream). */
  private groupFor(indices: ArrayLike<number>, resamples: number, explicitSeed?: number): number {
    const hash = hashIndices(indices);
    const key = `${resamples}|${indices.length}|${hash}${explicitSeed === undefined ? '' : `|seed ${explicitSeed}`}`;
    const candidates = this.byHash.get(key) ?? [];
    for (const g of candidates) if (sameIndices(this.groups[g].indices, indices)) return g;
    const g = this.groups.length;
    this.groups.push({
      indices: Int32Array.from(indices),
      resamples,
      group: { n: indices.length, seed: explicitSeed ?? deriveSeed(this.seed, `bootstrap\u0000${key}`), resamples, columns: [] },
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

  /** The values a column was given, aligned with its group's items. */
  valuesOf(ref: ColumnRef): Float64Array {
    return this.groups[ref.group].group.columns[ref.column].values;
  }

  /** The statistic's value on each resample. */
  drawsOf(ref: ColumnRef): Float64Array {
    if (!this.draws) throw new Error('BootstrapPlan: run() first');
    return this.draws[ref.group][ref.column];
  }
}
