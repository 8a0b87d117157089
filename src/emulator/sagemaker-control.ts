/**
 * The SageMaker control-plane calls ftrag makes for a JumpStart arm, on SageMaker's awsJson1_1 protocol (`POST /`
 * with `X-Amz-Target: SageMaker.<Operation>`): CreateTrainingJob, DescribeTrainingJob, StopTrainingJob,
 * CreateModel, DescribeModel, DeleteModel, CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig,
 * CreateEndpoint, DescribeEndpoint, DeleteEndpoint. Missing resources answer as SageMaker does: ResourceNotFound for
 * a training job, ValidationException "Could not find ..." for models, endpoint configs and endpoints.
 */
import type { EmulatorContext } from './context.js';
import { ACCOUNT_ID } from './context.js';
import { ApiError, parseJsonObject, readBody, sendJson, validation } from './http-util.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';
import { parseS3Uri } from './s3-store.js';
import { epochSeconds, jumpStartFactsOfTags, JUMPSTART_MODEL_TAG, runTrainingJob, type SmTrainingJobRecord } from './sagemaker-training.js';

type Body = Record<string, unknown>;
type Tags = { Key: string; Value: string }[];

export interface SmModelRecord {
  ModelName: string;
  ModelArn: string;
  PrimaryContainer: { Image?: string; ModelDataUrl?: string; ModelDataSource?: { S3DataSource?: { S3Uri?: string } } };
  ExecutionRoleArn: string;
  Tags?: Tags;
  CreationTime: number;
}

export interface SmEndpointConfigRecord {
  EndpointConfigName: string;
  EndpointConfigArn: string;
  ProductionVariants: { VariantName: string; ModelName: string; InstanceType?: string; InitialInstanceCount?: number }[];
  CreationTime: number;
}

export interface SmEndpointRecord {
  EndpointName: string;
  EndpointArn: string;
  EndpointConfigName: string;
  EndpointStatus: 'Creating' | 'InService' | 'Failed';
  CreationTime: number;
  LastModifiedTime: number;
  readyAt: number;
}

const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const arn = (ctx: EmulatorContext, kind: string, name: string): string => `arn:aws:sagemaker:${ctx.region}:${ACCOUNT_ID}:${kind}/${name.toLowerCase()}`;
const missing = (what: string): ApiError => validation(`Could not find ${what}.`);
const inUse = (message: string): ApiError => new ApiError(400, 'ResourceInUse', message);

function str(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== 'string' || v === '') throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`);
  return v;
}
function name(body: Body, field: string): string {
  const v = str(body, field);
  if (!NAME.test(v)) throw validation(`1 validation error detected: Value '${v}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`);
  return v;
}
function obj(body: Body, field: string): Body {
  const v = body[field];
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw validation(`1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`);
  return v as Body;
}
function s3Exists(ctx: EmulatorContext, uri: string, field: string): void {
  let bucket: string;
  try {
    bucket = parseS3Uri(uri).bucket;
  } catch {
    throw validation(`${field}: ${uri} is not an s3:// URI`);
  }
  if (!ctx.s3.bucketExists(bucket)) throw validation(`${field}: the S3 bucket ${bucket} does not exist in the emulator.`);
}
function tagsOf(body: Body): Tags | undefined {
  return Array.isArray(body.Tags) ? (body.Tags as Tags) : undefined;
}
const put = (ctx: EmulatorContext, c: 'smTrainingJobs' | 'smModels' | 'smEndpointConfigs' | 'smEndpoints', id: string, rec: object) => ctx.store.put(c, id, rec as Record<string, unknown>);
const get = <T>(ctx: EmulatorContext, c: 'smTrainingJobs' | 'smModels' | 'smEndpointConfigs' | 'smEndpoints', id: string) => ctx.store.get<T>(c, id);

