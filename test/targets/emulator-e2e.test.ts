/** Both targets and the runner against the real emulator, through the unmodified SDK clients. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateDataSourceCommand, CreateKnowledgeBaseCommand, GetIngestionJobCommand, GetKnowledgeBaseCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runEval } from '../../src/runner/index.js';
import { createAwsClients, createTarget, type AwsClients } from '../../src/targets/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DOCS: Record<string, string> = {
  'kb/history.txt': 'History of Quillmere Instruments. Quillmere Instruments was founded in 1987 in the town of Vostrand by Ada Pelling.',
  'kb/products.txt': 'Products of Quillmere Instruments. The Quillmere K7 oscilloscope has a bandwidth of 350 megahertz and weighs 4 kilograms.',
};

let dir: string;
let emu: RunningEmulator;
let clients: AwsClients;
let kbId: string;
const inference = { maxTokens: 64, temperature: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ftrag-targets-e2e-'));
  emu = await startEmulator({ dataDir: join(dir, 'emu'), quiet: true, seed: 3, latencyProfile: 'none', faults: 'throttle=0.2' });
  clients = createAwsClients({ region: 'us-east-1', endpointUrl: emu.url });
  await clients.s3.send(new CreateBucketCommand({ Bucket: 'docs' }));
  for (const [Key, Body] of Object.entries(DOCS)) await clients.s3.send(new PutObjectCommand({ Bucket: 'docs', Key, Body }));
  const kb = await clients.bedrockAgent.send(
    new CreateKnowledgeBaseCommand({
      name: 'quillmere',
      roleArn: 'arn:aws:iam::123456789012:role/KbRole',
      knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0' } },
      storageConfiguration: {
        type: 'OPENSEARCH_SERVERLESS',
        opensearchServerlessConfiguration: { collectionArn: 'arn:aws:aoss:us-east-1:123456789012:collection/abc', vectorIndexName: 'idx', fieldMapping: { vectorField: 'v', textField: 't', metadataField: 'm' } },
      },
    }),
  );
  kbId = kb.knowledgeBase!.knowledgeBaseId!;
  // A new Knowledge Base is CREATING for a moment, as on Bedrock.
  for (let i = 0; i < 800 && (await clients.bedrockAgent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId: kbId }))).knowledgeBase?.status !== 'ACTIVE'; i++) await new Promise((r) => setTimeout(r, 25));
  const ds = await clients.bedrockAgent.send(
    new CreateDataSourceCommand({ knowledgeBaseId: kbId, name: 'docs', dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::docs' } } }),
  );
  const job = await clients.bedrockAgent.send(new StartIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId: ds.dataSource!.dataSourceId! }));
  for (let i = 0; i < 8000; i++) {
    const j = await clients.bedrockAgent.send(
      new GetIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId: ds.dataSource!.dataSourceId!, ingestionJobId: job.ingestionJob!.ingestionJobId! }),
    );
    if (j.ingestionJob?.status === 'COMPLETE') return;
    if (j.ingestionJob?.status === 'FAILED') throw new Error(`ingestion failed: ${JSON.stringify(j.ingestionJob.failureReasons)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('ingestion did not finish');
});

afterAll(async () => {
  clients?.destroy();
  await emu?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('targets and runner against the emulator', () => {
  it('runs base, retrieve-then-converse and retrieve-and-generate systems under 20% injected throttling', async () => {
    const targets = [
      createTarget({ type: 'bedrock-model', id: 'base', kind: 'base', modelId: 'amazon.nova-micro-v1:0', inference }, clients),
      createTarget({ type: 'bedrock-kb', id: 'rag', kind: 'rag', knowledgeBaseId: kbId, modelId: 'amazon.nova-micro-v1:0', mode: 'retrieve-then-converse', numberOfResults: 2, inference }, clients),
      createTarget({ type: 'bedrock-kb', id: 'rag-rag', kind: 'rag', knowledgeBaseId: kbId, modelId: 'amazon.nova-micro-v1:0', mode: 'retrieve-and-generate', numberOfResults: 2, inference }, clients),
    ];
    const items = [
      { id: 'founded', prompt: 'When was Quillmere Instruments founded?', references: ['1987'] },
      { id: 'bandwidth', prompt: 'What is the bandwidth of the Quillmere K7 oscilloscope?', references: ['350 megahertz'] },
      { id: 'founder', prompt: 'Who founded Quillmere Instruments?', references: ['Ada Pelling'] },
    ];
    const out = await runEval({
      items,
      targets,
      journalPath: join(dir, 'journal.jsonl'),
      concurrency: 2,
      timeoutMs: 10_000,
      maxRetries: 8,
      seed: 1,
      progress: 'none',
      cache: { dir: join(dir, 'cache'), endpointKey: clients.endpointKey },
      backoff: { baseMs: 5, throttleBaseMs: 10, maxMs: 50 },
    });
    expect(out.failed).toBe(0);
    expect(out.completed).toBe(9);
    expect(out.throttles).toBeGreaterThan(0); // the injected faults were met and retried
    for (const item of items) {
      const base = out.records!.get(item.id)!.get('base')!.response!;
      expect(base.usage!.estimated).toBeUndefined();
      expect(base.usage!.inputTokens).toBeGreaterThan(0);
      const rag = out.records!.get(item.id)!.get('rag')!.response!;
      expect(rag.contexts!.length).toBeGreaterThan(0);
      expect(rag.contexts![0].uri).toMatch(/^s3:\/\/docs\/kb\//);
      expect(rag.firstTokenMs).toBeGreaterThan(0);
      // The RAG prompt carries the passages, so its measured input is longer than the bare question's.
      expect(rag.usage!.inputTokens).toBeGreaterThan(base.usage!.inputTokens);
      const rg = out.records!.get(item.id)!.get('rag-rag')!.response!;
      expect(rg.usage!.estimated).toBe(true);
      expect(rg.output.length).toBeGreaterThan(0);
    }
    const rag = out.records!.get('founded')!.get('rag')!.response!;
    expect(rag.output).toContain('1987');
  });
});
