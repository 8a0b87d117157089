/**
 * The local Bedrock-compatible emulator: a real server on 127.0.0.1 that the unmodified AWS SDK v3 clients
 * (bedrock-runtime, bedrock-agent-runtime, bedrock, bedrock-agent, s3) talk to. See docs/emulator.md.
 */
import { EMULATOR_CUSTOMIZATION_JOB_QUOTA } from '../models/index.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError, ServiceError } from '../util/errors.js';
import { agentRuntimeRoutes } from './agent-runtime.js';
import { batchRoutes, failInterruptedBatchJobs } from './batch-jobs.js';
import type { EmulatorContext } from './context.js';
import { controlPlaneRoutes } from './control-plane.js';
import { customizationRoutes, failInterruptedJobs } from './customization-jobs.js';
import { parseCredentials } from './auth.js';
import type { EmulatorCredentials } from './auth.js';
import { parseFaults } from './faults.js';
import type { FaultRates } from './faults.js';
import { failInterruptedIngestions, ingestionRoutes } from './kb-ingestion.js';
import { knowledgeBaseRoutes } from './knowledge-bases.js';
import { loadLatencyProfile } from './latency.js';
import { runtimeRoutes } from './runtime.js';
import { tagRoutes } from './tags.js';
import { flushInvocationLogs, invocationLoggingRoutes } from './invocation-logging.js';
import { S3Store } from './s3-store.js';
import { listen } from './server.js';
import { StateStore } from './store.js';
import { sageMakerControlRoutes } from './sagemaker-control.js';
import { sageMakerRuntimeRoutes } from './sagemaker-runtime.js';
import type { SerializedError, WorkerMessage } from './worker.js';

export type { FaultRates } from './faults.js';
export type { EmulatorCredentials } from './auth.js';
export { CATALOG } from './catalog.js';
export { REALISTIC_PROFILE } from './latency.js';
export type { ServedTiming } from './service-clock.js';

/**
 * The emulated account's default quota of concurrent model customization jobs. AWS's default is not in ftrag's
 * reference and no published figure was found (docs/training.md, "Quotas"): this is the emulator's choice, set per
 * run with quotas.concurrentCustomizationJobs or `ftrag emulator --customization-job-quota`.
 */
export const DEFAULT_CUSTOMIZATION_JOB_QUOTA = EMULATOR_CUSTOMIZATION_JOB_QUOTA;

export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free port. */
  port?: number;
  /** Where state, trained weights, KB indexes and S3 objects live; survives restarts. */
  dataDir: string;
  seed?: number;
  /** `none` (default), `realistic`, or a path to a JSON profile. */
  latencyProfile?: 'none' | 'realistic' | string;
  /** e.g. `throttle=0.1,server-error=0.02,slow=0.05,reset=0.01`; data-plane calls only. */
  faults?: string | FaultRates;
  quiet?: boolean;
  /** Region used in ARNs and the env block (default us-east-1). */
  region?: string;
  /** Time Creating -> InService/Active takes for provisioned throughput and deployments (default 1,000 ms). */
  provisioningDelayMs?: number;
  /**
   * Hold every customization job at training InProgress until it is stopped or the emulator closes. For tests that
   * need a job still running at a given moment: they control the job instead of racing the trainer.
   */
  holdCustomizationJobs?: boolean;
  /**
   * Customization jobs the emulated account may have in progress at once (default DEFAULT_CUSTOMIZATION_JOB_QUOTA);
   * CreateModelCustomizationJob beyond it is refused with ServiceQuotaExceededException, as on AWS.
   */
  customizationJobQuota?: number;
  /** `KEY:SECRET` or a key pair: verify SigV4 signatures against it (default: any well-formed signature passes). */
  credentials?: string | EmulatorCredentials;
  /** Silence after which an idle connection or a stalled HTTP/2 preface is closed (default 30,000 ms). */
  idleTimeoutMs?: number;
  /**
   * A file to write on close: one JSON line per served data-plane request (`ServedTiming`: arrival, wall time from
   * arrival to the end of the response, modelled time). For diagnosing latency: a wall time above the modelled time
   * means the emulator missed its schedule (compute or host load), which the reported service time does not show.
   */
  timingLog?: string;
}

