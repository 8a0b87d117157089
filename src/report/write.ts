/** Writing reports to disk: every file goes to a temporary name first and is renamed, so a crash never leaves half a file. */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeItemsFile } from '../schema/items.js';
import { SCHEMA_VERSION, type RunResult, type RunSummary } from '../schema/run-result.js';
import { renderHtml, type RenderOptions } from './html.js';
import type { ItemStream } from './item-stream.js';
import { renderJUnit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export interface ReportPaths {
  html: string;
  markdown: string;
  junit: string;
}

export interface WrittenReports extends ReportPaths {
  runJson: string;
  /** The per-item sidecar beside run.json (items.jsonl). */
  items: string;
}

export interface WriteOptions extends RenderOptions {
  /** Indent run.json for people reading it; compact saves about a third on large runs. Default true. */
  prettyJson?: boolean;
}

export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

const TEMP_NAME = /^.+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files a killed writer left in `dir` (`<name>.<pid>.<hex>.tmp` of a process that no longer runs),
 * so a run folder holds only finished files after the next write or a resume. Files of live processes are kept.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** Render all three reports first (so a rendering error writes nothing), then write them. */
export async function writeReportFiles(run: RunSummary, items: ItemStream, outDir: string, options: RenderOptions = {}): Promise<ReportPaths> {
  const rendered = { html: await renderHtml(run, items, options), markdown: renderMarkdown(run), junit: renderJUnit(run) };
  await mkdir(outDir, { recursive: true });
  await removeStaleTempFiles(outDir);
  const paths = { html: join(outDir, 'report.html'), markdown: join(outDir, 'report.md'), junit: join(outDir, 'junit.xml') };
  await writeFileAtomic(paths.html, rendered.html);
  await writeFileAtomic(paths.markdown, rendered.markdown);
  await writeFileAtomic(paths.junit, rendered.junit);
  return paths;
}

/**
 * The per-item sidecar (items.jsonl, one pass over `items`), then run.json naming it with its count and sha256, then
 * the three reports (another pass). run.json is last so that a run.json on disk always names a complete sidecar.
 */
export async function writeReports(run: RunSummary, items: ItemStream, outDir: string, options: WriteOptions = {}): Promise<WrittenReports> {
  await mkdir(outDir, { recursive: true });
  await removeStaleTempFiles(outDir);
  const ref = await writeItemsFile(outDir, items);
  // A caller may hand over an object that still carries items inline (a v1-shaped run built in memory): never copied.
  const { items: _inline, ...summary } = run as RunSummary & { items?: unknown };
  const doc: RunResult = { ...summary, schemaVersion: SCHEMA_VERSION, items: ref };
  const runJson = join(outDir, 'run.json');
  await writeFileAtomic(runJson, `${JSON.stringify(doc, null, options.prettyJson === false ? undefined : 2)}\n`);
  return { runJson, items: join(outDir, ref.path), ...(await writeReportFiles(doc, items, outDir, { betweenPasses: options.betweenPasses })) };
}
