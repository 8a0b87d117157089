import { lstat, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { writeReports, type WriteOptions } from '../report/index.js';
import type { ItemStream } from '../schema/items.js';
import type { RunSummary } from '../schema/run-result.js';

/** Writes items.jsonl, run.json and the reports; when the run lives in <cwd>/reports/, points reports/latest at it. */
export async function writeAllReports(run: RunSummary, items: ItemStream, outDir: string, cwd: string, options: WriteOptions = {}): Promise<string> {
  const written = await writeReports(run, items, outDir, options);
  const reportsDir = resolve(cwd, 'reports');
  if (dirname(resolve(outDir)) === reportsDir && basename(outDir) !== 'latest') {
    const latest = join(reportsDir, 'latest');
    try {
      const st = await lstat(latest).catch(() => undefined);
      if (st?.isSymbolicLink()) await rm(latest);
      if (!st || st.isSymbolicLink()) await symlink(relative(reportsDir, resolve(outDir)), latest, 'dir');
    } catch {
      // A file system without symlinks just has no reports/latest; the run's own folder is complete.
    }
  }
  return written.runJson;
}
