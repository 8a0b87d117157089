import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, priceOf } from '../../src/cost/index.js';
import { diffCatalogs, renderDiffText } from '../../src/cost/catalog-diff.js';
import { importPriceLists, readPriceLists } from '../../src/cost/price-import.js';
import { parsePriceList } from '../../src/cost/price-list.js';
import { InputError } from '../../src/util/errors.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/price-list');
const BEDROCK = join(FIXTURES, 'AmazonBedrock-offer.json');
const S3_PAGES = [join(FIXTURES, 'AmazonS3-get-products-page1.json'), join(FIXTURES, 'AmazonS3-get-products-page2.json')];

/** Every OnDemand rate of the bulk fixture, read straight from the JSON (independent of the importer). */
function fixtureRates(file: string): Map<string, { usd: number; effectiveDate: string; unit: string }> {
  const offer = JSON.parse(readFileSync(file, 'utf8'));
  const out = new Map<string, { usd: number; effectiveDate: string; unit: string }>();
  for (const [sku, terms] of Object.entries<any>(offer.terms.OnDemand)) {
    for (const term of Object.values<any>(terms)) for (const dim of Object.values<any>(term.priceDimensions)) out.set(sku, { usd: Number(dim.pricePerUnit.USD), effectiveDate: term.effectiveDate, unit: dim.unit });
  }
  return out;
}

describe('ftrag prices import', () => {
  it('maps every recognisable rate of a bulk offer file to a catalog entry whose price, SKU and date match the fixture', async () => {
    const { catalog } = importPriceLists(await readPriceLists([BEDROCK]));
    const rates = fixtureRates(BEDROCK);
    const bySku = (sku: string) => catalog.entries.find((e) => e.source.includes(`SKU ${sku},`));
    const expectations: [string, string, string, number][] = [
      ['AAAA1111NOVAMICROIN', 'amazon.nova-micro-v1:0', 'input-1k-tokens', 1],
      ['AAAA2222NOVAMICROOUT', 'amazon.nova-micro-v1:0', 'output-1k-tokens', 1 / 1000], // stated per 1M tokens
      ['AAAA3333NOVAMICROBIN', 'amazon.nova-micro-v1:0', 'batch-input-1k-tokens', 1],
      ['AAAA4444NOVA2LITEIN', 'amazon.nova-2-lite-v1:0', 'input-1k-tokens', 1 / 1000],
      ['AAAA5555NOVA2LITEOUT', 'amazon.nova-2-lite-v1:0', 'output-1k-tokens', 1 / 1000],
      ['AAAA6666TITANEMBV2', 'amazon.titan-embed-text-v2:0', 'embedding-1k-tokens', 1],
      ['AAAA7777NOVAMICROTRAIN', 'amazon.nova-micro-v1:0', 'training-1k-tokens', 1],
      ['AAAA8888NOVAMICROSTOR', 'amazon.nova-micro-v1:0', 'storage-model-month', 1],
      ['AAAA9999TITANEXPPT', 'amazon.titan-text-express-v1', 'pt-mu-hour-none', 1],
    ];
    for (const [sku, modelId, unit, scale] of expectations) {
      const e = bySku(sku);
      expect(e, sku).toBeDefined();
      expect(e!.modelId).toBe(modelId);
      expect(e!.unit).toBe(unit);
      expect(e!.region).toBe('us-east-1');
      expect(e!.price).toBeCloseTo(rates.get(sku)!.usd * scale, 15);
      expect(e!.asOf).toBe(rates.get(sku)!.effectiveDate.slice(0, 10));
      expect(e!.source).toMatch(/^AWS Price List AmazonBedrock 20261101000000: SKU /);
    }
    expect(catalog.entries).toHaveLength(expectations.length);
    expect(catalog.id).toBe('aws-price-list-2026-11-01');
    expect(catalog.date).toBe('2026-11-01');
  });

  it('lists what it cannot map with the SKU and the reason, and models with no price as missing; nothing is invented', async () => {
    const { catalog } = importPriceLists(await readPriceLists([BEDROCK]));
    const unknown = catalog.unmapped.find((u) => u.sku === 'BBBB1111UNKNOWNMODEL');
    expect(unknown?.reason).toMatch(/Foo Model X.*not in ftrag's model table/);
    expect(catalog.unmapped.find((u) => u.sku === 'BBBB2222NOTERMS')?.reason).toBe('no OnDemand price');
    expect(catalog.entries.some((e) => e.modelId.includes('foo'))).toBe(false);
    expect(catalog.missing.some((m) => m.startsWith('anthropic.claude-3-haiku'))).toBe(true);
    expect(catalog.missing.some((m) => m.startsWith('amazon.nova-micro-v1:0'))).toBe(false);
  });

  it('pages through saved get-products responses: S3 Vectors storage, PUT, requests and tiered query data', async () => {
    const { catalog } = importPriceLists(await readPriceLists(S3_PAGES));
    const get = (unit: string) => catalog.entries.find((e) => e.modelId === 's3-vectors' && e.unit === unit);
    expect(get('storage-gb-month')?.price).toBe(0.06);
    expect(get('put-gb')?.price).toBe(0.2);
    expect(get('query-1k-requests')?.price).toBeCloseTo(0.0025, 15); // $0.0000025 per request
    expect(get('query-tb-first-100k')?.price).toBe(0.004);
    expect(get('query-tb-over-100k')?.price).toBe(0.002);
    expect(get('query-tb-over-100k')?.asOf).toBe('2026-06-16');
    expect(catalog.unmapped.some((u) => u.sku === 'CCCC5555S3STANDARD')).toBe(true);
    expect(catalog.imports.map((i) => i.products)).toEqual([2, 3]);
  });

  it('merged onto the bundled catalog, it replaces the entries it prices and keeps the rest with their own sources; the result loads', async () => {
    const bundled = await loadCatalog();
    const result = importPriceLists(await readPriceLists([BEDROCK, ...S3_PAGES]), { mergeOnto: bundled });
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-prices-'));
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify(result.catalog));
    const loaded = await loadCatalog(file);
    expect(priceOf(loaded, 'amazon.nova-micro-v1:0', 'input-1k-tokens', 'us-east-1')?.price).toBe(0.00004);
    expect(priceOf(loaded, 'amazon.nova-micro-v1:0', 'input-1k-tokens', 'us-east-1')?.source).toMatch(/SKU AAAA1111NOVAMICROIN/);
    expect(priceOf(loaded, 'amazon.nova-lite-v1:0', 'input-1k-tokens', 'us-east-1')?.source).toBe(priceOf(bundled, 'amazon.nova-lite-v1:0', 'input-1k-tokens', 'us-east-1')?.source);
    expect(result.replaced).toBeGreaterThan(0);
    expect(loaded.date).toBe('2026-11-15');
  });

  it('bad input names the file and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-prices-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"products": {}, "terms": {"OnDemand": {"X": {"X.T": {"effectiveDate": "2026-01-01T00:00:00Z", "priceDimensions": {"X.T.R": {"unit": "1K tokens", "pricePerUnit": {"USD": "abc"}}}}}}}}');
    await expect(readPriceLists([bad])).rejects.toThrow(/pricePerUnit.USD "abc"/);
    await expect(readPriceLists([bad])).rejects.toBeInstanceOf(InputError);
    writeFileSync(bad, '{"hello": 1}');
    await expect(readPriceLists([bad])).rejects.toThrow(/not a Price List file/);
    writeFileSync(bad, 'not json');
    await expect(readPriceLists([bad])).rejects.toThrow(/not valid JSON/);
    await expect(readPriceLists([join(dir, 'absent.json')])).rejects.toThrow(/cannot read/);
    expect(() => parsePriceList({ PriceList: ['{oops'] }, 'x.json')).toThrow(/PriceList\[0\]/);
    expect(existsSync(join(dir, 'absent.json'))).toBe(false);
  });
});