function createTrainingJob(ctx: EmulatorContext, b: Body): Body {
  const jobName = name(b, 'TrainingJobName');
  if (get(ctx, 'smTrainingJobs', jobName)) throw inUse(`Training job names must be unique within an AWS account and region, and a training job with this name already exists (${arn(ctx, 'training-job', jobName)})`);
  const algorithm = obj(b, 'AlgorithmSpecification');
  str(algorithm, 'TrainingImage');
  const roleArn = str(b, 'RoleArn');
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(roleArn)) throw validation(`1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be an IAM role ARN`);
  const facts = jumpStartFactsOfTags(tagsOf(b));
  if (!facts) throw validation(`The emulator trains JumpStart text-generation models only: tag the job with ${JUMPSTART_MODEL_TAG} naming one it knows.`);
  const channels = (Array.isArray(b.InputDataConfig) ? b.InputDataConfig : []).map((c, i) => {
    const ch = c as Body;
    const uri = str(obj(obj(ch, 'DataSource'), 'S3DataSource'), 'S3Uri');
    s3Exists(ctx, uri, `InputDataConfig.${i + 1}.DataSource.S3DataSource.S3Uri`);
    return { ChannelName: str(ch, 'ChannelName'), S3Uri: uri };
  });
  if (!channels.some((c) => c.ChannelName === 'training')) throw validation('InputDataConfig must include a "training" channel.');
  const output = str(obj(b, 'OutputDataConfig'), 'S3OutputPath');
  s3Exists(ctx, output, 'OutputDataConfig.S3OutputPath');
  const resources = obj(b, 'ResourceConfig');
  const instanceType = str(resources, 'InstanceType');
  const instanceCount = resources.InstanceCount;
  if (typeof instanceCount !== 'number' || !Number.isInteger(instanceCount) || instanceCount < 1) throw validation("1 validation error detected: Value at 'resourceConfig.instanceCount' failed to satisfy constraint: Member must have value greater than or equal to 1");
  const hp = (b.HyperParameters ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(hp)) if (typeof v !== 'string') throw validation(`HyperParameters.${k} must be a string.`);
  for (const k of ['epoch', 'learning_rate']) if (hp[k] === undefined || !Number.isFinite(Number(hp[k]))) throw validation(`AlgorithmError: hyperparameter ${k} is required and must be numeric for ${facts.modelId}.`);
  const job: SmTrainingJobRecord = {
    TrainingJobName: jobName,
    TrainingJobArn: arn(ctx, 'training-job', jobName),
    TrainingJobStatus: 'InProgress',
    SecondaryStatus: 'Starting',
    jumpStartModelId: facts.modelId,
    AlgorithmSpecification: algorithm,
    RoleArn: roleArn,
    HyperParameters: hp as Record<string, string>,
    InputDataConfig: channels,
    OutputDataConfig: { S3OutputPath: output },
    ResourceConfig: { InstanceType: instanceType, InstanceCount: instanceCount, VolumeSizeInGB: Number(resources.VolumeSizeInGB ?? 30) },
    StoppingCondition: { MaxRuntimeInSeconds: Number((b.StoppingCondition as Body | undefined)?.MaxRuntimeInSeconds ?? 86_400) },
    Tags: tagsOf(b),
    CreationTime: epochSeconds(),
  };
  put(ctx, 'smTrainingJobs', jobName, job);
  const controller = new AbortController();
  ctx.running.set(`sm:${jobName}`, controller);
  const work = runTrainingJob(ctx, job, facts, controller.signal).finally(() => ctx.running.delete(`sm:${jobName}`));
  ctx.background.add(work);
  void work.finally(() => ctx.background.delete(work));
  return { TrainingJobArn: job.TrainingJobArn };
}

function describeTrainingJob(ctx: EmulatorContext, b: Body): Body {
  const jobName = str(b, 'TrainingJobName');
  const job = get<SmTrainingJobRecord>(ctx, 'smTrainingJobs', jobName);
  if (!job) throw new ApiError(400, 'ResourceNotFound', `Requested resource not found: training job ${jobName}`);
  const { jumpStartModelId: _omit, InputDataConfig, ...shown } = job;
  return {
    ...shown,
    InputDataConfig: InputDataConfig.map((c) => ({ ChannelName: c.ChannelName, DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: c.S3Uri } } })),
  };
}

