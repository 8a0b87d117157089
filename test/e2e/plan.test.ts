import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

describe('ftrag plan', () => {
  it('lists resources, pre-flight results, model calls and the estimated cost with price dates, calling nothing', async () => {
    const dir = tempDir('ftrag-plan-');
    const config = writeDemoConfig(dir);
    const r = await runCli(['plan', '--config', config, '--limit', '10', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.evalSetItems).toBe(10);
    // base 1 call, fine-tuned 1, rag and rag-fine-tuned retrieve + converse each
    expect(plan.modelCalls).toBe(10 * (1 + 1 + 2 + 2));
    expect(plan.preflight.map((p: { check: string }) => p.check)).toEqual(['hyperparameters', 'serving', 'training data']);
    expect(plan.resources.map((x: { resource: string }) => x.resource)).toEqual(expect.arrayContaining(['model customization job', 'custom model deployment']));
    const training = plan.cost.find((c: { item: string }) => c.item === 'fine-tuned: training');
    expect(training.priceDates).toHaveLength(1);
    expect(training.priceDates[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(training.usd).toBeGreaterThan(0);
    expect(plan.totalUsd).toBeCloseTo(plan.cost.reduce((s: number, c: { usd: number }) => s + c.usd, 0), 10);
    expect(existsSync(join(dir, 'emulator-data'))).toBe(false);
    const text = await runCli(['plan', '--config', config, '--limit', '10'], { cwd: dir });
    expect(text.stdout).toMatch(/Nothing has been called/);
    expect(text.stdout).toMatch(/prices as of \d{4}-\d{2}-\d{2}/);
  }, 120_000);

  it('run --dry-run prints exactly what plan prints and calls nothing (exit 0)', async () => {
    const dir = tempDir('ftrag-plan-');
    const config = writeDemoConfig(dir);
    const plan = await runCli(['plan', '--config', config, '--limit', '5', '--json'], { cwd: dir });
    const dry = await runCli(['run', '--dry-run', '--config', config, '--limit', '5', '--json'], { cwd: dir });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(plan.stdout);
    const text = await runCli(['run', '--dry-run', '--config', config, '--limit', '5'], { cwd: dir });
    expect(text.stdout).toMatch(/Nothing has been called/);
    expect(existsSync(join(dir, 'emulator-data'))).toBe(false);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  }, 120_000);

  it('a config that cannot be served fails the plan in pre-flight (exit 2)', async () => {
    const dir = tempDir('ftrag-plan-');
    const config = writeDemoConfig(dir, (c) => {
      c.systems[1].training.baseModelId = 'meta.llama3-1-8b-instruct-v1:0';
      c.systems[1].training.hyperParameters = { epochCount: 2 };
    });
    const r = await runCli(['plan', '--config', config], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/on-demand deployment of custom models is not available/);
  }, 120_000);
});
