import { describe, expect, it } from 'vitest';
import { forgettingResults, lossByEpoch, trainingHealth } from '../../src/experiment/fine-tune-risks.js';
import type { TrainingInfo } from '../../src/schema/run-result.js';
import { mulberry32 } from '../../src/util/random.js';

const SPEC = { trainSample: 30, maxGap: 0.25, maxLossRatio: 3 };

function curve(perEpoch: number[], stepsPerEpoch = 4): { step: number; epoch: number; loss: number }[] {
  const out: { step: number; epoch: number; loss: number }[] = [];
  perEpoch.forEach((loss, e) => {
    for (let k = 0; k < stepsPerEpoch; k++) out.push({ step: out.length, epoch: e + 1, loss });
  });
  return out;
}

function info(train: number[], valid: number[]): TrainingInfo {
  const validationLoss = valid.map((loss, i) => ({ step: (i + 1) * 4 - 1, epoch: i + 1, loss }));
  return { baseModelId: 'amazon.nova-micro-v1:0:128k', trainingLoss: curve(train), validationLoss, finalTrainingLoss: train.at(-1) };
}

describe('trainingHealth: over-fitting from loss curves and the train/test gap', () => {
  it('sees nothing wrong in a curve where both losses fall together', () => {
    const h = trainingHealth(info([2, 1, 0.5], [2.1, 1.2, 0.7]), SPEC);
    expect(h.overfitting).toBe(false);
    expect(h.validationRising).toBe(false);
    expect(h.flags).toEqual([]);
  });

  it('flags validation loss rising from its best epoch while training loss keeps falling', () => {
    const h = trainingHealth(info([2, 1, 0.5, 0.2], [1.5, 1.0, 1.3, 1.6]), SPEC);
    expect(h.validationRising).toBe(true);
    expect(h.overfitting).toBe(true);
    expect(h.flags[0]).toMatch(/rose from 1\.000 \(epoch 2\) to 1\.600 \(epoch 4\) while training loss fell from 1\.000 to 0\.200/);
  });

  it('does not call a rise within noise (5% + 0.01 nats) a rise', () => {
    expect(trainingHealth(info([2, 1, 0.5], [1.0, 0.9, 0.93]), SPEC).validationRising).toBe(false);
  });

  it('flags a final validation loss far above the final training loss', () => {
    const h = trainingHealth(info([3, 0.1, 0.01], [9, 9, 9]), SPEC);
    expect(h.lossRatio).toBeCloseTo(900, 0);
    expect(h.flags.some((f) => /far above the final training loss/.test(f))).toBe(true);
  });

  it('measures the train/test gap against the validation prompts when there are some, else the test set', () => {
    const train = new Map([['t1', 1], ['t2', 1], ['t3', 0.8]] as [string, number][]);
    const withValidation = trainingHealth(info([1, 0.5], [1, 0.6]), SPEC, { run: { metric: 'f1', train, validation: new Map([['v1', 0.2], ['v2', 0.3]]) }, testMean: 0.9 });
    expect(withValidation.trainPrompts).toMatchObject({ n: 3, heldOutSource: 'validation' });
    expect(withValidation.trainPrompts!.gap).toBeCloseTo(0.9333 - 0.25, 3);
    expect(withValidation.overfitting).toBe(true);
    const testOnly = trainingHealth(info([1, 0.5], [1, 0.6]), SPEC, { run: { metric: 'f1', train }, testMean: 0.9 });
    expect(testOnly.trainPrompts).toMatchObject({ heldOutSource: 'test' });
    expect(testOnly.overfitting).toBe(false);
  });

  it('averages the training loss per epoch', () => {
    expect(lossByEpoch([{ step: 0, epoch: 1, loss: 2 }, { step: 1, epoch: 1, loss: 4 }, { step: 2, epoch: 2, loss: 1 }])).toEqual([{ epoch: 1, loss: 3 }, { epoch: 2, loss: 1 }]);
  });
});

describe('forgettingResults: each fine-tuned model against the base model on the general set', () => {
  const rand = mulberry32(3);
  const ids = Array.from({ length: 200 }, (_, i) => `q${i}`);
  const base = new Map(ids.map((id) => [id, rand() < 0.5 ? 1 : rand()] as [string, number]));
  const same = new Map(base);
  // 30 items answered from memory instead of the paragraph: wrong.
  const forgot = new Map(ids.map((id, i) => [id, i % 6 === 0 ? 0 : base.get(id)!] as [string, number]));
  const scores = new Map([['base', base], ['ok', same], ['overfit', forgot]]);
  const run = { baseSystem: 'base', systems: ['ok', 'overfit'], scores, metric: 'f1' };

  it('finds no change for a model that answers as the base model does, and a significant loss for one that forgot', () => {
    const r = forgettingResults(run, { tolerance: 0.02, onExceed: 'rule-out' }, { seed: 1, binary: false });
    expect(r.get('ok')).toMatchObject({ difference: 0, significant: false, forgetting: false, action: 'none', n: 200 });
    const o = r.get('overfit')!;
    expect(o.difference).toBeLessThan(-0.05);
    expect(o.ci95[1]).toBeLessThan(0);
    expect(o.pValue).toBeLessThan(0.001);
    expect(o).toMatchObject({ forgetting: true, beyondTolerance: true, action: 'rule-out', baseSystem: 'base' });
  });

  it('names a significant loss within tolerance without acting on it', () => {
    const r = forgettingResults(run, { tolerance: 0.5, onExceed: 'rule-out' }, { seed: 1, binary: false });
    expect(r.get('overfit')).toMatchObject({ forgetting: true, beyondTolerance: false, action: 'none' });
  });
});
