import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogSummary, customOnDemandSupport, loadCatalog, priceKeyOf, priceOf } from '../../src/cost/index.js';
import { InputError } from '../../src/util/errors.js';

describe('price catalog', async () => {
  const catalog = await loadCatalog();

  it('every bundled entry has a source, a date and a positive price', () => {
    expect(catalog.entries.length).toBeGreaterThan(50);
    for (const e of catalog.entries) {
      expect(e.source).toMatch(/^https:\/\//);
      expect(e.asOf).toMatch(/^\d{4}/);
      expect(e.price).toBeGreaterThan(0);
    }
  });

  it('normalizes base, suffixed, profile and foundation-model ARN ids to one key', () => {
    const ids = ['amazon.nova-micro-v1:0', 'amazon.nova-micro-v1:0:128k', 'us.amazon.nova-micro-v1:0', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0'];
    expect(new Set(ids.map(priceKeyOf))).toEqual(new Set(['amazon.nova-micro-v1']));
    for (const id of ids) expect(priceOf(catalog, id, 'input-1k-tokens', 'us-east-1')?.price).toBe(0.000035);
    expect(priceOf(catalog, 'arn:aws:bedrock:us-east-1:1:provisioned-model/x', 'input-1k-tokens', 'us-east-1')).toBeUndefined();
  });

  it('does not invent prices the reference does not give', () => {
    expect(priceOf(catalog, 'anthropic.claude-3-haiku-20240307-v1:0', 'training-1k-tokens', 'us-east-1')).toBeUndefined();
    expect(priceOf(catalog, 'amazon.nova-pro-v1:0', 'pt-mu-hour-1-month', 'us-east-1')).toBeUndefined();
    expect(priceOf(catalog, 'meta.llama3-3-70b-instruct-v1:0', 'input-1k-tokens', 'us-west-2')).toBeUndefined();
  });

  it('encodes custom on-demand support as data: models, Regions and launch date', () => {
    expect(customOnDemandSupport(catalog, 'amazon.nova-micro-v1:0:128k', 'us-east-1')).toMatchObject({ supported: true, launchDate: '2025-07-16' });
    expect(customOnDemandSupport(catalog, 'meta.llama3-3-70b-instruct-v1:0', 'us-west-2').supported).toBe(true);
    expect(customOnDemandSupport(catalog, 'meta.llama3-3-70b-instruct-v1:0', 'us-east-1').supported).toBe(false);
    expect(customOnDemandSupport(catalog, 'amazon.titan-text-express-v1', 'us-east-1').supported).toBe(false);
  });

  it('summarizes id, date, overrides and unverified entries for run.json', async () => {
    const c = await loadCatalog(undefined, [{ modelId: 'opensearch-serverless', unit: 'ocu-hour', price: 0.25 }]);
    const s = catalogSummary(c);
    expect(s.id).toBe(catalog.id);
    expect(s.overrides).toHaveLength(1);
    expect(s.unverified).not.toContain('opensearch-serverless ocu-hour us-east-1');
    expect(catalogSummary(catalog).unverified).toContain('opensearch-serverless ocu-hour us-east-1');
  });

  it('an override for a price the catalog lacks adds it', async () => {
    const c = await loadCatalog(undefined, [{ modelId: 'amazon.nova-pro-v1:0', region: 'us-east-1', unit: 'training-1k-tokens', price: 0.008 }]);
    expect(priceOf(c, 'amazon.nova-pro-v1:0:300k', 'training-1k-tokens', 'us-east-1')?.price).toBe(0.008);
    expect(c.overrides[0]).toContain('none -> 0.008');
  });

  it('a user catalog replaces the bundled one; a bad one is an InputError naming file and field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ftrag-cat-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ id: 'mine', date: '2026-01-01', currency: 'USD', entries: [{ modelId: 'x.y-v1:0', region: '*', unit: 'input-1k-tokens', price: 1, source: 'contract', asOf: '2026-01-01' }] }));
    const mine = await loadCatalog(good);
    expect(mine.id).toBe('mine');
    expect(priceOf(mine, 'x.y-v1:0', 'input-1k-tokens', 'eu-west-1')?.price).toBe(1);
    expect(priceOf(mine, 'amazon.nova-micro-v1:0', 'input-1k-tokens', 'us-east-1')).toBeUndefined();
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ id: 'bad', date: '2026', currency: 'USD', entries: [{ modelId: 'x', region: '*', unit: 'u', price: -1, source: 's', asOf: '2026-01-01' }] }));
    await expect(loadCatalog(bad)).rejects.toThrow(InputError);
    await expect(loadCatalog(bad)).rejects.toThrow(/bad\.json.*entries\[0\]\.price/);
    await expect(loadCatalog(join(dir, 'absent.json'))).rejects.toThrow(InputError);
  });
});
