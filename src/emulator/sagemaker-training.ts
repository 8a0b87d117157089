/**
 * The emulator's SageMaker training job for JumpStart text-generation models: it reads the training channel the way
 * JumpStart's instruction-tuning recipe does (JSONL records, formatted by the channel's `template.json` with
 * `prompt` and `completion` templates; `chat_dataset` records as `{"dialog": [{role, content}, ...]}`), and trains
 * the same reference model by the same gradient descent as a Bedrock customization job. LoRA settings are validated
 * and recorded, but the reference model has no low-rank adapters: they do not change what it learns.
 *
 * Times are modelled, not measured: TrainingTimeInSeconds/BillableTimeInSeconds = the model table's assumed
 * overhead + trained tokens x epochs / (assumed tokens per second x instances), so a priced emulated run shows the
 * shape of a real bill (the reference model itself trains in milliseconds).
 */
import { jumpStartModel, type JumpStartModelFacts } from '../models/jumpstart.js';
import { lookupCatalogId } from './catalog.js';
import type { EmulatorContext } from './context.js';
import { countTokens, describeDataError, parseTrainingJsonl, trainModel } from './model-port.js';
import type { TrainingExample } from './model/api.js';
import { hashId } from './rng.js';
import { joinS3Uri, parseS3Uri } from './s3-store.js';

export interface SmTrainingJobRecord {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';
  SecondaryStatus: string;
  jumpStartModelId: string;
  AlgorithmSpecification: Record<string, unknown>;
  RoleArn: string;
  HyperParameters: Record<string, string>;
  InputDataConfig: { ChannelName: string; S3Uri: string }[];
  OutputDataConfig: { S3OutputPath: string };
  ResourceConfig: { InstanceType: string; InstanceCount: number; VolumeSizeInGB: number };
  StoppingCondition: { MaxRuntimeInSeconds: number };
  Tags?: { Key: string; Value: string }[];
  CreationTime: number;
  TrainingStartTime?: number;
  TrainingEndTime?: number;
  TrainingTimeInSeconds?: number;
  BillableTimeInSeconds?: number;
  ModelArtifacts?: { S3ModelArtifacts: string };
  FinalMetricDataList?: { MetricName: string; Value: number; Timestamp: number }[];
  FailureReason?: string;
}

/** The tag the SageMaker Python SDK puts on JumpStart resources; the emulator reads the model id from it. */
export const JUMPSTART_MODEL_TAG = 'sagemaker-sdk:jumpstart-model-id';

/** The file a training job writes under its model output prefix; CreateModel's data source points at the prefix. */
export const MODEL_POINTER_FILE = 'ftrag-reference-model.json';

export const epochSeconds = (): number => Math.floor(Date.now() / 1000);

export function jumpStartFactsOfTags(tags: { Key: string; Value: string }[] | undefined): JumpStartModelFacts | undefined {
  const id = tags?.find((t) => t.Key === JUMPSTART_MODEL_TAG)?.Value;
  return id ? jumpStartModel(id) : undefined;
}

/** Formats one record with a `{field}` template (JumpStart's template.json); a missing field is a data error. */
function fill(template: string, record: Record<string, unknown>, line: number): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
    const v = record[key];
    if (typeof v !== 'string') throw new Error(`line ${line}: field "${key}" (named in template.json) is missing or not a string`);
    return v;
  });
}

/** Training examples of one channel: every .jsonl object under its prefix, formatted as JumpStart would. */
export function readChannel(ctx: EmulatorContext, s3Uri: string, chatDataset: boolean): TrainingExample[] {
  const { bucket, key } = parseS3Uri(s3Uri);
  const objects = ctx.s3.list(bucket, key);
  const templateObj = objects.find((o) => o.key.endsWith('template.json'));
  let template: { prompt: string; completion: string } | undefined;
  if (templateObj) {
    const t = JSON.parse(ctx.s3.get(bucket, templateObj.key).data.toString('utf8')) as Record<string, unknown>;
    if (typeof t.prompt !== 'string' || typeof t.completion !== 'string') throw new Error('template.json must have string "prompt" and "completion" templates');
    template = { prompt: t.prompt, completion: t.completion };
  }
  const lines: string[] = [];
  for (const o of objects.filter((x) => x.key.endsWith('.jsonl') || x.key.endsWith('.json') && !x.key.endsWith('template.json'))) {
    const text = ctx.s3.get(bucket, o.key).data.toString('utf8');
    text.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === '') return;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        throw new Error(`${o.key} line ${i + 1}: invalid JSON (each line must be one JSON object)`);
      }
      let pair: { prompt: string; completion: string };
      if (chatDataset) pair = dialogPair(record, i + 1);
      else if (template) pair = { prompt: fill(template.prompt, record, i + 1), completion: fill(template.completion, record, i + 1) };
      else pair = { prompt: String(record.prompt ?? ''), completion: String(record.completion ?? '') };
      lines.push(JSON.stringify(pair));
    });
  }
  const parsed = parseTrainingJsonl(lines.join('\n'), 'FINE_TUNING');
  if (parsed.errors.length > 0) throw new Error(`training data ${describeDataError(parsed.errors[0])}`);
  return parsed.examples;
}

