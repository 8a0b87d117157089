import { describe, expect, it } from 'vitest';
import { VectorStoreSpec, WorkloadSpec } from '../../src/config/schema.js';
import { costForSystem, loadCatalog, sizeVectors } from '../../src/cost/index.js';
import type { CostInput } from '../../src/cost/index.js';

const workload = (w: Partial<WorkloadSpec> = {}) => WorkloadSpec.parse(w);
const lines = (cost: ReturnType<typeof costForSystem>, item: string) => cost.lines.filter((l) => l.item === item);
const sum = (cost: ReturnType<typeof costForSystem>, item: string) => lines(cost, item).reduce((s, l) => s + l.usd, 0);

function rag(kb: Partial<NonNullable<CostInput['knowledgeBase']>>): CostInput {
  return {
    kind: 'rag',
    modelId: 'amazon.nova-micro-v1:0',
    pricingModelId: 'amazon.nova-micro-v1:0',
    region: 'us-east-1',
    measured: { inputTokensMean: 1000, outputTokensMean: 50, queryEmbeddingTokensMean: 20 },
    knowledgeBase: { corpusTokens: 100_000, embeddingModelId: 'amazon.titan-embed-text-v2:0', ...kb },
  };
}

describe('vector stores', async () => {
  const catalog = await loadCatalog();

  it("reproduces AWS's S3 Vectors pricing example 1 (10M vectors in 40 indexes, 1M queries: $11.38/month)", () => {
    // 6.17 KB stored and 5.17 KB processed per vector: 4 KB vector data + 1 KB filterable + 1 KB other metadata + 0.17 KB key.
    const gb = (10_000_000 * 6.17 * 1024) / 2 ** 30;
    const store = VectorStoreSpec.parse({ type: 's3-vectors', vectors: 10_000_000, dimensions: 1024, storageGb: gb, indexes: 40, filterableMetadataBytes: 5.17 * 1024 - 4096 - 36 });
    // A sixth of the data is re-uploaded every month.
    const w = workload({ monthlyQueries: 1_000_000, horizonMonths: 12, knowledgeChangePerMonth: 1 / 6, reingestEveryMonths: 1 });
    const cost = costForSystem(rag({ vectorStore: store }), w, catalog);
    const storage = sum(cost, 'vector store storage');
    const queries = (1_000_000 / 1000) * (sum(cost, 'vector store queries') + sum(cost, 'vector store query data'));
    const putPerMonth = sum(cost, 'vector store re-writes') / 11;
    expect(storage).toBeCloseTo(3.54, 1); // AWS rounds to 59 GB first: $3.54; unrounded $3.53
    expect(putPerMonth).toBeCloseTo(1.97, 1);
    expect(queries).toBeCloseTo(5.87, 2); // $1.93 tier 1 + $1.44 tier 2 + $2.50 requests
    expect(storage + putPerMonth + queries).toBeCloseTo(11.38, 1);
    expect(lines(cost, 'vector store query data')).toHaveLength(2);
    expect(sum(cost, 'vector store writes')).toBeCloseTo(gb * 0.2, 9);
  });

  it('estimates vectors from per-document tokens at 300-token chunks with 60 overlap, and labels the estimate', () => {
    const kb = rag({ documentTokens: [100, 300, 301, 1000], corpusTokens: 1701 }).knowledgeBase!;
    const sizing = sizeVectors(kb, { type: 's3-vectors', indexes: 1 });
    expect(sizing.vectors).toBe(1 + 1 + 2 + 4);
    expect(sizing.dimensions).toBe(1024);
    expect(sizing.queryBytesPerVector).toBeGreaterThan(4096);
    expect(sizing.estimated.join(' ')).toMatch(/8 vectors estimated/);
    const given = sizeVectors(kb, { type: 's3-vectors', indexes: 1, vectors: 42, dimensions: 256 });
    expect(given.vectors).toBe(42);
    expect(given.estimated.join(' ')).not.toMatch(/vectors estimated/);
  });

  it('no store configured: OpenSearch Serverless at 2 OCU, said to be assumed, with storage, write and query lines', () => {
    const cost = costForSystem(rag({}), workload(), catalog);
    expect(sum(cost, 'vector store compute')).toBeCloseTo(2 * 0.24 * 744, 9);
    expect(lines(cost, 'vector store storage')).toHaveLength(1);
    expect(lines(cost, 'vector store writes')[0].basis).toMatch(/included in OCU-hours/);
    expect(lines(cost, 'vector store queries')[0].basis).toMatch(/included in OCU-hours/);
    const assumed = costForSystem(rag({ vectorStoreAssumed: true }), workload(), catalog);
    expect(assumed.assumptions.join(' ')).toMatch(/No vector store configured.*OpenSearch Serverless at 2 OCU assumed/);
  });

  it('a store the catalog has no price for is listed as missing, never priced at zero; an override prices it', async () => {
    const neptune = costForSystem(rag({ vectorStore: { type: 'neptune-analytics', mNcus: 16 } }), workload(), catalog);
    expect(neptune.missingPrices.join(' ')).toMatch(/neptune-analytics m-ncu-hour/);
    expect(lines(neptune, 'vector store compute')).toHaveLength(0);
    const noSize = costForSystem(rag({ vectorStore: { type: 'neptune-analytics' } }), workload(), catalog);
    expect(noSize.missingPrices.join(' ')).toMatch(/set vectorStore.mNcus/);
    const redis = costForSystem(rag({ vectorStore: { type: 'redis-enterprise' } }), workload(), catalog);
    expect(redis.missingPrices.join(' ')).toMatch(/redis-enterprise-cloud subscription-month.*pricing.overrides/);
    const priced = await loadCatalog(undefined, [{ modelId: 'redis-enterprise-cloud', unit: 'subscription-month', price: 100, source: 'my plan' }]);
    const withPlan = costForSystem(rag({ vectorStore: { type: 'redis-enterprise' } }), workload(), priced);
    expect(sum(withPlan, 'vector store compute')).toBe(100);
    expect(withPlan.missingPrices).toEqual([]);
  });

  it('Aurora: ACU-hours and storage priced, unverified, and its I/O listed as missing', () => {
    const cost = costForSystem(rag({ vectorStore: VectorStoreSpec.parse({ type: 'aurora-pgvector', acus: 1 }) }), workload(), catalog);
    expect(sum(cost, 'vector store compute')).toBeCloseTo(0.12 * 744, 9);
    expect(lines(cost, 'vector store compute')[0].unverified).toBe(true);
    expect(cost.missingPrices.join(' ')).toMatch(/Aurora I\/O/);
  });

  it('S3 Vectors costs grow with query volume while OpenSearch Serverless is a fixed floor', () => {
    const s3 = costForSystem(rag({ vectorStore: { type: 's3-vectors', indexes: 1 } }), workload(), catalog);
    const oss = costForSystem(rag({ vectorStore: { type: 'opensearch-serverless', ocus: 2 } }), workload(), catalog);
    expect(s3.monthlyFixedUsd).toBeLessThan(1);
    expect(s3.per1kQueriesUsd).toBeGreaterThan(oss.per1kQueriesUsd);
    expect(oss.monthlyFixedUsd).toBeGreaterThan(357);
  });

  it('rejects an unknown store type with the field named', () => {
    const r = VectorStoreSpec.safeParse({ type: 'faiss' });
    expect(r.success).toBe(false);
  });
});