describe('ftrag prices diff', () => {
  it('shows each changed, added and removed price and the verdict input it touches', async () => {
    const a = await loadCatalog();
    const b = await loadCatalog(undefined, [
      { modelId: 'amazon.nova-micro-v1:0', unit: 'input-1k-tokens', price: 0.00007 },
      { modelId: 's3-vectors', unit: 'query-1k-requests', price: 0.005 },
      { modelId: 'pinecone', region: 'us-east-1', unit: 'storage-gb-month', price: 0.33 },
    ]);
    const d = diffCatalogs(a, b);
    const change = d.changes.find((c) => c.modelId === 'amazon.nova-micro-v1:0' && c.unit === 'input-1k-tokens')!;
    expect(change.kind).toBe('changed');
    expect(change.relative).toBeCloseTo(1, 9);
    expect(change.touches).toMatch(/generator tokens/);
    expect(d.changes.find((c) => c.modelId === 's3-vectors')!.touches).toMatch(/vector store/);
    expect(d.changes.find((c) => c.modelId === 'pinecone')!.kind).toBe('added');
    expect(d.changes).toHaveLength(3);
    const text = renderDiffText(d);
    expect(text).toMatch(/\$0.000035 -> \$0.00007 \(\+100.0%\)/);
    expect(text).toMatch(/Verdict inputs touched/);
    expect(diffCatalogs(a, a).changes).toEqual([]);
  });
});
