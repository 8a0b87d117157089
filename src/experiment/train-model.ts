/**
 * Trains (or reuses) a custom model through the Bedrock control plane and makes it servable: the same SDK calls on
 * the emulator and on AWS. Reuse is keyed by a hash of the base model, customization type, hyper-parameters and the
 * bytes of the training and validation files.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  CreateCustomModelDeploymentCommand,
  CreateModelCustomizationJobCommand,
  CreateProvisionedModelThroughputCommand,
  GetCustomModelCommand,
  GetCustomModelDeploymentCommand,
  GetModelCustomizationJobCommand,
  GetProvisionedModelThroughputCommand,
} from '@aws-sdk/client-bedrock';
import type { AwsClients } from '../targets/clients.js';
import type { SystemSpec } from '../config/schema.js';
import type { TrainingInfo } from '../schema/run-result.js';
import { InputError, ServiceError } from '../util/errors.js';
import { countTrainingTextTokens } from '../cost/index.js';
import { defaultEpochCount } from '../models/index.js';
import { getText, parseS3Uri, putText } from './s3.js';
import type { ProvisionState } from './state.js';

export interface TrainContext {
  clients: AwsClients;
  emulated: boolean;
  state: ProvisionState;
  /** Resolves a path from the config against the config's folder. */
  resolvePath: (p: string) => string;
  pollMs: number;
  log: (line: string) => void;
}

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
  const trainingPath = ctx.resolvePath(training.trainingData);
  const trainingText = await readText(trainingPath, `systems.${spec.id}.training.trainingData`);
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
    trainingRecords: counted.records,
    trainingTokens: counted.tokens,
    epochs: Number(hyperParameters.epochCount ?? defaultEpochCount(training.baseModelId).epochs),
    hyperParameters,
  };
  return { key, trainingText, validationText, hyperParameters, info };
}

export async function ensureCustomModel(spec: SystemSpec, ctx: TrainContext): Promise<TrainedSystem> {
  const prepared = await prepareTraining(spec, ctx);
  const { key, info } = prepared;

  const known = ctx.state.models[key];
  if (known && (await stillServable(known, ctx))) {
    ctx.log(`fine-tuning: reusing ${known.customModelArn} (training data unchanged)`);
    const curves = await readCurves(known.jobArn, ctx).catch(() => ({}));
    return { modelId: known.servingArn ?? known.customModelArn, training: { ...info, ...curves, jobArn: known.jobArn, customModelArn: known.customModelArn, reused: true } };
  }

  const jobArn = await startCustomizationJob(spec, prepared, ctx);
  const done = await poll(ctx, async () => {
    const j = await ctx.clients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: jobArn }));
    return j.status === 'InProgress' || j.status === 'Stopping' ? undefined : j;
  });
  if (done.status !== 'Completed' || !done.outputModelArn) {
    throw new ServiceError(`customization job ${jobArn} ended ${done.status}: ${done.failureMessage ?? 'no message'}`, 'TrainingFailed');
  }
  const customModelArn = done.outputModelArn;
  ctx.log(`fine-tuning: completed, training loss ${done.trainingMetrics?.trainingLoss?.toFixed(3) ?? '?'}`);
  const serving = await makeServable(spec, customModelArn, key, ctx);
  ctx.state.models[key] = { customModelArn, jobArn, servingArn: serving.arn, servingType: serving.type };
  const curves = await readCurves(jobArn, ctx).catch(() => ({}));
  return { modelId: serving.arn, training: { ...info, ...curves, jobArn, customModelArn, reused: false } };
}

/** Uploads the data under a prefix named by the reuse key and starts CreateModelCustomizationJob; returns the job ARN. */
export async function startCustomizationJob(spec: SystemSpec, prepared: PreparedTraining, ctx: Pick<TrainContext, 'clients' | 'emulated' | 'log'>): Promise<string> {
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
  const job = await ctx.clients.bedrock.send(
    new CreateModelCustomizationJobCommand({
      jobName: `ftrag-${spec.id}-${key.slice(0, 8)}-${stamp}`,
      customModelName: `ftrag-${spec.id}-${key.slice(0, 8)}-${stamp}`,
      roleArn,
      baseModelIdentifier: training.baseModelId,
      customizationType: training.customizationType,
      hyperParameters,
      trainingDataConfig: { s3Uri: trainingUri },
      validationDataConfig: validationUri ? { validators: [{ s3Uri: validationUri }] } : undefined,
      outputDataConfig: { s3Uri: outputUri },
    }),
  );
  return job.jobArn!;
}