export interface RunningEmulator {
  url: string;
  port: number;
  dataDir: string;
  /** AWS_ENDPOINT_URL_* for every service, AWS_REGION and dummy credentials. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions): Promise<RunningEmulator> {
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const region = opts.region ?? 'us-east-1';
  let seq = 0;
  let dataPlaneSeq = 0;
  const ctx: EmulatorContext = {
    region,
    seed: opts.seed ?? 0,
    store: new StateStore(dataDir),
    s3: new S3Store(dataDir),
    latency: loadLatencyProfile(opts.latencyProfile),
    faults: parseFaults(opts.faults),
    provisioningDelayMs: opts.provisioningDelayMs ?? 1000,
    log: opts.quiet ? () => undefined : (line) => process.stderr.write(`[emulator] ${line}\n`),
    nextRequestSeq: () => ++seq,
    nextDataPlaneSeq: () => ++dataPlaneSeq,
    weights: new Map(),
    kbIndexes: new Map(),
    running: new Map(),
    background: new Set(),
    shuttingDown: false,
    holdCustomizationJobs: opts.holdCustomizationJobs ?? false,
    customizationJobQuota: opts.customizationJobQuota ?? DEFAULT_CUSTOMIZATION_JOB_QUOTA,
    credentials: typeof opts.credentials === 'string' ? parseCredentials(opts.credentials) : opts.credentials,
    idleTimeoutMs: opts.idleTimeoutMs,
    ...(opts.timingLog ? { timings: [] } : {}),
  };
  failInterruptedJobs(ctx);
  failInterruptedIngestions(ctx);
  failInterruptedBatchJobs(ctx);
  const routes = [...runtimeRoutes, ...agentRuntimeRoutes, ...controlPlaneRoutes, ...customizationRoutes, ...knowledgeBaseRoutes, ...ingestionRoutes, ...batchRoutes, ...tagRoutes, ...sageMakerRuntimeRoutes, ...sageMakerControlRoutes, ...invocationLoggingRoutes];
  const server = await listen(ctx, routes, opts.port ?? 0);
  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    port: server.port,
    dataDir,
    env: emulatorEnv(url, region),
    close: async () => {
      ctx.shuttingDown = true;
      for (const c of ctx.running.values()) c.abort();
      await server.close();
      // Let aborted training and running ingestion settle so nothing writes into the data dir after close().
      await Promise.allSettled([...ctx.background]);
      await flushInvocationLogs(ctx);
      if (opts.timingLog && ctx.timings) writeFileSync(opts.timingLog, ctx.timings.map((t) => `${JSON.stringify(t)}\n`).join(''));
    },
  };
}

/**
 * The emulator on a worker thread of its own: what `ftrag run` and `ftrag train` embed. In the same thread, the
 * emulator's reference model and the runner's scoring would take turns on one event loop, so every measured call
 * would include the other side's work and vary with machine load. The returned handle behaves like
 * `startEmulator`'s; a start-up failure rejects with the worker's error (an InputError stays an InputError, exit 2),
 * a crash later makes `close()` reject with a ServiceError (exit 3).
 */
export function startEmulatorInWorker(opts: EmulatorOptions): Promise<RunningEmulator> {
  // Built, the entry is worker.js. Run from source (tests, tsx) it is worker.ts, loaded after registering tsx's
  // loader in the new thread (a worker does not inherit the parent's loader hooks).
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then((tsx) => tsx.register()).then(() => import(${JSON.stringify(entry.href)}))`, { eval: true, workerData: opts })
    : new Worker(entry, { workerData: opts });
  let crashed: Error | undefined;
  let onClosed: ((err?: Error) => void) | undefined;
  const exited = new Promise<void>((done) => worker.once('exit', () => done()));
  return new Promise<RunningEmulator>((resolveStart, rejectStart) => {
    let started = false;
    const fail = (err: Error) => {
      if (!started) return rejectStart(err);
      crashed ??= err;
      onClosed?.(err);
    };
    worker.on('error', (err) => fail(new ServiceError(`the embedded emulator crashed: ${err.message}`, 'EmulatorCrashed', { cause: err })));
    worker.once('exit', (code) => {
      if (!onClosed) fail(new ServiceError(`the embedded emulator stopped unexpectedly (exit ${code})`, 'EmulatorCrashed'));
    });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'error') return fail(revive(m.error));
      if (m.type === 'closed') return onClosed?.();
      started = true;
      resolveStart({
        url: m.url,
        port: m.port,
        dataDir: m.dataDir,
        env: m.env,
        close: async () => {
          if (!crashed) {
            await new Promise<void>((done, reject) => {
              onClosed = (err) => (err ? reject(err) : done());
              worker.postMessage({ type: 'close' });
            });
          }
          await worker.terminate();
          await exited;
          if (crashed) throw crashed;
        },
      });
    });
  });
}

/** The worker's error as the same kind of error here, so exit codes and located messages survive the thread hop. */
function revive(e: SerializedError): Error {
  const err = e.name === 'InputError' ? new InputError(e.message) : new Error(e.message);
  if (e.name === 'InputError' && e.location) Object.assign(err, { location: e.location });
  if (e.name !== 'InputError') err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

export function emulatorEnv(url: string, region = 'us-east-1'): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: url,
    AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME: url,
    AWS_ENDPOINT_URL_BEDROCK: url,
    AWS_ENDPOINT_URL_BEDROCK_AGENT: url,
    AWS_ENDPOINT_URL_S3: url,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: 'emulator',
    AWS_SECRET_ACCESS_KEY: 'emulator',
  };
}
