import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

function jobs(dataDir: string): number {
  const dir = join(dataDir, 'state', 'customizationJobs');
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

describe('ftrag run pre-flight: nothing is trained that cannot be served', () => {
  it('a Claude 3 Haiku fine-tune with on-demand serving fails before any upload or job, naming file, line and field', async () => {
    const dir = tempDir('ftrag-preflight-');
    const config = writeDemoConfig(dir, (c) => {
      const ft = c.systems.find((s: { id: string }) => s.id === 'fine-tuned');
      ft.training.baseModelId = 'anthropic.claude-3-haiku-20240307-v1:0';
      ft.training.hyperParameters = { epochCount: 2 };
      ft.pricingModelId = 'anthropic.claude-3-haiku-20240307-v1:0';
      c.systems = [ft];
    });
    const r = await runCli(['run', '--config', config, '--limit', '2'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line \d+, field "systems\.fine-tuned\.serving\.type": on-demand deployment of custom models is not available: anthropic\.claude-3-haiku-20240307-v1:0 does not support custom model on-demand deployment/);
    expect(r.stderr).toContain(config);
    expect(jobs(join(dir, 'emulator-data'))).toBe(0);
  }, 240_000);

  it('out-of-range hyperparameters fail in pre-flight too', async () => {
    const dir = tempDir('ftrag-preflight-');
    const config = writeDemoConfig(dir, (c) => {
      c.systems = c.systems.filter((s: { id: string }) => s.id === 'fine-tuned');
      c.systems[0].training.hyperParameters.epochCount = 9;
    });
    const r = await runCli(['run', '--config', config, '--limit', '2'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('epochCount 9 is outside 1-5');
    expect(jobs(join(dir, 'emulator-data'))).toBe(0);
  }, 240_000);
});
