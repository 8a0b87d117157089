/**
 * `ftrag run`, end to end: config -> eval set -> endpoint (embedded emulator or AWS) -> provisioning (train, deploy,
 * ingest) -> targets -> runner (journal) -> scoring -> statistics -> cost -> verdict -> run.json and reports.
 * This is the one place the stages are wired together.
 */
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig } from '../config/schema.js';
import { findConfigFile, loadConfig, resolveConfigPath, withConfigLocation, type LoadedConfig } from '../config/load.js';
import { loadEvalSet } from '../datasets/load.js';
import type { EvalSet } from '../datasets/types.js';
import type { ContaminationReport } from '../datasets/contamination.js';
import { preflightRun } from '../training/preflight.js';
import { checkAwsCredentials, createAwsClients, nonAwsEndpoints, resolveConfigFileEndpoints, type AwsClients } from '../targets/clients.js';
import { InputError } from '../util/errors.js';
import { ProvisionStateStore } from './state.js';
import { lockRunFolder } from './lock.js';
import { checkResumable, makeOutDir, readSnapshot, refuseExistingOutput, sha256Of, writeSnapshot, type Snapshot } from './run-folder.js';
import { loadCatalog } from '../cost/index.js';
import { provisionSystems, type ProvisionedSystem } from './provision.js';
import { planRun } from './plan.js';
import { sweepQuotaWarnings } from '../training/quota.js';
import { cleanupCreatedResources } from './resources.js';
import { requireSpendConsent } from './consent.js';
import { executeAndScore } from './execute.js';
import { assembleRun } from './assemble.js';
import { loadGeneralSet, runSideEvals, sweepAsker } from './side-evals.js';
import { contaminationByTrainingFile, contaminationOfRun, dataWarnings } from './data-warnings.js';
import { RunEvalSet } from './run-eval-set.js';
import { writeAllReports } from './outputs.js';
import { createProgress, type ProgressMode } from '../runner/progress.js';
import { progressEvents, type ExperimentEventHandler } from './events.js';
import { emulatorDefaultsFor, loadProvisionState } from './defaults.js';
import { DEMO_CONFIG } from './demo.js';
import { enableInvocationLogging } from './invocation-logs.js';

export { DEMO_CONFIG };

export interface RunOptions {
  /** Config file (YAML or JSON); default: ftrag.yaml etc. in `cwd`, else the bundled demo. */
  config?: string;
  /** Output folder; default reports/<runId> under `cwd`. */
  out?: string;
  /** A run folder to finish (its config, overrides and limit are reused). */
  resume?: string;
  /** Only the first N eval items. */
  limit?: number;
  concurrency?: number;
  /** Use the response cache (default true). */
  cache?: boolean;
  seed?: number;
  /** Where relative paths, `.ftrag/` state and the default output folder live (default process.cwd()). */
  cwd?: string;
  /** Progress as typed events: stages, messages, model-call counts, done. The library itself prints nothing. */
  onEvent?: ExperimentEventHandler;
  /** Receives the text of every `message` event (for callers that only want lines). */
  log?: (line: string) => void;
  /** Also draw model-call progress on stderr in this mode (default `none`); the CLI renders events instead. */
  progress?: ProgressMode;
  /** Turn on invocation logging on the embedded emulator, to this s3://bucket/prefix (`--invocation-logs`). */
  invocationLogs?: string;
  /** Consent to create billable AWS resources without asking (`--yes`). */
  yes?: boolean;
  /** Asks the user; given only when stdin and stderr are a TTY. */
  confirm?: (question: string) => Promise<boolean>;
  /**
   * Awaited as the run moves from its calls to their scoring, to its statistics and to its reports (and between the
   * HTML report's passes over the items), when each phase's working data is garbage: the CLI collects it there
   * (src/cli/heap-growth.ts); the library leaves the GC alone.
   */
  betweenPhases?: () => Promise<void>;
}

/** RunOptions with the defaults filled in, as the pipeline uses them. */
interface ResolvedRunOptions extends RunOptions {
  cache: boolean;
  cwd: string;
  emit: ExperimentEventHandler;
  log: (line: string) => void;
}

export interface RunOutcome {
  outDir: string;
  runJsonPath: string;
  exitCode: number;
  headline?: string;
}


