/**
 * AWS SDK clients, created once per region + endpoint and passed to every target (so tests can stub them and the
 * emulator can stand in for AWS). Retries are switched off in the SDK (`maxAttempts: 1`) by default because the
 * runner retries itself: that way every retry and throttle is counted in the results, and backoff and slow-down
 * are ours (shared per system) instead of hidden inside each call.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { InputError } from '../util/errors.js';
import { PooledHttp2Handler } from './connections.js';
import { bedrockAgentSdk, bedrockSdk, s3Sdk, sageMakerRuntimeSdk, sageMakerSdk } from './sdk.js';

export interface AwsClientOptions {
  region: string;
  /** An emulator (or other Bedrock-compatible) endpoint, e.g. `http://127.0.0.1:4566`. Absent means AWS. */
  endpointUrl?: string;
  /** SDK attempts per call. Default 1: the runner owns retries. */
  maxAttempts?: number;
  /** Concurrent HTTP/2 streams per session before another session is opened (default 100). */
  maxStreamsPerSession?: number;
  /** Environment the AWS_ENDPOINT_URL_* variables are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Connections the data-plane clients have opened (HTTP/2 sessions, one pool per client and endpoint). */
export interface ConnectionCounts {
  runtime: number;
  agentRuntime: number;
}

/** The clients ftrag creates, by the SDK service id their `AWS_ENDPOINT_URL_<ID>` variable is named after. */
export const CLIENT_SERVICE_IDS = {
  runtime: 'BEDROCK_RUNTIME',
  agentRuntime: 'BEDROCK_AGENT_RUNTIME',
  bedrock: 'BEDROCK',
  bedrockAgent: 'BEDROCK_AGENT',
  s3: 'S3',
  sagemaker: 'SAGEMAKER',
  sagemakerRuntime: 'SAGEMAKER_RUNTIME',
} as const;
export type ClientName = keyof typeof CLIENT_SERVICE_IDS;

export interface ResolvedEndpoint {
  /** The URL the client sends to; `default` means the SDK's own AWS endpoint for the Region. */
  url: string;
  /** Where it came from: `config`, `AWS_ENDPOINT_URL_<ID>`, `AWS_ENDPOINT_URL` or `default`. */
  source: string;
  /** Not an AWS host: answers did not come from Amazon Bedrock. */
  nonAws: boolean;
}

/** True for AWS's own hosts (`*.amazonaws.com`, China's `.amazonaws.com.cn`, `*.api.aws`). */
export function isAwsHost(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return /\.amazonaws\.com(\.cn)?$/.test(host) || /\.api\.aws$/.test(host);
  } catch {
    return false;
  }
}

/**
 * The endpoint each client will use, resolved the way the SDK does from the environment (service-specific
 * `AWS_ENDPOINT_URL_<ID>` over the global `AWS_ENDPOINT_URL`, both off under `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`)
 * unless the config gives one. ftrag then passes the resolved URL to the client itself, so what is recorded is what
 * is used. Endpoints in the shared config file (a profile's `endpoint_url`, or its `services` section) are added by
 * `resolveConfigFileEndpoints`, which asks the SDK itself, once the clients exist.
 */
export function resolveEndpoints(endpointUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): Record<ClientName, ResolvedEndpoint> {
  const ignore = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true';
  const out = {} as Record<ClientName, ResolvedEndpoint>;
  for (const [name, id] of Object.entries(CLIENT_SERVICE_IDS) as [ClientName, string][]) {
    const specific = ignore ? undefined : env[`AWS_ENDPOINT_URL_${id}`];
    const global = ignore ? undefined : env.AWS_ENDPOINT_URL;
    const [url, source] = endpointUrl
      ? [endpointUrl, 'config']
      : specific
        ? [specific, `AWS_ENDPOINT_URL_${id}`]
        : global
          ? [global, 'AWS_ENDPOINT_URL']
          : ['default', 'default'];
    out[name] = { url, source, nonAws: url !== 'default' && !isAwsHost(url) };
  }
  return out;
}

