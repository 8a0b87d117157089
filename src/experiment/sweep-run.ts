/**
 * Runs a hyperparameter sweep (training.sweep): one customization job per point, at most maxConcurrentJobs at
 * once, each trained but not served; the point chosen on validation evidence (sweep.select: the job's own
 * validation_metrics.csv, and/or the point's score answering the validation records through an on-demand
 * deployment; never the test set) is then served as the system's model. Every point is recorded in training.sweep.
 */
import { tmpdir } from 'node:os';
import type { SystemSpec, TrainingHealthSpec } from '../config/schema.js';
import { trainingHealth } from './fine-tune-risks.js';
import type { SweepResult, TrainingInfo } from '../schema/run-result.js';
import { sweepPoints } from '../training/sweep.js';
import { sweepConcurrency, type JobQuota } from '../training/quota.js';
import { choosePoint, needsScores } from '../training/sweep-select.js';
import { InputError } from '../util/errors.js';
import { ensureCustomModel, makeServable, prepareTraining, type TrainContext, type TrainedSystem } from './train-model.js';
import { checkSweepSpec, pointScore, sweepValidation, validationItems } from './sweep-validation.js';
import { ftragTags } from './tags.js';

export interface SweepContext extends TrainContext {
  seed: number;
  region: string;
  /** Thresholds of the over-fitting flags computed for every point from its own loss curves. */
  trainingHealth: TrainingHealthSpec;
  /** The account's customization-job quota: jobs in flight stay within it. */
  jobQuota: JobQuota;
}

