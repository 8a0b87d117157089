/**
 * Re-pricing without calling any model: a run's systems priced again from the cost inputs run.json recorded, with
 * another catalog (`ftrag report --prices`) or on another vector store (the run's vector-store table), and the
 * verdict decided again by the same `recommend` the run used, so "would the verdict change" is answered by the rule
 * itself rather than by a cost comparison of our own.
 */
import { VECTOR_STORE_TYPES, WorkloadSpec, type VectorStoreSpec } from '../config/schema.js';
import { breakEvenPairs, catalogSummary, costForSystem, resolvedStore, VECTOR_STORE_LABEL, type CostInput, type PriceCatalog } from '../cost/index.js';
import { recommend, type RecommendInput } from '../recommend/index.js';
import { RunSummary, type Comparison, type Recommendation, type SystemSummary, type VectorStoreComparison } from '../schema/run-result.js';
import { InputError } from '../util/errors.js';

/** What a verdict is decided from, less the break-even inputs that re-pricing computes anew. */
export type DecisionContext = Omit<RecommendInput, 'breakEven'>;

export interface Decided {
  systems: SystemSummary[];
  recommendation: Recommendation;
}

export function decisionContextOf(run: RunSummary): DecisionContext {
  return {
    systems: run.systems,
    comparisons: run.comparisons,
    workload: WorkloadSpec.parse(run.config.workload ?? {}),
    primaryMetric: run.primaryMetric,
    categories: run.evalSet.categories,
    equivalenceMargin: (run.config.verdict as { equivalenceMargin?: number } | undefined)?.equivalenceMargin,
  };
}

/** The cost input a system was priced from, when run.json recorded it. */
export function costInputOf(system: SystemSummary): CostInput | undefined {
  return system.cost?.input as CostInput | undefined;
}

/** Prices every system that recorded its cost input with `catalog` (after `transform`), then decides again. */
export function priceAndDecide(ctx: DecisionContext, catalog: PriceCatalog, transform: (input: CostInput) => CostInput = (i) => i): Decided {
  const systems = ctx.systems.map((s) => {
    const input = costInputOf(s);
    if (!input) return s;
    const next = transform(input);
    return { ...s, cost: { ...costForSystem(next, ctx.workload, catalog), input: next as unknown as Record<string, unknown> } };
  });
  return { systems, recommendation: decide(ctx, systems) };
}

export function decide(ctx: DecisionContext, systems: SystemSummary[]): Recommendation {
  const breakEven = breakEvenPairs(
    systems.filter((s) => s.cost).map((s) => ({ id: s.id, cost: s.cost! })),
    ctx.workload.horizonMonths,
  );
  return recommend({ systems, comparisons: ctx.comparisons, workload: ctx.workload, primaryMetric: ctx.primaryMetric, categories: ctx.categories, equivalenceMargin: ctx.equivalenceMargin, breakEven });
}

/** The configured store's sizing carried over to another store type, with that store's default capacity. */
function storeAs(type: (typeof VECTOR_STORE_TYPES)[number], from: VectorStoreSpec): VectorStoreSpec {
  const sizing = from.type === 'none' ? {} : { vectors: from.vectors, dimensions: from.dimensions, storageGb: from.storageGb };
  if (from.type === type) return from;
  switch (type) {
    case 'opensearch-serverless':
      return { type, ocus: 2, ...sizing };
    case 's3-vectors':
      return { type, indexes: 1, ...sizing };
    case 'aurora-pgvector':
      return { type, acus: 0.5, ...sizing };
    default:
      return { type, ...sizing };
  }
}

/** Monthly vector store spend at the configured volume: its monthly lines plus its per-query lines at that volume. */
function vectorStoreMonthly(cost: NonNullable<SystemSummary['cost']>, monthlyQueries: number): number {
  return cost.lines
    .filter((l) => l.item.startsWith('vector store'))
    .reduce((sum, l) => sum + (l.period === 'monthly' ? l.usd : l.period === 'per-1k-queries' ? (l.usd * monthlyQueries) / 1000 : 0), 0);
}

/**
 * What every RAG system would cost on each vector store (sizing carried over from the configured store), and the
 * verdict `recommend` reaches with those costs. Undefined when no system has a Knowledge Base with recorded inputs.
 */
