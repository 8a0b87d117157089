/** The JumpStart cost model: instance-hours for training and hosting, S3 storage, and break-even against per-token Bedrock. */
import { describe, expect, it } from 'vitest';
import { breakEvenMonthlyQueries, costForSageMaker, costForSystem, horizonCostAt, loadCatalog, volumeIndependentCost, type CostInput } from '../../src/cost/index.js';
import { WorkloadSpec } from '../../src/config/schema.js';

const workload = WorkloadSpec.parse({ monthlyQueries: 100_000, horizonMonths: 12 });
const input = (over: Partial<NonNullable<CostInput['sagemaker']>> = {}): CostInput => ({
  kind: 'fine-tuned',
  modelId: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/x',
  pricingModelId: 'meta-textgeneration-llama-3-1-8b-instruct',
  region: 'us-east-1',
  measured: { inputTokensMean: 300, outputTokensMean: 60 },
  sagemaker: {
    jumpStartModelId: 'meta-textgeneration-llama-3-1-8b-instruct',
    training: { instanceType: 'ml.g5.2xlarge', instanceCount: 2, billableSeconds: 5400, assumedTokensPerSecond: 1000, assumedOverheadSeconds: 900 },
    endpoint: { instanceType: 'ml.g5.2xlarge', instanceCount: 1, hoursPerDay: 24 },
    artifactSizeGb: 16,
    ...over,
  },
});

describe('SageMaker cost', () => {
  it('training = billable hours x instances x rate; endpoint = instances x rate x 744 h x hoursPerDay/24; S3 storage monthly; nothing per query', async () => {
    const catalog = await loadCatalog();
    const c = costForSystem(input(), workload, catalog);
    const rate = catalog.entries.find((e) => e.modelId === 'ml.g5.2xlarge' && e.unit === 'hosting-instance-hour')!.price;
    const train = catalog.entries.find((e) => e.modelId === 'ml.g5.2xlarge' && e.unit === 'training-instance-hour')!.price;
    expect(c.oneTimeUsd).toBeCloseTo(1.5 * 2 * train, 6);
    expect(c.lines.find((l) => l.item === 'endpoint instances')!.usd).toBeCloseTo(rate * 744, 6);
    expect(c.lines.find((l) => l.item === 'model artifact storage (S3)')!.usd).toBeCloseTo(16 * 0.023, 6);
    expect(c.per1kQueriesUsd).toBe(0);
    expect(c.unverifiedPrices.length).toBeGreaterThan(0);
    const half = costForSageMaker(input({ endpoint: { instanceType: 'ml.g5.2xlarge', instanceCount: 1, hoursPerDay: 12 } }), workload, catalog);
    expect(half.lines.find((l) => l.item === 'endpoint instances')!.usd).toBeCloseTo(rate * 372, 6);
  });

  it('estimates training time when no job ran, labelled, and lists a missing instance price instead of counting it as zero', async () => {
    const catalog = await loadCatalog();
    const est = costForSageMaker(input({ training: { instanceType: 'ml.g5.2xlarge', instanceCount: 1, trainedTokens: 360_000, epochs: 2, assumedTokensPerSecond: 1000, assumedOverheadSeconds: 900 } }), workload, catalog);
    expect(est.lines.find((l) => l.item === 'training (SageMaker)')!.basis).toMatch(/^1,620 s estimated/);
    expect(est.assumptions.some((a) => a.startsWith('Training time not measured'))).toBe(true);
    const unknown = costForSageMaker(input({ endpoint: { instanceType: 'ml.p5.48xlarge', instanceCount: 1, hoursPerDay: 24 } }), workload, catalog);
    expect(unknown.missingPrices.some((m) => m.includes('ml.p5.48xlarge hosting-instance-hour'))).toBe(true);
    expect(unknown.lines.find((l) => l.item === 'endpoint instances')).toBeUndefined();
  });

  it('breaks even with a per-token route where the hourly floor equals the token bill', async () => {
    const catalog = await loadCatalog();
    const js = costForSystem(input(), workload, catalog);
    const perToken = costForSystem({ kind: 'base', modelId: 'amazon.nova-micro-v1:0', pricingModelId: 'amazon.nova-micro-v1:0', region: 'us-east-1', measured: { inputTokensMean: 300, outputTokensMean: 60 } }, workload, catalog);
    const v = breakEvenMonthlyQueries(js, perToken, 12)!;
    // All of the JumpStart cost is fixed; the per-token route's grows by its per-1k price per 1,000 queries a month.
    const gap = js.horizonTotalUsd - volumeIndependentCost(perToken, 12);
    expect(v).toBeCloseTo((gap * 1000) / (12 * perToken.per1kQueriesUsd), 0);
    expect(horizonCostAt(perToken, v, 12)).toBeCloseTo(js.horizonTotalUsd, 4);
    expect(v).toBeGreaterThan(1e6);
  });
});
