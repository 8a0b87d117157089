import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateDataSourceCommand,
  CreateKnowledgeBaseCommand,
  GetIngestionJobCommand,
  GetKnowledgeBaseCommand,
  ListKnowledgeBasesCommand,
  ResourceNotFoundException as AgentNotFound,
  StartIngestionJobCommand,
  ValidationException as AgentValidation,
} from '@aws-sdk/client-bedrock-agent';
import { RetrieveAndGenerateCommand, RetrieveCommand, ResourceNotFoundException, ValidationException } from '@aws-sdk/client-bedrock-agent-runtime';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startHarness, until, untilKbActive } from './helpers.js';
import type { Harness } from './helpers.js';

const DOCS: Record<string, string> = {
  'kb/returns.txt': 'Returns policy of Brindlewood Outfitters. Customers may return unworn boots within 45 days of delivery for a full refund. Refunds are issued to the original card within 5 business days.',
  'kb/warranty.txt': 'Warranty of Brindlewood Outfitters tents. Every Brindlewood tent carries a 7 year warranty against seam failure. Pole damage is covered for 2 years.',
  'kb/stores.txt': 'Brindlewood Outfitters stores. The flagship store is at 12 Fernhill Lane in Tarrow and opens at 9 am. The Eastport store closes on Sundays.',
  'kb/shipping.txt': 'Shipping at Brindlewood Outfitters. Standard shipping takes 4 days. Express shipping costs 12 euros and arrives the next day.',
  'other/ignored.txt': 'This file is outside the inclusion prefix and must not be ingested.',
};

let h: Harness;
let kbId: string;
let dsId: string;

/** A Knowledge Base over the kb/ prefix with its S3 data source, not yet ingested. */
async function createKb(name: string): Promise<{ kbId: string; dsId: string }> {
  const kb = await h.clients.agent.send(
    new CreateKnowledgeBaseCommand({
      name,
      roleArn: 'arn:aws:iam::123456789012:role/KbRole',
      knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0' } },
      storageConfiguration: { type: 'OPENSEARCH_SERVERLESS', opensearchServerlessConfiguration: { collectionArn: 'arn:aws:aoss:us-east-1:123456789012:collection/abc', vectorIndexName: 'idx', fieldMapping: { vectorField: 'v', textField: 't', metadataField: 'm' } } },
    }),
  );
  const id = kb.knowledgeBase!.knowledgeBaseId!;
  await untilKbActive(h.clients.agent, id);
  const ds = await h.clients.agent.send(
    new CreateDataSourceCommand({
      knowledgeBaseId: id,
      name: 'docs',
      dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::kb-docs', inclusionPrefixes: ['kb/'] } },
      vectorIngestionConfiguration: { chunkingConfiguration: { chunkingStrategy: 'FIXED_SIZE', fixedSizeChunkingConfiguration: { maxTokens: 300, overlapPercentage: 20 } } },
    }),
  );
  return { kbId: id, dsId: ds.dataSource!.dataSourceId! };
}

async function ingest(target: { kbId: string; dsId: string }): Promise<Record<string, number>> {
  const { kbId: knowledgeBaseId, dsId: dataSourceId } = target;
  const start = await h.clients.agent.send(new StartIngestionJobCommand({ knowledgeBaseId, dataSourceId }));
  expect(start.ingestionJob?.status).toBe('STARTING');
  const done = await until(
    () => h.clients.agent.send(new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId: start.ingestionJob!.ingestionJobId! })),
    (j) => j.ingestionJob?.status === 'COMPLETE' || j.ingestionJob?.status === 'FAILED',
    'ingestion',
  );
  expect(done.ingestionJob?.status, JSON.stringify(done.ingestionJob?.failureReasons)).toBe('COMPLETE');
  return done.ingestionJob!.statistics as Record<string, number>;
}

// The Knowledge Base the retrieval tests read is ingested here, so each test stands alone in any order.
beforeAll(async () => {
  h = await startHarness();
  await h.clients.s3.send(new CreateBucketCommand({ Bucket: 'kb-docs' }));
  for (const [Key, Body] of Object.entries(DOCS)) await h.clients.s3.send(new PutObjectCommand({ Bucket: 'kb-docs', Key, Body }));
  await h.clients.s3.send(new PutObjectCommand({ Bucket: 'kb-docs', Key: 'kb/warranty.txt.metadata.json', Body: JSON.stringify({ metadataAttributes: { team: 'support' } }) }));
  const shared = await createKb('brindlewood-kb');
  ({ kbId, dsId } = shared);
  await ingest(shared);
});
afterAll(async () => {
  await h.stop();
});

