import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { InputError } from './errors.js';
import { ITEMS_FILE, ItemResult, RunResult, SCHEMA_VERSION } from './run-result.js';

/**
 * A parsed run.json. A v1 file held its items inline: they are kept here (validated) in place of the sidecar, and the
 * migrated `items` reference carries the count and sha256 the sidecar would have (`itemsJsonl`'s bytes).
 */
export interface ParsedRun {
  run: RunResult;
  inlineItems?: ItemResult[];
}

/** The sidecar's bytes for these items: one JSON line each. The writer and the v1 migration both use this. */
export function itemLine(item: ItemResult): string {
  return `${JSON.stringify(item)}\n`;
}

interface Migrated {
  doc: Record<string, unknown>;
  inlineItems?: ItemResult[];
}

/** v1 -> v2: inline items move out of the document (validated here, so a bad item names its index). */
function migrateV1(doc: Record<string, unknown>, file: string): Migrated {
  const raw = doc.items;
  if (!Array.isArray(raw)) throw new InputError('a schemaVersion 1 run.json needs an items array', { file, field: 'items' });
  const hash = createHash('sha256');
  const inlineItems = raw.map((value, k) => {
    const parsed = ItemResult.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`invalid item: ${issue.message}`, { file, field: ['items', k, ...issue.path].join('.') });
    }
    hash.update(itemLine(parsed.data));
    return parsed.data;
  });
  return { doc: { ...doc, schemaVersion: 2, items: { path: ITEMS_FILE, count: inlineItems.length, sha256: hash.digest('hex') } }, inlineItems };
}

/** Migrations from older schema versions, keyed by the version they upgrade from. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>, file: string) => Migrated> = { 1: migrateV1 };

/** Validate a parsed run.json: migrate older versions, refuse newer ones. */
export function parseRun(doc: unknown, file = 'run.json'): ParsedRun {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError('not a run.json object', { file });
  }
  let current: Migrated = { doc: doc as Record<string, unknown> };
  const version = current.doc.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new InputError('missing or non-integer schemaVersion', { file, field: 'schemaVersion' });
  }
  if (version > SCHEMA_VERSION) {
    throw new InputError(
      `schemaVersion ${version} is newer than this ftrag understands (${SCHEMA_VERSION}); upgrade ftrag to read it`,
      { file, field: 'schemaVersion' },
    );
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) throw new InputError(`no migration from schemaVersion ${v}`, { file, field: 'schemaVersion' });
    const next = migrate(current.doc, file);
    current = { doc: next.doc, inlineItems: next.inlineItems ?? current.inlineItems };
  }
  const parsed = RunResult.safeParse(current.doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`invalid run.json: ${issue.message}`, { file, field: issue.path.join('.') });
  }
  return { run: parsed.data, ...(current.inlineItems ? { inlineItems: current.inlineItems } : {}) };
}

export function parseRunResult(doc: unknown, file = 'run.json'): RunResult {
  return parseRun(doc, file).run;
}

export async function readRunFile(file: string): Promise<ParsedRun> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read run.json: ${(err as Error).message}`, { file });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`not valid JSON: ${(err as Error).message}`, { file });
  }
  return parseRun(doc, file);
}

/** run.json's summary (validated, migrated); its items are read with runItems / readRunItems. */
export async function readRunResult(file: string): Promise<RunResult> {
  return (await readRunFile(file)).run;
}
