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
  /** One value per item of the group, aligned with the group's items. */
  values: Float64Array;
  statistic: NamedStatistic;
}

export interface ResampleGroup {
  /** Number of items resampled (each resample draws n of them). */
  n: number;
  seed: number;
  resamples: number;
  columns: ResampleColumn[];
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

export function percentileColumn(values: Float64Array, p: number, column: number): PercentileColumn {
  const order = Int32Array.from({ length: values.length }, (_, i) => i).sort((i, j) => values[i] - values[j]);
  const sorted = new Float64Array(order.length);
  for (let r = 0; r < order.length; r++) sorted[r] = values[order[r]];
  return { column, p, order, sorted };
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
function constantOf(values: Float64Array): number | undefined {
  const v = values[0];
  if (values.length === 0 || Number.isNaN(v)) return undefined;
  for (let i = 1; i < values.length; i++) if (values[i] !== v) return undefined;
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
 * What resampling a group needs besides its random draws, built from its columns once: which columns are constant
 * (and their value), the mean columns as item-major blocks and the percentile columns in sorted order. At 100k items
 * a group's blocks are about 13 MB; built per chunk they were garbage as fast as the bootstrap could make it.
 */
export interface PreparedGroup {
  constants: (number | undefined)[];
  meanColumns: number[];
  blocks: { matrix: Float64Array; width: number; first: number; used: number }[];
  percentileColumns: PercentileColumn[];
  /** The multiplicities of one resample, cleared before each: one buffer for every range of the group, not one each. */
  counts: Uint16Array | Uint32Array;
}

export function prepareGroup(group: ResampleGroup): PreparedGroup {
  const { n, columns } = group;
  const constants = columns.map((c) => constantOf(c.values));
  const varying = columns.flatMap((_, i) => (constants[i] === undefined ? [i] : []));
  const meanColumns = varying.filter((i) => columns[i].statistic === 'mean');
  // Means in blocks of up to four columns, each block an item-major matrix: the running sums stay in registers and
  // one item's values sit in one cache line. The loop does not skip undrawn items (adding 0 changes no sum): a
  // branch on a count that is 0 for about 37% of items mispredicts too often to pay for itself.
  const blocks: PreparedGroup['blocks'] = [];
  for (let b = 0; b < meanColumns.length; b += BLOCK) {
    const used = Math.min(BLOCK, meanColumns.length - b);
    const width = used === 3 ? BLOCK : used;
    const matrix = new Float64Array(n * width);
    for (let j = 0; j < used; j++) {
      const values = columns[meanColumns[b + j]].values;
      for (let i = 0; i < n; i++) matrix[i * width + j] = values[i];
    }
    blocks.push({ matrix, width, first: b, used });
  }
  const percentileColumns = varying.flatMap((i) => (columns[i].statistic === 'mean' ? [] : [percentileColumn(columns[i].values, PERCENTILE_OF[columns[i].statistic as Exclude<NamedStatistic, 'mean'>], i)]));
  // A count never exceeds n, so below 65,536 items 16 bits hold it: half the memory to clear and to walk.
  const counts = n < 65_536 ? new Uint16Array(n) : new Uint32Array(n);
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
      weightedSums(counts, block.matrix, block.width, n, sums);
      for (let j = 0; j < block.used; j++) out[meanColumns[block.first + j]][r - from] = sums[j] / n;
    }
    for (const pc of percentileColumns) out[pc.column][r - from] = percentileOfCounts(counts, pc.order, pc.sorted, n, pc.p);
  }
  return out;
}

/** Work of a group in column-draws, to decide whether worker threads pay for their start-up. */
export function groupWork(group: ResampleGroup): number {
  const varying = group.columns.filter((c) => constantOf(c.values) === undefined).length;
  return varying === 0 ? 0 : group.n * group.resamples * (1 + varying);
}