export interface AwsClients {
  runtime: BedrockRuntimeClient;
  agentRuntime: BedrockAgentRuntimeClient;
  bedrock: BedrockClient;
  bedrockAgent: BedrockAgentClient;
  s3: S3Client;
  /** SageMaker control plane (training jobs, models, endpoints) and runtime (InvokeEndpoint), for JumpStart systems. */
  sagemaker: SageMakerClient;
  sagemakerRuntime: SageMakerRuntimeClient;
  region: string;
  /** Identifies the endpoint for the response cache: `aws:<region>` or `url:<endpoint>|<region>`. */
  endpointKey: string;
  /** Where each client sends its calls. */
  endpoints: Record<ClientName, ResolvedEndpoint>;
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
  return `url:${normalizeUrl(opts.endpointUrl)}|${opts.region}`;
}

/** `http://127.0.0.1:4566/` and `http://127.0.0.1:4566` share one cache. */
function normalizeUrl(u: string): string {
  const url = new URL(u);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * The cache and reuse identity of a set of endpoints: `aws:<region>` only when every client talks to AWS; any
 * configured endpoint makes its own key, so answers from elsewhere are never served as Bedrock's.
 */
export function endpointKeyOfResolved(endpoints: Record<ClientName, ResolvedEndpoint>, region: string): string {
  const configured = (Object.keys(CLIENT_SERVICE_IDS) as ClientName[]).filter((n) => endpoints[n].url !== 'default');
  if (configured.length === 0) return `aws:${region}`;
  const urls = new Set(configured.map((n) => normalizeUrl(endpoints[n].url)));
  const all = configured.length === Object.keys(CLIENT_SERVICE_IDS).length;
  if (urls.size === 1 && all) return `url:${[...urls][0]}|${region}`;
  return `url:${(Object.keys(CLIENT_SERVICE_IDS) as ClientName[]).map((n) => `${n}=${endpoints[n].url === 'default' ? 'aws' : normalizeUrl(endpoints[n].url)}`).join(',')}|${region}`;
}

export function createAwsClients(opts: AwsClientOptions): AwsClients {
  const maxAttempts = opts.maxAttempts ?? 1;
  const endpoints = resolveEndpoints(opts.endpointUrl, opts.env);
  const configFor = (name: ClientName) => {
    const ep = endpoints[name];
    if (ep.url === 'default') return { region: opts.region, maxAttempts };
    // A non-AWS endpoint (the emulator) gets placeholder credentials; an AWS one (a VPC endpoint) keeps the real chain.
    return ep.nonAws ? { region: opts.region, endpoint: ep.url, credentials: EMULATOR_CREDENTIALS, maxAttempts } : { region: opts.region, endpoint: ep.url, maxAttempts };
  };
  // The data plane shares one pooled HTTP/2 session per endpoint across calls, streaming or not (connections.ts).
  const runtimeHandler = new PooledHttp2Handler({ maxStreamsPerSession: opts.maxStreamsPerSession });
  const agentRuntimeHandler = new PooledHttp2Handler({ maxStreamsPerSession: opts.maxStreamsPerSession });
  const runtime = new BedrockRuntimeClient({ ...configFor('runtime'), requestHandler: runtimeHandler });
  const agentRuntime = new BedrockAgentRuntimeClient({ ...configFor('agentRuntime'), requestHandler: agentRuntimeHandler });
  // The SDK's logger middleware filters every input and output for sensitive fields to hand them to its logger, which
  // by default (ftrag never sets one) does nothing with them: on the data plane that is per-call work for nothing.
  for (const client of [runtime, agentRuntime]) client.middlewareStack.remove('loggerMiddleware');
  // The control plane is created (and its package loaded, ./sdk.ts) on first use: most runs never touch it.
  const bedrock = onFirstUse(() => new bedrockSdk.BedrockClient(configFor('bedrock')));
  const bedrockAgent = onFirstUse(() => new bedrockAgentSdk.BedrockAgentClient(configFor('bedrockAgent')));
  const s3Config = configFor('s3');
  const s3 = onFirstUse(() => new s3Sdk.S3Client(endpoints.s3.url !== 'default' ? { ...s3Config, forcePathStyle: true } : s3Config));
  const sagemaker = onFirstUse(() => new sageMakerSdk.SageMakerClient(configFor('sagemaker')));
  const sagemakerRuntime = onFirstUse(() => new sageMakerRuntimeSdk.SageMakerRuntimeClient(configFor('sagemakerRuntime')));
  return {
    runtime,
    agentRuntime,
    get bedrock() {
      return bedrock.get();
    },
    get bedrockAgent() {
      return bedrockAgent.get();
    },
    get s3() {
      return s3.get();
    },
    get sagemaker() {
      return sagemaker.get();
    },
    get sagemakerRuntime() {
      return sagemakerRuntime.get();
    },
    region: opts.region,
    endpointKey: endpointKeyOfResolved(endpoints, opts.region),
    endpoints,
    connections: () => ({ runtime: runtimeHandler.opened, agentRuntime: agentRuntimeHandler.opened }),
    connectionsClosed: () => ({ runtime: runtimeHandler.closed, agentRuntime: agentRuntimeHandler.closed }),
    destroy() {
      runtime.destroy();
      agentRuntime.destroy();
      for (const c of [bedrock, bedrockAgent, s3, sagemaker, sagemakerRuntime]) c.created()?.destroy();
    },
  };
}

/** A client made on the first `get()`; `created()` is it, or undefined while nobody asked. */
function onFirstUse<T>(make: () => T): { get(): T; created(): T | undefined } {
  let made: T | undefined;
  return { get: () => (made ??= make()), created: () => made };
}

const CONFIG_FILE_SOURCE = 'shared config file (endpoint_url / services section)';

/**
 * For each client ftrag left on `default`, the endpoint the SDK will take from the shared config file on its own
 * (profile `endpoint_url`, `services` section; off under `ignore_configured_endpoint_urls`), read through the client's
 * own `serviceConfiguredEndpoint` so that what is recorded is what the SDK sends to. Updates `endpoints` and the
 * cache/reuse key: a config-file endpoint is marked and cached apart from AWS exactly as an environment one is.
 */
export async function resolveConfigFileEndpoints(clients: AwsClients): Promise<AwsClients> {
  for (const name of Object.keys(CLIENT_SERVICE_IDS) as ClientName[]) {
    if (clients.endpoints[name].url !== 'default') continue;
    const config = clients[name].config as { serviceConfiguredEndpoint?: () => Promise<string | undefined> };
    let url: string | undefined;
    try {
      url = await config.serviceConfiguredEndpoint?.();
    } catch (err) {
      throw new InputError(`the AWS shared config file cannot be read for the ${name} endpoint: ${oneLine((err as Error).message)}`, { field: 'endpoint' });
    }
    if (url) clients.endpoints[name] = { url, source: CONFIG_FILE_SOURCE, nonAws: !isAwsHost(url) };
  }
  clients.endpointKey = endpointKeyOfResolved(clients.endpoints, clients.region);
  return clients;
}

/** Clients whose endpoint is not AWS, with where each was set (for run.json and the report banner). */
export function nonAwsEndpoints(clients: Pick<AwsClients, 'endpoints'>): { client: ClientName; url: string; source: string }[] {
  return (Object.keys(clients.endpoints) as ClientName[])
    .filter((n) => clients.endpoints[n].nonAws)
    .map((n) => ({ client: n, url: clients.endpoints[n].url, source: clients.endpoints[n].source }));
}

/**
 * Resolve the default credential chain before a run starts, so a missing login fails fast with exit 2 instead of
 * as thousands of failed calls. Never prints credential values.
 */
export async function checkAwsCredentials(region: string, localAlternative = 'or set `endpoint: emulator` in the config to run locally'): Promise<void> {
  const client = new BedrockRuntimeClient({ region, maxAttempts: 1 });
  try {
    const creds = await client.config.credentials();
    if (!creds?.accessKeyId) throw new Error('empty credentials');
  } catch (err) {
    const reason = err instanceof Error && err.message ? ` (${oneLine(err.message)})` : '';
    throw new InputError(
      'no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws sso login`, ' +
        `or use an instance/container role; ${localAlternative}` +
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
