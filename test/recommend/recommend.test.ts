import { describe, expect, it } from 'vitest';
import { WorkloadSpec } from '../../src/config/schema.js';
import { recommend } from '../../src/recommend/index.js';
import type { Comparison, SystemCost, SystemSummary } from '../../src/schema/run-result.js';

const METRIC = 'f1';

function cost(horizonTotalUsd: number, monthlyTotalUsd = horizonTotalUsd / 12, extra: Partial<SystemCost> = {}): SystemCost {
  return { oneTimeUsd: 0, monthlyFixedUsd: 0, per1kQueriesUsd: monthlyTotalUsd / 100, monthlyTotalUsd, horizonTotalUsd, lines: [], assumptions: [], missingPrices: [], unverifiedPrices: [], ...extra };
}

function system(id: string, kind: string, mean: number, opts: { p95?: number; p95Ci?: [number, number]; cost?: SystemCost; cats?: Record<string, number>; n?: number } = {}): SystemSummary {
  const n = opts.n ?? 400;
  const m = (x: number) => ({ mean: x, ci95: [x - 0.04, x + 0.04] as [number, number], n });
  return {
    id, kind, modelId: `${id}-model`, items: n, errors: 0, retries: 0, throttles: 0,
    metrics: { [METRIC]: m(mean) },
    latencyMs: { p50: (opts.p95 ?? 900) / 2, p95: opts.p95 ?? 900, p99: (opts.p95 ?? 900) * 1.2, mean: 500, n, ...(opts.p95Ci ? { p95Ci95: opts.p95Ci } : {}) },
    tokens: { input: { mean: 300, total: 300 * n }, output: { mean: 60, total: 60 * n }, estimated: false },
    byCategory: Object.fromEntries(Object.entries(opts.cats ?? {}).map(([c, v]) => [c, { n: n / 2, metrics: { [METRIC]: m(v) } }])),
    cost: opts.cost ?? cost(1200),
  };
}

