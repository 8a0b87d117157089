import { readFile } from 'node:fs/promises';
import { InputError } from './errors.js';
import { RunResult, SCHEMA_VERSION } from './run-result.js';

/** Migrations from older schema versions, keyed by the version they upgrade from. v1 is the first. */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {};

/** Validate a parsed run.json: migrate older versions, refuse newer ones. */
export function parseRunResult(doc: unknown, file = 'run.json'): RunResult {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError('not a run.json object', { file });
  }
  let current = doc as Record<string, unknown>;
  const version = current.schemaVersion;
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
    current = migrate(current);
  }
  const parsed = RunResult.safeParse(current);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`invalid run.json: ${issue.message}`, { file, field: issue.path.join('.') });
  }
  return parsed.data;
}

export async function readRunResult(file: string): Promise<RunResult> {
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
  return parseRunResult(doc, file);
}
