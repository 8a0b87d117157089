/**
 * The foundation models the emulator serves, mirroring real Bedrock ids and their published capabilities
 * (reference/bedrock.md §3). Every model is backed by the same reference model; the catalog decides what each id
 * accepts (customization types, hyperparameter ranges, on-demand custom deployment, embeddings).
 */

export type CustomizationType = 'FINE_TUNING' | 'CONTINUED_PRE_TRAINING' | 'DISTILLATION';

export interface HyperParameterSpec {
  min: number;
  max: number;
  default: number;
  integer: boolean;
}

export interface CatalogModel {
  modelId: string;
  modelName: string;
  providerName: string;
  inputModalities: string[];
  outputModalities: ('TEXT' | 'EMBEDDING' | 'IMAGE')[];
  responseStreamingSupported: boolean;
  customizationsSupported: CustomizationType[];
  inferenceTypesSupported: ('ON_DEMAND' | 'PROVISIONED')[];
  lifecycle: 'ACTIVE' | 'LEGACY';
  /** Context-window suffixes the customization API uses as base ids, e.g. `:128k`. */
  customizationSuffixes: string[];
  /** Custom models of this base may be served by an on-demand custom model deployment (Nova family). */
  onDemandCustomDeployment: boolean;
  /** Hyperparameters accepted by CreateModelCustomizationJob for this family (names are Bedrock's). */
  hyperParameters: Record<string, HyperParameterSpec>;
  /** The family's default learning rate (Haiku has a multiplier instead; this is the rate the multiplier scales). */
  defaultLearningRate: number;
  /** Largest output the model produces in one call (the default `maxTokens`). */
  maxOutputTokens: number;
}

const int = (min: number, max: number, def: number): HyperParameterSpec => ({ min, max, default: def, integer: true });
const real = (min: number, max: number, def: number): HyperParameterSpec => ({ min, max, default: def, integer: false });

const NOVA_HP = { epochCount: int(1, 5, 2), learningRate: real(1e-6, 1e-4, 1e-5), learningRateWarmupSteps: int(0, 100, 10) };
const LLAMA31_HP = { epochCount: int(1, 10, 5), batchSize: int(1, 1, 1), learningRate: real(5e-6, 0.1, 1e-4) };
const HAIKU_HP = {
  epochCount: int(1, 10, 2),
  batchSize: int(4, 256, 32),
  learningRateMultiplier: real(0.1, 2, 1),
  earlyStoppingThreshold: real(0, 0.1, 0.001),
  earlyStoppingPatience: int(1, 10, 2),
};
const TITAN_EXPRESS_HP = {
  epochCount: int(1, 10, 5),
  batchSize: int(1, 64, 1),
  learningRate: real(0, 1, 1e-5),
  learningRateWarmupSteps: int(0, 250, 5),
};

function text(
  modelId: string,
  modelName: string,
  providerName: string,
  extra: Partial<CatalogModel> & Pick<CatalogModel, 'hyperParameters' | 'defaultLearningRate' | 'customizationsSupported'>,
): CatalogModel {
  return {
    modelId,
    modelName,
    providerName,
    inputModalities: ['TEXT'],
    outputModalities: ['TEXT'],
    responseStreamingSupported: true,
    inferenceTypesSupported: ['ON_DEMAND'],
    lifecycle: 'ACTIVE',
    customizationSuffixes: [],
    onDemandCustomDeployment: false,
    maxOutputTokens: 4096,
    ...extra,
  };
}

