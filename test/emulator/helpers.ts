import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient, GetKnowledgeBaseCommand } from '@aws-sdk/client-bedrock-agent';
import { S3Client } from '@aws-sdk/client-s3';
import { startEmulator } from '../../src/emulator/index.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/index.js';

// The SDK prints a Node-version notice once per process; it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ftrag-emu-'));
}

export interface Clients {
  runtime: BedrockRuntimeClient;
  agentRuntime: BedrockAgentRuntimeClient;
  bedrock: BedrockClient;
  agent: BedrockAgentClient;
  s3: S3Client;
}

export const credentials = { accessKeyId: 'test-key', secretAccessKey: 'test-secret' };

export function clientsFor(emu: RunningEmulator, extra: { maxAttempts?: number } = {}): Clients {
  const base = { endpoint: emu.url, region: 'us-east-1', credentials, ...extra };
  return {
    runtime: new BedrockRuntimeClient(base),
    agentRuntime: new BedrockAgentRuntimeClient(base),
    bedrock: new BedrockClient(base),
    agent: new BedrockAgentClient(base),
    s3: new S3Client({ ...base, forcePathStyle: true }),
  };
}

export function destroyClients(c: Clients): void {
  for (const client of Object.values(c)) client.destroy();
}

export interface Harness {
  emu: RunningEmulator;
  clients: Clients;
  dataDir: string;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

export async function startHarness(opts: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const dataDir = opts.dataDir ?? tempDir();
  const emu = await startEmulator({ quiet: true, seed: 7, latencyProfile: 'none', provisioningDelayMs: 50, ...opts, dataDir });
  const clients = clientsFor(emu);
  return {
    emu,
    clients,
    dataDir,
    stop: async ({ keepData = false } = {}) => {
      destroyClients(clients);
      await emu.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const userMessage = (text: string) => [{ role: 'user' as const, content: [{ text }] }];

/** Polls until `done`; the deadline only turns a hang into a readable failure before the test timeout (300 s). */
export async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A vector store for CreateKnowledgeBase (Bedrock requires one; the emulator stores it and indexes in its data dir). */
export const STORAGE = {
  type: 'OPENSEARCH_SERVERLESS' as const,
  opensearchServerlessConfiguration: { collectionArn: 'arn:aws:aoss:us-east-1:123456789012:collection/abc', vectorIndexName: 'idx', fieldMapping: { vectorField: 'v', textField: 't', metadataField: 'm' } },
};

/** A Knowledge Base passes through CREATING; data sources and retrieval need it ACTIVE, so wait as a client must. */
export async function untilKbActive(agent: BedrockAgentClient, knowledgeBaseId: string): Promise<void> {
  await until(() => agent.send(new GetKnowledgeBaseCommand({ knowledgeBaseId })), (r) => r.knowledgeBase?.status === 'ACTIVE', `knowledge base ${knowledgeBaseId} ACTIVE`);
}
