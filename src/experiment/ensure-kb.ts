/**
 * Creates (or reuses) a Knowledge Base from a folder of documents through the bedrock-agent control plane, as on AWS:
 * upload to S3, CreateKnowledgeBase, CreateDataSource, StartIngestionJob, wait. Reuse is keyed by a hash of the
 * documents and the embedding model. On AWS a Knowledge Base needs a vector store ftrag does not create, so there
 * the config names an existing one (`knowledgeBase.id`).
 */
import { createHash } from 'node:crypto';
import type { SystemSpec } from '../config/schema.js';
import { readTextDocuments, TEXT_DOCUMENT_EXTENSIONS, type TextDocument } from '../datasets/documents.js';
import { InputError, ServiceError } from '../util/errors.js';
import { countTokens } from '../util/tokenizer.js';
import { putText } from './s3.js';
import type { TrainContext } from './train-model.js';
import { poll } from './train-model.js';
import type { KnowledgeBaseRecord } from './state.js';
import { resourceName } from '../models/identifiers.js';
import { ftragTags, tagMap } from './tags.js';
import { bedrockAgentSdk } from '../targets/sdk.js';

export interface ReadyKnowledgeBase {
  knowledgeBaseId: string;
  /** Tokens in the corpus, for ingestion cost; undefined for an existing KB whose documents ftrag never saw. */
  corpusTokens?: number;
  documents?: number;
}

export async function ensureKnowledgeBase(spec: SystemSpec, ctx: TrainContext): Promise<ReadyKnowledgeBase> {
  const kb = spec.knowledgeBase!;
  if (kb.id) return { knowledgeBaseId: kb.id };
  if (!kb.documents) {
    throw new InputError('a RAG system needs knowledgeBase.id or knowledgeBase.documents', { field: `systems.${spec.id}.knowledgeBase` });
  }
  if (!ctx.emulated) {
    throw new InputError('on AWS, create the Knowledge Base (and its vector store) first and set knowledgeBase.id', {
      field: `systems.${spec.id}.knowledgeBase.id`,
    });
  }
  const { key, docs, corpusTokens } = await knowledgeBaseKey(spec, ctx.resolvePath);

  const known = ctx.state.knowledgeBases[key];
  const existing = known ? await kbExists(known.knowledgeBaseId, ctx) : false;
  if (known?.ready && existing) {
    ctx.log(`knowledge base: reusing ${known.knowledgeBaseId} (documents unchanged)`);
    return { knowledgeBaseId: known.knowledgeBaseId, corpusTokens, documents: docs.length };
  }
  // Each step is recorded as soon as it is made, so a resume after a kill goes on from there.
  const record: KnowledgeBaseRecord = existing && known ? { ...known, ready: false } : { knowledgeBaseId: '', systemId: spec.id, runId: ctx.runId };
  const save = async (): Promise<void> => {
    ctx.state.knowledgeBases[key] = { ...record };
    await ctx.saveState();
  };

  const bucket = 'ftrag-kb';
  for (const d of docs) await putText(ctx.clients.s3, bucket, `${key}/${d.path}`, d.text, true);
  ctx.log(`knowledge base: ingesting ${docs.length} documents (${corpusTokens} tokens)`);
  const kbName = resourceName('knowledgeBaseName', spec.id, key);
  // A create whose answer was lost to a kill left a KB with this (deterministic) name: adopt it, never make a second.
  if (!record.knowledgeBaseId) record.knowledgeBaseId = (await findKnowledgeBaseByName(kbName, ctx)) ?? '';
  if (!record.knowledgeBaseId) {
    const created = await ctx.clients.bedrockAgent.send(
      new bedrockAgentSdk.CreateKnowledgeBaseCommand({
        name: kbName,
        roleArn: 'arn:aws:iam::000000000000:role/ftrag-emulator',
        knowledgeBaseConfiguration: {
          type: 'VECTOR',
          vectorKnowledgeBaseConfiguration: { embeddingModelArn: `arn:aws:bedrock:${ctx.clients.region}::foundation-model/${kb.embeddingModelId}` },
        },
        storageConfiguration: {
          type: 'OPENSEARCH_SERVERLESS',
          opensearchServerlessConfiguration: {
            collectionArn: `arn:aws:aoss:${ctx.clients.region}:000000000000:collection/ftrag-emulator`,
            vectorIndexName: 'ftrag',
            fieldMapping: { vectorField: 'vector', textField: 'text', metadataField: 'metadata' },
          },
        },
        tags: tagMap(ftragTags({ runId: ctx.runId, experiment: ctx.experiment, systemId: spec.id })),
      }),
    );
    record.knowledgeBaseId = created.knowledgeBase!.knowledgeBaseId!;
    await save();
    ctx.log(`knowledge base: ${record.knowledgeBaseId} created (recorded)`);
  }
  const knowledgeBaseId = record.knowledgeBaseId;
  // A new Knowledge Base is CREATING first (on Bedrock and the emulator); data sources need it ACTIVE.
  const active = await poll(ctx, async () => {
    const k = await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.GetKnowledgeBaseCommand({ knowledgeBaseId }));
    const status = k.knowledgeBase?.status;
    return status === 'ACTIVE' || status === 'FAILED' || status === 'DELETE_UNSUCCESSFUL' ? status : undefined;
  });
  if (active !== 'ACTIVE') throw new ServiceError(`knowledge base ${knowledgeBaseId} ended ${active} instead of ACTIVE: ${(await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.GetKnowledgeBaseCommand({ knowledgeBaseId }))).knowledgeBase?.failureReasons?.join('; ') ?? ''}`);
  if (!record.dataSourceId) record.dataSourceId = await findDataSource(knowledgeBaseId, 'documents', ctx);
  if (!record.dataSourceId) {
    const source = await ctx.clients.bedrockAgent.send(
      new bedrockAgentSdk.CreateDataSourceCommand({
        knowledgeBaseId,
        name: 'documents',
        dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: `arn:aws:s3:::${bucket}`, inclusionPrefixes: [`${key}/`] } },
      }),
    );
    record.dataSourceId = source.dataSource!.dataSourceId!;
    await save();
  }
  const dataSourceId = record.dataSourceId;
  const waitFor = (ingestionJobId: string) =>
    poll(ctx, async () => {
      const j = await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId }));
      const status = j.ingestionJob?.status;
      return status === 'COMPLETE' || status === 'FAILED' || status === 'STOPPED' ? j.ingestionJob : undefined;
    });
  record.ingestionJobId ??= await findIngestionJob(knowledgeBaseId, dataSourceId, ctx);
  let finished = record.ingestionJobId ? await waitFor(record.ingestionJobId).catch(() => undefined) : undefined;
  if (finished?.status !== 'COMPLETE') {
    const started = await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.StartIngestionJobCommand({ knowledgeBaseId, dataSourceId }));
    record.ingestionJobId = started.ingestionJob!.ingestionJobId!;
    await save();
    ctx.log(`knowledge base: ingestion job ${record.ingestionJobId} started (recorded)`);
    finished = await waitFor(record.ingestionJobId);
  }
  if (finished?.status !== 'COMPLETE') {
    throw new ServiceError(`ingestion job ${record.ingestionJobId} ended ${finished?.status}: ${(finished?.failureReasons ?? []).join('; ')}`);
  }
  record.ready = true;
  await save();
  return { knowledgeBaseId, corpusTokens, documents: docs.length };
}

