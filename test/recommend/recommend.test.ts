import { describe, expect, it } from 'vitest';
import { WorkloadSpec } from '../../src/config/schema.js';
import { recommend } from '../../src/recommend/index.js';
import type { Comparison, SystemCost, SystemSummary } from '../../src/schema/run-result.js';

const METRIC = 'f1';

function cost(horizonTotalUsd: number, monthlyTotalUsd = horizonTotalUsd / 12, extra: Partial<SystemCost> = {}): SystemCost {
  return { oneTimeUsd: 0, monthlyFixedUsd: 0, per1kQueriesUsd: monthlyTotalUsd / 100, monthlyTotalUsd, horizonTotalUsd, lines: [], assumptions: [], missingPrices: [], unverifiedPrices: [], ...extra };
}

function system(id: string, kind: string, mean: number, opts: { p95?: number; cost?: SystemCost; cats?: Record<string, number>; n?: number } = {}): SystemSummary {
  const n = opts.n ?? 400;
  const m = (x: number) => ({ mean: x, ci95: [x - 0.04, x + 0.04] as [number, number], n });
  return {
    id, kind, modelId: `${id}-model`, items: n, errors: 0, retries: 0, throttles: 0,
    metrics: { [METRIC]: m(mean) },
    latencyMs: { p50: (opts.p95 ?? 900) / 2, p95: opts.p95 ?? 900, p99: (opts.p95 ?? 900) * 1.2, mean: 500, n },
    tokens: { input: { mean: 300, total: 300 * n }, output: { mean: 60, total: 60 * n }, estimated: false },
    byCategory: Object.fromEntries(Object.entries(opts.cats ?? {}).map(([c, v]) => [c, { n: n / 2, metrics: { [METRIC]: m(v) } }])),
    cost: opts.cost ?? cost(1200),
  };
}

function cmp(a: string, b: string, difference: number, significant: boolean, category?: string): Comparison {
  return { a, b, metric: METRIC, category, n: 400, meanA: 0, meanB: 0, difference, ci95: [difference - 0.03, difference + 0.03], pValue: significant ? 0.001 : 0.4, pAdjusted: significant ? 0.003 : 0.8, method: 'paired-bootstrap', significant };
}

const workload = (w: Partial<WorkloadSpec> = {}) => WorkloadSpec.parse({ monthlyQueries: 100_000, horizonMonths: 12, ...w });

