/** The one place the report-scale bench calls the report, so the bench follows the report's entry point. */
import { writeFile } from 'node:fs/promises';
import { itemStreamOf, renderHtml } from '../src/report/index.js';
import type { ItemResult, RunSummary } from '../src/schema/run-result.js';

export async function renderReportHtml(run: RunSummary, items: ItemResult[], file: string): Promise<void> {
  await writeFile(file, await renderHtml(run, itemStreamOf(items)));
}
