/**
 * Turns a run's scores (RunScores, typed arrays) into run.json's per-system summaries and comparisons, and a scored
 * record into its per-item result. Pure: everything it needs is passed in, so a saved run can be re-summarized
 * without calling a model.
 */
import type { EvalItem } from '../datasets/types.js';
import type { JournalRecord } from '../runner/journal.js';
import type { ItemResult, ItemSystemResult, MetricSummary, SystemSummary } from '../schema/run-result.js';
import { deriveSeed, P95_CI_RESAMPLES, percentilesWithCi, runStatistics, summarizeMetric, type IntervalRequest, type RunStatistics } from '../stats/index.js';
import type { CompareSystemsInput } from '../stats/index.js';
import type { RunScores } from './run-scores.js';

export interface ScoredRecord {
  record: JournalRecord;
  scores: Record<string, number | null>;
  reasons?: Record<string, string>;
}

export interface SystemDescriptor {
  id: string;
  kind: string;
  modelId: string;
  knowledgeBaseId?: string;
  ragMode?: string;
  /** ConverseStream (true) or Converse (false); absent for systems that do not call Converse themselves. */
  streaming?: boolean;
  /** Connection use of this system's calls, when the transport counts it. */
  connections?: { opened: number; setupCalls: number };
}

export interface MetricInfo {
  name: string;
  binary: boolean;
}

/** One item's line of items.jsonl: its systems' scored records, in the run's system order (absent: not run). */
export function itemResultOf(item: EvalItem, systemIds: readonly string[], scored: readonly (ScoredRecord | undefined)[]): ItemResult {
  const results: Record<string, ItemSystemResult> = {};
  systemIds.forEach((id, s) => {
    if (scored[s]) results[id] = toItemSystemResult(scored[s]);
  });
  return { id: item.id, category: item.category, prompt: item.prompt, references: item.references, results };
}

function toItemSystemResult({ record, scores, reasons }: ScoredRecord): ItemSystemResult {
  const r = record.response;
  return {
    output: r?.output ?? '',
    error: record.error,
    scores,
    judgeReasons: reasons && Object.keys(reasons).length ? reasons : undefined,
    latencyMs: r ? round(r.latencyMs) : undefined,
    serviceLatencyMs: r?.serviceLatencyMs !== undefined ? round(r.serviceLatencyMs) : undefined,
    firstTokenMs: r?.firstTokenMs !== undefined ? round(r.firstTokenMs) : undefined,
    connectionSetup: r?.connectionSetup || undefined,
    connectionSetupMs: r?.connectionSetupMs !== undefined ? round(r.connectionSetupMs) : undefined,
    inputTokens: r?.usage?.inputTokens,
    outputTokens: r?.usage?.outputTokens,
    tokensEstimated: r?.usage?.estimated || undefined,
    retries: record.retries,
    contexts: r?.contexts?.map((c) => ({ text: c.text, uri: c.uri, score: c.score })),
    citations: r?.citations?.map((c) => ({ text: c.text, uris: c.references.map((ref) => ref.uri ?? '').filter(Boolean) })),
  };
}

const round = (x: number) => Math.round(x * 10) / 10;

export function summarizeSystem(
  system: SystemDescriptor,
  /** Each item's category in set order (its length is the item count). */
  itemCategories: readonly (string | undefined)[],
  scores: RunScores,
  metrics: MetricInfo[],
  seed: number,
  /** Bootstrap intervals from the run's shared plan (statisticsOfRun); computed here when absent. */
  statistics?: RunStatistics,
): SystemSummary {
  const s = scores.systemIndex(system.id);
  const totals = scores.totals(s);
  const series = latencySeries(scores, s);
  const latencySeed = (label: LatencyLabel) => deriveSeed(seed, `latency\u0000${system.id}\u0000${label}`);
  const latency = (label: LatencyLabel, values: Float64Array) =>
    percentilesWithCi(values, latencySeed(label), P95_CI_RESAMPLES, statistics?.requested(latencyKey(system.id, label)));

  /** Item positions in the set, or those of one category. */
  const summarize = (positions: Int32Array | null, category?: string): Record<string, MetricSummary> =>
    Object.fromEntries(
      metrics
        .map((m) => {
          const ci95 = statistics?.metricInterval(system.id, m.name, category);
          // The run's own column (NaN where not scored), read in place, or gathered at the category's positions.
          const column = scores.metricValues(s, m.name);
          const values = positions ? Float64Array.from(positions, (i) => column[i]) : column;
          return [m.name, summarizeMetric(values, { binary: m.binary, seed, ci95 })] as const;
        })
        // A metric that applies to none of the items (retrieval metrics for a system that retrieves nothing) is absent.
        .filter(([, summary]) => summary.n > 0),
    );

  const categories = [...new Set(itemCategories.filter((c): c is string => !!c))].sort();
  const byCategory = Object.fromEntries(
    categories.map((c) => {
      const positions = positionsWhere(itemCategories.length, (i) => itemCategories[i] === c);
      return [c, { n: positions.length, metrics: summarize(positions, c) }];
    }),
  );

  return {
    id: system.id,
    kind: system.kind,
    modelId: system.modelId,
    knowledgeBaseId: system.knowledgeBaseId,
    ragMode: system.ragMode,
    items: totals.done,
    errors: totals.errors,
    retries: totals.retries,
    throttles: totals.throttles,
    metrics: summarize(null),
    // A cached answer keeps the latency measured when its call was first made (a real measurement of the same
    // request, counted in the run's notes) rather than leaving a re-run with no latency at all.
    latencyMs: latency('client', series.client),
    serviceLatencyMs: series.service ? latency('service', series.service) : undefined,
    firstTokenMs: series['first-token'] ? latency('first-token', series['first-token']) : undefined,
    streaming: system.streaming,
    connections: system.connections,
    tokens: {
      input: { mean: totals.withUsage ? totals.inputTokens / totals.withUsage : 0, total: totals.inputTokens },
      output: { mean: totals.withUsage ? totals.outputTokens / totals.withUsage : 0, total: totals.outputTokens },
      estimated: totals.estimated,
    },
    byCategory,
  };
}

