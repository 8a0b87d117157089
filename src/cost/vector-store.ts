/**
 * The Knowledge Base's vector store: how many vectors a corpus becomes, how large they are, and what each store
 * charges for keeping them (storage), writing them (ingestion and re-ingestion) and searching them (per query).
 * Every store's price is looked up in the catalog under a service key (e.g. `s3-vectors`), so `pricing.overrides`
 * and `ftrag prices import` reach it like any model price; a price the catalog lacks is listed as missing.
 */
import type { VectorStoreSpec, WorkloadSpec } from '../config/schema.js';
import { HOURS_PER_MONTH as HOURS, recurringEvents as recurring } from './billing.js';
import { formatCount, formatPrice } from './format.js';
import type { CostLedger } from './ledger.js';
import type { CostInput } from './types.js';

const GIB = 2 ** 30;
const TIB = 2 ** 40;

/**
 * Bedrock Knowledge Bases' default chunking (reference/bedrock.md; the emulator does the same): about 300 tokens
 * per chunk with 20% overlap, so each further chunk advances 240 tokens.
 */
export const DEFAULT_CHUNK = { tokens: 300, overlapTokens: 60 } as const;

/**
 * Embedding dimensions when the config does not say. Titan Text Embeddings V2 defaults to 1024 (it also offers 512
 * and 256); V1 is fixed at 1536; Cohere Embed v3 is 1024. A model not listed here needs `vectorStore.dimensions`.
 */
const EMBEDDING_DIMENSIONS: [RegExp, number][] = [
  [/titan-embed-text-v2/, 1024],
  [/titan-embed-text-v1/, 1536],
  [/titan-embed-g1-text/, 1536],
  [/cohere\.embed-(english|multilingual)-v3/, 1024],
];

/** Per-vector overheads Bedrock adds; estimates, labelled as such. */
const KEY_BYTES = 36; // a UUID-like key per chunk
const FILTERABLE_METADATA_BYTES = 150; // source URI, data source id, page: what Bedrock lets you filter on
const NON_FILTERABLE_OVERHEAD_BYTES = 100; // AMAZON_BEDROCK_METADATA beside the chunk text (AMAZON_BEDROCK_TEXT)

/** Catalog key of each store's prices. */
export const VECTOR_STORE_PRICE_KEY: Record<Exclude<VectorStoreSpec['type'], 'none'>, string> = {
  'opensearch-serverless': 'opensearch-serverless',
  's3-vectors': 's3-vectors',
  'aurora-pgvector': 'aurora-postgresql-serverless-v2',
  'neptune-analytics': 'neptune-analytics',
  pinecone: 'pinecone',
  'redis-enterprise': 'redis-enterprise-cloud',
  'mongodb-atlas': 'mongodb-atlas',
};

export const VECTOR_STORE_LABEL: Record<VectorStoreSpec['type'], string> = {
  'opensearch-serverless': 'OpenSearch Serverless',
  's3-vectors': 'S3 Vectors',
  'aurora-pgvector': 'Aurora PostgreSQL Serverless v2 (pgvector)',
  'neptune-analytics': 'Neptune Analytics',
  pinecone: 'Pinecone',
  'redis-enterprise': 'Redis Enterprise Cloud',
  'mongodb-atlas': 'MongoDB Atlas',
  none: 'none (already paid for)',
};

export interface VectorSizing {
  vectors: number;
  dimensions?: number;
  /** Bytes stored per vector: vector data + key + all metadata. */
  storedBytesPerVector?: number;
  /** Bytes a query processes per vector (S3 Vectors): vector data + key + filterable metadata. */
  queryBytesPerVector?: number;
  storageGb?: number;
  /** What was estimated rather than given, for the assumptions. */
  estimated: string[];
}

function chunksOf(tokens: number): number {
  const stride = DEFAULT_CHUNK.tokens - DEFAULT_CHUNK.overlapTokens;
  return tokens <= DEFAULT_CHUNK.tokens ? 1 : 1 + Math.ceil((tokens - DEFAULT_CHUNK.tokens) / stride);
}