function stopTrainingJob(ctx: EmulatorContext, b: Body): Body {
  const jobName = str(b, 'TrainingJobName');
  const job = get<SmTrainingJobRecord>(ctx, 'smTrainingJobs', jobName);
  if (!job) throw new ApiError(400, 'ResourceNotFound', `Requested resource not found: training job ${jobName}`);
  if (job.TrainingJobStatus !== 'InProgress') throw validation(`The job status is ${job.TrainingJobStatus}; only an InProgress job can be stopped.`);
  put(ctx, 'smTrainingJobs', jobName, { ...job, TrainingJobStatus: 'Stopping' });
  ctx.running.get(`sm:${jobName}`)?.abort();
  return {};
}

function createModel(ctx: EmulatorContext, b: Body): Body {
  const modelName = name(b, 'ModelName');
  if (get(ctx, 'smModels', modelName)) throw validation(`Cannot create already existing model "${arn(ctx, 'model', modelName)}".`);
  const container = obj(b, 'PrimaryContainer');
  str(container, 'Image');
  const data = (container.ModelDataSource as SmModelRecord['PrimaryContainer']['ModelDataSource'])?.S3DataSource?.S3Uri ?? (container.ModelDataUrl as string | undefined);
  if (data) s3Exists(ctx, data, 'PrimaryContainer.ModelDataSource.S3DataSource.S3Uri');
  const rec: SmModelRecord = { ModelName: modelName, ModelArn: arn(ctx, 'model', modelName), PrimaryContainer: container as SmModelRecord['PrimaryContainer'], ExecutionRoleArn: str(b, 'ExecutionRoleArn'), Tags: tagsOf(b), CreationTime: epochSeconds() };
  put(ctx, 'smModels', modelName, rec);
  return { ModelArn: rec.ModelArn };
}

function createEndpointConfig(ctx: EmulatorContext, b: Body): Body {
  const configName = name(b, 'EndpointConfigName');
  if (get(ctx, 'smEndpointConfigs', configName)) throw validation(`Cannot create already existing endpoint configuration "${arn(ctx, 'endpoint-config', configName)}".`);
  const variants = Array.isArray(b.ProductionVariants) ? (b.ProductionVariants as Body[]) : [];
  if (variants.length === 0) throw validation("1 validation error detected: Value at 'productionVariants' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const parsed = variants.map((v) => {
    const modelName = str(v, 'ModelName');
    if (!get(ctx, 'smModels', modelName)) throw missing(`model "${arn(ctx, 'model', modelName)}"`);
    if (typeof v.InstanceType !== 'string' && !v.ServerlessConfig) throw validation('A production variant needs InstanceType or ServerlessConfig.');
    return { VariantName: str(v, 'VariantName'), ModelName: modelName, InstanceType: v.InstanceType as string | undefined, InitialInstanceCount: v.InitialInstanceCount as number | undefined };
  });
  const rec: SmEndpointConfigRecord = { EndpointConfigName: configName, EndpointConfigArn: arn(ctx, 'endpoint-config', configName), ProductionVariants: parsed, CreationTime: epochSeconds() };
  put(ctx, 'smEndpointConfigs', configName, rec);
  return { EndpointConfigArn: rec.EndpointConfigArn };
}

function createEndpoint(ctx: EmulatorContext, b: Body): Body {
  const endpointName = name(b, 'EndpointName');
  if (get(ctx, 'smEndpoints', endpointName)) throw validation(`Cannot create already existing endpoint "${arn(ctx, 'endpoint', endpointName)}".`);
  const configName = str(b, 'EndpointConfigName');
  if (!get(ctx, 'smEndpointConfigs', configName)) throw missing(`endpoint configuration "${configName}"`);
  const now = epochSeconds();
  const rec: SmEndpointRecord = { EndpointName: endpointName, EndpointArn: arn(ctx, 'endpoint', endpointName), EndpointConfigName: configName, EndpointStatus: 'Creating', CreationTime: now, LastModifiedTime: now, readyAt: Date.now() + ctx.provisioningDelayMs };
  put(ctx, 'smEndpoints', endpointName, rec);
  return { EndpointArn: rec.EndpointArn };
}

