import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export const REPO = resolve(import.meta.dirname, '../..');
export const BIN = join(REPO, 'bin', 'ftrag.js');
export const DEMO = join(REPO, 'eval-sets', 'demo');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm test` builds first) as a user would, in its own process. */
export function runCli(args: string[], opts: { cwd: string; env?: Record<string, string>; onStderr?: (chunk: string) => void; signalAfter?: (kill: () => void) => void } ): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderr += d;
      opts.onStderr?.(String(d));
    });
    opts.signalAfter?.(() => child.kill('SIGKILL'));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 137 : -1), stdout, stderr }));
  });
}

export function tempDir(prefix = 'ftrag-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * The demo experiment with absolute paths, a private emulator data dir and no simulated service time, so the
 * end-to-end tests run the real pipeline quickly. `patch` edits the config before it is written.
 */
export function writeDemoConfig(dir: string, patch: (c: Record<string, any>) => void = () => {}, fileName = 'ftrag.yaml'): string {
  const config: Record<string, any> = {
    name: 'e2e-demo',
    endpoint: 'emulator',
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
      { id: 'rag', kind: 'rag', modelId: 'amazon.nova-micro-v1:0', knowledgeBase: { documents: join(DEMO, 'kb'), mode: 'retrieve-then-converse' } },
      {
        id: 'rag-fine-tuned',
        kind: 'rag-fine-tuned',
        generatorFrom: 'fine-tuned',
        pricingModelId: 'amazon.nova-micro-v1:0',
        knowledgeBase: { documents: join(DEMO, 'kb'), mode: 'retrieve-then-converse' },
      },
    ],
    inference: { maxTokens: 128, temperature: 0 },
    metrics: ['exact', 'f1', 'rougeL', 'contains', 'context_recall'],
    primaryMetric: 'f1',
    workload: { monthlyQueries: 200000, horizonMonths: 12, retrainEveryMonths: 3, knowledgeChangePerMonth: 0.05, latencySloMs: 3000 },
    runner: { concurrency: 8, cache: false },
    emulator: { latencyProfile: 'none', dataDir: join(dir, 'emulator-data') },
  };
  patch(config);
  const file = join(dir, fileName);
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
