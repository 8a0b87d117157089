import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

// `endpoint: aws` with AWS_ENDPOINT_URL is the existing seam: the config acts as AWS. The refusals happen before any
// call, so the URL is a closed loopback port: a call made by mistake would fail with exit 3, not 2.
const AWS_ENV = { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' };

describe('consent before spending', () => {
  it('endpoint aws without a TTY and without --yes refuses (exit 2), saying to pass --yes or run ftrag plan', async () => {
    const dir = tempDir('ftrag-consent-');
    const config = writeDemoConfig(dir, (c) => (c.endpoint = 'aws'));
    const r = await runCli(['run', '--config', config, '--limit', '3'], { cwd: dir, env: AWS_ENV });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/pass --yes/);
    expect(r.stderr).toMatch(/ftrag plan/);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    const t = await runCli(['train', '--config', config, '--system', 'fine-tuned'], { cwd: dir, env: AWS_ENV });
    expect(t.code, t.stderr).toBe(2);
    expect(t.stderr).toMatch(/pass --yes/);
  }, 120_000);

  it('an estimate above budget.maxRunUsd refuses with exit 2 even with --yes, naming the estimate and the cap', async () => {
    const dir = tempDir('ftrag-consent-');
    const config = writeDemoConfig(dir, (c) => {
      c.endpoint = 'aws';
      c.budget = { maxRunUsd: 0.000001 };
    });
    const r = await runCli(['run', '--config', config, '--limit', '3', '--yes'], { cwd: dir, env: AWS_ENV });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/estimated cost of this run \(\$\d+\.\d{4}\) is above budget\.maxRunUsd \(\$0\.000001\)/);
  }, 120_000);

  it('the emulator never asks and never refuses (no --yes, a zero budget)', async () => {
    const dir = tempDir('ftrag-consent-');
    const config = writeDemoConfig(dir, (c) => (c.budget = { maxRunUsd: 0 }));
    const r = await runCli(['run', '--config', config, '--limit', '3'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }, 240_000);
});
