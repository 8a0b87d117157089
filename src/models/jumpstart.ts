/**
 * Per-model facts of the SageMaker JumpStart models ftrag can fine-tune and serve: the sibling of table.ts for
 * open models trained in a SageMaker training job and served from a real-time endpoint. Read by the config checks,
 * the provisioning code, the cost model (default instance types, artifact size) and the emulator (which reference-
 * model behaviour a JumpStart id gets).
 *
 * Sources (each fact's `source` says which one): the AWS blog "Fine-tune Llama 3 for text generation on Amazon
 * SageMaker JumpStart" (2024; hyperparameter names, defaults and the instruction-tuning template format), and
 * Hugging Face TGI's router (router/src/sagemaker.rs: one /invocations route that accepts the `inputs`/`parameters`
 * request and the Messages API request). The training and inference image URIs and the base-weights S3 URIs are
 * versioned per Region by JumpStart and are NOT in this table: on AWS the config names them (the SageMaker Python
 * SDK prints them: `sagemaker.image_uris.retrieve(model_id=..., model_version=..., image_scope="training")`).
 */
import type { ParameterRange } from './types.js';

/** The request/response style an endpoint's container speaks (see src/targets/sagemaker-formats.ts). */
export type ContainerFormat = 'messages' | 'tgi';
export const CONTAINER_FORMATS: readonly ContainerFormat[] = ['messages', 'tgi'];

export interface JumpStartModelFacts {
  /** JumpStart model id, e.g. `meta-textgeneration-llama-3-1-8b-instruct`. */
  modelId: string;
  displayName: string;
  /** The Bedrock model id whose reference-model behaviour (latency profile, context window) the emulator uses for it. */
  emulatorBaseModelId: string;
  /** The container's default request style. */
  containerFormat: ContainerFormat;
  /** JumpStart's default instance types for fine-tuning and for hosting. */
  defaultTrainingInstanceType: string;
  defaultInferenceInstanceType: string;
  /** Training hyperparameters JumpStart accepts (its names), with ranges and defaults; all are sent as strings. */
  hyperParameters: Record<string, ParameterRange>;
  /** Flags JumpStart accepts as "True"/"False" strings. */
  flags: Record<string, boolean>;
  /** Size of the fine-tuned model artifact in S3, for storage cost (fp16 weights of the merged model). */
  artifactSizeGb: number;
  /** Assumed training throughput per instance of the default training type (tokens/s), for estimates before a job ran. */
  assumedTrainingTokensPerSecond: number;
  /** Assumed fixed part of every job's billable time: image pull, base-weight download, model load, saving (seconds). */
  assumedTrainingOverheadSeconds: number;
  contextWindow: number;
  source: string;
}

const LLAMA_BLOG = 'https://aws.amazon.com/blogs/machine-learning/fine-tune-llama-3-for-text-generation-on-amazon-sagemaker-jumpstart/ (2024)';

/** Hyperparameters the Llama recipes on JumpStart expose (names as JumpStart spells them). */
const LLAMA_HYPERPARAMETERS: Record<string, ParameterRange> = {
  epoch: { min: 1, max: 1000, default: 5, integer: true },
  learning_rate: { min: 1e-8, max: 1, default: 1e-4, integer: false },
  lora_r: { min: 1, max: 1024, default: 8, integer: true },
  lora_alpha: { min: 1, max: 1024, default: 32, integer: true },
  lora_dropout: { min: 0, max: 1, default: 0.05, integer: false },
  max_input_length: { min: -1, max: 131072, default: -1, integer: true },
  per_device_train_batch_size: { min: 1, max: 1000, default: 1, integer: true },
  validation_split_ratio: { min: 0, max: 1, default: 0.2, integer: false },
};

export const JUMPSTART_MODELS: readonly JumpStartModelFacts[] = [
  {
    modelId: 'meta-textgeneration-llama-3-1-8b-instruct',
    displayName: 'Llama 3.1 8B Instruct (JumpStart)',
    emulatorBaseModelId: 'meta.llama3-1-8b-instruct-v1:0',
    containerFormat: 'messages',
    defaultTrainingInstanceType: 'ml.g5.12xlarge',
    defaultInferenceInstanceType: 'ml.g5.2xlarge',
    hyperParameters: LLAMA_HYPERPARAMETERS,
    flags: { instruction_tuned: true, chat_dataset: false, enable_fsdp: true, int8_quantization: false },
    artifactSizeGb: 16,
    assumedTrainingTokensPerSecond: 1000,
    assumedTrainingOverheadSeconds: 900,
    contextWindow: 128_000,
    source: LLAMA_BLOG,
  },
  {
    modelId: 'meta-textgeneration-llama-3-8b',
    displayName: 'Llama 3 8B (JumpStart)',
    emulatorBaseModelId: 'meta.llama3-1-8b-instruct-v1:0',
    containerFormat: 'tgi',
    defaultTrainingInstanceType: 'ml.g5.12xlarge',
    defaultInferenceInstanceType: 'ml.g5.2xlarge',
    hyperParameters: LLAMA_HYPERPARAMETERS,
    flags: { instruction_tuned: true, chat_dataset: false, enable_fsdp: true, int8_quantization: false },
    artifactSizeGb: 16,
    assumedTrainingTokensPerSecond: 1000,
    assumedTrainingOverheadSeconds: 900,
    contextWindow: 8192,
    source: LLAMA_BLOG,
  },
];

export function jumpStartModel(modelId: string): JumpStartModelFacts | undefined {
  return JUMPSTART_MODELS.find((m) => m.modelId === modelId.trim());
}

export function jumpStartModelIds(): string[] {
  return JUMPSTART_MODELS.map((m) => m.modelId);
}

/**
 * The hyperparameters a training job is created with: JumpStart's defaults, then the config's values, all as
 * strings. Returns the first problem as `{ name, message }` instead of throwing, so callers can name the field.
 */
export function jumpStartHyperParameters(
  facts: JumpStartModelFacts,
  given: Record<string, string | number | boolean>,
): { values: Record<string, string> } | { name: string; message: string } {
  const values: Record<string, string> = {};
  for (const [name, r] of Object.entries(facts.hyperParameters)) values[name] = String(r.default);
  for (const [name, flag] of Object.entries(facts.flags)) values[name] = flag ? 'True' : 'False';
  for (const [name, raw] of Object.entries(given)) {
    const range = facts.hyperParameters[name];
    if (name in facts.flags) {
      const v = String(raw).toLowerCase();
      if (v !== 'true' && v !== 'false') return { name, message: `must be true or false (got "${raw}")` };
      values[name] = v === 'true' ? 'True' : 'False';
      continue;
    }
    if (!range) {
      return { name, message: `is not a hyperparameter of ${facts.modelId}; known: ${[...Object.keys(facts.hyperParameters), ...Object.keys(facts.flags)].join(', ')}` };
    }
    const n = Number(raw);
    if (typeof raw === 'boolean' || !Number.isFinite(n)) return { name, message: `must be a number (got "${raw}")` };
    if (range.integer && !Number.isInteger(n)) return { name, message: `must be an integer (got ${raw})` };
    if (n < range.min || n > range.max) return { name, message: `must be within [${range.min}, ${range.max}] (got ${raw})` };
    values[name] = String(n);
  }
  return { values };
}
