/** Writing reports to disk: every file goes to a temporary name first and is renamed, so a crash never leaves half a file. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunResult } from '../schema/run-result.js';
import { renderHtml } from './html.js';
import { renderJUnit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export interface ReportPaths {
  html: string;
  markdown: string;
  junit: string;
}

export interface WrittenReports extends ReportPaths {
  runJson: string;
}

export interface WriteOptions {
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

/** Render all three reports first (so a rendering error writes nothing), then write them. */
export async function writeReportFiles(run: RunResult, outDir: string): Promise<ReportPaths> {
  const rendered = { html: renderHtml(run), markdown: renderMarkdown(run), junit: renderJUnit(run) };
  await mkdir(outDir, { recursive: true });
  const paths = { html: join(outDir, 'report.html'), markdown: join(outDir, 'report.md'), junit: join(outDir, 'junit.xml') };
  await writeFileAtomic(paths.html, rendered.html);
  await writeFileAtomic(paths.markdown, rendered.markdown);
  await writeFileAtomic(paths.junit, rendered.junit);
  return paths;
}

/** run.json plus the three reports into outDir. */
export async function writeReports(run: RunResult, outDir: string, options: WriteOptions = {}): Promise<WrittenReports> {
  const json = `${JSON.stringify(run, null, options.prettyJson === false ? undefined : 2)}\n`;
  await mkdir(outDir, { recursive: true });
  const runJson = join(outDir, 'run.json');
  await writeFileAtomic(runJson, json);
  return { runJson, ...(await writeReportFiles(run, outDir)) };
}
