/**
 * AWS SDK clients, created once per region + endpoint and passed to every target (so tests can stub them and the
 * emulator can stand in for AWS). Retries are switched off in the SDK (`maxAttempts: 1`) by default because the
 * runner retries itself: that way every retry and throttle is counted in the results, and backoff and slow-down
 * are ours (shared per system) instead of hidden inside each call.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../util/errors.js';
import { PooledHttp2Handler } from './connections.js';

export interface AwsClientOptions {
  region: string;
  /** An emulator (or other Bedrock-compatible) endpoint, e.g. `http://127.0.0.1:4566`. Absent means AWS. */
  endpointUrl?: string;
  /** SDK attempts per call. Default 1: the runner owns retries. */
  maxAttempts?: number;
  /** Concurrent HTTP/2 streams per session before another session is opened (default 100). */
  maxStreamsPerSession?: number;
}

/** Connections the data-plane clients have opened (HTTP/2 sessions, one pool per client and endpoint). */
export interface ConnectionCounts {
  runtime: number;
  agentRuntime: number;
}

export interface AwsClients {
  runtime: BedrockRuntimeClient;
  agentRuntime: BedrockAgentRuntimeClient;
  bedrock: BedrockClient;
  bedrockAgent: BedrockAgentClient;
  s3: S3Client;
  region: string;
  /** Identifies the endpoint for the response cache: `aws:<region>` or `url:<endpoint>|<region>`. */
  endpointKey: string;
  /** Connections opened so far by the runtime and agent-runtime clients (which share sessions across calls). */
  connections(): ConnectionCounts;
  /** Of those, the connections whose socket has since closed. */
  connectionsClosed(): ConnectionCounts;
  destroy(): void;
}

/**
 * Static placeholder credentials for a local endpoint. They are not secrets: the emulator does not check them,
 * and they never reach AWS because `endpoint` points elsewhere.
 */
const EMULATOR_CREDENTIALS = { accessKeyId: 'FTRAGEMULATOR', secretAccessKey: 'ftrag-emulator-not-a-secret' };

export function endpointKeyOf(opts: { region: string; endpointUrl?: string }): string {
  if (!opts.endpointUrl) return `aws:${opts.region}`;
  // Normalise so `http://127.0.0.1:4566/` and `http://127.0.0.1:4566` share one cache.
  const url = new URL(opts.endpointUrl);
  return `url:${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}|${opts.region}`;
}

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  const maxAttempts = opts.maxAttempts ?? 1;
  const common = opts.endpointUrl
    ? { region: opts.region, endpoint: opts.endpointUrl, credentials: EMULATOR_CREDENTIALS, maxAttempts }
    : { region: opts.region, maxAttempts };
  // The data plane shares one pooled HTTP/2 session per endpoint across calls, streaming or not (connections.ts).
  const runtimeHandler = new PooledHttp2Handler({ maxStreamsPerSession: opts.maxStreamsPerSession });
  const agentRuntimeHandler = new PooledHttp2Handler({ maxStreamsPerSession: opts.maxStreamsPerSession });
  const runtime = new BedrockRuntimeClient({ ...common, requestHandler: runtimeHandler });
  const agentRuntime = new BedrockAgentRuntimeClient({ ...common, requestHandler: agentRuntimeHandler });
  const bedrock = new BedrockClient(common);
  const bedrockAgent = new BedrockAgentClient(common);
  const s3 = new S3Client(opts.endpointUrl ? { ...common, forcePathStyle: true } : common);
  return {
    runtime,
    agentRuntime,
    bedrock,
    bedrockAgent,
    s3,
    region: opts.region,
    endpointKey: endpointKeyOf(opts),
    connections: () => ({ runtime: runtimeHandler.opened, agentRuntime: agentRuntimeHandler.opened }),
    connectionsClosed: () => ({ runtime: runtimeHandler.closed, agentRuntime: agentRuntimeHandler.closed }),
    destroy() {
      for (const c of [runtime, agentRuntime, bedrock, bedrockAgent, s3]) c.destroy();
    },
  };
}

/**
 * Resolve the default credential chain before a run starts, so a missing login fails fast with exit 2 instead of
 * as thousands of failed calls. Never prints credential values.
 */
export async function checkAwsCredentials(region: string): Promise<void> {
  const client = new BedrockRuntimeClient({ region, maxAttempts: 1 });
  try {
    const creds = await client.config.credentials();
    if (!creds?.accessKeyId) throw new Error('empty credentials');
  } catch (err) {
    const reason = err instanceof Error && err.message ? ` (${oneLine(err.message)})` : '';
    throw new InputError(
      'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws sso login`, ' +
        'or use an instance/container role; or set `endpoint: emulator` in the config to run locally' +
        reason,
      { field: 'endpoint' },
    );
  } finally {
    client.destroy();
  }
}

function oneLine(s: string): string {
  return s.split('\n')[0].slice(0, 200);
}
