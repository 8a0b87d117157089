/**
 * bedrock-agent control plane for Knowledge Bases: Create/Get/List/Delete KnowledgeBase, Create/Get/List DataSource
 * (S3 only, pointing at the emulator's S3), and retrieval from their persisted indexes. Ingestion (Start/Get/List
 * IngestionJob) is in kb-ingestion.ts.
 */
import { lookupFoundationModel, isEmbeddingModel } from './catalog.js';
import { ACCOUNT_ID } from './context.js';
import type { EmulatorContext } from './context.js';
import { notFound, nowIso, optNumber, optObject, optString, parseJsonObject, readBody, reqObject, reqString, sendJson, validation } from './http-util.js';
import type { KbHit, KbIndex } from './model/api.js';
import { loadKbIndex } from './model-port.js';
import { hashUpperId } from './rng.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';
import { agentTagMap, deleteResourceTags, putResourceTags } from './tags.js';
import type { MetadataPredicate } from './metadata-filter.js';

export interface KnowledgeBaseRecord {
  knowledgeBaseId: string;
  name: string;
  knowledgeBaseArn: string;
  roleArn: string;
  description?: string;
  knowledgeBaseConfiguration: Record<string, unknown>;
  storageConfiguration: Record<string, unknown>;
  status: 'CREATING' | 'ACTIVE' | 'DELETING';
  createdAt: string;
  updatedAt: string;
  /** When CREATING turns ACTIVE (epoch ms), checked lazily on every read as for provisioned throughput. */
  readyAt?: number;
}

export interface DataSourceRecord {
  knowledgeBaseId: string;
  dataSourceId: string;
  name: string;
  description?: string;
  status: 'AVAILABLE';
  dataSourceConfiguration: { type: 'S3'; s3Configuration: { bucketArn: string; inclusionPrefixes?: string[] } };
  vectorIngestionConfiguration?: Record<string, unknown>;
  dataDeletionPolicy: string;
  chunkTokens: number;
  overlapPercent: number;
  createdAt: string;
  updatedAt: string;
  /** Content hash per document URI at the last completed ingestion (for new/modified/deleted statistics). */
  ingested?: Record<string, string>;
}

export interface IngestionJobRecord {
  knowledgeBaseId: string;
  dataSourceId: string;
  ingestionJobId: string;
  description?: string;
  status: 'STARTING' | 'IN_PROGRESS' | 'COMPLETE' | 'FAILED';
  startedAt: string;
  updatedAt: string;
  statistics: Record<string, number>;
  failureReasons?: string[];
}

const publicKb = (k: KnowledgeBaseRecord): Record<string, unknown> => {
  const { readyAt: _r, ...rest } = k;
  return rest;
};

const ID_PATTERN = /^[0-9a-zA-Z]{10}$/;

/** Bedrock checks id shapes before looking anything up: a malformed id is a 400 pattern error, not a 404. */
export function checkResourceId(id: string, field: string): void {
  if (!ID_PATTERN.test(id)) {
    throw validation(`1 validation error detected: Value '${id}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z]{10}`);
  }
}

function settleKb(ctx: EmulatorContext, kb: KnowledgeBaseRecord): KnowledgeBaseRecord {
  if (kb.status === 'CREATING' && Date.now() >= (kb.readyAt ?? 0)) {
    kb = { ...kb, status: 'ACTIVE', updatedAt: nowIso() };
    ctx.store.put('knowledgeBases', kb.knowledgeBaseId, kb);
  }
  return kb;
}

/** A Knowledge Base that is ACTIVE; data sources, ingestion and retrieval wait for it as on Bedrock. */
export function activeKbOrThrow(ctx: EmulatorContext, id: string, field = 'knowledgeBaseId'): KnowledgeBaseRecord {
  const kb = getKbOrThrow(ctx, id, field);
  if (kb.status !== 'ACTIVE') throw validation(`Knowledge base ${kb.knowledgeBaseId} is in ${kb.status} state. Wait until it is ACTIVE and try again.`);
  return kb;
}
const publicDs = (d: DataSourceRecord): Record<string, unknown> => {
  const { chunkTokens: _c, overlapPercent: _o, ingested: _i, ...rest } = d;
  return rest;
};

export function getKbOrThrow(ctx: EmulatorContext, id: string, field = 'knowledgeBaseId'): KnowledgeBaseRecord {
  checkResourceId(id, field);
  const kb = ctx.store.get<KnowledgeBaseRecord>('knowledgeBases', id);
  if (!kb) throw notFound(`Knowledge Base ${id} is not found.`);
  return settleKb(ctx, kb);
}