export const CATALOG: readonly CatalogModel[] = [
  text('amazon.nova-micro-v1:0', 'Nova Micro', 'Amazon', {
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    customizationSuffixes: [':128k'],
    onDemandCustomDeployment: true,
    hyperParameters: NOVA_HP,
    defaultLearningRate: 1e-5,
    maxOutputTokens: 10000,
  }),
  text('amazon.nova-lite-v1:0', 'Nova Lite', 'Amazon', {
    inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    customizationSuffixes: [':300k'],
    onDemandCustomDeployment: true,
    hyperParameters: NOVA_HP,
    defaultLearningRate: 1e-5,
    maxOutputTokens: 10000,
  }),
  text('amazon.nova-pro-v1:0', 'Nova Pro', 'Amazon', {
    inputModalities: ['TEXT', 'IMAGE', 'VIDEO'],
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    customizationSuffixes: [':300k'],
    onDemandCustomDeployment: true,
    hyperParameters: NOVA_HP,
    defaultLearningRate: 1e-5,
    maxOutputTokens: 10000,
  }),
  text('meta.llama3-1-8b-instruct-v1:0', 'Llama 3.1 8B Instruct', 'Meta', {
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    customizationSuffixes: [':128k'],
    hyperParameters: LLAMA31_HP,
    defaultLearningRate: 1e-4,
    maxOutputTokens: 2048,
  }),
  text('meta.llama3-1-70b-instruct-v1:0', 'Llama 3.1 70B Instruct', 'Meta', {
    customizationsSupported: ['FINE_TUNING', 'DISTILLATION'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    customizationSuffixes: [':128k'],
    hyperParameters: LLAMA31_HP,
    defaultLearningRate: 1e-4,
    maxOutputTokens: 2048,
  }),
  text('anthropic.claude-3-haiku-20240307-v1:0', 'Claude 3 Haiku', 'Anthropic', {
    inputModalities: ['TEXT', 'IMAGE'],
    customizationsSupported: ['FINE_TUNING'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    customizationSuffixes: [':200k'],
    hyperParameters: HAIKU_HP,
    defaultLearningRate: 1e-5,
    maxOutputTokens: 4096,
  }),
  text('amazon.titan-text-express-v1', 'Titan Text G1 - Express', 'Amazon', {
    customizationsSupported: ['FINE_TUNING', 'CONTINUED_PRE_TRAINING'],
    inferenceTypesSupported: ['ON_DEMAND', 'PROVISIONED'],
    lifecycle: 'LEGACY',
    customizationSuffixes: [':0:8k'],
    hyperParameters: TITAN_EXPRESS_HP,
    defaultLearningRate: 1e-5,
    maxOutputTokens: 8192,
  }),
  {
    modelId: 'amazon.titan-embed-text-v2:0',
    modelName: 'Titan Text Embeddings V2',
    providerName: 'Amazon',
    inputModalities: ['TEXT'],
    outputModalities: ['EMBEDDING'],
    responseStreamingSupported: false,
    customizationsSupported: [],
    inferenceTypesSupported: ['ON_DEMAND'],
    lifecycle: 'ACTIVE',
    customizationSuffixes: [],
    onDemandCustomDeployment: false,
    hyperParameters: {},
    defaultLearningRate: 0,
    maxOutputTokens: 0,
  },
];

const BY_ID = new Map(CATALOG.map((m) => [m.modelId, m]));

export function isEmbeddingModel(m: CatalogModel): boolean {
  return m.outputModalities.includes('EMBEDDING');
}

export function foundationModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

/** A catalog id, optionally with a customization context suffix (`amazon.nova-micro-v1:0:128k`). */
export function lookupCatalogId(id: string, allowSuffix: boolean): CatalogModel | undefined {
  const exact = BY_ID.get(id);
  if (exact) return exact;
  if (!allowSuffix) return undefined;
  for (const m of CATALOG) {
    if (m.customizationSuffixes.some((s) => id === m.modelId + s)) return m;
  }
  return undefined;
}

/** Resolves a base id or foundation-model ARN (control-plane style: suffixes allowed). */
export function lookupFoundationModel(identifier: string): CatalogModel | undefined {
  const arn = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+::foundation-model\/(.+)$/.exec(identifier);
  return lookupCatalogId(arn ? arn[1] : identifier, true);
}

export function summarizeModel(m: CatalogModel, region: string): Record<string, unknown> {
  return {
    modelArn: foundationModelArn(region, m.modelId),
    modelId: m.modelId,
    modelName: m.modelName,
    providerName: m.providerName,
    inputModalities: m.inputModalities,
    outputModalities: m.outputModalities,
    responseStreamingSupported: m.responseStreamingSupported,
    customizationsSupported: m.customizationsSupported,
    inferenceTypesSupported: m.inferenceTypesSupported,
    modelLifecycle: { status: m.lifecycle },
  };
}
