/**
 * The bootstrap's inner loop, shared by every interval and paired comparison: draw a resample of n item indices
 * with replacement as multiplicities (counts[i] = times item i was drawn), then evaluate every requested statistic
 * of every column on that one resample. One pass per resample serves all systems, metrics and pairs that resample
 * the same items, so the random draws (the expensive part) are made once instead of once per comparison.
 *
 * The random stream is createRng(seed) (mulberry32) drawing n indices per resample, in order. mulberry32's state
 * advances by a constant per draw, so the state at resample r is known without drawing the r * n numbers before it:
 * any range of resamples can be computed on its own (on a worker thread) and the results are bit-identical to one
 * sequential pass, whatever the number of workers.
 */

export type NamedStatistic = 'mean' | 'p50' | 'p90' | 'p95' | 'p99';

export const PERCENTILE_OF: Record<Exclude<NamedStatistic, 'mean'>, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

export interface ResampleColumn {
  /** One value per item of the group, aligned with the group's items; with the group's `positions`, read at them. */
  values: Float64Array;
  statistic: NamedStatistic;
}

export interface ResampleGroup {
  /** Number of items resampled (each resample draws n of them). */
  n: number;
  seed: number;
  resamples: number;
  columns: ResampleColumn[];
  /**
   * Where each of the n items sits in its columns, ascending: a column is then a whole run's values (shared by every
   * group that resamples some of its items) rather than a copy of the n it needs.
   */
  positions?: Int32Array;
}

/** A column's n values in the group's item order, read into `buffers` when the group has positions. */
function gathered(group: ResampleGroup, column: number, buffers: PrepareBuffers): Float64Array {
  const { values } = group.columns[column];
  const { positions } = group;
  if (!positions) return values.length === group.n ? values : values.subarray(0, group.n);
  const out = buffers.floats('gathered', group.n);
  for (let i = 0; i < group.n; i++) out[i] = values[positions[i]];
  return out;
}

const BLOCK = 4;

/** mulberry32's per-draw state increment (see src/util/random.ts). */
const INCREMENT = 0x6d2b79f5;

