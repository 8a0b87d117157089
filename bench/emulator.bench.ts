/**
 * Emulator benchmarks (JSON lines on stdout):
 *  - Converse round trips per second through the real SDK (HTTP/2), latency profile `none`, concurrency 1 and 32;
 *  - Knowledge Base ingestion time and Retrieve time for 1,000 generated documents.
 * Run: node --import tsx bench/emulator.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { BedrockAgentRuntimeClient, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockAgentClient, CreateDataSourceCommand, CreateKnowledgeBaseCommand, GetIngestionJobCommand, GetKnowledgeBaseCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startEmulator } from '../src/emulator/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const emit = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ bench: 'emulator', ...o })}\n`);
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

const WORDS = ['harbour', 'lantern', 'copper', 'meadow', 'signal', 'granite', 'willow', 'orbit', 'ferry', 'cobalt', 'summit', 'thistle', 'quarry', 'beacon', 'saffron', 'tundra'];
function doc(i: number): string {
  const w = (k: number) => WORDS[(i * 7 + k * 3) % WORDS.length];
  return Array.from({ length: 8 }, (_, s) => `Record ${i} section ${s}: the ${w(s)} ${w(s + 1)} depot ${i} ships ${w(s + 2)} parts on day ${(i + s) % 28}.`).join(' ');
}

async function converseThroughput(url: string, concurrency: number, seconds: number): Promise<void> {
  const client = new BedrockRuntimeClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let errors = 0;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const n = i++;
      const t0 = performance.now();
      try {
        await client.send(new ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: `Context: Depot ${n % 50} opens at ${n % 12} am. Question: When does depot ${n % 50} open?` }] }], inferenceConfig: { maxTokens: 64 } }));
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - start) / 1000;
  client.destroy();
  emit({ metric: 'converse_rps', concurrency, requests: latencies.length, errors, seconds: +elapsed.toFixed(2), rps: +(latencies.length / elapsed).toFixed(1), p50Ms: +percentile(latencies, 0.5).toFixed(2), p99Ms: +percentile(latencies, 0.99).toFixed(2) });
}

async function kbBench(url: string, docs: number): Promise<void> {
  const s3 = new S3Client({ endpoint: url, region: 'us-east-1', credentials, forcePathStyle: true });
  const agent = new BedrockAgentClient({ endpoint: url, region: 'us-east-1', credentials });
  const rt = new BedrockAgentRuntimeClient({ endpoint: url, region: 'us-east-1', credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'bench-docs' }));
  const t0 = performance.now();
  for (let start = 0; start < docs; start += 50) {
    await Promise.all(Array.from({ length: Math.min(50, docs - start) }, (_, k) => s3.send(new PutObjectCommand({ Bucket: 'bench-docs', Key: `docs/${start + k}.txt`, Body: doc(start + k) }))));
  }
  const uploadMs = performance.now() - t0;
  const kb = await agent.send(new CreateKnowledgeBaseCommand({ name: 'bench', roleArn: 'arn:aws:iam::123456789012:role/r', knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.titan-embed-text-v2:0' } }, storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { vectorBucketArn: 'arn:aws:s3vectors:us-east-1:123456789012:bucket/bench', indexName: 'bench' } } }));
  const knowledgeBaseId = kb.knowledgeBase!.knowledgeBaseId!;
  // A new Knowledge Base is CREATING for a moment, as on Bedrock.
  while ((await agent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId }))).knowledgeBase?.status !== 'ACTIVE') await new Promise((r) => setTimeout(r, 20));
  const ds = await agent.send(new CreateDataSourceCommand({ knowledgeBaseId, name: 'docs', dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::bench-docs' } } }));
  const dataSourceId = ds.dataSource!.dataSourceId!;
  const t1 = performance.now();
  const job = await agent.send(new StartIngestionJobCommand({ knowledgeBaseId, dataSourceId }));
  let status = job.ingestionJob!.status;
  let stats: unknown;
  while (status !== 'COMPLETE' && status !== 'FAILED') {
    await new Promise((r) => setTimeout(r, 20));
    const g = await agent.send(new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId: job.ingestionJob!.ingestionJobId! }));
    status = g.ingestionJob!.status;
    stats = g.ingestionJob!.statistics;
  }
  const ingestMs = performance.now() - t1;
  emit({ metric: 'kb_ingest', documents: docs, status, uploadMs: +uploadMs.toFixed(0), ingestMs: +ingestMs.toFixed(0), statistics: stats });
  const latencies: number[] = [];
  for (let q = 0; q < 200; q++) {
    const t = performance.now();
    await rt.send(new RetrieveCommand({ knowledgeBaseId, retrievalQuery: { text: `When does the ${WORDS[q % WORDS.length]} depot ${q * 5} ship parts?` }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5 } } }));
    latencies.push(performance.now() - t);
  }
  emit({ metric: 'kb_retrieve', documents: docs, queries: latencies.length, p50Ms: +percentile(latencies, 0.5).toFixed(2), p95Ms: +percentile(latencies, 0.95).toFixed(2), meanMs: +(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(2) });
  s3.destroy();
  agent.destroy();
  rt.destroy();
}

const dataDir = mkdtempSync(join(tmpdir(), 'ftrag-emu-bench-'));
const emu = await startEmulator({ dataDir, quiet: true, latencyProfile: 'none', seed: 1 });
try {
  await converseThroughput(emu.url, 1, 5);
  await converseThroughput(emu.url, 32, 5);
  await kbBench(emu.url, 1000);
} finally {
  await emu.close();
  rmSync(dataDir, { recursive: true, force: true });
}
