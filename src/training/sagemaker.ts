/**
 * The JumpStart arm on SageMaker: fine-tune in a training job (CreateTrainingJob with the model's training image, its
 * base weights as the `model` channel, the data as `training`/`validation` channels, JumpStart hyperparameters),
 * then CreateModel, CreateEndpointConfig and CreateEndpoint, waiting for InService. The same rules as the Bedrock
 * arm (src/experiment/train-model.ts): reuse keyed by a hash of everything that changes the result, every name
 * recorded in the provisioning state as soon as it exists (the job's just before), deterministic names so a resumed
 * run adopts what a killed one created, and `ftrag cleanup` deletes the endpoint (it bills every hour it exists).
 */
import { createHash } from 'node:crypto';
import type { DescribeTrainingJobCommandOutput, Tag } from '@aws-sdk/client-sagemaker';
import type { SystemSpec } from '../config/schema.js';
import { loadTrainingData } from '../datasets/training.js';
import { parseS3Uri, putText } from '../experiment/s3.js';
import type { TrainContext } from '../experiment/train-model.js';
import { poll } from '../experiment/train-model.js';
import type { SageMakerRecord } from '../experiment/state.js';
import { ftragTags } from '../experiment/tags.js';
import { jumpStartHyperParameters, jumpStartModel, jumpStartModelIds, type ContainerFormat, type JumpStartModelFacts } from '../models/jumpstart.js';
import type { SageMakerInfo, TrainingInfo } from '../schema/run-result.js';
import { InputError, ServiceError } from '../util/errors.js';
import { sageMakerSdk } from '../targets/sdk.js';

export const JUMPSTART_MODEL_TAG = 'sagemaker-sdk:jumpstart-model-id';
const EMULATOR_ROLE = 'arn:aws:iam::000000000000:role/ftrag-emulator';
const EMULATOR_DATA_URI = 's3://ftrag-data/';
const EMULATOR_IMAGE = 'ftrag-emulator/jumpstart-tgi:latest';
/** JumpStart's instruction-tuning template: every uploaded record already is a prompt/completion pair. */
const TEMPLATE = JSON.stringify({ prompt: '{prompt}', completion: '{completion}' });

export interface JumpStartSystem {
  endpointName: string;
  /** What run.json records as the system's model: the endpoint's ARN (or the configured endpoint's name). */
  modelId: string;
  format: ContainerFormat;
  training?: TrainingInfo;
  sagemaker: SageMakerInfo;
}

/** The model-table row of a system's JumpStart model; an unknown id is bad input naming the field. */
export function jumpStartFactsOf(spec: SystemSpec): JumpStartModelFacts {
  const id = spec.sagemaker!.jumpStartModelId;
  const facts = jumpStartModel(id);
  if (!facts) throw new InputError(`unknown JumpStart model "${id}"; ftrag knows: ${jumpStartModelIds().join(', ')}`, { field: `systems.${spec.id}.sagemaker.jumpStartModelId` });
  return facts;
}

/** SageMaker resource names: letters, digits and hyphens, at most 63 characters. */
function smName(systemId: string, suffix: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const room = 63 - 'ftrag-'.length - suffix.length - 1;
  return `ftrag-${clean(systemId).slice(0, room).replace(/-+$/, '')}-${suffix}`;
}

export interface PreparedJumpStart {
  facts: JumpStartModelFacts;
  format: ContainerFormat;
  key: string;
  hyperParameters: Record<string, string>;
  trainingText?: string;
  validationText?: string;
  info?: TrainingInfo;
  trainingInstanceType: string;
  endpointInstanceType: string;
}

/** Converts a training file (any format ftrag reads) to JumpStart's prompt/completion JSONL, as the job will see it. */
async function toJumpStartJsonl(path: string): Promise<{ text: string; records: number; tokens: number }> {
  const data = await loadTrainingData(path);
  const { countTokens } = await import('../util/tokenizer.js'); // loaded on first use only
  let tokens = 0;
  const lines = data.records.map((r) => {
    const prompt = [r.system, r.prompt].filter((x) => x && x.trim() !== '').join('\n');
    tokens += countTokens(prompt) + countTokens(r.completion);
    return JSON.stringify({ prompt, completion: r.completion });
  });
  return { text: `${lines.join('\n')}\n`, records: lines.length, tokens };
}

