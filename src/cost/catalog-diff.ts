/**
 * `ftrag prices diff`: what changed between two catalogs, entry by entry, and which inputs of the cost model (and so
 * of the verdict) each change reaches.
 */
import { priceKeyOf } from './catalog.js';
import { formatPrice } from './format.js';
import type { PriceCatalog, PriceEntry } from './types.js';
import { VECTOR_STORE_PRICE_KEY } from './vector-store.js';

export interface PriceChange {
  kind: 'added' | 'removed' | 'changed' | 'verified' | 'unverified';
  modelId: string;
  region: string;
  unit: string;
  before?: number;
  after?: number;
  /** after / before - 1, when both are > 0. */
  relative?: number;
  source?: string;
  asOf?: string;
  /** The cost-model input this price feeds, e.g. "generator tokens (per query)". */
  touches: string;
}

export interface CatalogDiff {
  a: { id: string; date: string };
  b: { id: string; date: string };
  changes: PriceChange[];
  unchanged: number;
}

const STORE_KEYS = new Set(Object.values(VECTOR_STORE_PRICE_KEY));

/** The verdict input a catalog unit feeds (docs/cost.md, "Formulas"). */
export function inputTouched(e: Pick<PriceEntry, 'modelId' | 'unit'>): string {
  if (STORE_KEYS.has(e.modelId)) return 'vector store of RAG systems (monthly and per query)';
  const u = e.unit;
  if (/^(input|output|cache-read)-1k-tokens$/.test(u)) return 'generator tokens per query (base, RAG, custom models on demand)';
  if (/^batch-(input|output)-1k-tokens$/.test(u)) return 'generator tokens per query under batch execution';
  if (u === 'training-1k-tokens') return 'training and retraining (one-time and horizon)';
  if (u === 'storage-model-month') return 'custom model storage (monthly)';
  if (u.startsWith('pt-mu-hour')) return 'provisioned throughput (monthly)';
  if (u === 'embedding-1k-tokens') return 'query embedding (per query) and ingestion (one-time, horizon)';
  if (u === 'batch-embedding-1k-tokens') return 'not used by the cost model (batch embedding)';
  if (u === 'rerank-1k-queries') return 'reranking per query';
  if (u === 'cmu-minute' || u === 'storage-cmu-month') return 'imported custom models (not priced by ftrag yet)';
  return 'not used by the cost model';
}

const k = (e: PriceEntry) => `${priceKeyOf(e.modelId)}|${e.region}|${e.unit}`;

export function diffCatalogs(a: PriceCatalog, b: PriceCatalog): CatalogDiff {
  const before = new Map(a.entries.map((e) => [k(e), e]));
  const after = new Map(b.entries.map((e) => [k(e), e]));
  const changes: PriceChange[] = [];
  let unchanged = 0;
  for (const [key, x] of before) {
    const y = after.get(key);
    const base = { modelId: x.modelId, region: x.region, unit: x.unit, touches: inputTouched(x) };
    if (!y) {
      changes.push({ kind: 'removed', ...base, before: x.price });
      continue;
    }
    if (y.price !== x.price) {
      changes.push({ kind: 'changed', ...base, before: x.price, after: y.price, relative: x.price > 0 ? y.price / x.price - 1 : undefined, source: y.source, asOf: y.asOf });
    } else if (!!x.unverified !== !!y.unverified) {
      changes.push({ kind: y.unverified ? 'unverified' : 'verified', ...base, before: x.price, after: y.price, source: y.source, asOf: y.asOf });
    } else unchanged++;
  }
  for (const [key, y] of after) {
    if (!before.has(key)) changes.push({ kind: 'added', modelId: y.modelId, region: y.region, unit: y.unit, after: y.price, source: y.source, asOf: y.asOf, touches: inputTouched(y) });
  }
  const order = { changed: 0, added: 1, removed: 2, verified: 3, unverified: 4 };
  changes.sort((p, q) => order[p.kind] - order[q.kind] || `${p.modelId}|${p.unit}|${p.region}`.localeCompare(`${q.modelId}|${q.unit}|${q.region}`));
  return { a: { id: a.id, date: a.date }, b: { id: b.id, date: b.date }, changes, unchanged };
}

export function renderDiffText(d: CatalogDiff): string {
  const out = [`Prices ${d.a.id} (${d.a.date}) -> ${d.b.id} (${d.b.date}): ${d.changes.length} change(s), ${d.unchanged} unchanged`];
  for (const c of d.changes) {
    const what = `${c.modelId} ${c.unit} ${c.region}`;
    const price =
      c.kind === 'added' ? `new ${formatPrice(c.after!)}` : c.kind === 'removed' ? `was ${formatPrice(c.before!)}, now missing` : `${formatPrice(c.before!)} -> ${formatPrice(c.after!)}${c.relative !== undefined ? ` (${c.relative >= 0 ? '+' : ''}${(c.relative * 100).toFixed(1)}%)` : ''}`;
    out.push(`  ${c.kind.padEnd(10)} ${what}: ${price}${c.kind === 'verified' ? ' now verified' : c.kind === 'unverified' ? ' now unverified' : ''}${c.asOf ? ` [as of ${c.asOf}]` : ''}`);
    out.push(`             touches: ${c.touches}`);
  }
  const touched = [...new Set(d.changes.map((c) => c.touches).filter((t) => !t.startsWith('not used')))];
  if (touched.length) {
    out.push('', 'Verdict inputs touched:');
    for (const t of touched) out.push(`  ${t}`);
  } else out.push('', 'No verdict input is touched.');
  return `${out.join('\n')}\n`;
}
