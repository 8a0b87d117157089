/**
 * AWS Price List files -> a price catalog. Reads bulk offer files (`products` keyed by SKU with `attributes`,
 * `terms.OnDemand[sku][offerTerm].priceDimensions[rate].pricePerUnit.USD`, `effectiveDate`) and saved
 * `pricing get-products` pages (`PriceList`: one JSON document per product, with `NextToken` between pages); every
 * product of every file is read. Each product is mapped to a catalog (model or service key, unit) by the rules below;
 * what no rule recognises is listed as unmapped with its SKU, never guessed into an entry.
 */
import { MODELS } from '../models/index.js';
import { InputError } from '../util/errors.js';
import { VECTOR_STORE_PRICE_KEY } from './vector-store.js';
import type { PriceEntry } from './types.js';

export interface PriceListProduct {
  sku: string;
  productFamily?: string;
  attributes: Record<string, string>;
}

export interface PriceListRate {
  sku: string;
  rateCode: string;
  offerTermCode: string;
  effectiveDate: string;
  description: string;
  unit: string;
  usd: number;
  beginRange?: string;
}

export interface PriceListDocument {
  file: string;
  offerCode?: string;
  version?: string;
  publicationDate?: string;
  products: PriceListProduct[];
  rates: PriceListRate[];
}

export interface Unmapped {
  sku: string;
  file: string;
  description: string;
  reason: string;
}

const LOCATION_REGION: Record<string, string> = {
  'US East (N. Virginia)': 'us-east-1',
  'US East (Ohio)': 'us-east-2',
  'US West (Oregon)': 'us-west-2',
  'US West (N. California)': 'us-west-1',
  'EU (Ireland)': 'eu-west-1',
  'EU (London)': 'eu-west-2',
  'EU (Paris)': 'eu-west-3',
  'EU (Frankfurt)': 'eu-central-1',
  'EU (Stockholm)': 'eu-north-1',
  'Asia Pacific (Tokyo)': 'ap-northeast-1',
  'Asia Pacific (Seoul)': 'ap-northeast-2',
  'Asia Pacific (Mumbai)': 'ap-south-1',
  'Asia Pacific (Singapore)': 'ap-southeast-1',
  'Asia Pacific (Sydney)': 'ap-southeast-2',
  'Canada (Central)': 'ca-central-1',
  'South America (Sao Paulo)': 'sa-east-1',
};

