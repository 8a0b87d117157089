/**
 * Knowledge Base ingestion: StartIngestionJob reads the data source's documents from the emulator's S3 and indexes them
 * after the response, as Bedrock does (clients poll Get/ListIngestionJobs).
 */
import { createHash } from 'node:crypto';
import type { EmulatorContext } from './context.js';
import { notFound, nowIso, optString, parseJsonObject, readBody, sendJson, validation } from './http-util.js';
import { getDsOrThrow, paginate, type DataSourceRecord, type IngestionJobRecord } from './knowledge-bases.js';
import { plainMetadata } from './metadata-filter.js';
import type { KbDocument } from './model/api.js';
import { buildKbIndex } from './model-port.js';
import { hashUpperId } from './rng.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';

/** Reads the data source's documents from the emulator's S3. `<key>.metadata.json` sidecars become chunk metadata. */
function readDocuments(ctx: EmulatorContext, ds: DataSourceRecord): { docs: KbDocument[]; scanned: number; metadataScanned: number; failed: number } {
  const bucket = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(ds.dataSourceConfiguration.s3Configuration.bucketArn)![1];
  const prefix = ds.dataSourceConfiguration.s3Configuration.inclusionPrefixes?.[0] ?? '';
  const objects = ctx.s3.list(bucket, prefix);
  const keys = new Set(objects.map((o) => o.key));
  const docs: KbDocument[] = [];
  let failed = 0;
  let metadataScanned = 0;
  for (const o of objects) {
    if (o.key.endsWith('.metadata.json') && keys.has(o.key.slice(0, -'.metadata.json'.length))) {
      metadataScanned++;
      continue;
    }
    const data = ctx.s3.get(bucket, o.key).data;
    if (data.includes(0)) {
      failed++; // binary files (PDF, images) need a parser the emulator does not have
      continue;
    }
    let metadata: Record<string, unknown> | undefined;
    if (keys.has(`${o.key}.metadata.json`)) {
      try {
        const meta = JSON.parse(ctx.s3.get(bucket, `${o.key}.metadata.json`).data.toString('utf8')) as { metadataAttributes?: Record<string, unknown> };
        metadata = meta.metadataAttributes && typeof meta.metadataAttributes === 'object' ? plainMetadata(meta.metadataAttributes) : undefined;
      } catch {
        failed++;
        continue;
      }
    }
    docs.push({ uri: `s3://${bucket}/${o.key}`, text: data.toString('utf8'), ...(metadata ? { metadata } : {}) });
  }
  return { docs, scanned: docs.length + failed, metadataScanned, failed };
}

function runIngestion(ctx: EmulatorContext, job: IngestionJobRecord): void {
  const update = (patch: Partial<IngestionJobRecord>): void => {
    job = { ...job, ...patch, updatedAt: nowIso() };
    ctx.store.put('ingestionJobs', job.ingestionJobId, job);
  };
  try {
    const ds = ctx.store.get<DataSourceRecord>('dataSources', job.dataSourceId);
    if (!ds) throw new Error('The data source was deleted during ingestion.');
    update({ status: 'IN_PROGRESS' });
    const { docs, scanned, metadataScanned, failed } = readDocuments(ctx, ds);
    const hashes: Record<string, string> = {};
    for (const d of docs) hashes[d.uri] = createHash('sha256').update(d.text).update(JSON.stringify(d.metadata ?? {})).digest('hex');
    const before = ds.ingested ?? {};
    const created = docs.filter((d) => !(d.uri in before)).length;
    const modified = docs.filter((d) => d.uri in before && before[d.uri] !== hashes[d.uri]).length;
    const deleted = Object.keys(before).filter((u) => !(u in hashes)).length;
    const index = buildKbIndex(docs, { chunkTokens: ds.chunkTokens, overlapPercent: ds.overlapPercent });
    ctx.store.writeBlob('kb', ds.dataSourceId, index.toJSON());
    ctx.kbIndexes.set(ds.dataSourceId, index);
    ctx.store.put('dataSources', ds.dataSourceId, { ...ds, ingested: hashes, updatedAt: nowIso() });
    update({
      status: 'COMPLETE',
      statistics: {
        numberOfDocumentsScanned: scanned,
        numberOfMetadataDocumentsScanned: metadataScanned,
        numberOfNewDocumentsIndexed: created,
        numberOfModifiedDocumentsIndexed: modified,
        numberOfMetadataDocumentsModified: 0,
        numberOfDocumentsDeleted: deleted,
        numberOfDocumentsFailed: failed,
        numberOfDocumentsSkipped: docs.length - created - modified,
      },
    });
    ctx.log(`ingestion ${job.ingestionJobId}: ${docs.length} documents, ${index.chunkCount} chunks`);
  } catch (err) {
    update({ status: 'FAILED', failureReasons: [(err as Error).message] });
  }
}