/** Creating -> InService once its time has come (checked lazily on every read, like Bedrock's provisioned models). */
export function settledEndpoint(ctx: EmulatorContext, endpointName: string): SmEndpointRecord | undefined {
  const rec = get<SmEndpointRecord>(ctx, 'smEndpoints', endpointName);
  if (rec && rec.EndpointStatus === 'Creating' && Date.now() >= rec.readyAt) {
    const settled: SmEndpointRecord = { ...rec, EndpointStatus: 'InService', LastModifiedTime: epochSeconds() };
    put(ctx, 'smEndpoints', endpointName, settled);
    return settled;
  }
  return rec;
}

function describeEndpoint(ctx: EmulatorContext, b: Body): Body {
  const endpointName = str(b, 'EndpointName');
  const rec = settledEndpoint(ctx, endpointName);
  if (!rec) throw missing(`endpoint "${arn(ctx, 'endpoint', endpointName)}"`);
  const config = get<SmEndpointConfigRecord>(ctx, 'smEndpointConfigs', rec.EndpointConfigName);
  const { readyAt: _r, ...shown } = rec;
  return {
    ...shown,
    ProductionVariants: (config?.ProductionVariants ?? []).map((v) => ({
      VariantName: v.VariantName,
      CurrentInstanceCount: rec.EndpointStatus === 'InService' ? v.InitialInstanceCount : 0,
      DesiredInstanceCount: v.InitialInstanceCount,
    })),
  };
}

function describe<T extends object>(c: 'smModels' | 'smEndpointConfigs', field: string, what: string) {
  return (ctx: EmulatorContext, b: Body): Body => {
    const id = str(b, field);
    const rec = get<T>(ctx, c, id);
    if (!rec) throw missing(`${what} "${arn(ctx, what === 'model' ? 'model' : 'endpoint-config', id)}"`);
    return rec as Body;
  };
}

function remove(c: 'smModels' | 'smEndpointConfigs' | 'smEndpoints', field: string, what: string) {
  return (ctx: EmulatorContext, b: Body): Body => {
    const id = str(b, field);
    if (!get(ctx, c, id)) throw missing(`${what} "${id}"`);
    ctx.store.delete(c, id);
    return {};
  };
}

const OPERATIONS: Record<string, (ctx: EmulatorContext, b: Body) => Body> = {
  CreateTrainingJob: createTrainingJob,
  DescribeTrainingJob: describeTrainingJob,
  StopTrainingJob: stopTrainingJob,
  CreateModel: createModel,
  DescribeModel: describe<SmModelRecord>('smModels', 'ModelName', 'model'),
  DeleteModel: remove('smModels', 'ModelName', 'model'),
  CreateEndpointConfig: createEndpointConfig,
  DescribeEndpointConfig: describe<SmEndpointConfigRecord>('smEndpointConfigs', 'EndpointConfigName', 'endpoint configuration'),
  DeleteEndpointConfig: remove('smEndpointConfigs', 'EndpointConfigName', 'endpoint configuration'),
  CreateEndpoint: createEndpoint,
  DescribeEndpoint: describeEndpoint,
  DeleteEndpoint: remove('smEndpoints', 'EndpointName', 'endpoint'),
};

async function dispatchSageMaker(a: RouteArgs): Promise<void> {
  const target = a.req.headers['x-amz-target'];
  const op = typeof target === 'string' && target.startsWith('SageMaker.') ? target.slice('SageMaker.'.length) : undefined;
  const handler = op ? OPERATIONS[op] : undefined;
  if (!handler) throw new ApiError(400, 'UnknownOperationException', `The emulator does not serve SageMaker operation ${String(target)}.`);
  const body = parseJsonObject(await readBody(a.req));
  sendJson(a.res, 200, handler(a.ctx, body), { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': a.requestId });
}

export const sageMakerControlRoutes: Route[] = [controlRoute('POST', '/', dispatchSageMaker)];
