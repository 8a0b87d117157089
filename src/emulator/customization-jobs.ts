/**
 * Model customization jobs: Create/Get/List/Stop. Training runs in-process on the reference model (asynchronously, so
 * the server keeps serving), reads JSONL from the emulator's S3, writes Bedrock's metric CSVs back to S3, and on
 * success registers an Active custom model whose weights are persisted under the data dir.
 */
import { lookupFoundationModel } from './catalog.js';
import type { CatalogModel, HyperParameterSpec } from './catalog.js';
import { ACCOUNT_ID, findCustomModel } from './context.js';
import type { CustomModelRecord, EmulatorContext } from './context.js';
import { conflict, notFound, quotaExceeded, nowIso, optObject, optString, parseJsonObject, readBody, reqObject, reqString, sendJson, validation } from './http-util.js';
import type { HyperParameters, TrainingExample, TrainingStep } from './model/api.js';
import { describeDataError, parseTrainingJsonl, pretrainModel, trainModel } from './model-port.js';
import { hashId } from './rng.js';
import { controlRoute, type Route, type RouteArgs } from './routing.js';
import { joinS3Uri, parseS3Uri, S3Error } from './s3-store.js';
import { paginate } from './knowledge-bases.js';
import { bedrockTagList, checkNewResourceTags, putResourceTags } from './tags.js';

type StepStatus = 'InProgress' | 'Completed' | 'Stopping' | 'Stopped' | 'Failed' | 'NotStarted';

export interface CustomizationJobRecord {
  jobId: string;
  jobArn: string;
  jobName: string;
  outputModelName: string;
  outputModelArn?: string;
  roleArn: string;
  baseModelArn: string;
  baseModelId: string;
  customizationType: string;
  hyperParameters: Record<string, string>;
  trainingDataConfig: { s3Uri: string };
  validationDataConfig?: { validators: { s3Uri: string }[] };
  outputDataConfig: { s3Uri: string };
  status: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  statusDetails: { validationDetails: { status: StepStatus }; dataProcessingDetails: { status: StepStatus }; trainingDetails: { status: StepStatus } };
  failureMessage?: string;
  creationTime: string;
  lastModifiedTime: string;
  endTime?: string;
  trainingMetrics?: { trainingLoss: number };
  validationMetrics?: { validationLoss: number }[];
}

/** Checks hyperparameters against the family's published ranges; values arrive as strings, as on Bedrock. */
export function validateHyperParameters(model: CatalogModel, raw: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  const specs = model.hyperParameters;
  for (const [name, value] of Object.entries(raw)) {
    const spec: HyperParameterSpec | undefined = specs[name];
    if (!spec) throw validation(`Hyperparameter ${name} is not supported for ${model.modelId}. Supported: ${Object.keys(specs).join(', ')}.`);
    if (typeof value !== 'string' || value.trim() === '') throw validation(`Hyperparameter ${name} must be given as a string, e.g. "${spec.default}".`);
    const n = Number(value);
    if (!Number.isFinite(n)) throw validation(`Hyperparameter ${name} has a non-numeric value "${value}".`);
    if (spec.integer && !Number.isInteger(n)) throw validation(`Hyperparameter ${name} must be an integer (got "${value}").`);
    if (n < spec.min || n > spec.max) throw validation(`Hyperparameter ${name} value ${value} is out of range [${spec.min}, ${spec.max}] for ${model.modelId}.`);
    out[name] = n;
  }
  for (const [name, spec] of Object.entries(specs)) if (out[name] === undefined) out[name] = spec.default;
  return out;
}

/** Maps a family's hyperparameters onto the reference model's training knobs. */
export function trainingKnobs(model: CatalogModel, hp: Record<string, number>): HyperParameters {
  return {
    epochCount: hp.epochCount,
    batchSize: hp.batchSize ?? 1,
    learningRate: hp.learningRate ?? model.defaultLearningRate * (hp.learningRateMultiplier ?? 1),
    learningRateWarmupSteps: hp.learningRateWarmupSteps ?? 0,
  };
}

