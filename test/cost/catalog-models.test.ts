import { describe, expect, it } from 'vitest';
import { isSageMakerPriceKey, loadCatalog, priceKeyOf, priceOf, VECTOR_STORE_PRICE_KEY } from '../../src/cost/index.js';
import { MODELS } from '../../src/models/index.js';

describe('the bundled catalog and the model table', async () => {
  const catalog = await loadCatalog();

  it('every model the table gives a price id has prices filed under it, each with a source and a date', () => {
    const priced = MODELS.filter((m) => m.priceId);
    expect(priced.length).toBeGreaterThan(10);
    for (const m of priced) {
      const entries = catalog.entries.filter((e) => priceKeyOf(e.modelId) === priceKeyOf(m.priceId!));
      expect(entries.length, m.modelId).toBeGreaterThan(0);
      for (const e of entries) {
        expect(e.source.length).toBeGreaterThan(0);
        expect(e.asOf).toMatch(/^\d{4}/);
      }
    }
  });

  it('every catalog entry is a model of the table, a vector-store service, a SageMaker instance type or S3 storage, or a model kept only for AWS worked examples', () => {
    const known = new Set([...MODELS.map((m) => priceKeyOf(m.priceId ?? m.modelId)), ...Object.values(VECTOR_STORE_PRICE_KEY)]);
    const examplesOnly = new Set(['meta.llama2-13b-v1', 'meta.llama2-70b-v1'].map(priceKeyOf));
    const stray = catalog.entries.filter((e) => !known.has(priceKeyOf(e.modelId)) && !examplesOnly.has(priceKeyOf(e.modelId)) && !isSageMakerPriceKey(priceKeyOf(e.modelId)));
    expect(stray.map((e) => `${e.modelId} ${e.unit}`)).toEqual([]);
  });

  it('Nova 2 Lite and Llama 3.3 70B are priced through their table rows; Nova 2 Lite is marked unverified', () => {
    const nova2 = priceOf(catalog, 'us.amazon.nova-2-lite-v1:0', 'input-1k-tokens', 'us-east-1');
    expect(nova2?.price).toBe(0.0003);
    expect(nova2?.unverified).toBe(true);
    expect(priceOf(catalog, 'meta.llama3-3-70b-instruct-v1:0', 'output-1k-tokens', 'us-east-1')?.price).toBe(0.00072);
    // Prices no source gives stay absent.
    expect(priceOf(catalog, 'neptune-analytics', 'm-ncu-hour', 'us-east-1')).toBeUndefined();
    expect(catalog.entries.some((e) => e.unit === 'rerank-1k-queries' || e.unit === 'cmu-minute')).toBe(false);
  });
});