export async function makeServable(spec: SystemSpec, customModelArn: string, key: string, ctx: Pick<TrainContext, 'clients' | 'pollMs' | 'log'>): Promise<{ arn: string; type: 'provisioned' | 'on-demand' }> {
  const serving = spec.serving ?? { type: 'on-demand' as const, modelUnits: 1, commitment: 'none' as const };
  if (serving.type === 'provisioned') {
    const commitmentDuration = serving.commitment === '1-month' ? 'OneMonth' : serving.commitment === '6-month' ? 'SixMonths' : undefined;
    const created = await ctx.clients.bedrock.send(
      new CreateProvisionedModelThroughputCommand({
        provisionedModelName: `ftrag-${spec.id}-${key}`,
        modelId: customModelArn,
        modelUnits: serving.modelUnits,
        commitmentDuration,
      }),
    );
    const arn = created.provisionedModelArn!;
    ctx.log(`fine-tuning: provisioned throughput ${arn} (${serving.modelUnits} MU, bills by the hour: delete it when done)`);
    await poll(ctx, async () => {
      const pt = await ctx.clients.bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: arn }));
      if (pt.status === 'Failed') throw new ServiceError(`provisioned throughput ${arn} failed: ${pt.failureMessage ?? ''}`);
      return pt.status === 'InService' ? pt : undefined;
    });
    return { arn, type: 'provisioned' };
  }
  const created = await ctx.clients.bedrock.send(
    new CreateCustomModelDeploymentCommand({ modelDeploymentName: `ftrag-${spec.id}-${key}`, modelArn: customModelArn }),
  );
  const arn = created.customModelDeploymentArn!;
  await poll(ctx, async () => {
    const d = await ctx.clients.bedrock.send(new GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: arn }));
    if (d.status === 'Failed') throw new ServiceError(`custom model deployment ${arn} failed: ${d.failureMessage ?? ''}`);
    return d.status === 'Active' ? d : undefined;
  });
  ctx.log(`fine-tuning: on-demand deployment ${arn} is active`);
  return { arn, type: 'on-demand' };
}

export async function stillServable(known: ProvisionState['models'][string], ctx: TrainContext): Promise<boolean> {
  try {
    await ctx.clients.bedrock.send(new GetCustomModelCommand({ modelIdentifier: known.customModelArn }));
    if (known.servingType === 'on-demand' && known.servingArn) {
      const d = await ctx.clients.bedrock.send(new GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: known.servingArn }));
      return d.status === 'Active';
    }
    if (known.servingType === 'provisioned' && known.servingArn) {
      const pt = await ctx.clients.bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: known.servingArn }));
      return pt.status === 'InService';
    }
    return true;
  } catch {
    return false;
  }
}

/** Bedrock's metric CSVs as text; AWS's sample notebooks read the validation file one folder deeper, so both are tried. */
export async function readMetricCsvs(jobArn: string, ctx: Pick<TrainContext, 'clients'>): Promise<{ training?: string; validation?: string }> {
  const job = await ctx.clients.bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: jobArn }));
  const out = job.outputDataConfig?.s3Uri;
  if (!out) return {};
  const { bucket, key } = parseS3Uri(out);
  const jobId = jobArn.split('/').pop();
  const base = `${key ? key.replace(/\/?$/, '/') : ''}model-customization-job-${jobId}/`;
  const training = await getText(ctx.clients.s3, bucket, `${base}training_artifacts/step_wise_training_metrics.csv`);
  const validation =
    (await getText(ctx.clients.s3, bucket, `${base}validation_artifacts/post_fine_tuning_validation/validation/validation_metrics.csv`)) ??
    (await getText(ctx.clients.s3, bucket, `${base}validation_artifacts/post_fine_tuning_validation/validation_metrics.csv`));
  return { training, validation };
}

export async function readCurves(jobArn: string, ctx: Pick<TrainContext, 'clients'>): Promise<Pick<TrainingInfo, 'trainingLoss' | 'validationLoss'>> {
  const { training, validation } = await readMetricCsvs(jobArn, ctx);
  return { trainingLoss: training ? parseLossCsv(training) : undefined, validationLoss: validation ? parseLossCsv(validation) : undefined };
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