export async function runExperiment(options: RunOptions): Promise<RunOutcome> {
  const emit: ExperimentEventHandler = (event) => {
    options.onEvent?.(event);
    if (event.type === 'message') options.log?.(event.text);
  };
  const opts: ResolvedRunOptions = { ...options, cache: options.cache ?? true, cwd: options.cwd ?? process.cwd(), emit, log: (text) => emit({ type: 'message', text }) };
  emit({ type: 'stage', stage: 'config' });
  const resumeDir = opts.resume ? resolve(opts.cwd, opts.resume) : undefined;
  const snapshot = resumeDir ? await readSnapshot(resumeDir) : undefined;
  const configFile = snapshot?.configFile ?? (opts.config ? resolve(opts.cwd, opts.config) : ((await findConfigFile(opts.cwd)) ?? fileURLToPath(DEMO_CONFIG)));
  const overrides: Record<string, unknown> = {};
  if (opts.seed !== undefined) overrides.seed = opts.seed;
  if (opts.concurrency !== undefined) overrides.runner = { concurrency: opts.concurrency };
  if (!opts.cache) overrides.runner = { ...(overrides.runner as object), cache: false };
  if (opts.invocationLogs !== undefined) overrides.emulator = { invocationLogs: opts.invocationLogs };
  const loaded = await loadConfig(configFile, snapshot?.overrides ?? overrides);
  try {
    return await runLoaded(loaded, { opts, resumeDir, snapshot, configFile, overrides });
  } catch (err) {
    throw withConfigLocation(err, loaded);
  }
}

interface RunInputs {
  opts: ResolvedRunOptions;
  resumeDir?: string;
  snapshot?: Snapshot;
  configFile: string;
  overrides: Record<string, unknown>;
}

async function runLoaded(loaded: LoadedConfig, { opts, resumeDir, snapshot, configFile, overrides }: RunInputs): Promise<RunOutcome> {
  const { config, baseDir } = loaded;
  if (!opts.config && !snapshot && configFile === fileURLToPath(DEMO_CONFIG)) opts.log('no config given: running the bundled demo (eval-sets/demo/experiment.yaml)');

  const evalSetPath = resolveConfigPath(config.evalSet, baseDir);
  const limit = snapshot?.limit ?? opts.limit;
  const evalSet = new RunEvalSet(await loadLimited(evalSetPath, config, limit));
  const catalog = await loadCatalog(config.pricing.catalog, config.pricing.overrides);
  const priceCatalog = { id: catalog.id, date: catalog.date, sha256: sha256Of({ entries: catalog.entries, overrides: catalog.overrides }) };
  const resolvedConfig = JSON.parse(JSON.stringify(config)) as unknown;
  if (snapshot) checkResumable(snapshot, { resolvedConfig, evalSetSha256: evalSet.facts.sha256, priceCatalog }, { config: configFile, evalSet: evalSetPath });

  // The general set is checked now: a bad file must not surface after hours of training.
  await loadGeneralSet(config, baseDir);

  const resolvePath = (p: string) => resolveConfigPath(p, baseDir);
  // Taken now, while the items are loaded: the statistics and reports run without them (src/experiment/run-eval-set.ts).
  const contaminationByFile = await contaminationByTrainingFile(config, evalSet.set, resolvePath);
  for (const warning of await dataWarnings(config, evalSet.set, resolvePath, contaminationByFile)) opts.log(warning);
  const contamination = contaminationOfRun(config, contaminationByFile);
  for (const warning of sweepQuotaWarnings(config)) opts.log(warning);

  // The one pre-flight (shared with train and plan): nothing billable starts on a config that cannot finish.
  let guardCreate: ((what: string) => void) | undefined;
  if (config.endpoint === 'aws') {
    // On AWS the plan (which runs the same pre-flight) decides whether to ask before anything billable is created.
    // It reads the provisioning state: a resume that only reuses what is already created (and paid for) does not ask.
    const plan = await planRun(loaded, { limit, state: await loadProvisionState(config, opts.cwd), log: opts.log });
    await requireSpendConsent(
      { endpoint: config.endpoint, billable: plan.billable, estimatedUsd: plan.totalUsd, maxRunUsd: config.budget?.maxRunUsd, yes: opts.yes === true, interactive: !!opts.confirm },
      opts.confirm ?? (async () => false),
    );
    // Nobody was asked because everything was recorded as created: if a recorded resource turns out gone, refuse
    // to create it unasked.
    if (!plan.billable && opts.yes !== true) guardCreate = unaskedCreateGuard;
  } else {
    await preflightRun(config, { resolvePath, evalSetSize: evalSet.size, log: opts.log });
  }

  const runId = snapshot?.runId ?? newRunId();
  const outDir = resumeDir ?? resolve(opts.cwd, opts.out ?? join('reports', runId));
  await makeOutDir(outDir);
  if (!snapshot) refuseExistingOutput(outDir);
  const lock = await lockRunFolder(outDir);
  try {
    if (!snapshot) {
      await writeSnapshot(outDir, { runId, configFile, overrides, limit, evalSetSha256: evalSet.facts.sha256, createdAt: new Date().toISOString(), resolvedConfig, priceCatalog });
    }
    return await provisionAndRun({ loaded, opts, snapshot, configFile, evalSet, contamination, runId, outDir, guardCreate });
  } finally {
    await lock.release();
  }
}

