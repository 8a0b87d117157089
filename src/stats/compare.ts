/**
 * Pairwise system comparisons for run.json: every pair of systems x metric, on the items both systems scored.
 * - binary metrics (0/1): McNemar's exact test for p;
 * - continuous metrics: Wilcoxon signed-rank (zero_method 'wilcox') for p, because it does not assume normal
 *   per-item differences and F1/ROUGE differences are often bounded and lumpy;
 * - latency: paired bootstrap of the p95 (metric `latency_p95`), p from the bootstrap.
 * The 95% CI of a quality difference always comes from the paired bootstrap of the mean difference, so every
 * interval in a report means the same thing.
 * Multiple testing: one Holm family per question, that is per metric and scope: the primary metric's pairwise
 * comparisons overall are one family, each category's are another, and every secondary metric and latency has its
 * own. Adding a secondary metric or a category therefore cannot change the primary comparisons that decide the
 * verdict (docs/verdict.md). significant = pAdjusted < alpha.
 * Quality comparisons also carry a paired equivalence test (TOST within `equivalenceMargin`) and the paired
 * minimum detectable difference with the items that would settle the question.
 */
import type { Comparison } from '../schema/run-result.js';
import { pairedFromDraws } from './bootstrap.js';
import { BootstrapPlan, PlanScratch, type ColumnRef } from './plan.js';
import type { ParallelOptions } from './resample-pool.js';
import { resampleRange } from './resample.js';
import { mean, quantile } from './descriptive.js';
import { holm } from './multiple-testing.js';
import { mcnemarExact, wilcoxonSignedRank } from './paired-tests.js';
import { pairedDifferences, pairedEquivalence, settling } from './equivalence.js';

export type PairedKind = 'binary' | 'continuous' | 'latency-p95';

export interface PairedComparison {
  n: number;
  meanA: number;
  meanB: number;
  /** a minus b (means, or p95 for latency). */
  difference: number;
  ci95: [number, number];
  pValue: number;
  method: string;
}

/** Compare aligned paired values a[i] vs b[i] (same item). Values must already be filtered to shared items. */
export function comparePaired(
  a: readonly number[],
  b: readonly number[],
  options: { kind: PairedKind; seed: number; resamples?: number },
): PairedComparison {
  const resamples = options.resamples ?? 10_000;
  const statistic = options.kind === 'latency-p95' ? 'p95' : 'mean';
  const [drawsA, drawsB] = resampleRange(
    { n: a.length, seed: options.seed, resamples, columns: [a, b].map((v) => ({ values: Float64Array.from(v), statistic })) },
    0,
    resamples,
  );
  return pairedResult(a, b, options.kind, drawsA, drawsB);
}

/** A comparison from both systems' statistic on the same resamples (drawsA[r], drawsB[r]) and the exact tests. */
function pairedResult(a: ArrayLike<number>, b: ArrayLike<number>, kind: PairedKind, drawsA: Float64Array, drawsB: Float64Array, scratch?: Float64Array): PairedComparison {
  const n = a.length;
  const resamples = drawsA.length;
  if (kind === 'latency-p95') {
    const meanA = p95Of(a);
    const meanB = p95Of(b);
    const boot = pairedFromDraws(drawsA, drawsB, n === 0 ? NaN : meanA - meanB);
    return { n, meanA, meanB, difference: boot.difference, ci95: boot.ci95, pValue: boot.pValue, method: `paired-bootstrap-p95 (B=${resamples})` };
  }
  const meanA = meanByCounts(a);
  const meanB = meanByCounts(b);
  const boot = pairedFromDraws(drawsA, drawsB, meanA - meanB);
  if (kind === 'binary') {
    let onlyA = 0;
    let onlyB = 0;
    for (let i = 0; i < n; i++) {
      if (a[i] === 1 && b[i] === 0) onlyA++;
      else if (a[i] === 0 && b[i] === 1) onlyB++;
    }
    return {
      n,
      meanA: mean(a),
      meanB: mean(b),
      difference: boot.difference,
      ci95: boot.ci95,
      pValue: mcnemarExact(onlyA, onlyB),
      method: `mcnemar-exact; ci: paired-bootstrap (B=${resamples})`,
    };
  }
  const w = wilcoxonSignedRank(a, b, { zeroMethod: 'wilcox', scratch });
  return {
    n,
    meanA: mean(a),
    meanB: mean(b),
    difference: boot.difference,
    ci95: boot.ci95,
    pValue: w.pValue,
    method: `wilcoxon-signed-rank (${w.method}); ci: paired-bootstrap (B=${resamples})`,
  };
}

