/**
 * Trains (or reuses) a custom model through the Bedrock control plane and makes it servable: the same SDK calls on
 * the emulator and on AWS. Reuse is keyed by a hash of the base model, customization type, hyper-parameters and the
 * bytes of the training and validation files.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AwsClients } from '../targets/clients.js';
import type { SystemSpec } from '../config/schema.js';
import type { TrainingInfo } from '../schema/run-result.js';
import type { EvalItem } from '../datasets/types.js';
import { InputError, ServiceError } from '../util/errors.js';
import { countTrainingTextTokens } from '../cost/index.js';
import { defaultEpochCount } from '../models/index.js';
import { resourceName } from '../models/identifiers.js';
import { getText, parseS3Uri, putText } from './s3.js';
import { readTrainingSource } from '../training/cpt-records.js';
import type { ProvisionState } from './state.js';
import { ftragTags, type ResourceTag } from './tags.js';
import { withQuotaBackoff } from '../training/quota.js';
import { bedrockSdk } from '../targets/sdk.js';

export interface TrainContext {
  clients: AwsClients;
  emulated: boolean;
  state: ProvisionState;
  /** Persists `state` (atomically); called after each resource is created. */
  saveState: () => Promise<void>;
  /** Recorded with each resource, so `ftrag resources` can say which run made it; also an AWS tag on it. */
  runId?: string;
  /** The config's `name`: tagged on each created resource with the run id. */
  experiment?: string;
  /** Called before each billable create (job, provisioned throughput, deployment); throws to refuse it. */
  guardCreate?: (what: string) => void;
  /** Resolves a path from the config against the config's folder. */
  resolvePath: (p: string) => string;
  pollMs: number;
  log: (line: string) => void;
  /** The run folder: files a sweep makes (its validation split, its journal) go here. */
  workDir?: string;
  /** Asks validation items to sweep points and scores them (score-based sweep selection); set by the experiment. */
  askSweepPoints?: SweepAsk;
}

/** Asks `items` to each model (id = point label) and scores the answers against the items' references. */
export type SweepAsk = (
  spec: SystemSpec,
  items: EvalItem[],
  models: { id: string; modelId: string }[],
  journal: string,
) => Promise<{ metric: string; scores: Map<string, Map<string, number | null>>; tokens: Map<string, { input: number; output: number; calls: number }> }>;

export interface TrainedSystem {
  /** What Converse is called with: a deployment or provisioned-model ARN. */
  modelId: string;
  training: TrainingInfo;
}

const EMULATOR_ROLE = 'arn:aws:iam::000000000000:role/ftrag-emulator';
const EMULATOR_DATA_URI = 's3://ftrag-data/';

/** What a customization needs before any call: the files' text, the reuse key and what the job will train on. */
export interface PreparedTraining {
  /** Reuse key in the provisioning state: a hash of base model, type, hyper-parameters, serving and the data bytes. */
  key: string;
  trainingText: string;
  validationText?: string;
  hyperParameters: Record<string, string>;
  info: TrainingInfo;
}

export async function prepareTraining(spec: SystemSpec, ctx: Pick<TrainContext, 'resolvePath'>): Promise<PreparedTraining> {
  const training = spec.training!;
  const source = await readTrainingSource(spec, ctx.resolvePath);
  const trainingPath = source.file;
  const trainingText = source.text;
  const validationText = training.validationData
    ? await readText(ctx.resolvePath(training.validationData), `systems.${spec.id}.training.validationData`)
    : undefined;
  const hyperParameters = Object.fromEntries(Object.entries(training.hyperParameters).map(([k, v]) => [k, String(v)]));
  const key = createHash('sha256')
    .update(JSON.stringify([training.baseModelId, training.customizationType, hyperParameters, spec.serving ?? null]))
    .update(trainingText)
    .update(validationText ?? '')
    .digest('hex')
    .slice(0, 16);
  const counted = countTrainingTextTokens(trainingText, trainingPath);
  const info: TrainingInfo = {
    baseModelId: training.baseModelId,
    customizationType: training.customizationType,
    ...(source.fromDocuments
      ? { fromDocuments: { folder: source.file, documents: source.fromDocuments.documents, records: source.fromDocuments.records, recordTokens: source.fromDocuments.recordTokens } }
      : {}),
    trainingRecords: counted.records,
    trainingTokens: counted.tokens,
    epochs: Number(hyperParameters.epochCount ?? defaultEpochCount(training.baseModelId).epochs),
    hyperParameters,
  };
  return { key, trainingText, validationText, hyperParameters, info };
}

