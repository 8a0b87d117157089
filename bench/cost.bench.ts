/** Cost model + verdict throughput: pricing is per run and per `ftrag cost`, so it must stay far below a second. */
import { WorkloadSpec } from '../src/config/schema.js';
import { breakEvenPairs, costForSystem, loadCatalog } from '../src/cost/index.js';
import { recommend } from '../src/recommend/index.js';
import type { SystemSummary } from '../src/schema/run-result.js';

const catalog = await loadCatalog();
const workload = WorkloadSpec.parse({ monthlyQueries: 200_000, horizonMonths: 12, retrainEveryMonths: 3, knowledgeChangePerMonth: 0.05 });
const kinds = ['base', 'fine-tuned', 'rag', 'rag-fine-tuned'] as const;

const N = 20_000;
let t = performance.now();
for (let i = 0; i < N; i++) {
  const kind = kinds[i % 4];
  costForSystem(
    {
      kind,
      modelId: 'amazon.nova-micro-v1:0',
      pricingModelId: 'amazon.nova-micro-v1:0',
      region: 'us-east-1',
      measured: { inputTokensMean: 300 + i % 100, outputTokensMean: 60 },
      training: { trainedTokens: 1_600_000, epochs: 5 },
      serving: { type: 'on-demand', modelUnits: 1, commitment: 'none' },
      knowledgeBase: { corpusTokens: 1e7, embeddingModelId: 'amazon.titan-embed-text-v2:0', vectorStoreOcus: 2 },
    },
    workload,
    catalog,
  );
}
let ms = performance.now() - t;
console.log(JSON.stringify({ bench: 'cost.costForSystem', n: N, ms: Math.round(ms), perCallUs: Number(((ms * 1000) / N).toFixed(2)) }));

const systems: SystemSummary[] = kinds.map((kind, i) => {
  const cost = costForSystem({ kind, modelId: 'amazon.nova-micro-v1:0', pricingModelId: 'amazon.nova-micro-v1:0', region: 'us-east-1', measured: { inputTokensMean: 300, outputTokensMean: 60 }, knowledgeBase: { corpusTokens: 1e6, embeddingModelId: 'amazon.titan-embed-text-v2:0', vectorStoreOcus: 2 } }, workload, catalog);
  const m = { mean: 0.4 + i * 0.1, ci95: [0.35 + i * 0.1, 0.45 + i * 0.1] as [number, number], n: 500 };
  const byCategory = Object.fromEntries(Array.from({ length: 20 }, (_, c) => [`cat${c}`, { n: 25, metrics: { f1: m } }]));
  return { id: kind, kind, modelId: 'm', items: 500, errors: 0, retries: 0, throttles: 0, metrics: { f1: m }, latencyMs: { p50: 400, p95: 900, p99: 1200, mean: 500, n: 500 }, tokens: { input: { mean: 300, total: 1 }, output: { mean: 60, total: 1 }, estimated: false }, byCategory, cost };
});
const comparisons = systems.flatMap((a, i) => systems.slice(i + 1).map((b) => ({ a: b.id, b: a.id, metric: 'f1', n: 500, meanA: 0, meanB: 0, difference: 0.1, ci95: [0.05, 0.15] as [number, number], pValue: 0.001, pAdjusted: 0.004, method: 'bootstrap', significant: true })));
const breakEven = breakEvenPairs(systems.map((s) => ({ id: s.id, cost: s.cost! })), 12);
const M = 2_000;
t = performance.now();
for (let i = 0; i < M; i++) recommend({ systems, comparisons, workload, primaryMetric: 'f1', categories: Object.keys(systems[0].byCategory), breakEven });
ms = performance.now() - t;
console.log(JSON.stringify({ bench: 'recommend.4systems.20categories', n: M, ms: Math.round(ms), perCallUs: Number(((ms * 1000) / M).toFixed(2)) }));