export async function prepareJumpStart(spec: SystemSpec, ctx: Pick<TrainContext, 'resolvePath'>): Promise<PreparedJumpStart> {
  const sm = spec.sagemaker!;
  const facts = jumpStartFactsOf(spec);
  const format = sm.containerFormat ?? facts.containerFormat;
  const endpointInstanceType = sm.serving.instanceType ?? facts.defaultInferenceInstanceType;
  const trainingInstanceType = sm.training?.instanceType ?? facts.defaultTrainingInstanceType;
  let hyperParameters: Record<string, string> = {};
  let trainingText: string | undefined;
  let validationText: string | undefined;
  let info: TrainingInfo | undefined;
  if (sm.training) {
    const hp = jumpStartHyperParameters(facts, sm.training.hyperParameters);
    if ('message' in hp) throw new InputError(`hyperparameter ${hp.name} ${hp.message}`, { field: `systems.${spec.id}.sagemaker.training.hyperParameters.${hp.name}` });
    hyperParameters = hp.values;
    const train = await toJumpStartJsonl(ctx.resolvePath(sm.training.trainingData));
    trainingText = train.text;
    if (sm.training.validationData) validationText = (await toJumpStartJsonl(ctx.resolvePath(sm.training.validationData))).text;
    info = { baseModelId: facts.modelId, trainingRecords: train.records, trainingTokens: train.tokens, epochs: Number(hyperParameters.epoch), hyperParameters };
  }
  const key = createHash('sha256')
    .update(JSON.stringify([facts.modelId, format, hyperParameters, trainingInstanceType, sm.training?.instanceCount ?? 0, endpointInstanceType, sm.serving.instanceCount, sm.modelArtifactsUri ?? '']))
    .update(trainingText ?? '')
    .update(validationText ?? '')
    .digest('hex')
    .slice(0, 16);
  return { facts, format, key, hyperParameters, trainingText, validationText, info, trainingInstanceType, endpointInstanceType };
}

/** What AWS needs that the emulator can default; missing on AWS is bad input naming the field. */
function required(spec: SystemSpec, emulated: boolean, field: 'roleArn' | 'dataS3Uri' | 'trainingImageUri' | 'inferenceImageUri' | 'modelArtifactsUri', fallback?: string): string | undefined {
  const v = spec.sagemaker![field];
  if (v) return v;
  if (emulated) return fallback;
  throw new InputError(`a SageMaker system on AWS needs sagemaker.${field}`, { field: `systems.${spec.id}.sagemaker.${field}` });
}

/** On AWS, everything the emulator defaults must be in the config: the first one missing is bad input naming its field. */
export function requireAwsFields(spec: SystemSpec): void {
  const sm = spec.sagemaker!;
  if (sm.endpointName) return;
  required(spec, false, 'roleArn');
  required(spec, false, 'inferenceImageUri');
  if (sm.training) {
    required(spec, false, 'dataS3Uri');
    required(spec, false, 'trainingImageUri');
  }
  required(spec, false, 'modelArtifactsUri');
}

const isMissing = (err: unknown): boolean => {
  const e = err as { name?: string; message?: string };
  return e.name === 'ResourceNotFound' || (e.name === 'ValidationException' && /could not find/i.test(e.message ?? ''));
};

