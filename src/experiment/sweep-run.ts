/**
 * Runs a hyperparameter sweep (training.sweep): one customization job per point, at most maxConcurrentJobs at
 * once, each trained but not served; the point with the lowest final validation loss (from the job's own
 * validation_metrics.csv, never the test set) is then served as the system's model. Ties go to the cheaper point
 * (fewer trained tokens x epochs), then to the earlier one. Every point is recorded in training.sweep.
 */
import type { SystemSpec } from '../config/schema.js';
import type { SweepResult, TrainingInfo } from '../schema/run-result.js';
import { sweepPoints } from '../training/sweep.js';
import { InputError } from '../util/errors.js';
import { ensureCustomModel, type TrainContext, type TrainedSystem } from './train-model.js';

export async function ensureSweptModel(spec: SystemSpec, ctx: TrainContext & { seed: number }): Promise<TrainedSystem> {
  const training = spec.training!;
  const sweep = training.sweep!;
  const field = `systems.${spec.id}.training`;
  if (!training.validationData) {
    throw new InputError('a sweep chooses its point by validation loss and needs training.validationData (ftrag data split makes one)', { field: `${field}.validationData` });
  }
  const points = sweepPoints(sweep, training, field, ctx.seed);
  ctx.log(`sweep: ${points.length} points for ${spec.id}, ${sweep.maxConcurrentJobs} job(s) at a time`);
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
  await Promise.all(Array.from({ length: Math.min(sweep.maxConcurrentJobs, points.length) }, worker));

  const scored = points.map((p) => ({ p, info: results[p.index].training, v: results[p.index].training.validationLoss?.at(-1)?.loss }));
  const usable = scored.filter((s) => s.v !== undefined && Number.isFinite(s.v));
  if (usable.length === 0) throw new InputError('no sweep point reported a validation loss (the jobs wrote no validation_metrics.csv)', { field: `${field}.sweep` });
  const cost = (info: TrainingInfo) => (info.trainingTokens ?? 0) * (info.epochs ?? 1);
  usable.sort((a, b) => a.v! - b.v! || cost(a.info) - cost(b.info) || a.p.index - b.p.index);
  const best = usable[0].p;
  ctx.log(`sweep: chose point ${best.index + 1} ${JSON.stringify(best.hyperParameters)} (lowest validation loss ${usable[0].v!.toFixed(4)})`);
  const served = await ensureCustomModel(specOf(best.hyperParameters), ctx);
  const record: SweepResult = {
    method: sweep.method,
    selectedBy: sweep.select,
    chosen: best.index,
    trainedTokens: served.training.trainingTokens ?? 0,
    points: scored.map(({ p, info, v }) => ({
      index: p.index,
      hyperParameters: p.hyperParameters,
      epochs: info.epochs ?? 1,
      jobArn: info.jobArn,
      customModelArn: info.customModelArn,
      finalTrainingLoss: info.finalTrainingLoss,
      finalValidationLoss: v,
      trainingLoss: info.trainingLoss,
      validationLoss: info.validationLoss,
      chosen: p.index === best.index,
    })),
  };
  return { modelId: served.modelId, training: { ...served.training, sweep: record } };
}
