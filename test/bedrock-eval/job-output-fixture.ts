/**
 * Writes what an Amazon Bedrock Evaluations job would write to S3 for the datasets `ftrag export bedrock-eval` made,
 * in the documented layout and record shapes (user guide: model-evaluation-report-s3 for the folder layout and the
 * model-evaluation record `{automatedEvaluationResult: {scores: [{metricName, result}]}, inputRecord, modelResponses}`;
 * RAG evaluation records `{conversationTurns: [{inputRecord, output, results: [{metricName, result,
 * evaluatorDetails}]}]}`). The judge here is a stand-in: it is given a score per (item, system) by the test.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportManifest } from '../../src/bedrock-eval/export.js';

export type Judge = (itemId: string, system: string, metricName: string) => number | null;

export interface FixtureJob {
  /** Folder the job output was synced to. */
  dir: string;
  files: string[];
}

/** One job per exported file: `<root>/<job>/<uuid>/models/<system>/taskTypes/General/datasets/<name>/<uuid>_output.jsonl`. */
export function writeJobOutput(
  exportDir: string,
  manifest: ExportManifest,
  root: string,
  judge: Judge,
  metricsFor: (jobType: string) => string[],
  edit: (records: Record<string, unknown>[], file: string) => Record<string, unknown>[] = (r) => r,
): FixtureJob {
  const files: string[] = [];
  manifest.files.forEach((f, n) => {
    const lines = readFileSync(join(exportDir, f.file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const metrics = metricsFor(f.jobType);
    const uuid = `0000000000${n}`.slice(-12);
    const scores = (k: number) =>
      metrics.map((metricName) => ({
        metricName,
        result: judge(f.itemIds[k], f.system, metricName),
        evaluatorDetails: [{ modelIdentifier: 'amazon.nova-pro-v1:0', explanation: `judged ${metricName} for line ${k + 1}` }],
      }));
    let records: Record<string, unknown>[];
    if (f.jobType === 'model-evaluation') {
      records = lines.map((line, k) => {
        const { modelResponses, ...inputRecord } = line;
        return { automatedEvaluationResult: { scores: scores(k) }, inputRecord, modelResponses };
      });
    } else {
      records = lines.map((line, k) => {
        const turn = line.conversationTurns[0];
        return { conversationTurns: [{ inputRecord: { prompt: turn.prompt, referenceResponses: turn.referenceResponses }, output: turn.output, results: scores(k) }] };
      });
    }
    const dir = join(root, `ftrag-${f.system}-job`, uuid, 'models', f.system, 'taskTypes', 'General', 'datasets', f.file.replace(/\.jsonl$/, '').replace(/\./g, '-'));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${uuid}_output.jsonl`);
    writeFileSync(file, `${edit(records, f.file).map((r) => JSON.stringify(r)).join('\n')}\n`);
    files.push(file);
  });
  return { dir: root, files };
}

/** A 5-point judge scale normalised to 0..1, as Bedrock reports its judge metrics. */
export const likert = (x: number) => Math.round(Math.max(0, Math.min(1, x)) * 4) / 4;