/**
 * `serve: false` (sweep points) trains and stops there: the result's modelId is the custom model's ARN, which is not
 * callable. The chosen point is served by calling this again with serving on; it reuses the trained model.
 */
export async function ensureCustomModel(spec: SystemSpec, ctx: TrainContext, opts: { serve?: boolean } = {}): Promise<TrainedSystem> {
  const prepared = await prepareTraining(spec, ctx);
  const { key, info } = prepared;

  const known = ctx.state.models[key];
  if (opts.serve === false && known?.customModelArn && (await customModelExists(known.customModelArn, ctx))) {
    ctx.log(`fine-tuning: reusing ${known.customModelArn} (training data unchanged)`);
    const curves = await readCurves(known.jobArn, ctx).catch(() => ({}));
    return { modelId: known.customModelArn, training: { ...info, ...curves, jobArn: known.jobArn, customModelArn: known.customModelArn, reused: true } };
  }
  if (known?.customModelArn && known.servingArn && (await stillServable(known, ctx))) {
    ctx.log(`fine-tuning: reusing ${known.customModelArn} (training data unchanged)`);
    const curves = await readCurves(known.jobArn, ctx).catch(() => ({}));
    return { modelId: known.servingArn, training: { ...info, ...curves, jobArn: known.jobArn, customModelArn: known.customModelArn, reused: true } };
  }

  // Resume what an earlier (killed) run started: its job, its custom model, its serving. Never pay twice.
  let jobArn = known?.jobArn ? await resumableJob(known, ctx) : undefined;
  let customModelArn = jobArn && known?.customModelArn && (await customModelExists(known.customModelArn, ctx)) ? known.customModelArn : undefined;
  const reused = !!customModelArn;
  if (!customModelArn) {
    if (jobArn) ctx.log(`fine-tuning: attaching to ${jobArn}, started by an earlier run`);
    else if (known?.pendingJobName && (jobArn = await findJobByName(known.pendingJobName, ctx))) {
      ctx.log(`fine-tuning: attaching to ${jobArn}, whose start an earlier run did not get to record`);
      ctx.state.models[key] = { jobArn, systemId: spec.id, runId: ctx.runId };
      await ctx.saveState();
    } else {
      ctx.guardCreate?.(`a model customization job for ${spec.id}`);
      const start = () => startCustomizationJob(spec, prepared, {
        ...ctx,
        tags: ftragTags({ runId: ctx.runId, experiment: ctx.experiment, systemId: spec.id }),
        // The job's name is recorded before it is created, so a kill between the two still finds the job.
        beforeCreate: async (jobName) => {
          ctx.state.models[key] = { jobArn: '', pendingJobName: jobName, systemId: spec.id, runId: ctx.runId };
          await ctx.saveState();
        },
      });
      // A quota refusal created nothing: wait for a slot and send it again; a job a lost answer hid is attached to.
      jobArn = await withQuotaBackoff(start, {
        pollMs: ctx.pollMs,
        log: ctx.log,
        what: `the customization job for ${spec.id}`,
        before: async () => {
          const pending = ctx.state.models[key]?.pendingJobName;
          return pending ? findJobByName(pending, ctx) : undefined;
        },
      });
      ctx.state.models[key] = { jobArn, systemId: spec.id, runId: ctx.runId };
      await ctx.saveState();
      ctx.log(`fine-tuning: job ${jobArn} started (recorded; a resumed run attaches to it)`);
    }
    const job = jobArn;
    const done = await poll(ctx, async () => {
      const j = await ctx.clients.bedrock.send(new bedrockSdk.GetModelCustomizationJobCommand({ jobIdentifier: job }));
      return j.status === 'InProgress' || j.status === 'Stopping' ? undefined : j;
    });
    if (done.status !== 'Completed' || !done.outputModelArn) {
      throw new ServiceError(`customization job ${jobArn} ended ${done.status}: ${done.failureMessage ?? 'no message'}`, 'TrainingFailed');
    }
    customModelArn = done.outputModelArn;
    ctx.state.models[key] = { ...ctx.state.models[key], jobArn, customModelArn };
    await ctx.saveState();
    ctx.log(`fine-tuning: completed, training loss ${done.trainingMetrics?.trainingLoss?.toFixed(3) ?? '?'}`);
  }
  const curves = await readCurves(jobArn!, ctx).catch(() => ({}));
  if (opts.serve === false) return { modelId: customModelArn, training: { ...info, ...curves, jobArn: jobArn!, customModelArn, reused } };
  const serving = await makeServable(spec, customModelArn, key, { ...ctx, tags: ftragTags({ runId: ctx.runId, experiment: ctx.experiment, systemId: spec.id }) });
  return { modelId: serving.arn, training: { ...info, ...curves, jobArn: jobArn!, customModelArn, reused } };
}

