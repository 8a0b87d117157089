/**
 * The run folder's own bookkeeping: what a run started with (run-state.json), what a resume must find unchanged
 * (resolved config, eval set, price catalog), and the refusal to write into a folder that already holds ftrag output.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../util/errors.js';

export const RUN_STATE_FILE = 'run-state.json';

/** Files that mark a folder as holding ftrag output (a run's or a copied baseline's). */
export const FTRAG_OUTPUT_FILES = ['run.json', 'report.html', 'report.md', 'junit.xml', 'journal.jsonl', RUN_STATE_FILE];

export interface Snapshot {
  runId: string;
  configFile: string;
  overrides: Record<string, unknown>;
  limit?: number;
  evalSetSha256: string;
  createdAt: string;
  /** The resolved config the run started with (absent in folders written before this check existed). */
  resolvedConfig?: unknown;
  priceCatalog?: { id: string; date: string; sha256: string };
}

/** The output folder, created when missing; a file in its place is a usage error, not a crash. */
export async function makeOutDir(outDir: string): Promise<void> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new InputError('--out names a file, not a folder', { file: outDir });
  try {
    await mkdir(outDir, { recursive: true });
  } catch (err) {
    throw new InputError(`cannot create the output folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file: outDir });
  }
}

/** A new run never writes over another run's files or a copied baseline. */
export function refuseExistingOutput(outDir: string): void {
  const found = FTRAG_OUTPUT_FILES.filter((f) => existsSync(join(outDir, f)));
  if (found.length === 0) return;
  const hint = found.includes(RUN_STATE_FILE) ? `use --resume ${outDir} to finish it, or another --out` : 'choose another --out';
  throw new InputError(`already holds ftrag output (${found.join(', ')}); nothing was overwritten: ${hint}`, { file: outDir });
}

export async function readSnapshot(dir: string): Promise<Snapshot> {
  const file = join(dir, RUN_STATE_FILE);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Snapshot;
  } catch (err) {
    throw new InputError(`cannot resume: ${(err as Error).message}`, { file });
  }
}

export async function writeSnapshot(dir: string, snapshot: Snapshot): Promise<void> {
  const file = join(dir, RUN_STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(snapshot, null, 2)}\n`);
  await rename(tmp, file);
}

export function sha256Of(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('hex');
}

/** Leaf paths where two JSON values differ (first few), e.g. `systems.0.modelId`. */
export function differingPaths(a: unknown, b: unknown, path = '', out: string[] = [], max = 6): string[] {
  if (out.length >= max) return out;
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) differingPaths(a[k], b[k], path ? `${path}.${k}` : k, out, max);
    return out;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(path || '(whole config)');
  return out;
}

/** Refuses a resume whose answers would mix two configs, eval sets or price catalogs; names what changed. */
export function checkResumable(
  snapshot: Snapshot,
  current: { resolvedConfig: unknown; evalSetSha256: string; priceCatalog: { id: string; date: string; sha256: string } },
  files: { config: string; evalSet: string },
): void {
  if (snapshot.evalSetSha256 !== current.evalSetSha256) {
    throw new InputError(
      `the eval set changed since this run started (sha256 ${snapshot.evalSetSha256.slice(0, 12)}… → ${current.evalSetSha256.slice(0, 12)}…); start a new run`,
      { file: files.evalSet },
    );
  }
  if (snapshot.resolvedConfig !== undefined) {
    const changed = differingPaths(snapshot.resolvedConfig, current.resolvedConfig);
    if (changed.length) {
      throw new InputError(`the config changed since this run started (${changed.join(', ')}); a resume would mix answers from both: start a new run`, {
        file: files.config,
      });
    }
  }
  const was = snapshot.priceCatalog;
  if (was && was.sha256 !== current.priceCatalog.sha256) {
    throw new InputError(
      `the price catalog changed since this run started (${was.id} ${was.date} → ${current.priceCatalog.id} ${current.priceCatalog.date}); start a new run or re-price with ftrag report`,
      { file: files.config, field: 'pricing' },
    );
  }
}