/** The eval set, cut to its first `limit` items when the run (or the run it resumes) asked for that. */
async function loadLimited(path: string, config: ExperimentConfig, limit: number | undefined): Promise<EvalSet> {
  const set = await loadEvalSet(path, { format: config.evalSetFormat });
  return limit === undefined ? set : { ...set, items: set.items.slice(0, limit) };
}

function unaskedCreateGuard(what: string): void {
  throw new InputError(
    `${what} would be created, but the plan found it recorded as created in .ftrag/state.json (it is gone or failed), so nobody was asked: run again to be asked, or pass --yes`,
  );
}

interface StagedRun {
  loaded: LoadedConfig;
  opts: ResolvedRunOptions;
  snapshot?: Snapshot;
  configFile: string;
  evalSet: RunEvalSet;
  contamination: ContaminationReport | undefined;
  runId: string;
  outDir: string;
  /** Called before each billable create; throws when the run may not create unasked. */
  guardCreate?: (what: string) => void;
}

async function provisionAndRun(staged: StagedRun): Promise<RunOutcome> {
  const { loaded, opts, snapshot, runId, outDir, guardCreate } = staged;
  const { config, baseDir } = loaded;
  const createdAt = snapshot?.createdAt ?? new Date().toISOString();

  opts.emit({ type: 'stage', stage: 'endpoint' });
  const endpoint = await openEndpoint(config, opts);
  try {
    const clients = endpoint.clients;
    const stateStore = new ProvisionStateStore(join(opts.cwd, '.ftrag', 'state.json'), clients.endpointKey);
    const state = await stateStore.load();
    opts.emit({ type: 'stage', stage: 'provision' });
    const provisioned = await provisionSystems(config, {
      clients,
      emulated: endpoint.emulated,
      state,
      saveState: () => stateStore.save(state),
      runId,
      experiment: config.name,
      guardCreate,
      resolvePath: (p) => resolveConfigPath(p, baseDir),
      pollMs: endpoint.emulated ? 100 : 15_000,
      log: opts.log,
      workDir: outDir,
      askSweepPoints: sweepAsker({ config, baseDir, clients, outDir, resume: !!snapshot, cacheDir: join(opts.cwd, '.ftrag', 'cache'), log: opts.log }),
    });
    await stateStore.save(state);

    const assembled = await executeAndAssemble({ staged, endpoint, provisioned, createdAt });
    // The scored items wait in a file beside the run until items.jsonl and the reports are written from it.
    let runJsonPath: string;
    try {
      await opts.betweenPhases?.();
      opts.emit({ type: 'stage', stage: 'reports' });
      runJsonPath = await writeAllReports(assembled.run, assembled.items, outDir, opts.cwd, { betweenPasses: opts.betweenPhases });
    } finally {
      await assembled.discardItems();
    }
    if (config.cleanup === 'after-run') {
      // After the reports are written, so a failed delete never costs the run its results.
      opts.log('cleanup: after-run');
      await cleanupCreatedResources(clients, state, () => stateStore.save(state), opts.log);
    }
    const outcome: RunOutcome = { outDir, runJsonPath, exitCode: assembled.allFailedSystems.length ? 3 : 0, headline: assembled.run.recommendation?.headline };
    opts.emit({ type: 'done', ...outcome });
    return outcome;
  } finally {
    await endpoint.close();
  }
}

