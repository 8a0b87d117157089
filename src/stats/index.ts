/** Statistics for comparing systems on one held-out set. Pure and deterministic for a given seed. */
export { createRng, deriveSeed } from './rng.js';
export { erfc, normalCdf, normalSf, normalQuantile } from './normal.js';
export { Z95, wilson, quantile, mean, sampleSd, percentiles } from './descriptive.js';
export { bootstrapCi, bootstrapMeanCi, pairedBootstrap, percentilesWithCi, P95_CI_RESAMPLES } from './bootstrap.js';
export type { Statistic, BootstrapOptions, PairedBootstrapResult } from './bootstrap.js';
export { mcnemarExact, wilcoxonSignedRank } from './paired-tests.js';
export type { ZeroMethod, WilcoxonResult } from './paired-tests.js';
export { holm } from './multiple-testing.js';
export { minimumDetectableDifference, minimumDetectableDifferenceContinuous } from './power.js';
export type { PowerOptions, RateMddOptions } from './power.js';
export { summarizeMetric, isBinaryValues } from './summarize.js';
export type { SummarizeOptions } from './summarize.js';
export { compareSystems, comparePaired, LATENCY_P95_METRIC, DEFAULT_EQUIVALENCE_MARGIN } from './compare.js';
export { pairedDifferences, pairedEquivalence, settling } from './equivalence.js';
export type { PairedDifferences, Equivalence, Settling } from './equivalence.js';
export type { CompareSystemsInput, PairedComparison, PairedKind } from './compare.js';
export { compareSystemsParallel } from './compare.js';
export { runStatistics } from './run-statistics.js';
export type { RunStatistics, IntervalRequest } from './run-statistics.js';
export type { ParallelOptions } from './resample-pool.js';