/** The recorded job when it is still running or completed; undefined when it failed or was stopped (train again). */
async function resumableJob(known: ProvisionState['models'][string], ctx: TrainContext): Promise<string | undefined> {
  try {
    const j = await ctx.clients.bedrock.send(new bedrockSdk.GetModelCustomizationJobCommand({ jobIdentifier: known.jobArn }));
    return j.status === 'InProgress' || j.status === 'Completed' ? known.jobArn : undefined;
  } catch {
    return undefined;
  }
}

async function findJobByName(name: string, ctx: TrainContext): Promise<string | undefined> {
  const page = await ctx.clients.bedrock.send(new bedrockSdk.ListModelCustomizationJobsCommand({ nameContains: name }));
  const job = page.modelCustomizationJobSummaries?.find((j) => j.jobName === name && (j.status === 'InProgress' || j.status === 'Completed'));
  return job?.jobArn;
}

async function customModelExists(arn: string, ctx: TrainContext): Promise<boolean> {
  try {
    await ctx.clients.bedrock.send(new bedrockSdk.GetCustomModelCommand({ modelIdentifier: arn }));
    return true;
  } catch {
    return false;
  }
}

/** Uploads the data under a prefix named by the reuse key and starts CreateModelCustomizationJob; returns the job ARN. */
export async function startCustomizationJob(
  spec: SystemSpec,
  prepared: PreparedTraining,
  ctx: Pick<TrainContext, 'clients' | 'emulated' | 'log'> & { tags: ResourceTag[]; beforeCreate?: (jobName: string) => Promise<void> },
): Promise<string> {
  const training = spec.training!;
  const { key, trainingText, validationText, hyperParameters, info } = prepared;
  const roleArn = training.roleArn ?? (ctx.emulated ? EMULATOR_ROLE : undefined);
  const dataUri = training.dataS3Uri ?? (ctx.emulated ? EMULATOR_DATA_URI : undefined);
  if (!roleArn || !dataUri) {
    throw new InputError('training on AWS needs training.roleArn and training.dataS3Uri', { field: `systems.${spec.id}.training` });
  }
  const { bucket, key: basePrefix } = parseS3Uri(dataUri);
  const prefix = `${basePrefix ? basePrefix.replace(/\/?$/, '/') : ''}ftrag/${key}/`;
  const trainingUri = await putText(ctx.clients.s3, bucket, `${prefix}training.jsonl`, trainingText, ctx.emulated);
  const validationUri = validationText
    ? await putText(ctx.clients.s3, bucket, `${prefix}validation.jsonl`, validationText, ctx.emulated)
    : undefined;
  const outputUri = training.outputS3Uri ?? `s3://${bucket}/${prefix}output/`;

  ctx.log(`fine-tuning: starting a customization job on ${training.baseModelId} (${info.trainingRecords} records)`);
  const stamp = Date.now().toString(36);
  const jobName = resourceName('jobName', spec.id, `${key.slice(0, 8)}-${stamp}`);
  await ctx.beforeCreate?.(jobName);
  const job = await ctx.clients.bedrock.send(
    new bedrockSdk.CreateModelCustomizationJobCommand({
      jobName,
      customModelName: resourceName('customModelName', spec.id, `${key.slice(0, 8)}-${stamp}`),
      roleArn,
      baseModelIdentifier: training.baseModelId,
      customizationType: training.customizationType,
      hyperParameters,
      trainingDataConfig: { s3Uri: trainingUri },
      validationDataConfig: validationUri ? { validators: [{ s3Uri: validationUri }] } : undefined,
      outputDataConfig: { s3Uri: outputUri },
      jobTags: ctx.tags,
      customModelTags: ctx.tags,
    }),
  );
  return job.jobArn!;
}

export type ServeContext = Pick<TrainContext, 'clients' | 'pollMs' | 'log'> & Partial<Pick<TrainContext, 'state' | 'saveState' | 'guardCreate'>> & { tags: ResourceTag[] };