describe('recommend: scenarios with a known right verdict', () => {
  it('clear RAG win: significantly better than both, chosen with high confidence even though it costs more', () => {
    const systems = [system('base', 'base', 0.3, { cost: cost(500) }), system('ft', 'fine-tuned', 0.45, { cost: cost(900) }), system('rag', 'rag', 0.8, { cost: cost(5000) })];
    const comparisons = [cmp('rag', 'base', 0.5, true), cmp('rag', 'ft', 0.35, true), cmp('ft', 'base', 0.15, true)];
    const r = recommend({ systems, comparisons, workload: workload(), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('rag');
    expect(r.systemId).toBe('rag');
    expect(r.confidence).toBe('high');
    expect(r.headline).toMatch(/^Choose RAG/);
    expect(r.reasons.length).toBeGreaterThanOrEqual(3);
    expect(r.reasons.length).toBeLessThanOrEqual(5);
    expect(r.reasons[0]).toContain('0.800');
    expect(r.reasons[0]).toMatch(/significant after Holm/);
  });

  it('clear fine-tuned win, and per-category verdicts follow per-category comparisons', () => {
    const systems = [
      system('base', 'base', 0.3, { cats: { format: 0.2, facts: 0.4 } }),
      system('ft', 'fine-tuned', 0.75, { cats: { format: 0.9, facts: 0.6 } }),
      system('rag', 'rag', 0.5, { cats: { format: 0.3, facts: 0.7 } }),
    ];
    const comparisons = [
      cmp('ft', 'rag', 0.25, true), cmp('ft', 'base', 0.45, true), cmp('rag', 'base', 0.2, true),
      cmp('ft', 'rag', 0.6, true, 'format'), cmp('ft', 'base', 0.7, true, 'format'), cmp('rag', 'base', 0.1, false, 'format'),
      cmp('rag', 'ft', 0.1, true, 'facts'), cmp('rag', 'base', 0.3, true, 'facts'), cmp('ft', 'base', 0.2, true, 'facts'),
    ];
    const r = recommend({ systems, comparisons, workload: workload(), primaryMetric: METRIC, categories: ['format', 'facts'] });
    expect(r.choice).toBe('fine-tuned');
    expect(r.confidence).toBe('high');
    expect(r.byCategory.format).toMatchObject({ choice: 'fine-tuned', confidence: 'high' });
    expect(r.byCategory.facts).toMatchObject({ choice: 'rag', confidence: 'high' });
  });

  it('tie with costs within 10% -> inconclusive; tie with a clear cost gap -> cheapest with low confidence', () => {
    const comparisons = [cmp('rag', 'ft', 0.01, false)];
    const close = recommend({ systems: [system('ft', 'fine-tuned', 0.7, { cost: cost(1000) }), system('rag', 'rag', 0.71, { cost: cost(1050) })], comparisons, workload: workload(), primaryMetric: METRIC, categories: [], mdd: { value: 0.04, n: 400 } });
    expect(close.choice).toBe('inconclusive');
    expect(close.systemId).toBeUndefined();
    expect(close.headline).toMatch(/^Inconclusive/);
    const apart = recommend({ systems: [system('ft', 'fine-tuned', 0.7, { cost: cost(1000) }), system('rag', 'rag', 0.71, { cost: cost(5000) })], comparisons, workload: workload(), primaryMetric: METRIC, categories: [], mdd: { value: 0.04, n: 400 } });
    expect(apart).toMatchObject({ choice: 'fine-tuned', systemId: 'ft', confidence: 'low' });
    expect(apart.headline).toMatch(/cheapest/);
  });

  it('too-small set -> inconclusive, with the MDD warning and the set size that would settle it', () => {
    const systems = [system('base', 'base', 0.45, { cost: cost(100), n: 20 }), system('rag', 'rag', 0.6, { cost: cost(5000), n: 20 })];
    const r = recommend({ systems, comparisons: [cmp('rag', 'base', 0.15, false)], workload: workload(), primaryMetric: METRIC, categories: [], mdd: { value: 0.3, n: 20 } });
    expect(r.choice).toBe('inconclusive');
    expect(r.headline).toMatch(/too small/);
    expect(r.warnings.join(' ')).toMatch(/n = 20 .* about 0\.300/);
    // MDD scales with 1/sqrt(n): 20 x (0.3 / 0.15)^2 = 80 items.
    expect(r.whatWouldChange.join(' ')).toContain('~80 items');
  });

  it('SLO violation: the more accurate system is ruled out and the reason says so', () => {
    const systems = [system('ft', 'fine-tuned', 0.7, { p95: 800 }), system('rag', 'rag', 0.85, { p95: 3000 })];
    const r = recommend({ systems, comparisons: [cmp('rag', 'ft', 0.15, true)], workload: workload({ latencySloMs: 1500 }), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('fine-tuned');
    expect(r.confidence).toBe('medium');
    expect(r.reasons.join(' ')).toMatch(/rag is ruled out: p95 latency 3000 ms exceeds the 1500 ms SLO/);
    expect(r.whatWouldChange.join(' ')).toMatch(/SLO of 3000 ms/);
  });

  it('budget violation: a system over the monthly budget cannot win; none within budget -> inconclusive', () => {
    const systems = [system('ft', 'fine-tuned', 0.9, { cost: cost(12 * 16000, 16000) }), system('rag', 'rag', 0.88, { cost: cost(12 * 400, 400) })];
    const comparisons = [cmp('ft', 'rag', 0.02, false)];
    const r = recommend({ systems, comparisons, workload: workload({ monthlyBudgetUsd: 1000 }), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('rag');
    expect(r.reasons.join(' ')).toMatch(/over the \$1,000\.00 budget/);
    const none = recommend({ systems, comparisons, workload: workload({ monthlyBudgetUsd: 100 }), primaryMetric: METRIC, categories: [] });
    expect(none.choice).toBe('inconclusive');
    expect(none.headline).toMatch(/no system meets the constraints/);
  });

  it('citations required: only RAG kinds qualify', () => {
    const systems = [system('ft', 'fine-tuned', 0.9), system('rag', 'rag', 0.6), system('base', 'base', 0.3)];
    const comparisons = [cmp('ft', 'rag', 0.3, true), cmp('ft', 'base', 0.6, true), cmp('rag', 'base', 0.3, true)];
    const r = recommend({ systems, comparisons, workload: workload({ citationsRequired: true }), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('rag');
    expect(r.reasons.join(' ')).toMatch(/ft is ruled out: cannot cite sources/);
  });

  it('fast-changing knowledge: a fine-tuned-only system is penalized, RAG-with-fine-tuning is not', () => {
    const systems = [system('ft', 'fine-tuned', 0.8, { cost: cost(600) }), system('rag', 'rag', 0.78, { cost: cost(3000) }), system('ragft', 'rag-fine-tuned', 0.6, { cost: cost(4000) })];
    const comparisons = [cmp('ft', 'rag', 0.02, false), cmp('ft', 'ragft', 0.2, true), cmp('rag', 'ragft', 0.18, true)];
    const w = workload({ knowledgeChangePerMonth: 0.1, retrainEveryMonths: 6 });
    const r = recommend({ systems, comparisons, workload: w, primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('rag');
    expect(r.reasons.join(' ')).toMatch(/ft is penalized for freshness: up to 60% of facts change/);
    expect(r.whatWouldChange.join(' ')).toMatch(/Retraining at least every 15 days/);
    // Slow change with frequent retraining: no penalty, the cheaper fine-tuned model wins the quality tie.
    const slow = recommend({ systems, comparisons, workload: workload({ knowledgeChangePerMonth: 0.01, retrainEveryMonths: 1 }), primaryMetric: METRIC, categories: [] });
    expect(slow.choice).toBe('fine-tuned');
  });

  it('stale knowledge only counts in categories where retrieval measurably helps', () => {
    const systems = [
      system('base', 'base', 0.3, { cost: cost(100), cats: { style: 0.0, facts: 0.0 } }),
      system('ft', 'fine-tuned', 0.6, { cost: cost(150), cats: { style: 1.0, facts: 0.4 } }),
      system('ragft', 'rag-fine-tuned', 0.9, { cost: cost(4000), cats: { style: 1.0, facts: 0.95 } }),
    ];
    const comparisons = [
      cmp('ragft', 'ft', 0.3, true), cmp('ragft', 'base', 0.6, true), cmp('ft', 'base', 0.3, true),
      cmp('ragft', 'ft', 0.0, false, 'style'), cmp('ft', 'base', 1.0, true, 'style'), cmp('ragft', 'base', 1.0, true, 'style'),
      cmp('ragft', 'ft', 0.55, true, 'facts'), cmp('ragft', 'base', 0.95, true, 'facts'), cmp('ft', 'base', 0.4, true, 'facts'),
    ];
    const w = workload({ knowledgeChangePerMonth: 0.1, retrainEveryMonths: 6 });
    const r = recommend({ systems, comparisons, workload: w, primaryMetric: METRIC, categories: ['style', 'facts'] });
    // ragft beats base in "style" too, but so does ft: retrieval adds nothing over the fine-tuned model there.
    expect(r.byCategory.style).toMatchObject({ choice: 'fine-tuned', systemId: 'ft' });
    expect(r.byCategory.style.reasons.join(' ')).not.toMatch(/freshness/);
    expect(r.byCategory.facts).toMatchObject({ choice: 'rag-fine-tuned' });
  });

  it('without comparisons quality never decides (costs within 10% -> inconclusive); warns about unverified and missing prices; passes break-even through', () => {
    const systems = [
      system('base', 'base', 0.5, { cost: cost(100, 100 / 12, { unverifiedPrices: ['opensearch-serverless ocu-hour us-east-1 = 0.24'] }) }),
      system('rag', 'rag', 0.9, { cost: cost(105, 105 / 12, { missingPrices: ['x training'] }) }),
    ];
    const breakEven = [{ a: 'base', b: 'rag', monthlyQueries: 2_400_000, note: 'base becomes cheaper than rag above 2.4M queries/month over 12 months' }];
    const r = recommend({ systems, comparisons: [], workload: workload(), primaryMetric: METRIC, categories: [], breakEven });
    expect(r.choice).toBe('inconclusive');
    expect(r.warnings.join(' ')).toMatch(/No paired comparisons/);
    expect(r.warnings.join(' ')).toMatch(/Unverified prices used/);
    expect(r.warnings.join(' ')).toMatch(/excludes missing prices: x training/);
    expect(r.breakEven).toEqual(breakEven);
    expect(r.whatWouldChange).toContain(breakEven[0].note);
  });

  it('accuracy target missed lowers confidence and is reported', () => {
    const systems = [system('base', 'base', 0.3), system('rag', 'rag', 0.6)];
    const r = recommend({ systems, comparisons: [cmp('rag', 'base', 0.3, true)], workload: workload({ accuracyTarget: 0.8 }), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('rag');
    expect(r.confidence).toBe('medium');
    expect(r.warnings.join(' ')).toMatch(/No system reaches the f1 target of 0.8/);
  });
});
