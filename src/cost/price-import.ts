/**
 * `ftrag prices import`: AWS Price List files -> a dated catalog file in ftrag's format. Every entry it writes names
 * the SKU and rate it came from and the rate's effective date; products it cannot map are listed with their SKU, and
 * models of ftrag's table the files do not price are listed as missing. Nothing is filled in from elsewhere unless
 * the caller asks to merge onto another catalog, and then each kept entry keeps its own source.
 */
import { readFile } from 'node:fs/promises';
import { MODELS } from '../models/index.js';
import { InputError } from '../util/errors.js';
import { priceKeyOf } from './catalog.js';
import { entriesFromPriceLists, parsePriceList, type PriceListDocument, type Unmapped } from './price-list.js';
import type { PriceCatalog, PriceEntry } from './types.js';

/** The catalog file `prices import` writes (the format `loadCatalog` reads). */
export interface CatalogFile {
  id: string;
  date: string;
  currency: 'USD';
  description: string;
  customOnDemand?: PriceCatalog['customOnDemand'];
  imports: { file: string; offerCode?: string; version?: string; publicationDate?: string; products: number; rates: number }[];
  unmapped: Unmapped[];
  missing: string[];
  entries: PriceEntry[];
}

export interface ImportResult {
  catalog: CatalogFile;
  imported: number;
  replaced: number;
  kept: number;
}

export async function readPriceLists(files: string[]): Promise<PriceListDocument[]> {
  if (files.length === 0) throw new InputError('give at least one Price List file', { field: 'file' });
  const docs: PriceListDocument[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new InputError(`cannot read Price List file: ${(err as Error).message}`, { file });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InputError(`Price List file is not valid JSON: ${(err as Error).message}`, { file });
    }
    docs.push(parsePriceList(json, file));
  }
  return docs;
}

const key = (e: Pick<PriceEntry, 'modelId' | 'region' | 'unit'>) => `${priceKeyOf(e.modelId)}|${e.region}|${e.unit}`;

export function importPriceLists(docs: PriceListDocument[], opts: { mergeOnto?: PriceCatalog } = {}): ImportResult {
  const { entries, unmapped } = entriesFromPriceLists(docs);
  const dates = [...docs.map((d) => d.publicationDate?.slice(0, 10)), ...entries.map((e) => e.asOf)].filter((d): d is string => !!d && /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  const date = dates.at(-1);
  if (!date) throw new InputError('the Price List files carry no publicationDate or effectiveDate, so the catalog cannot be dated', { file: docs[0].file });
  const imported = new Set(entries.map(key));
  const base = opts.mergeOnto;
  const kept = base ? base.entries.filter((e) => !imported.has(key(e))) : [];
  const replaced = base ? base.entries.length - kept.length : 0;
  const priced = new Set([...entries, ...kept].map((e) => priceKeyOf(e.modelId)));
  const missing = MODELS.filter((m) => !priced.has(priceKeyOf(m.priceId ?? m.modelId))).map((m) => `${m.modelId} (${m.modelName}): no price in ${base ? 'these files or the merged catalog' : 'these files'}`);
  const offers = [...new Set(docs.map((d) => d.offerCode).filter(Boolean))].join(', ') || 'unknown offer';
  const catalog: CatalogFile = {
    id: `aws-price-list-${date}`,
    date,
    currency: 'USD',
    description: `Imported by ftrag prices import from AWS Price List files (${offers}); each imported entry names its SKU, rate and effective date.${base ? ` Entries the files do not price are kept from catalog ${base.id} (${base.date}) with their own sources.` : ''}`,
    customOnDemand: base?.customOnDemand,
    imports: docs.map((d) => ({ file: d.file, offerCode: d.offerCode, version: d.version, publicationDate: d.publicationDate, products: d.products.length, rates: d.rates.length })),
    unmapped,
    missing,
    entries: [...entries, ...kept.map((e) => ({ ...e }))].sort((a, b) => key(a).localeCompare(key(b))),
  };
  if (!catalog.customOnDemand) delete catalog.customOnDemand;
  return { catalog, imported: entries.length, replaced, kept: kept.length };
}
