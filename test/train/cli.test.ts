import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, tempDir, writeTrainConfig } from './helpers.js';

const BIN = join(REPO, 'bin', 'ftrag.js');

/** The built CLI (`npm test` builds first), as CI calls it: exit codes and messages on stderr. */
function ftrag(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('ftrag train (built CLI)', () => {
  it('exits 2 naming the hyperparameter when it is out of range', () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, 'http://127.0.0.1:9', (c) => (c.systems[1].training.hyperParameters.learningRate = 0.5));
    const r = ftrag(['train', '--config', config], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/field "systems.fine-tuned.training.hyperParameters.learningRate": learningRate 0.5 is outside 0.000001-0.0001 for amazon.nova-micro/);
  });

  it('exits 2 for --no-wait on the embedded emulator, which would die with the command', () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, 'http://127.0.0.1:9', (c) => {
      delete c.endpointUrl;
      c.emulator = { latencyProfile: 'none', dataDir: join(cwd, 'emu') };
    });
    const r = ftrag(['train', '--config', config, '--no-wait'], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--no-wait needs an emulator that outlives this command/);
  });
});
