/**
 * Training health per sweep point: each point's own loss curves give its over-fitting flags (validation loss rising
 * while training loss falls; final validation loss far above training loss), in run.json and the report.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../../src/index.js';
import { RunResult } from '../../src/schema/run-result.js';
import { writeFineTuneConfig } from '../fine-tune-config.js';

describe('health flags per sweep point', () => {
  it('flags the over-trained points of a sweep on a small set, each with its own evidence, in run.json and the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ftrag-sweep-health-'));
    const file = writeFineTuneConfig(dir, {
      name: 'sweep.yaml',
      hyperParameters: '{ learningRateWarmupSteps: 0, epochCount: 5 }',
      sweep: '        learningRate: [0.000001, 0.0001]',
    });
    const out = join(dir, 'run');
    expect((await runExperiment({ config: file, out, cwd: dir, limit: 4 })).exitCode).toBe(0);
    const run = RunResult.parse(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    const [slow, fast] = run.systems.find((s) => s.id === 'ft')!.training!.sweep!.points;
    // Five epochs at 1e-6 on 36 records: validation loss turns up after epoch 1 while training loss keeps falling.
    expect(slow.health!.validationRising).toBe(true);
    expect(slow.health!.flags.some((f) => /^Validation loss rose from/.test(f))).toBe(true);
    // At 1e-4 the first epoch already over-fits (no rise to see), but the final losses are far apart.
    expect(fast.health!.validationRising).toBe(false);
    expect(fast.health!.lossRatio!).toBeGreaterThan(3);
    expect(fast.health!.flags.some((f) => /far above the final training loss/.test(f))).toBe(true);
    for (const p of [slow, fast]) expect(p.health!.lossRatio).toBeCloseTo(p.finalValidationLoss! / p.finalTrainingLoss!, 6);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('ft #1 ⚠');
    expect(html).toContain('Validation loss rose from');
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/\| ft #1 \|[^\n]*Validation loss rose from/);
  }, 240_000);
});