export async function makeServable(spec: SystemSpec, customModelArn: string, key: string, ctx: ServeContext): Promise<{ arn: string; type: 'provisioned' | 'on-demand' }> {
  const serving = spec.serving ?? { type: 'on-demand' as const, modelUnits: 1, commitment: 'none' as const };
  const record = ctx.state?.models[key];
  // A serving resource an earlier run created (maybe still Creating) is waited for, not created again.
  const recorded = record?.servingArn && record.servingType === serving.type && record.customModelArn === customModelArn ? record.servingArn : undefined;
  const remember = async (arn: string): Promise<void> => {
    if (!ctx.state || !ctx.saveState) return;
    ctx.state.models[key] = { ...(ctx.state.models[key] ?? { jobArn: '' }), customModelArn, servingArn: arn, servingType: serving.type };
    await ctx.saveState();
  };
  if (serving.type === 'provisioned') {
    const ptName = resourceName('provisionedModelName', spec.id, key);
    let arn = recorded && (await servingStatus(recorded, 'provisioned', ctx)) !== 'gone' ? recorded : await findProvisionedByName(ptName, ctx);
    if (!arn) {
      ctx.guardCreate?.(`provisioned throughput for ${spec.id}`);
      const commitmentDuration = serving.commitment === '1-month' ? 'OneMonth' : serving.commitment === '6-month' ? 'SixMonths' : undefined;
      const created = await ctx.clients.bedrock.send(
        new bedrockSdk.CreateProvisionedModelThroughputCommand({
          provisionedModelName: ptName,
          modelId: customModelArn,
          modelUnits: serving.modelUnits,
          commitmentDuration,
          tags: ctx.tags,
        }),
      );
      arn = created.provisionedModelArn!;
      await remember(arn);
      ctx.log(`fine-tuning: provisioned throughput ${arn} (${serving.modelUnits} MU, bills by the hour: delete it when done)`);
    }
    const pt = arn;
    await poll(ctx, async () => {
      const got = await ctx.clients.bedrock.send(new bedrockSdk.GetProvisionedModelThroughputCommand({ provisionedModelId: pt }));
      if (got.status === 'Failed') throw new ServiceError(`provisioned throughput ${pt} failed: ${got.failureMessage ?? ''}`);
      return got.status === 'InService' ? got : undefined;
    });
    return { arn, type: 'provisioned' };
  }
  const deploymentName = resourceName('modelDeploymentName', spec.id, key);
  // Names are deterministic: a deployment whose create answer a kill swallowed is found by its name and adopted.
  let arn = recorded && (await servingStatus(recorded, 'on-demand', ctx)) !== 'gone' ? recorded : await findDeploymentByName(deploymentName, ctx);
  if (arn) await remember(arn);
  if (!arn) {
    ctx.guardCreate?.(`a custom model deployment for ${spec.id}`);
    const created = await ctx.clients.bedrock.send(
      new bedrockSdk.CreateCustomModelDeploymentCommand({ modelDeploymentName: deploymentName, modelArn: customModelArn, tags: ctx.tags }),
    );
    arn = created.customModelDeploymentArn!;
    await remember(arn);
    ctx.log(`fine-tuning: deployment ${arn} creating (recorded)`);
  }
  const dep = arn;
  await poll(ctx, async () => {
    const d = await ctx.clients.bedrock.send(new bedrockSdk.GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: dep }));
    if (d.status === 'Failed') throw new ServiceError(`custom model deployment ${dep} failed: ${d.failureMessage ?? ''}`);
    return d.status === 'Active' ? d : undefined;
  });
  ctx.log(`fine-tuning: on-demand deployment ${arn} is active`);
  return { arn, type: 'on-demand' };
}

async function findDeploymentByName(name: string, ctx: ServeContext): Promise<string | undefined> {
  try {
    const d = await ctx.clients.bedrock.send(new bedrockSdk.GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: name }));
    return d.status === 'Failed' ? undefined : d.customModelDeploymentArn;
  } catch {
    return undefined;
  }
}

async function findProvisionedByName(name: string, ctx: ServeContext): Promise<string | undefined> {
  const page = await ctx.clients.bedrock.send(new bedrockSdk.ListProvisionedModelThroughputsCommand({ nameContains: name }));
  const hit = page.provisionedModelSummaries?.find((p) => p.provisionedModelName === name && p.status !== 'Failed');
  return hit?.provisionedModelArn;
}

