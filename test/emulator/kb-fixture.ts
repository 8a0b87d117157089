import { CreateDataSourceCommand, CreateKnowledgeBaseCommand, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { STORAGE, until, untilKbActive } from './helpers.js';
import type { Harness } from './helpers.js';

/** Uploads documents (and `.metadata.json` sidecars), creates a Knowledge Base and ingests it; returns its id. */
export async function knowledgeBaseOf(h: Harness, bucket: string, docs: Record<string, string>, metadata: Record<string, Record<string, unknown>> = {}): Promise<string> {
  await h.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [Key, Body] of Object.entries(docs)) await h.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  for (const [key, attrs] of Object.entries(metadata)) {
    await h.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}.metadata.json`, Body: JSON.stringify({ metadataAttributes: attrs }) }));
  }
  const kb = await h.clients.agent.send(
    new CreateKnowledgeBaseCommand({
      name: `${bucket}-kb`,
      roleArn: 'arn:aws:iam::123456789012:role/KbRole',
      knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.titan-embed-text-v2:0' } },
      storageConfiguration: STORAGE,
    }),
  );
  const kbId = kb.knowledgeBase!.knowledgeBaseId!;
  await untilKbActive(h.clients.agent, kbId);
  const ds = await h.clients.agent.send(new CreateDataSourceCommand({ knowledgeBaseId: kbId, name: 'docs', dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: `arn:aws:s3:::${bucket}` } } }));
  const dsId = ds.dataSource!.dataSourceId!;
  const job = await h.clients.agent.send(new StartIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId: dsId }));
  await until(
    () => h.clients.agent.send(new GetIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId: dsId, ingestionJobId: job.ingestionJob!.ingestionJobId! })),
    (j) => j.ingestionJob?.status === 'COMPLETE' || j.ingestionJob?.status === 'FAILED',
    'ingestion',
  );
  return kbId;
}
