import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { runExperiment } from '../../src/experiment/experiment.js';
import gateCommand from '../../src/cli/commands/gate.js';
import { shuffledTrainingData, startTestEmulator, tempDir, train, writeTrainConfig } from './helpers.js';

const ITEMS = 40;

describe('retrain -> eval -> gate loop on the emulator', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(tempDir());
  });
  afterAll(async () => {
    await emu.close();
  });

  it('passes after a retrain on the same data and fails after a retrain on shuffled completions', async () => {
    const cwd = tempDir();
    const config = writeTrainConfig(cwd, emu.url);
    const log: string[] = [];
    const run = async (cfg: string, out: string) => {
      const r = await runExperiment({ config: cfg, cwd, out: join(cwd, out), limit: ITEMS, cache: false, progress: 'none', log: (l) => log.push(l) });
      expect(r.exitCode, log.join('\n')).toBe(0);
      return r.runJsonPath;
    };
    // The gate's one-line explanations go to stdout; the assertions read its exit code and JUnit instead.
    const gate = async (baseline: string, current: string) => {
      const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        return await gateCommand.run({ baseline, current, json: false, junit: join(cwd, `${current.split('/').at(-2)}-gate.xml`) });
      } finally {
        quiet.mockRestore();
      }
    };

    const first = await train(cwd, { config });
    expect(first.outcome.exitCode).toBe(0);
    const baseline = await run(config, 'baseline');

    const same = await train(cwd, { config });
    expect(same.outcome.record!.jobArn).not.toBe(first.outcome.record!.jobArn);
    const sameRun = await run(config, 'same');
    expect(await gate(baseline, sameRun)).toBe(0);

    const worseConfig = writeTrainConfig(cwd, emu.url, (c) => (c.systems[1].training.trainingData = shuffledTrainingData(cwd)), 'worse.yaml');
    const worse = await train(cwd, { config: worseConfig });
    expect(worse.outcome.exitCode).toBe(0);
    const worseRun = await run(worseConfig, 'worse');
    // The run used the retrained model (no new training inside ftrag run).
    expect(log.join('\n')).toContain(`reusing ${worse.outcome.record!.customModelArn}`);
    expect(await gate(baseline, worseRun)).toBe(1);
  });
});