describe('Knowledge Bases', () => {
  it('creates, gets and lists a vector Knowledge Base and validates its configuration', async () => {
    const got = await h.clients.agent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: kbId }));
    expect(got.knowledgeBase?.status).toBe('ACTIVE');
    expect(got.knowledgeBase?.storageConfiguration?.type).toBe('OPENSEARCH_SERVERLESS');
    expect(got.knowledgeBase?.knowledgeBaseArn).toBe(`arn:aws:bedrock:us-east-1:123456789012:knowledge-base/${kbId}`);
    const list = await h.clients.agent.send(new ListKnowledgeBasesCommand({}));
    expect(list.knowledgeBaseSummaries?.map((k) => k.knowledgeBaseId)).toContain(kbId);
    await expect(h.clients.agent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: 'NOPE123456' }))).rejects.toBeInstanceOf(AgentNotFound);
    const badEmbedding = await h.clients.agent
      .send(new CreateKnowledgeBaseCommand({ name: 'bad', roleArn: 'arn:aws:iam::123456789012:role/r', knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.nova-micro-v1:0' } } }))
      .catch((e) => e);
    expect(badEmbedding).toBeInstanceOf(AgentValidation);
  });

  it('ingests the documents under the prefix and reports statistics; re-ingesting unchanged docs indexes nothing new', async () => {
    const own = await createKb('brindlewood-kb-ingest');
    const first = await ingest(own);
    expect(first.numberOfDocumentsScanned).toBe(4);
    expect(first.numberOfMetadataDocumentsScanned).toBe(1);
    expect(first.numberOfNewDocumentsIndexed).toBe(4);
    const again = await ingest(own);
    expect(again.numberOfNewDocumentsIndexed).toBe(0);
    expect(again.numberOfModifiedDocumentsIndexed).toBe(0);
  });

  it('Retrieve returns the chunk that answers the question first, with S3 location and metadata', async () => {
    const r = await h.clients.agentRuntime.send(
      new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'How long is the warranty on a tent?' }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 3 } } }),
    );
    expect(r.retrievalResults).toHaveLength(3);
    const top = r.retrievalResults![0];
    expect(top.content?.text).toContain('7 year warranty');
    expect(top.location?.s3Location?.uri).toBe('s3://kb-docs/kb/warranty.txt');
    expect(top.metadata?.['x-amz-bedrock-kb-source-uri']).toBe('s3://kb-docs/kb/warranty.txt');
    expect(top.metadata?.['x-amz-bedrock-kb-data-source-id']).toBe(dsId);
    expect(top.metadata?.team).toBe('support');
    const scores = r.retrievalResults!.map((x) => x.score!);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const all = await h.clients.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'ignored outside prefix' }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 100 } } }));
    expect(all.retrievalResults!.every((x) => !x.location?.s3Location?.uri?.includes('other/'))).toBe(true);
    const def = await h.clients.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'store hours' } }));
    expect(def.retrievalResults!.length).toBeLessThanOrEqual(5);
  });

  it('validates numberOfResults and unknown Knowledge Bases', async () => {
    const bad = await h.clients.agentRuntime
      .send(new RetrieveCommand({ knowledgeBaseId: kbId, retrievalQuery: { text: 'x' }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 101 } } }))
      .catch((e) => e);
    expect(bad).toBeInstanceOf(ValidationException);
    const missing = await h.clients.agentRuntime.send(new RetrieveCommand({ knowledgeBaseId: 'MISSING123', retrievalQuery: { text: 'x' } })).catch((e) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('RetrieveAndGenerate answers from the retrieved chunk and cites it', async () => {
    const r = await h.clients.agentRuntime.send(
      new RetrieveAndGenerateCommand({
        input: { text: 'How many days do customers have to return unworn boots?' },
        retrieveAndGenerateConfiguration: {
          type: 'KNOWLEDGE_BASE',
          knowledgeBaseConfiguration: { knowledgeBaseId: kbId, modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0', retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 2 } } },
        },
      }),
    );
    expect(r.sessionId).toBeTruthy();
    expect(r.output?.text).toContain('45');
    const refs = (r.citations ?? []).flatMap((c) => c.retrievedReferences ?? []);
    expect(refs.some((ref) => ref.location?.s3Location?.uri === 's3://kb-docs/kb/returns.txt')).toBe(true);
    const span = r.citations![0].generatedResponsePart!.textResponsePart!;
    expect(r.output!.text!.slice(span.span!.start!, span.span!.end!)).toBe(span.text);
  });

  it('RetrieveAndGenerate rejects an unknown model', async () => {
    const err = await h.clients.agentRuntime
      .send(
        new RetrieveAndGenerateCommand({
          input: { text: 'q' },
          retrieveAndGenerateConfiguration: { type: 'KNOWLEDGE_BASE', knowledgeBaseConfiguration: { knowledgeBaseId: kbId, modelArn: 'nope.model-v1' } },
        }),
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationException);
  });
});
