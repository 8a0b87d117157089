/**
 * Warnings `ftrag run` prints before it trains or calls anything: held-out items that also appear in the training
 * data (contamination: the fine-tuned score on them measures recall, not generalisation) and references the
 * Knowledge Base documents do not contain (coverage: RAG cannot find those answers). The same checks as
 * `ftrag data check`, on the files the config names.
 */
import type { ExperimentConfig } from '../config/schema.js';
import { checkContamination, type ContaminationReport } from '../datasets/contamination.js';
import { resolveConfigPath } from '../config/load.js';
import { checkCoverage, readKbChunks } from '../datasets/coverage.js';
import { loadTrainingData } from '../datasets/training.js';
import type { EvalSet } from '../datasets/types.js';

const SHOWN = 5;

function firstFew(ids: string[]): string {
  return ids.slice(0, SHOWN).join(', ') + (ids.length > SHOWN ? `, … (${ids.length - SHOWN} more)` : '');
}

export async function dataWarnings(config: ExperimentConfig, evalSet: EvalSet, resolvePath: (p: string) => string): Promise<string[]> {
  const lines: string[] = [];
  const trainFiles = [...new Set(config.systems.flatMap((s) => (s.training?.trainingData && s.training.customizationType === 'FINE_TUNING' && !s.training.trainingData.startsWith('s3://') ? [s.training.trainingData] : [])))];
  for (const file of trainFiles) {
    const report = checkContamination(await loadTrainingData(resolvePath(file)), evalSet, { threshold: 0.8 });
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
 * run.json's contamination check: the test prompts against the first fine-tuning system's training prompts
 * (continued pre-training has none: its text is documents). Training data already in S3 is not read back, as for the
 * warnings above: the check is then absent rather than a failed run.
 */
export async function contaminationOfRun(config: ExperimentConfig, evalSet: EvalSet, baseDir: string): Promise<ContaminationReport | undefined> {
  const trainingSpec = config.systems.find((s) => s.training?.trainingData && s.training.customizationType === 'FINE_TUNING')?.training;
  return trainingSpec?.trainingData && !trainingSpec.trainingData.startsWith('s3://')
    ? checkContamination(await loadTrainingData(resolveConfigPath(trainingSpec.trainingData, baseDir)), evalSet, { threshold: 0.8 })
    : undefined;
}
