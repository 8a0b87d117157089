/**
 * Hyperparameter ranges per base-model family (from the one model table, src/models), checked before a
 * customization job is started: a job refused by Bedrock after the upload costs minutes; a refusal here costs none.
 * Kept client-side on purpose: the same check must hold on AWS, where the emulator is not there.
 */
import { InputError } from '../util/errors.js';
import { familyOf } from '../models/index.js';

export { familyOf } from '../models/index.js';
export type { ParameterRange, FamilyFacts } from '../models/index.js';

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
    const range = family.hyperParameters[name];
    const at = { field: `${field}.${name}` };
    if (!range) {
      throw new InputError(`${name} is not a hyperparameter of ${model} (supported: ${Object.keys(family.hyperParameters).join(', ')})`, at);
    }
    const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
    if (String(raw).trim() === '' || !Number.isFinite(value)) throw new InputError(`${name} "${raw}" is not a number`, at);
    if (range.integer && !Number.isInteger(value)) throw new InputError(`${name} ${raw} must be a whole number for ${model}`, at);
    if (value < range.min || value > range.max) {
      throw new InputError(`${name} ${raw} is outside ${range.min}-${range.max} for ${model}`, at);
    }
  }
}