async function endpointStatus(ctx: TrainContext, name: string): Promise<string | undefined> {
  try {
    return (await ctx.clients.sagemaker.send(new sageMakerSdk.DescribeEndpointCommand({ EndpointName: name }))).EndpointStatus;
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** Creates unless it already exists (a resumed run adopts what a killed one made under the same name). */
async function createOnce(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    const e = err as { name?: string; message?: string };
    if (e.name === 'ValidationException' && /already existing/i.test(e.message ?? '')) return;
    throw err;
  }
}

export async function ensureJumpStartEndpoint(spec: SystemSpec, ctx: TrainContext): Promise<JumpStartSystem> {
  const sm = spec.sagemaker!;
  const prepared = await prepareJumpStart(spec, ctx);
  const { facts, format, key } = prepared;
  const base: SageMakerInfo = {
    jumpStartModelId: facts.modelId,
    endpointName: sm.endpointName ?? smName(spec.id, key.slice(0, 8)),
    containerFormat: format,
    endpointInstanceType: prepared.endpointInstanceType,
    endpointInstanceCount: sm.serving.instanceCount,
    hoursPerDay: sm.serving.hoursPerDay,
  };
  if (sm.endpointName) return { endpointName: sm.endpointName, modelId: sm.endpointName, format, sagemaker: { ...base, existingEndpoint: true } };

  ctx.state.sagemaker ??= {};
  const all = ctx.state.sagemaker;
  const record = (): SageMakerRecord => (all[key] ??= { systemId: spec.id, runId: ctx.runId });
  const save = async (patch: Partial<SageMakerRecord>): Promise<void> => {
    all[key] = { ...record(), ...patch };
    await ctx.saveState();
  };
  const roleArn = required(spec, ctx.emulated, 'roleArn', EMULATOR_ROLE)!;
  // JumpStart's own model-id tag (as the SageMaker Python SDK sets it), then the tags on every ftrag resource.
  const tags: Tag[] = [
    { Key: JUMPSTART_MODEL_TAG, Value: facts.modelId },
    ...ftragTags({ runId: ctx.runId, experiment: ctx.experiment, systemId: spec.id }).map((t) => ({ Key: t.key, Value: t.value })),
  ];

  let info = prepared.info;
  let training: Pick<SageMakerInfo, 'trainingJobName' | 'trainingInstanceType' | 'trainingInstanceCount' | 'trainingBillableSeconds'> = {};
  let artifacts = sm.modelArtifactsUri;
  if (sm.training) {
    const { job, reused } = await ensureTrainingJob(spec, prepared, ctx, { roleArn, tags, record, save });
    artifacts = job.ModelArtifacts?.S3ModelArtifacts;
    if (!artifacts) throw new ServiceError(`training job ${job.TrainingJobName} completed without model artifacts`, 'TrainingFailed');
    const loss = (name: string) => job.FinalMetricDataList?.find((m) => m.MetricName?.endsWith(name))?.Value;
    info = { ...info!, jobArn: job.TrainingJobArn, finalTrainingLoss: loss('train-loss'), reused };
    training = {
      trainingJobName: job.TrainingJobName,
      trainingInstanceType: job.ResourceConfig?.InstanceType ?? prepared.trainingInstanceType,
      trainingInstanceCount: job.ResourceConfig?.InstanceCount ?? sm.training.instanceCount,
      ...(job.BillableTimeInSeconds !== undefined ? { trainingBillableSeconds: job.BillableTimeInSeconds } : {}),
    };
    await save({ trainingJobDone: true, artifactsS3Uri: artifacts });
  } else if (!ctx.emulated) artifacts = required(spec, false, 'modelArtifactsUri');

  const names = { model: smName(spec.id, key.slice(0, 8)), config: smName(spec.id, key.slice(0, 8)), endpoint: base.endpointName };
  const status = await endpointStatus(ctx, names.endpoint);
  if (status !== 'InService' && status !== 'Creating' && status !== 'Updating') {
    const image = required(spec, ctx.emulated, 'inferenceImageUri', EMULATOR_IMAGE)!;
    await createOnce(() =>
      ctx.clients.sagemaker.send(
        new sageMakerSdk.CreateModelCommand({
          ModelName: names.model,
          ExecutionRoleArn: roleArn,
          PrimaryContainer: { Image: image, ...(artifacts ? { ModelDataSource: { S3DataSource: { S3Uri: artifacts, S3DataType: 'S3Prefix', CompressionType: 'None' } } } : {}) },
          Tags: tags,
        }),
      ),
    );
    await save({ modelName: names.model });
    await createOnce(() =>
      ctx.clients.sagemaker.send(
        new sageMakerSdk.CreateEndpointConfigCommand({
          EndpointConfigName: names.config,
          ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: names.model, InstanceType: prepared.endpointInstanceType as never, InitialInstanceCount: sm.serving.instanceCount }],
          Tags: tags,
        }),
      ),
    );
    await save({ endpointConfigName: names.config });
    if (status === undefined) {
      await ctx.clients.sagemaker.send(new sageMakerSdk.CreateEndpointCommand({ EndpointName: names.endpoint, EndpointConfigName: names.config, Tags: tags }));
      ctx.log(`sagemaker: endpoint ${names.endpoint} creating on ${sm.serving.instanceCount} x ${prepared.endpointInstanceType} (bills every hour it exists: ftrag cleanup deletes it)`);
    }
  } else ctx.log(`sagemaker: reusing endpoint ${names.endpoint} (${status})`);
  await save({ endpointName: names.endpoint, endpointInstanceType: prepared.endpointInstanceType, endpointInstanceCount: sm.serving.instanceCount });
  const ready = await poll(ctx, async () => {
    const d = await ctx.clients.sagemaker.send(new sageMakerSdk.DescribeEndpointCommand({ EndpointName: names.endpoint }));
    if (d.EndpointStatus === 'Failed') throw new ServiceError(`endpoint ${names.endpoint} failed: ${d.FailureReason ?? 'no reason given'}`, 'EndpointFailed');
    return d.EndpointStatus === 'InService' ? d : undefined;
  });
  ctx.log(`sagemaker: endpoint ${names.endpoint} is in service`);
  return { endpointName: names.endpoint, modelId: ready.EndpointArn ?? names.endpoint, format, training: info, sagemaker: { ...base, ...training, ...(artifacts ? { artifactsS3Uri: artifacts } : {}) } };
}

