/**
 * Catastrophic forgetting through the reference model's own mechanics: over-training (many epochs, the highest
 * learning rate, a small set) grows the weights until the model is near-certain on reading questions unlike its
 * training data and answers them from memory; the demo's normal fine-tune leaves every general answer unchanged.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate, parseTrainingJsonl, trainModel, type TrainedModel } from '../../src/emulator/model/index.js';
import { squadF1 } from '../../src/scoring/index.js';

const root = new URL('../../', import.meta.url);
const general = readFileSync(new URL('eval-sets/general/squad-v2-general.jsonl', root), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { prompt: string; references: string[] })
  .slice(0, 150);
const demo = (name: string) => parseTrainingJsonl(readFileSync(new URL(`eval-sets/demo/${name}`, root), 'utf8'), 'FINE_TUNING').examples;

function answers(model?: TrainedModel): string[] {
  return general.map((g) => generate({ messages: [{ role: 'user', text: g.prompt }], maxTokens: 128, seed: 1, customModel: model }).text);
}
const f1 = (outs: string[]) => outs.reduce((s, o, i) => s + squadF1(o, general[i].references), 0) / outs.length;

describe('forgetting on the general reading set', () => {
  it('the normal fine-tune answers as the base model; the over-fitted one answers from memory and scores lower', async () => {
    const base = answers();
    const normal = await trainModel(demo('training.jsonl'), demo('validation.jsonl'), { epochCount: 3, batchSize: 1, learningRate: 1e-5, learningRateWarmupSteps: 5 }, { seed: 7, baseDefaultLearningRate: 1e-5 });
    expect(answers(normal.model)).toEqual(base);
    const overfit = await trainModel(demo('small/training.jsonl'), demo('small/validation.jsonl'), { epochCount: 5, batchSize: 1, learningRate: 1e-4, learningRateWarmupSteps: 0 }, { seed: 7, baseDefaultLearningRate: 1e-5 });
    const outs = answers(overfit.model);
    const changed = outs.filter((o, i) => o !== base[i]).length;
    expect(changed).toBeGreaterThanOrEqual(5);
    expect(f1(outs)).toBeLessThan(f1(base) - 0.01);
    // The over-fitted model also shows it in its losses: training loss near 0, validation loss far above it.
    expect(overfit.finalValidationLoss!).toBeGreaterThan(3 * overfit.finalTrainingLoss + 0.1);
  }, 120_000);
});
