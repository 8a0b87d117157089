/** Types of the one model-facts table (see table.ts for the rows and their sources). */

export type CustomizationType = 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING' | 'DISTILLATION';
export type DataFormat = 'prompt-completion' | 'converse' | 'haiku-messages' | 'cpt-input';
export type CustomizationKind = 'fine-tuning' | 'continued-pre-training';

export interface ParameterRange {
  min: number;
  max: number;
  default: number;
  integer: boolean;
}

/** Bedrock training-data formats and quotas (record limits are default quotas; several are adjustable on request). */
export interface TrainingDataRules {
  family: string;
  /** Format per supported customization type. */
  formats: Partial<Record<CustomizationKind, DataFormat>>;
  minRecords?: number;
  /** Advisory minimum: fewer records only warns. */
  recommendedMinRecords?: number;
  maxTrainRecords?: Partial<Record<CustomizationKind, number>>;
  maxValidationRecords?: number;
  maxTotalRecords?: number;
  /** Tokens per record (input + output unless split below). */
  maxRecordTokens?: number;
  /**
   * CONTINUED_PRE_TRAINING: tokens per `{"input"}` record, by batch size (each limit applies up to `maxBatchSize`).
   * Bedrock publishes limits only for the batch sizes listed; a larger batch size has no published limit.
   */
  cptRecordTokens?: { maxBatchSize: number; tokens: number }[];
  maxInputTokens?: number;
  maxOutputTokens?: number;
  maxTrainBytes?: number;
  maxValidationBytes?: number;
  /** Words that fail a Nova job when they appear in the data. */
  forbiddenTokens?: string[];
  notes?: string[];
}

export interface FamilyFacts {
  family: string;
  /** Base-id prefixes of the family (after the ARN, geo-profile and context suffix are stripped). */
  prefixes: string[];
  /** CreateModelCustomizationJob hyperparameters: Bedrock's names, allowed ranges and defaults. */
  hyperParameters: Record<string, ParameterRange>;
  /** The rate the reference model trains at when a family takes a multiplier (Haiku) or none is given. */
  defaultLearningRate: number;
  trainingData?: TrainingDataRules;
}

/** A fact we could not confirm from reference/bedrock.md or AWS documentation is `null`, never a guess. */
export type Unknown = null;

export interface OnDemandQuota {
  requestsPerMinute: number;
  tokensPerMinute: number;
  region: string;
  source: string;
}

export interface ModelFacts {
  /** Bedrock's base model id, e.g. `amazon.nova-micro-v1:0`. */
  modelId: string;
  modelName: string;
  providerName: string;
  family: FamilyFacts;
  inputModalities: string[];
  outputModalities: ('TEXT' | 'EMBEDDING' | 'IMAGE')[];
  responseStreamingSupported: boolean;
  lifecycle: 'ACTIVE' | 'LEGACY';
  customizationsSupported: CustomizationType[];
  inferenceTypesSupported: ('ON_DEMAND' | 'PROVISIONED')[];
  /** Base ids the customization API takes with a context-window suffix, e.g. `:128k`. */
  customizationSuffixes: string[];
  /** Regions where custom models of this base can be served by CreateCustomModelDeployment; [] = provisioned only. */
  onDemandCustomDeploymentRegions: string[];
  /** Input context window in tokens. */
  contextWindowTokens: number | Unknown;
  /** Largest `maxTokens` one call may ask for. */
  maxOutputTokens: number | Unknown;
  /** Converse tool use (toolConfig). */
  toolUse: boolean | Unknown;
  /** ConverseStream tool use ([CONVERSE] "streaming tool use" column); absent = not confirmed. */
  toolUseStreaming?: boolean;
  /** toolConfig.toolChoice kinds the model accepts (`auto` always; `any`/`tool` only where listed); absent = auto only. */
  toolChoices?: ('auto' | 'any' | 'tool')[];
  /** bedrock-runtime CountTokens accepts this model id. */
  countTokens: boolean | Unknown;
  /** Default on-demand runtime quota, where one was published. */
  onDemandQuota: OnDemandQuota | Unknown;
  /** The modelId this model's prices are filed under in prices/bedrock-catalog.json; null when none are listed. */
  priceId: string | Unknown;
  /** Model-level training-data differences from the family's rules. */
  trainingData?: Partial<TrainingDataRules>;
  /** Where the per-model figures (context, output, tool use, quotas) come from. */
  sources: string[];
}