function cmp(a: string, b: string, difference: number, significant: boolean, category?: string, opts: { equivalent?: boolean; itemsToSettle?: number; n?: number } = {}): Comparison {
  return {
    a, b, metric: METRIC, category, n: opts.n ?? 400, meanA: 0, meanB: 0, difference, ci95: [difference - 0.03, difference + 0.03],
    pValue: significant ? 0.001 : 0.4, pAdjusted: significant ? 0.003 : 0.8, method: 'paired-bootstrap', significant,
    equivalence: { margin: 0.02, pValue: opts.equivalent ? 0.01 : 0.5, ci90: opts.equivalent ? [difference - 0.01, difference + 0.01] : [difference - 0.1, difference + 0.1], equivalent: !!opts.equivalent },
    mde: { value: 0.1, basis: 'paired McNemar at the observed discordance (10.0% of items)', ...(opts.itemsToSettle ? { itemsToSettle: opts.itemsToSettle } : {}) },
  };
}
const eq = { equivalent: true };

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
    expect(r.reasons[0]).toMatch(/\+35\.0 pts, Holm p = 0\.003, n = 400, significant/);
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

  it('a tie shown equivalent at very different costs goes to the cheaper system; equivalent at equal cost is inconclusive', () => {
    const comparisons = [cmp('rag', 'ft', 0.005, false, undefined, eq)];
    const apart = recommend({ systems: [system('ft', 'fine-tuned', 0.7, { cost: cost(24) }), system('rag', 'rag', 0.705, { cost: cost(4311) })], comparisons, workload: workload(), primaryMetric: METRIC, categories: [] });
    expect(apart).toMatchObject({ choice: 'fine-tuned', systemId: 'ft', confidence: 'medium' });
    expect(apart.headline).toMatch(/equivalent on f1 and the cheapest/);
    expect(apart.reasons.join(' ')).toMatch(/equivalent to rag on f1 \(90% CI/);
    expect(apart.reasons.join(' ')).toMatch(/\$4,287\.00 cheaper than rag/);
    const close = recommend({ systems: [system('ft', 'fine-tuned', 0.7, { cost: cost(1000) }), system('rag', 'rag', 0.705, { cost: cost(1050) })], comparisons, workload: workload(), primaryMetric: METRIC, categories: [] });
    expect(close).toMatchObject({ choice: 'inconclusive', confidence: 'low' });
    expect(close.headline).toMatch(/either will do/);
  });

  it('neither different nor equivalent -> inconclusive with the items that would settle it, whatever the costs', () => {
    const systems = [system('base', 'base', 0.45, { cost: cost(100), n: 20 }), system('rag', 'rag', 0.6, { cost: cost(5000), n: 20 })];
    const r = recommend({ systems, comparisons: [cmp('rag', 'base', 0.15, false, undefined, { itemsToSettle: 80, n: 20 })], workload: workload(), primaryMetric: METRIC, categories: [] });
    expect(r).toMatchObject({ choice: 'inconclusive', confidence: 'low' });
    expect(r.headline).toMatch(/neither separate rag, base .* nor show them equivalent; about 80 items would settle it/);
    expect(r.reasons.join(' ')).toMatch(/paired MDE is 10\.0 pts/);
    expect(r.whatWouldChange.join(' ')).toMatch(/About 80 items would settle base vs rag|About 80 items would settle rag vs base/);
  });

  it('SLO: ruled out only when the p95 interval is above it; a straddling interval lowers confidence and says so', () => {
    const comparisons = [cmp('rag', 'ft', 0.15, true)];
    const out = recommend({ systems: [system('ft', 'fine-tuned', 0.7, { p95: 800, p95Ci: [700, 900] }), system('rag', 'rag', 0.85, { p95: 3000, p95Ci: [2800, 3200] })], comparisons, workload: workload({ latencySloMs: 1500 }), primaryMetric: METRIC, categories: [] });
    expect(out).toMatchObject({ choice: 'fine-tuned', confidence: 'medium' });
    expect(out.reasons.join(' ')).toMatch(/rag \(rag, 0\.850\) is ruled out: client p95 3,000 ms \(95% CI 2,800 ms-3,200 ms\) is above the 1,500 ms SLO with 95% confidence/);
    expect(out.whatWouldChange.join(' ')).toMatch(/SLO of 3,200 ms/);
    const straddle = recommend({ systems: [system('ft', 'fine-tuned', 0.7, { p95: 800, p95Ci: [700, 900] }), system('rag', 'rag', 0.85, { p95: 1600, p95Ci: [1400, 1800] })], comparisons, workload: workload({ latencySloMs: 1500 }), primaryMetric: METRIC, categories: [] });
    expect(straddle).toMatchObject({ choice: 'rag', confidence: 'medium' });
    expect(straddle.reasons.join(' ')).toMatch(/straddles the 1,500 ms SLO/);
  });

  it('service latency decides the SLO when the run has it', () => {
    const rag = system('rag', 'rag', 0.85, { p95: 3000, p95Ci: [2800, 3200] });
    (rag as unknown as { serviceLatencyMs: unknown }).serviceLatencyMs = { p50: 500, p95: 600, p99: 700, mean: 520, n: 400, p95Ci95: [580, 640] };
    const r = recommend({ systems: [system('ft', 'fine-tuned', 0.7), rag], comparisons: [cmp('rag', 'ft', 0.15, true)], workload: workload({ latencySloMs: 1500 }), primaryMetric: METRIC, categories: [] });
    expect(r).toMatchObject({ choice: 'rag', confidence: 'high' });
    expect(r.reasons.join(' ')).toMatch(/service p95 600 ms/);
  });

  it('budget violation: a system over the monthly budget cannot win; none within budget -> inconclusive naming each broken constraint', () => {
    const systems = [system('ft', 'fine-tuned', 0.9, { cost: cost(12 * 16000, 16000) }), system('rag', 'rag', 0.88, { cost: cost(12 * 400, 400) })];
    const comparisons = [cmp('ft', 'rag', 0.02, false)];
    const r = recommend({ systems, comparisons, workload: workload({ monthlyBudgetUsd: 1000 }), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('rag');
    expect(r.reasons.join(' ')).toMatch(/over the \$1,000\.00 budget/);
    const none = recommend({ systems, comparisons, workload: workload({ monthlyBudgetUsd: 100 }), primaryMetric: METRIC, categories: [] });
    expect(none.choice).toBe('inconclusive');
    expect(none.headline).toMatch(/no system meets every constraint \(ft is over budget; rag is over budget\)/);
    expect(none.reasons.join(' ')).toMatch(/Trade-off: ft scores best .* a budget of \$16,000\.00\/month would let it qualify/);
    expect(none.reasons.join(' ')).toMatch(/rag \(rag, 0\.880\) is ruled out: costs \$400\.00\/month/);
  });

  it('a zero never wins while another system scores, even when it is the only one that qualifies', () => {
    const systems = [system('base', 'base', 0.0, { p95: 300, p95Ci: [280, 320] }), system('rag', 'rag', 0.8, { p95: 3500, p95Ci: [3300, 3700] })];
    const r = recommend({ systems, comparisons: [cmp('rag', 'base', 0.8, true)], workload: workload({ latencySloMs: 3000 }), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('inconclusive');
    expect(r.headline).toMatch(/only systems that meet every constraint \(base\) score 0 on f1 \(rag breaks the latency SLO\)/);
    expect(r.reasons.join(' ')).toMatch(/an SLO of 3,700 ms would let it qualify/);
  });

  it('citations required: only RAG kinds qualify', () => {
    const systems = [system('ft', 'fine-tuned', 0.9), system('rag', 'rag', 0.6), system('base', 'base', 0.3)];
    const comparisons = [cmp('ft', 'rag', 0.3, true), cmp('ft', 'base', 0.6, true), cmp('rag', 'base', 0.3, true)];
    const r = recommend({ systems, comparisons, workload: workload({ citationsRequired: true }), primaryMetric: METRIC, categories: [] });
    expect(r.choice).toBe('rag');
    expect(r.reasons.join(' ')).toMatch(/ft \(fine-tuned, 0\.900\) is ruled out: cannot cite sources/);
  });

  it('composite: ties rag -> rag; ties fine-tuned -> fine-tuned; better than both parts -> rag-fine-tuned', () => {
    const sys = (ragft: number, rag: number, ft: number) => [system('ft', 'fine-tuned', ft, { cost: cost(24) }), system('rag', 'rag', rag, { cost: cost(4311) }), system('rft', 'rag-fine-tuned', ragft, { cost: cost(4335) })];
    const tieRag = recommend({ systems: sys(0.9, 0.9, 0.4), comparisons: [cmp('rft', 'rag', 0, false), cmp('rft', 'ft', 0.5, true), cmp('rag', 'ft', 0.5, true)], workload: workload(), primaryMetric: METRIC, categories: [] });
    expect(tieRag).toMatchObject({ choice: 'rag', confidence: 'medium' });
    expect(tieRag.reasons.join(' ')).toMatch(/the simpler rag stays/);
    const tieFt = recommend({ systems: sys(1, 0.1, 1), comparisons: [cmp('rft', 'rag', 0.9, true), cmp('rft', 'ft', 0, false, undefined, eq), cmp('ft', 'rag', 0.9, true)], workload: workload(), primaryMetric: METRIC, categories: [] });
    expect(tieFt).toMatchObject({ choice: 'fine-tuned', confidence: 'high' });
    const both = recommend({ systems: sys(0.95, 0.6, 0.55), comparisons: [cmp('rft', 'rag', 0.35, true), cmp('rft', 'ft', 0.4, true), cmp('rag', 'ft', 0.05, false)], workload: workload(), primaryMetric: METRIC, categories: [] });
    expect(both).toMatchObject({ choice: 'rag-fine-tuned', confidence: 'high' });
  });

  it('freshness: a quantified penalty that reorders a tie but never overrules a significant difference', () => {
    const systems = [system('ft', 'fine-tuned', 0.8, { cost: cost(600) }), system('rag', 'rag', 0.8, { cost: cost(3000) }), system('base', 'base', 0.1, { cost: cost(100) })];
    const w = workload({ knowledgeChangePerMonth: 0.1, retrainEveryMonths: 6 });
    const tie = [cmp('ft', 'rag', 0, false, undefined, eq), cmp('ft', 'base', 0.7, true), cmp('rag', 'base', 0.7, true)];
    const r = recommend({ systems, comparisons: tie, workload: w, primaryMetric: METRIC, categories: [] });
    // Stale share: 10%/month x 6 months / 2 = 30%; penalty 0.3 x 0.8 = 24 pts for ft, 0.05 x 0.8 = 4 pts for rag.
    expect(r).toMatchObject({ choice: 'rag', confidence: 'medium' });
    expect(r.reasons.join(' ')).toMatch(/ft 0\.800 -> 0\.560 \(-24\.0 pts: 30\.0% of facts stale/);
    const slow = recommend({ systems, comparisons: tie, workload: workload({ knowledgeChangePerMonth: 0.01, retrainEveryMonths: 1 }), primaryMetric: METRIC, categories: [] });
    expect(slow.choice).toBe('fine-tuned');
    const ftBetter = [system('ft', 'fine-tuned', 0.85, { cost: cost(600) }), system('rag', 'rag', 0.7, { cost: cost(3000) }), system('base', 'base', 0.1, { cost: cost(100) })];
    const lead = recommend({ systems: ftBetter, comparisons: [cmp('ft', 'rag', 0.15, true), cmp('ft', 'base', 0.75, true), cmp('rag', 'base', 0.6, true)], workload: w, primaryMetric: METRIC, categories: [] });
    expect(lead).toMatchObject({ choice: 'fine-tuned', confidence: 'medium' });
    expect(lead.reasons.join(' ')).toMatch(/Freshness erodes ft's lead/);
  });

  it('stale knowledge only counts in categories where retrieval measurably helps; a differing category verdict says why', () => {
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
    expect(r.choice).toBe('rag-fine-tuned');
    expect(r.byCategory.style).toMatchObject({ choice: 'fine-tuned', systemId: 'ft' });
    expect(r.byCategory.style.reasons.join(' ')).not.toMatch(/Freshness/);
    expect(r.byCategory.style.reasons.join(' ')).toMatch(/differs from the overall verdict/);
    expect(r.byCategory.facts).toMatchObject({ choice: 'rag-fine-tuned', confidence: 'high' });
  });

  it('without comparisons quality never decides; warns about unverified and missing prices; passes break-even through', () => {
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
