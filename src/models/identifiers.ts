/**
 * The identifier forms Bedrock accepts per call (reference/bedrock.md §1 "What modelId may be"), and the names ftrag
 * gives the resources it creates, derived to AWS's patterns and lengths.
 */
import { modelFacts } from './index.js';

export type ModelIdForm =
  | 'base-id'
  | 'foundation-model-arn'
  | 'inference-profile-id'
  | 'inference-profile-arn'
  | 'application-inference-profile-arn'
  | 'provisioned-model-arn'
  | 'custom-model-deployment-arn'
  | 'custom-model-arn'
  | 'imported-model-arn'
  | 'unknown-arn';

const ARN = /^arn:aws(-[a-z]+)*:bedrock:[a-z0-9-]+:(\d{12})?:([a-z-]+)\/(.+)$/;
const GEO = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

export function modelIdForm(id: string): ModelIdForm {
  const arn = ARN.exec(id);
  if (!arn) return GEO.test(id) ? 'inference-profile-id' : 'base-id';
  const [, , account, type, rest] = arn;
  const hasAccount = account !== undefined;
  switch (type) {
    case 'foundation-model':
      return hasAccount ? 'unknown-arn' : 'foundation-model-arn';
    case 'inference-profile':
      return hasAccount ? 'inference-profile-arn' : 'unknown-arn';
    case 'application-inference-profile':
      return hasAccount && /^[a-z0-9]+$/.test(rest) ? 'application-inference-profile-arn' : 'unknown-arn';
    case 'provisioned-model':
      return hasAccount && /^[a-z0-9]+$/.test(rest) ? 'provisioned-model-arn' : 'unknown-arn';
    case 'custom-model-deployment':
      return hasAccount && /^[a-z0-9]{12}$/.test(rest) ? 'custom-model-deployment-arn' : 'unknown-arn';
    case 'custom-model':
      return 'custom-model-arn';
    case 'imported-model':
      return 'imported-model-arn';
    default:
      return 'unknown-arn';
  }
}

const CONVERSE_FORMS = 'a base model id, an inference profile (id or ARN), a provisioned-model ARN or a custom-model-deployment ARN';

/**
 * Why Converse (the runtime modelId) would refuse this identifier, or undefined when its form is one Bedrock
 * accepts. Checked before anything is billed.
 */
export function converseModelIdProblem(id: string): string | undefined {
  const form = modelIdForm(id);
  switch (form) {
    case 'custom-model-arn':
      return 'a custom-model ARN cannot be invoked on demand (Bedrock refuses it): use its provisioned-model or custom-model-deployment ARN, or give "training" so ftrag deploys it';
    case 'imported-model-arn':
      return 'the Converse API does not support imported models';
    case 'unknown-arn':
      return `not an ARN form Bedrock accepts as modelId; use ${CONVERSE_FORMS}`;
    case 'base-id':
    case 'inference-profile-id': {
      const facts = modelFacts(id);
      const bare = id.replace(GEO, '');
      if (facts && bare !== facts.modelId) return `"${id}" is a customization base id (context-window suffix); invoke ${facts.modelId} instead`;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Why CreateModelCustomizationJob would refuse this base model, when the model table knows it. */
export function customizationProblem(baseModelId: string, customizationType: string): string | undefined {
  const form = modelIdForm(baseModelId);
  if (form !== 'base-id' && form !== 'foundation-model-arn') return `baseModelIdentifier must be a base model id or foundation-model ARN, not a ${form}`;
  const facts = modelFacts(baseModelId);
  if (!facts) return undefined; // Bedrock remains the judge of models the table does not know
  if (!facts.customizationsSupported.includes(customizationType as never)) {
    return `${facts.modelId} does not support ${customizationType} (supported: ${facts.customizationsSupported.join(', ') || 'none'})`;
  }
  return undefined;
}

/**
 * Resource names ftrag creates. AWS's patterns (API reference, CreateModelCustomizationJob and friends):
 * jobName and customModelName `[a-zA-Z0-9](-*[a-zA-Z0-9\+\-\.])*` up to 63; provisionedModelName and
 * modelDeploymentName `([0-9a-zA-Z][_-]?)+` up to 63; KB and data source names `([0-9a-zA-Z][_-]?){1,100}`.
 * A system id may hold `.` and `_`, so it is mapped to letters, digits and single dashes, and the name is cut to
 * fit while keeping the uniquifying suffix.
 */
export type ResourceKind = 'jobName' | 'customModelName' | 'provisionedModelName' | 'modelDeploymentName' | 'knowledgeBaseName' | 'dataSourceName' | 'batchJobName';

export const RESOURCE_NAME_RULES: Record<ResourceKind, { pattern: RegExp; maxLength: number }> = {
  jobName: { pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9+\-.])*$/, maxLength: 63 },
  customModelName: { pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9+\-.])*$/, maxLength: 63 },
  provisionedModelName: { pattern: /^([0-9a-zA-Z][_-]?)+$/, maxLength: 63 },
  modelDeploymentName: { pattern: /^([0-9a-zA-Z][_-]?)+$/, maxLength: 63 },
  knowledgeBaseName: { pattern: /^([0-9a-zA-Z][_-]?){1,100}$/, maxLength: 100 },
  dataSourceName: { pattern: /^([0-9a-zA-Z][_-]?){1,100}$/, maxLength: 100 },
  // CreateModelInvocationJob jobName: `[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}`
  batchJobName: { pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9+\-.])*$/, maxLength: 63 },
};

/** `ftrag-<system id>-<suffix>` in AWS's pattern for that resource, at most its length. */
export function resourceName(kind: ResourceKind, systemId: string, suffix: string): string {
  const rule = RESOURCE_NAME_RULES[kind];
  const clean = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const tail = clean(suffix);
  const room = rule.maxLength - 'ftrag-'.length - (tail ? tail.length + 1 : 0);
  const id = clean(systemId).slice(0, Math.max(0, room)).replace(/-+$/, '');
  const name = ['ftrag', id, tail].filter(Boolean).join('-');
  if (!rule.pattern.test(name) || name.length > rule.maxLength) throw new Error(`derived ${kind} "${name}" does not fit AWS's pattern`);
  return name;
}
