import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExperimentConfig, WorkloadSpec } from '../../src/config/schema.js';
import { breakEvenMonthlyQueries, breakEvenPairs, costCurve, costForSystem, horizonCostAt, loadCatalog, planCostInputs } from '../../src/cost/index.js';
import type { SystemCost } from '../../src/schema/run-result.js';
import { InputError } from '../../src/util/errors.js';

function linear(fixedMonthly: number, per1k: number, oneTime = 0, volume = 100_000, h = 12): SystemCost {
  const monthlyTotalUsd = fixedMonthly + (volume / 1000) * per1k;
  return { oneTimeUsd: oneTime, monthlyFixedUsd: fixedMonthly, per1kQueriesUsd: per1k, monthlyTotalUsd, horizonTotalUsd: oneTime + h * monthlyTotalUsd, lines: [], assumptions: [], missingPrices: [], unverifiedPrices: [] };
}

describe('break-even and cost curves', () => {
  it('finds the volume where horizon totals are equal, independent of the configured volume', () => {
    // PT: $15,000/month flat; on-demand: $0.50 per 1k queries. Equal at 30M queries/month.
    const pt = linear(15000, 0, 0, 5_000);
    const od = linear(0, 0.5, 0, 77_000);
    const v = breakEvenMonthlyQueries(pt, od, 12)!;
    expect(v).toBeCloseTo(30_000_000, 3);
    expect(horizonCostAt(pt, v, 12)).toBeCloseTo(horizonCostAt(od, v, 12), 6);
    expect(breakEvenMonthlyQueries(od, pt, 12)).toBeCloseTo(30_000_000, 3);
  });

  it('one-time costs shift the break-even by their share of the horizon', () => {
    const a = linear(0, 0.1, 1200);
    const b = linear(0, 0.2, 0);
    // 1200 = 12 × v/1000 × 0.1  ->  v = 1,000,000
    expect(breakEvenMonthlyQueries(a, b, 12)).toBeCloseTo(1_000_000, 3);
  });

  it('null when the lines never cross at a volume >= 0', () => {
    expect(breakEvenMonthlyQueries(linear(10, 0.1), linear(20, 0.2), 12)).toBeNull();
    expect(breakEvenMonthlyQueries(linear(10, 0.1), linear(20, 0.1), 12)).toBeNull();
  });

  it('pairs are oriented so a becomes cheaper above the volume, with a note', () => {
    const systems = [{ id: 'rag', cost: linear(357, 0.1) }, { id: 'ft-pt', cost: linear(15000, 0) }, { id: 'base', cost: linear(0, 0.05) }];
    const pairs = breakEvenPairs(systems, 12);
    const p = pairs.find((x) => x.a === 'ft-pt' && x.b === 'rag')!;
    expect(p.monthlyQueries).toBeCloseTo(146_430_000, 0);
    expect(p.note).toMatch(/ft-pt becomes cheaper than rag above 146M queries\/month/);
    const q = pairs.find((x) => x.a === 'base' && x.b === 'rag')!;
    expect(q.monthlyQueries).toBeNull();
    expect(q.note).toMatch(/^base is cheaper than rag at every volume/);
  });

  it('cost curve: monthly and horizon cost at each volume', () => {
    const c = linear(100, 2, 50);
    expect(costCurve(c, [0, 1000, 1e6], 12)).toEqual([
      { monthlyQueries: 0, monthlyUsd: 100, horizonUsd: 1250 },
      { monthlyQueries: 1000, monthlyUsd: 102, horizonUsd: 1274 },
      { monthlyQueries: 1e6, monthlyUsd: 2100, horizonUsd: 25250 },
    ]);
  });
});

describe('planCostInputs: config -> cost inputs', async () => {
  const catalog = await loadCatalog();
  const dir = await mkdtemp(join(tmpdir(), 'ftrag-plan-'));
  await writeFile(join(dir, 'train.jsonl'), ['{"prompt":"What is the refund window?","completion":"30 days."}', '{"schemaVersion":"bedrock-conversation-2024","messages":[{"role":"user","content":[{"text":"hi"}]},{"role":"assistant","content":[{"text":"hello"}]}]}'].join('\n'));
  await mkdir(join(dir, 'docs'));
  await writeFile(join(dir, 'docs', 'a.md'), 'The refund window is 30 days for all products.');

  const config = ExperimentConfig.parse({
    evalSet: 'x.jsonl',
    systems: [
      { id: 'base', kind: 'base', modelId: 'us.amazon.nova-micro-v1:0' },
      { id: 'ft', kind: 'fine-tuned', training: { baseModelId: 'amazon.nova-micro-v1:0:128k', trainingData: 'train.jsonl', hyperParameters: { epochCount: 3 } } },
      { id: 'rag', kind: 'rag', modelId: 'amazon.nova-micro-v1:0', knowledgeBase: { documents: 'docs' } },
      { id: 'ragft', kind: 'rag-fine-tuned', generatorFrom: 'ft', knowledgeBase: { documentsSizeGb: 0.006 } },
    ],
  });

  it('counts training and corpus tokens, defaults serving, labels assumed tokens', async () => {
    const planned = await planCostInputs(config, catalog, { baseDir: dir });
    const byId = Object.fromEntries(planned.map((p) => [p.id, p.input]));
    expect(byId.base.pricingModelId).toBe('us.amazon.nova-micro-v1:0');
    expect(byId.base.measured).toMatchObject({ inputTokensMean: 300, outputTokensMean: 60 });
    expect(byId.rag.measured).toMatchObject({ inputTokensMean: 1300, queryEmbeddingTokensMean: 300 });
    expect(byId.ft.training!.epochs).toBe(3);
    expect(byId.ft.training!.trainedTokens).toBeGreaterThan(10);
    expect(byId.ft.serving).toEqual({ type: 'on-demand', modelUnits: 1, commitment: 'none' });
    expect(byId.rag.knowledgeBase!.corpusTokens).toBeGreaterThan(5);
    expect(byId.ragft.knowledgeBase!.corpusTokens).toBe(1_000_000);
    expect(byId.ragft.training).toEqual(byId.ft.training);
    const ft = costForSystem(byId.ft, WorkloadSpec.parse({}), catalog);
    expect(ft.assumptions.join(' ')).toMatch(/assumed, not measured/);
    expect(ft.missingPrices).toEqual([]);
  });

  it('bad training data is an InputError naming the file and line', async () => {
    await writeFile(join(dir, 'bad.jsonl'), '{"prompt":"a","completion":"b"}\n{not json\n');
    const bad = ExperimentConfig.parse({ evalSet: 'x', systems: [{ id: 'ft', kind: 'fine-tuned', training: { baseModelId: 'amazon.nova-micro-v1:0', trainingData: 'bad.jsonl' } }] });
    await expect(planCostInputs(bad, catalog, { baseDir: dir })).rejects.toThrow(InputError);
    await expect(planCostInputs(bad, catalog, { baseDir: dir })).rejects.toThrow(/bad\.jsonl, line 2/);
  });
});
