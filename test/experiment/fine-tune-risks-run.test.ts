/**
 * Fine-tuning's risks through the real pipeline (library runExperiment, embedded emulator, real SDK): an over-fitted
 * fine-tune is flagged in run.json and in every report, the general set is answered by the base model and the
 * fine-tuned model, and bad general-set input is refused before anything is trained.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/index.js';
import { RunResult } from '../../src/schema/run-result.js';
import { InputError } from '../../src/util/errors.js';
import { writeFineTuneConfig } from '../fine-tune-config.js';

const tmp = mkdtempSync(join(tmpdir(), 'ftrag-risks-'));

function config(extra: string): string {
  return writeFineTuneConfig(tmp, {
    id: 'overfit',
    hyperParameters: '{ epochCount: 5, learningRate: 0.0001, learningRateWarmupSteps: 0 }',
    serving: '{ type: on-demand }',
    trainSample: 12,
    extra,
  });
}

describe('fine-tuning risks in a run', () => {
  it('flags the over-fitted model, runs the general set on base and the fine-tune, and reports both', async () => {
    const out = join(tmp, 'run');
    const outcome = await runExperiment({ config: config('generalSet: { limit: 40 }'), out, cwd: tmp, limit: 8 });
    expect(outcome.exitCode).toBe(0);
    const run = RunResult.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    expect(run.generalSet).toMatchObject({ size: 40, metric: 'f1', systems: ['base', 'overfit'] });
    const overfit = run.systems.find((s) => s.id === 'overfit')!;
    expect(overfit.training?.health?.overfitting).toBe(true);
    expect(overfit.training?.health?.trainPrompts).toMatchObject({ n: 12, heldOutSource: 'validation' });
    expect(overfit.training!.health!.trainPrompts!.gap).toBeGreaterThan(0.25);
    expect(overfit.generalSet).toMatchObject({ n: 40, baseSystem: 'base' });
    expect(run.systems.find((s) => s.id === 'base')!.generalSet).toBeUndefined();
    expect(run.recommendation!.warnings.some((w) => w.startsWith('Risk, over-fitting: overfit'))).toBe(true);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="fine-tune-risks"');
    expect(html).toContain('train/test gap');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## Fine-tuning risks[\s\S]*\| overfit \| flagged \|/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toContain('overfit general set: no significant loss');
  }, 240_000);

  it('refuses a general set that does not load, or has no base model to compare with, before training', async () => {
    const missing = runExperiment({ config: config('generalSet: { evalSet: nope.jsonl }'), out: join(tmp, 'bad1'), cwd: tmp });
    await expect(missing).rejects.toBeInstanceOf(InputError);
    await expect(missing).rejects.toThrow(/nope\.jsonl/);
    const noBase = runExperiment({ config: config('generalSet: { baseSystem: nobody }'), out: join(tmp, 'bad2'), cwd: tmp });
    await expect(noBase).rejects.toThrow(/generalSet names no system "nobody"/);
    const unknownKey = runExperiment({ config: config('generalSet: { tolerence: 0.1 }'), out: join(tmp, 'bad3'), cwd: tmp });
    await expect(unknownKey).rejects.toThrow(/tolerance/);
  }, 60_000);
});
