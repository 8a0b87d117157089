/**
 * Targets from plain, serializable specs. The CLI turns each configured system into a TargetSpec and calls
 * createTarget with the clients it created once for the run's region and endpoint.
 */
import { createBedrockKbTarget, type KbMode } from './bedrock-kb.js';
import { createBedrockModelTarget, type DescribedTarget } from './bedrock-model.js';
import type { InferenceSettings } from './converse.js';
import type { AwsClients } from './clients.js';
import type { SystemKind } from './types.js';
import type { ContainerFormat } from '../models/jumpstart.js';
import { createSageMakerEndpointTarget } from './sagemaker-endpoint.js';

export interface BedrockModelSpec {
  type: 'bedrock-model';
  id: string;
  kind: SystemKind;
  modelId: string;
  inference: InferenceSettings;
}

export interface BedrockKbSpec {
  type: 'bedrock-kb';
  id: string;
  kind: SystemKind;
  knowledgeBaseId: string;
  modelId: string;
  mode: KbMode;
  numberOfResults: number;
  searchType?: 'HYBRID' | 'SEMANTIC';
  promptTemplate?: string;
  inference: InferenceSettings;
}

/** A SageMaker real-time endpoint (JumpStart) answering in its container's format. */
export interface SageMakerEndpointSpec {
  type: 'sagemaker-endpoint';
  id: string;
  kind: SystemKind;
  endpointName: string;
  modelId: string;
  format: ContainerFormat;
  inference: InferenceSettings;
}

export type TargetSpec = BedrockModelSpec | BedrockKbSpec | SageMakerEndpointSpec;

export type TargetDeps = Pick<AwsClients, 'runtime' | 'agentRuntime'> & Partial<Pick<AwsClients, 'sagemakerRuntime'>> & { region?: string; accountId?: string };

type Factories = { [K in TargetSpec['type']]: (spec: Extract<TargetSpec, { type: K }>, deps: TargetDeps) => DescribedTarget };

const factories: Factories = {
  'bedrock-model': (spec, deps) =>
    createBedrockModelTarget({ id: spec.id, kind: spec.kind, modelId: spec.modelId, runtime: deps.runtime, inference: spec.inference }),
  'bedrock-kb': (spec, deps) =>
    createBedrockKbTarget({
      id: spec.id,
      kind: spec.kind,
      knowledgeBaseId: spec.knowledgeBaseId,
      modelId: spec.modelId,
      mode: spec.mode,
      numberOfResults: spec.numberOfResults,
      ...(spec.searchType ? { searchType: spec.searchType } : {}),
      ...(spec.promptTemplate ? { promptTemplate: spec.promptTemplate } : {}),
      runtime: deps.runtime,
      agentRuntime: deps.agentRuntime,
      inference: spec.inference,
      ...(deps.region ? { region: deps.region } : {}),
      ...(deps.accountId ? { accountId: deps.accountId } : {}),
    }),
  'sagemaker-endpoint': (spec, deps) => {
    if (!deps.sagemakerRuntime) throw new Error(`system "${spec.id}" needs a SageMaker runtime client`);
    return createSageMakerEndpointTarget({ ...spec, runtime: deps.sagemakerRuntime });
  },
};

export function createTarget(spec: TargetSpec, deps: TargetDeps): DescribedTarget {
  const factory = factories[spec.type] as ((s: TargetSpec, d: TargetDeps) => DescribedTarget) | undefined;
  if (!factory) throw new Error(`unknown target type "${(spec as { type: unknown }).type}"`);
  return factory(spec, deps);
}

export { createBedrockModelTarget, type DescribedTarget, type TargetDescription } from './bedrock-model.js';
export {
  createBedrockKbTarget,
  DEFAULT_RAG_TEMPLATE,
  renderRagPrompt,
  toModelArn,
  ragGenerateTemplate,
  type BedrockKbTargetOptions,
  type KbMode,
} from './bedrock-kb.js';
export { createAwsClients, checkAwsCredentials, endpointKeyOf, type AwsClients, type AwsClientOptions } from './clients.js';
export { toTargetError } from './errors.js';
export { createSageMakerEndpointTarget, type SageMakerEndpointTargetOptions } from './sagemaker-endpoint.js';
export type { InferenceSettings } from './converse.js';
export * from './types.js';
