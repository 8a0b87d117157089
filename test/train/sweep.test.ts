import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SweepSpec } from '../../src/config/schema.js';
import { loadConfig } from '../../src/config/load.js';
import { planRun } from '../../src/experiment/plan.js';
import { runExperiment } from '../../src/index.js';
import { RunResult } from '../../src/schema/run-result.js';
import { sweepPoints } from '../../src/training/sweep.js';
import { InputError } from '../../src/util/errors.js';
import { writeFineTuneConfig } from '../fine-tune-config.js';

const NOVA = { baseModelId: 'amazon.nova-micro-v1:0:128k', hyperParameters: { learningRateWarmupSteps: 5 } };
const field = 'systems.ft.training';
const sweep = (s: Record<string, unknown>) => SweepSpec.parse(s);

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

describe('sweepPoints', () => {
  it('expands a grid over the listed values, keeping the fixed hyperparameters', () => {
    const points = sweepPoints(sweep({ epochCount: [1, 3], learningRate: [0.00001, 0.00005] }), NOVA, field, 7);
    expect(points.map((p) => p.hyperParameters)).toEqual([
      { learningRateWarmupSteps: '5', epochCount: '1', learningRate: '0.00001' },
      { learningRateWarmupSteps: '5', epochCount: '1', learningRate: '0.00005' },
      { learningRateWarmupSteps: '5', epochCount: '3', learningRate: '0.00001' },
      { learningRateWarmupSteps: '5', epochCount: '3', learningRate: '0.00005' },
    ]);
  });

  it('draws N seeded random points from ranges (log scale within bounds, integers rounded), the same for the same seed', () => {
    const spec = sweep({ method: 'random', points: 6, epochCount: { min: 1, max: 5 }, learningRate: { min: 0.000001, max: 0.0001, scale: 'log' } });
    const a = sweepPoints(spec, NOVA, field, 7);
    expect(sweepPoints(spec, NOVA, field, 7)).toEqual(a);
    expect(sweepPoints(spec, NOVA, field, 8)).not.toEqual(a);
    for (const p of a) {
      expect(Number.isInteger(Number(p.hyperParameters.epochCount))).toBe(true);
      expect(Number(p.hyperParameters.learningRate)).toBeGreaterThanOrEqual(0.000001);
      expect(Number(p.hyperParameters.learningRate)).toBeLessThanOrEqual(0.0001);
    }
  });

  it('checks every point against the model family ranges and names the field', () => {
    const e = inputError(() => sweepPoints(sweep({ epochCount: [2, 12] }), NOVA, field, 7));
    expect(e.message).toMatch(/epochCount 12 is outside 1-5/);
    expect(e.location?.field).toBe('systems.ft.training.sweep.epochCount');
    expect(inputError(() => sweepPoints(sweep({ batchSize: [1, 2] }), NOVA, field, 7)).message).toMatch(/batchSize cannot be set for amazon\.nova-micro/);
    expect(inputError(() => sweepPoints(sweep({ epochCount: { min: 1, max: 3 } }), NOVA, field, 7)).message).toMatch(/grid sweep needs a list/);
    expect(inputError(() => sweepPoints(sweep({ method: 'random', epochCount: [1, 2] }), NOVA, field, 7)).location?.field).toBe('systems.ft.training.sweep.points');
    expect(inputError(() => sweepPoints(sweep({ learningRateWarmupSteps: [0, 5] }), NOVA, field, 7)).message).toMatch(/both fixed in hyperParameters and swept/);
    expect(inputError(() => sweepPoints(sweep({ epochCount: [1, 2, 3, 4, 5], learningRate: [1e-6, 1e-5, 1e-4, 5e-5] }), NOVA, field, 7)).message).toMatch(/20 points, more than 16/);
    expect(inputError(() => sweepPoints(sweep({}), NOVA, field, 7)).message).toMatch(/needs at least one of/);
  });

  it('drops duplicate points', () => {
    expect(sweepPoints(sweep({ epochCount: [2, 2, 3] }), NOVA, field, 7)).toHaveLength(2);
  });
});

function config(dir: string, sweepYaml: string, validation = true): string {
  return writeFineTuneConfig(dir, { name: 'sweep.yaml', sweep: sweepYaml, validation });
}

describe('a sweep in a run', () => {
  it('trains every point, serves the one with the lowest validation loss, records all of them and prices the sweep', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-sweep-'));
    const file = config(dir, '        epochCount: [1, 4]\n        maxConcurrentJobs: 2');
    const out = join(dir, 'run');
    const outcome = await runExperiment({ config: file, out, cwd: dir, limit: 6 });
    expect(outcome.exitCode).toBe(0);
    const run = RunResult.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    const ft = run.systems.find((s) => s.id === 'ft')!;
    const sw = ft.training!.sweep!;
    expect(sw.points).toHaveLength(2);
    expect(sw.points.map((p) => p.hyperParameters.epochCount)).toEqual(['1', '4']);
    const losses = sw.points.map((p) => p.finalValidationLoss!);
    expect(losses.every((v) => Number.isFinite(v))).toBe(true);
    const best = losses.indexOf(Math.min(...losses));
    expect(sw.chosen).toBe(best);
    expect(sw.points.filter((p) => p.chosen).map((p) => p.index)).toEqual([best]);
    expect(ft.training!.hyperParameters!.epochCount).toBe(sw.points[best].hyperParameters.epochCount);
    const other = sw.points[1 - best];
    const line = ft.cost!.lines.find((l) => l.item === 'hyperparameter sweep')!;
    expect(line.basis).toContain(`${other.epochs} epoch(s) in all`);
    expect(ft.cost!.oneTimeUsd).toBeCloseTo(ft.cost!.lines.filter((l) => l.period === 'one-time').reduce((s, l) => s + l.usd, 0), 10);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('aria-label="Final validation loss per sweep point"');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Hyperparameter sweep[\s\S]*\| ft #\d \|[^\n]*\| served \|/);
  }, 240_000);

  it('plan lists one job per point and its training cost before anything is trained', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-sweep-plan-'));
    const plan = await planRun(await loadConfig(config(dir, '        epochCount: [1, 2]\n        learningRate: [0.00001, 0.00002]')), {});
    const jobs = plan.resources.filter((r) => r.resource.startsWith('model customization job (sweep point'));
    expect(jobs).toHaveLength(4);
    expect(plan.cost.filter((c) => /sweep point \d training/.test(c.item))).toHaveLength(4);
  });

  it('refuses a sweep without validation data before training (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-sweep-bad-'));
    const run = runExperiment({ config: config(dir, '        epochCount: [1, 2]', false), out: join(dir, 'run'), cwd: dir });
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toThrow(/give training\.validationData or sweep\.validationSplit/);
  });
});
