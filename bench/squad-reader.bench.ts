/**
 * The reference model's reading on real public data (JSON lines), measured the way a user gets answers: the real
 * AWS SDK v3 against the embedded emulator (latency profile none), on SQuAD v2.0 dev (CS224n split, found as
 * `../shared/data/squad-dev-v2.0-cs224n.json` beside the checkout or an ancestor of it).
 *
 * The dev file is split by article in file order: the first half of the articles is where the reader's span ranker
 * and abstainer were fitted (`npm run train:reader`, src/emulator/model/span-ranker.json); the second half
 * ("held-out") is never read by the training script. Every figure is given for both halves and the whole set.
 *  (a) answerable questions, gold paragraph in the prompt (`Context: <paragraph>\nQuestion: <question>`): EM, F1;
 *  (b) unanswerable questions with their paragraph: share answered with the non-answer, and the official v2 score
 *      over all questions (the non-answer counts as the empty prediction);
 *  (c) RAG: a Knowledge Base of every dev paragraph (S3 + ingestion), Retrieve 5, then Converse with ftrag's default
 *      retrieve-then-converse prompt: context recall@5 and RAG F1 on the answerable questions;
 *  (d) generate() calls per second on a ~600-character prompt, one core.
 * Run: node --import tsx bench/squad-reader.bench.ts [--limit N] [--only rag|gold]   (N questions per half; default all)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { BedrockAgentRuntimeClient, RetrieveCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import {
  BedrockAgentClient, CreateDataSourceCommand, CreateKnowledgeBaseCommand, GetIngestionJobCommand, GetKnowledgeBaseCommand, StartIngestionJobCommand,
} from '@aws-sdk/client-bedrock-agent';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readSquadV2 } from '../src/datasets/squad.js';
import type { EvalItem } from '../src/datasets/types.js';
import { startEmulator } from '../src/emulator/index.js';
import { generate, NON_ANSWER } from '../src/emulator/model/index.js';
import { contextRecallScorer } from '../src/scoring/context.js';
import { squadExact, squadF1 } from '../src/scoring/squad.js';
import { DEFAULT_RAG_TEMPLATE, renderRagPrompt } from '../src/targets/bedrock-kb.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const emit = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify({ bench: 'squad-reader', ...o })}\n`);
const MODEL = 'amazon.nova-micro-v1:0';
const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
const CONCURRENCY = 16;

function findShared(relative: string): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const limitArg = process.argv.indexOf('--limit');
const limit = limitArg >= 0 ? Number(process.argv[limitArg + 1]) : Infinity;
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : undefined;

async function pool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await worker(items[next++]);
  }));
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, v) => s + v, 0) / xs.length);
const round = (x: number) => +x.toFixed(4);

async function converse(client: BedrockRuntimeClient, text: string): Promise<string> {
  const r = await client.send(new ConverseCommand({ modelId: MODEL, messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens: 128, temperature: 0 } }));
  const out = r.output?.message?.content?.map((b) => b.text ?? '').join('') ?? '';
  // The reference model's fixed non-answer is its abstention: the empty prediction in SQuAD v2 scoring.
  return out.trim() === NON_ANSWER ? '' : out;
}

interface Half {
  name: string;
  items: EvalItem[];
}

async function goldParagraph(client: BedrockRuntimeClient, halves: Half[]): Promise<void> {
  const rows: { half: string; answerable: boolean; exact: number; f1: number; abstained: boolean }[] = [];
  const all = halves.flatMap((h) => h.items.map((item) => ({ half: h.name, item })));
  const t0 = performance.now();
  await pool(all, async ({ half, item }) => {
    const pred = await converse(client, `Context: ${item.contexts![0]}\nQuestion: ${item.prompt}`);
    const answerable = item.references.some((r) => r !== '');
    rows.push({ half, answerable, exact: squadExact(pred, item.references), f1: squadF1(pred, item.references), abstained: pred === '' });
  });
  const seconds = (performance.now() - t0) / 1000;
  for (const name of [...halves.map((h) => h.name), 'all']) {
    const mine = rows.filter((r) => name === 'all' || r.half === name);
    const ans = mine.filter((r) => r.answerable);
    const un = mine.filter((r) => !r.answerable);
    emit({ metric: 'gold_paragraph', split: name, answerable: ans.length, exact: round(mean(ans.map((r) => r.exact))), f1: round(mean(ans.map((r) => r.f1))), answerableAbstained: round(mean(ans.map((r) => (r.abstained ? 1 : 0)))) });
    emit({ metric: 'unanswerable', split: name, unanswerable: un.length, correctAbstentions: round(mean(un.map((r) => (r.abstained ? 1 : 0)))), v2Exact: round(mean(mine.map((r) => r.exact))), v2F1: round(mean(mine.map((r) => r.f1))), allAbstainV2: round(un.length / Math.max(1, mine.length)) });
  }
  emit({ metric: 'gold_paragraph_throughput', calls: rows.length, seconds: +seconds.toFixed(1), via: 'AWS SDK ConverseCommand -> embedded emulator' });
}

async function rag(url: string, client: BedrockRuntimeClient, halves: Half[], paragraphs: string[]): Promise<void> {
  const s3 = new S3Client({ endpoint: url, region: 'us-east-1', credentials, forcePathStyle: true });
  const agent = new BedrockAgentClient({ endpoint: url, region: 'us-east-1', credentials });
  const rt = new BedrockAgentRuntimeClient({ endpoint: url, region: 'us-east-1', credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'squad-dev' }));
  await pool(paragraphs.map((p, i) => ({ p, i })), async ({ p, i }) => {
    await s3.send(new PutObjectCommand({ Bucket: 'squad-dev', Key: `paragraphs/p${String(i).padStart(4, '0')}.txt`, Body: p }));
  });
  const kb = await agent.send(new CreateKnowledgeBaseCommand({
    name: 'squad-dev',
    roleArn: 'arn:aws:iam::123456789012:role/bench',
    knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.titan-embed-text-v2:0' } },
    storageConfiguration: {
      type: 'OPENSEARCH_SERVERLESS',
      opensearchServerlessConfiguration: {
        collectionArn: 'arn:aws:aoss:us-east-1:123456789012:collection/bench',
        vectorIndexName: 'squad',
        fieldMapping: { vectorField: 'vector', textField: 'text', metadataField: 'metadata' },
      },
    },
  }));
  const knowledgeBaseId = kb.knowledgeBase!.knowledgeBaseId!;
  // A new Knowledge Base is CREATING first; data sources need it ACTIVE.
  while ((await agent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId }))).knowledgeBase?.status !== 'ACTIVE') await new Promise((r) => setTimeout(r, 50));
  const ds = await agent.send(new CreateDataSourceCommand({ knowledgeBaseId, name: 'paragraphs', dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::squad-dev' } } }));
  const dataSourceId = ds.dataSource!.dataSourceId!;
  const job = await agent.send(new StartIngestionJobCommand({ knowledgeBaseId, dataSourceId }));
  let status = job.ingestionJob!.status;
  while (status !== 'COMPLETE' && status !== 'FAILED') {
    await new Promise((r) => setTimeout(r, 50));
    status = (await agent.send(new GetIngestionJobCommand({ knowledgeBaseId, dataSourceId, ingestionJobId: job.ingestionJob!.ingestionJobId! }))).ingestionJob!.status;
  }
  if (status !== 'COMPLETE') throw new Error(`ingestion ${status}`);
  const recall = contextRecallScorer();
  const rows: { half: string; recall: number; f1: number; exact: number }[] = [];
  const answerable = halves.flatMap((h) => h.items.filter((i) => i.references.some((r) => r !== '')).map((item) => ({ half: h.name, item })));
  await pool(answerable, async ({ half, item }) => {
    const r = await rt.send(new RetrieveCommand({ knowledgeBaseId, retrievalQuery: { text: item.prompt }, retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 5 } } }));
    const contexts = (r.retrievalResults ?? []).map((x) => ({ text: x.content?.text ?? '', uri: x.location?.s3Location?.uri }));
    const pred = await converse(client, renderRagPrompt(DEFAULT_RAG_TEMPLATE, item.prompt, contexts));
    const scored = await recall.score({ item, output: pred, contexts });
    rows.push({ half, recall: scored.value ?? 0, f1: squadF1(pred, item.references), exact: squadExact(pred, item.references) });
  });
  for (const name of [...halves.map((h) => h.name), 'all']) {
    const mine = rows.filter((r) => name === 'all' || r.half === name);
    emit({ metric: 'rag', split: name, answerable: mine.length, paragraphs: paragraphs.length, contextRecallAt5: round(mean(mine.map((r) => r.recall))), exact: round(mean(mine.map((r) => r.exact))), f1: round(mean(mine.map((r) => r.f1))) });
  }
  s3.destroy();
  agent.destroy();
  rt.destroy();
}

function generationSpeed(items: EvalItem[]): void {
  // Paragraphs of about 600 characters, with their questions: realistic prompts rather than one repeated sentence.
  const prompts = items.filter((i) => Math.abs(i.contexts![0].length - 560) < 60).slice(0, 200).map((i) => `Context: ${i.contexts![0]}\nQuestion: ${i.prompt}`);
  const n = 6000;
  for (let i = 0; i < 500; i++) generate({ messages: [{ role: 'user', text: prompts[i % prompts.length] }], maxTokens: 128, seed: 1 });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) generate({ messages: [{ role: 'user', text: prompts[i % prompts.length] }], maxTokens: 128, seed: 1 });
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // On a shared machine wall-clock time includes waiting for a core; CPU time is what one core spends per call.
  emit({
    metric: 'generate_speed', calls: n, distinctPrompts: prompts.length, meanPromptChars: Math.round(mean(prompts.map((p) => p.length))),
    callsPerSecond: Math.round(n / s), callsPerCpuSecond: Math.round(n / ((cpu.user + cpu.system) / 1e6)), loadAverage1m: +loadavg()[0].toFixed(2),
    via: 'generate() in-process, one thread',
  });
}

const file = findShared('data/squad-dev-v2.0-cs224n.json');
if (!file) {
  emit({ skipped: 'shared/data/squad-dev-v2.0-cs224n.json not found beside the checkout' });
} else {
  const { items } = await readSquadV2(file);
  const titles = [...new Set(items.map((i) => i.category ?? ''))];
  const tuneTitles = new Set(titles.slice(0, Math.floor(titles.length / 2)));
  const take = (xs: EvalItem[]) => (Number.isFinite(limit) ? xs.slice(0, limit) : xs);
  const halves: Half[] = [
    { name: 'tuning-half', items: take(items.filter((i) => tuneTitles.has(i.category ?? ''))) },
    { name: 'held-out-half', items: take(items.filter((i) => !tuneTitles.has(i.category ?? ''))) },
  ];
  emit({ metric: 'split', articles: titles.length, tuningArticles: [...tuneTitles], tuningQuestions: halves[0].items.length, heldOutQuestions: halves[1].items.length });
  generationSpeed(items);
  const dataDir = mkdtempSync(join(tmpdir(), 'ftrag-squad-bench-'));
  const emu = await startEmulator({ dataDir, quiet: true, latencyProfile: 'none', seed: 1 });
  const client = new BedrockRuntimeClient({ endpoint: emu.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  try {
    // --only rag | gold: one part alone (the other takes minutes on a loaded machine).
    if (only !== 'rag') await goldParagraph(client, halves);
    const paragraphs = [...new Set(items.map((i) => i.contexts![0]))];
    if (only !== 'gold') await rag(emu.url, client, halves, paragraphs);
  } finally {
    client.destroy();
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