/**
 * The calls, their scores and run.json's summary. Its own function so that what only the summary needs (every pair's
 * figures, about 70 bytes a pair) is garbage once the summary is made: the reports are written without it.
 */
async function executeAndAssemble({ staged, endpoint, provisioned, createdAt }: { staged: StagedRun; endpoint: Endpoint; provisioned: ProvisionedSystem[]; createdAt: string }) {
  const { loaded, opts, snapshot, configFile, evalSet, contamination, runId, outDir } = staged;
  const { config, baseDir } = loaded;
  const clients = endpoint.clients;
  opts.emit({ type: 'stage', stage: 'execute' });
  const execution = await executeAndScore({
    config,
    evalSet,
    systems: provisioned,
    clients,
    outDir,
    resume: !!snapshot,
    progressReporter: progressEvents(opts.emit, opts.progress ? createProgress(opts.progress) : undefined),
    cacheDir: join(opts.cwd, '.ftrag', 'cache'),
    log: opts.log,
    betweenPhases: opts.betweenPhases,
  });
  try {
    const sideEvals = await runSideEvals(provisioned, { config, baseDir, clients, outDir, resume: !!snapshot, cacheDir: join(opts.cwd, '.ftrag', 'cache'), log: opts.log });
    await opts.betweenPhases?.();
    opts.emit({ type: 'stage', stage: 'assemble' });
    const { run, items } = await assembleRun({
      sideEvals,
      runId,
      createdAt,
      config,
      configFile,
      baseDir,
      evalSet: evalSet.facts,
      contamination,
      systems: provisioned,
      execution,
      endpoint: {
        kind: config.endpoint,
        region: config.region,
        emulated: endpoint.emulated,
        url: endpoint.url,
        ...(endpoint.nonAws?.length ? { nonAws: endpoint.nonAws } : {}),
      },
    });
    return { run, items, discardItems: execution.discardItems, allFailedSystems: execution.allFailedSystems };
  } catch (err) {
    await execution.discardItems();
    throw err;
  }
}

export interface Endpoint {
  clients: AwsClients;
  emulated: boolean;
  nonAws?: { client: string; url: string; source: string }[];
  url?: string;
  close(): Promise<void>;
}

/** The config's endpoint: AWS, an emulator already running at endpointUrl, or the embedded emulator (also used by `ftrag shadow`). */
export async function openEndpoint(config: ExperimentConfig, opts: Pick<ResolvedRunOptions, 'cwd' | 'log'>): Promise<Endpoint> {
  if (config.endpoint === 'aws') {
    const clients = await resolveConfigFileEndpoints(createAwsClients({ region: config.region }));
    const nonAws = nonAwsEndpoints(clients);
    if (nonAws.length === 0) await checkAwsCredentials(config.region);
    // AWS_ENDPOINT_URL_* can point `endpoint: aws` at the emulator: then answers are not Bedrock's, and say so.
    const answersElsewhere = nonAws.some((n) => n.client === 'runtime' || n.client === 'agentRuntime');
    for (const n of nonAws) opts.log(`warning: endpoint aws, but ${n.client} calls go to ${n.url} (from ${n.source}), not to AWS`);
    return { clients, emulated: answersElsewhere, nonAws, url: nonAws[0]?.url, close: async () => clients.destroy() };
  }
  if (config.endpointUrl) {
    const clients = createAwsClients({ region: config.region, endpointUrl: config.endpointUrl });
    return { clients, emulated: true, nonAws: nonAwsEndpoints(clients), url: config.endpointUrl, close: async () => clients.destroy() };
  }
  const defaults = emulatorDefaultsFor(config, opts.cwd);
  // Loaded only here: a run on AWS or on an emulator already running never needs the emulator's code.
  const { startEmulatorInWorker } = await import('../emulator/index.js');
  const emulator = await startEmulatorInWorker({ port: 0, quiet: true, ...defaults });
  opts.log(`emulator: ${emulator.url} (data in ${emulator.dataDir}; answers come from its reference model)`);
  const clients = createAwsClients({ region: config.region, endpointUrl: emulator.url });
  // The embedded emulator gets a new port every run; its identity (for reuse and the cache) is its data dir.
  clients.endpointKey = `emulator:${emulator.dataDir}|${config.region}`;
  if (config.emulator?.invocationLogs) await enableInvocationLogging(clients, config.emulator.invocationLogs, opts.log);
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

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${t}-${randomBytes(2).toString('hex')}`;
}