/** The custom model's id is fixed when the job is created, so its ARN is the same while Creating and once Active. */
export function customModelIdFor(ctx: EmulatorContext, jobId: string): string {
  return hashId(12, ctx.seed, 'model', jobId);
}

const JOB_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9+\-.])*$/;

async function createJob(a: RouteArgs): Promise<void> {
  const ctx = a.ctx;
  const body = parseJsonObject(await readBody(a.req));
  const jobName = reqString(body, 'jobName');
  if (jobName.length > 63 || !JOB_NAME.test(jobName)) throw validation(`1 validation error detected: Value '${jobName}' at 'jobName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9\\+\\-\\.])*`);
  const customModelName = reqString(body, 'customModelName');
  if (customModelName.length > 63 || !JOB_NAME.test(customModelName)) throw validation(`1 validation error detected: Value '${customModelName}' at 'customModelName' failed to satisfy constraint: Member must satisfy regular expression pattern`);
  const roleArn = reqString(body, 'roleArn');
  if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(roleArn)) throw validation(`1 validation error detected: Value '${roleArn}' at 'roleArn' failed to satisfy constraint: Member must be an IAM role ARN`);
  const baseId = reqString(body, 'baseModelIdentifier');
  const base = lookupFoundationModel(baseId);
  if (!base) throw validation(`The provided base model identifier ${baseId} is invalid.`);
  const customizationType = optString(body, 'customizationType') ?? 'FINE_TUNING';
  if (!base.customizationsSupported.includes(customizationType as never)) {
    throw validation(`Customization type ${customizationType} is not supported for ${base.modelId} (supported: ${base.customizationsSupported.join(', ') || 'none'}).`);
  }
  if (customizationType === 'DISTILLATION') throw validation('DISTILLATION needs a teacher model, which the emulator does not have; use FINE_TUNING.');
  const training = reqObject(body, 'trainingDataConfig');
  const trainingUri = reqString(training, 's3Uri', 'trainingDataConfig.s3Uri');
  const output = reqObject(body, 'outputDataConfig');
  const outputUri = reqString(output, 's3Uri', 'outputDataConfig.s3Uri');
  const validators: { s3Uri: string }[] = [];
  const v = optObject(body, 'validationDataConfig');
  if (v) {
    if (!Array.isArray(v.validators) || v.validators.length === 0 || v.validators.length > 10) throw validation("1 validation error detected: Value at 'validationDataConfig.validators' must be a list of 1 to 10 items");
    v.validators.forEach((x, i) => validators.push({ s3Uri: reqString((x ?? {}) as Record<string, unknown>, 's3Uri', `validationDataConfig.validators.${i + 1}.s3Uri`) }));
  }
  for (const [field, uri] of [['trainingDataConfig.s3Uri', trainingUri], ['outputDataConfig.s3Uri', outputUri], ...validators.map((x) => ['validationDataConfig.s3Uri', x.s3Uri])]) {
    try {
      const { bucket } = parseS3Uri(uri);
      if (!ctx.s3.bucketExists(bucket)) throw validation(`${field}: the S3 bucket ${bucket} does not exist in the emulator.`);
    } catch (err) {
      if (err instanceof S3Error) throw validation(`${field}: ${err.message}`);
      throw err;
    }
  }
  const hpRaw = optObject(body, 'hyperParameters') ?? {};
  const hp = validateHyperParameters(base, hpRaw);
  const jobTags = bedrockTagList(body, 'jobTags');
  const customModelTags = bedrockTagList(body, 'customModelTags');
  checkNewResourceTags(jobName, jobTags);
  checkNewResourceTags(customModelName, customModelTags);
  const jobs = ctx.store.all<CustomizationJobRecord>('customizationJobs');
  if (jobs.some((j) => j.jobName === jobName)) throw conflict(`A model customization job named ${jobName} already exists.`);
  if (findCustomModel(ctx, customModelName) || jobs.some((j) => j.outputModelName === customModelName && j.status === 'InProgress')) {
    throw conflict(`A custom model named ${customModelName} already exists.`);
  }
  // Checked after the request is known to be valid: only a job that would start counts against the quota.
  const inProgress = jobs.filter((j) => j.status === 'InProgress' || j.status === 'Stopping').length;
  if (inProgress >= ctx.customizationJobQuota) {
    throw quotaExceeded(`You have reached the quota of ${ctx.customizationJobQuota} model customization jobs in progress for this account (${inProgress} in progress). Wait for a job to finish, or request a quota increase.`);
  }
  const n = ctx.store.next('customizationJob');
  const jobId = hashId(12, ctx.seed, 'job', n, jobName);
  const now = nowIso();
  const job: CustomizationJobRecord = {
    jobId,
    jobArn: `arn:aws:bedrock:${ctx.region}:${ACCOUNT_ID}:model-customization-job/${baseId.replace(/^.*foundation-model\//, '')}/${jobId}`,
    jobName,
    outputModelName: customModelName,
    roleArn,
    baseModelArn: `arn:aws:bedrock:${ctx.region}::foundation-model/${baseId.replace(/^.*foundation-model\//, '')}`,
    baseModelId: baseId.replace(/^.*foundation-model\//, ''),
    customizationType,
    hyperParameters: Object.fromEntries(Object.entries(hp).map(([k, x]) => [k, String(x)])),
    trainingDataConfig: { s3Uri: trainingUri },
    validationDataConfig: validators.length ? { validators } : undefined,
    outputDataConfig: { s3Uri: outputUri },
    status: 'InProgress',
    statusDetails: { validationDetails: { status: 'InProgress' }, dataProcessingDetails: { status: 'NotStarted' }, trainingDetails: { status: 'NotStarted' } },
    creationTime: now,
    lastModifiedTime: now,
  };
  ctx.store.put('customizationJobs', jobId, job);
  putResourceTags(ctx, job.jobArn, jobTags);
  // The custom model's ARN is fixed now (customModelIdFor), so its tags are recorded with the job that makes it.
  putResourceTags(ctx, `arn:aws:bedrock:${ctx.region}:${ACCOUNT_ID}:custom-model/${job.baseModelId}/${customModelIdFor(ctx, jobId)}`, customModelTags);
  const controller = new AbortController();
  ctx.running.set(jobId, controller);
  const work = runJob(ctx, job, base, hp, controller.signal).finally(() => ctx.running.delete(jobId));
  ctx.background.add(work);
  void work.finally(() => ctx.background.delete(work));
  sendJson(a.res, 201, { jobArn: job.jobArn });
}

