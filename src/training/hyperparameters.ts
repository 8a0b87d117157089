/**
 * Hyperparameter ranges per base-model family (reference/bedrock.md §3, AWS's cm-hp-* pages), checked before a
 * customization job is started: a job refused by Bedrock after the upload costs minutes; a refusal here costs none.
 * Kept client-side on purpose: the same check must hold on AWS, where the emulator's catalog is not there.
 */
import { InputError } from '../util/errors.js';

export interface ParameterRange {
  min: number;
  max: number;
  default: number;
  integer: boolean;
}

export interface FamilyRanges {
  family: string;
  /** Base-id prefixes of the family (without the `:128k` customization suffix). */
  prefixes: string[];
  parameters: Record<string, ParameterRange>;
  /** On-demand custom model deployment exists for this family (Nova); others need provisioned throughput. */
  onDemandDeployment: boolean;
}

const int = (min: number, max: number, def: number): ParameterRange => ({ min, max, default: def, integer: true });
const real = (min: number, max: number, def: number): ParameterRange => ({ min, max, default: def, integer: false });

export const FAMILY_RANGES: readonly FamilyRanges[] = [
  {
    family: 'amazon.nova',
    prefixes: ['amazon.nova-micro', 'amazon.nova-lite', 'amazon.nova-pro', 'amazon.nova-2-lite'],
    parameters: { epochCount: int(1, 5, 2), learningRate: real(1e-6, 1e-4, 1e-5), learningRateWarmupSteps: int(0, 100, 10) },
    onDemandDeployment: true,
  },
  {
    family: 'meta.llama3',
    prefixes: ['meta.llama3-1-', 'meta.llama3-2-', 'meta.llama3-3-'],
    parameters: { epochCount: int(1, 10, 5), batchSize: int(1, 1, 1), learningRate: real(5e-6, 0.1, 1e-4) },
    // Only Llama 3.3 70B has on-demand custom deployment (us-west-2); the others need provisioned throughput.
    onDemandDeployment: false,
  },
  {
    family: 'anthropic.claude-3-haiku',
    prefixes: ['anthropic.claude-3-haiku'],
    parameters: {
      epochCount: int(1, 10, 2),
      batchSize: int(4, 256, 32),
      learningRateMultiplier: real(0.1, 2, 1),
      earlyStoppingThreshold: real(0, 0.1, 0.001),
      earlyStoppingPatience: int(1, 10, 2),
    },
    onDemandDeployment: false,
  },
  {
    family: 'amazon.titan-text-premier',
    prefixes: ['amazon.titan-text-premier'],
    parameters: { epochCount: int(1, 5, 2), batchSize: int(1, 1, 1), learningRate: real(1e-7, 1e-5, 1e-6), learningRateWarmupSteps: int(0, 20, 5) },
    onDemandDeployment: false,
  },
  {
    family: 'amazon.titan-text',
    prefixes: ['amazon.titan-text-express', 'amazon.titan-text-lite'],
    parameters: { epochCount: int(1, 10, 5), batchSize: int(1, 64, 1), learningRate: real(0, 1, 1e-5), learningRateWarmupSteps: int(0, 250, 5) },
    onDemandDeployment: false,
  },
  {
    family: 'cohere.command',
    prefixes: ['cohere.command'],
    parameters: {
      epochCount: int(1, 100, 1),
      batchSize: int(8, 32, 8),
      learningRate: real(5e-6, 0.1, 1e-5),
      earlyStoppingThreshold: real(0, 0.1, 0.01),
      earlyStoppingPatience: int(1, 10, 6),
      evalPercentage: real(5, 50, 20),
    },
    onDemandDeployment: false,
  },
];

/** The family of a base id (`amazon.nova-micro-v1:0:128k`, a foundation-model ARN, or a `us.` profile). */
export function familyOf(baseModelId: string): FamilyRanges | undefined {
  const id = baseModelId.includes('/') ? baseModelId.slice(baseModelId.lastIndexOf('/') + 1) : baseModelId;
  const bare = id.replace(/^(us|eu|apac|global)\./, '');
  return FAMILY_RANGES.find((f) => f.prefixes.some((p) => bare.startsWith(p)));
}

function shortId(baseModelId: string): string {
  return baseModelId.replace(/^.*\//, '').replace(/-v\d.*$/, '');
}

/**
 * Throws an InputError naming the first parameter that is unknown, not a number, not an integer where one is needed,
 * or outside the family's range, e.g. "epochCount 12 is outside 1-5 for amazon.nova-micro".
 * An unknown family passes: Bedrock remains the judge of models this table does not know.
 */
export function checkHyperParameters(baseModelId: string, hyperParameters: Record<string, string | number>, field: string): void {
  const family = familyOf(baseModelId);
  if (!family) return;
  const model = shortId(baseModelId);
  for (const [name, raw] of Object.entries(hyperParameters)) {
    const range = family.parameters[name];
    const at = { field: `${field}.${name}` };
    if (!range) {
      throw new InputError(`${name} is not a hyperparameter of ${model} (supported: ${Object.keys(family.parameters).join(', ')})`, at);
    }
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (String(raw).trim() === '' || !Number.isFinite(value)) throw new InputError(`${name} "${raw}" is not a number`, at);
    if (range.integer && !Number.isInteger(value)) throw new InputError(`${name} ${raw} must be a whole number for ${model}`, at);
    if (value < range.min || value > range.max) {
      throw new InputError(`${name} ${raw} is outside ${range.min}-${range.max} for ${model}`, at);
    }
  }
}
