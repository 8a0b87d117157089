/**
 * The config the fine-tuning tests share: a base Nova Micro system and one fine-tuned from it on the demo's training
 * data, on the embedded emulator with latency off. Each test says only what it changes (sweep, data, serving, extra
 * top-level keys), so the tests differ where their intent differs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const demoDir = fileURLToPath(new URL('../eval-sets/demo/', import.meta.url));

export interface FineTuneConfig {
  /** File name inside the folder; a fresh random name by default, so one folder can hold several configs. */
  name?: string;
  evalSet?: string;
  /** The fine-tuned system's id (default `ft`). */
  id?: string;
  /** Folder under eval-sets/demo/ holding training.jsonl and validation.jsonl (default `small/`; `''` for the full set). */
  data?: string;
  /** `true` (default): that folder's validation.jsonl; `false`: none; a path: that file. */
  validation?: boolean | string;
  hyperParameters?: string;
  /** The lines under `sweep:`, indented by eight spaces; no sweep when absent. */
  sweep?: string;
  serving?: string;
  trainSample?: number;
  /** `false` leaves out the `emulator:` block (for configs that name an endpoint). */
  emulator?: boolean;
  /** Further top-level YAML, appended as written. */
  extra?: string;
}

export function writeFineTuneConfig(dir: string, c: FineTuneConfig = {}): string {
  const data = c.data ?? 'small/';
  const validation = c.validation === undefined || c.validation === true ? join(demoDir, `${data}validation.jsonl`) : c.validation || undefined;
  const lines = [
    `evalSet: ${c.evalSet ?? join(demoDir, 'test.jsonl')}`,
    'seed: 7',
    'systems:',
    '  - id: base',
    '    kind: base',
    '    modelId: amazon.nova-micro-v1:0',
    `  - id: ${c.id ?? 'ft'}`,
    '    kind: fine-tuned',
    '    pricingModelId: amazon.nova-micro-v1:0',
    '    training:',
    '      baseModelId: amazon.nova-micro-v1:0:128k',
    `      trainingData: ${join(demoDir, `${data}training.jsonl`)}`,
    ...(validation ? [`      validationData: ${validation}`] : []),
    `      hyperParameters: ${c.hyperParameters ?? '{ learningRateWarmupSteps: 0 }'}`,
    ...(c.sweep ? ['      sweep:', c.sweep] : []),
    ...(c.serving ? [`    serving: ${c.serving}`] : []),
    'metrics: [exact, f1]',
    `trainingHealth: { trainSample: ${c.trainSample ?? 0} }`,
    ...(c.emulator === false ? [] : ['emulator: { latencyProfile: none }']),
    ...(c.extra ? [c.extra] : []),
  ];
  const file = join(dir, c.name ?? `c${Math.random().toString(36).slice(2, 8)}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