/** Resolves once `signal` aborts (Stop or close); a held job waits here instead of training. */
function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function lossCsv(header: string, curve: TrainingStep[]): string {
  const rows = curve.map((s) => `${s.step},${s.epoch},${s.loss},${Math.exp(s.loss)}`);
  return `step_number,epoch_number,${header},perplexity\n${rows.join('\n')}\n`;
}

async function runJob(ctx: EmulatorContext, job: CustomizationJobRecord, base: CatalogModel, hp: Record<string, number>, signal: AbortSignal): Promise<void> {
  const update = (patch: Partial<CustomizationJobRecord>): void => {
    job = { ...job, ...patch, lastModifiedTime: nowIso() };
    ctx.store.put('customizationJobs', job.jobId, job);
  };
  const fail = (message: string, details: CustomizationJobRecord['statusDetails']): void =>
    update({ status: 'Failed', failureMessage: message, endTime: nowIso(), statusDetails: details });
  await new Promise((resolve) => setImmediate(resolve));
  const read = (uri: string, what: string): string => {
    try {
      return ctx.s3.readUri(uri).toString('utf8');
    } catch (err) {
      throw new Error(`${what} ${uri} could not be read: ${(err as Error).message}`);
    }
  };
  let examples: TrainingExample[];
  let validationExamples: TrainingExample[];
  try {
    const trainText = read(job.trainingDataConfig.s3Uri, 'Training data');
    const parsed = parseTrainingJsonl(trainText, job.customizationType as 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING');
    const problems = parsed.errors.map((e) => `training data ${describeDataError(e)}`);
    examples = parsed.examples;
    validationExamples = [];
    for (const v of job.validationDataConfig?.validators ?? []) {
      const pv = parseTrainingJsonl(read(v.s3Uri, 'Validation data'), job.customizationType as 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING');
      problems.push(...pv.errors.map((e) => `validation data ${describeDataError(e)}`));
      validationExamples.push(...pv.examples);
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, 5).join('; ');
      throw new Error(`Input data validation failed (${problems.length} invalid record${problems.length > 1 ? 's' : ''}): ${shown}${problems.length > 5 ? '; ...' : ''}`);
    }
    if (examples.length === 0) throw new Error(`Input data validation failed: the training data at ${job.trainingDataConfig.s3Uri} has no valid examples.`);
  } catch (err) {
    fail((err as Error).message, { validationDetails: { status: 'Failed' }, dataProcessingDetails: { status: 'NotStarted' }, trainingDetails: { status: 'NotStarted' } });
    return;
  }
  update({ statusDetails: { validationDetails: { status: 'Completed' }, dataProcessingDetails: { status: 'Completed' }, trainingDetails: { status: 'InProgress' } } });
  try {
    if (ctx.holdCustomizationJobs) {
      await untilAborted(signal);
      throw new DOMException('stopped', 'AbortError');
    }
    const trainOpts = { seed: ctx.seed, baseDefaultLearningRate: base.defaultLearningRate, signal };
    // Continued pre-training learns unlabeled text (the records' input, carried as completions); fine-tuning learns prompts.
    const outcome =
      job.customizationType === 'CONTINUED_PRE_TRAINING'
        ? await pretrainModel(examples.map((e) => e.completion), validationExamples.map((e) => e.completion), trainingKnobs(base, hp), trainOpts)
        : await trainModel(examples, validationExamples, trainingKnobs(base, hp), trainOpts);
    if (signal.aborted) throw new DOMException('stopped', 'AbortError');
    const prefix = joinS3Uri(job.outputDataConfig.s3Uri, `model-customization-job-${job.jobId}`);
    ctx.s3.writeUri(joinS3Uri(prefix, 'training_artifacts', 'step_wise_training_metrics.csv'), lossCsv('training_loss', outcome.trainingCurve));
    if (outcome.validationCurve.length > 0) {
      ctx.s3.writeUri(joinS3Uri(prefix, 'validation_artifacts', 'post_fine_tuning_validation', 'validation', 'validation_metrics.csv'), lossCsv('validation_loss', outcome.validationCurve));
    }
    const modelId = customModelIdFor(ctx, job.jobId);
    ctx.store.writeBlob('models', modelId, outcome.model);
    ctx.weights.set(modelId, outcome.model);
    const trainingMetrics = { trainingLoss: outcome.finalTrainingLoss };
    const validationMetrics = outcome.finalValidationLoss !== undefined ? [{ validationLoss: outcome.finalValidationLoss }] : undefined;
    const model: CustomModelRecord = {
      modelId,
      modelArn: `arn:aws:bedrock:${ctx.region}:${ACCOUNT_ID}:custom-model/${job.baseModelId}/${modelId}`,
      modelName: job.outputModelName,
      creationTime: nowIso(),
      jobName: job.jobName,
      jobArn: job.jobArn,
      baseModelArn: job.baseModelArn,
      baseModelId: job.baseModelId,
      customizationType: job.customizationType,
      hyperParameters: job.hyperParameters,
      trainingDataConfig: job.trainingDataConfig,
      validationDataConfig: job.validationDataConfig,
      outputDataConfig: job.outputDataConfig,
      trainingMetrics,
      validationMetrics,
      modelStatus: 'Active',
    };
    ctx.store.put('customModels', modelId, model);
    update({
      status: 'Completed',
      outputModelArn: model.modelArn,
      endTime: nowIso(),
      trainingMetrics,
      validationMetrics,
      statusDetails: { validationDetails: { status: 'Completed' }, dataProcessingDetails: { status: 'Completed' }, trainingDetails: { status: 'Completed' } },
    });
    ctx.log(`customization job ${job.jobName}: completed, training loss ${outcome.finalTrainingLoss.toFixed(4)}`);
  } catch (err) {
    const done = { validationDetails: { status: 'Completed' as const }, dataProcessingDetails: { status: 'Completed' as const } };
    if (signal.aborted && ctx.shuttingDown) {
      fail('The emulator shut down while this job was running; training does not resume. Create the job again.', { ...done, trainingDetails: { status: 'Failed' } });
    } else if (signal.aborted) update({ status: 'Stopped', endTime: nowIso(), statusDetails: { ...done, trainingDetails: { status: 'Stopped' } } });
    else fail(`Training failed: ${(err as Error).message}`, { ...done, trainingDetails: { status: 'Failed' } });
  }
}

function findJob(ctx: EmulatorContext, ident: string): CustomizationJobRecord {
  const job = ctx.store.all<CustomizationJobRecord>('customizationJobs').find((j) => j.jobArn === ident || j.jobName === ident || j.jobId === ident);
  if (!job) throw notFound(`Model customization job ${ident} was not found.`);
  return job;
}

function jobView(j: CustomizationJobRecord): Record<string, unknown> {
  const { jobId: _id, baseModelId: _b, ...rest } = j;
  return rest;
}

async function getJob(a: RouteArgs): Promise<void> {
  sendJson(a.res, 200, jobView(findJob(a.ctx, a.params.jobIdentifier)));
}

async function stopJob(a: RouteArgs): Promise<void> {
  const job = findJob(a.ctx, a.params.jobIdentifier);
  if (job.status !== 'InProgress') throw validation(`Job ${job.jobName} is ${job.status} and cannot be stopped.`);
  a.ctx.store.put('customizationJobs', job.jobId, { ...job, status: 'Stopping', lastModifiedTime: nowIso() });
  a.ctx.running.get(job.jobId)?.abort();
  sendJson(a.res, 200, {});
}

async function listJobs(a: RouteArgs): Promise<void> {
  const q = a.url.searchParams;
  const status = q.get('statusEquals');
  const nameContains = q.get('nameContains');
  const all = a.ctx.store
    .all<CustomizationJobRecord>('customizationJobs')
    .filter((j) => (!status || j.status === status) && (!nameContains || j.jobName.includes(nameContains)))
    .sort((x, y) => x.creationTime.localeCompare(y.creationTime) || x.jobName.localeCompare(y.jobName));
  if (q.get('sortOrder') !== 'Ascending') all.reverse();
  const { page, nextToken } = paginate(all, {
    maxResults: q.get('maxResults') === null ? undefined : Number(q.get('maxResults')),
    nextToken: q.get('nextToken') ?? undefined,
  });
  sendJson(a.res, 200, {
    modelCustomizationJobSummaries: page.map((j) => ({
      jobArn: j.jobArn,
      baseModelArn: j.baseModelArn,
      jobName: j.jobName,
      status: j.status,
      statusDetails: j.statusDetails,
      creationTime: j.creationTime,
      lastModifiedTime: j.lastModifiedTime,
      endTime: j.endTime,
      customModelArn: j.outputModelArn,
      customModelName: j.outputModelName,
      customizationType: j.customizationType,
    })),
    nextToken,
  });
}

/** Jobs that were running when the emulator stopped cannot resume: mark them Failed with a message. */
export function failInterruptedJobs(ctx: EmulatorContext): void {
  for (const j of ctx.store.all<CustomizationJobRecord>('customizationJobs')) {
    if (j.status === 'InProgress' || j.status === 'Stopping') {
      ctx.store.put('customizationJobs', j.jobId, {
        ...j,
        status: 'Failed',
        failureMessage: 'The emulator restarted while this job was running; training does not resume. Create the job again.',
        endTime: nowIso(),
        lastModifiedTime: nowIso(),
      });
    }
  }
}

const c = controlRoute;

export const customizationRoutes: Route[] = [
  c('POST', '/model-customization-jobs', createJob),
  c('GET', '/model-customization-jobs', listJobs),
  c('GET', '/model-customization-jobs/{jobIdentifier}', getJob),
  c('POST', '/model-customization-jobs/{jobIdentifier}/stop', stopJob),
];
