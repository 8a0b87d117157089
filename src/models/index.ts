/**
 * Lookups over the one model-facts table. Every identifier form a user may write for a base model resolves to the
 * same row: a base id, a customization id with a context suffix (`amazon.nova-micro-v1:0:128k`), a cross-Region
 * profile (`us.amazon.nova-micro-v1:0`), a foundation-model ARN and a system inference-profile ARN.
 */
import { FAMILIES } from './families.js';
import { MODELS } from './table.js';
import type { CustomizationType, FamilyFacts, ModelFacts, TrainingDataRules } from './types.js';

export { MODELS } from './table.js';
export { FAMILIES } from './families.js';
export type * from './types.js';

/** Custom model on-demand deployment (reference/bedrock.md §3): only models customized on or after this date. */
export const CUSTOM_ON_DEMAND = {
  launchDate: '2025-07-16',
  source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/deploy-custom-model-on-demand.html',
} as const;

/**
 * Account quota of model customization jobs in progress at once. AWS's default is not in ftrag's reference and no
 * published figure was found (docs/training.md, "Quotas"), so ftrag never assumes one on AWS; this is the embedded
 * emulator's default account quota only (quotas.concurrentCustomizationJobs sets both).
 */
export const EMULATOR_CUSTOMIZATION_JOB_QUOTA = 4;

export const GEO_PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;
const BASE_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:[0-9]*:(foundation-model|inference-profile)\/(.+)$/;

/** The id with any foundation-model / inference-profile ARN wrapper and geo-profile prefix removed. */
export function bareModelId(identifier: string): string {
  const id = identifier.trim();
  const arn = BASE_ARN.exec(id);
  return (arn ? arn[2] : id).replace(GEO_PROFILE_PREFIX, '');
}

const BY_ID = new Map(MODELS.map((m) => [m.modelId, m]));

/** The row of a base model, or undefined for a model the table does not know. */
export function modelFacts(identifier: string): ModelFacts | undefined {
  const bare = bareModelId(identifier);
  const exact = BY_ID.get(bare);
  if (exact) return exact;
  return MODELS.find((m) => m.customizationSuffixes.some((s) => bare === m.modelId + s));
}

/** The family of a base id: its row's family, else the first family whose prefix matches (newer versions). */
export function familyOf(identifier: string): FamilyFacts | undefined {
  const row = modelFacts(identifier);
  if (row) return row.family;
  const bare = bareModelId(identifier);
  return FAMILIES.find((f) => f.prefixes.some((p) => bare.startsWith(p)));
}

/** Training-data format and quotas: the family's rules with the model's own differences applied. */
export function trainingDataRules(identifier: string): TrainingDataRules | undefined {
  const base = familyOf(identifier)?.trainingData;
  if (!base) return undefined;
  return { ...base, ...(modelFacts(identifier)?.trainingData ?? {}) };
}

/** Every prefix the table recognizes for training data (for "supported models" messages). */
export function knownModelPrefixes(): string[] {
  return FAMILIES.filter((f) => f.trainingData).flatMap((f) => f.prefixes);
}

/**
 * The epochCount Bedrock applies when hyperParameters omit it. The one definition: run.json's training epochs and the
 * priced epochs both come from here. An unknown family gets 1 with `known: false`, which callers must label.
 */
export function defaultEpochCount(baseModelId: string): { epochs: number; known: boolean } {
  const epochs = familyOf(baseModelId)?.hyperParameters.epochCount?.default;
  return epochs === undefined ? { epochs: 1, known: false } : { epochs, known: true };
}

/** Bedrock's default for every hyperparameter of the family (what a job gets for the ones it does not set). */
export function defaultHyperParameters(baseModelId: string): Record<string, number> {
  const family = familyOf(baseModelId);
  return Object.fromEntries(Object.entries(family?.hyperParameters ?? {}).map(([k, r]) => [k, r.default]));
}

export interface OnDemandSupport {
  supported: boolean;
  reason: string;
  launchDate: string;
}

/** Whether a custom model of this base can be served by CreateCustomModelDeployment in this Region, and why not. */
export function customOnDemandSupport(baseModelId: string, region: string): OnDemandSupport {
  const row = modelFacts(baseModelId);
  const launchDate = CUSTOM_ON_DEMAND.launchDate;
  if (!row) return { supported: false, reason: `${baseModelId} is not in ftrag's model table, so custom on-demand support is unknown`, launchDate };
  const regions = row.onDemandCustomDeploymentRegions;
  if (regions.length === 0) return { supported: false, reason: `${row.modelId} does not support custom model on-demand deployment`, launchDate };
  if (!regions.includes(region)) {
    return { supported: false, reason: `custom on-demand for ${row.modelId} is offered in ${regions.join(', ')}, not ${region}`, launchDate };
  }
  return { supported: true, reason: `custom on-demand supported for ${row.modelId} in ${region}`, launchDate };
}

/** The id prices are filed under for this base model, when the table names one. */
export function priceIdOf(identifier: string): string | undefined {
  return modelFacts(identifier)?.priceId ?? undefined;
}

/** Base model ids of the table that take a customization type (for "use one of" messages). */
export function modelsSupporting(type: CustomizationType): string[] {
  return MODELS.filter((m) => m.customizationsSupported.includes(type)).map((m) => m.modelId);
}

export interface CptRecordLimit {
  /** Most tokens one `{"input"}` record may hold at this batch size. */
  tokens: number;
  /** True when the batch size is above every size Bedrock published a limit for (the smallest published limit is used). */
  beyondPublished: boolean;
  /** The limits as published, for messages. */
  published: string;
}

/**
 * The per-record token limit of continued pre-training for this base model and batch size (reference/bedrock.md §4:
 * Titan Text Express 4,096 at batch size 1 and 2,048 at 2-4; Lite 4,096 at 1-2 and 2,048 at 3-6). Undefined when the
 * model takes no CPT or the table has no limit for it.
 */
export function cptRecordLimit(identifier: string, batchSize: number): CptRecordLimit | undefined {
  const limits = trainingDataRules(identifier)?.cptRecordTokens;
  if (!limits || limits.length === 0) return undefined;
  const sorted = [...limits].sort((a, b) => a.maxBatchSize - b.maxBatchSize);
  const published = sorted.map((l, i) => `${l.tokens} at batch size ${i === 0 ? 1 : sorted[i - 1].maxBatchSize + 1}-${l.maxBatchSize}`).join(', ');
  const hit = sorted.find((l) => batchSize <= l.maxBatchSize);
  if (hit) return { tokens: hit.tokens, beyondPublished: false, published };
  return { tokens: Math.min(...sorted.map((l) => l.tokens)), beyondPublished: true, published };
}