export function getDsOrThrow(ctx: EmulatorContext, kbId: string, dsId: string): DataSourceRecord {
  getKbOrThrow(ctx, kbId);
  checkResourceId(dsId, 'dataSourceId');
  const ds = ctx.store.get<DataSourceRecord>('dataSources', dsId);
  if (!ds || ds.knowledgeBaseId !== kbId) throw notFound(`Data source ${dsId} is not found in Knowledge Base ${kbId}.`);
  return ds;
}

const STORAGE_TYPES = ['OPENSEARCH_SERVERLESS', 'PINECONE', 'REDIS_ENTERPRISE_CLOUD', 'RDS', 'MONGO_DB_ATLAS', 'NEPTUNE_ANALYTICS', 'OPENSEARCH_MANAGED_CLUSTER', 'S3_VECTORS'];

async function createKnowledgeBase(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const name = reqString(body, 'name');
  if (!/^([0-9a-zA-Z][_-]?){1,100}$/.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ([0-9a-zA-Z][_-]?){1,100}`);
  const roleArn = reqString(body, 'roleArn');
  const config = reqObject(body, 'knowledgeBaseConfiguration');
  if (config.type !== 'VECTOR') throw validation(`The emulator serves VECTOR Knowledge Bases only (knowledgeBaseConfiguration.type was ${JSON.stringify(config.type)}).`);
  const vector = reqObject(config, 'vectorKnowledgeBaseConfiguration', 'knowledgeBaseConfiguration.vectorKnowledgeBaseConfiguration');
  const embeddingArn = reqString(vector, 'embeddingModelArn', 'knowledgeBaseConfiguration.vectorKnowledgeBaseConfiguration.embeddingModelArn');
  const emb = lookupFoundationModel(embeddingArn);
  if (!emb || !isEmbeddingModel(emb)) throw validation(`The embedding model ${embeddingArn} is not a supported embedding model.`);
  const storageConfiguration = optObject(body, 'storageConfiguration');
  if (!storageConfiguration) throw validation('The knowledge base storage configuration is missing. A VECTOR knowledge base needs storageConfiguration (the vector store it indexes into).');
  if (!STORAGE_TYPES.includes(String(storageConfiguration.type))) {
    throw validation(`1 validation error detected: Value '${String(storageConfiguration.type)}' at 'storageConfiguration.type' failed to satisfy constraint: Member must satisfy enum value set: [${STORAGE_TYPES.join(', ')}]`);
  }
  const tags = agentTagMap(body);
  const n = a.ctx.store.next('knowledgeBase');
  const id = hashUpperId(10, a.ctx.seed, 'kb', n, name);
  const now = nowIso();
  const kb: KnowledgeBaseRecord = {
    knowledgeBaseId: id,
    name,
    knowledgeBaseArn: `arn:aws:bedrock:${a.ctx.region}:${ACCOUNT_ID}:knowledge-base/${id}`,
    roleArn,
    description: optString(body, 'description'),
    knowledgeBaseConfiguration: config,
    storageConfiguration,
    status: 'CREATING',
    createdAt: now,
    updatedAt: now,
    readyAt: Date.now() + a.ctx.provisioningDelayMs,
  };
  a.ctx.store.put('knowledgeBases', id, kb);
  putResourceTags(a.ctx, kb.knowledgeBaseArn, tags);
  sendJson(a.res, 202, { knowledgeBase: publicKb(kb) });
}

async function getKnowledgeBase(a: RouteArgs): Promise<void> {
  sendJson(a.res, 200, { knowledgeBase: publicKb(getKbOrThrow(a.ctx, a.params.knowledgeBaseId)) });
}

async function deleteKnowledgeBase(a: RouteArgs): Promise<void> {
  const kb = getKbOrThrow(a.ctx, a.params.knowledgeBaseId);
  for (const ds of a.ctx.store.all<DataSourceRecord>('dataSources').filter((d) => d.knowledgeBaseId === kb.knowledgeBaseId)) {
    a.ctx.store.delete('dataSources', ds.dataSourceId);
    a.ctx.kbIndexes.delete(ds.dataSourceId);
  }
  a.ctx.store.delete('knowledgeBases', kb.knowledgeBaseId);
  deleteResourceTags(a.ctx, kb.knowledgeBaseArn);
  sendJson(a.res, 202, { knowledgeBaseId: kb.knowledgeBaseId, status: 'DELETING' });
}

/** Pages a sorted list with an opaque numeric token. */
export function paginate<T>(items: T[], body: Record<string, unknown>, maxDefault = 1000): { page: T[]; nextToken?: string } {
  const max = optNumber(body, 'maxResults', 1, 1000) ?? maxDefault;
  const token = optString(body, 'nextToken');
  const start = token ? Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw validation('The nextToken is invalid.');
  const page = items.slice(start, start + max);
  const next = start + max < items.length ? Buffer.from(String(start + max)).toString('base64url') : undefined;
  return { page, nextToken: next };
}

async function listKnowledgeBases(a: RouteArgs): Promise<void> {
  const body = parseJsonObject(await readBody(a.req));
  const all = a.ctx.store.all<KnowledgeBaseRecord>('knowledgeBases').map((k) => settleKb(a.ctx, k)).sort((x, y) => x.createdAt.localeCompare(y.createdAt) || x.knowledgeBaseId.localeCompare(y.knowledgeBaseId));
  const { page, nextToken } = paginate(all, body);
  sendJson(a.res, 200, {
    knowledgeBaseSummaries: page.map((k) => ({ knowledgeBaseId: k.knowledgeBaseId, name: k.name, status: k.status, updatedAt: k.updatedAt, description: k.description })),
    nextToken,
  });
}

function chunkingOf(v: Record<string, unknown> | undefined): { chunkTokens: number; overlapPercent: number } {
  const chunking = v?.chunkingConfiguration as Record<string, unknown> | undefined;
  if (!chunking) return { chunkTokens: 300, overlapPercent: 20 };
  const strategy = chunking.chunkingStrategy;
  if (strategy === 'NONE') return { chunkTokens: 1_000_000, overlapPercent: 0 };
  if (strategy !== 'FIXED_SIZE') throw validation(`The emulator supports chunkingStrategy FIXED_SIZE and NONE (got ${JSON.stringify(strategy)}).`);
  const f = reqObject(chunking, 'fixedSizeChunkingConfiguration', 'vectorIngestionConfiguration.chunkingConfiguration.fixedSizeChunkingConfiguration');
  const maxTokens = optNumber(f, 'maxTokens', 1, 8192, 'fixedSizeChunkingConfiguration.maxTokens');
  const overlap = optNumber(f, 'overlapPercentage', 1, 99, 'fixedSizeChunkingConfiguration.overlapPercentage');
  if (maxTokens === undefined || overlap === undefined) throw validation('fixedSizeChunkingConfiguration needs maxTokens and overlapPercentage.');
  return { chunkTokens: maxTokens, overlapPercent: overlap };
}

async function createDataSource(a: RouteArgs): Promise<void> {
  const kb = activeKbOrThrow(a.ctx, a.params.knowledgeBaseId);
  const body = parseJsonObject(await readBody(a.req));
  const name = reqString(body, 'name');
  const config = reqObject(body, 'dataSourceConfiguration');
  if (config.type !== 'S3') throw validation(`The emulator serves S3 data sources only (dataSourceConfiguration.type was ${JSON.stringify(config.type)}).`);
  const s3c = reqObject(config, 's3Configuration', 'dataSourceConfiguration.s3Configuration');
  const bucketArn = reqString(s3c, 'bucketArn', 'dataSourceConfiguration.s3Configuration.bucketArn');
  const bucket = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(bucketArn)?.[1];
  if (!bucket) throw validation(`1 validation error detected: Value '${bucketArn}' at 'dataSourceConfiguration.s3Configuration.bucketArn' failed to satisfy constraint: Member must be an S3 bucket ARN (arn:aws:s3:::bucket)`);
  const prefixes = s3c.inclusionPrefixes;
  if (prefixes !== undefined && (!Array.isArray(prefixes) || prefixes.length > 1 || prefixes.some((p) => typeof p !== 'string'))) {
    throw validation('dataSourceConfiguration.s3Configuration.inclusionPrefixes must be a list of at most 1 string.');
  }
  const vic = optObject(body, 'vectorIngestionConfiguration');
  const { chunkTokens, overlapPercent } = chunkingOf(vic);
  const n = a.ctx.store.next('dataSource');
  const id = hashUpperId(10, a.ctx.seed, 'ds', n, kb.knowledgeBaseId, name);
  const now = nowIso();
  const ds: DataSourceRecord = {
    knowledgeBaseId: kb.knowledgeBaseId,
    dataSourceId: id,
    name,
    description: optString(body, 'description'),
    status: 'AVAILABLE',
    dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn, ...(prefixes ? { inclusionPrefixes: prefixes as string[] } : {}) } },
    vectorIngestionConfiguration: vic,
    dataDeletionPolicy: optString(body, 'dataDeletionPolicy') ?? 'DELETE',
    chunkTokens,
    overlapPercent,
    createdAt: now,
    updatedAt: now,
  };
  a.ctx.store.put('dataSources', id, ds);
  sendJson(a.res, 200, { dataSource: publicDs(ds) });
}

async function getDataSource(a: RouteArgs): Promise<void> {
  sendJson(a.res, 200, { dataSource: publicDs(getDsOrThrow(a.ctx, a.params.knowledgeBaseId, a.params.dataSourceId)) });
}

async function deleteDataSource(a: RouteArgs): Promise<void> {
  const ds = getDsOrThrow(a.ctx, a.params.knowledgeBaseId, a.params.dataSourceId);
  a.ctx.store.delete('dataSources', ds.dataSourceId);
  a.ctx.kbIndexes.delete(ds.dataSourceId);
  sendJson(a.res, 202, { knowledgeBaseId: ds.knowledgeBaseId, dataSourceId: ds.dataSourceId, status: 'DELETING' });
}

async function listDataSources(a: RouteArgs): Promise<void> {
  const kb = getKbOrThrow(a.ctx, a.params.knowledgeBaseId);
  const body = parseJsonObject(await readBody(a.req));
  const all = a.ctx.store.all<DataSourceRecord>('dataSources').filter((d) => d.knowledgeBaseId === kb.knowledgeBaseId).sort((x, y) => x.createdAt.localeCompare(y.createdAt));
  const { page, nextToken } = paginate(all, body);
  sendJson(a.res, 200, {
    dataSourceSummaries: page.map((d) => ({ knowledgeBaseId: d.knowledgeBaseId, dataSourceId: d.dataSourceId, name: d.name, status: d.status, updatedAt: d.updatedAt, description: d.description })),
    nextToken,
  });
}

function indexFor(ctx: EmulatorContext, dsId: string): KbIndex | undefined {
  let idx = ctx.kbIndexes.get(dsId);
  if (!idx) {
    const json = ctx.store.readBlob('kb', dsId);
    if (json === undefined) return undefined;
    idx = loadKbIndex(json);
    ctx.kbIndexes.set(dsId, idx);
  }
  return idx;
}

export interface RetrievedChunk extends KbHit {
  dataSourceId: string;
}

/** Top-k chunks across all ingested data sources of a Knowledge Base. */
export interface RetrieveOptions {
  searchType?: 'HYBRID' | 'SEMANTIC';
  /** Metadata filter: only chunks that pass are ranked. */
  filter?: MetadataPredicate;
  /** The request field that holds the Knowledge Base id (for pattern errors). */
  field?: string;
}

export function retrieveFromKb(ctx: EmulatorContext, kbId: string, query: string, k: number, opts: RetrieveOptions = {}): RetrievedChunk[] {
  activeKbOrThrow(ctx, kbId, opts.field);
  const hits: RetrievedChunk[] = [];
  for (const ds of ctx.store.all<DataSourceRecord>('dataSources').filter((d) => d.knowledgeBaseId === kbId)) {
    const idx = indexFor(ctx, ds.dataSourceId);
    if (!idx) continue;
    const ranked = opts.filter ? idx.retrieve(query, idx.chunkCount, opts.searchType).filter((h) => opts.filter!(h.chunk.metadata)) : idx.retrieve(query, k, opts.searchType);
    for (const h of ranked.slice(0, k)) hits.push({ ...h, dataSourceId: ds.dataSourceId });
  }
  hits.sort((x, y) => y.score - x.score || x.chunk.chunkId.localeCompare(y.chunk.chunkId));
  return hits.slice(0, k);
}

const kbPath = '/knowledgebases/{knowledgeBaseId}';
const dsPath = `${kbPath}/datasources/{dataSourceId}`;
const c = controlRoute;

export const knowledgeBaseRoutes: Route[] = [
  c('PUT', '/knowledgebases', createKnowledgeBase),
  c('POST', '/knowledgebases', listKnowledgeBases),
  c('GET', kbPath, getKnowledgeBase),
  c('DELETE', kbPath, deleteKnowledgeBase),
  c('PUT', `${kbPath}/datasources`, createDataSource),
  c('POST', `${kbPath}/datasources`, listDataSources),
  c('GET', dsPath, getDataSource),
  c('DELETE', dsPath, deleteDataSource),
];
