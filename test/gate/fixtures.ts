/** Builders for small synthetic runs (summary valid against the zod schema, items beside it). */
import type { GateRule } from '../../src/config/schema.js';
import { ItemResult, RunSummary, SCHEMA_VERSION } from '../../src/schema/run-result.js';
import type { SystemSummary } from '../../src/schema/run-result.js';
import type { InMemoryRun } from '../fixtures/run-results/in-memory.js';
import { createRng, percentiles, summarizeMetric } from '../../src/stats/index.js';

export interface SyntheticResult {
  scores: Record<string, number | null>;
  latencyMs?: number;
  error?: boolean;
}

export interface SyntheticItem {
  id: string;
  prompt: string;
  category?: string;
  results: Record<string, SyntheticResult>;
}

export interface ItemOptions {
  n: number;
  /** Share of items each system gets right; items share a difficulty so systems are positively correlated. */
  accuracy: Record<string, number>;
  latencyMs?: Record<string, number>;
  errorRate?: Record<string, number>;
  categories?: string[];
  seed?: number;
}

/** Deterministic items: item i has difficulty u_i; a system is right when u_i < its accuracy. */
export function makeItems(options: ItemOptions): SyntheticItem[] {
  const rng = createRng(options.seed ?? 1);
  const categories = options.categories ?? ['lookup', 'style'];
  return Array.from({ length: options.n }, (_, i) => {
    const u = rng();
    const jitter = rng();
    const results: Record<string, SyntheticResult> = {};
    for (const [system, acc] of Object.entries(options.accuracy)) {
      const failed = ((i * 7919) % 1000) / 1000 < (options.errorRate?.[system] ?? 0);
      const right = u < acc;
      results[system] = failed
        ? { scores: { exact: null, f1: null }, error: true }
        : {
            scores: { exact: right ? 1 : 0, f1: right ? 1 : Math.round(300 * (1 - u)) / 1000 },
            latencyMs: (options.latencyMs?.[system] ?? 500) * (0.6 + 0.8 * jitter),
          };
    }
    return { id: `q${String(i).padStart(4, '0')}`, prompt: `Question number ${i}?`, category: categories[i % categories.length], results };
  });
}

export interface RunOptions {
  runId?: string;
  seed?: number;
  sha256?: string;
  primaryMetric?: string;
  metrics?: string[];
  costPer1k?: Record<string, number>;
  gateRules?: GateRule[];
  schemaVersion?: number;
}

function systemSummary(id: string, items: SyntheticItem[], metrics: string[], costPer1k: number | undefined, seed: number): SystemSummary {
  const mine = items.filter((i) => i.results[id]);
  const summarize = (subset: SyntheticItem[]) =>
    Object.fromEntries(
      metrics.map((m) => [m, summarizeMetric(subset.map((i) => i.results[id].scores[m] ?? null), { binary: m === 'exact', seed, resamples: 500 })]),
    );
  const categories = [...new Set(mine.map((i) => i.category).filter((c): c is string => !!c))].sort();
  return {
    id,
    kind: id.startsWith('rag') ? 'rag' : id.startsWith('ft') ? 'fine-tuned' : 'base',
    modelId: 'amazon.nova-micro-v1:0',
    items: mine.length,
    errors: mine.filter((i) => i.results[id].error).length,
    retries: 0,
    throttles: 0,
    metrics: summarize(mine),
    latencyMs: percentiles(mine.map((i) => i.results[id].latencyMs)),
    tokens: { input: { mean: 10, total: 10 * mine.length }, output: { mean: 5, total: 5 * mine.length }, estimated: false },
    byCategory: Object.fromEntries(
      categories.map((c) => {
        const subset = mine.filter((i) => i.category === c);
        return [c, { n: subset.length, metrics: summarize(subset) }];
      }),
    ),
    ...(costPer1k !== undefined
      ? {
          cost: {
            oneTimeUsd: 0,
            monthlyFixedUsd: 0,
            per1kQueriesUsd: costPer1k,
            monthlyTotalUsd: costPer1k * 100,
            horizonTotalUsd: costPer1k * 1200,
            lines: [],
            assumptions: [],
            missingPrices: [],
            unverifiedPrices: [],
          },
        }
      : {}),
  };
}

export function buildRun(items: SyntheticItem[], options: RunOptions = {}): InMemoryRun {
  const metrics = options.metrics ?? ['exact', 'f1'];
  const seed = options.seed ?? 42;
  const systemIds = [...new Set(items.flatMap((i) => Object.keys(i.results)))];
  const itemResults: ItemResult[] = items.map((i) => ({
    id: i.id,
    ...(i.category !== undefined ? { category: i.category } : {}),
    prompt: i.prompt,
    references: ['reference'],
    results: Object.fromEntries(
      Object.entries(i.results).map(([s, r]) => [
        s,
        {
          output: r.error ? '' : 'answer',
          ...(r.error ? { error: { code: 'ThrottlingException', message: 'rate exceeded' } } : {}),
          scores: r.scores,
          ...(r.latencyMs !== undefined ? { latencyMs: r.latencyMs } : {}),
          retries: 0,
        },
      ]),
    ),
  }));
  const doc = {
    schemaVersion: SCHEMA_VERSION,
    runId: options.runId ?? 'run-current',
    createdAt: '2026-01-01T00:00:00.000Z',
    status: 'completed' as const,
    tool: { name: 'ftrag' as const, version: '0.1.0' },
    endpoint: { kind: 'emulator' as const, region: 'us-east-1', emulated: true },
    seed,
    config: options.gateRules ? { gate: { rules: options.gateRules } } : {},
    evalSet: {
      name: 'synthetic',
      path: 'synthetic.jsonl',
      format: 'jsonl',
      size: items.length,
      sha256: options.sha256 ?? 'a'.repeat(64),
      categories: [...new Set(items.map((i) => i.category).filter((c): c is string => !!c))].sort(),
    },
    priceCatalog: { id: 'test', date: '2026-01-01', overrides: [], unverified: [] },
    primaryMetric: options.primaryMetric ?? 'f1',
    metrics,
    systems: systemIds.map((s) => systemSummary(s, items, metrics, options.costPer1k?.[s], seed)),
    comparisons: [],
    notes: [],
  };
  const run: InMemoryRun = { ...RunSummary.parse(doc), items: itemResults.map((i) => ItemResult.parse(i)) };
  if (options.schemaVersion !== undefined) (run as { schemaVersion: number }).schemaVersion = options.schemaVersion;
  return run;
}
