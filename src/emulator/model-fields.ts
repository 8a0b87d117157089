/**
 * `additionalModelRequestFields`: Converse passes them to the model, and each model family refuses keys it does not
 * know, in its own words. The keys listed here are the ones each family's native request accepts beyond Converse's
 * inferenceConfig.
 */
import type { CatalogModel } from './catalog.js';
import { validation } from './http-util.js';

type Family = 'nova' | 'anthropic' | 'meta' | 'titan' | 'other';

export function familyOf(model: CatalogModel): Family {
  if (model.modelId.startsWith('amazon.nova')) return 'nova';
  if (model.modelId.startsWith('anthropic.')) return 'anthropic';
  if (model.modelId.startsWith('meta.')) return 'meta';
  if (model.modelId.startsWith('amazon.titan')) return 'titan';
  return 'other';
}

/** Nested allowed keys per family: `true` = any value, an object = that object's allowed keys. */
type Allowed = { [key: string]: true | Allowed };

const ADDITIONAL: Record<Family, Allowed> = {
  nova: { inferenceConfig: { topK: true } },
  anthropic: { top_k: true, anthropic_beta: true },
  meta: {},
  titan: {},
  other: {},
};

/** Bedrock's "Malformed input request" text for an unexpected key at a JSON path (`#` = the root). */
export function extraneousKey(path: string, key: string): Error {
  return validation(`Malformed input request: ${path}: extraneous key [${key}] is not permitted, please reformat your input and try again.`);
}

export function checkAdditionalFields(fields: unknown, model: CatalogModel): void {
  if (fields === undefined || fields === null) return;
  if (typeof fields !== 'object' || Array.isArray(fields)) throw validation('The model returned the following errors: additionalModelRequestFields must be a JSON object.');
  const family = familyOf(model);
  const walk = (obj: Record<string, unknown>, allowed: Allowed, path: string): void => {
    for (const [key, value] of Object.entries(obj)) {
      const rule = allowed[key];
      if (rule === undefined) {
        if (family === 'anthropic') throw validation(`The model returned the following errors: ${path === '#' ? '' : `${path.slice(2).replace(/\//g, '.')}.`}${key}: Extra inputs are not permitted`);
        throw extraneousKey(path, key);
      }
      if (rule !== true && value && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, rule, `${path}/${key}`);
    }
  };
  walk(fields as Record<string, unknown>, ADDITIONAL[family], '#');
}
