/**
 * Warnings `ftrag run` prints before it trains or calls anything: held-out items that also appear in the training
 * data (contamination: the fine-tuned score on them measures recall, not generalisation) and references the
 * Knowledge Base documents do not contain (coverage: RAG cannot find those answers). The same checks as
 * `ftrag data check`, on the files the config names.
 */
import type { ExperimentConfig } from '../config/schema.js';
import { checkContamination, type ContaminationReport } from '../datasets/contamination.js';
import { checkCoverage, readKbChunks } from '../datasets/coverage.js';
import { loadTrainingData } from '../datasets/training.js';
import type { EvalSet } from '../datasets/types.js';

const SHOWN = 5;

function firstFew(ids: string[]): string {
  return ids.slice(0, SHOWN).join(', ') + (ids.length > SHOWN ? `, … (${ids.length - SHOWN} more)` : '');
}

/**
 * The test set checked against each fine-tuning training file the config names on disk (data already in S3 is not
 * read back), keyed by the path as the config gives it. Taken once per run: the warnings and run.json share it.
 */
export async function contaminationByTrainingFile(config: ExperimentConfig, evalSet: EvalSet, resolvePath: (p: string) => string): Promise<Map<string, ContaminationReport>> {
  const trainFiles = [...new Set(config.systems.flatMap((s) => (s.training?.trainingData && s.training.customizationType === 'FINE_TUNING' && !s.training.trainingData.startsWith('s3://') ? [s.training.trainingData] : [])))];
  const reports = new Map<string, ContaminationReport>();
  for (const file of trainFiles) reports.set(file, checkContamination(await loadTrainingData(resolvePath(file)), evalSet, { threshold: 0.8 }));
  return reports;
}

export async function dataWarnings(
  config: ExperimentConfig,
  evalSet: EvalSet,
  resolvePath: (p: string) => string,
  contamination?: ReadonlyMap<string, ContaminationReport>,
): Promise<string[]> {
  const lines: string[] = [];
  for (const [file, report] of contamination ?? (await contaminationByTrainingFile(config, evalSet, resolvePath))) {
    const hit = report.exact + report.near;
    if (hit === 0) continue;
    const items = [...new Set(report.pairs.map((p) => p.itemId))];
    const example = report.pairs[0];
    lines.push(
      `warning: contamination: ${hit} of ${report.checked} test items also appear in the training data ${file} (${report.exact} exact, ${report.near} near; e.g. ${example.itemId} ${example.field} = training line ${example.trainingLine}): ` +
        `fine-tuned scores on them measure recall, not generalisation. Items: ${firstFew(items)}. Details: ftrag data check --train ${file} --eval-set ${config.evalSet}`,
    );
  }
  const folders = [...new Set(config.systems.flatMap((s) => (s.knowledgeBase?.documents && !s.knowledgeBase.documents.startsWith('s3://') ? [s.knowledgeBase.documents] : [])))];
  for (const folder of folders) {
    const abs = resolvePath(folder);
    const kb = await readKbChunks(abs);
    const report = checkCoverage(evalSet, { folder: abs, ...kb }, { threshold: 0.8 });
    if (report.missing.length === 0) continue;
    const cats = Object.entries(report.byCategory).filter(([, v]) => v.covered < v.checked).map(([c, v]) => `${c} ${v.covered}/${v.checked}`);
    lines.push(
      `warning: KB coverage: the answers of ${report.missing.length} of ${report.checked} answerable test items are not in the documents of ${folder}` +
        `${cats.length ? ` (covered per category: ${cats.join(', ')})` : ''}: RAG cannot retrieve them. Items: ${firstFew(report.missing)}. Details: ftrag data check --kb ${folder} --eval-set ${config.evalSet}`,
    );
  }
  return lines;
}

/**
 * run.json's contamination check: the first fine-tuning system's training file among `byFile`
 * (contaminationByTrainingFile; continued pre-training has none: its text is documents). Absent when that data is in
 * S3, which is not read back.
 */
export function contaminationOfRun(config: ExperimentConfig, byFile: ReadonlyMap<string, ContaminationReport>): ContaminationReport | undefined {
  const file = config.systems.find((s) => s.training?.trainingData && s.training.customizationType === 'FINE_TUNING')?.training?.trainingData;
  return file === undefined ? undefined : byFile.get(file);
}