interface JobContext {
  roleArn: string;
  tags: Tag[];
  record: () => SageMakerRecord;
  save: (patch: Partial<SageMakerRecord>) => Promise<void>;
}

async function describeJob(ctx: TrainContext, name: string): Promise<DescribeTrainingJobCommandOutput | undefined> {
  try {
    return await ctx.clients.sagemaker.send(new sageMakerSdk.DescribeTrainingJobCommand({ TrainingJobName: name }));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

/** The completed training job: an earlier run's (attached to while it runs), or a new one. Never pays twice. */
async function ensureTrainingJob(spec: SystemSpec, prepared: PreparedJumpStart, ctx: TrainContext, jc: JobContext): Promise<{ job: DescribeTrainingJobCommandOutput; reused: boolean }> {
  const sm = spec.sagemaker!;
  const known = jc.record().trainingJobName;
  let name: string | undefined;
  let reused = false;
  if (known) {
    const j = await describeJob(ctx, known);
    if (j && (j.TrainingJobStatus === 'InProgress' || j.TrainingJobStatus === 'Completed')) {
      name = known;
      reused = j.TrainingJobStatus === 'Completed';
      ctx.log(`sagemaker: ${j.TrainingJobStatus === 'Completed' ? 'reusing' : 'attaching to'} training job ${known}`);
    }
  }
  if (!name) {
    name = smName(spec.id, `${prepared.key.slice(0, 8)}-${Date.now().toString(36)}`);
    const dataUri = required(spec, ctx.emulated, 'dataS3Uri', EMULATOR_DATA_URI)!;
    const { bucket, key: basePrefix } = parseS3Uri(dataUri);
    const prefix = `${basePrefix ? basePrefix.replace(/\/?$/, '/') : ''}ftrag-sagemaker/${prepared.key}/`;
    const trainUri = `s3://${bucket}/${prefix}training/`;
    await putText(ctx.clients.s3, bucket, `${prefix}training/train.jsonl`, prepared.trainingText!, ctx.emulated);
    await putText(ctx.clients.s3, bucket, `${prefix}training/template.json`, TEMPLATE, ctx.emulated);
    const channels = [{ ChannelName: 'training', DataSource: { S3DataSource: { S3DataType: 'S3Prefix' as const, S3Uri: trainUri, S3DataDistributionType: 'FullyReplicated' as const } } }];
    if (prepared.validationText) {
      await putText(ctx.clients.s3, bucket, `${prefix}validation/validation.jsonl`, prepared.validationText, ctx.emulated);
      await putText(ctx.clients.s3, bucket, `${prefix}validation/template.json`, TEMPLATE, ctx.emulated);
      channels.push({ ChannelName: 'validation', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${bucket}/${prefix}validation/`, S3DataDistributionType: 'FullyReplicated' } } });
    }
    const weights = required(spec, ctx.emulated, 'modelArtifactsUri');
    if (weights) channels.push({ ChannelName: 'model', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: weights, S3DataDistributionType: 'FullyReplicated' } } });
    const image = required(spec, ctx.emulated, 'trainingImageUri', EMULATOR_IMAGE)!;
    await jc.save({ trainingJobName: name, trainingJobDone: false });
    ctx.log(`sagemaker: training job ${name} on ${sm.training!.instanceCount} x ${prepared.trainingInstanceType} (${prepared.info?.trainingRecords} records)`);
    await ctx.clients.sagemaker.send(
      new sageMakerSdk.CreateTrainingJobCommand({
        TrainingJobName: name,
        AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: 'File' },
        RoleArn: jc.roleArn,
        HyperParameters: prepared.hyperParameters,
        InputDataConfig: channels,
        OutputDataConfig: { S3OutputPath: sm.outputS3Uri ?? `s3://${bucket}/${prefix}output/` },
        ResourceConfig: { InstanceType: prepared.trainingInstanceType as never, InstanceCount: sm.training!.instanceCount, VolumeSizeInGB: 256 },
        StoppingCondition: { MaxRuntimeInSeconds: sm.training!.maxRuntimeSeconds },
        Tags: jc.tags,
      }),
    );
  }
  const jobName = name;
  const done = await poll(ctx, async () => {
    const j = await ctx.clients.sagemaker.send(new sageMakerSdk.DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    return j.TrainingJobStatus === 'InProgress' || j.TrainingJobStatus === 'Stopping' ? undefined : j;
  });
  if (done.TrainingJobStatus !== 'Completed') throw new ServiceError(`training job ${jobName} ended ${done.TrainingJobStatus}: ${done.FailureReason ?? 'no reason given'}`, 'TrainingFailed');
  return { job: done, reused };
}
