/**
 * `ftrag train`: the customization lifecycle on its own — check the data and hyperparameters, upload, start the job,
 * wait with progress, fetch the metric CSVs, make the model servable, and record the result both in a trained-model
 * file and in the provisioning state that `ftrag run` reads, so the next run reuses this model instead of training.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExperimentConfig, SystemSpec } from '../config/schema.js';
import { findConfigFile, loadConfig, resolveConfigPath, withConfigLocation, type LoadedConfig } from '../config/load.js';
import { InputError, ServiceError } from '../util/errors.js';
import { DEMO_CONFIG } from '../experiment/demo.js';
import { ProvisionStateStore } from '../experiment/state.js';
import { makeServable, parseLossCsv, prepareTraining, readMetricCsvs, startCustomizationJob } from '../experiment/train-model.js';
import { ftragTags } from '../experiment/tags.js';
import { preflightAws, preflightTraining } from './preflight.js';
import { planRun } from '../experiment/plan.js';
import { requireSpendConsent } from '../experiment/consent.js';
import { openTrainEndpoint, type TrainEndpoint } from './endpoint.js';
import { waitForCustomizationJob } from './wait.js';
import { bedrockSdk } from '../targets/sdk.js';

export interface TrainOptions {
  config?: string;
  system?: string;
  wait: boolean;
  attach?: string;
  stop?: string;
  deleteProvisioned?: string;
  out?: string;
  cwd: string;
  /** Progress and notes (stderr). */
  log: (line: string) => void;
  /** Results a script reads (stdout): the job ARN, the record file. */
  print: (line: string) => void;
  /** Raw progress output and whether it is a terminal. */
  progress: { write: (text: string) => void; tty: boolean };
  /** Poll interval; default 200 ms on the emulator, 30 s on AWS. */
  pollMs?: number;
  /** On AWS: start the (billable) job without asking (`--yes`). */
  yes?: boolean;
  /** Asks the user; given only when stdin and stderr are a TTY. */
  confirm?: (question: string) => Promise<boolean>;
}

/** What `ftrag train` writes to `.ftrag/trained/<system>.json` (or --out). */
export interface TrainedModelRecord {
  systemId: string;
  jobArn: string;
  customModelArn: string;
  /** The deployment or provisioned-model ARN to call. */
  modelId: string;
  servingType: 'on-demand' | 'provisioned';
  baseModelId: string;
  hyperParameters: Record<string, string>;
  trainingLoss: { step: number; epoch: number; loss: number }[];
  validationLoss: { step: number; epoch: number; loss: number }[];
  trainedTokens: number;
  trainingRecords: number;
  epochs: number;
  /** Key of this model in `.ftrag/state.json`; absent when an attached job was not trained on this config's data. */
  stateKey?: string;
  metricFiles: string[];
  createdAt: string;
}

export interface TrainOutcome {
  exitCode: number;
  jobArn?: string;
  recordFile?: string;
  record?: TrainedModelRecord;
}

const NOT_FOUND = new Set(['ValidationException', 'ResourceNotFoundException', 'AccessDeniedException', 'ConflictException']);

/** The service refused what the user asked (bad ARN, wrong state): exit 2. Anything else is a service failure: exit 3. */
async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InputError || err instanceof ServiceError) throw err;
    const name = (err as { name?: string }).name ?? 'Error';
    if (NOT_FOUND.has(name)) throw new InputError(`${what} was refused: ${name}: ${(err as Error).message}`);
    throw new ServiceError(`${what} failed: ${name}: ${(err as Error).message}`, name, { cause: err });
  }
}

export async function runTrain(opts: TrainOptions): Promise<TrainOutcome> {
  const configFile = opts.config ? resolve(opts.cwd, opts.config) : ((await findConfigFile(opts.cwd)) ?? fileURLToPath(DEMO_CONFIG));
  const loaded = await loadConfig(configFile, {});
  try {
    return await trainLoaded(loaded, opts);
  } catch (err) {
    throw withConfigLocation(err, loaded);
  }
}