function dialogPair(record: Record<string, unknown>, line: number): { prompt: string; completion: string } {
  const dialog = record.dialog;
  if (!Array.isArray(dialog) || dialog.length < 2) throw new Error(`line ${line}: chat_dataset records need a "dialog" list of at least two turns`);
  const turns = dialog as { role?: unknown; content?: unknown }[];
  const last = turns[turns.length - 1];
  if (last.role !== 'assistant' || typeof last.content !== 'string') throw new Error(`line ${line}: the last turn of "dialog" must be the assistant's`);
  const prompt = turns
    .slice(0, -1)
    .map((t) => String(t.content ?? ''))
    .join('\n');
  return { prompt, completion: last.content };
}

/** Runs in the background after CreateTrainingJob answered; updates the record as SageMaker would. */
export async function runTrainingJob(ctx: EmulatorContext, job: SmTrainingJobRecord, facts: JumpStartModelFacts, signal: AbortSignal): Promise<void> {
  const update = (patch: Partial<SmTrainingJobRecord>): void => {
    job = { ...job, ...patch };
    ctx.store.put('smTrainingJobs', job.TrainingJobName, job as unknown as Record<string, unknown>);
  };
  await new Promise((resolve) => setImmediate(resolve));
  const hp = job.HyperParameters;
  const started = epochSeconds();
  update({ SecondaryStatus: 'Training', TrainingStartTime: started });
  try {
    const chat = hp.chat_dataset === 'True';
    const train = job.InputDataConfig.find((c) => c.ChannelName === 'training');
    if (!train) throw new Error('the job has no "training" channel');
    let examples = readChannel(ctx, train.S3Uri, chat);
    const validationChannel = job.InputDataConfig.find((c) => c.ChannelName === 'validation');
    let validation = validationChannel ? readChannel(ctx, validationChannel.S3Uri, chat) : [];
    if (!validationChannel && Number(hp.validation_split_ratio) > 0 && examples.length > 1) {
      // JumpStart holds out validation_split_ratio of the training records when no validation channel is given.
      const held = Math.max(1, Math.floor(examples.length * Number(hp.validation_split_ratio)));
      validation = examples.slice(examples.length - held);
      examples = examples.slice(0, examples.length - held);
    }
    if (examples.length === 0) throw new Error('the training channel has no records');
    const base = lookupCatalogId(facts.emulatorBaseModelId, false);
    if (!base) throw new Error(`no reference-model behaviour for ${facts.modelId}`);
    const epochs = Number(hp.epoch);
    const outcome = await trainModel(
      examples,
      validation,
      { epochCount: epochs, batchSize: Number(hp.per_device_train_batch_size ?? 1), learningRate: Number(hp.learning_rate), learningRateWarmupSteps: 0 },
      { seed: ctx.seed, baseDefaultLearningRate: facts.hyperParameters.learning_rate.default, signal },
    );
    if (signal.aborted) throw new DOMException('stopped', 'AbortError');
    const modelId = hashId(12, ctx.seed, 'sm-model', job.TrainingJobName);
    ctx.store.writeBlob('models', modelId, outcome.model);
    ctx.weights.set(modelId, outcome.model);
    const prefix = joinS3Uri(job.OutputDataConfig.S3OutputPath, job.TrainingJobName, 'output', 'model');
    ctx.s3.writeUri(joinS3Uri(prefix, MODEL_POINTER_FILE), JSON.stringify({ format: 'ftrag-reference-model', modelId, jumpStartModelId: facts.modelId }));
    const trained = examples.reduce((n, e) => n + countTokens(e.prompt) + countTokens(e.completion), 0) * epochs;
    const seconds = Math.round(facts.assumedTrainingOverheadSeconds + trained / (facts.assumedTrainingTokensPerSecond * job.ResourceConfig.InstanceCount));
    const now = epochSeconds();
    const metrics = [{ MetricName: 'huggingface-textgeneration:train-loss', Value: outcome.finalTrainingLoss, Timestamp: now }];
    if (outcome.finalValidationLoss !== undefined) metrics.push({ MetricName: 'huggingface-textgeneration:eval-loss', Value: outcome.finalValidationLoss, Timestamp: now });
    update({
      TrainingJobStatus: 'Completed',
      SecondaryStatus: 'Completed',
      TrainingEndTime: now,
      TrainingTimeInSeconds: seconds,
      BillableTimeInSeconds: seconds,
      ModelArtifacts: { S3ModelArtifacts: `${prefix}/` },
      FinalMetricDataList: metrics,
    });
    ctx.log(`training job ${job.TrainingJobName}: completed, train loss ${outcome.finalTrainingLoss.toFixed(4)}`);
  } catch (err) {
    if (signal.aborted && !ctx.shuttingDown) update({ TrainingJobStatus: 'Stopped', SecondaryStatus: 'Stopped', TrainingEndTime: epochSeconds() });
    else {
      const reason = ctx.shuttingDown ? 'The emulator shut down while this job was running; create the job again.' : `AlgorithmError: ${(err as Error).message}`;
      update({ TrainingJobStatus: 'Failed', SecondaryStatus: 'Failed', TrainingEndTime: epochSeconds(), FailureReason: reason });
    }
  }
}