/** The observed mean as the bootstrap computes it (sum of values in item order / n), so difference and draws agree. */
function meanByCounts(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

function p95Of(values: ArrayLike<number>): number {
  return quantile(Float64Array.from(values).sort(), 0.95);
}

/** Per-item values aligned by item index: a JS array with nulls, or a typed array with NaN for "none". */
type Values = ArrayLike<number | null | undefined>;

export interface CompareSystemsInput {
  systems: readonly string[];
  metrics: readonly { name: string; binary: boolean }[];
  /** Per-item scores of a system on a metric, aligned by item index; null = not scored. */
  scores: (systemId: string, metric: string) => Values;
  /** Per-item latency in ms, aligned by item index; adds `latency_p95` comparisons. */
  latency?: (systemId: string) => Values;
  /** Category of each item, aligned by item index; adds per-category comparisons. */
  categories?: readonly (string | undefined)[];
  seed: number;
  alpha?: number;
  resamples?: number;
  /** Equivalence margin for the TOST on quality metrics (0..1 scale). Default 0.02 (2 points). */
  equivalenceMargin?: number;
}

export const DEFAULT_EQUIVALENCE_MARGIN = 0.02;

function isScore(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Items (optionally of one category) where both systems have a value: their positions, in a view of `scratch`. */
function sharedPositions(a: Values, b: Values, keep: (i: number) => boolean, scratch: PlanScratch): Int32Array {
  const len = Math.min(a.length, b.length);
  const shared = (i: number) => keep(i) && isScore(a[i]) && isScore(b[i]);
  let count = 0;
  for (let i = 0; i < len; i++) if (shared(i)) count++;
  const positions = scratch.take(count);
  for (let i = 0, k = 0; i < len; i++) if (shared(i)) positions[k++] = i;
  return positions;
}

export const LATENCY_P95_METRIC = 'latency_p95';

/** The column key of a system's measure: the same key on the same items is one column of the plan. */
export function columnKey(systemId: string, measure: string): string {
  return `${systemId}\u0000${measure}`;
}

interface PlannedComparison {
  a: string;
  b: string;
  metric: string;
  category?: string;
  kind: PairedKind;
  family: string;
  /** The two systems' columns in the plan: their values are the pair's aligned values on its shared items. */
  refA: ColumnRef;
  refB: ColumnRef;
}

/** Adds every pair x measure x scope's bootstrap columns to the plan; the tests that need no resampling wait. */
export function planComparisons(input: CompareSystemsInput, plan: BootstrapPlan, scratch = new PlanScratch()): PlannedComparison[] {
  const resamples = input.resamples ?? 10_000;
  const categoryNames = input.categories
    ? [...new Set(input.categories.filter((c): c is string => typeof c === 'string'))].sort()
    : [];
  const scopes: (string | undefined)[] = [undefined, ...categoryNames];
  const planned: PlannedComparison[] = [];

  const measures: { name: string; kind: PairedKind; values: (system: string) => Values }[] = input.metrics.map((m) => ({
    name: m.name,
    kind: m.binary ? 'binary' : 'continuous',
    values: (s: string) => input.scores(s, m.name),
  }));
  if (input.latency) measures.push({ name: LATENCY_P95_METRIC, kind: 'latency-p95', values: input.latency });
  const valuesOf = new Map<string, Values>();
  const cached = (system: string, measure: (typeof measures)[number]) => {
    const key = columnKey(system, measure.name);
    if (!valuesOf.has(key)) valuesOf.set(key, measure.values(system));
    return valuesOf.get(key)!;
  };

  for (const category of scopes) {
    const keep = category === undefined ? () => true : (i: number) => input.categories?.[i] === category;
    for (let i = 0; i < input.systems.length; i++) {
      for (let j = i + 1; j < input.systems.length; j++) {
        const a = input.systems[i];
        const b = input.systems[j];
        for (const measure of measures) {
          const xs = cached(a, measure);
          const ys = cached(b, measure);
          const positions = sharedPositions(xs, ys, keep, scratch);
          if (positions.length === 0) continue;
          // A metric declared binary that holds other values is compared as continuous rather than miscounted.
          const kind = measure.kind === 'binary' && !(allBinary(xs, positions) && allBinary(ys, positions)) ? 'continuous' : measure.kind;
          const statistic = kind === 'latency-p95' ? 'p95' : 'mean';
          const refA = plan.column(columnKey(a, measure.name), positions, xs, statistic, { resamples });
          const refB = plan.column(columnKey(b, measure.name), positions, ys, statistic, { resamples });
          const family = `${measure.name} ${category === undefined ? 'overall' : `in category ${category}`}`;
          planned.push({ a, b, metric: measure.name, ...(category !== undefined ? { category } : {}), kind, family, refA, refB });
        }
      }
    }
  }
  return planned;
}

function allBinary(values: Values, positions: Int32Array): boolean {
  for (let k = 0; k < positions.length; k++) {
    const v = values[positions[k]];
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/** The comparisons from a plan that has run, with Holm-adjusted p-values per family. */
export function finishComparisons(planned: PlannedComparison[], plan: BootstrapPlan, input: CompareSystemsInput): Comparison[] {
  const alpha = input.alpha ?? 0.05;
  // Buffers shared by every comparison (its aligned values and its signed-rank test's sorting): at 100k items fresh
  // arrays each were 2.4 MB of garbage a comparison, 96 comparisons at 4 systems.
  let scratch = new Float64Array(0);
  let aligned = [new Float64Array(0), new Float64Array(0)];
  const raw = planned.map(({ a, b, metric, category, kind, family, refA, refB }) => {
    // The aligned values are the columns the plan already holds (a column key on a group is one system's measure on
    // the same items), taken as arrays one comparison at a time rather than kept for every comparison of the run.
    const n = plan.itemCount(refA);
    if (scratch.length < n) [scratch, aligned] = [new Float64Array(n), [new Float64Array(n), new Float64Array(n)]];
    const xs = plan.valuesOf(refA, aligned[0]);
    const ys = plan.valuesOf(refB, aligned[1]);
    const c = pairedResult(xs, ys, kind, plan.drawsOf(refA), plan.drawsOf(refB), scratch);
    const quality = kind === 'latency-p95' ? {} : qualityEvidence(xs, ys, input.equivalenceMargin ?? DEFAULT_EQUIVALENCE_MARGIN);
    return { a, b, metric, ...(category !== undefined ? { category } : {}), ...c, family, ...quality };
  });
  const adjusted = new Array<number>(raw.length);
  const members = new Map<string, number[]>();
  raw.forEach((c, k) => members.set(c.family, [...(members.get(c.family) ?? []), k]));
  for (const idx of members.values()) holm(idx.map((k) => raw[k].pValue)).forEach((p, r) => (adjusted[idx[r]] = p));
  return raw.map((c, k) => ({ ...c, pAdjusted: adjusted[k], significant: adjusted[k] < alpha }));
}

/**
 * Every pair of systems x metric (and per category), with Holm-adjusted p-values. See the module comment. All
 * comparisons on the same items share one set of bootstrap resamples (src/stats/plan.ts).
 */
export function compareSystems(input: CompareSystemsInput): Comparison[] {
  const plan = new BootstrapPlan(input.seed);
  const planned = planComparisons(input, plan);
  plan.runSync();
  return finishComparisons(planned, plan, input);
}

/** compareSystems with the resampling spread over worker threads when the set is large; the same result. */
export async function compareSystemsParallel(input: CompareSystemsInput, parallel: ParallelOptions = {}): Promise<Comparison[]> {
  const plan = new BootstrapPlan(input.seed);
  const planned = planComparisons(input, plan);
  await plan.run(parallel);
  return finishComparisons(planned, plan, input);
}

/** TOST equivalence and the paired MDE / items to settle, for a quality metric's aligned values. */
function qualityEvidence(xs: ArrayLike<number>, ys: ArrayLike<number>, margin: number): Pick<Comparison, 'equivalence' | 'mde'> {
  const diffs = pairedDifferences(xs, ys);
  const eq = pairedEquivalence(diffs, margin);
  const settle = settling(diffs, margin);
  return {
    equivalence: { margin, pValue: eq.pValue, ci90: eq.ci90, equivalent: eq.equivalent },
    mde: {
      value: Number.isFinite(settle.mde) ? settle.mde : null,
      basis: settle.basis,
      ...(settle.itemsToSettle !== undefined ? { itemsToSettle: settle.itemsToSettle } : {}),
    },
  };
}
