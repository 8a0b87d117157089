/**
 * A sweep's validation evidence, never the test set: the configured validation file, or a split of the training
 * data made with `ftrag data split`'s logic (seeded, near-duplicate prompts kept on one side), and, for score-based
 * rules, every point asked the validation records through an on-demand deployment and scored against them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { SystemSpec } from '../config/schema.js';
import { checkSweepSpec } from '../training/sweep.js';
export { checkSweepSpec };
import { loadTrainingData } from '../datasets/training.js';
import { splitDataset } from '../datasets/split.js';
import type { EvalItem } from '../datasets/types.js';
import type { SweepResult } from '../schema/run-result.js';
import { isBinaryValues, summarizeMetric } from '../stats/summarize.js';
import { needsScores, ruleCriteria } from '../training/sweep-select.js';
import { countTokens } from '../util/tokenizer.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { InputError } from '../util/errors.js';

export interface SweepValidation {
  /** Paths as the points' training section takes them (absolute for a split). */
  trainingData: string;
  validationData: string;
  info: NonNullable<SweepResult['validation']>;
}

/** The validation file, or the split of the training data written under `dir` (same bytes for the same data and seed). */
export async function sweepValidation(spec: SystemSpec, opts: { resolvePath: (p: string) => string; dir: string; seed: number }): Promise<SweepValidation> {
  const training = spec.training!;
  const share = training.sweep!.validationSplit;
  // The config loader refuses a sweep without trainingData (fromDocuments); this is its type-level guard.
  if (training.trainingData === undefined) throw new InputError('a sweep trains from trainingData', { field: `systems.${spec.id}.training.sweep` });
  if (share === undefined) {
    const data = await loadTrainingData(opts.resolvePath(training.validationData!));
    return { trainingData: training.trainingData, validationData: training.validationData!, info: { source: 'file', records: data.records.length } };
  }
  const source = opts.resolvePath(training.trainingData);
  const bytes = await readFile(source).catch((err: Error) => {
    throw new InputError(`cannot read ${source}: ${err.message}`, { field: `systems.${spec.id}.training.trainingData` });
  });
  const tag = createHash('sha256').update(bytes).update(`${share}|${opts.seed}`).digest('hex').slice(0, 12);
  const dir = join(opts.dir, `sweep-split-${spec.id}-${tag}`);
  await mkdir(dir, { recursive: true });
  // splitDataset's held-out side is called test; for the sweep it is the validation split of the training data.
  const split = await splitDataset(source, { test: share, seed: opts.seed, outDir: dir });
  if (split.counts.test === 0 || split.counts.train === 0) {
    throw new InputError(`sweep.validationSplit ${share} of ${split.counts.train + split.counts.test} training records leaves one side empty`, { field: `systems.${spec.id}.training.sweep.validationSplit` });
  }
  const validationData = split.files.test!.replace(/\.test(\.[^.]+)$/, '.validation$1');
  await rename(split.files.test!, validationData);
  return { trainingData: split.files.train!, validationData, info: { source: 'split', records: split.counts.test, trainingRecords: split.counts.train } };
}

/** The validation records as items scored against their completions (CPT records have none and are skipped). */
export async function validationItems(file: string): Promise<EvalItem[]> {
  const data = await loadTrainingData(file);
  return data.records
    .filter((r) => r.completion.trim() !== '')
    .map((r) => ({ id: `validation-${r.line}`, prompt: r.prompt, system: r.system, references: [r.completion] }));
}

/** Mean and 95% interval of one point's validation scores (Wilson for 0/1 scores, else a seeded bootstrap). */
export function pointScore(metric: string, values: Map<string, number | null>, seed: number): NonNullable<SweepResult['points'][number]['validationScore']> {
  const xs = [...values.values()].filter((v): v is number => typeof v === 'number');
  const s = summarizeMetric(xs, { binary: isBinaryValues(xs), seed, resamples: 2000 });
  return { metric, mean: s.mean, ci95: s.ci95, n: s.n, method: s.method ?? 'none' };
}

/**
 * What `ftrag plan` shows of a sweep's selection before anything is trained: the rule, and for a score-based rule
 * one on-demand deployment per point and the validation calls (points x records; input = the prompts' tokens,
 * output estimated by the completions' tokens). A split is made in a temporary folder, as the run would make it.
 */
export async function planSweepScoring(
  spec: SystemSpec,
  points: number,
  opts: { resolvePath: (p: string) => string; seed: number; region: string },
): Promise<{ selection: string; resources: { system: string; action: 'create'; resource: string; detail: string }[]; calls?: { calls: number; records: number; inputTokens: number; outputTokens: number } }> {
  checkSweepSpec(spec, opts.region);
  const sweep = spec.training!.sweep!;
  const label = (k: 'loss' | 'score') => (k === 'loss' ? 'the lowest final validation loss' : 'the highest validation score');
  const [first, second] = ruleCriteria(sweep.select);
  const selection = `the point with ${label(first)} is served${second ? ` (within ${sweep.tieWithin} of it, ${label(second)} decides)` : ''}`;
  if (!needsScores(sweep.select)) return { selection, resources: [] };
  const validation = await sweepValidation(spec, { ...opts, dir: await mkdtemp(join(tmpdir(), 'ftrag-plan-split-')) });
  const items = await validationItems(validation.validationData);
  const inputTokens = items.reduce((s, i) => s + countTokens(i.prompt) + (i.system ? countTokens(i.system) : 0), 0);
  const outputTokens = items.reduce((s, i) => s + countTokens(i.references?.[0] ?? ''), 0);
  const resources = Array.from({ length: points }, (_, i) => ({
    system: spec.id,
    action: 'create' as const,
    resource: `custom model deployment (sweep point ${i + 1}/${points})`,
    detail: `on-demand, to ask the point the ${items.length} validation records (${validation.info.source === 'split' ? 'a split of the training data' : 'the validation file'}); billed per token`,
  }));
  return { selection, resources, calls: { calls: points * items.length, records: items.length, inputTokens: points * inputTokens, outputTokens: points * outputTokens } };
}
