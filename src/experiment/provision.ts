/**
 * Makes every configured system callable: trains and deploys custom models, ingests Knowledge Bases, and resolves
 * which model each system calls and which base model's prices apply to it.
 */
import type { ExperimentConfig, SystemSpec } from '../config/schema.js';
import type { SageMakerInfo, TrainingInfo } from '../schema/run-result.js';
import type { ContainerFormat } from '../models/jumpstart.js';
import { ensureJumpStartEndpoint } from '../training/sagemaker.js';
import { InputError } from '../util/errors.js';
import { ensureKnowledgeBase } from './ensure-kb.js';
import { ensureCustomModel, type TrainContext } from './train-model.js';
import { ensureSweptModel } from './sweep-run.js';
import { customizationJobQuota } from '../training/quota.js';

export interface ProvisionedSystem {
  spec: SystemSpec;
  /** What Converse (or RetrieveAndGenerate) is called with. */
  modelId: string;
  /** Base model whose token prices apply. */
  pricingModelId: string;
  knowledgeBaseId?: string;
  corpusTokens?: number;
  training?: TrainingInfo;
  /** A SageMaker endpoint system: its endpoint, container format and what its instance-hour cost comes from. */
  sagemaker?: SageMakerInfo & { format: ContainerFormat };
}

export async function provisionSystems(config: ExperimentConfig, ctx: TrainContext): Promise<ProvisionedSystem[]> {
  const byId = new Map<string, ProvisionedSystem>();
  const kbByDocuments = new Map<string, Awaited<ReturnType<typeof ensureKnowledgeBase>>>();
  // Systems that borrow another system's model (generatorFrom) go after it.
  const ordered = [...config.systems].sort((a, b) => Number(!!a.generatorFrom) - Number(!!b.generatorFrom));
  for (const spec of ordered) {
    let modelId = spec.modelId;
    let training: TrainingInfo | undefined;
    let pricingModelId = spec.pricingModelId;
    if (spec.sagemaker) {
      if (spec.knowledgeBase || spec.generatorFrom || spec.training || spec.modelId) {
        throw new InputError('a sagemaker system takes its model from sagemaker: remove modelId, training, knowledgeBase and generatorFrom', { field: `systems.${spec.id}.sagemaker` });
      }
      const js = await ensureJumpStartEndpoint(spec, ctx);
      byId.set(spec.id, { spec, modelId: js.modelId, pricingModelId: js.sagemaker.jumpStartModelId, training: js.training, sagemaker: { ...js.sagemaker, format: js.format } });
      continue;
    }
    if (spec.generatorFrom) {
      const source = byId.get(spec.generatorFrom);
      if (!source) throw new InputError(`generatorFrom names no system "${spec.generatorFrom}"`, { field: `systems.${spec.id}.generatorFrom` });
      if (source.sagemaker) throw new InputError(`generatorFrom names a SageMaker system ("${spec.generatorFrom}"); a Knowledge Base generates with a Bedrock model`, { field: `systems.${spec.id}.generatorFrom` });
      modelId = source.modelId;
      training = source.training;
      pricingModelId ??= source.pricingModelId;
    } else if (spec.training && !spec.modelId) {
      const trained = spec.training.sweep ? await ensureSweptModel(spec, { ...ctx, seed: config.seed, region: config.region, trainingHealth: config.trainingHealth, jobQuota: customizationJobQuota(config) }) : await ensureCustomModel(spec, ctx);
      modelId = trained.modelId;
      training = trained.training;
      pricingModelId ??= baseModelOf(spec.training.baseModelId);
    }
    if (!modelId) throw new InputError('a system needs modelId, training or generatorFrom', { field: `systems.${spec.id}.modelId` });
    pricingModelId ??= baseModelOf(modelId);

    let knowledgeBaseId: string | undefined;
    let corpusTokens: number | undefined;
    if (spec.knowledgeBase) {
      const cacheKey = spec.knowledgeBase.id ?? `${spec.knowledgeBase.documents}|${spec.knowledgeBase.embeddingModelId}`;
      let kb = kbByDocuments.get(cacheKey);
      if (!kb) {
        kb = await ensureKnowledgeBase(spec, ctx);
        kbByDocuments.set(cacheKey, kb);
      }
      knowledgeBaseId = kb.knowledgeBaseId;
      corpusTokens = kb.corpusTokens;
    }
    byId.set(spec.id, { spec, modelId, pricingModelId, knowledgeBaseId, corpusTokens, training });
  }
  return config.systems.map((s) => byId.get(s.id)!);
}

/**
 * The base model id behind an id the prices can be looked up by: drops the customization context suffix
 * (`:128k`), a cross-Region profile prefix (`us.`) and the foundation-model ARN wrapper. ARNs of custom,
 * provisioned or deployed models say nothing about their base; such systems need `pricingModelId`.
 */
export function baseModelOf(modelId: string): string {
  let id = modelId.replace(/^arn:aws:bedrock:[^:]*::foundation-model\//, '');
  id = id.replace(/^(us|eu|apac|global|us-gov)\./, '');
  return id.replace(/^(.*:\d+):\d+k$/, '$1');
}
