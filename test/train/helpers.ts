import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { runTrain, type TrainOptions } from '../../src/cli/train/train.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const DEMO = join(REPO, 'eval-sets', 'demo');

export function tempDir(prefix = 'ftrag-train-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestEmulator(dir: string): Promise<RunningEmulator> {
  return startEmulator({ dataDir: join(dir, 'emulator'), port: 0, seed: 7, latencyProfile: 'none', quiet: true, provisioningDelayMs: 50 });
}

/** A config with one base and one trainable system on a running emulator; `patch` edits it before it is written. */
export function writeTrainConfig(dir: string, endpointUrl: string, patch: (c: Record<string, any>) => void = () => {}, name = 'ftrag.yaml'): string {
  const config: Record<string, any> = {
    name: 'train-test',
    endpoint: 'emulator',
    endpointUrl,
    region: 'us-east-1',
    seed: 7,
    evalSet: join(DEMO, 'test.jsonl'),
    systems: [
      { id: 'base', kind: 'base', modelId: 'amazon.nova-micro-v1:0' },
      {
        id: 'fine-tuned',
        kind: 'fine-tuned',
        pricingModelId: 'amazon.nova-micro-v1:0',
        training: {
          baseModelId: 'amazon.nova-micro-v1:0:128k',
          trainingData: join(DEMO, 'training.jsonl'),
          validationData: join(DEMO, 'validation.jsonl'),
          hyperParameters: { epochCount: 3, learningRate: 0.00001, learningRateWarmupSteps: 5 },
        },
        serving: { type: 'on-demand' },
      },
    ],
    inference: { maxTokens: 128, temperature: 0 },
    metrics: ['exact', 'f1'],
    primaryMetric: 'f1',
    runner: { concurrency: 8 },
  };
  patch(config);
  const file = join(dir, name);
  writeFileSync(file, stringify(config));
  return file;
}

/** The demo's fine-tuning data with every completion moved to another record: a retrain on deliberately worse data. */
export function shuffledTrainingData(dir: string): string {
  const lines = readFileSync(join(DEMO, 'training.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const completions = lines.map((r) => r.messages[1].content[0].text);
  const file = join(dir, 'shuffled.jsonl');
  writeFileSync(file, `${lines.map((r, i) => JSON.stringify({ ...r, messages: [r.messages[0], { role: 'assistant', content: [{ text: completions[(i + 7) % completions.length] }] }] })).join('\n')}\n`);
  return file;
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
