/**
 * Bedrock training-data formats and quotas per base model. The facts live in the one model table (src/models);
 * this module keeps the datasets-facing names.
 */
import { knownModelPrefixes as prefixes, trainingDataRules } from '../models/index.js';
import type { TrainingDataRules } from '../models/index.js';

export type { DataFormat, CustomizationKind } from '../models/index.js';
export type ModelDataRules = TrainingDataRules;

export function knownModelPrefixes(): string[] {
  return prefixes();
}

/** Rules for a model id (base id with or without the `:128k` context suffix, a `us.` profile, or a `…/model-id` ARN). */
export function rulesForModel(modelId: string): ModelDataRules | undefined {
  const id = modelId.includes('/') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  return trainingDataRules(id);
}