/** Vectors and their size for this KB: the config's figures where given, else estimated from the corpus. */
export function sizeVectors(kb: NonNullable<CostInput['knowledgeBase']>, spec: VectorStoreSpec): VectorSizing {
  const given: { vectors?: number; dimensions?: number; storageGb?: number } = spec.type === 'none' ? {} : spec;
  const estimated: string[] = [];
  let vectors = given.vectors;
  if (vectors === undefined) {
    const stride = DEFAULT_CHUNK.tokens - DEFAULT_CHUNK.overlapTokens;
    vectors = kb.documentTokens?.length
      ? kb.documentTokens.reduce((s, t) => s + chunksOf(t), 0)
      : kb.corpusTokens > 0 ? Math.ceil(kb.corpusTokens / stride) : 0;
    estimated.push(
      `${formatCount(vectors)} vectors estimated from ${formatCount(kb.corpusTokens)} corpus tokens${kb.documentTokens?.length ? ` in ${formatCount(kb.documentTokens.length)} documents` : ''} at Bedrock's default chunking (${DEFAULT_CHUNK.tokens} tokens, ${DEFAULT_CHUNK.overlapTokens} overlap)`,
    );
  }
  let dimensions = given.dimensions;
  if (dimensions === undefined) {
    dimensions = EMBEDDING_DIMENSIONS.find(([re]) => re.test(kb.embeddingModelId))?.[1];
    if (dimensions !== undefined) estimated.push(`${dimensions} dimensions (${kb.embeddingModelId}'s default)`);
  }
  const sizing: VectorSizing = { vectors, dimensions, estimated };
  if (dimensions !== undefined) {
    const bytesPerToken = kb.corpusBytes && kb.corpusTokens ? kb.corpusBytes / kb.corpusTokens : 4;
    const chunkTokens = vectors > 0 && kb.corpusTokens > 0 ? Math.min(DEFAULT_CHUNK.tokens, kb.corpusTokens / vectors + DEFAULT_CHUNK.overlapTokens) : DEFAULT_CHUNK.tokens;
    const textBytes = Math.round(chunkTokens * bytesPerToken);
    const filterable = spec.type === 's3-vectors' && spec.filterableMetadataBytes !== undefined ? spec.filterableMetadataBytes : FILTERABLE_METADATA_BYTES;
    sizing.queryBytesPerVector = 4 * dimensions + KEY_BYTES + filterable;
    sizing.storedBytesPerVector = sizing.queryBytesPerVector + textBytes + NON_FILTERABLE_OVERHEAD_BYTES;
    estimated.push(
      `${formatCount(sizing.storedBytesPerVector)} bytes stored per vector (4 x ${dimensions} vector data + ${KEY_BYTES} key + ${filterable} filterable metadata + ~${formatCount(textBytes)} chunk text + ${NON_FILTERABLE_OVERHEAD_BYTES} other metadata)`,
    );
  }
  if (given.storageGb !== undefined) sizing.storageGb = given.storageGb;
  else if (sizing.storedBytesPerVector !== undefined) {
    sizing.storageGb = (vectors * sizing.storedBytesPerVector) / GIB;
    estimated.push(`${sizing.storageGb.toPrecision(3)} GB logical storage (vectors x bytes per vector; index overhead not included)`);
  }
  return sizing;
}

/** The store a KB is priced on: its own spec, else the legacy OCU count, else OpenSearch Serverless at 2 OCU. */
export function resolvedStore(kb: NonNullable<CostInput['knowledgeBase']>): VectorStoreSpec {
  if (kb.vectorStore) return kb.vectorStore;
  if (kb.vectorStoreOcus === 0) return { type: 'none' };
  return { type: 'opensearch-serverless', ocus: kb.vectorStoreOcus ?? 2 };
}

interface Ctx {
  ledger: CostLedger;
  key: string;
  label: string;
  sizing: VectorSizing;
  reingest: { events: number; share: number; every: number; horizon: number };
}

