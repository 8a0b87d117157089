/**
 * Sweep selection by score on a validation split of the training data (select: validation-score and the combined
 * rules), through the whole pipeline on the embedded emulator: the points' scores and intervals in run.json, the
 * scoring calls priced, the plan before anything runs, and proof that the test set never enters the choice.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { loadTrainingData } from '../../src/datasets/training.js';
import { planRun } from '../../src/experiment/plan.js';
import { runExperiment } from '../../src/index.js';
import { RunResult } from '../../src/schema/run-result.js';
import { InputError } from '../../src/util/errors.js';
import { writeFineTuneConfig } from '../fine-tune-config.js';

const demo = fileURLToPath(new URL('../../eval-sets/demo/', import.meta.url));

function config(dir: string, opts: { evalSet?: string; sweep?: string; validation?: string; name?: string } = {}): string {
  return writeFineTuneConfig(dir, {
    name: opts.name ?? 'sweep.yaml',
    evalSet: opts.evalSet,
    data: '',
    validation: opts.validation ?? false,
    sweep: opts.sweep ?? '        learningRate: [0.000001, 0.0001]\n        validationSplit: 0.2\n        select: validation-score',
  });
}

const readRun = (out: string) => RunResult.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));

describe('sweep selection by validation score', () => {
  it('scores every point on a split of the training data, serves the best, prices the calls, and never reads the test set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-sweep-score-'));
    const out1 = join(dir, 'run1');
    expect((await runExperiment({ config: config(dir), out: out1, cwd: dir, limit: 4 })).exitCode).toBe(0);
    const run1 = readRun(out1);
    const ft = run1.systems.find((s) => s.id === 'ft')!;
    const sw = ft.training!.sweep!;
    expect(sw.selectedBy).toBe('validation-score');
    expect(sw.validation).toMatchObject({ source: 'split' });
    expect(sw.validation!.records + sw.validation!.trainingRecords!).toBe(182);
    const scores = sw.points.map((p) => p.validationScore!);
    for (const s of scores) {
      expect(s.n).toBe(sw.validation!.records);
      expect(s.ci95[0]).toBeLessThanOrEqual(s.mean);
      expect(s.ci95[1]).toBeGreaterThanOrEqual(s.mean);
    }
    // The demo's data at 1-2 epochs: no point over-fits (each point's own loss curves).
    expect(sw.points.every((p) => p.health && !p.health.overfitting)).toBe(true);
    const means = scores.map((s) => s.mean);
    // The two points must disagree for the test below to mean anything.
    expect(new Set(means).size).toBe(2);
    const best = means.indexOf(Math.max(...means));
    expect(sw.chosen).toBe(best);
    expect(ft.training!.hyperParameters!.learningRate).toBe(sw.points[best].hyperParameters.learningRate);
    expect(sw.scoreCalls!.calls).toBe(2 * sw.validation!.records);
    const line = ft.cost!.lines.find((l) => l.item === 'sweep validation calls')!;
    expect(line.period).toBe('one-time');
    expect(line.usd).toBeGreaterThan(0);
    expect(line.basis).toContain(`${sw.scoreCalls!.calls} calls`);
    expect(readFileSync(join(out1, 'report.html'), 'utf8')).toContain('aria-label="Final validation loss and validation score per sweep point"');
    expect(readFileSync(join(out1, 'report.md'), 'utf8')).toMatch(/Validation score \[95% CI\]/);

    // A test set that would pick the other point: the validation prompts with the OTHER point's own answers as
    // references (it would score 1 on them). The choice and every validation score must not move.
    const other = 1 - best;
    const answers = new Map<string, string>();
    for (const line of readFileSync(join(out1, 'sweep.ft.journal.jsonl'), 'utf8').trim().split('\n')) {
      const r = JSON.parse(line);
      if (r.systemId === `ft#${other + 1}` && r.ok) answers.set(r.itemId, r.response.output);
    }
    const splitDir = readdirSync(out1).find((f) => f.startsWith('sweep-split-ft-'))!;
    const validationFile = readdirSync(join(out1, splitDir)).find((f) => f.includes('.validation.'))!;
    const records = (await loadTrainingData(join(out1, splitDir, validationFile))).records;
    const trap = join(dir, 'trap.jsonl');
    writeFileSync(trap, records.map((r) => JSON.stringify({ id: `t${r.line}`, prompt: r.prompt, reference: answers.get(`validation-${r.line}`) ?? '' })).join('\n') + '\n');
    const out2 = join(dir, 'run2');
    expect((await runExperiment({ config: config(dir, { evalSet: trap, name: 'trap.yaml' }), out: out2, cwd: dir })).exitCode).toBe(0);
    const run2 = readRun(out2);
    const sw2 = run2.systems.find((s) => s.id === 'ft')!.training!.sweep!;
    expect(sw2.chosen).toBe(best);
    expect(sw2.points.map((p) => p.validationScore)).toEqual(scores);
  }, 300_000);

  it('plan lists a deployment per point and prices the validation calls before anything runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-sweep-score-plan-'));
    const plan = await planRun(await loadConfig(config(dir, { sweep: '        epochCount: [1, 2]\n        learningRate: [0.00001, 0.00002]\n        validationSplit: 0.2\n        select: score-then-loss\n        tieWithin: 0.02' })), {});
    expect(plan.resources.filter((r) => r.resource.startsWith('custom model deployment (sweep point'))).toHaveLength(4);
    expect(plan.resources.find((r) => r.resource === 'sweep selection')!.detail).toMatch(/highest validation score is served \(within 0\.02 of it, the lowest final validation loss decides\)/);
    const calls = plan.cost.find((c) => c.item === 'ft: sweep validation calls')!;
    expect(calls.basis).toMatch(/^\d+ calls \(4 points x \d+ validation records\)/);
    expect(calls.usd).toBeGreaterThan(0);
  });

  it('refuses what cannot be scored or has no validation evidence, naming the field (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-sweep-score-bad-'));
    const refuse = async (file: string, field: string, message: RegExp) => {
      const err = await runExperiment({ config: file, out: join(dir, 'never'), cwd: dir }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).location?.field).toBe(field);
      expect((err as Error).message).toMatch(message);
    };
    await refuse(
      config(dir, { name: 'both.yaml', validation: join(demo, 'validation.jsonl') }),
      'systems.ft.training.sweep.validationSplit',
      /not both/,
    );
    const provisioned = config(dir, { name: 'pt.yaml' }).replace(/\n/g, '\n');
    writeFileSync(provisioned, readFileSync(provisioned, 'utf8').replace('    training:\n', '    serving: { type: provisioned }\n    training:\n'));
    await refuse(provisioned, 'systems.ft.training.sweep.select', /serves every point on demand/);
  });
});