async function trainLoaded(loaded: LoadedConfig, opts: TrainOptions): Promise<TrainOutcome> {
  const { config, baseDir } = loaded;
  const configFile = loaded.file!;
  const pollMs = opts.pollMs ?? (config.endpoint === 'aws' ? 30_000 : 200);

  if (opts.stop || opts.deleteProvisioned) {
    const endpoint = await openTrainEndpoint(config, opts.cwd, opts.log);
    try {
      if (opts.stop) {
        await call(`stopping ${opts.stop}`, () => endpoint.clients.bedrock.send(new bedrockSdk.StopModelCustomizationJobCommand({ jobIdentifier: opts.stop })));
        opts.print(`stopping ${opts.stop}`);
      }
      if (opts.deleteProvisioned) await deleteProvisioned(opts.deleteProvisioned, endpoint, opts);
      return { exitCode: 0 };
    } finally {
      await endpoint.close();
    }
  }

  const spec = pickSystem(config, opts.system);
  if (spec.training?.sweep) {
    throw new InputError(`system "${spec.id}" has a training.sweep: ftrag run trains the sweep and serves its best point; ftrag train trains one job`, { field: `systems.${spec.id}.training.sweep` });
  }
  const resolvePath = (p: string) => resolveConfigPath(p, baseDir);
  // Validation first: it lists every bad line, where preparing (which counts tokens) would stop at the first.
  const tokenizer = await preflightTraining(spec, config.region, resolvePath, opts.log);
  preflightAws(config, [spec]);
  const prepared = await prepareTraining(spec, { resolvePath });
  opts.log(`training data: ${prepared.info.trainingRecords} records, ${prepared.info.trainingTokens} tokens (${tokenizer}), key ${prepared.key}`);
  if (config.endpoint === 'aws' && !opts.attach) {
    // A customization job always bills; its estimate is this system's share of the plan.
    const plan = await planRun(loaded, { log: () => undefined });
    const estimatedUsd = plan.cost.filter((c) => c.item.startsWith(`${spec.id}: `)).reduce((sum, c) => sum + c.usd, 0);
    await requireSpendConsent(
      { endpoint: config.endpoint, billable: true, estimatedUsd, maxRunUsd: config.budget?.maxRunUsd, yes: opts.yes === true, interactive: !!opts.confirm },
      opts.confirm ?? (async () => false),
    );
  }

  // `ftrag train` has no run folder; its resources are tagged (and recorded) with a run id of their own.
  const trainRunId = `train-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}`;
  const tags = ftragTags({ runId: trainRunId, experiment: config.name, systemId: spec.id });
  const endpoint = await openTrainEndpoint(config, opts.cwd, opts.log);
  try {
    if (!opts.wait && endpoint.embedded) {
      throw new InputError(
        '--no-wait needs an emulator that outlives this command: start `ftrag emulator` and set endpointUrl in the config (the embedded one stops, and its jobs fail, when ftrag exits)',
        { field: '--no-wait' },
      );
    }
    const jobArn =
      opts.attach ?? (await call('CreateModelCustomizationJob', () => startCustomizationJob(spec, prepared, { clients: endpoint.clients, emulated: endpoint.emulated, log: opts.log, tags })));
    if (!opts.wait) {
      opts.print(jobArn);
      opts.log(`job started; resume waiting with: ftrag train --config ${opts.config ?? configFile} --system ${spec.id} --attach ${jobArn}`);
      return { exitCode: 0, jobArn };
    }
    opts.log(`${opts.attach ? 'attached to' : 'started'} ${jobArn}`);
    const job = await call(`waiting for ${jobArn}`, () =>
      waitForCustomizationJob(endpoint.clients.bedrock, jobArn, { pollMs, write: opts.progress.write, tty: opts.progress.tty }),
    );
    if (job.status !== 'Completed' || !job.outputModelArn) {
      throw new ServiceError(`customization job ${jobArn} ended ${job.status}: ${job.failureMessage ?? 'no failure message'}`, 'TrainingFailed');
    }
    // An attached job counts for this config only if it trained on this config's bytes (the upload prefix is the key).
    const ours = !opts.attach || (job.trainingDataConfig?.s3Uri ?? '').includes(`/ftrag/${prepared.key}/`);
    if (!ours) opts.log(`note: ${jobArn} did not train on this config's data; it is recorded in the file only, not for reuse by ftrag run`);

    const recordFile = resolve(opts.cwd, opts.out ?? join('.ftrag', 'trained', `${spec.id}.json`));
    await mkdir(dirname(recordFile), { recursive: true });
    const csvs = await call('reading the metric CSVs', () => readMetricCsvs(jobArn, { clients: endpoint.clients }));
    const metricFiles: string[] = [];
    const stem = join(dirname(recordFile), basename(recordFile).replace(/\.json$/i, ''));
    for (const [kind, text] of [['training', csvs.training], ['validation', csvs.validation]] as const) {
      if (text === undefined) continue;
      const file = `${stem}.${kind}-metrics.csv`;
      await writeFile(file, text);
      metricFiles.push(file);
    }

    const stateStore = new ProvisionStateStore(join(opts.cwd, '.ftrag', 'state.json'), endpoint.clients.endpointKey);
    const state = await stateStore.load();
    const previous = state.models[prepared.key];
    const serving = await call('making the custom model servable', () =>
      makeServable(spec, job.outputModelArn!, prepared.key, { clients: endpoint.clients, pollMs, log: opts.log, tags }),
    );
    if (ours) {
      state.models[prepared.key] = { customModelArn: job.outputModelArn, jobArn, servingArn: serving.arn, servingType: serving.type, systemId: spec.id, runId: trainRunId };
      await stateStore.save(state);
      if (previous?.servingType === 'provisioned' && previous.servingArn && previous.servingArn !== serving.arn) {
        opts.log(`note: the previous model's provisioned throughput ${previous.servingArn} still exists and bills by the hour; delete it with --delete-provisioned ${previous.servingArn}`);
      }
    }

    const record: TrainedModelRecord = {
      systemId: spec.id,
      jobArn,
      customModelArn: job.outputModelArn,
      modelId: serving.arn,
      servingType: serving.type,
      baseModelId: spec.training!.baseModelId,
      hyperParameters: prepared.hyperParameters,
      trainingLoss: csvs.training ? parseLossCsv(csvs.training) : [],
      validationLoss: csvs.validation ? parseLossCsv(csvs.validation) : [],
      trainedTokens: prepared.info.trainingTokens ?? 0,
      trainingRecords: prepared.info.trainingRecords ?? 0,
      epochs: Number(job.hyperParameters?.epochCount ?? prepared.info.epochs),
      ...(ours ? { stateKey: prepared.key } : {}),
      metricFiles,
      createdAt: new Date().toISOString(),
    };
    await writeFile(recordFile, `${JSON.stringify(record, null, 2)}\n`);
    if (serving.type === 'provisioned') {
      opts.log(`provisioned throughput ${serving.arn} bills by the hour until deleted: ftrag train --config ${opts.config ?? configFile} --delete-provisioned ${serving.arn}`);
    }
    opts.print(`${spec.id}: ${serving.arn}`);
    opts.print(`recorded in ${recordFile}`);
    return { exitCode: 0, jobArn, recordFile, record };
  } finally {
    await endpoint.close();
  }
}

