/**
 * Turns journal records and scores into run.json's per-system summaries, per-item results and comparisons.
 * Pure: everything it needs is passed in, so a saved run can be re-summarized without calling a model.
 */
import type { EvalItem } from '../datasets/types.js';
import type { JournalRecord } from '../runner/journal.js';
import type { Comparison, ItemResult, ItemSystemResult, MetricSummary, SystemSummary } from '../schema/run-result.js';
import { deriveSeed, P95_CI_RESAMPLES, percentilesWithCi, runStatistics, summarizeMetric, type IntervalRequest, type RunStatistics } from '../stats/index.js';
import type { CompareSystemsInput } from '../stats/index.js';

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

/** Scored results indexed by item id, then system id. */
export type ResultTable = Map<string, Map<string, ScoredRecord>>;

export function buildItemResults(items: EvalItem[], systems: SystemDescriptor[], table: ResultTable): ItemResult[] {
  return items.map((item) => {
    const results: Record<string, ItemSystemResult> = {};
    for (const s of systems) {
      const scored = table.get(item.id)?.get(s.id);
      if (scored) results[s.id] = toItemSystemResult(scored);
    }
    return { id: item.id, category: item.category, prompt: item.prompt, references: item.references, results };
  });
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
  items: EvalItem[],
  table: ResultTable,
  metrics: MetricInfo[],
  seed: number,
  /** Bootstrap intervals from the run's shared plan (statisticsOfRun); computed here when absent. */
  statistics?: RunStatistics,
): SystemSummary {
  const rows = items.map((item) => table.get(item.id)?.get(system.id));
  const done = rows.filter((r): r is ScoredRecord => r !== undefined);
  const ok = done.filter((r) => r.record.ok && r.record.response);
  const withUsage = ok.filter((r) => r.record.response!.usage);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const inputs = withUsage.map((r) => r.record.response!.usage!.inputTokens);
  const outputs = withUsage.map((r) => r.record.response!.usage!.outputTokens);
  const series = latencySeries(ok);
  const latencySeed = (label: LatencyLabel) => deriveSeed(seed, `latency\u0000${system.id}\u0000${label}`);
  const latency = (label: LatencyLabel, values: number[]) =>
    percentilesWithCi(values, latencySeed(label), P95_CI_RESAMPLES, statistics?.requested(latencyKey(system.id, label)));

  const summarize = (subset: (ScoredRecord | undefined)[], category?: string): Record<string, MetricSummary> =>
    Object.fromEntries(
      metrics
        .map((m) => {
          const ci95 = statistics?.metricInterval(system.id, m.name, category);
          return [m.name, summarizeMetric(subset.map((r) => metricValue(r, m.name)), { binary: m.binary, seed, ci95 })] as const;
        })
        // A metric that applies to none of the items (retrieval metrics for a system that retrieves nothing) is absent.
        .filter(([, summary]) => summary.n > 0),
    );

  const categories = [...new Set(items.map((i) => i.category).filter((c): c is string => !!c))].sort();
  const byCategory = Object.fromEntries(
    categories.map((c) => {
      const subset = items.map((item, i) => (item.category === c ? rows[i] : undefined)).filter((_, i) => items[i].category === c);
      return [c, { n: subset.length, metrics: summarize(subset, c) }];
    }),
  );

  return {
    id: system.id,
    kind: system.kind,
    modelId: system.modelId,
    knowledgeBaseId: system.knowledgeBaseId,
    ragMode: system.ragMode,
    items: done.length,
    errors: done.filter((r) => !r.record.ok).length,
    retries: sum(done.map((r) => r.record.retries)),
    throttles: sum(done.map((r) => r.record.throttles)),
    metrics: summarize(rows),
    // A cached answer keeps the latency measured when its call was first made (a real measurement of the same
    // request, counted in the run's notes) rather than leaving a re-run with no latency at all.
    latencyMs: latency('client', series.client),
    serviceLatencyMs: series.service ? latency('service', series.service) : undefined,
    firstTokenMs: series['first-token'] ? latency('first-token', series['first-token']) : undefined,
    streaming: system.streaming,
    connections: system.connections,
    tokens: {
      input: { mean: inputs.length ? sum(inputs) / inputs.length : 0, total: sum(inputs) },
      output: { mean: outputs.length ? sum(outputs) / outputs.length : 0, total: sum(outputs) },
      estimated: withUsage.some((r) => r.record.response!.usage!.estimated === true),
    },
    byCategory,
  };
}

type LatencyLabel = 'client' | 'service' | 'first-token';

const latencyKey = (systemId: string, label: LatencyLabel) => `latency\u0000${systemId}\u0000${label}`;

/** The latency series a system's summary reports, from its answered calls. */
function latencySeries(ok: ScoredRecord[]): Partial<Record<LatencyLabel, number[]>> & { client: number[] } {
  const firstTokens = ok.map((r) => r.record.response!.firstTokenMs).filter((x): x is number => typeof x === 'number');
  const serviceLatencies = ok.map((r) => r.record.response!.serviceLatencyMs).filter((x): x is number => typeof x === 'number');
  // A service figure only when every answered call reported one: a mix would compare different things.
  const serviceComplete = ok.length > 0 && serviceLatencies.length === ok.length;
  return {
    client: ok.map((r) => r.record.response!.latencyMs),
    ...(serviceComplete ? { service: serviceLatencies } : {}),
    ...(firstTokens.length ? { 'first-token': firstTokens } : {}),
  };
}

/** A failed item scores 0 (a wrong answer), not "missing": failures must not flatter a system. */
function metricValue(row: ScoredRecord | undefined, metric: string): number | null {
  if (!row) return null;
  const v = row.scores[metric];
  if (v === undefined) return null;
  return v;
}

function statisticsInput(
  systems: SystemDescriptor[],
  items: EvalItem[],
  table: ResultTable,
  metrics: MetricInfo[],
  seed: number,
  equivalenceMargin?: number,
): CompareSystemsInput {
  const values = (systemId: string, pick: (r: ScoredRecord) => number | null | undefined) =>
    items.map((item) => {
      const r = table.get(item.id)?.get(systemId);
      return r ? (pick(r) ?? null) : null;
    });
  return {
    systems: systems.map((s) => s.id),
    metrics,
    scores: (systemId, metric) => values(systemId, (r) => r.scores[metric]),
    latency: (systemId) => values(systemId, (r) => (r.record.ok ? r.record.response?.latencyMs : null)),
    categories: items.map((i) => i.category),
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
  items: EvalItem[],
  table: ResultTable,
  metrics: MetricInfo[],
  seed: number,
  equivalenceMargin?: number,
): Promise<RunStatistics> {
  // The latency p95 intervals keep their own seeds (the same figures as percentilesWithCi alone) but run in the plan,
  // so they share its worker threads.
  const requests: IntervalRequest[] = systems.flatMap((system) => {
    const ok = items.map((item) => table.get(item.id)?.get(system.id)).filter((r): r is ScoredRecord => !!r && r.record.ok && !!r.record.response);
    return Object.entries(latencySeries(ok)).map(([label, values]) => ({
      key: latencyKey(system.id, label as LatencyLabel),
      values: values.filter((v) => Number.isFinite(v)),
      statistic: 'p95' as const,
      seed: deriveSeed(seed, `latency\u0000${system.id}\u0000${label}`),
      resamples: P95_CI_RESAMPLES,
    }));
  });
  return runStatistics(statisticsInput(systems, items, table, metrics, seed, equivalenceMargin), {}, requests);
}