type LatencyLabel = 'client' | 'service' | 'first-token';

const latencyKey = (systemId: string, label: LatencyLabel) => `latency\u0000${systemId}\u0000${label}`;

/** The latency series a system's summary reports, from its answered calls, in item order. */
function latencySeries(scores: RunScores, system: number): Partial<Record<LatencyLabel, Float64Array>> & { client: Float64Array } {
  const series = latencyColumns(scores, system).map(({ label, column, positions }) => [label, Float64Array.from(positions, (i) => column[i])] as const);
  return { client: new Float64Array(0), ...Object.fromEntries(series) };
}


/**
 * The latency series of a system, each as its column of the run (NaN wherever a pair was not answered: RunScores)
 * and the positions of its values. Client time always; service time only when every answered call reported one (a
 * mix would compare different things); first-token time when any call reported it.
 */
function latencyColumns(scores: RunScores, system: number): { label: LatencyLabel; column: Float64Array; positions: Int32Array }[] {
  const of = (label: LatencyLabel) => {
    const column = scores.latencyColumn(system, label);
    return { label, column, positions: positionsWhere(column.length, (i) => Number.isFinite(column[i])) };
  };
  const client = of('client');
  const service = of('service');
  const firstToken = of('first-token');
  const answered = notNaN(client.column);
  return [client, ...(answered > 0 && notNaN(service.column) === answered ? [service] : []), ...(notNaN(firstToken.column) > 0 ? [firstToken] : [])];
}

function notNaN(column: Float64Array): number {
  let n = 0;
  for (let i = 0; i < column.length; i++) if (!Number.isNaN(column[i])) n++;
  return n;
}

/** The positions 0..n-1 that `keep` holds for, in order, in an array of exactly their count. */
function positionsWhere(n: number, keep: (i: number) => boolean): Int32Array {
  let count = 0;
  for (let i = 0; i < n; i++) if (keep(i)) count++;
  const positions = new Int32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (keep(i)) positions[k++] = i;
  return positions;
}

function statisticsInput(
  systems: SystemDescriptor[],
  itemCategories: readonly (string | undefined)[],
  scores: RunScores,
  metrics: MetricInfo[],
  seed: number,
  equivalenceMargin?: number,
): CompareSystemsInput {
  // A failed item scores 0 (a wrong answer, set when it was scored), not "missing": failures must not flatter a system.
  // Typed arrays with NaN for "none" (a view of the run's scores, not a copy): 8 bytes an item, not a boxed number.
  return {
    systems: systems.map((s) => s.id),
    metrics,
    scores: (systemId, metric) => scores.metricValues(scores.systemIndex(systemId), metric),
    latency: (systemId) => scores.latencyColumn(scores.systemIndex(systemId)),
    categories: itemCategories,
    seed,
    equivalenceMargin,
  };
}

/**
 * The run's metric intervals and comparisons from one bootstrap plan, on worker threads when the set is large
 * (the same result for any number of threads).
 */
export function statisticsOfRun(
  systems: SystemDescriptor[],
  itemCategories: readonly (string | undefined)[],
  scores: RunScores,
  metrics: MetricInfo[],
  seed: number,
  equivalenceMargin?: number,
): Promise<RunStatistics> {
  // The latency p95 intervals keep their own seeds (the same figures as percentilesWithCi alone) but run in the plan,
  // so they share its worker threads. They read the run's latency columns at the series' positions.
  const requests: IntervalRequest[] = systems.flatMap((system) =>
    latencyColumns(scores, scores.systemIndex(system.id)).map(({ label, column, positions }) => ({
      key: latencyKey(system.id, label),
      values: column,
      positions,
      statistic: 'p95' as const,
      seed: deriveSeed(seed, `latency\u0000${system.id}\u0000${label}`),
      resamples: P95_CI_RESAMPLES,
    })),
  );
  return runStatistics(statisticsInput(systems, itemCategories, scores, metrics, seed, equivalenceMargin), {}, requests);
}
