/**
 * The price catalog: dated, sourced Bedrock prices (prices/bedrock-catalog.json), replaceable by a user file and
 * overridable entry by entry. Lookups normalize model ids so that a base id, a customization id with a context
 * suffix (`amazon.nova-micro-v1:0:128k`), a cross-Region profile (`us.amazon.nova-micro-v1:0`) and a
 * foundation-model ARN all find the same entry.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { InputError } from '../util/errors.js';
import { customOnDemandSupport as modelOnDemandSupport, priceIdOf } from '../models/index.js';
import type { PriceCatalog, PriceEntry, PriceOverride } from './types.js';

/** src/cost and dist/cost are both two levels below the package root, where prices/ ships. */
export const BUNDLED_CATALOG_PATH = fileURLToPath(new URL('../../prices/bedrock-catalog.json', import.meta.url));
/** SageMaker instance-hour prices, merged into the bundled catalog (a user's own catalog replaces both). */
export const BUNDLED_SAGEMAKER_CATALOG_PATH = fileURLToPath(new URL('../../prices/sagemaker-catalog.json', import.meta.url));

const EntrySchema = z.object({
  modelId: z.string().min(1),
  region: z.string().min(1),
  unit: z.string().min(1),
  price: z.number().nonnegative(),
  source: z.string().min(1),
  asOf: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'a date YYYY-MM-DD (or YYYY-MM, YYYY)'),
  unverified: z.boolean().optional(),
  note: z.string().optional(),
});

const CatalogSchema = z.object({
  id: z.string().min(1),
  date: z.string().min(1),
  currency: z.literal('USD'),
  description: z.string().optional(),
  customOnDemand: z
    .object({
      launchDate: z.string(),
      source: z.string(),
      note: z.string().optional(),
      models: z.array(z.object({ modelId: z.string(), regions: z.array(z.string()) })),
    })
    .optional(),
  entries: z.array(EntrySchema),
});

const GEO_PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/**
 * The key prices are filed under: provider.model-name without version or context suffix. ARNs of foundation models
 * and inference profiles reduce to their model id; custom-model, provisioned and deployment ARNs do not name a base
 * model and are returned unchanged (price them through `pricingModelId`).
 */
export function priceKeyOf(modelId: string): string {
  let id = modelId.trim();
  const arn = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(foundation-model|inference-profile)\/(.+)$/.exec(id);
  if (arn) id = arn[2];
  else if (id.startsWith('arn:')) return id;
  id = id.replace(GEO_PROFILE_PREFIX, '');
  const colon = id.indexOf(':');
  return (colon >= 0 ? id.slice(0, colon) : id).toLowerCase();
}

/** True when the id names a custom model, provisioned throughput or deployment rather than a base model. */
export function isCustomModelArn(modelId: string): boolean {
  return /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(custom-model|provisioned-model|custom-model-deployment|imported-model)\//.test(modelId);
}

/** Exact Region first, then a Region-agnostic (`*`) entry. */
export function priceOf(catalog: PriceCatalog, modelId: string, unit: string, region: string): PriceEntry | undefined {
  // The model table (src/models) names the id each model's prices are filed under; ids it does not know are used as given.
  const key = priceKeyOf(priceIdOf(modelId) ?? modelId);
  const matches = catalog.entries.filter((e) => e.unit === unit && priceKeyOf(e.modelId) === key);
  return matches.find((e) => e.region === region) ?? matches.find((e) => e.region === '*');
}

/**
 * Whether a custom model of this base can be deployed on demand in this Region, and why not when it cannot. The fact
 * is the model table's (src/models); the catalog argument is kept so callers need not change.
 */
export function customOnDemandSupport(
  _catalog: PriceCatalog,
  baseModelId: string,
  region: string,
): { supported: boolean; reason: string; launchDate?: string } {
  return modelOnDemandSupport(baseModelId, region);
}

export async function loadCatalog(file?: string, overrides: PriceOverride[] = []): Promise<PriceCatalog> {
  const catalog = await readCatalog(file ?? BUNDLED_CATALOG_PATH, file ?? 'bundled');
  if (!file) catalog.entries.push(...(await readCatalog(BUNDLED_SAGEMAKER_CATALOG_PATH, 'bundled')).entries);
  return applyOverrides(catalog, overrides);
}

async function readCatalog(path: string, label: string): Promise<PriceCatalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read price catalog: ${(err as Error).message}`, { file: path });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`price catalog is not valid JSON: ${(err as Error).message}`, { file: path });
  }
  const parsed = CatalogSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    throw new InputError(issue.message, { file: path, field });
  }
  return { ...parsed.data, file: label, entries: parsed.data.entries.map((e) => ({ ...e })), overrides: [] };
}

/** Returns a new catalog in which each override replaces the matching entry (or adds one) and is recorded. */
export function applyOverrides(catalog: PriceCatalog, overrides: PriceOverride[]): PriceCatalog {
  const entries = catalog.entries.map((e) => ({ ...e }));
  const notes = [...catalog.overrides];
  overrides.forEach((o, i) => {
    if (!Number.isFinite(o.price) || o.price < 0) {
      throw new InputError('price must be a number >= 0', { field: `pricing.overrides[${i}].price` });
    }
    const region = o.region ?? catalog.entries.find((e) => priceKeyOf(e.modelId) === priceKeyOf(o.modelId) && e.unit === o.unit)?.region ?? '*';
    const replacement: PriceEntry = {
      modelId: o.modelId,
      region,
      unit: o.unit,
      price: o.price,
      source: o.source ?? 'user override',
      asOf: o.asOf ?? new Date().toISOString().slice(0, 10),
      overridden: true,
    };
    const at = entries.findIndex((e) => e.unit === o.unit && e.region === region && priceKeyOf(e.modelId) === priceKeyOf(o.modelId));
    const before = at >= 0 ? String(entries[at].price) : 'none';
    if (at >= 0) entries[at] = replacement;
    else entries.push(replacement);
    notes.push(`${o.modelId} ${o.unit} ${region}: ${before} -> ${o.price} (${replacement.source})`);
  });
  return { ...catalog, entries, overrides: notes };
}

/** The catalog's identity as run.json records it. */
export function catalogSummary(catalog: PriceCatalog): { id: string; date: string; overrides: string[]; unverified: string[] } {
  return {
    id: catalog.id,
    date: catalog.date,
    overrides: [...catalog.overrides],
    unverified: catalog.entries.filter((e) => e.unverified && !e.overridden).map((e) => `${e.modelId} ${e.unit} ${e.region}`),
  };
}