async function startIngestionJob(a: RouteArgs): Promise<void> {
  const ds = getDsOrThrow(a.ctx, a.params.knowledgeBaseId, a.params.dataSourceId);
  const body = parseJsonObject(await readBody(a.req));
  const running = a.ctx.store.all<IngestionJobRecord>('ingestionJobs').find((j) => j.dataSourceId === ds.dataSourceId && (j.status === 'STARTING' || j.status === 'IN_PROGRESS'));
  if (running) throw validation(`An ingestion job (${running.ingestionJobId}) is already running for data source ${ds.dataSourceId}.`);
  const n = a.ctx.store.next('ingestionJob');
  const now = nowIso();
  const job: IngestionJobRecord = {
    knowledgeBaseId: ds.knowledgeBaseId,
    dataSourceId: ds.dataSourceId,
    ingestionJobId: hashUpperId(10, a.ctx.seed, 'ij', n, ds.dataSourceId),
    description: optString(body, 'description'),
    status: 'STARTING',
    startedAt: now,
    updatedAt: now,
    statistics: {},
  };
  a.ctx.store.put('ingestionJobs', job.ingestionJobId, job);
  // Ingestion runs after the response, so StartIngestionJob returns STARTING like Bedrock and clients poll.
  const work = new Promise<void>((resolve) => setImmediate(() => {
    runIngestion(a.ctx, job);
    resolve();
  }));
  a.ctx.background.add(work);
  void work.finally(() => a.ctx.background.delete(work));
  sendJson(a.res, 202, { ingestionJob: job });
}

async function getIngestionJob(a: RouteArgs): Promise<void> {
  getDsOrThrow(a.ctx, a.params.knowledgeBaseId, a.params.dataSourceId);
  const job = a.ctx.store.get<IngestionJobRecord>('ingestionJobs', a.params.ingestionJobId);
  if (!job || job.dataSourceId !== a.params.dataSourceId) throw notFound(`Ingestion job ${a.params.ingestionJobId} is not found.`);
  sendJson(a.res, 200, { ingestionJob: job });
}

async function listIngestionJobs(a: RouteArgs): Promise<void> {
  const ds = getDsOrThrow(a.ctx, a.params.knowledgeBaseId, a.params.dataSourceId);
  const body = parseJsonObject(await readBody(a.req));
  const all = a.ctx.store.all<IngestionJobRecord>('ingestionJobs').filter((j) => j.dataSourceId === ds.dataSourceId).sort((x, y) => x.startedAt.localeCompare(y.startedAt));
  const { page, nextToken } = paginate(all, body);
  sendJson(a.res, 200, {
    ingestionJobSummaries: page.map((j) => ({ knowledgeBaseId: j.knowledgeBaseId, dataSourceId: j.dataSourceId, ingestionJobId: j.ingestionJobId, status: j.status, startedAt: j.startedAt, updatedAt: j.updatedAt, statistics: j.statistics })),
    nextToken,
  });
}

/** Marks ingestion jobs interrupted by a restart as failed. */
export function failInterruptedIngestions(ctx: EmulatorContext): void {
  for (const j of ctx.store.all<IngestionJobRecord>('ingestionJobs')) {
    if (j.status === 'STARTING' || j.status === 'IN_PROGRESS') {
      ctx.store.put('ingestionJobs', j.ingestionJobId, { ...j, status: 'FAILED', updatedAt: nowIso(), failureReasons: ['The emulator restarted while this ingestion job was running; start it again.'] });
    }
  }
}

const dsPath = '/knowledgebases/{knowledgeBaseId}/datasources/{dataSourceId}';

export const ingestionRoutes: Route[] = [
  controlRoute('PUT', `${dsPath}/ingestionjobs`, startIngestionJob),
  controlRoute('POST', `${dsPath}/ingestionjobs`, listIngestionJobs),
  controlRoute('GET', `${dsPath}/ingestionjobs/{ingestionJobId}`, getIngestionJob),
];