function storageLine(c: Ctx, purpose = 'vector storage'): void {
  if (c.sizing.storageGb === undefined) {
    c.ledger.markMissing(`${c.label} storage size (set vectorStore.storageGb or vectorStore.dimensions): storage not counted`);
    return;
  }
  const e = c.ledger.price(c.key, 'storage-gb-month', `${c.label} ${purpose}`);
  if (e) c.ledger.add('vector store storage', c.sizing.storageGb * e.price, 'monthly', `${c.label}: ${c.sizing.storageGb.toPrecision(4)} GB x ${formatPrice(e.price)} / GB-month`, e);
}

function computeLine(c: Ctx, unit: string, units: number | undefined, unitName: string, field: string): void {
  if (units === undefined) {
    c.ledger.markMissing(`${c.label} capacity (set vectorStore.${field}): compute not counted`);
    return;
  }
  const e = c.ledger.price(c.key, unit, `${c.label} compute`);
  if (e) c.ledger.add('vector store compute', units * e.price * HOURS, 'monthly', `${c.label}: ${units} ${unitName} x ${formatPrice(e.price)} / ${unitName}-hour x ${HOURS} h`, e);
}

function includedLines(c: Ctx, what: string): void {
  c.ledger.add('vector store writes', 0, 'one-time', `${c.label}: included in ${what}`);
  c.ledger.add('vector store queries', 0, 'per-1k-queries', `${c.label}: included in ${what}`);
}

/** One-time upload plus re-uploads of the changed share at every sync inside the horizon, per GB written. */
function writeLines(c: Ctx): void {
  if (c.sizing.storageGb === undefined) {
    c.ledger.markMissing(`${c.label} write volume (vector size unknown): writes not counted`);
    return;
  }
  const e = c.ledger.price(c.key, 'put-gb', `${c.label} vector writes`);
  if (!e) return;
  const gb = c.sizing.storageGb;
  c.ledger.add('vector store writes', gb * e.price, 'one-time', `${c.label}: ${gb.toPrecision(4)} GB written at ingestion x ${formatPrice(e.price)} / GB`, e);
  const { events, share, every, horizon } = c.reingest;
  if (events > 0 && share > 0) {
    c.ledger.add('vector store re-writes', events * share * gb * e.price, 'horizon', `${c.label}: ${events} sync(s) (every ${every} month(s) within ${horizon}) x ${(share * 100).toFixed(1)}% of ${gb.toPrecision(4)} GB x ${formatPrice(e.price)} / GB`, e);
  }
}

/** S3 Vectors: per-request price plus data processed = vectors in the queried index x bytes each, tiered at 100k. */
function s3QueryLine(c: Ctx, indexes: number): void {
  const req = c.ledger.price(c.key, 'query-1k-requests', 'S3 Vectors query requests');
  if (req) c.ledger.add('vector store queries', req.price, 'per-1k-queries', `${c.label}: 1,000 QueryVectors calls x ${formatPrice(req.price)} / 1k requests`, req);
  if (c.sizing.queryBytesPerVector === undefined) {
    c.ledger.markMissing(`${c.label} query data size (vector dimensions unknown): query data processing not counted`);
    return;
  }
  const perIndex = c.sizing.vectors / indexes;
  const first = Math.min(perIndex, 100_000);
  const rest = Math.max(0, perIndex - 100_000);
  const tb = (n: number) => (n * c.sizing.queryBytesPerVector!) / TIB;
  const t1 = c.ledger.price(c.key, 'query-tb-first-100k', 'S3 Vectors query data processed (first 100k vectors)');
  if (t1 && first > 0) {
    c.ledger.add('vector store query data', 1000 * tb(first) * t1.price, 'per-1k-queries', `${c.label}: 1,000 queries x ${formatCount(Math.round(first))} vectors x ${c.sizing.queryBytesPerVector} B = ${tb(first).toPrecision(3)} TiB each x ${formatPrice(t1.price)} / TiB`, t1);
  }
  if (rest > 0) {
    const t2 = c.ledger.price(c.key, 'query-tb-over-100k', 'S3 Vectors query data processed (vectors beyond 100k per index)');
    if (t2) c.ledger.add('vector store query data', 1000 * tb(rest) * t2.price, 'per-1k-queries', `${c.label}: 1,000 queries x ${formatCount(Math.round(rest))} further vectors = ${tb(rest).toPrecision(3)} TiB each x ${formatPrice(t2.price)} / TiB`, t2);
  }
}

