/**
 * Fine-tuning's risks from measurements (pure): over-fitting from the job's loss curves and from the train/test gap,
 * and catastrophic forgetting from the general set (paired test of each fine-tuned model against the base model).
 */
import type { GeneralSetSpec, TrainingHealthSpec } from '../config/schema.js';
import type { GeneralSetResult, TrainingHealth, TrainingInfo } from '../schema/run-result.js';
import { comparePaired, deriveSeed } from '../stats/index.js';
import type { ScoreTable, TrainPromptRun } from './side-evals.js';

type Curve = NonNullable<TrainingInfo['trainingLoss']>;

/** Relative rise of validation loss above its minimum that counts as rising (plus 0.01 nats, so noise near 0 does not). */
export const VALIDATION_RISE = 0.05;

/** Mean training loss per epoch, in epoch order. */
export function lossByEpoch(curve: Curve): { epoch: number; loss: number }[] {
  const sums = new Map<number, { total: number; n: number }>();
  for (const p of curve) {
    const s = sums.get(p.epoch) ?? { total: 0, n: 0 };
    s.total += p.loss;
    s.n++;
    sums.set(p.epoch, s);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([epoch, s]) => ({ epoch, loss: s.total / s.n }));
}

export function trainingHealth(training: TrainingInfo, spec: TrainingHealthSpec, prompts?: { run: TrainPromptRun; testMean?: number }): TrainingHealth {
  const flags: string[] = [];
  const health: TrainingHealth = { overfitting: false, flags };
  const train = lossByEpoch(training.trainingLoss ?? []);
  const valid = lossByEpoch(training.validationLoss ?? []);
  if (valid.length >= 2 && train.length >= 2) {
    let best = 0;
    valid.forEach((v, i) => {
      if (v.loss < valid[best].loss) best = i;
    });
    const last = valid[valid.length - 1];
    const trainAt = (epoch: number) => train.find((t) => t.epoch === epoch)?.loss;
    const tBest = trainAt(valid[best].epoch);
    const tLast = trainAt(last.epoch);
    const rose = best < valid.length - 1 && last.loss > valid[best].loss * (1 + VALIDATION_RISE) + 0.01;
    health.validationRising = rose && tBest !== undefined && tLast !== undefined && tLast < tBest;
    if (health.validationRising) {
      flags.push(
        `Validation loss rose from ${valid[best].loss.toFixed(3)} (epoch ${valid[best].epoch}) to ${last.loss.toFixed(3)} (epoch ${last.epoch}) while training loss fell from ${tBest!.toFixed(3)} to ${tLast!.toFixed(3)}: the later epochs memorized the training data.`,
      );
    }
  }
  const finalTrain = training.finalTrainingLoss ?? train.at(-1)?.loss;
  const finalValid = valid.at(-1)?.loss;
  if (finalTrain !== undefined && finalValid !== undefined) {
    health.lossRatio = finalValid / Math.max(finalTrain, 1e-6);
    if (finalValid > spec.maxLossRatio * finalTrain + 0.1) {
      flags.push(
        `Final validation loss ${finalValid.toFixed(3)} is far above the final training loss ${finalTrain.toFixed(3)} (more than ${spec.maxLossRatio}x + 0.1): the model fits its training data much better than held-out data.`,
      );
    }
  }
  if (prompts) {
    const trainScore = meanOf(prompts.run.train);
    const validationScore = prompts.run.validation ? meanOf(prompts.run.validation) : undefined;
    const heldOut = validationScore ?? prompts.testMean;
    if (trainScore !== undefined && heldOut !== undefined) {
      const gap = trainScore - heldOut;
      const source = validationScore !== undefined ? 'validation' : 'test';
      health.trainPrompts = { metric: prompts.run.metric, n: prompts.run.train.size, score: trainScore, heldOut, heldOutSource: source, gap };
      if (gap > spec.maxGap) {
        flags.push(
          `Re-asked training prompts score ${trainScore.toFixed(3)} ${prompts.run.metric} but held-out ${source === 'validation' ? 'validation prompts' : 'test items'} ${heldOut.toFixed(3)}: a train/test gap of ${gap.toFixed(3)} (over ${spec.maxGap}).`,
        );
      }
    }
  }
  health.overfitting = flags.length > 0;
  return health;
}

function meanOf(values: Map<string, number | null>): number | undefined {
  const xs = [...values.values()].filter((v): v is number => typeof v === 'number');
  return xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : undefined;
}

/** Each fine-tuned system against the base model on the general set, paired by item (Wilcoxon signed-rank or McNemar). */
export function forgettingResults(
  run: { baseSystem: string; systems: string[]; scores: ScoreTable; metric: string },
  spec: Pick<GeneralSetSpec, 'tolerance' | 'onExceed'>,
  opts: { seed: number; binary: boolean },
): Map<string, GeneralSetResult> {
  const out = new Map<string, GeneralSetResult>();
  const base = run.scores.get(run.baseSystem) ?? new Map();
  for (const id of run.systems) {
    const mine = run.scores.get(id) ?? new Map();
    const a: number[] = [];
    const b: number[] = [];
    for (const [itemId, v] of mine) {
      const w = base.get(itemId);
      if (typeof v === 'number' && typeof w === 'number') {
        a.push(v);
        b.push(w);
      }
    }
    if (a.length === 0) continue;
    const c = comparePaired(a, b, { kind: opts.binary ? 'binary' : 'continuous', seed: deriveSeed(opts.seed, `general:${id}`) });
    const significant = c.pValue < 0.05;
    const forgetting = significant && c.difference < 0;
    const beyondTolerance = forgetting && -c.difference > spec.tolerance;
    out.set(id, {
      metric: run.metric,
      n: c.n,
      mean: c.meanA,
      baseSystem: run.baseSystem,
      baseMean: c.meanB,
      difference: c.difference,
      ci95: c.ci95,
      pValue: c.pValue,
      method: c.method,
      significant,
      forgetting,
      beyondTolerance,
      tolerance: spec.tolerance,
      action: beyondTolerance ? spec.onExceed : 'none',
    });
  }
  return out;
}
