import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoConfig } from '../e2e/cli.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { runTrain, type TrainOptions } from '../../src/training/train.js';

export { DEMO, REPO, shuffledTrainingData } from '../e2e/cli.js';

export function tempDir(prefix = 'ftrag-train-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestEmulator(dir: string, opts: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({ dataDir: join(dir, 'emulator'), port: 0, seed: 7, latencyProfile: 'none', quiet: true, provisioningDelayMs: 50, ...opts });
}

/** A config with one base and one trainable system on a running emulator; `patch` edits it before it is written. */
export function writeTrainConfig(dir: string, endpointUrl: string, patch: (c: Record<string, any>) => void = () => {}, name = 'ftrag.yaml'): string {
  return writeDemoConfig(
    dir,
    (c) => {
      c.name = 'train-test';
      c.endpointUrl = endpointUrl;
      delete c.emulator;
      c.systems = c.systems.filter((s: { id: string }) => s.id === 'base' || s.id === 'fine-tuned');
      c.metrics = ['exact', 'f1'];
      c.runner = { concurrency: 8 };
      patch(c);
    },
    name,
  );
}

export interface Captured {
  log: string[];
  printed: string[];
  progress: string[];
}

/** runTrain with output captured instead of written to the terminal. */
export async function train(cwd: string, opts: Partial<TrainOptions>, captured: Captured = { log: [], printed: [], progress: [] }) {
  const outcome = await runTrain({
    wait: true,
    cwd,
    pollMs: 20,
    log: (l) => captured.log.push(l),
    print: (l) => captured.printed.push(l),
    progress: { write: (t) => captured.progress.push(t), tty: false },
    ...opts,
  });
  return { outcome, captured };
}
