/**
 * Creates (or reuses) a Knowledge Base from a folder of documents through the bedrock-agent control plane, as on AWS:
 * upload to S3, CreateKnowledgeBase, CreateDataSource, StartIngestionJob, wait. Reuse is keyed by a hash of the
 * documents and the embedding model. On AWS a Knowledge Base needs a vector store ftrag does not create, so there
 * the config names an existing one (`knowledgeBase.id`).
 */
import { createHash } from 'node:crypto';
import {
  CreateDataSourceCommand,
  CreateKnowledgeBaseCommand,
  GetIngestionJobCommand,
  GetKnowledgeBaseCommand,
  StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import type { SystemSpec } from '../config/schema.js';
import { readTextDocuments, TEXT_DOCUMENT_EXTENSIONS, type TextDocument } from '../datasets/documents.js';
import { InputError, ServiceError } from '../util/errors.js';
import { countTokens } from '../util/tokenizer.js';
import { putText } from './s3.js';
import type { TrainContext } from './train-model.js';
import { poll } from './train-model.js';

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
  const root = ctx.resolvePath(kb.documents);
  const docs = await readDocuments(root, `systems.${spec.id}.knowledgeBase.documents`);
  const hash = createHash('sha256').update(kb.embeddingModelId);
  for (const d of docs) hash.update(d.path).update('\0').update(d.text).update('\0');
  const key = hash.digest('hex').slice(0, 16);
  const corpusTokens = docs.reduce((sum, d) => sum + countTokens(d.text), 0);

  const known = ctx.state.knowledgeBases[key];
  if (known) {
    try {
      await ctx.clients.bedrockAgent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: known.knowledgeBaseId }));
      ctx.log(`knowledge base: reusing ${known.knowledgeBaseId} (documents unchanged)`);
      return { knowledgeBaseId: known.knowledgeBaseId, corpusTokens, documents: docs.length };
    } catch {
      // Gone (for example a wiped emulator data dir): build it again.
    }
  }

  const bucket = 'ftrag-kb';
  for (const d of docs) await putText(ctx.clients.s3, bucket, `${key}/${d.path}`, d.text, true);
  ctx.log(`knowledge base: ingesting ${docs.length} documents (${corpusTokens} tokens)`);
  const created = await ctx.clients.bedrockAgent.send(
    new CreateKnowledgeBaseCommand({
      name: `ftrag-${spec.id}-${key}`,
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
    }),
  );
  const knowledgeBaseId = created.knowledgeBase!.knowledgeBaseId!;
  // A new Knowledge Base is CREATING first (on Bedrock and the emulator); data sources need it ACTIVE.
  const active = await poll(ctx, async () => {
    const k = await ctx.clients.bedrockAgent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId }));
    const status = k.knowledgeBase?.status;
    return status === 'ACTIVE' || status === 'FAILED' || status === 'DELETE_UNSUCCESSFUL' ? status : undefined;
  });
  if (active !== 'ACTIVE') throw new ServiceError(`knowledge base ${knowledgeBaseId} ended ${active} instead of ACTIVE: ${(await ctx.clients.bedrockAgent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId }))).knowledgeBase?.failureReasons?.join('; ') ?? ''}`);
  const source = await ctx.clients.bedrockAgent.send(
    new CreateDataSourceCommand({
      knowledgeBaseId,
      name: 'documents',
      dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: `arn:aws:s3:::${bucket}`, inclusionPrefixes: [`${key}/`] } },
    }),
  );
  const dataSourceId = source.dataSource!.dataSourceId!;
  const started = await ctx.clients.bedrockAgent.send(new StartIngestionJobCommand({ knowledgeBaseId, dataSourceId }));
  const ingestionJobId = started.ingestionJob!.ingestionJobId!;
  const finished = await poll(ctx, async () => {
    const j = await ctx.clients.bedrockAgent.send(new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId }));
    const status = j.ingestionJob?.status;
    return status === 'COMPLETE' || status === 'FAILED' || status === 'STOPPED' ? j.ingestionJob : undefined;
  });
  if (finished?.status !== 'COMPLETE') {
    throw new ServiceError(`ingestion job ${ingestionJobId} ended ${finished?.status}: ${(finished?.failureReasons ?? []).join('; ')}`);
  }
  ctx.state.knowledgeBases[key] = { knowledgeBaseId, dataSourceId };
  return { knowledgeBaseId, corpusTokens, documents: docs.length };
}

/** The documents ftrag ingests: the text files under root, as `ftrag data check` and `ftrag cost` see them. */
async function readDocuments(root: string, field: string): Promise<TextDocument[]> {
  const { documents } = await readTextDocuments(root, field);
  if (documents.length === 0) {
    throw new InputError(`no text documents (${[...TEXT_DOCUMENT_EXTENSIONS].join(' ')}) in ${root}`, { field });
  }
  return documents;
}
