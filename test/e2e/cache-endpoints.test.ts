import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { runCli, tempDir, writeDemoConfig } from './cli.js';

// The case: `endpoint: aws` with the AWS_ENDPOINT_URL_* variables `ftrag emulator` prints filled the cache;
// a later real `endpoint: aws` run with no network served 10 of 10 answers from it and exited 0.
describe('the response cache never serves answers across endpoints', () => {
  it('a real endpoint aws run after an emulator-backed one (same folder, same cache) gets no cached answer', async () => {
    const dir = tempDir('ftrag-cache-endpoints-');
    const emu = await startEmulator({ port: 0, dataDir: join(dir, 'emu'), quiet: true, latencyProfile: 'none' });
    const config = writeDemoConfig(dir, (c) => {
      c.systems = c.systems.filter((s: { id: string }) => s.id === 'base');
      c.endpoint = 'aws';
      delete c.emulator;
      c.runner = { ...(c.runner ?? {}), maxRetries: 0, cache: true };
    });
    try {
      const seeded = await runCli(['run', '--config', config, '--limit', '4', '--out', join(dir, 'via-emulator')], { cwd: dir, env: emu.env });
      expect(seeded.code, seeded.stderr).toBe(0);
      const first = JSON.parse(readFileSync(join(dir, 'via-emulator', 'run.json'), 'utf8'));
      expect(first.endpoint.emulated).toBe(true);
      expect(first.systems[0].errors).toBe(0);
    } finally {
      await emu.close();
    }
    // Now "real" AWS: no endpoint variables, placeholder credentials, no network (AWS hosts do not resolve here).
    const real = await runCli(['run', '--config', config, '--limit', '4', '--out', join(dir, 'real')], {
      cwd: dir,
      env: { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_CONFIG_FILE: join(dir, 'no-config'), AWS_PROFILE: '' },
    });
    expect(real.code, real.stderr).toBe(3);
    if (existsSync(join(dir, 'real', 'run.json'))) {
      const second = JSON.parse(readFileSync(join(dir, 'real', 'run.json'), 'utf8'));
      expect(second.endpoint.emulated).toBe(false);
      expect(second.systems[0].errors).toBe(4);
    }
  }, 300_000);
});
