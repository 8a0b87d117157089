/**
 * Config checks of SageMaker (JumpStart) systems, with the path of the offending field so the loader can name its
 * line: what a sagemaker system may not combine with, which kinds it can be, its JumpStart model and hyperparameters.
 */
import { jumpStartHyperParameters, jumpStartModel, jumpStartModelIds } from '../models/jumpstart.js';
import type { ExperimentConfig } from './schema.js';

export interface SageMakerConfigError {
  path: PropertyKey[];
  message: string;
}

export function sageMakerConfigErrors(config: ExperimentConfig): SageMakerConfigError[] {
  const errors: SageMakerConfigError[] = [];
  const sagemakerIds = new Set(config.systems.filter((s) => s.sagemaker).map((s) => s.id));
  config.systems.forEach((s, i) => {
    if (s.generatorFrom && sagemakerIds.has(s.generatorFrom)) {
      errors.push({ path: ['systems', i, 'generatorFrom'], message: `names a SageMaker system ("${s.generatorFrom}"); a Knowledge Base generates with a Bedrock model` });
    }
    const sm = s.sagemaker;
    if (!sm) return;
    for (const key of ['modelId', 'training', 'serving', 'knowledgeBase', 'generatorFrom', 'pricingModelId'] as const) {
      if (s[key] !== undefined) errors.push({ path: ['systems', i, key], message: `a sagemaker system takes its model, training and serving from "sagemaker"; remove "${key}"` });
    }
    if (s.kind !== 'base' && s.kind !== 'fine-tuned') errors.push({ path: ['systems', i, 'kind'], message: `a sagemaker system is "base" or "fine-tuned", not "${s.kind}"` });
    if (s.execution === 'batch') errors.push({ path: ['systems', i, 'execution'], message: 'a SageMaker real-time endpoint is called on demand; batch is for Bedrock models' });
    if (s.kind === 'fine-tuned' && !sm.training && !sm.endpointName) errors.push({ path: ['systems', i, 'sagemaker', 'training'], message: 'kind "fine-tuned" needs sagemaker.training (or the sagemaker.endpointName of a fine-tuned endpoint)' });
    if (s.kind === 'base' && sm.training) errors.push({ path: ['systems', i, 'kind'], message: 'a system with sagemaker.training is "fine-tuned"' });
    if (sm.endpointName && sm.training) errors.push({ path: ['systems', i, 'sagemaker', 'endpointName'], message: 'give an existing endpointName or training, not both' });
    if (config.endpoint === 'aws' && !sm.endpointName) {
      // The emulator defaults these; on AWS they name real resources, so they must be given.
      type Field = 'roleArn' | 'inferenceImageUri' | 'modelArtifactsUri' | 'dataS3Uri' | 'trainingImageUri';
      const needed: Field[] = ['roleArn', 'inferenceImageUri', 'modelArtifactsUri', ...(sm.training ? (['dataS3Uri', 'trainingImageUri'] as Field[]) : [])];
      const absent = needed.filter((k) => !sm[k]);
      if (absent.length) errors.push({ path: ['systems', i, 'sagemaker'], message: `on endpoint aws a SageMaker system needs ${absent.map((k) => `sagemaker.${k}`).join(', ')} (the SageMaker Python SDK prints the JumpStart image and artifact URIs for a model and Region)` });
    }
    const facts = jumpStartModel(sm.jumpStartModelId);
    if (!facts) {
      errors.push({ path: ['systems', i, 'sagemaker', 'jumpStartModelId'], message: `unknown JumpStart model "${sm.jumpStartModelId}"; ftrag knows: ${jumpStartModelIds().join(', ')}` });
      return;
    }
    if (sm.training) {
      const hp = jumpStartHyperParameters(facts, sm.training.hyperParameters);
      if ('message' in hp) errors.push({ path: ['systems', i, 'sagemaker', 'training', 'hyperParameters', hp.name], message: hp.message });
    }
  });
  return errors;
}

/** The config paths a SageMaker system reads files from, to be resolved against the config's folder. */
export function sageMakerPaths(config: ExperimentConfig): { path: PropertyKey[]; get: () => string; set: (v: string) => void }[] {
  const out: { path: PropertyKey[]; get: () => string; set: (v: string) => void }[] = [];
  config.systems.forEach((s, i) => {
    const t = s.sagemaker?.training;
    if (!t) return;
    out.push({ path: ['systems', i, 'sagemaker', 'training', 'trainingData'], get: () => t.trainingData, set: (v) => (t.trainingData = v) });
    if (t.validationData) out.push({ path: ['systems', i, 'sagemaker', 'training', 'validationData'], get: () => t.validationData!, set: (v) => (t.validationData = v) });
  });
  return out;
}