/** The reuse key of a documents folder (a hash of the embedding model and every document's path and text), as `plan` sees it too. */
export async function knowledgeBaseKey(spec: SystemSpec, resolvePath: (p: string) => string): Promise<{ key: string; docs: TextDocument[]; corpusTokens: number }> {
  const kb = spec.knowledgeBase!;
  const docs = await readDocuments(resolvePath(kb.documents!), `systems.${spec.id}.knowledgeBase.documents`);
  const hash = createHash('sha256').update(kb.embeddingModelId);
  for (const d of docs) hash.update(d.path).update('\0').update(d.text).update('\0');
  return { key: hash.digest('hex').slice(0, 16), docs, corpusTokens: docs.reduce((sum, d) => sum + countTokens(d.text), 0) };
}

async function findKnowledgeBaseByName(name: string, ctx: TrainContext): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.ListKnowledgeBasesCommand({ nextToken }));
    const hit = page.knowledgeBaseSummaries?.find((k) => k.name === name && k.status !== 'DELETING');
    if (hit?.knowledgeBaseId) return hit.knowledgeBaseId;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

async function findDataSource(knowledgeBaseId: string, name: string, ctx: TrainContext): Promise<string | undefined> {
  const page = await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.ListDataSourcesCommand({ knowledgeBaseId }));
  return page.dataSourceSummaries?.find((d) => d.name === name)?.dataSourceId;
}

/** An ingestion job an earlier run started on this data source (running or complete). */
async function findIngestionJob(knowledgeBaseId: string, dataSourceId: string, ctx: TrainContext): Promise<string | undefined> {
  const page = await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.ListIngestionJobsCommand({ knowledgeBaseId, dataSourceId }));
  return page.ingestionJobSummaries?.find((j) => j.status === 'COMPLETE' || j.status === 'IN_PROGRESS' || j.status === 'STARTING')?.ingestionJobId;
}

async function kbExists(knowledgeBaseId: string, ctx: TrainContext): Promise<boolean> {
  try {
    await ctx.clients.bedrockAgent.send(new bedrockAgentSdk.GetKnowledgeBaseCommand({ knowledgeBaseId }));
    return true;
  } catch {
    return false; // gone (for example a wiped emulator data dir): build it again
  }
}

/** The documents ftrag ingests: the text files under root, as `ftrag data check` and `ftrag cost` see them. */
async function readDocuments(root: string, field: string): Promise<TextDocument[]> {
  const { documents } = await readTextDocuments(root, field);
  if (documents.length === 0) {
    throw new InputError(`no text documents (${[...TEXT_DOCUMENT_EXTENSIONS].join(' ')}) in ${root}`, { field });
  }
  return documents;
}