export async function ensureSweptModel(spec: SystemSpec, ctx: SweepContext): Promise<TrainedSystem> {
  const sweep = spec.training!.sweep!;
  const field = `systems.${spec.id}.training`;
  checkSweepSpec(spec, ctx.region);
  const validation = await sweepValidation(spec, { resolvePath: ctx.resolvePath, dir: ctx.workDir ?? tmpdir(), seed: ctx.seed });
  const training = { ...spec.training!, trainingData: validation.trainingData, validationData: validation.validationData };
  if (validation.info.source === 'split') ctx.log(`sweep: validation split of the training data: ${validation.info.records} held out, ${validation.info.trainingRecords} to train on`);
  const points = sweepPoints(sweep, training, field, ctx.seed);
  const concurrency = sweepConcurrency(sweep.maxConcurrentJobs, ctx.jobQuota);
  ctx.log(`sweep: ${points.length} points for ${spec.id}, ${concurrency} job(s) at a time${concurrency < sweep.maxConcurrentJobs ? ` (the account's quota, ${ctx.jobQuota.source})` : ''}, chosen by ${sweep.select}`);
  const specOf = (hp: Record<string, string>): SystemSpec => ({ ...spec, training: { ...training, hyperParameters: hp, sweep: undefined } });
  // Jobs run side by side but share one state file: its writes go one after another.
  let saving: Promise<void> = Promise.resolve();
  const jobCtx: TrainContext = { ...ctx, saveState: () => (saving = saving.then(() => ctx.saveState())) };
  const results: TrainedSystem[] = new Array(points.length);
  let next = 0;
  const worker = async () => {
    while (next < points.length) {
      const p = points[next++];
      results[p.index] = await ensureCustomModel(specOf(p.hyperParameters), jobCtx, { serve: false });
      const v = results[p.index].training.validationLoss?.at(-1)?.loss;
      ctx.log(`sweep: point ${p.index + 1}/${points.length} ${JSON.stringify(p.hyperParameters)} validation loss ${v?.toFixed(4) ?? '?'}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, points.length) }, worker));

  const scores = needsScores(sweep.select) ? await scorePoints(spec, points.map((p) => ({ index: p.index, spec: specOf(p.hyperParameters), modelArn: results[p.index].modelId })), validation.validationData, ctx) : undefined;
  const cost = (info: TrainingInfo) => (info.trainingTokens ?? 0) * (info.epochs ?? 1);
  const finalLoss = (i: number) => results[i].training.validationLoss?.at(-1)?.loss;
  const choice = choosePoint(
    points.map((p) => ({ index: p.index, loss: finalLoss(p.index), score: scores?.byPoint[p.index]?.mean, cost: cost(results[p.index].training) })),
    sweep.select,
    sweep.tieWithin,
  );
  if (!choice) {
    const what = sweep.select.startsWith('validation-loss') || sweep.select === 'loss-then-score' ? 'a validation loss (the jobs wrote no validation_metrics.csv)' : 'a validation score';
    throw new InputError(`no sweep point has ${what}, which select: ${sweep.select} ranks by first`, { field: `${field}.sweep` });
  }
  const best = points[choice.index];
  ctx.log(`sweep: chose point ${best.index + 1} ${JSON.stringify(best.hyperParameters)}: ${choice.reason}`);
  const served = await ensureCustomModel(specOf(best.hyperParameters), ctx);
  const record: SweepResult = {
    method: sweep.method,
    selectedBy: sweep.select,
    chosen: best.index,
    reason: choice.reason,
    ...(sweep.select.includes('-then-') ? { tieWithin: sweep.tieWithin } : {}),
    trainedTokens: served.training.trainingTokens ?? 0,
    validation: validation.info,
    ...(scores ? { scoreCalls: scores.calls } : {}),
    points: points.map((p) => {
      const info = results[p.index].training;
      return {
        index: p.index,
        hyperParameters: p.hyperParameters,
        epochs: info.epochs ?? 1,
        jobArn: info.jobArn,
        customModelArn: info.customModelArn,
        finalTrainingLoss: info.finalTrainingLoss,
        finalValidationLoss: finalLoss(p.index),
        trainingLoss: info.trainingLoss,
        validationLoss: info.validationLoss,
        ...(scores?.byPoint[p.index] ? { validationScore: scores.byPoint[p.index] } : {}),
        health: trainingHealth(info, ctx.trainingHealth),
        chosen: p.index === best.index,
      };
    }),
  };
  return { modelId: served.modelId, training: { ...served.training, sweep: record } };
}

type PointScores = { byPoint: NonNullable<SweepResult['points'][number]['validationScore']>[]; calls: NonNullable<SweepResult['scoreCalls']> };

/** Serves every point on demand (a deployment bills per token, nothing while idle) and asks each the validation records. */
async function scorePoints(spec: SystemSpec, points: { index: number; spec: SystemSpec; modelArn: string }[], validationFile: string, ctx: TrainContext & { seed: number }): Promise<PointScores> {
  if (!ctx.askSweepPoints) throw new Error('a score-based sweep needs the experiment to pass askSweepPoints');
  const items = await validationItems(validationFile);
  if (items.length === 0) throw new InputError('the validation records have no completions to score the sweep points against', { field: `systems.${spec.id}.training.validationData` });
  const tags = ftragTags({ runId: ctx.runId, experiment: ctx.experiment, systemId: spec.id });
  const models: { id: string; modelId: string }[] = [];
  for (const p of points) {
    const prepared = await prepareTraining(p.spec, ctx);
    const onDemand: SystemSpec = { ...p.spec, serving: { type: 'on-demand', modelUnits: 1, commitment: 'none' } };
    const served = await makeServable(onDemand, p.modelArn, prepared.key, { ...ctx, tags });
    models.push({ id: `${spec.id}#${p.index + 1}`, modelId: served.arn });
  }
  ctx.log(`sweep: asking ${points.length} points the ${items.length} validation records`);
  const asked = await ctx.askSweepPoints(spec, items, models, `sweep.${spec.id}.journal.jsonl`);
  const calls = { calls: 0, inputTokens: 0, outputTokens: 0 };
  for (const t of asked.tokens.values()) {
    calls.calls += t.calls;
    calls.inputTokens += t.input;
    calls.outputTokens += t.output;
  }
  const byPoint = points.map((p, i) => pointScore(asked.metric, asked.scores.get(models[i].id) ?? new Map(), ctx.seed + p.index));
  return { byPoint, calls };
}