/** `gone` when the serving resource no longer exists or failed (create another); else its status. */
async function servingStatus(arn: string, type: 'provisioned' | 'on-demand', ctx: ServeContext): Promise<string> {
  try {
    if (type === 'provisioned') {
      const pt = await ctx.clients.bedrock.send(new bedrockSdk.GetProvisionedModelThroughputCommand({ provisionedModelId: arn }));
      return pt.status === 'Failed' ? 'gone' : (pt.status ?? 'gone');
    }
    const d = await ctx.clients.bedrock.send(new bedrockSdk.GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: arn }));
    return d.status === 'Failed' ? 'gone' : (d.status ?? 'gone');
  } catch {
    return 'gone';
  }
}

export async function stillServable(known: ProvisionState['models'][string], ctx: TrainContext): Promise<boolean> {
  try {
    if (!known.customModelArn) return false;
    await ctx.clients.bedrock.send(new bedrockSdk.GetCustomModelCommand({ modelIdentifier: known.customModelArn }));
    if (known.servingType === 'on-demand' && known.servingArn) {
      const d = await ctx.clients.bedrock.send(new bedrockSdk.GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: known.servingArn }));
      return d.status === 'Active';
    }
    if (known.servingType === 'provisioned' && known.servingArn) {
      const pt = await ctx.clients.bedrock.send(new bedrockSdk.GetProvisionedModelThroughputCommand({ provisionedModelId: known.servingArn }));
      return pt.status === 'InService';
    }
    return true;
  } catch {
    return false;
  }
}

/** Bedrock's metric CSVs as text; AWS's sample notebooks read the validation file one folder deeper, so both are tried. */
export async function readMetricCsvs(jobArn: string, ctx: Pick<TrainContext, 'clients'>): Promise<{ training?: string; validation?: string; finalTrainingLoss?: number }> {
  const job = await ctx.clients.bedrock.send(new bedrockSdk.GetModelCustomizationJobCommand({ jobIdentifier: jobArn }));
  const finalTrainingLoss = job.trainingMetrics?.trainingLoss;
  const out = job.outputDataConfig?.s3Uri;
  if (!out) return { finalTrainingLoss };
  const { bucket, key } = parseS3Uri(out);
  const jobId = jobArn.split('/').pop();
  const base = `${key ? key.replace(/\/?$/, '/') : ''}model-customization-job-${jobId}/`;
  const training = await getText(ctx.clients.s3, bucket, `${base}training_artifacts/step_wise_training_metrics.csv`);
  const validation =
    (await getText(ctx.clients.s3, bucket, `${base}validation_artifacts/post_fine_tuning_validation/validation/validation_metrics.csv`)) ??
    (await getText(ctx.clients.s3, bucket, `${base}validation_artifacts/post_fine_tuning_validation/validation_metrics.csv`));
  return { training, validation, finalTrainingLoss };
}

export async function readCurves(jobArn: string, ctx: Pick<TrainContext, 'clients'>): Promise<Pick<TrainingInfo, 'trainingLoss' | 'validationLoss' | 'finalTrainingLoss'>> {
  const { training, validation, finalTrainingLoss } = await readMetricCsvs(jobArn, ctx);
  return { trainingLoss: training ? parseLossCsv(training) : undefined, validationLoss: validation ? parseLossCsv(validation) : undefined, finalTrainingLoss };
}

export function parseLossCsv(csv: string): { step: number; epoch: number; loss: number }[] {
  const [header, ...rows] = csv.trim().split(/\r?\n/);
  const cols = header.split(',').map((c) => c.trim());
  const step = cols.indexOf('step_number');
  const epoch = cols.indexOf('epoch_number');
  const loss = cols.findIndex((c) => c === 'training_loss' || c === 'validation_loss');
  if (step < 0 || epoch < 0 || loss < 0) return [];
  return rows
    .map((r) => r.split(','))
    .map((c) => ({ step: Number(c[step]), epoch: Number(c[epoch]), loss: Number(c[loss]) }))
    .filter((p) => Number.isFinite(p.loss));
}

async function readText(path: string, field: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read ${path}: ${(err as Error).message}`, { field });
  }
}

export async function poll<T>(ctx: { pollMs: number }, check: () => Promise<T | undefined>, timeoutMs = 6 * 3600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new ServiceError('timed out waiting for a Bedrock job', 'Timeout');
    await new Promise((r) => setTimeout(r, ctx.pollMs));
  }
}
