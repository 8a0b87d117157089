/**
 * Every Target adapter through the one contract (./contract.ts): bedrock-model, bedrock-kb in both modes and batch,
 * against the emulator, the h2c stub replaying responses shaped as AWS documents them (shared/reference/bedrock.md),
 * and aws-sdk-client-mock for batch, whose job, S3 listing and output records only a mock can shape at will.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BedrockClient, CreateModelInvocationJobCommand, GetModelInvocationJobCommand } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient, CreateDataSourceCommand, CreateKnowledgeBaseCommand, GetIngestionJobCommand, StartIngestionJobCommand } from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createBatchTargets } from '../../src/targets/batch.js';
import { createTarget, type BedrockKbSpec, type BedrockModelSpec, type Target, type TargetRequest, type TargetSpec } from '../../src/targets/index.js';
import { CONTRACT_CREDENTIALS, CONTRACT_RUNS, CONTRACT_SECRETS, FAULT_KINDS, targetContract, type ContractBackend, type FaultKind } from './contract.js';
import { converseFrames, startStub, type StubHandler, type StubServer } from './h2c-stub.js';
import { untilKbActive } from '../emulator/helpers.js';

const inference = { maxTokens: 64, temperature: 0 };
const MODEL = 'amazon.nova-micro-v1:0';
const QUESTION = 'When does the Harrow rowing club boathouse open on weekdays?';
const request: TargetRequest = { itemId: 'q0001', prompt: QUESTION };
const modelSpec = (modelId = MODEL): BedrockModelSpec => ({ type: 'bedrock-model', id: 'base', kind: 'base', modelId, inference });
const kbSpec = (mode: BedrockKbSpec['mode'], knowledgeBaseId: string): BedrockKbSpec => ({
  type: 'bedrock-kb',
  id: 'rag',
  kind: 'rag',
  knowledgeBaseId,
  modelId: MODEL,
  mode,
  numberOfResults: 3,
  inference,
});

function clientsAt(endpoint: string) {
  const common = { region: 'us-east-1', endpoint, credentials: CONTRACT_CREDENTIALS, maxAttempts: 1 };
  return {
    runtime: new BedrockRuntimeClient(common),
    agentRuntime: new BedrockAgentRuntimeClient(common),
    bedrock: new BedrockClient(common),
    agent: new BedrockAgentClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
  };
}
type Clients = ReturnType<typeof clientsAt>;
const destroy = (c: Clients) => Object.values(c).forEach((x) => x.destroy());

/** A target that asks about an item the answering side never saw (a batch job without that record). */
function askingFor(itemId: string, t: Target): Target {
  return { ...t, invoke: (req, o) => t.invoke({ ...req, itemId }, o) };
}

// ---------------------------------------------------------------------------------------------------------------
// The emulator: one that answers, with a Knowledge Base ingested, and one per fault (faults hit every data-plane call).

interface EmulatorWorld {
  ok: { emu: RunningEmulator; clients: Clients; kbId: string };
  faulty: Record<'throttle' | 'server' | 'hang', { emu: RunningEmulator; clients: Clients }>;
}
let emulatorWorld: Promise<EmulatorWorld> | undefined;

