/**
 * The foundation models the emulator serves, under real Bedrock ids, with the capabilities of the one model table
 * (src/models). Every model is backed by the same reference model; the catalog decides what each id accepts
 * (customization types, hyperparameter ranges, on-demand custom deployment, embeddings).
 */

import { modelFacts, type CustomizationType, type ModelFacts, type ParameterRange } from '../models/index.js';

export type { CustomizationType } from '../models/index.js';
export type HyperParameterSpec = ParameterRange;

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
  /** Input tokens the model accepts; longer inputs are refused as on Bedrock (Infinity when the table does not know). */
  contextWindow: number;
  /** Converse tool use: absent = not supported; `streaming` = also in ConverseStream; `choices` = allowed toolChoice kinds. */
  toolUse?: { streaming: boolean; choices: ('auto' | 'any' | 'tool')[] };
  /** Whether CountTokens serves this model. */
  countTokens: boolean;
}

/** The base models the emulator serves; every fact about them comes from the one model table (src/models). */
export const SERVED_MODEL_IDS = [
  'amazon.nova-micro-v1:0',
  'amazon.nova-lite-v1:0',
  'amazon.nova-pro-v1:0',
  'meta.llama3-1-8b-instruct-v1:0',
  'meta.llama3-1-70b-instruct-v1:0',
  'anthropic.claude-3-haiku-20240307-v1:0',
  'anthropic.claude-3-5-haiku-20241022-v1:0',
  'amazon.titan-text-express-v1',
  'amazon.titan-embed-text-v2:0',
] as const;

/** A model the table knows but whose output limit is unconfirmed is served with Converse's common 4,096 ceiling. */
const UNKNOWN_MAX_OUTPUT = 4096;

function fromFacts(m: ModelFacts): CatalogModel {
  return {
    modelId: m.modelId,
    modelName: m.modelName,
    providerName: m.providerName,
    inputModalities: m.inputModalities,
    outputModalities: m.outputModalities,
    responseStreamingSupported: m.responseStreamingSupported,
    customizationsSupported: m.customizationsSupported,
    inferenceTypesSupported: m.inferenceTypesSupported,
    lifecycle: m.lifecycle,
    customizationSuffixes: m.customizationSuffixes,
    onDemandCustomDeployment: m.onDemandCustomDeploymentRegions.length > 0,
    hyperParameters: m.family.hyperParameters,
    defaultLearningRate: m.family.defaultLearningRate,
    maxOutputTokens: m.maxOutputTokens ?? UNKNOWN_MAX_OUTPUT,
    contextWindow: m.contextWindowTokens ?? Number.POSITIVE_INFINITY,
    // A model whose tool support the table does not confirm is served without tools (Bedrock's refusal), not with a guess.
    ...(m.toolUse === true ? { toolUse: { streaming: m.toolUseStreaming ?? false, choices: m.toolChoices ?? ['auto'] } } : {}),
    countTokens: m.countTokens === true,
  };
}

export const CATALOG: readonly CatalogModel[] = SERVED_MODEL_IDS.map((id) => {
  const facts = modelFacts(id);
  if (!facts) throw new Error(`emulator serves ${id}, which the model table does not know`);
  return fromFacts(facts);
});

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