export function compareVectorStores(ctx: DecisionContext, catalog: PriceCatalog, baseline: Recommendation): VectorStoreComparison | undefined {
  const rag = ctx.systems.filter((s) => costInputOf(s)?.knowledgeBase);
  if (rag.length === 0) return undefined;
  const firstKb = costInputOf(rag[0])!.knowledgeBase!;
  const configured = resolvedStore(firstKb);
  const onStore = (store: (kb: NonNullable<CostInput['knowledgeBase']>) => VectorStoreSpec) =>
    priceAndDecide(ctx, catalog, (input) => {
      if (!input.knowledgeBase) return input;
      return { ...input, assumptions: [], knowledgeBase: { ...input.knowledgeBase, vectorStore: store(input.knowledgeBase), vectorStoreAssumed: false } };
    });
  // What a system lacks without any store, so each store's row lists only the prices the store itself lacks.
  const withoutStore = new Map(onStore(() => ({ type: 'none' })).systems.map((s) => [s.id, s.cost!]));
  const stores = VECTOR_STORE_TYPES.map((type) => {
    const decided = onStore((kb) => storeAs(type, resolvedStore(kb)));
    const systems = decided.systems
      .filter((s) => rag.some((r) => r.id === s.id))
      .map((s) => ({
        id: s.id,
        vectorStoreMonthlyUsd: vectorStoreMonthly(s.cost!, ctx.workload.monthlyQueries),
        monthlyTotalUsd: s.cost!.monthlyTotalUsd,
        horizonTotalUsd: s.cost!.horizonTotalUsd,
        missingPrices: s.cost!.missingPrices.filter((m) => !withoutStore.get(s.id)?.missingPrices.includes(m)),
        unverifiedPrices: s.cost!.unverifiedPrices.filter((u) => !withoutStore.get(s.id)?.unverifiedPrices.includes(u)),
      }));
    const r = decided.recommendation;
    return {
      type,
      label: VECTOR_STORE_LABEL[type],
      systems,
      choice: r.choice,
      systemId: r.systemId,
      verdictChanged: r.choice !== baseline.choice || r.systemId !== baseline.systemId,
    };
  });
  return {
    configured: configured.type,
    assumed: rag.some((s) => costInputOf(s)!.knowledgeBase!.vectorStoreAssumed === true),
    baseline: { choice: baseline.choice, systemId: baseline.systemId },
    stores,
  };
}

export interface Repriced {
  run: RunSummary;
  recommendation?: Recommendation;
  verdictChanged: boolean;
}

/**
 * The saved run priced with `catalog`: costs, break-even, verdict and the vector-store table recomputed from the cost
 * inputs run.json recorded; scores, comparisons and answers untouched, no model called. The catalog the run was
 * first priced with and its verdict are kept in `priceCatalog.repricedFrom`.
 */
export function repriceRun(run: RunSummary, catalog: PriceCatalog): Repriced {
  const withInputs = run.systems.filter((s) => s.cost);
  if (withInputs.length && withInputs.every((s) => !costInputOf(s))) {
    throw new InputError('this run.json records no cost inputs (it was written by an older ftrag): re-run it, or price it with `ftrag cost --run`', { field: 'systems[].cost.input' });
  }
  const ctx = decisionContextOf(run);
  const decided = priceAndDecide(ctx, catalog);
  const first = run.priceCatalog.repricedFrom ?? { id: run.priceCatalog.id, date: run.priceCatalog.date, choice: run.recommendation?.choice ?? 'none', systemId: run.recommendation?.systemId };
  const next: RunSummary = {
    ...run,
    systems: decided.systems,
    recommendation: decided.recommendation,
    priceCatalog: { ...catalogSummary(catalog), repricedFrom: first },
    vectorStores: compareVectorStores({ ...ctx, systems: decided.systems }, catalog, decided.recommendation),
  };
  const verdictChanged = first.choice !== decided.recommendation.choice || first.systemId !== decided.recommendation.systemId;
  return { run: RunSummary.parse(next), recommendation: decided.recommendation, verdictChanged };
}