async function ingestedKb(c: Clients): Promise<string> {
  await c.s3.send(new CreateBucketCommand({ Bucket: 'docs' }));
  const docs = {
    'boathouse.txt': 'The Harrow rowing club boathouse opens at 6 am on weekdays and at 8 am at weekends.',
    'lockers.txt': 'Lockers at the Harrow rowing club are issued by the bay steward. Bay B holds the junior lockers.',
    'regatta.txt': 'The Harrow spring regatta is held on the second Saturday of May on the lower reach.',
  };
  for (const [Key, Body] of Object.entries(docs)) await c.s3.send(new PutObjectCommand({ Bucket: 'docs', Key, Body }));
  const kb = await c.agent.send(
    new CreateKnowledgeBaseCommand({
      name: 'contract-kb',
      roleArn: 'arn:aws:iam::123456789012:role/KbRole',
      knowledgeBaseConfiguration: { type: 'VECTOR', vectorKnowledgeBaseConfiguration: { embeddingModelArn: 'amazon.titan-embed-text-v2:0' } },
      storageConfiguration: { type: 'OPENSEARCH_SERVERLESS', opensearchServerlessConfiguration: { collectionArn: 'arn:aws:aoss:us-east-1:123456789012:collection/abc', vectorIndexName: 'idx', fieldMapping: { vectorField: 'v', textField: 't', metadataField: 'm' } } },
    }),
  );
  const kbId = kb.knowledgeBase!.knowledgeBaseId!;
  await untilKbActive(c.agent, kbId);
  const ds = await c.agent.send(new CreateDataSourceCommand({ knowledgeBaseId: kbId, name: 'docs', dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::docs' } } }));
  const dataSourceId = ds.dataSource!.dataSourceId!;
  const job = await c.agent.send(new StartIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId }));
  for (;;) {
    const j = await c.agent.send(new GetIngestionJobCommand({ knowledgeBaseId: kbId, dataSourceId, ingestionJobId: job.ingestionJob!.ingestionJobId! }));
    if (j.ingestionJob?.status === 'COMPLETE') return kbId;
    if (j.ingestionJob?.status === 'FAILED') throw new Error(`ingestion failed: ${JSON.stringify(j.ingestionJob.failureReasons)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function emulators(): Promise<EmulatorWorld> {
  emulatorWorld ??= (async () => {
    const start = async (faults?: string) => {
      const emu = await startEmulator({ dataDir: mkdtempSync(join(tmpdir(), 'ftrag-contract-')), quiet: true, seed: 7, latencyProfile: 'none', ...(faults ? { faults } : {}) });
      return { emu, clients: clientsAt(emu.url) };
    };
    const ok = await start();
    const kbId = await ingestedKb(ok.clients);
    const [throttle, server, hang] = await Promise.all([start('throttle=1'), start('server-error=1'), start('slow=1,slow-ms=600000')]);
    return { ok: { ...ok, kbId }, faulty: { throttle, server, hang } };
  })();
  return emulatorWorld;
}

afterAll(async () => {
  if (!emulatorWorld) return;
  const w = await emulatorWorld;
  for (const e of [w.ok, ...Object.values(w.faulty)]) {
    destroy(e.clients);
    await e.emu.close();
  }
});

const EMULATOR_FAULTS: FaultKind[] = ['throttle', 'server', 'fatal', 'hang'];

function emulatorBackend(spec: (kbId: string) => TargetSpec, fatal: TargetSpec): () => Promise<ContractBackend> {
  return async () => {
    const w = await emulators();
    return {
      target: createTarget(spec(w.ok.kbId), w.ok.clients),
      request,
      faulty: (kind) => (kind === 'fatal' ? createTarget(fatal, w.ok.clients) : createTarget(spec(w.ok.kbId), w.faulty[kind as 'throttle' | 'server' | 'hang'].clients)),
      secrets: CONTRACT_SECRETS,
      close: async () => undefined,
    };
  };
}

targetContract(
  { adapter: 'bedrock-model', backend: 'emulator', usage: 'reported', serviceLatency: true, citations: false, output: /\S/, faults: EMULATOR_FAULTS },
  emulatorBackend(() => modelSpec(), modelSpec('no.such-model-v1:0')),
);
targetContract(
  // The reference model's Converse answers carry no [n] markers, so retrieved passages are retrieved, not cited.
  { adapter: 'bedrock-kb retrieve-then-converse', backend: 'emulator', usage: 'reported', serviceLatency: true, citations: false, output: /\S/, faults: EMULATOR_FAULTS },
  emulatorBackend((kbId) => kbSpec('retrieve-then-converse', kbId), kbSpec('retrieve-then-converse', 'NOSUCHKB01')),
);
targetContract(
  { adapter: 'bedrock-kb retrieve-and-generate', backend: 'emulator', usage: 'estimated', serviceLatency: false, citations: true, output: /\S/, faults: EMULATOR_FAULTS },
  emulatorBackend((kbId) => kbSpec('retrieve-and-generate', kbId), kbSpec('retrieve-and-generate', 'NOSUCHKB01')),
);

/** Batch needs 100 records a job; the contract asks about the first. */
const batchRequests: TargetRequest[] = [request, ...Array.from({ length: 99 }, (_, i) => ({ itemId: `q${String(i + 2).padStart(4, '0')}`, prompt: `Question ${i + 2} about the Harrow rowing club?` }))];

targetContract(
  { adapter: 'batch', backend: 'emulator', usage: 'reported', serviceLatency: false, citations: false, output: /\S/, faults: ['fatal'] },
  async () => {
    const w = await emulators();
    const targets = await createBatchTargets([modelSpec()], {
      bedrock: w.ok.clients.bedrock,
      s3: w.ok.clients.s3,
      requests: batchRequests,
      emulated: true,
      locations: {},
      pollMs: 20,
      log: () => undefined,
    });
    const target = targets.get('base')!;
    return { target, request, faulty: () => askingFor('not-in-the-job', target), secrets: CONTRACT_SECRETS, close: async () => undefined };
  },
);

// ---------------------------------------------------------------------------------------------------------------
// The h2c stub, replaying responses in the shapes bedrock.md documents (§1 Converse/ConverseStream, §2 Retrieve and
// RetrieveAndGenerate, the restJson1 error format with x-amzn-ErrorType). A model id or KB id names the fault.

const PASSAGES = [
  {
    content: { type: 'TEXT', text: 'The Harrow rowing club boathouse opens at 6 am on weekdays.' },
    location: { type: 'S3', s3Location: { uri: 's3://docs/boathouse.txt' } },
    score: 0.83,
    metadata: { 'x-amz-bedrock-kb-source-uri': 's3://docs/boathouse.txt', 'x-amz-bedrock-kb-chunk-id': 'c-1' },
  },
  { content: { type: 'TEXT', text: 'Bay B holds the junior lockers.' }, location: { type: 'S3', s3Location: { uri: 's3://docs/lockers.txt' } }, score: 0.41 },
];
const ANSWER = 'It opens at 6 am on weekdays [1].';

const FAULT_REPLIES = {
  throttle: { error: 'ThrottlingException', status: 429, message: 'Too many requests, please wait before trying again.' },
  server: { error: 'InternalServerException', status: 500, message: 'Internal server error' },
  fatal: { error: 'ValidationException', status: 400, message: 'The provided model identifier is invalid.' },
  hang: { hang: true as const },
};
const faultIn = (id: string): FaultKind | undefined => FAULT_KINDS.find((k) => id === `fault-${k}` || id === `FAULT${k.toUpperCase()}`);

const stubHandler: StubHandler = (req) => {
  const model = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(req.path);
  const kbRetrieve = /^\/knowledgebases\/([^/]+)\/retrieve$/.exec(req.path);
  const ragKb = req.path === '/retrieveAndGenerate' ? (req.body as { retrieveAndGenerateConfiguration: { knowledgeBaseConfiguration: { knowledgeBaseId: string } } }).retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.knowledgeBaseId : undefined;
  const fault = faultIn(model?.[1] ?? kbRetrieve?.[1] ?? ragKb ?? '');
  if (fault) return FAULT_REPLIES[fault];
  if (model?.[2] === 'converse-stream') return { frames: converseFrames(['It opens ', 'at 6 am on weekdays [1].'], { inputTokens: 96, outputTokens: 11 }, 412) };
  if (model) {
    return {
      json: {
        output: { message: { role: 'assistant', content: [{ text: ANSWER }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 96, outputTokens: 11, totalTokens: 107, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 },
        metrics: { latencyMs: 412 },
      },
    };
  }
  if (kbRetrieve) return { json: { retrievalResults: PASSAGES.map((p, i) => ({ ...p, documentId: `doc-${i}` })) } };
  if (ragKb) {
    return {
      json: {
        sessionId: 'a1b2c3d4-session',
        output: { text: 'The boathouse opens at 6 am on weekdays.' },
        guardrailAction: 'NONE',
        citations: [{ generatedResponsePart: { textResponsePart: { text: 'The boathouse opens at 6 am on weekdays.', span: { start: 0, end: 39 } } }, retrievedReferences: [PASSAGES[0]] }],
      },
    };
  }
  return { error: 'UnknownOperationException', status: 404 };
};

const STUB_FAULTS: FaultKind[] = ['throttle', 'server', 'fatal', 'hang'];

function stubBackend(spec: (id: string) => TargetSpec, faultId: (k: FaultKind) => string): () => Promise<ContractBackend> {
  return async () => {
    const stub: StubServer = await startStub(stubHandler, { record: false });
    const c = clientsAt(stub.url);
    return {
      target: createTarget(spec(''), c),
      request,
      faulty: (kind) => createTarget(spec(faultId(kind)), c),
      secrets: CONTRACT_SECRETS,
      close: async () => {
        destroy(c);
        await stub.close();
      },
    };
  };
}

for (const streaming of [true, false]) {
  targetContract(
    { adapter: 'bedrock-model', backend: 'h2c stub', usage: 'reported', serviceLatency: true, citations: false, output: /^It opens at 6 am on weekdays \[1\]\.$/, faults: STUB_FAULTS },
    stubBackend((id) => ({ ...modelSpec(id || MODEL), inference: { ...inference, streaming } }), (k) => `fault-${k}`),
  );
}
targetContract(
  { adapter: 'bedrock-kb retrieve-then-converse', backend: 'h2c stub', usage: 'reported', serviceLatency: true, citations: true, output: /6 am/, faults: STUB_FAULTS },
  stubBackend((id) => kbSpec('retrieve-then-converse', id || 'KB12345678'), (k) => `FAULT${k.toUpperCase()}`),
);
targetContract(
  { adapter: 'bedrock-kb retrieve-and-generate', backend: 'h2c stub', usage: 'estimated', serviceLatency: false, citations: true, output: /^The boathouse opens at 6 am on weekdays\.$/, faults: STUB_FAULTS },
  stubBackend((id) => kbSpec('retrieve-and-generate', id || 'KB12345678'), (k) => `FAULT${k.toUpperCase()}`),
);

// ---------------------------------------------------------------------------------------------------------------
// aws-sdk-client-mock for batch: the job, its S3 listing and its output records as bedrock.md documents them
// ({recordId, modelInput, modelOutput} or {recordId, modelInput, error: {errorCode, errorMessage}}).

function batchMockBackend(withUsage: boolean): () => Promise<ContractBackend> {
  return async () => {
    const bedrock = new BedrockClient({ region: 'us-east-1', credentials: CONTRACT_CREDENTIALS });
    const s3 = new S3Client({ region: 'us-east-1', credentials: CONTRACT_CREDENTIALS });
    const bm = mockClient(bedrock);
    const sm = mockClient(s3);
    const jobArn = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcd1234efgh';
    const inputs: string[] = [];
    sm.on(PutObjectCommand).callsFake((input: { Body: string }) => {
      inputs.push(...String(input.Body).split('\n').filter(Boolean));
      return {};
    });
    bm.on(CreateModelInvocationJobCommand).resolves({ jobArn });
    bm.on(GetModelInvocationJobCommand).resolves({ jobArn, status: 'Completed', submitTime: new Date('2026-11-01T10:00:00Z'), endTime: new Date('2026-11-01T10:20:00Z'), totalRecordCount: 100, processedRecordCount: 100 });
    sm.on(ListObjectsV2Command).callsFake((input: { Prefix: string }) => ({ Contents: [{ Key: `${input.Prefix}part-0001.jsonl.out` }, { Key: `${input.Prefix}manifest.json.out` }], IsTruncated: false }));
    const body = (text: string) => ({ Body: { transformToString: async () => text } });
    sm.on(GetObjectCommand).callsFake((input: { Key: string }) => {
      if (input.Key.endsWith('manifest.json.out')) return body(JSON.stringify({ totalRecordCount: 100, processedRecordCount: 100, successRecordCount: 99, errorRecordCount: 1 }));
      return body(
        inputs
          .map((line, i) => {
            const { recordId, modelInput } = JSON.parse(line) as { recordId: string; modelInput: unknown };
            if (i === 1) return JSON.stringify({ recordId, modelInput, error: { errorCode: 400, errorMessage: 'Malformed input request, please reformat your input and try again.' } });
            const modelOutput = {
              output: { message: { role: 'assistant', content: [{ text: ANSWER }] } },
              stopReason: 'end_turn',
              ...(withUsage ? { usage: { inputTokens: 96, outputTokens: 11, totalTokens: 107 } } : {}),
              metrics: { latencyMs: 380 },
            };
            return JSON.stringify({ recordId, modelInput, modelOutput });
          })
          .join('\n'),
      );
    });
    const targets = await createBatchTargets([modelSpec()], {
      bedrock,
      s3,
      requests: batchRequests,
      emulated: false,
      locations: { base: { roleArn: 'arn:aws:iam::123456789012:role/BatchRole', s3Uri: 's3://contract-bucket/batch/' } },
      pollMs: 1,
      log: () => undefined,
    });
    const target = targets.get('base')!;
    return {
      target,
      request,
      // The second record came back as an error record.
      faulty: () => askingFor(batchRequests[1].itemId, target),
      secrets: CONTRACT_SECRETS,
      close: async () => {
        bm.restore();
        sm.restore();
      },
    };
  };
}

targetContract(
  { adapter: 'batch', backend: 'aws-sdk-client-mock', usage: 'reported', serviceLatency: false, citations: false, output: /^It opens at 6 am on weekdays \[1\]\.$/, faults: ['fatal'] },
  batchMockBackend(true),
);
targetContract(
  { adapter: 'batch', backend: 'aws-sdk-client-mock', usage: 'absent', serviceLatency: false, citations: false, output: /^It opens at 6 am on weekdays \[1\]\.$/, faults: ['fatal'] },
  batchMockBackend(false),
);

describe('contract coverage', () => {
  it('runs every adapter, and each meets every fault its service can raise on some backend', () => {
    const adapters = new Set(CONTRACT_RUNS.map((r) => r.adapter));
    expect([...adapters].sort()).toEqual(['batch', 'bedrock-kb retrieve-and-generate', 'bedrock-kb retrieve-then-converse', 'bedrock-model']);
    for (const adapter of adapters) {
      const runs = CONTRACT_RUNS.filter((r) => r.adapter === adapter);
      const covered = new Set(runs.flatMap((r) => r.faults));
      // A batch target replays a finished job: its only per-call failure is a failed or missing record (fatal);
      // throttling and server errors belong to the job's submission, which fails the run as a ServiceError.
      const expected: readonly FaultKind[] = adapter === 'batch' ? ['fatal'] : FAULT_KINDS;
      for (const k of expected) expect(covered.has(k), `${adapter}: ${k}`).toBe(true);
      if (adapter !== 'batch') expect(new Set(runs.map((r) => r.backend))).toEqual(new Set(['emulator', 'h2c stub']));
    }
  });
});