function pickSystem(config: ExperimentConfig, id: string | undefined): SystemSpec {
  const trainable = config.systems.filter((s) => s.training);
  if (id) {
    const spec = config.systems.find((s) => s.id === id);
    if (!spec) throw new InputError(`no system "${id}" in the config (systems: ${config.systems.map((s) => s.id).join(', ')})`, { field: '--system' });
    if (!spec.training) throw new InputError(`system "${id}" has no training section to train from`, { field: `systems.${id}.training` });
    return spec;
  }
  if (trainable.length === 1) return trainable[0];
  if (trainable.length === 0) throw new InputError('no system in the config has a training section', { field: 'systems' });
  throw new InputError(`several systems can be trained (${trainable.map((s) => s.id).join(', ')}): name one with --system`, { field: '--system' });
}

async function deleteProvisioned(arn: string, endpoint: TrainEndpoint, opts: TrainOptions): Promise<void> {
  await call(`deleting ${arn}`, () => endpoint.clients.bedrock.send(new bedrockSdk.DeleteProvisionedModelThroughputCommand({ provisionedModelId: arn })));
  // A run must not try to reuse a model whose serving is gone (it would find it unservable and retrain anyway).
  const stateStore = new ProvisionStateStore(join(opts.cwd, '.ftrag', 'state.json'), endpoint.clients.endpointKey);
  const state = await stateStore.load();
  let dropped = 0;
  for (const [key, m] of Object.entries(state.models)) {
    if (m.servingArn === arn) {
      delete state.models[key];
      dropped++;
    }
  }
  if (dropped) await stateStore.save(state);
  opts.print(`deleted ${arn}${dropped ? ' (and forgot it in .ftrag/state.json)' : ''}`);
}