/** The state createRng(seed) starts from (src/stats/rng.ts). */
function initialState(seed: number): number {
  return (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
}

interface PercentileColumn {
  column: number;
  p: number;
  /** Item indices in ascending order of value, and the values in that order. */
  order: Int32Array;
  sorted: Float64Array;
}

export function percentileColumn(values: Float64Array, p: number, column: number, buffers = new PrepareBuffers()): PercentileColumn {
  const n = values.length;
  // Sorted natively (no comparator: a comparator sort of n indices takes two n-element arrays on the JS heap per
  // column), then each item takes the next free rank among the values equal to its own. Equal values may take their
  // ranks in any order: a percentile reads only the values in rank order and the counts of each run of equal ones.
  const sorted = buffers.floats(`sorted ${column}`, n);
  sorted.set(values);
  sorted.sort();
  const order = buffers.ints(`order ${column}`, n);
  const taken = buffers.ints('taken', n).fill(0);
  // NaN sorts last and compares with nothing: its run starts after every number.
  let nanStart = n;
  while (nanStart > 0 && Number.isNaN(sorted[nanStart - 1])) nanStart--;
  for (let i = 0; i < n; i++) {
    const first = Number.isNaN(values[i]) ? nanStart : firstAtLeast(sorted, values[i], nanStart);
    order[first + taken[first]++] = i;
  }
  return { column, p, order, sorted };
}

/** The first index below `end` of ascending `sorted` whose value is not below v. */
function firstAtLeast(sorted: Float64Array, v: number, end: number): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The typed arrays a thread prepares its groups in, kept from one group to the next and handed out again as views:
 * a thread's preparing then holds about one largest group's worth (at 100k items x 4 systems about 15 MB) instead
 * of a fresh set per group that lives until the next full collection, and the C allocator, which keeps much of what
 * such buffers free as resident memory, sees one allocation instead of dozens.
 */
export class PrepareBuffers {
  private readonly float = new Map<string, Float64Array>();
  private readonly int = new Map<string, Int32Array>();

  /** A view of `length` doubles under `key`, its contents undefined; valid until `key` is asked for again. */
  floats(key: string, length: number): Float64Array {
    let buffer = this.float.get(key);
    if (!buffer || buffer.length < length) this.float.set(key, (buffer = new Float64Array(length)));
    return buffer.subarray(0, length);
  }

  ints(key: string, length: number): Int32Array {
    let buffer = this.int.get(key);
    if (!buffer || buffer.length < length) this.int.set(key, (buffer = new Int32Array(length)));
    return buffer.subarray(0, length);
  }
}

/**
 * numpy's linear-interpolated percentile of the resample described by counts: the order statistics k and k+1
 * (0-based, h = (total - 1) p). Percentiles at or above the median walk down from the largest value, so a p95
 * touches about 5% of the items.
 */
export function percentileOfCounts(counts: Uint16Array | Uint32Array, order: Int32Array, sorted: Float64Array, total: number, p: number): number {
  const n = order.length;
  const h = (total - 1) * p;
  const k = Math.floor(h);
  const frac = h - k;
  if (p >= 0.5) {
    let above = 0;
    let upper = NaN;
    const target = frac === 0 ? k : k + 1;
    for (let r = n - 1; r >= 0; r--) {
      const c = counts[order[r]];
      if (c === 0) continue;
      if (Number.isNaN(upper)) {
        const lowestRank = total - above - c;
        if (lowestRank <= target) {
          if (frac === 0 || lowestRank <= k) return sorted[r];
          upper = sorted[r];
        }
      } else {
        const lower = sorted[r];
        return lower + frac * (upper - lower);
      }
      above += c;
    }
    return upper;
  }
  let seen = 0;
  let lower = NaN;
  for (let r = 0; r < n; r++) {
    const c = counts[order[r]];
    if (c === 0) continue;
    const v = sorted[r];
    if (Number.isNaN(lower) && seen + c > k) {
      lower = v;
      if (frac === 0 || seen + c > k + 1) return lower;
    } else if (!Number.isNaN(lower)) {
      return lower + frac * (v - lower);
    }
    seen += c;
  }
  return lower;
}

/** The value every item of the column has, or undefined when two differ (NaN never counts as constant). */
function constantOf(group: ResampleGroup, column: number): number | undefined {
  const { values } = group.columns[column];
  const { n, positions } = group;
  const at = (i: number) => values[positions ? positions[i] : i];
  const v = at(0);
  if (n === 0 || Number.isNaN(v)) return undefined;
  for (let i = 1; i < n; i++) if (at(i) !== v) return undefined;
  return v;
}

/**
 * Adds the multiplicity-weighted sums of `width` (1, 2 or 4) mean columns held item-major in `matrix` into `sums`.
 * One loop per width: a narrower block does not pay for lanes it does not use, and each lane's additions are the
 * same in every width (item order), so the width never changes a result.
 */
function weightedSums(counts: Uint16Array | Uint32Array, matrix: Float64Array, width: number, n: number, sums: Float64Array): void {
  if (width === 1) {
    let s0 = 0;
    for (let i = 0; i < n; i++) s0 += counts[i] * matrix[i];
    sums[0] = s0;
    return;
  }
  if (width === 2) {
    let s0 = 0;
    let s1 = 0;
    for (let i = 0, base = 0; i < n; i++, base += 2) {
      const c = counts[i];
      s0 += c * matrix[base];
      s1 += c * matrix[base + 1];
    }
    sums[0] = s0;
    sums[1] = s1;
    return;
  }
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0, base = 0; i < n; i++, base += BLOCK) {
    const c = counts[i];
    s0 += c * matrix[base];
    s1 += c * matrix[base + 1];
    s2 += c * matrix[base + 2];
    s3 += c * matrix[base + 3];
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
}

/**
 * weightedSums over up to four columns read where they are (a group whose items are one run of its columns'
 * positions), not copied into a block: each lane adds the same products in the same order, so the sums are the same
 * bits as a block's.
 */
function columnSums(counts: Uint16Array | Uint32Array, columns: readonly Float64Array[], n: number, sums: Float64Array): void {
  const [a, b, c, d] = columns;
  if (columns.length === 1) {
    let s0 = 0;
    for (let i = 0; i < n; i++) s0 += counts[i] * a[i];
    sums[0] = s0;
  } else if (columns.length === 2) {
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < n; i++) {
      const k = counts[i];
      s0 += k * a[i];
      s1 += k * b[i];
    }
    sums[0] = s0;
    sums[1] = s1;
  } else if (columns.length === 3) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const k = counts[i];
      s0 += k * a[i];
      s1 += k * b[i];
      s2 += k * c[i];
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
  } else {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let i = 0; i < n; i++) {
      const k = counts[i];
      s0 += k * a[i];
      s1 += k * b[i];
      s2 += k * c[i];
      s3 += k * d[i];
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
  }
}

/** Where a group's items start in its columns when they are one run of positions there (always without positions). */
function contiguousStart(group: ResampleGroup): number | undefined {
  const { n, positions } = group;
  if (!positions) return 0;
  if (n === 0 || positions[n - 1] - positions[0] !== n - 1) return undefined;
  return positions[0];
}

/**
 * What resampling a group needs besides its random draws, built from its columns once: which columns are constant
 * (and their value), the mean columns as item-major blocks and the percentile columns in sorted order. At 100k items
 * a group's blocks are about 13 MB; built per chunk they were garbage as fast as the bootstrap could make it.
 */
export interface PreparedGroup {
  constants: (number | undefined)[];
  meanColumns: number[];
  /** Up to four mean columns each: an item-major `matrix` of `width` lanes, or the `columns` read where they are. */
  blocks: { matrix?: Float64Array; columns?: Float64Array[]; width: number; first: number; used: number }[];
  percentileColumns: PercentileColumn[];
  /** The multiplicities of one resample, cleared before each: one buffer for every range of the group, not one each. */
  counts: Uint16Array | Uint32Array;
}