/** Prices the KB's vector store into the ledger: storage, writes and queries as separate lines. */
export function priceVectorStore(kb: NonNullable<CostInput['knowledgeBase']>, workload: WorkloadSpec, ledger: CostLedger): void {
  const spec = resolvedStore(kb);
  if (spec.type === 'none') {
    ledger.assume('No vector store cost: the vector store is none (e.g. a store already paid for).');
    return;
  }
  const label = VECTOR_STORE_LABEL[spec.type];
  if (kb.vectorStoreAssumed) {
    ledger.assume(`No vector store configured (knowledgeBase.vectorStore or pricing.vectorStore): ${label}${spec.type === 'opensearch-serverless' ? ` at ${spec.ocus} OCU` : ''} assumed.`);
  }
  const sizing = sizeVectors(kb, spec);
  if (sizing.vectors === 0 && kb.corpusTokens === 0 && !('vectors' in spec && spec.vectors)) {
    ledger.markMissing(`${label} size: the corpus size is unknown (set knowledgeBase.vectorStore.vectors or storageGb)`);
  }
  if (sizing.estimated.length) ledger.assume(`Vector store sizing (estimated): ${sizing.estimated.join('; ')}.`);
  const events = recurring(workload.horizonMonths, workload.reingestEveryMonths);
  const c: Ctx = {
    ledger,
    key: VECTOR_STORE_PRICE_KEY[spec.type],
    label,
    sizing,
    reingest: { events, share: Math.min(1, workload.knowledgeChangePerMonth * workload.reingestEveryMonths), every: workload.reingestEveryMonths, horizon: workload.horizonMonths },
  };
  switch (spec.type) {
    case 'opensearch-serverless':
      computeLine(c, 'ocu-hour', spec.ocus, 'OCU', 'ocus');
      storageLine(c, 'managed storage');
      includedLines(c, 'OCU-hours (indexing and search OCUs)');
      return;
    case 's3-vectors':
      storageLine(c);
      writeLines(c);
      s3QueryLine(c, spec.indexes);
      return;
    case 'aurora-pgvector':
      computeLine(c, 'acu-hour', spec.acus, 'ACU', 'acus');
      storageLine(c);
      includedLines(c, 'ACU-hours');
      ledger.markMissing('Aurora I/O requests (Standard configuration bills them per million; I/O-Optimized does not): not counted');
      return;
    case 'neptune-analytics':
      computeLine(c, 'm-ncu-hour', spec.mNcus, 'm-NCU', 'mNcus');
      includedLines(c, 'm-NCU-hours');
      return;
    case 'pinecone':
      storageLine(c);
      writeLines(c);
      {
        const q = ledger.price(c.key, 'query-1k-requests', 'Pinecone queries (third-party price: supply it with pricing.overrides)');
        if (q) ledger.add('vector store queries', q.price, 'per-1k-queries', `${label}: 1,000 queries x ${formatPrice(q.price)} / 1k`, q);
      }
      return;
    case 'redis-enterprise':
    case 'mongodb-atlas': {
      const e = ledger.price(c.key, 'subscription-month', `${label} plan (third-party price: supply it with pricing.overrides)`);
      if (e) ledger.add('vector store compute', e.price, 'monthly', `${label}: 1 plan x ${formatPrice(e.price)} / month`, e);
      includedLines(c, 'the plan');
      return;
    }
  }
}
