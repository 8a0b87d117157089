/**
 * `ftrag run`, end to end: config -> eval set -> endpoint (embedded emulator or AWS) -> provisioning (train, deploy,
 * ingest) -> targets -> runner (journal) -> scoring -> statistics -> cost -> verdict -> run.json and reports.
 * This is the one place the stages are wired together.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../config/schema.js';
import { findConfigFile, loadConfig, resolveConfigPath, withConfigLocation, type LoadedConfig } from '../config/load.js';
import { loadEvalSet } from '../datasets/load.js';
import type { EvalSet } from '../datasets/types.js';
import { startEmulatorInWorker } from '../emulator/index.js';
import { batchRefusal } from '../targets/batch.js';
import { checkAwsCredentials, createAwsClients, type AwsClients } from '../targets/clients.js';
import { InputError } from '../util/errors.js';
import { ProvisionStateStore } from './state.js';
import { provisionSystems } from './provision.js';
import { executeAndScore } from './execute.js';
import { assembleRun } from './assemble.js';
import { writeAllReports } from './outputs.js';
import type { ProgressMode } from '../runner/progress.js';
import { emulatorDefaultsFor } from './defaults.js';
import { DEMO_CONFIG } from './demo.js';

export { DEMO_CONFIG };

export interface RunOptions {
  config?: string;
  out?: string;
  resume?: string;
  limit?: number;
  concurrency?: number;
  cache: boolean;
  seed?: number;
  progress: ProgressMode;
  cwd: string;
  log: (line: string) => void;
}

export interface RunOutcome {
  outDir: string;
  runJsonPath: string;
  exitCode: number;
  headline?: string;
}


export async function runExperiment(opts: RunOptions): Promise<RunOutcome> {
  const resumeDir = opts.resume ? resolve(opts.cwd, opts.resume) : undefined;
  const snapshot = resumeDir ? await readSnapshot(resumeDir) : undefined;
  const configFile = snapshot?.configFile ?? (opts.config ? resolve(opts.cwd, opts.config) : ((await findConfigFile(opts.cwd)) ?? fileURLToPath(DEMO_CONFIG)));
  const overrides: Record<string, unknown> = {};
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  if (opts.concurrency !== undefined) overrides.runner = { concurrency: opts.concurrency };
  if (!opts.cache) overrides.runner = { ...(overrides.runner as object), cache: false };
  const loaded = await loadConfig(configFile, snapshot?.overrides ?? overrides);
  try {
    return await runLoaded(loaded, { opts, resumeDir, snapshot, configFile, overrides });
  } catch (err) {
    throw withConfigLocation(err, loaded);
  }
}

interface RunInputs {
  opts: RunOptions;
  resumeDir?: string;
  snapshot?: Snapshot;
  configFile: string;
  overrides: Record<string, unknown>;
}

async function runLoaded(loaded: LoadedConfig, { opts, resumeDir, snapshot, configFile, overrides }: RunInputs): Promise<RunOutcome> {
  const { config, baseDir } = loaded;
  if (!opts.config && !snapshot && configFile === fileURLToPath(DEMO_CONFIG)) opts.log('no config given: running the bundled demo (eval-sets/demo/experiment.yaml)');

  const evalSetPath = resolveConfigPath(config.evalSet, baseDir);
  let evalSet = await loadEvalSet(evalSetPath, { format: config.evalSetFormat });
  const limit = snapshot?.limit ?? opts.limit;
  if (limit !== undefined) evalSet = { ...evalSet, items: evalSet.items.slice(0, limit) };
  if (snapshot && snapshot.evalSetSha256 !== evalSet.sha256) {
    throw new InputError(`the eval set changed since this run started (sha256 ${snapshot.evalSetSha256.slice(0, 12)}… → ${evalSet.sha256.slice(0, 12)}…); start a new run`, { file: evalSetPath });
  }

  // Refuse what batch inference cannot do before anything is trained or ingested.
  for (const s of config.systems.filter((x) => x.execution === 'batch')) {
    const refusal = batchRefusal({ id: s.id, usesKnowledgeBase: !!s.knowledgeBase }, evalSet.items.length, s.batch, config.endpoint === 'emulator');
    if (refusal) throw refusal;
  }

  const runId = snapshot?.runId ?? newRunId();
  const outDir = resumeDir ?? resolve(opts.cwd, opts.out ?? join('reports', runId));
  await makeOutDir(outDir);
  if (!snapshot) {
    if (existsSync(join(outDir, 'journal.jsonl'))) {
      throw new InputError(`${outDir} already holds a run; use --resume ${outDir} to finish it, or another --out`, { file: outDir });
    }
    await writeFile(
      join(outDir, 'run-state.json'),
      `${JSON.stringify({ runId, configFile, overrides, limit, evalSetSha256: evalSet.sha256, createdAt: new Date().toISOString() }, null, 2)}\n`,
    );
  }
  const createdAt = snapshot?.createdAt ?? new Date().toISOString();

  const endpoint = await openEndpoint(config, opts);
  try {
    const clients = endpoint.clients;
    const stateStore = new ProvisionStateStore(join(opts.cwd, '.ftrag', 'state.json'), clients.endpointKey);
    const state = await stateStore.load();
    const provisioned = await provisionSystems(config, {
      clients,
      emulated: endpoint.emulated,
      state,
      resolvePath: (p) => resolveConfigPath(p, baseDir),
      pollMs: endpoint.emulated ? 100 : 15_000,
      log: opts.log,
    });
    await stateStore.save(state);

    const execution = await executeAndScore({
      config,
      evalSet,
      systems: provisioned,
      clients,
      outDir,
      resume: !!snapshot,
      progress: opts.progress,
      cacheDir: join(opts.cwd, '.ftrag', 'cache'),
      log: opts.log,
    });

    const run = await assembleRun({
      runId,
      createdAt,
      config,
      configFile,
      baseDir,
      evalSet,
      systems: provisioned,
      execution,
      endpoint: { kind: config.endpoint, region: config.region, emulated: endpoint.emulated, url: endpoint.url },
    });
    const runJsonPath = await writeAllReports(run, outDir, opts.cwd);
    return { outDir, runJsonPath, exitCode: execution.allFailedSystems.length ? 3 : 0, headline: run.recommendation?.headline };
  } finally {
    await endpoint.close();
  }
}

/** The output folder, created when missing; a file in its place is a usage error, not a crash. */
async function makeOutDir(outDir: string): Promise<void> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new InputError('--out names a file, not a folder', { file: outDir });
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new InputError(`cannot create the output folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file: outDir });
  }
}

interface Endpoint {
  clients: AwsClients;
  emulated: boolean;
  url?: string;
  close(): Promise<void>;
}

async function openEndpoint(config: ExperimentConfig, opts: RunOptions): Promise<Endpoint> {
  if (config.endpoint === 'aws') {
    await checkAwsCredentials(config.region);
    const clients = createAwsClients({ region: config.region });
    return { clients, emulated: false, close: async () => clients.destroy() };
  }
  if (config.endpointUrl) {
    const clients = createAwsClients({ region: config.region, endpointUrl: config.endpointUrl });
    return { clients, emulated: true, url: config.endpointUrl, close: async () => clients.destroy() };
  }
  const defaults = emulatorDefaultsFor(config, opts.cwd);
  const emulator = await startEmulatorInWorker({ port: 0, quiet: true, ...defaults });
  opts.log(`emulator: ${emulator.url} (data in ${emulator.dataDir}; answers come from its reference model)`);
  const clients = createAwsClients({ region: config.region, endpointUrl: emulator.url });
  // The embedded emulator gets a new port every run; its identity (for reuse and the cache) is its data dir.
  clients.endpointKey = `emulator:${emulator.dataDir}|${config.region}`;
  return {
    clients,
    emulated: true,
    url: emulator.url,
    close: async () => {
      clients.destroy();
      await emulator.close();
    },
  };
}

interface Snapshot {
  runId: string;
  configFile: string;
  overrides: Record<string, unknown>;
  limit?: number;
  evalSetSha256: string;
  createdAt: string;
}

async function readSnapshot(dir: string): Promise<Snapshot> {
  const file = join(dir, 'run-state.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  } catch (err) {
    throw new InputError(`cannot resume: ${(err as Error).message}`, { file });
  }
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(2).toString('hex')}`;
}