function obj(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** OnDemand terms of one SKU into rates (Reserved terms are not Bedrock's billing and are skipped). */
function ratesOf(sku: string, onDemand: unknown, file: string): PriceListRate[] {
  const out: PriceListRate[] = [];
  for (const [termCode, termRaw] of Object.entries(obj(onDemand) ?? {})) {
    const term = obj(termRaw);
    if (!term) continue;
    const effectiveDate = str(term.effectiveDate) ?? '';
    for (const [rateCode, dimRaw] of Object.entries(obj(term.priceDimensions) ?? {})) {
      const dim = obj(dimRaw);
      const usdText = str(obj(dim?.pricePerUnit)?.USD);
      if (!dim || usdText === undefined) continue;
      const usd = Number(usdText);
      if (!Number.isFinite(usd) || usd < 0) throw new InputError(`pricePerUnit.USD "${usdText}" is not a price`, { file, field: `terms.OnDemand.${sku}.${termCode}.priceDimensions.${rateCode}` });
      out.push({ sku, rateCode, offerTermCode: str(term.offerTermCode) ?? termCode, effectiveDate, description: str(dim.description) ?? '', unit: str(dim.unit) ?? '', usd, beginRange: str(dim.beginRange) });
    }
  }
  return out;
}

function productOf(raw: unknown, fallbackSku: string): PriceListProduct | undefined {
  const p = obj(raw);
  if (!p) return undefined;
  const attributes = Object.fromEntries(Object.entries(obj(p.attributes) ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  return { sku: str(p.sku) ?? fallbackSku, productFamily: str(p.productFamily), attributes };
}

/** One Price List file: a bulk offer file, or a saved GetProducts response (one page or the CLI's concatenation). */
export function parsePriceList(json: unknown, file: string): PriceListDocument {
  const root = obj(json);
  if (!root) throw new InputError('not a Price List file: expected a JSON object', { file });
  const doc: PriceListDocument = { file, offerCode: str(root.offerCode), version: str(root.version), publicationDate: str(root.publicationDate), products: [], rates: [] };
  if (obj(root.products)) {
    for (const [sku, raw] of Object.entries(obj(root.products)!)) {
      const p = productOf(raw, sku);
      if (p) doc.products.push(p);
    }
    for (const [sku, onDemand] of Object.entries(obj(obj(root.terms)?.OnDemand) ?? {})) doc.rates.push(...ratesOf(sku, onDemand, file));
    return doc;
  }
  if (Array.isArray(root.PriceList)) {
    root.PriceList.forEach((entry, i) => {
      let item: unknown = entry;
      if (typeof entry === 'string') {
        try {
          item = JSON.parse(entry);
        } catch {
          throw new InputError('PriceList entry is not valid JSON', { file, field: `PriceList[${i}]` });
        }
      }
      const it = obj(item);
      const p = productOf(it?.product, `PriceList[${i}]`);
      if (!p) throw new InputError('PriceList entry has no product', { file, field: `PriceList[${i}].product` });
      doc.products.push(p);
      doc.rates.push(...ratesOf(p.sku, obj(it?.terms)?.OnDemand, file));
      doc.version ??= str(it?.version);
      doc.publicationDate ??= str(it?.publicationDate);
      doc.offerCode ??= str(it?.serviceCode);
    });
    return doc;
  }
  throw new InputError('not a Price List file: no "products" (bulk offer file) or "PriceList" (GetProducts response)', { file });
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/\(amazon bedrock( edition)?\)|amazon bedrock|\bg1\b|\binstruct\b|\bamazon\b|\bmeta\b|\banthropic\b|\bcohere\b/g, ' ')
    .replace(/[^a-z0-9.]+/g, ' ')
    .trim();

/** Base model id of a Price List model name, from the model table (src/models); undefined when not a known model. */
export function modelIdOfName(name: string): string | undefined {
  const n = norm(name);
  const row = MODELS.find((m) => norm(m.modelName) === n || norm(m.modelName.replace(/ - /g, ' ')) === n);
  return row ? (row.priceId ?? row.modelId) : undefined;
}

interface Mapped {
  modelId: string;
  unit: string;
  /** Multiply the Price List price by this to get the catalog unit's price. */
  scale: number;
}

/** Tokens per priced unit of a dimension, from its unit and description ("1K tokens", "per million tokens"). */
function tokensPerUnit(rate: PriceListRate): number | undefined {
  const t = `${rate.unit} ${rate.description}`.toLowerCase();
  if (/\b1m\b|million/.test(t)) return 1_000_000;
  if (/\b1k\b|thousand|1,000/.test(t)) return 1000;
  if (/^tokens?\b/.test(rate.unit.toLowerCase())) return 1;
  return undefined;
}

function commitmentOf(t: string): 'none' | '1-month' | '6-month' | undefined {
  if (/no.?commit/.test(t)) return 'none';
  if (/1.?month/.test(t)) return '1-month';
  if (/6.?month/.test(t)) return '6-month';
  return undefined;
}

/** The catalog entry a rate prices, or why it is not mapped. */
export function mapRate(product: PriceListProduct, rate: PriceListRate): Mapped | { reason: string } {
  const a = product.attributes;
  const service = (a.servicecode ?? '').toLowerCase();
  const t = [a.usagetype, a.operation, a.inferenceType, a.feature, a.group, a.groupDescription, rate.description, product.productFamily].filter(Boolean).join(' ').toLowerCase();
  if (service.startsWith('amazonbedrock')) {
    const name = a.model ?? a.servicename ?? a.titanModel ?? '';
    const modelId = name ? modelIdOfName(name) : undefined;
    if (!modelId) return { reason: `model "${name || '(none)'}" is not in ftrag's model table` };
    const per1k = () => {
      const n = tokensPerUnit(rate);
      return n === undefined ? undefined : 1000 / n;
    };
    const embedding = /embed/i.test(name);
    const tokenUnit = (unit: string): Mapped | { reason: string } => {
      const scale = per1k();
      return scale === undefined ? { reason: `token unit "${rate.unit}" not understood` } : { modelId, unit, scale };
    };
    if (/provisioned|model.?unit/.test(t) && /hour|hrs/.test(`${rate.unit} ${t}`)) {
      const c = commitmentOf(t);
      return c ? { modelId, unit: `pt-mu-hour-${c}`, scale: 1 } : { reason: 'provisioned throughput without a recognised commitment term' };
    }
    if (/custom.?model.?unit|\bcmu\b/.test(t)) return /storage|month/.test(t) ? { modelId, unit: 'storage-cmu-month', scale: 1 } : { modelId, unit: 'cmu-minute', scale: 1 };
    if (/customization|training/.test(t) && /storage|month/.test(t)) return { modelId, unit: 'storage-model-month', scale: 1 };
    if (/customization|training/.test(t) && /token/.test(t)) return tokenUnit('training-1k-tokens');
    if (/cache.?read/.test(t)) return tokenUnit('cache-read-1k-tokens');
    if (/cache.?write/.test(t)) return { reason: 'cache write tokens are not priced by ftrag' };
    const batch = /batch/.test(t);
    if (/input|prompt/.test(t) && /token/.test(t)) return tokenUnit(embedding ? (batch ? 'batch-embedding-1k-tokens' : 'embedding-1k-tokens') : batch ? 'batch-input-1k-tokens' : 'input-1k-tokens');
    if (/output|response|completion/.test(t) && /token/.test(t)) return tokenUnit(batch ? 'batch-output-1k-tokens' : 'output-1k-tokens');
    return { reason: 'Bedrock usage type not recognised' };
  }
  if (service === 'amazons3' && /vector/.test(t)) {
    const key = VECTOR_STORE_PRICE_KEY['s3-vectors'];
    if (/storage|gb.?mo/.test(t)) return { modelId: key, unit: 'storage-gb-month', scale: 1 };
    if (/put|upload|write/.test(t)) return { modelId: key, unit: 'put-gb', scale: 1 };
    if (/quer/.test(t) && /\btb\b|processed/.test(`${rate.unit} ${t}`)) return { modelId: key, unit: rate.beginRange && Number(rate.beginRange) > 0 ? 'query-tb-over-100k' : 'query-tb-first-100k', scale: 1 };
    if (/quer/.test(t) && /request|api|call/.test(`${rate.unit} ${t}`)) {
      // The dimension's own unit says what one price buys: a request, a thousand or a million of them.
      const u = rate.unit.toLowerCase();
      return { modelId: key, unit: 'query-1k-requests', scale: /1m|million/.test(u) ? 1 / 1000 : /1k|thousand/.test(u) ? 1 : 1000 };
    }
    return { reason: 'S3 Vectors usage type not recognised' };
  }
  if ((service === 'amazones' || service === 'aoss') && /serverless|ocu/.test(t)) {
    const key = VECTOR_STORE_PRICE_KEY['opensearch-serverless'];
    if (/ocu/.test(t)) return { modelId: key, unit: 'ocu-hour', scale: 1 };
    if (/storage|gb.?mo/.test(t)) return { modelId: key, unit: 'storage-gb-month', scale: 1 };
    return { reason: 'OpenSearch Serverless usage type not recognised' };
  }
  if (service === 'amazonrds' && /serverlessv2|serverless v2/.test(t) && /postgres/.test(`${a.databaseEngine ?? ''} ${t}`)) {
    return { modelId: VECTOR_STORE_PRICE_KEY['aurora-pgvector'], unit: 'acu-hour', scale: 1 };
  }
  if (service === 'amazonneptune' && /m-?ncu|analytics/.test(t)) return { modelId: VECTOR_STORE_PRICE_KEY['neptune-analytics'], unit: 'm-ncu-hour', scale: 1 };
  return { reason: `service ${a.servicecode ?? '(none)'} / usage type not used by ftrag` };
}

export function regionOf(product: PriceListProduct): string | undefined {
  return product.attributes.regionCode ?? LOCATION_REGION[product.attributes.location ?? ''];
}

/** Catalog entries and unmapped products of parsed Price List files. Later files win for the same entry. */
export function entriesFromPriceLists(docs: PriceListDocument[]): { entries: PriceEntry[]; unmapped: Unmapped[] } {
  const byKey = new Map<string, PriceEntry>();
  const unmapped: Unmapped[] = [];
  for (const doc of docs) {
    const products = new Map(doc.products.map((p) => [p.sku, p]));
    const priced = new Set(doc.rates.map((r) => r.sku));
    for (const p of doc.products) if (!priced.has(p.sku)) unmapped.push({ sku: p.sku, file: doc.file, description: p.attributes.usagetype ?? p.productFamily ?? '', reason: 'no OnDemand price' });
    for (const rate of doc.rates) {
      const product = products.get(rate.sku);
      if (!product) {
        unmapped.push({ sku: rate.sku, file: doc.file, description: rate.description, reason: 'priced SKU has no product' });
        continue;
      }
      const mapped = mapRate(product, rate);
      const region = regionOf(product);
      if ('reason' in mapped || !region) {
        unmapped.push({ sku: rate.sku, file: doc.file, description: rate.description || (product.attributes.usagetype ?? ''), reason: 'reason' in mapped ? mapped.reason : `location "${product.attributes.location ?? ''}" has no Region code` });
        continue;
      }
      const entry: PriceEntry = {
        modelId: mapped.modelId,
        region,
        unit: mapped.unit,
        price: Number((rate.usd * mapped.scale).toPrecision(12)),
        source: `AWS Price List ${doc.offerCode ?? product.attributes.servicecode ?? ''} ${doc.version ?? ''}: SKU ${rate.sku}, rate ${rate.rateCode}`.replace(/\s+/g, ' '),
        asOf: (rate.effectiveDate || doc.publicationDate || '').slice(0, 10),
        note: rate.description || undefined,
      };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.asOf)) {
        unmapped.push({ sku: rate.sku, file: doc.file, description: rate.description, reason: 'no effectiveDate' });
        continue;
      }
      byKey.set(`${entry.modelId}|${entry.region}|${entry.unit}`, entry);
    }
  }
  return { entries: [...byKey.values()], unmapped };
}