/** `buffers` may be shared by the groups one thread prepares in turn: preparing a group reuses the last one's. */
export function prepareGroup(group: ResampleGroup, buffers = new PrepareBuffers()): PreparedGroup {
  const { n, columns, positions } = group;
  const constants = columns.map((_, c) => constantOf(group, c));
  const varying = columns.flatMap((_, i) => (constants[i] === undefined ? [i] : []));
  const meanColumns = varying.filter((i) => columns[i].statistic === 'mean');
  // Means in blocks of up to four columns, each block an item-major matrix: the running sums stay in registers and
  // one item's values sit in one cache line. The loop does not skip undrawn items (adding 0 changes no sum): a
  // branch on a count that is 0 for about 37% of items mispredicts too often to pay for itself.
  // A group whose items are one run of its columns' positions (every item scored: the run's largest groups) reads its
  // columns in place, four streams instead of a copy per thread (at 100k items x 4 systems about 10 MB each).
  const start = contiguousStart(group);
  const blocks: PreparedGroup['blocks'] = [];
  for (let b = 0; b < meanColumns.length; b += BLOCK) {
    const used = Math.min(BLOCK, meanColumns.length - b);
    if (start !== undefined) {
      const inPlace = meanColumns.slice(b, b + used).map((c) => columns[c].values.subarray(start, start + n));
      blocks.push({ columns: inPlace, width: used, first: b, used });
      continue;
    }
    const width = used === 3 ? BLOCK : used;
    const matrix = buffers.floats(`block ${b}`, n * width);
    for (let j = 0; j < used; j++) {
      const values = columns[meanColumns[b + j]].values;
      for (let i = 0; i < n; i++) matrix[i * width + j] = values[positions ? positions[i] : i];
    }
    blocks.push({ matrix, width, first: b, used });
  }
  const percentileColumns = varying.flatMap((i) =>
    columns[i].statistic === 'mean' ? [] : [percentileColumn(gathered(group, i, buffers), PERCENTILE_OF[columns[i].statistic as Exclude<NamedStatistic, 'mean'>], i, buffers)],
  );
  // A count never exceeds n, so below 65,536 items 16 bits hold it: half the memory to clear and to walk.
  const counts = n < 65_536 ? new Uint16Array(n) : new Uint32Array(buffers.ints('counts', n).buffer, 0, n);
  return { constants, meanColumns, blocks, percentileColumns, counts };
}

/**
 * Statistic values of every column for resamples [from, to) of a group: result[c][r - from]. Means are summed in
 * item order (sum of counts[i] * value[i]), exactly as a per-comparison loop would, so results match it bit for bit.
 * A column whose items all have one value has that value on every resample (any mean or percentile of copies of v
 * is v), so it is filled without resampling; a group of only such columns draws nothing. `prepared` is
 * prepareGroup(group), passed in by a caller that computes several ranges of one group.
 */
export function resampleRange(group: ResampleGroup, from: number, to: number, prepared?: PreparedGroup): Float64Array[] {
  const { n, columns } = group;
  const out = columns.map(() => new Float64Array(Math.max(0, to - from)));
  if (n === 0 || to <= from) return out;
  const { constants, meanColumns, blocks, percentileColumns, counts } = prepared ?? prepareGroup(group);
  constants.forEach((v, i) => {
    if (v !== undefined) out[i].fill(v);
  });
  if (constants.every((v) => v !== undefined)) return out;
  const sums = new Float64Array(BLOCK);
  // (u / 2^32) * n as one multiplication by n / 2^32 (exact: a power-of-two scale), truncated by `| 0`, which is
  // the floor for a non-negative index below 2^31: the same index as Math.floor(rng() * n), without the call.
  const scale = n / 4294967296;
  // The state is kept as a signed 32-bit integer (`| 0`), the same bits as mulberry32's unsigned one: every step
  // below reads it through ToInt32 anyway, and an int32 stays a small integer in V8 where an unsigned value above
  // 2^31 becomes a double on every draw.
  let state = (initialState(group.seed) + Math.imul(Math.imul(from, n), INCREMENT)) | 0;
  for (let r = from; r < to; r++) {
    counts.fill(0);
    for (let d = 0; d < n; d++) {
      state = (state + INCREMENT) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= (t + Math.imul(t ^ (t >>> 7), t | 61)) | 0;
      counts[(((t ^ (t >>> 14)) >>> 0) * scale) | 0]++;
    }
    for (const block of blocks) {
      if (block.matrix) weightedSums(counts, block.matrix, block.width, n, sums);
      else columnSums(counts, block.columns!, n, sums);
      for (let j = 0; j < block.used; j++) out[meanColumns[block.first + j]][r - from] = sums[j] / n;
    }
    for (const pc of percentileColumns) out[pc.column][r - from] = percentileOfCounts(counts, pc.order, pc.sorted, n, pc.p);
  }
  return out;
}

/** Work of a group in column-draws, to decide whether worker threads pay for their start-up. */
export function groupWork(group: ResampleGroup): number {
  const varying = group.columns.filter((_, c) => constantOf(group, c) === undefined).length;
  return varying === 0 ? 0 : group.n * group.resamples * (1 + varying);
}
