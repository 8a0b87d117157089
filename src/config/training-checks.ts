/**
 * Config checks of a system's `training` block, each with the path of the offending field so the loader can name its
 * line: where the training data comes from (a JSONL or, for continued pre-training, a documents folder) and whether
 * the base model takes the customization type at all. All of it runs at load, before any billable call.
 */
import { cptRecordLimit, defaultHyperParameters, modelFacts, modelsSupporting } from '../models/index.js';
import { customizationProblem } from '../models/identifiers.js';
import type { TrainingSpec } from './schema.js';
import type { z } from 'zod';

export interface TrainingConfigError {
  path: PropertyKey[];
  message: string;
}

type Training = z.infer<typeof TrainingSpec>;

export function trainingSourceErrors(t: Training, at: PropertyKey[]): TrainingConfigError[] {
  const errors: TrainingConfigError[] = [];
  const cpt = t.customizationType === 'CONTINUED_PRE_TRAINING';
  const facts = modelFacts(t.baseModelId);
  const problem = customizationProblem(t.baseModelId, t.customizationType);
  if (problem) {
    // The type is what the user asked of a model that cannot do it: point at the type, and say which models can.
    const typeIsTheProblem = facts !== undefined && !facts.customizationsSupported.includes(t.customizationType);
    const hint = typeIsTheProblem ? `; models that take ${t.customizationType}: ${modelsSupporting(t.customizationType).join(', ') || 'none'}` : '';
    errors.push({ path: [...at, typeIsTheProblem ? 'customizationType' : 'baseModelId'], message: `${problem}${hint}` });
  }
  if (t.fromDocuments !== undefined && !cpt) {
    errors.push({ path: [...at, 'fromDocuments'], message: 'fromDocuments makes {"input"} records for customizationType CONTINUED_PRE_TRAINING; fine-tuning needs prompt/completion trainingData' });
  }
  if (t.fromDocuments !== undefined && t.trainingData !== undefined) {
    errors.push({ path: [...at, 'fromDocuments'], message: 'give trainingData or fromDocuments, not both' });
  }
  if (t.fromDocuments === undefined && t.trainingData === undefined) {
    errors.push({ path: [...at, 'trainingData'], message: cpt ? 'give trainingData (a JSONL of {"input"} records) or fromDocuments (a folder of documents)' : 'is required' });
  }
  if (t.sweep !== undefined && t.fromDocuments !== undefined) {
    errors.push({ path: [...at, 'sweep'], message: 'a sweep trains every point from a trainingData file; sweeping a fromDocuments system is not supported' });
  }
  if (t.recordTokens !== undefined) {
    if (t.fromDocuments === undefined) errors.push({ path: [...at, 'recordTokens'], message: 'recordTokens sizes the records fromDocuments makes; it needs fromDocuments' });
    const batch = Number(t.hyperParameters.batchSize ?? defaultHyperParameters(t.baseModelId).batchSize ?? 1);
    const limit = cpt ? cptRecordLimit(t.baseModelId, batch) : undefined;
    if (limit && t.recordTokens > limit.tokens) {
      errors.push({ path: [...at, 'recordTokens'], message: `${t.recordTokens} is above ${t.baseModelId}'s ${limit.tokens}-token record limit at batch size ${batch} (${limit.published})` });
    }
  }
  return errors;
}
